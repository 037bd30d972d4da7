//! The `shell` adapter (SPEC I4), also used for every custom agent: Grove knows nothing of the
//! command's files, so activity comes from how long ago the terminal last printed something.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{AgentActivity, by_age};
use crate::home::{GroveHome, tmux_socket_args};
use crate::probe::child::run_probe;
use crate::probe::{ActivitySource, AgentInfo, AgentProbe, Confidence, ProbeError, ProbeFuture};
use crate::session::{RuntimeKind, SessionRecord};

/// The name used in probe errors.
const PROBE: &str = "tmux display";

/// When a session's terminal last printed output. A trait so tests can give the time directly.
pub trait LastOutput: Send + Sync {
    /// The time of the session's last output; `None` when there is no terminal to ask (no
    /// handle yet, a plain-process runtime, or tmux does not know the session).
    fn last_output<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, Option<DateTime<Utc>>>;
}

/// Last output from tmux's `window_activity` (the time of the window's last output, in unix
/// seconds), one `display-message` call per session.
#[derive(Debug, Clone)]
pub struct TmuxLastOutput {
    program: OsString,
    socket: PathBuf,
}

impl TmuxLastOutput {
    /// Asks the tmux server on the socket at `socket`, running `tmux` from `PATH`.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self { program: OsString::from("tmux"), socket: socket.into() }
    }

    /// Asks the tmux server of a Grove home (`GroveHome::tmux_socket`).
    pub fn for_home(home: &GroveHome) -> Self {
        Self::new(home.tmux_socket())
    }

    /// The same source running `program` instead of `tmux`.
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into().into_os_string();
        self
    }
}

/// Parses `<session name> <unix seconds>` as printed for session `name`. When the target does
/// not exist, tmux 3.3 exits 0 and expands every format field to nothing (a lone space, or no
/// line at all): that means "no such session", not an unreadable answer.
fn parse_activity(text: &str, name: &str) -> Result<Option<DateTime<Utc>>, ProbeError> {
    let line = text.trim_end_matches('\n');
    if line.trim().is_empty() {
        return Ok(None);
    }
    let unreadable = || ProbeError::Unreadable { probe: PROBE, reason: format!("unexpected window_activity {line:?}") };
    let (shown, secs) = line.rsplit_once(' ').ok_or_else(unreadable)?;
    if shown != name {
        return Err(unreadable());
    }
    let secs: i64 = secs.parse().map_err(|_| unreadable())?;
    DateTime::from_timestamp(secs, 0).map(Some).ok_or_else(unreadable)
}

impl LastOutput for TmuxLastOutput {
    fn last_output<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, Option<DateTime<Utc>>> {
        Box::pin(async move {
            let Some(handle) = session.lifecycle.runtime.handle.as_ref().filter(|h| h.kind == RuntimeKind::Tmux) else {
                return Ok(None);
            };
            // `=name:` targets exactly that session (no prefix matching) and its current window.
            let target = format!("={}:", handle.id);
            let mut args = tmux_socket_args(&self.socket).to_vec();
            args.extend(
                ["display-message", "-p", "-t", &target, "#{session_name} #{window_activity}"].map(OsString::from),
            );
            let out = run_probe(PROBE, &self.program, args, &[]).await?.into_success(PROBE)?;
            parse_activity(&String::from_utf8_lossy(&out), &handle.id)
        })
    }
}

/// Activity from output age: output within 30 s is `active`, older `ready`, and `idle` after
/// 5 minutes (SPEC A4). A shell agent has no notion of a waiting prompt or an error.
#[derive(Clone)]
pub struct ShellProbe {
    output: Arc<dyn LastOutput>,
}

impl ShellProbe {
    /// An adapter reading output age from `output`.
    pub fn new(output: Arc<dyn LastOutput>) -> Self {
        Self { output }
    }
}

impl AgentProbe for ShellProbe {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            let last = self.output.last_output(session).await?;
            Ok(AgentActivity {
                activity: by_age(last, now),
                source: ActivitySource::Output,
                last_activity_at: last,
                agent_session_id: None,
                error: None,
                detail: None,
                confidence: Confidence::Low,
                evidence_at: None,
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, _session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        // A shell command writes no transcript: there is nothing to summarise or count.
        Box::pin(async { Ok(AgentInfo::default()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_activity_parses_and_checks_the_session_name() {
        let at = parse_activity("api-7 1700000000\n", "api-7").expect("well-formed");
        assert_eq!(at, DateTime::from_timestamp(1_700_000_000, 0), "unix seconds");
        assert_eq!(parse_activity("", "api-7"), Ok(None), "no output: tmux found no such session");
        assert_eq!(parse_activity(" \n", "api-7"), Ok(None), "empty fields: tmux found no such session");
        for bad in ["api-8 1700000000", "api-7 soon", "1700000000"] {
            assert!(
                matches!(parse_activity(bad, "api-7"), Err(ProbeError::Unreadable { .. })),
                "{bad:?} must be unreadable"
            );
        }
    }
}
