//! Validation (SPEC C5): ids and prefixes match the id pattern, prefixes are unique, durations and
//! numbers are in range, and every name a file refers to exists. Each error names its file, line,
//! column and key, and says how to fix it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use super::duration::HumanDuration;
use super::error::ConfigError;
use super::keys::nearest;
use super::model::{BUILTIN_AGENTS, Config, DESKTOP_NOTIFIER};
use super::spans::SpanIndex;
use super::types::{ConfigFile, NotifierConfig, ProjectFile, ReactionAction, ReactionKey, ReactionOverride};
use crate::ids::{IdKind, MAX_ID_LEN, validate};

/// Shortest reaction duration: below this a reaction would fire on a state that flickers between
/// two background passes rather than one that lasts.
pub const MIN_REACTION_DURATION: Duration = Duration::from_secs(10);
/// Longest reaction duration: a week; anything longer is almost certainly a unit typo.
pub const MAX_REACTION_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);
/// Most `send_to_agent` attempts before escalating: more is a loop, not a retry policy.
pub const MAX_REACTION_RETRIES: u32 = 10;
/// Longest session prefix: `<prefix>-<n>` must stay a valid session id for any `u64` counter
/// (one dash and up to 20 digits).
pub const MAX_SESSION_PREFIX_LEN: usize = MAX_ID_LEN - 21;

/// Agent and notifier names available after merging, for checking references in any layer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    agents: BTreeSet<String>,
    notifiers: BTreeSet<String>,
}

impl Names {
    /// Built-ins plus everything the files declare (the merge keeps every declared name).
    pub(crate) fn of<'a>(files: impl IntoIterator<Item = &'a ConfigFile>) -> Self {
        let mut names = Names {
            agents: BUILTIN_AGENTS.iter().map(|a| (*a).to_owned()).collect(),
            notifiers: BTreeSet::from([DESKTOP_NOTIFIER.to_owned()]),
        };
        for file in files {
            names.agents.extend(file.agents.keys().cloned());
            names.notifiers.extend(file.notifiers.keys().cloned());
        }
        names
    }
}

/// Checks one global or running file.
pub(crate) fn check_file(file: &ConfigFile, spans: &SpanIndex, names: &Names) -> Vec<ConfigError> {
    let mut out = Vec::new();
    if let Some(agent) = &file.defaults.agent {
        check_agent_ref(agent, &["defaults", "agent"], names, spans, &mut out);
    }
    if let Some(branch) = &file.defaults.default_branch {
        check_branch(branch, &["defaults", "default_branch"], spans, &mut out);
    }
    check_base_alias(
        file.defaults.default_branch.as_deref(),
        file.defaults.base_branch.as_deref(),
        &["defaults"],
        spans,
        &mut out,
    );
    for notifier in file.defaults.notifiers.iter().flatten() {
        check_notifier_ref(notifier, &["defaults", "notifiers"], names, spans, &mut out);
    }
    for (id, project) in &file.projects {
        let key = ["projects", id.as_str()];
        if let Err(e) = validate(IdKind::Project, id) {
            out.push(spans.error(&key, format!("invalid project id in `[projects.{id}]`: {e}")));
        }
        if project.path.is_none() {
            out.push(spans.error(&key, format!("project `{id}` has no `path`; add `path = \"/path/to/repo\"`")));
        }
        if let Some(prefix) = &project.session_prefix {
            check_prefix(prefix, &["projects", id, "session_prefix"], spans, &mut out);
        } else if id.len() > MAX_SESSION_PREFIX_LEN {
            // Without its own prefix a project's session ids start with the project id.
            let msg = format!(
                "project id `{id}` is {} characters long and has no `session_prefix`: session ids start with \
                 the project id, and at most {MAX_SESSION_PREFIX_LEN} characters leave room for `-<n>`; set a \
                 shorter `session_prefix`",
                id.len()
            );
            out.push(spans.error(&key, msg));
        }
        if let Some(repo) = &project.repo {
            let parts: Vec<&str> = repo.split('/').collect();
            if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
                let msg = format!("`projects.{id}.repo` = {repo:?} is not `owner/name`");
                out.push(spans.error(&["projects", id, "repo"], msg));
            }
        }
        check_behaviour(project, &key, names, spans, &mut out);
    }
    for (name, agent) in &file.agents {
        check_name("agent", name, &["agents", name], spans, &mut out);
        if agent.args.iter().chain(agent.resume_args.iter().flatten()).any(String::is_empty) {
            out.push(spans.error(&["agents", name], format!("`agents.{name}` has an empty argument")));
        }
    }
    for (name, notifier) in &file.notifiers {
        check_name("notifier", name, &["notifiers", name], spans, &mut out);
        if let NotifierConfig::Webhook { url } = notifier
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            let msg = format!("`notifiers.{name}.url` = {url:?} must start with https:// or http://");
            out.push(spans.error(&["notifiers", name, "url"], msg));
        }
    }
    for (priority, targets) in &file.notification_routing {
        for target in targets {
            check_notifier_ref(target, &["notification_routing", priority.as_str()], names, spans, &mut out);
        }
    }
    check_reactions(&file.reactions, &["reactions"], spans, &mut out);
    out
}

