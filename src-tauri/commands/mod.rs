//! Commands the webview may call. Each extracts state, calls the engine and maps the error;
//! every one of them is listed in build.rs and granted in tauri.conf.json's capability.
//! `feed` streams the dashboard's data, `sessions` runs operations; app facts are here.

pub mod attention;
pub mod feed;
pub mod fleet;
pub mod review;
pub mod sessions;
pub mod terminal;

use std::sync::Arc;

use grove_engine::home::GroveHome;
use grove_engine::tools::{self, ToolStatus};
use serde::Serialize;
use ts_rs::TS;

use crate::backend::{Backend, BackendCell};
use crate::ipc_error::IpcError;

/// Where this app keeps its data and reads its config; managed as Tauri state.
#[derive(Debug, Clone)]
pub struct AppContext {
    pub home: GroveHome,
    /// The config files in force (the demo project's as the running file in demo mode).
    pub sources: grove_engine::config::ConfigSources,
    pub config_path: std::path::PathBuf,
    /// Set when no config exists and the built-in demo project stands in for one.
    pub demo: Option<grove_engine::demo::DemoProject>,
}

/// The running app's identity, shown in the status bar and the first-run panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub grove_home: String,
    pub config_path: String,
    pub tmux_socket: String,
    /// The user's home directory, so the UI can show paths under it as `~/...`.
    pub user_home: Option<String>,
    /// Where the global config goes (`$GROVE_CONFIG`), for the first-run panel.
    pub global_config_path: String,
    /// Set when no config exists yet and Grove runs its demo project instead.
    pub demo: bool,
}

/// `app_info`: version, data directory, config path and tmux socket of this app.
#[tauri::command]
pub fn app_info(ctx: tauri::State<'_, AppContext>) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        version: grove_engine::VERSION.to_owned(),
        grove_home: ctx.home.root().display().to_string(),
        config_path: ctx.config_path.display().to_string(),
        tmux_socket: ctx.home.tmux_socket().display().to_string(),
        user_home: grove_engine::home::user_home().map(|p| p.display().to_string()),
        global_config_path: grove_engine::home::default_config_path().display().to_string(),
        demo: ctx.demo.is_some(),
    })
}

/// `tool_status`: which of git, tmux, gh and the agent CLIs are on `PATH`.
#[tauri::command]
pub async fn tool_status() -> Result<Vec<ToolStatus>, IpcError> {
    // A PATH walk touches the file system; keep it off the IPC thread.
    tokio::task::spawn_blocking(tools::check_tools).await.map_err(|e| IpcError::internal(e.to_string()))
}

/// The backend, once started (commands at app start wait the moment it takes to read the store).
async fn backend(cell: &BackendCell) -> Result<Arc<Backend>, IpcError> {
    cell.get().await.ok_or_else(|| {
        IpcError::internal("Grove's engine is not running (it did not start, or the app is shutting down)")
    })
}
