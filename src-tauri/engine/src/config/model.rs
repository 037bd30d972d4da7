//! The effective config: every project resolved (defaults applied, local `grove.toml` folded in,
//! paths absolute), and the layers merged (SPEC C3). This is what the rest of Grove reads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::reactions::Reaction;
use super::types::{
    AfterLand, AgentConfig, LandMethod, NotifierConfig, Priority, ReactionKey, ReactionOverride, Runtime,
};
use crate::ids::ProjectId;

/// Agents Grove has adapters for (SPEC I1-I4); usable without an `[agents]` entry.
pub const BUILTIN_AGENTS: &[&str] = &["claude-code", "codex", "aider", "shell"];
/// The notifier that exists without being declared: OS notifications (SPEC H2).
pub const DESKTOP_NOTIFIER: &str = "desktop";
/// Agent when neither the project nor `[defaults]` names one: the best-supported adapter.
pub const DEFAULT_AGENT: &str = "claude-code";
/// Runtime when none is configured: tmux keeps agents alive and attachable.
pub const DEFAULT_RUNTIME: Runtime = Runtime::Tmux;
/// Base branch when none is configured: git's and the forges' default.
pub const DEFAULT_BRANCH: &str = "main";

/// `[defaults]` with every value decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// Agent for projects that do not name one.
    pub agent: String,
    /// Runtime for projects that do not name one.
    pub runtime: Runtime,
    /// Base branch for projects that do not name one.
    pub default_branch: String,
    /// Notifiers for priorities `[notification_routing]` does not list.
    pub notifiers: Vec<String>,
    /// Land method for projects that do not name one (SPEC K4).
    pub land: LandMethod,
    /// After-land policy for projects that do not name one (SPEC K6).
    pub after_land: AfterLand,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            agent: DEFAULT_AGENT.to_owned(),
            runtime: DEFAULT_RUNTIME,
            default_branch: DEFAULT_BRANCH.to_owned(),
            notifiers: vec![DESKTOP_NOTIFIER.to_owned()],
            land: LandMethod::Squash,
            after_land: AfterLand::Keep,
        }
    }
}

/// One project with every value decided.
///
/// Precedence per field: the project's entry in its config file, then its `grove.toml`, then that
/// config file's `[defaults]`, then Grove's built-in default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project id.
    pub id: ProjectId,
    /// Display name (the id unless set).
    pub name: String,
    /// Absolute path of the repository.
    pub path: PathBuf,
    /// `owner/name` of the hosted repository, if known.
    pub repo: Option<String>,
    /// Branch new worktrees start from.
    pub default_branch: String,
    /// Prefix of session ids, unique across projects.
    pub session_prefix: String,
    /// Agent for new sessions.
    pub agent: String,
    /// Runtime for new sessions.
    pub runtime: Runtime,
    /// Commands run in a new worktree before the agent starts.
    pub post_create: Vec<String>,
    /// Absolute path of the agent rules file, if any.
    pub agent_rules_file: Option<PathBuf>,
    /// Project-level reaction overrides (entry over `grove.toml`).
    pub reactions: BTreeMap<ReactionKey, ReactionOverride>,
    /// No notifications for this project's sessions (entry over `grove.toml`).
    pub mute_notifications: bool,
    /// How its sessions land in `default_branch` (SPEC K4).
    pub land: LandMethod,
    /// What happens after one of its sessions landed (SPEC K6).
    pub after_land: AfterLand,
    /// The config file that declared the project.
    pub declared_in: PathBuf,
    /// The project's `grove.toml`, when one was found and applied.
    pub local_file: Option<PathBuf>,
}

