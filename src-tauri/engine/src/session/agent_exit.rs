//! How a session's agent ended when Grove did not end it (SPEC A2a, F4a): its exit status or
//! signal and the pane's last lines, kept in the record so the dashboard, the CLI and the
//! notification can say "exited unexpectedly (exit 1)" and show what the agent printed last.
//! The probe side writes it when it finds the agent gone; `session::resolve` displays it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most pane lines a record keeps: enough to see the error, small enough for every snapshot.
pub const EXIT_LAST_LINES_LIMIT: usize = 20;

/// What is known of an agent's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentExit {
    /// The process exit status, when the runtime reported one.
    #[serde(default)]
    pub status: Option<i32>,
    /// The signal that ended it ("SIGKILL", "SIGSEGV"), when it died of one.
    #[serde(default)]
    pub signal: Option<String>,
    /// The pane's last lines, oldest first, at most [`EXIT_LAST_LINES_LIMIT`]; empty when unknown.
    #[serde(default)]
    pub last_lines: Vec<String>,
    /// When the exit was seen.
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

impl AgentExit {
    /// The exit in a few words for a reason line: "exit 1", "SIGKILL", or `None` when unknown.
    pub fn summary(&self) -> Option<String> {
        match (&self.signal, self.status) {
            (Some(signal), _) => Some(signal.clone()),
            (None, Some(status)) => Some(format!("exit {status}")),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_camel_case_with_nulls() {
        let exit = AgentExit {
            status: Some(1),
            signal: None,
            last_lines: vec!["Error: boom".into()],
            at: "2025-01-02T03:04:05Z".parse().unwrap(),
        };
        let json = serde_json::to_value(&exit).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": 1, "signal": null, "lastLines": ["Error: boom"], "at": "2025-01-02T03:04:05Z"}),
            "the record's exit shape is part of the contract with the probe side"
        );
        let back: AgentExit = serde_json::from_value(serde_json::json!({"at": "2025-01-02T03:04:05Z"})).unwrap();
        assert_eq!((back.status, back.signal, back.last_lines.len()), (None, None, 0), "only `at` is required");
    }

    #[test]
    fn summary_prefers_the_signal() {
        let at = "2025-01-02T03:04:05Z".parse().unwrap();
        let exit =
            |status, signal: Option<&str>| AgentExit { status, signal: signal.map(Into::into), last_lines: vec![], at };
        assert_eq!(exit(Some(1), None).summary().as_deref(), Some("exit 1"));
        assert_eq!(exit(None, Some("SIGKILL")).summary().as_deref(), Some("SIGKILL"));
        assert_eq!(exit(Some(137), Some("SIGKILL")).summary().as_deref(), Some("SIGKILL"));
        assert_eq!(exit(None, None).summary(), None);
    }
}
