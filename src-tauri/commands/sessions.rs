//! Session operations from the dashboard (SPEC F1-F5): thin adapters over `grove_engine::ops`.
//! Each tells the feed what it changed, so the row updates within the coalescing window.

use grove_engine::config::BUILTIN_AGENTS;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::{Key, KillOptions, KillOutcome, SendOptions, SendOutcome, SpawnRequest, SpawnStep};
use grove_engine::session::SessionRecord;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use ts_rs::TS;

use super::backend;
use crate::backend::BackendCell;
use crate::ipc_error::IpcError;
use crate::opener;

/// What the spawn dialog offers: the projects of the config in force and the agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpawnOptions {
    pub projects: Vec<SpawnProject>,
    /// Built-in agents, then those declared under `[agents]`.
    pub agents: Vec<String>,
}

/// One project in the spawn dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpawnProject {
    pub id: String,
    pub name: String,
    /// The agent a session gets when none is chosen.
    pub agent: String,
    /// The branch new worktrees start from.
    pub default_branch: String,
    /// Session ids look like `<prefix>-<n>`, branches `session/<prefix>-<n>`.
    pub session_prefix: String,
}

/// The spawn dialog's request; empty strings count as absent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpawnInput {
    pub project: String,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub issue: Option<String>,
}

/// A spawn entering a step, for the spawning row ("spawning · worktree 3/7").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpawnProgress {
    pub step: SpawnStep,
    /// The step's number, from 1.
    pub number: u32,
    /// How many steps a spawn has.
    pub total: u32,
    /// The session id, once reserved.
    pub session: Option<String>,
}

/// Where to open a session's worktree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OpenTarget {
    /// The system file manager.
    FileManager,
    /// The user's editor (`GROVE_EDITOR`, else a known editor on PATH).
    Editor,
}

/// `spawn_options`: projects and agents for the spawn dialog.
#[tauri::command]
pub async fn spawn_options(cell: tauri::State<'_, BackendCell>) -> Result<SpawnOptions, IpcError> {
    let config = backend(&cell).await?.config();
    let config = &config.config;
    let projects = config
        .projects
        .values()
        .map(|p| SpawnProject {
            id: p.id.to_string(),
            name: p.name.clone(),
            agent: p.agent.clone(),
            default_branch: p.default_branch.clone(),
            session_prefix: p.session_prefix.clone(),
        })
        .collect();
    let mut agents: Vec<String> = BUILTIN_AGENTS.iter().map(|a| (*a).to_owned()).collect();
    agents.extend(config.agents.keys().filter(|a| !BUILTIN_AGENTS.contains(&a.as_str())).cloned());
    Ok(SpawnOptions { projects, agents })
}

/// `spawn_session`: spawns a session (SPEC F1), reporting each step to `on_progress`; returns
/// the record, or an error naming the step that failed (everything before it rolled back).
#[tauri::command]
pub async fn spawn_session(
    cell: tauri::State<'_, BackendCell>,
    request: SpawnInput,
    on_progress: Channel<SpawnProgress>,
) -> Result<SessionRecord, IpcError> {
    let backend = backend(&cell).await?;
    let request = SpawnRequest {
        project: ProjectId::new(request.project.trim())?,
        agent: present(request.agent),
        branch: present(request.branch),
        prompt: present(request.prompt),
        issue: present(request.issue),
    };
    let total = SpawnStep::ALL.len() as u32;
    let observer = move |step: SpawnStep, session: Option<&SessionId>| {
        let progress =
            SpawnProgress { step, number: step.number() as u32, total, session: session.map(|s| s.to_string()) };
        // A closed dialog or reloaded page no longer listens; the spawn goes on regardless.
        let _ = on_progress.send(progress);
    };
    match backend.ops().spawn_observed(request, &observer).await {
        Ok(record) => {
            backend.changed(&record);
            Ok(record)
        }
        Err(e) => {
            backend.maybe_changed();
            Err(e.into())
        }
    }
}

