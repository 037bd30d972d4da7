//! Review and land from the dashboard (SPEC K1-K7, UI §1.12): thin adapters over the engine's
//! `review` and `land` operations. Diffs are computed by git in the engine's async tasks, never on
//! the webview's thread; anything that rewrites a record tells the feed.

use grove_engine::disk::DiskUsage;
use grove_engine::ids::SessionId;
use grove_engine::land::{LandCheck, LandMethod, LandOptions, LandOutcome, ReclaimOutcome};
use grove_engine::ops::SendOutcome;
use grove_engine::review::{
    Comment, ContextLines, DiffScope, DiffSummary, FileContext, FileDiff, NewComment, ReviewState,
};

use super::backend;
use crate::backend::BackendCell;
use crate::ipc_error::IpcError;

/// Rows of one `review_file` page at most: a screenful many times over, never a whole huge file.
const MAX_PAGE_ROWS: u32 = 5_000;

/// `review_summary`: the session's changed files in `scope` (SPEC K1, K2).
#[tauri::command]
pub async fn review_summary(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    scope: DiffScope,
) -> Result<DiffSummary, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().diff_summary(&id, scope).await?)
}

/// `review_file`: one page of one file's diff rows (SPEC K1: paged, so a huge file never freezes).
#[tauri::command]
pub async fn review_file(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    scope: DiffScope,
    path: String,
    offset: u32,
    limit: u32,
) -> Result<FileDiff, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().file_diff(&id, scope, &path, offset, limit.min(MAX_PAGE_ROWS)).await?)
}

/// `review_context`: unchanged lines `from..=to` of a file's new side, numbered from `oldFrom` on
/// the old side, for the diff's expanders (UI §1.12). The engine caps the range.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // The IPC's flat arguments, one per field the UI sends.
pub async fn review_context(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    scope: DiffScope,
    path: String,
    from: u32,
    to: u32,
    old_from: u32,
) -> Result<FileContext, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().file_context(&id, scope, &path, ContextLines { from, to, old_from }).await?)
}

/// `review_state`: viewed files and comments (SPEC K2, K3).
#[tauri::command]
pub async fn review_state(cell: tauri::State<'_, BackendCell>, session: String) -> Result<ReviewState, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().review_state(&id).await?)
}

/// `review_set_viewed`: ticks or unticks a file as viewed (SPEC K2).
#[tauri::command]
pub async fn review_set_viewed(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    path: String,
    viewed: bool,
) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().set_viewed(&id, &path, viewed).await?)
}

/// `review_add_comment`: a comment on a line or range; the engine takes the snippet (SPEC K3).
#[tauri::command]
pub async fn review_add_comment(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    comment: NewComment,
) -> Result<Comment, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().add_comment(&id, comment).await?)
}

/// `review_delete_comment`.
#[tauri::command]
pub async fn review_delete_comment(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    id: String,
) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let session = SessionId::new(session)?;
    Ok(backend.ops().delete_comment(&session, &id).await?)
}

/// `review_send_comments`: the unsent comments as one message to the agent (SPEC K3, F2).
#[tauri::command]
pub async fn review_send_comments(
    cell: tauri::State<'_, BackendCell>,
    session: String,
) -> Result<SendOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().send_comments(&id).await;
    backend.maybe_changed();
    Ok(outcome?)
}

/// `review_mark_reviewed`: "since my review" starts from here (SPEC K2).
#[tauri::command]
pub async fn review_mark_reviewed(cell: tauri::State<'_, BackendCell>, session: String) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().mark_reviewed(&id).await?)
}

/// `land_check`: what landing would do and what stops it (SPEC K4, K5).
#[tauri::command]
pub async fn land_check(cell: tauri::State<'_, BackendCell>, session: String) -> Result<LandCheck, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.ops().land_check(&id).await?)
}

/// `land_session`: lands the work locally or through a PR, then the project's cleanup (SPEC K4-K6).
#[tauri::command]
pub async fn land_session(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    method: Option<LandMethod>,
    pr: bool,
    commit_uncommitted: bool,
) -> Result<LandOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().land(&id, LandOptions { method, pr, commit_uncommitted }).await;
    backend.maybe_changed();
    Ok(outcome?)
}

/// `ask_resolve_conflicts`: sends the conflict list to the agent (SPEC K4).
#[tauri::command]
pub async fn ask_resolve_conflicts(
    cell: tauri::State<'_, BackendCell>,
    session: String,
) -> Result<SendOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().ask_resolve_conflicts(&id).await;
    backend.maybe_changed();
    Ok(outcome?)
}

/// `reclaim_session`: removes a landed session's worktree when that loses nothing (SPEC K7).
#[tauri::command]
pub async fn reclaim_session(cell: tauri::State<'_, BackendCell>, session: String) -> Result<ReclaimOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().reclaim(&id).await;
    backend.maybe_changed();
    Ok(outcome?)
}

/// `disk_usage`: the worktree's last measured size on disk, or null before the first measure
/// (SPEC K7). Read from the background refresher's cache; never walks the tree on this call.
#[tauri::command]
pub async fn disk_usage(cell: tauri::State<'_, BackendCell>, session: String) -> Result<Option<DiskUsage>, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    Ok(backend.disk().get(&id))
}
