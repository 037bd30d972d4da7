//! Stop one session (SPEC F5, F5a): the entry point the app's `stop_session` command and
//! `grove stop --session ID` share. Runtime ended, worktree untouched, `stopped_for_restore`,
//! restorable with F4, not recorded in `last-stop.json`.

use super::Ops;
use super::error::OpError;
use crate::ids::SessionId;
use crate::session::SessionRecord;

/// Stops `session` for a later restore and returns its record as written. A session that has
/// already ended is refused (SPEC A3: stop acts only on live sessions).
pub async fn stop_session(ops: &Ops, session: &SessionId) -> Result<SessionRecord, OpError> {
    ops.stop(session).await
}