/// `send_message`: hands `message` to the session's agent (SPEC F2, F2a); a session stopped for
/// a restore or crashed is restored first, a killed one never. While the agent shows a dialog the
/// send is refused with `dialog_open` and the dialog, unless `force` (absent means not forced).
#[tauri::command]
pub async fn send_message(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    message: String,
    force: Option<bool>,
) -> Result<SendOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let options = SendOptions { force: force.unwrap_or(false), ..SendOptions::default() };
    let outcome = backend.ops().send_with(&id, &message, options).await;
    // A send may have restored the session, which rewrote its record.
    backend.maybe_changed();
    Ok(outcome?)
}

/// `send_keys`: presses named keys in the session's terminal, in order (SPEC F2a): the exact
/// answer to a dialog ("1"; "y", "Enter"; "Esc"). Names as `grove send --key` takes them; an
/// unknown name is refused before anything is pressed.
#[tauri::command]
pub async fn send_keys(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    keys: Vec<String>,
) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let keys = keys.iter().map(|k| Key::parse(k)).collect::<Result<Vec<_>, _>>()?;
    Ok(backend.ops().send_keys(&id, &keys).await?)
}

/// `kill_session`: ends the session (SPEC F3); its worktree is removed only when that loses no
/// work, or when `discard` says the user confirmed losing it.
#[tauri::command]
pub async fn kill_session(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    discard: bool,
) -> Result<KillOutcome, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().kill(&id, KillOptions { discard }).await;
    match &outcome {
        Ok(outcome) => backend.changed(&outcome.record),
        Err(_) => backend.maybe_changed(),
    }
    Ok(outcome?)
}

/// `restore_session`: restarts a stopped session in its worktree (SPEC F4).
#[tauri::command]
pub async fn restore_session(cell: tauri::State<'_, BackendCell>, session: String) -> Result<SessionRecord, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().restore(&id).await;
    match &outcome {
        Ok(record) => backend.changed(record),
        Err(_) => backend.maybe_changed(),
    }
    Ok(outcome?)
}

/// `stop_session`: stops one live session for a later restore (SPEC F5, F5a): runtime ended,
/// worktree untouched. The engine's `Ops::stop` decides; this only adapts.
#[tauri::command]
pub async fn stop_session(cell: tauri::State<'_, BackendCell>, session: String) -> Result<SessionRecord, IpcError> {
    let backend = backend(&cell).await?;
    let id = SessionId::new(session)?;
    let outcome = backend.ops().stop(&id).await;
    match &outcome {
        Ok(record) => backend.changed(record),
        Err(_) => backend.maybe_changed(),
    }
    Ok(outcome?)
}

/// `open_worktree`: opens the session's worktree in the file manager or the editor. The path
/// comes from the record, never from the webview.
#[tauri::command]
pub async fn open_worktree(
    cell: tauri::State<'_, BackendCell>,
    session: String,
    target: OpenTarget,
) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let record = find(&backend, session).await?;
    let path = record.worktree;
    if !path.is_dir() {
        return Err(IpcError::not_found(format!("the worktree {} does not exist", path.display())));
    }
    match target {
        OpenTarget::FileManager => opener::open_folder(&path),
        OpenTarget::Editor => opener::open_in_editor(&path),
    }
    .map_err(|e| IpcError::failed(e.to_string()))
}

/// `open_pr`: opens the session's pull request in the browser; only `https://` addresses.
#[tauri::command]
pub async fn open_pr(cell: tauri::State<'_, BackendCell>, session: String) -> Result<(), IpcError> {
    let backend = backend(&cell).await?;
    let record = find(&backend, session).await?;
    let Some(url) = record.lifecycle.pr.url else {
        return Err(IpcError::not_found(format!("session {} has no pull request", record.id)));
    };
    opener::open_url(&url).map_err(|e| IpcError::failed(e.to_string()))
}

/// The record of `session`, read from disk (no probing: only its paths are needed).
pub(super) async fn find(backend: &crate::backend::Backend, session: String) -> Result<SessionRecord, IpcError> {
    let id = SessionId::new(session)?;
    let store = backend.ops().store().clone();
    let found = tokio::task::spawn_blocking(move || store.find(&id)).await;
    Ok(found.map_err(|e| IpcError::internal(e.to_string()))??)
}

/// `Some` only for text with something other than whitespace in it.
fn present(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}
