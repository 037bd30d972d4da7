//! Send (SPEC F2): a message to a session's agent, through a tmux paste buffer loaded from a
//! 0600 temp file. Quotes, `$()`, backticks, newlines, non-ASCII and backslashes arrive byte for
//! byte, because the text never passes through a shell or through `send-keys`' key names.

use super::error::{Cause, OpError, OpKind, OpStep};
use super::runtime::takes_paste;
use super::{Ops, check_length};
use crate::events::{self, INPUT_EVENT};
use crate::ids::SessionId;
use crate::session::{is_restorable, is_terminal};

/// What a send did besides delivering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SendOutcome {
    /// The session was stopped and was restored first.
    pub restored: bool,
}

impl Ops {
    /// Sends `message` to the agent of `session`. Over 10,000 characters is refused with the
    /// length. A stopped session (terminal and restorable) is restored first; an ended one that
    /// cannot be restored is refused.
    pub async fn send(&self, session: &SessionId, message: &str) -> Result<SendOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Send, session: session.clone(), step, cause };
        check_length(message).map_err(|c| fail(OpStep::Validate, c))?;
        let mut record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let mut restored = false;
        if is_terminal(&record.lifecycle) {
            if !is_restorable(&record.lifecycle) {
                return Err(fail(
                    OpStep::CheckState,
                    Cause::Invalid("the session has ended and cannot be restored".into()),
                ));
            }
            // Boxed: the restore future is large, and nesting it inline would grow every send future.
            record = Box::pin(self.restore(session))
                .await
                .map_err(|e| fail(OpStep::Restore, Cause::Restore(Box::new(e))))?;
            restored = true;
        }
        if !takes_paste(record.runtime) {
            return Err(fail(
                OpStep::CheckState,
                Cause::Invalid("the session runs as a plain process, which has no terminal to send to".into()),
            ));
        }
        self.paste(session, message).await.map_err(|c| fail(OpStep::Deliver, c))?;
        // The answer to a waiting prompt, as far as Grove can tell: the watcher sees this line and
        // the session's state is read again at once (SPEC I0: progress clears a wait).
        let home = self.store.home();
        if let Err(e) = events::mark(home, &record.project_id, session, &record.agent, INPUT_EVENT, (self.now)()) {
            tracing::debug!(session = %session, "could not note the input in the events file: {e}");
        }
        Ok(SendOutcome { restored })
    }
}
