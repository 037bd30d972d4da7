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

/// The tmux format that tells whether a pane's process ended and how; [`AgentExit::from_pane`]
/// reads its output followed by a capture of the pane (tmux keeps a dead pane with
/// `remain-on-exit`).
pub const DEAD_PANE_FORMAT: &str = "#{pane_dead} #{pane_dead_status} #{pane_dead_signal}";

impl AgentExit {
    /// How the agent of a pane ended, from `DEAD_PANE_FORMAT`'s line and the pane's capture after
    /// it; `None` while its process runs. `at` is left for the caller to set.
    pub fn from_pane(report: &str) -> Option<Self> {
        let (head, screen) = report.split_once('\n').unwrap_or((report, ""));
        let mut fields = head.trim_end().split(' ');
        if fields.next() != Some("1") {
            return None;
        }
        let status = fields.next().and_then(|s| s.parse().ok());
        let signal = fields.next().and_then(|s| s.parse::<i32>().ok()).map(signal_name);
        // tmux's own "Pane is dead (status 3, <time>)" line is not the agent's.
        let lines: Vec<String> = screen
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty() && !l.starts_with("Pane is dead"))
            .map(str::to_owned)
            .collect();
        let last_lines = lines[lines.len().saturating_sub(EXIT_LAST_LINES_LIMIT)..].to_vec();
        Some(Self { status, signal, last_lines, at: DateTime::UNIX_EPOCH })
    }
}

/// "SIGKILL" for 9: the name people search for, or "signal N" for one without a common name.
pub fn signal_name(number: i32) -> String {
    let name = match number {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return format!("signal {number}"),
    };
    name.to_owned()
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
    fn a_dead_pane_report_gives_status_signal_and_the_agent_s_last_lines() {
        let report = "1 3 \nfatal: no such conversation\n\nPane is dead (status 3, Mon Dec  7 17:15:06 2026)\n";
        let exit = AgentExit::from_pane(report).expect("a dead pane");
        assert_eq!((exit.status, exit.signal.as_deref()), (Some(3), None));
        assert_eq!(exit.last_lines, ["fatal: no such conversation"], "tmux's own line is not the agent's");
        assert_eq!(AgentExit::from_pane("1  9\n").and_then(|e| e.signal), Some("SIGKILL".into()));
        assert_eq!(AgentExit::from_pane("0  \nstill running\n"), None, "a live pane has not ended");
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
