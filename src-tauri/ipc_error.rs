//! The one error type that crosses IPC. The UI branches on `code`, never on message text.

use grove_engine::ops::{Cause, OpError, SpawnError, UnknownKey};
use grove_engine::probe::agents::Dialog;
use grove_engine::store::StoreError;
use serde::Serialize;
use ts_rs::TS;

/// What kind of failure a command hit; add a code only when the UI needs to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorCode {
    /// The request itself was wrong (bad id, oversized text): fixing the input fixes it.
    InvalidInput,
    /// The session or project named does not exist.
    NotFound,
    /// An operation ran and one of its steps failed; `step` names it.
    OperationFailed,
    /// A send was refused because the agent shows a dialog that would swallow the text (SPEC
    /// F2a); `dialog` carries it, so the UI offers its options and "Send anyway".
    DialogOpen,
    /// Landing or a reclaim refused before changing anything (SPEC K4-K7): the base checkout is
    /// dirty, work is uncommitted, the branch conflicts...; the message says which and how to go on.
    LandRefused,
    /// Anything else; the message says what.
    Internal,
}

/// A command's error as the webview receives it: `{code, message, step, dialog}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    /// The step of the operation that failed ("worktree", "runtime", ...), when one did.
    pub step: Option<String>,
    /// The dialog a `dialog_open` refusal saw on the agent's screen; null for every other code.
    pub dialog: Option<Dialog>,
}

impl IpcError {
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), step: None, dialog: None }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::NotFound, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::OperationFailed, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(IpcErrorCode::Internal, message)
    }
}

/// The code a failed step's cause deserves: the user's input, a missing session, or the step.
fn code_of(cause: &Cause) -> IpcErrorCode {
    match cause {
        Cause::Invalid(_) | Cause::TooLong { .. } => IpcErrorCode::InvalidInput,
        Cause::DialogOpen(_) => IpcErrorCode::DialogOpen,
        Cause::Land(_) => IpcErrorCode::LandRefused,
        Cause::UnknownProject(_) => IpcErrorCode::NotFound,
        Cause::Store(StoreError::NotFound { .. }) => IpcErrorCode::NotFound,
        Cause::Store(StoreError::Id(_)) => IpcErrorCode::InvalidInput,
        _ => IpcErrorCode::OperationFailed,
    }
}

impl From<grove_engine::ids::IdError> for IpcError {
    fn from(e: grove_engine::ids::IdError) -> Self {
        Self::new(IpcErrorCode::InvalidInput, e.to_string())
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotFound { .. } => IpcErrorCode::NotFound,
            StoreError::Id(_) => IpcErrorCode::InvalidInput,
            _ => IpcErrorCode::Internal,
        };
        Self::new(code, e.to_string())
    }
}

impl From<UnknownKey> for IpcError {
    fn from(e: UnknownKey) -> Self {
        Self::new(IpcErrorCode::InvalidInput, e.to_string())
    }
}

impl From<OpError> for IpcError {
    fn from(e: OpError) -> Self {
        let dialog = match &e.cause {
            Cause::DialogOpen(dialog) => Some(dialog.clone()),
            _ => None,
        };
        Self { code: code_of(&e.cause), message: e.to_string(), step: Some(e.step.to_string()), dialog }
    }
}

impl From<SpawnError> for IpcError {
    fn from(e: SpawnError) -> Self {
        Self { code: code_of(&e.cause), message: e.to_string(), step: Some(e.step.to_string()), dialog: None }
    }
}

#[cfg(test)]
mod tests {
    use grove_engine::ids::SessionId;
    use grove_engine::ops::{OpKind, OpStep};
    use grove_engine::probe::agents::{DialogKind, DialogOption};

    use super::*;

    #[test]
    fn a_send_refused_by_a_dialog_carries_the_dialog_so_the_ui_can_offer_its_options() {
        let dialog = Dialog {
            kind: DialogKind::Permission,
            title: "Do you want to proceed?".into(),
            options: vec![
                DialogOption { label: "Yes".into(), keys: vec!["1".into()] },
                DialogOption { label: "No".into(), keys: vec!["3".into(), "Esc".into()] },
            ],
        };
        let refused = OpError {
            op: OpKind::Send,
            session: SessionId::new("api-7").unwrap(),
            step: OpStep::CheckState,
            cause: Cause::DialogOpen(dialog.clone()),
        };
        let error = IpcError::from(refused);
        assert_eq!(error.code, IpcErrorCode::DialogOpen, "the UI branches on dialog_open: {error:?}");
        assert_eq!(error.dialog, Some(dialog), "the dialog the send saw travels with the refusal");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "dialog_open", "wire name of the code: {json}");
        assert_eq!(json["dialog"]["options"][1]["keys"], serde_json::json!(["3", "Esc"]), "{json}");

        let other = OpError {
            op: OpKind::Send,
            session: SessionId::new("api-7").unwrap(),
            step: OpStep::CheckState,
            cause: Cause::Invalid("killed".into()),
        };
        let error = IpcError::from(other);
        assert_eq!((error.code, error.dialog), (IpcErrorCode::InvalidInput, None), "no dialog on other errors");
    }

    #[test]
    fn an_unknown_key_name_is_the_users_input_to_fix() {
        let error = IpcError::from(grove_engine::ops::Key::parse("C-c").unwrap_err());
        assert_eq!(error.code, IpcErrorCode::InvalidInput, "{error:?}");
        assert!(error.message.contains("C-c"), "the message names the key: {}", error.message);
    }
}
