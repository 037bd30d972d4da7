//! The events channel (SPEC I0 layer 2): what agents report about themselves, through their hooks
//! (Claude Code), their notify program (Codex) or their notifications command (Aider), appended
//! as JSON lines to a Grove-owned file per session, `projects/<p>/events/<id>.jsonl`.
//!
//! The writer is `grove hook <agent>`, run by the agent for every event: it must be fast, print
//! nothing and never fail the agent, so it only slims the payload and appends one line
//! ([`record_hook`]). Grove itself appends a `launch` marker each time it starts the agent, so a
//! reader looks only at what the current run reported ([`since_launch`]). The file watcher sees
//! the append and the session's activity is probed again at once: no polling.
//!
//! Line format (one JSON object per line, ARCHITECTURE §3.2):
//! `{"at": RFC 3339, "via": "hook"|"notify"|"grove", "agent": name, "event": name, "payload": {..}}`

mod hook;
mod log;
mod slim;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use hook::{HookEnv, HookError, HookInput, event_of, record_hook};
pub use log::{EVENTS_ROTATE_BYTES, append, mark, since_launch};
pub use slim::{MAX_LINE_BYTES, slim_payload};

/// The event name of Grove's own launch marker.
pub const LAUNCH_EVENT: &str = "launch";

/// The event Grove appends when it sent the agent input (`grove send`).
pub const INPUT_EVENT: &str = "input";

/// How an event reached Grove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A hook the agent ran with a JSON payload (Claude Code's hooks).
    Hook,
    /// A notify program the agent ran at a turn boundary (Codex's `notify`, Aider's
    /// `--notifications-command`).
    Notify,
    /// Written by Grove itself (the launch marker).
    Grove,
}

/// One line of an events file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentEvent {
    /// When Grove received it (the hook's clock, which is the machine's).
    pub at: DateTime<Utc>,
    /// How it came.
    pub via: Via,
    /// The agent that reported it (`claude-code`, `codex`, `aider`, ...).
    pub agent: String,
    /// The event's name: Claude's `hook_event_name`, Codex's notify `type`, Aider's `ready`,
    /// Grove's `launch`.
    pub event: String,
    /// The agent's payload, slimmed ([`slim_payload`]); `null` when the event has none.
    #[serde(default)]
    pub payload: Value,
}

impl AgentEvent {
    /// A string field of the payload.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.payload.get(key).and_then(Value::as_str)
    }

    /// Whether this is Grove's launch marker.
    pub fn is_launch(&self) -> bool {
        self.via == Via::Grove && self.event == LAUNCH_EVENT
    }
}