/// Checks a project's local `grove.toml`: behaviour only (no `path`, `repo` or `session_prefix`,
/// which identify a project, SPEC C1), and the same rules as a project entry.
pub(crate) fn check_local(project: &ProjectFile, spans: &SpanIndex, names: &Names) -> Vec<ConfigError> {
    let mut out = Vec::new();
    let identity = [
        ("path", project.path.is_some()),
        ("repo", project.repo.is_some()),
        ("session_prefix", project.session_prefix.is_some()),
    ];
    for (key, set) in identity {
        if set {
            let msg = format!(
                "`{key}` identifies a project and cannot be set in grove.toml (behaviour only); \
                 set it in the project's entry in the global config"
            );
            out.push(spans.error(&[key], msg));
        }
    }
    check_behaviour(project, &[], names, spans, &mut out);
    out
}

/// Rules shared by a project entry and a local file. `prefix` is the key path of the project.
fn check_behaviour(p: &ProjectFile, prefix: &[&str], names: &Names, spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    let key = |k: &'static str| [prefix, &[k]].concat();
    if let Some(agent) = &p.agent {
        check_agent_ref(agent, &key("agent"), names, spans, out);
    }
    if let Some(branch) = &p.default_branch {
        check_branch(branch, &key("default_branch"), spans, out);
    }
    check_base_alias(p.default_branch.as_deref(), p.base_branch.as_deref(), prefix, spans, out);
    if p.post_create.iter().flatten().any(|c| c.trim().is_empty()) {
        out.push(spans.error(&key("post_create"), format!("`{}` has an empty command", key("post_create").join("."))));
    }
    check_reactions(&p.reactions, &key("reactions"), spans, out);
}

/// `base_branch` (SPEC K1's name) is `default_branch`: checked like it, and refused beside it, since
/// two values for one setting would leave a reader guessing which one Grove uses.
fn check_base_alias(
    default_branch: Option<&str>,
    base_branch: Option<&str>,
    prefix: &[&str],
    spans: &SpanIndex,
    out: &mut Vec<ConfigError>,
) {
    let Some(base) = base_branch else { return };
    let key = [prefix, &["base_branch"]].concat();
    check_branch(base, &key, spans, out);
    if default_branch.is_some() {
        let msg = format!("`{}` and `default_branch` are the same setting; keep only one of them", key.join("."));
        out.push(spans.error(&key, msg));
    }
}

