//! The config file as written (ARCHITECTURE §3.3): serde types for one TOML file, snake_case keys.
//! These hold what a file says, before defaults are applied and layers merged (`model.rs`).
//!
//! Every struct denies unknown fields, which also makes the JSON schema closed so editors flag
//! typos; the loader catches unknown keys first with a suggestion (`keys.rs`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::duration::HumanDuration;
pub use crate::land::LandMethod;

/// Declares a string-valued enum with serde names, `ALL`, `as_str`, `Display` and a JSON schema
/// that lists the names as a plain `enum` (so map keys of this type get a closed schema).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in config files.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "enum": [$($text),+] })
            }
        }
    };
}

string_enum!(
    /// Where a session's agent runs.
    Runtime {
        /// A session on Grove's own tmux socket (the default).
        Tmux = "tmux",
        /// A plain child process in its own process group.
        Process = "process",
    }
);

string_enum!(
    /// How urgently a notification needs a human; `[notification_routing]` maps these to notifiers.
    Priority {
        /// The agent is blocked on the user (needs input, stuck, exited).
        Urgent = "urgent",
        /// Something the user can act on now (approved, merge ready).
        Action = "action",
        /// Something went wrong that the agent may fix itself (CI failing, changes requested).
        Warning = "warning",
        /// For the record only.
        Info = "info",
    }
);

string_enum!(
    /// Events a reaction can answer (SPEC H3). `[reactions.<key>]` configures one.
    ReactionKey {
        /// CI checks on the session's PR fail.
        CiFailed = "ci_failed",
        /// A reviewer requests changes.
        ChangesRequested = "changes_requested",
        /// The PR's branch conflicts with its base.
        MergeConflicts = "merge_conflicts",
        /// The agent has shown no progress for `threshold`.
        AgentStuck = "agent_stuck",
        /// The agent asks the user something.
        AgentNeedsInput = "agent_needs_input",
        /// The agent process ended while the session was live.
        AgentExited = "agent_exited",
        /// The PR is approved and CI is green.
        ApprovedAndGreen = "approved_and_green",
        /// The PR was closed without merging.
        PrClosed = "pr_closed",
    }
);

string_enum!(
    /// What a reaction does.
    ReactionAction {
        /// Send a message (the failing checks, the review comments, or `message`) to the agent.
        SendToAgent = "send_to_agent",
        /// Notify the user through the routed notifiers.
        Notify = "notify",
        /// Squash-merge the PR (only for `approved_and_green`).
        AutoMerge = "auto_merge",
    }
);

string_enum!(
    /// What happens to a session after its work landed (SPEC K6).
    AfterLand {
        /// Nothing: the agent and its worktree stay (the default).
        Keep = "keep",
        /// Stop the agent; the worktree stays.
        Stop = "stop",
        /// Stop the agent, remove the worktree and delete the local branch, each only when
        /// nothing unlanded would be lost.
        Clean = "clean",
    }
);

/// One config file (global or running): `[defaults]`, `[projects.<id>]`, `[agents.<name>]`,
/// `[notifiers.<name>]`, `[notification_routing]`, `[reactions.<key>]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Defaults for projects of this file that do not say otherwise.
    pub defaults: DefaultsFile,
    /// Projects by id.
    pub projects: BTreeMap<String, ProjectFile>,
    /// Custom agents, or overrides of a built-in agent's command, by name.
    pub agents: BTreeMap<String, AgentConfig>,
    /// Notification channels by name; `desktop` exists without being declared.
    pub notifiers: BTreeMap<String, NotifierConfig>,
    /// Which notifiers get each priority; a priority not listed goes to `defaults.notifiers`.
    pub notification_routing: BTreeMap<Priority, Vec<String>>,
    /// Overrides of the built-in reactions, by key.
    pub reactions: BTreeMap<ReactionKey, ReactionOverride>,
}

/// `[defaults]`: values a project of the same file uses when it does not set its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DefaultsFile {
    /// Agent for new sessions (built-in: claude-code, codex, aider, shell; or an `[agents]` name).
    pub agent: Option<String>,
    /// Runtime for new sessions.
    pub runtime: Option<Runtime>,
    /// Branch new worktrees start from and sessions land in.
    pub default_branch: Option<String>,
    /// SPEC K1's name of `default_branch`; set one of the two, not both.
    pub base_branch: Option<String>,
    /// How sessions land (SPEC K4); `squash` unless set.
    pub land: Option<LandMethod>,
    /// What happens after a session landed (SPEC K6); `keep` unless set.
    pub after_land: Option<AfterLand>,
    /// Notifiers for priorities that `[notification_routing]` does not list.
    pub notifiers: Option<Vec<String>>,
}

