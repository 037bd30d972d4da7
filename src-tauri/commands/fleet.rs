//! The fleet as a whole from the window (SPEC G2, G5): quitting after the window confirmed, and
//! the restore dialog of the last stop.

use std::sync::Arc;

use grove_engine::ops::{FleetRestoreReport, RestoreProgress};
use grove_engine::store::LastStop;
use tauri::ipc::Channel;

use super::backend;
use crate::backend::BackendCell;
use crate::ipc_error::IpcError;
use crate::lifecycle::Lifecycle;

/// `quit_app`: the window confirmed (or needed no confirmation): run the quit path (G2).
#[tauri::command]
pub fn quit_app<R: tauri::Runtime>(app: tauri::AppHandle<R>, lifecycle: tauri::State<'_, Arc<Lifecycle>>) {
    lifecycle.quit(app, "window closed");
}

/// `cancel_quit`: the user chose to keep Grove open.
#[tauri::command]
pub fn cancel_quit(lifecycle: tauri::State<'_, Arc<Lifecycle>>) {
    lifecycle.cancel_quit();
}

/// `last_stop`: what the last stop recorded, for the restore dialog; null when nothing is.
#[tauri::command]
pub async fn last_stop(cell: tauri::State<'_, BackendCell>) -> Result<Option<LastStop>, IpcError> {
    backend(&cell).await?.ops().last_stop().await.map_err(|e| IpcError::failed(e.to_string()))
}

/// `restore_last_stop`: restores the recorded sessions one by one, reporting each to
/// `on_progress`; failures stay in the record with their error.
#[tauri::command]
pub async fn restore_last_stop(
    cell: tauri::State<'_, BackendCell>,
    on_progress: Channel<RestoreProgress>,
) -> Result<FleetRestoreReport, IpcError> {
    let backend = backend(&cell).await?;
    let report = backend.restore_last_stop(|progress| {
        let _ = on_progress.send(progress.clone());
    });
    report.await.map_err(|e| IpcError::failed(e.to_string()))
}

/// `decline_last_stop`: the user declined; the record is cleared (each session can still be
/// restored on its own from its row).
#[tauri::command]
pub async fn decline_last_stop(cell: tauri::State<'_, BackendCell>) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    backend.ops().decline_last_stop().await.map(|_| ()).map_err(|e| IpcError::failed(e.to_string()))
}