fn check_reactions(
    reactions: &BTreeMap<ReactionKey, ReactionOverride>,
    prefix: &[&str],
    spans: &SpanIndex,
    out: &mut Vec<ConfigError>,
) {
    for (reaction, o) in reactions {
        let key = |field: &'static str| [prefix, &[reaction.as_str(), field]].concat();
        if let Some(retries) = o.retries
            && retries > MAX_REACTION_RETRIES
        {
            let msg =
                format!("`{}` = {retries} is out of range (0 to {MAX_REACTION_RETRIES})", key("retries").join("."));
            out.push(spans.error(&key("retries"), msg));
        }
        for (field, value) in [("escalate_after", o.escalate_after), ("threshold", o.threshold)] {
            let Some(value) = value else { continue };
            if !(MIN_REACTION_DURATION..=MAX_REACTION_DURATION).contains(&value.get()) {
                let msg = format!(
                    "`{}` = \"{value}\" is out of range ({} to {})",
                    key(field).join("."),
                    HumanDuration::new(MIN_REACTION_DURATION),
                    HumanDuration::new(MAX_REACTION_DURATION)
                );
                out.push(spans.error(&key(field), msg));
            }
        }
        if o.action == Some(ReactionAction::AutoMerge) && *reaction != ReactionKey::ApprovedAndGreen {
            let msg = format!(
                "`{}` = \"auto_merge\" is only allowed for `approved_and_green`; use send_to_agent or notify",
                key("action").join(".")
            );
            out.push(spans.error(&key("action"), msg));
        }
    }
}

/// Checks that no two projects share a session prefix (default: the project id). The error is
/// reported on the later project (by id), in the file that declared it.
pub(crate) fn check_unique_prefixes<'a>(
    config: &Config,
    spans_of: impl Fn(&Path) -> Option<&'a SpanIndex>,
) -> Vec<ConfigError> {
    let mut seen: BTreeMap<&str, &super::model::Project> = BTreeMap::new();
    let mut out = Vec::new();
    for project in config.projects.values() {
        let Some(first) = seen.get(project.session_prefix.as_str()) else {
            seen.insert(&project.session_prefix, project);
            continue;
        };
        let msg = format!(
            "session prefix `{}` of project `{}` is already used by project `{}` (declared in {}); \
             set a distinct `session_prefix` for one of them",
            project.session_prefix,
            project.id,
            first.id,
            first.declared_in.display()
        );
        let key = ["projects", project.id.as_str(), "session_prefix"];
        match spans_of(&project.declared_in) {
            Some(spans) => out.push(spans.error(&key, msg)),
            None => out.push(ConfigError::whole_file(&project.declared_in, msg)),
        }
    }
    out
}

fn check_agent_ref(agent: &str, key: &[&str], names: &Names, spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    if names.agents.contains(agent) {
        return;
    }
    let known: Vec<&str> = names.agents.iter().map(String::as_str).collect();
    let hint = match nearest(agent, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("known agents: {}; declare others in [agents.<name>]", known.join(", ")),
    };
    out.push(spans.error(key, format!("unknown agent `{agent}` in `{}`; {hint}", key.join("."))));
}

fn check_notifier_ref(name: &str, key: &[&str], names: &Names, spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    if names.notifiers.contains(name) {
        return;
    }
    let known: Vec<&str> = names.notifiers.iter().map(String::as_str).collect();
    let hint = match nearest(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("known notifiers: {}; declare others in [notifiers.<name>]", known.join(", ")),
    };
    out.push(spans.error(key, format!("unknown notifier `{name}` in `{}`; {hint}", key.join("."))));
}

fn check_prefix(prefix: &str, key: &[&str], spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    if let Err(e) = validate(IdKind::SessionPrefix, prefix) {
        out.push(spans.error(key, format!("`{}`: {e}", key.join("."))));
    } else if prefix.len() > MAX_SESSION_PREFIX_LEN {
        let msg = format!(
            "`{}` is {} characters long; at most {MAX_SESSION_PREFIX_LEN} leave room for `-<n>` in session ids",
            key.join("."),
            prefix.len()
        );
        out.push(spans.error(key, msg));
    }
}

fn check_branch(branch: &str, key: &[&str], spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    if branch.is_empty() || branch.chars().any(|c| c.is_whitespace() || c.is_control()) {
        out.push(spans.error(key, format!("`{}` = {branch:?} is not a branch name", key.join("."))));
    }
}

fn check_name(what: &str, name: &str, key: &[&str], spans: &SpanIndex, out: &mut Vec<ConfigError>) {
    if validate(IdKind::Project, name).is_err() {
        let msg = format!(
            "{what} name `{name}` must be 1-{MAX_ID_LEN} ASCII letters, digits, '_' or '-', starting with a letter or digit"
        );
        out.push(spans.error(key, msg));
    }
}
