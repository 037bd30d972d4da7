//! The one error type that crosses IPC. The UI branches on `code`, never on message text.

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
    /// Anything else; the message says what.
    Internal,
}

/// A command's error as the webview receives it: `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<grove_engine::ids::IdError> for IpcError {
    fn from(e: grove_engine::ids::IdError) -> Self {
        Self::new(IpcErrorCode::InvalidInput, e.to_string())
    }
}
