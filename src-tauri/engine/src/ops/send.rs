//! Send (SPEC F2, F2a): a message to a session's agent, through a tmux paste buffer loaded from a
//! 0600 temp file, or named keys that answer a dialog. Quotes, `$()`, backticks, newlines,
//! non-ASCII and backslashes arrive byte for byte, because the text never passes through a shell
//! or through `send-keys`' key names.
//!
//! A dialog on the agent's screen (a permission menu, a trust screen, a post-turn question)
//! would swallow pasted text, so a send refuses while one is shown (`dialog_open`, naming it and
//! its options) unless forced; keys answer it exactly.

use super::error::{Cause, OpError, OpKind, OpStep};
use super::keys::{Key, MAX_KEYS};
use super::runtime::takes_paste;
use super::{Ops, check_length};
use crate::events::{self, INPUT_EVENT};
use crate::ids::SessionId;
use crate::probe::agents::pane::{PaneVerdict, classify_pane, reads_pane};
use crate::session::{SessionReason, SessionRecord, is_restorable, is_terminal};

/// What a send did besides delivering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SendOutcome {
    /// The session was stopped and was restored first.
    pub restored: bool,
}

/// How a message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// Paste even while a dialog is on the agent's screen (`--force`).
    pub force: bool,
    /// Restore a session that was stopped for a restore or crashed before sending: what a person
    /// sending a message wants. Reactions send with `false`: they never bring a session back.
    pub revive: bool,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self { force: false, revive: true }
    }
}

impl Ops {
    /// Sends `message` to the agent of `session` as a person would ([`SendOptions::default`]).
    pub async fn send(&self, session: &SessionId, message: &str) -> Result<SendOutcome, OpError> {
        self.send_with(session, message, SendOptions::default()).await
    }

    /// Sends `message` to the agent of `session`. Over 10,000 characters is refused with the
    /// length. An ended session is restored first only when `options.revive` and it was stopped
    /// for a restore or crashed (SPEC F2a); one a person killed is never brought back by a send.
    pub async fn send_with(
        &self,
        session: &SessionId,
        message: &str,
        options: SendOptions,
    ) -> Result<SendOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Send, session: session.clone(), step, cause };
        check_length(message).map_err(|c| fail(OpStep::Validate, c))?;
        let mut record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let mut restored = false;
        if is_terminal(&record.lifecycle) {
            revivable(&record, options.revive).map_err(|c| fail(OpStep::CheckState, c))?;
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
        if !options.force
            && let PaneVerdict::Waiting(dialog) = self.screen_verdict(&record).await
        {
            return Err(fail(OpStep::CheckState, Cause::DialogOpen(dialog)));
        }
        self.paste(session, message).await.map_err(|c| fail(OpStep::Deliver, c))?;
        self.note_input(&record);
        Ok(SendOutcome { restored })
    }

    /// Presses `keys` in the agent's terminal, in order: the exact answer to a dialog (SPEC F2a).
    /// The session must be live; keys never restore one.
    pub async fn send_keys(&self, session: &SessionId, keys: &[Key]) -> Result<(), OpError> {
        let fail = |step, cause| OpError { op: OpKind::Send, session: session.clone(), step, cause };
        if keys.is_empty() || keys.len() > MAX_KEYS {
            let why = format!("give between 1 and {MAX_KEYS} keys; {} were given", keys.len());
            return Err(fail(OpStep::Validate, Cause::Invalid(why)));
        }
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        if is_terminal(&record.lifecycle) || !takes_paste(record.runtime) {
            let why = "keys go only to a live session's terminal; restore the session first".to_owned();
            return Err(fail(OpStep::CheckState, Cause::Invalid(why)));
        }
        self.tmux.send_keys(session, keys).await.map_err(|e| fail(OpStep::Deliver, e.into()))?;
        self.note_input(&record);
        Ok(())
    }

    /// What the agent's screen shows now; `Unclear` when Grove does not know the agent's screens
    /// or the screen cannot be read (the paste then decides).
    async fn screen_verdict(&self, record: &SessionRecord) -> PaneVerdict {
        if !reads_pane(&record.agent) {
            return PaneVerdict::Unclear;
        }
        match self.tmux.capture_screen(&record.id).await {
            Ok(Some(screen)) => classify_pane(&record.agent, &screen),
            Ok(None) => PaneVerdict::Unclear,
            Err(e) => {
                tracing::debug!(session = %record.id, "could not read the screen before sending: {e}");
                PaneVerdict::Unclear
            }
        }
    }

    /// The answer to a waiting prompt, as far as Grove can tell: the watcher sees this line and
    /// the session's state is read again at once (SPEC I0: progress clears a wait).
    fn note_input(&self, record: &SessionRecord) {
        let home = self.store.home();
        if let Err(e) = events::mark(home, &record.project_id, &record.id, &record.agent, INPUT_EVENT, (self.now)()) {
            tracing::debug!(session = %record.id, "could not note the input in the events file: {e}");
        }
    }
}

/// Whether a send may restore this ended session first (SPEC F2a): only one stopped for a restore
/// or one that crashed, and only when the sender may revive at all.
fn revivable(record: &SessionRecord, revive: bool) -> Result<(), Cause> {
    let lifecycle = &record.lifecycle;
    let reason = lifecycle.session.reason;
    let crashed = matches!(reason, SessionReason::RuntimeLost | SessionReason::AgentProcessExited);
    let refuse = |why: &str| Err(Cause::Invalid(why.to_owned()));
    if !revive {
        return refuse("the session is no longer live; a reaction never restores a session");
    }
    if reason == SessionReason::ManuallyKilled {
        return refuse("the session was killed; a send never brings it back (restore it explicitly)");
    }
    if !(crashed || reason == SessionReason::StoppedForRestore) || !is_restorable(lifecycle) {
        return refuse("the session has ended and a send restores only a stopped or crashed session");
    }
    Ok(())
}