/// The merged, validated config.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// Defaults (from the global file when there is one).
    pub defaults: Defaults,
    /// Projects by id.
    pub projects: BTreeMap<ProjectId, Project>,
    /// Declared agents by name (custom ones and overrides of built-ins); command paths absolute.
    pub agents: BTreeMap<String, AgentConfig>,
    /// Declared notifiers by name; `desktop` is available even when not listed here.
    pub notifiers: BTreeMap<String, NotifierConfig>,
    /// Notifier names per priority.
    pub notification_routing: BTreeMap<Priority, Vec<String>>,
    /// Config-level reaction overrides by key.
    pub reactions: BTreeMap<ReactionKey, ReactionOverride>,
}

impl Config {
    /// The project with this id.
    pub fn project(&self, id: &ProjectId) -> Option<&Project> {
        self.projects.get(id)
    }

    /// Whether `name` is an agent sessions can use: built-in or declared.
    pub fn has_agent(&self, name: &str) -> bool {
        BUILTIN_AGENTS.contains(&name) || self.agents.contains_key(name)
    }

    /// The effective reaction for `key` in `project` (built-in, then config, then project). An
    /// unknown project gets the config-level reaction.
    pub fn reaction(&self, project: &ProjectId, key: ReactionKey) -> Reaction {
        let mut reaction = Reaction::builtin(key);
        if let Some(o) = self.reactions.get(&key) {
            reaction = reaction.with(o);
        }
        if let Some(o) = self.projects.get(project).and_then(|p| p.reactions.get(&key)) {
            reaction = reaction.with(o);
        }
        reaction
    }

    /// The notifier names a notification of `priority` goes to.
    pub fn notifiers_for(&self, priority: Priority) -> &[String] {
        self.notification_routing.get(&priority).unwrap_or(&self.defaults.notifiers)
    }

    /// The notifier called `name`: declared, or the implicit desktop one.
    pub fn notifier(&self, name: &str) -> Option<NotifierConfig> {
        match self.notifiers.get(name) {
            Some(n) => Some(n.clone()),
            None if name == DESKTOP_NOTIFIER => Some(NotifierConfig::Desktop { sound: true }),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::ReactionAction;

    #[test]
    fn an_empty_config_still_has_builtin_agents_reactions_and_desktop() {
        let c = Config::default();
        assert!(BUILTIN_AGENTS.iter().all(|a| c.has_agent(a)), "built-in agents need no declaration");
        assert!(!c.has_agent("nope"));
        assert_eq!(c.notifiers_for(Priority::Urgent), ["desktop"], "unrouted priorities use defaults.notifiers");
        assert!(matches!(c.notifier("desktop"), Some(NotifierConfig::Desktop { .. })));
        let p = ProjectId::new("api").unwrap();
        assert_eq!(c.reaction(&p, ReactionKey::CiFailed), Reaction::builtin(ReactionKey::CiFailed));
    }

    #[test]
    fn project_reactions_override_config_reactions_field_by_field() {
        let id = ProjectId::new("api").unwrap();
        let mut c = Config::default();
        c.reactions.insert(
            ReactionKey::CiFailed,
            ReactionOverride { retries: Some(5), priority: Some(Priority::Urgent), ..Default::default() },
        );
        let project_override = ReactionOverride { retries: Some(1), ..Default::default() };
        c.projects.insert(
            id.clone(),
            Project {
                id: id.clone(),
                name: "api".into(),
                path: "/r".into(),
                repo: None,
                default_branch: "main".into(),
                session_prefix: "api".into(),
                agent: "codex".into(),
                runtime: Runtime::Tmux,
                post_create: vec![],
                agent_rules_file: None,
                reactions: BTreeMap::from([(ReactionKey::CiFailed, project_override)]),
                mute_notifications: false,
                land: LandMethod::Squash,
                after_land: AfterLand::Keep,
                declared_in: "/c.toml".into(),
                local_file: None,
            },
        );
        let r = c.reaction(&id, ReactionKey::CiFailed);
        assert_eq!(r.retries, Some(1), "the project's retries win");
        assert_eq!(r.priority, Priority::Urgent, "the config's priority applies where the project says nothing");
        assert_eq!(r.action, ReactionAction::SendToAgent, "the built-in action stays");
    }
}
