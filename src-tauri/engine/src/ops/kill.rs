//! Kill (SPEC F3) and stop (SPEC F5) of one session. Both end the runtime and mark the record
//! terminated; kill then settles the worktree, stop leaves it untouched for a later restore.

use serde::Serialize;
use ts_rs::TS;

use super::Ops;
use super::error::{Cause, OpError, OpKind, OpStep};
use super::worktree::WorktreeOutcome;
use crate::ids::SessionId;
use crate::session::{RuntimeHandle, RuntimeKind, RuntimeReason, SessionReason, SessionRecord, is_terminal};

/// Options of a kill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KillOptions {
    /// Remove the worktree even if it holds uncommitted or unpushed work (the user confirmed).
    pub discard: bool,
}

/// What a kill did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KillOutcome {
    /// The record as written.
    pub record: SessionRecord,
    /// What happened to the worktree.
    pub worktree: WorktreeOutcome,
}

impl Ops {
    /// Kills a session: ends its runtime, marks it `terminated/manually_killed` (runtime
    /// `exited/manual_kill_requested`), then removes its worktree only if that loses nothing or
    /// `options.discard` is set. The branch is always kept. Killing an ended session again is
    /// allowed: it settles a worktree an earlier stop kept.
    pub async fn kill(&self, session: &SessionId, options: KillOptions) -> Result<KillOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Kill, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        if let Some(handle) = provably_ours(&record) {
            self.stop_runtime(&handle).await.map_err(|c| fail(OpStep::Runtime, c))?;
        }
        let now = (self.now)();
        let record = self
            .update(&record.project_id, session, move |r| {
                r.lifecycle.end(SessionReason::ManuallyKilled, RuntimeReason::ManualKillRequested, now);
            })
            .await
            .map_err(|c| fail(OpStep::Record, c))?;
        let worktree = self.settle_worktree(&record, options.discard).await;
        Ok(KillOutcome { record, worktree })
    }

    /// Stops one live session for a later restore (SPEC F5): runtime ended, worktree untouched,
    /// `terminated/stopped_for_restore`. Not recorded in `last-stop.json` (that is `grove stop`'s).
    /// A session already ended is refused: stop acts only on live sessions (SPEC A3).
    pub async fn stop(&self, session: &SessionId) -> Result<SessionRecord, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Stop, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        if is_terminal(&record.lifecycle) {
            return Err(fail(OpStep::CheckState, Cause::Invalid("the session has already ended".into())));
        }
        if let Some(handle) = provably_ours(&record) {
            self.stop_runtime(&handle).await.map_err(|c| fail(OpStep::Runtime, c))?;
        }
        let now = (self.now)();
        self.update(&record.project_id, session, move |r| {
            r.lifecycle.end(SessionReason::StoppedForRestore, RuntimeReason::StoppedForRestore, now);
        })
        .await
        .map_err(|c| fail(OpStep::Record, c))
    }
}

/// The runtime Grove may end for `record` (SPEC G4), if any. A tmux session is named like the
/// session on Grove's own socket, so it is provably Grove's whether or not a handle was recorded.
/// A process is signalled only while the record says it runs, or when its start time was
/// recorded (SPEC F8): without one, once it has ended its pid may already belong to someone
/// else's process; with one, the signal path itself refuses a pid that names another process.
pub(crate) fn provably_ours(record: &SessionRecord) -> Option<RuntimeHandle> {
    match (&record.lifecycle.runtime.handle, record.runtime) {
        (Some(handle), _) if handle.kind == RuntimeKind::Tmux => Some(handle.clone()),
        (None, RuntimeKind::Tmux) => Some(RuntimeHandle::new(RuntimeKind::Tmux, record.id.to_string())),
        (Some(handle), _) if !is_terminal(&record.lifecycle) => Some(handle.clone()),
        (Some(handle), _) if handle.process.as_ref().is_some_and(|p| p.start.is_some()) => Some(handle.clone()),
        _ => None,
    }
}
