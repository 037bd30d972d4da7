//! From files to the effective config: each file is resolved on its own (its projects take its
//! own `[defaults]`), then the running file is merged over the global one (SPEC C3).

use std::collections::BTreeMap;

use super::layer::{Layer, LocalLayer};
use super::model::{Config, DEFAULT_AGENT, DEFAULT_BRANCH, DEFAULT_RUNTIME, DESKTOP_NOTIFIER, Defaults, Project};
use super::types::{AfterLand, LandMethod, ProjectFile, ReactionOverride};
use crate::ids::ProjectId;

/// The config one file describes on its own, with each project's local file folded in.
///
/// Projects are resolved here, against this file's `[defaults]`, so that after a merge a project
/// from the running file keeps the running file's default agent and runtime rather than silently
/// taking the global ones. Entries that failed validation (bad id, no path) are left out; the
/// caller has already reported them.
pub(crate) fn resolve(layer: &Layer, locals: &BTreeMap<String, LocalLayer>) -> Config {
    let file = &layer.file;
    let defaults = Defaults {
        agent: file.defaults.agent.clone().unwrap_or_else(|| DEFAULT_AGENT.to_owned()),
        runtime: file.defaults.runtime.unwrap_or(DEFAULT_RUNTIME),
        default_branch: file
            .defaults
            .default_branch
            .clone()
            .or_else(|| file.defaults.base_branch.clone())
            .unwrap_or_else(|| DEFAULT_BRANCH.to_owned()),
        notifiers: file.defaults.notifiers.clone().unwrap_or_else(|| vec![DESKTOP_NOTIFIER.to_owned()]),
        land: file.defaults.land.unwrap_or(LandMethod::Squash),
        after_land: file.defaults.after_land.unwrap_or(AfterLand::Keep),
    };
    let projects = file
        .projects
        .iter()
        .filter_map(|(id, entry)| {
            let id = ProjectId::new(id.as_str()).ok()?;
            let local = locals.get(id.as_str());
            let project = resolve_project(id.clone(), entry, local, &defaults, layer)?;
            Some((id, project))
        })
        .collect();
    Config {
        defaults,
        projects,
        agents: file.agents.clone(),
        notifiers: file.notifiers.clone(),
        notification_routing: file.notification_routing.clone(),
        reactions: file.reactions.clone(),
    }
}

/// One project: entry, then `grove.toml`, then the file's defaults.
fn resolve_project(
    id: ProjectId,
    entry: &ProjectFile,
    local: Option<&LocalLayer>,
    defaults: &Defaults,
    layer: &Layer,
) -> Option<Project> {
    let empty = ProjectFile::default();
    let behaviour = local.map_or(&empty, |l| &l.project);
    let mut reactions: BTreeMap<_, ReactionOverride> = behaviour.reactions.clone();
    for (key, over) in &entry.reactions {
        let below = reactions.remove(key).unwrap_or_default();
        reactions.insert(*key, over.over(&below));
    }
    Some(Project {
        name: entry.name.clone().or_else(|| behaviour.name.clone()).unwrap_or_else(|| id.to_string()),
        path: entry.path.clone()?,
        repo: entry.repo.clone(),
        default_branch: entry
            .default_branch
            .clone()
            .or_else(|| entry.base_branch.clone())
            .or_else(|| behaviour.default_branch.clone())
            .or_else(|| behaviour.base_branch.clone())
            .unwrap_or_else(|| defaults.default_branch.clone()),
        session_prefix: entry.session_prefix.clone().unwrap_or_else(|| id.to_string()),
        agent: entry.agent.clone().or_else(|| behaviour.agent.clone()).unwrap_or_else(|| defaults.agent.clone()),
        runtime: entry.runtime.or(behaviour.runtime).unwrap_or(defaults.runtime),
        post_create: entry.post_create.clone().or_else(|| behaviour.post_create.clone()).unwrap_or_default(),
        agent_rules_file: entry.agent_rules_file.clone().or_else(|| behaviour.agent_rules_file.clone()),
        reactions,
        mute_notifications: entry.mute_notifications.or(behaviour.mute_notifications).unwrap_or(false),
        land: entry.land.or(behaviour.land).unwrap_or(defaults.land),
        after_land: entry.after_land.or(behaviour.after_land).unwrap_or(defaults.after_land),
        declared_in: layer.path.clone(),
        local_file: local.map(|l| l.path.clone()),
        id,
    })
}

/// The running config merged over the global one (SPEC C3): a running project replaces a
/// same-id global project whole; custom agents: running wins; notifiers, routing and reactions:
/// global wins per key. Defaults stay the global file's (projects are already resolved).
pub(crate) fn merge(global: Config, running: Config) -> Config {
    let mut merged = global;
    merged.projects.extend(running.projects);
    merged.agents.extend(running.agents);
    for (name, notifier) in running.notifiers {
        merged.notifiers.entry(name).or_insert(notifier);
    }
    for (priority, targets) in running.notification_routing {
        merged.notification_routing.entry(priority).or_insert(targets);
    }
    for (key, reaction) in running.reactions {
        merged.reactions.entry(key).or_insert(reaction);
    }
    merged
}
