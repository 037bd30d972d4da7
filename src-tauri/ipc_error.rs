//! The one error type that crosses IPC. The UI branches on `code`, never on message text.

use grove_engine::ops::{Cause, OpError, SpawnError};
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
    /// Anything else; the message says what.
    Internal,
}

/// A command's error as the webview receives it: `{code, message, step}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    /// The step of the operation that failed ("worktree", "runtime", ...), when one did.
    pub step: Option<String>,
}

impl IpcError {
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), step: None }
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

impl From<OpError> for IpcError {
    fn from(e: OpError) -> Self {
        Self { code: code_of(&e.cause), message: e.to_string(), step: Some(e.step.to_string()) }
    }
}

impl From<SpawnError> for IpcError {
    fn from(e: SpawnError) -> Self {
        Self { code: code_of(&e.cause), message: e.to_string(), step: Some(e.step.to_string()) }
    }
}
