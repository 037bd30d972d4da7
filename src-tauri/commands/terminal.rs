//! The live terminal view (issue #10): thin adapters over `grove_engine::terminal`. Output goes to
//! the webview as raw bytes on its own channel, never through the feed or the store (UI §4.6);
//! the attachment's state goes on a second, typed channel.

use std::sync::Arc;

use grove_engine::terminal::{self, TermSize, TerminalError, TerminalSink, TerminalStatus, ViewerId};
use serde::Serialize;
use tauri::ipc::{Channel, InvokeResponseBody};
use ts_rs::TS;

use super::backend;
use crate::backend::BackendCell;
use crate::ipc_error::{IpcError, IpcErrorCode};
use crate::opener;

/// What `terminal_open` returns: the viewer to name in later calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TerminalOpened {
    pub viewer: ViewerId,
    /// The command that attaches to the same session from the user's own terminal.
    pub attach_command: String,
}

/// A viewer in the webview: output as raw bytes (an `ArrayBuffer` in JavaScript), status as JSON.
struct WebviewSink {
    output: Channel<InvokeResponseBody>,
    status: Channel<TerminalStatus>,
}

impl TerminalSink for WebviewSink {
    fn output(&self, bytes: Vec<u8>) -> bool {
        self.output.send(InvokeResponseBody::Raw(bytes)).is_ok()
    }

    fn status(&self, status: &TerminalStatus) -> bool {
        self.status.send(status.clone()).is_ok()
    }
}

impl From<TerminalError> for IpcError {
    fn from(e: TerminalError) -> Self {
        let code = match &e {
            TerminalError::UnknownViewer(_) | TerminalError::NoSession(_) => IpcErrorCode::NotFound,
            TerminalError::NotTmux(_) | TerminalError::InputTooLarge { .. } | TerminalError::BadSize { .. } => {
                IpcErrorCode::InvalidInput
            }
            TerminalError::NotAttached(_) | TerminalError::InputBackedUp | TerminalError::Tmux { .. } => {
                IpcErrorCode::OperationFailed
            }
        };
        IpcError::new(code, e.to_string())
    }
}

/// `terminal_open`: attaches a viewer to the session's terminal (sharing the attachment other
/// viewers of it hold); the recent output is replayed first.
#[tauri::command]
pub async fn terminal_open(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    cols: u16,
    rows: u16,
    on_output: Channel<InvokeResponseBody>,
    on_status: Channel<TerminalStatus>,
) -> Result<TerminalOpened, IpcError> {
    let backend = backend(&cell).await?;
    let size = TermSize::checked(cols, rows)?;
    let record = super::sessions::find(&backend, session).await?;
    let target = terminal::tmux_target(&record)?;
    let sink = Arc::new(WebviewSink { output: on_output, status: on_status });
    let viewer = backend.terminals().open(&target, size, sink).await?;
    Ok(TerminalOpened { viewer, attach_command: backend.terminals().attach_command(&target) })
}

/// `terminal_input`: keys and pastes from a viewer, in order. Synchronous on purpose: Tauri runs
/// synchronous commands one after another, so keystrokes cannot overtake each other; the call
/// only queues the bytes for the attachment's writer.
#[tauri::command]
pub fn terminal_input(cell: tauri::State<'_, BackendCell>, viewer: ViewerId, data: String) -> Result<(), IpcError> {
    let backend = cell.try_get().ok_or_else(not_running)?;
    Ok(backend.terminals().input(viewer, data.as_bytes())?)
}

/// `terminal_resize`: the viewer's xterm changed size; the PTY and the tmux window follow.
#[tauri::command]
pub fn terminal_resize(
    cell: tauri::State<'_, BackendCell>,
    viewer: ViewerId,
    cols: u16,
    rows: u16,
) -> Result<(), IpcError> {
    let backend = cell.try_get().ok_or_else(not_running)?;
    Ok(backend.terminals().resize(viewer, TermSize::checked(cols, rows)?)?)
}

/// `terminal_ack`: the viewer has drawn `bytes` more bytes; more output may be sent to it.
#[tauri::command]
pub fn terminal_ack(cell: tauri::State<'_, BackendCell>, viewer: ViewerId, bytes: u32) -> Result<(), IpcError> {
    let backend = cell.try_get().ok_or_else(not_running)?;
    Ok(backend.terminals().ack(viewer, bytes)?)
}

/// `terminal_close`: the viewer is gone; the last one out detaches (the agent keeps running).
/// Closing a viewer already closed is not an error: a page reload may race the close.
#[tauri::command]
pub fn terminal_close(cell: tauri::State<'_, BackendCell>, viewer: ViewerId) -> Result<(), IpcError> {
    if let Some(backend) = cell.try_get() {
        backend.terminals().close(viewer);
    }
    Ok(())
}

/// `attach_command`: the command that attaches to the session from the user's own terminal, for
/// "Open in my terminal".
#[tauri::command]
pub async fn attach_command(cell: tauri::State<'_, BackendCell>, session: String) -> Result<String, IpcError> {
    let backend = backend(&cell).await?;
    let record = super::sessions::find(&backend, session).await?;
    let target = terminal::tmux_target(&record)?;
    Ok(backend.terminals().attach_command(&target))
}

/// `open_link`: opens a link clicked in a terminal in the browser; only `http(s)://` addresses.
#[tauri::command]
pub fn open_link(url: String) -> Result<(), IpcError> {
    opener::open_web_link(&url).map_err(|e| IpcError::new(IpcErrorCode::InvalidInput, e.to_string()))
}

fn not_running() -> IpcError {
    IpcError::internal("Grove's engine is not running (it did not start, or the app is shutting down)")
}