/// `[projects.<id>]` in a config file, or the whole of a project's local `grove.toml`.
///
/// In `grove.toml` the identity fields (`path`, `repo`, `session_prefix`) are an error: the local
/// file describes behaviour only, and identity comes from the global or running config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectFile {
    /// Display name; defaults to the project id.
    pub name: Option<String>,
    /// The repository's directory (required in a config file). Relative to the declaring file.
    pub path: Option<PathBuf>,
    /// The hosted repository, `owner/name`.
    pub repo: Option<String>,
    /// Branch new worktrees start from and sessions land in.
    pub default_branch: Option<String>,
    /// SPEC K1's name of `default_branch`; set one of the two, not both.
    pub base_branch: Option<String>,
    /// How this project's sessions land (SPEC K4).
    pub land: Option<LandMethod>,
    /// What happens after one of this project's sessions landed (SPEC K6).
    pub after_land: Option<AfterLand>,
    /// Prefix of session ids (`<prefix>-<n>`); defaults to the project id. Unique across projects.
    pub session_prefix: Option<String>,
    /// Agent for new sessions of this project.
    pub agent: Option<String>,
    /// Runtime for new sessions of this project.
    pub runtime: Option<Runtime>,
    /// Shell commands run in each new worktree before the agent starts.
    pub post_create: Option<Vec<String>>,
    /// A file of rules given to the agent. Relative to the declaring file.
    pub agent_rules_file: Option<PathBuf>,
    /// Per-project reaction overrides, on top of the global ones.
    pub reactions: BTreeMap<ReactionKey, ReactionOverride>,
    /// No notifications for this project's sessions (SPEC H2); its reactions still act.
    pub mute_notifications: Option<bool>,
}

/// `[agents.<name>]`: how to start an agent. A name of a built-in agent overrides its command and
/// keeps its adapter; any other name is run with the `shell` adapter (SPEC I4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The program: a bare name is looked up on `PATH`; anything with a path separator or a
    /// leading `.` or `~` is a path relative to the declaring file.
    pub command: PathBuf,
    /// Arguments before Grove's own.
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Arguments (after `args`) that resume the agent's own session instead of starting a new one;
    /// `{agent_session_id}` is replaced by the id recorded on the session. Resuming runs the same
    /// `command`, as every built-in agent does (`claude --resume`, `codex resume`, `aider
    /// --restore-chat-history`). Without it, a restore starts the agent afresh.
    pub resume_args: Option<Vec<String>>,
}

/// `[notifiers.<name>]`: a channel notifications can go to, chosen by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NotifierConfig {
    /// An OS notification.
    Desktop {
        /// Play a sound for urgent notifications.
        #[serde(default = "sound_default")]
        sound: bool,
    },
    /// An HTTP POST of the event as JSON.
    Webhook {
        /// `http://` or `https://` address.
        url: String,
    },
    /// A program run with the event as JSON on stdin.
    Command {
        /// The program; same path rules as an agent's `command`.
        command: PathBuf,
        /// Its arguments.
        #[serde(default)]
        args: Vec<String>,
    },
}

fn sound_default() -> bool {
    true
}

/// `[reactions.<key>]`: a partial reaction; unset fields come from the layer below (built-in
/// defaults, then global, then project).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReactionOverride {
    /// Whether the reaction runs at all.
    pub enabled: Option<bool>,
    /// What it does.
    pub action: Option<ReactionAction>,
    /// Text sent to the agent or shown to the user instead of the built-in one.
    pub message: Option<String>,
    /// Priority of the notification it (or its escalation) sends.
    pub priority: Option<Priority>,
    /// Attempts of `send_to_agent` before escalating to a notification.
    pub retries: Option<u32>,
    /// Escalate to a notification when the condition has lasted this long.
    pub escalate_after: Option<HumanDuration>,
    /// How long a condition must last before the reaction fires (e.g. no progress for 10m).
    pub threshold: Option<HumanDuration>,
}

impl ReactionOverride {
    /// Field by field: `self` where set, else `below`.
    pub fn over(&self, below: &ReactionOverride) -> ReactionOverride {
        ReactionOverride {
            enabled: self.enabled.or(below.enabled),
            action: self.action.or(below.action),
            message: self.message.clone().or_else(|| below.message.clone()),
            priority: self.priority.or(below.priority),
            retries: self.retries.or(below.retries),
            escalate_after: self.escalate_after.or(below.escalate_after),
            threshold: self.threshold.or(below.threshold),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_deserialises() {
        let text = r#"
            [defaults]
            agent = "codex"
            runtime = "process"
            [projects.api]
            path = "~/src/api"
            post_create = ["npm ci"]
            [projects.api.reactions.ci_failed]
            retries = 3
            [agents.mine]
            command = "./bin/agent"
            env = { A = "1" }
            [notifiers.hook]
            kind = "webhook"
            url = "https://example.test/h"
            [notification_routing]
            urgent = ["desktop", "hook"]
            [reactions.agent_stuck]
            threshold = "15m"
        "#;
        let file: ConfigFile = toml::from_str(text).unwrap();
        assert_eq!(file.defaults.runtime, Some(Runtime::Process));
        assert_eq!(file.projects["api"].reactions[&ReactionKey::CiFailed].retries, Some(3));
        assert_eq!(file.notifiers["hook"], NotifierConfig::Webhook { url: "https://example.test/h".into() });
        assert_eq!(file.notification_routing[&Priority::Urgent], ["desktop", "hook"]);
        assert_eq!(file.reactions[&ReactionKey::AgentStuck].threshold.unwrap().to_string(), "15m");
    }

    #[test]
    fn override_takes_its_own_fields_and_falls_through_for_the_rest() {
        let below = ReactionOverride { retries: Some(2), priority: Some(Priority::Warning), ..Default::default() };
        let above = ReactionOverride { retries: Some(5), ..Default::default() };
        let merged = above.over(&below);
        assert_eq!(merged.retries, Some(5), "the upper layer's own value wins");
        assert_eq!(merged.priority, Some(Priority::Warning), "an unset field falls through");
    }
}
