//! Confirming that a started agent keeps running (SPEC F4a). An agent that exits at once (a
//! resume of a conversation that does not exist, a bad flag, a missing API key) must not be
//! reported as spawned or restored: after starting it, Grove watches it for a grace period, and
//! if it ends meanwhile the operation fails with `agent_exited`, its exit status and the last
//! lines it printed, and the record says it crashed so the dashboard shows the same.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Ops;
use super::error::Cause;
use crate::probe::pid_liveness;
use crate::session::{AgentExit, RuntimeKind, RuntimeReason, SessionReason, SessionRecord};

/// How long a started agent must keep running to count as started (SPEC F4a, §J). Agents that
/// cannot start (bad resume id, bad flags, no credentials) exit within a second; 3 s covers a
/// loaded machine without making a spawn feel slow.
pub const START_GRACE: Duration = Duration::from_secs(3);

/// How often the agent is looked at during the grace period: a crash is reported this soon after
/// it happens rather than at the end of the period.
const CHECK_EVERY: Duration = Duration::from_millis(250);

impl Ops {
    /// Watches the agent of `record` for the grace period. `Ok` when it still runs at the end;
    /// otherwise the crash is written to the record and the cause says how the agent ended.
    pub(crate) async fn confirm_started(&self, record: &SessionRecord) -> Result<(), Cause> {
        let deadline = tokio::time::Instant::now() + self.start_grace;
        let ended = loop {
            if let Some(end) = self.agent_end(record).await {
                break end;
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(());
            }
            tokio::time::sleep(CHECK_EVERY.min(deadline - tokio::time::Instant::now())).await;
        };
        let exit = AgentExit { at: (self.now)(), ..ended };
        self.record_crash(record, exit.clone()).await?;
        Err(Cause::AgentExited(exit))
    }

    /// How the agent ended, or `None` while it runs (or when Grove cannot tell: a tmux that does
    /// not answer is not evidence of an exit).
    async fn agent_end(&self, record: &SessionRecord) -> Option<AgentExit> {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        match record.runtime {
            RuntimeKind::Tmux => match self.tmux.ended(&record.id).await {
                Ok(Some(ended)) => ended,
                // The session vanished: the agent ended and took it along.
                Ok(None) => Some(AgentExit { status: None, signal: None, last_lines: Vec::new(), at }),
                Err(e) => {
                    tracing::debug!(session = %record.id, "cannot look at the agent: {e}");
                    None
                }
            },
            RuntimeKind::Process => {
                let pid = record.lifecycle.runtime.handle.as_ref()?.id.clone();
                match pid_liveness(&pid) {
                    Ok(crate::probe::Liveness::Missing) => {
                        Some(AgentExit { status: None, signal: None, last_lines: Vec::new(), at })
                    }
                    _ => None,
                }
            }
        }
    }

    /// Writes down that the agent of `record` ended on its own: the session crashed (SPEC A2a).
    async fn record_crash(&self, record: &SessionRecord, exit: AgentExit) -> Result<(), Cause> {
        let at = exit.at;
        self.update(&record.project_id, &record.id, move |r| {
            r.lifecycle.end(SessionReason::AgentProcessExited, RuntimeReason::ProcessMissing, at);
            r.exit = Some(exit);
        })
        .await
        .map(drop)
    }
}
