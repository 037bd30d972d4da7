//! The live feed over IPC (SPEC E1, ARCHITECTURE §4): the webview subscribes with a channel and
//! receives a snapshot, then numbered patches; on a gap or an unknown session it asks for a resync.

use grove_engine::feed::FeedEvent;
use tauri::ipc::Channel;

use super::backend;
use crate::backend::BackendCell;
use crate::ipc_error::{IpcError, IpcErrorCode};

/// `feed_subscribe`: starts sending the feed to `on_event`; returns the subscription's id. The
/// subscription ends when the webview is gone (a send fails) or on `feed_unsubscribe`.
#[tauri::command]
pub async fn feed_subscribe(
    cell: tauri::State<'_, BackendCell>,
    on_event: Channel<FeedEvent>,
) -> Result<u64, IpcError> {
    let backend = backend(&cell).await?;
    Ok(backend.subscribe(move |event| on_event.send(event).is_ok()))
}

/// `feed_resync`: the next message of `subscription` is a fresh snapshot.
#[tauri::command]
pub async fn feed_resync(cell: tauri::State<'_, BackendCell>, subscription: u64) -> Result<(), IpcError> {
    if backend(&cell).await?.resync(subscription) {
        Ok(())
    } else {
        Err(IpcError::new(IpcErrorCode::NotFound, format!("no feed subscription {subscription}")))
    }
}

/// `feed_unsubscribe`: ends `subscription` (the page is going away or re-subscribing).
#[tauri::command]
pub async fn feed_unsubscribe(cell: tauri::State<'_, BackendCell>, subscription: u64) -> Result<(), IpcError> {
    // Unknown is fine: the subscription may have ended on its own already.
    backend(&cell).await?.unsubscribe(subscription);
    Ok(())
}
