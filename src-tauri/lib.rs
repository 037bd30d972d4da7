//! Grove's app shell: the CLI entry, the Tauri builder, commands and events. Thin adapters over
//! `grove_engine`; no business logic lives here.

mod app;
mod attention;
mod backend;
pub mod bindings;
pub mod commands;
mod desktop_notifier;
pub mod ipc_error;
mod lifecycle;
mod opener;
mod painting;
mod tray;

pub use app::{builder, builder_with};

use std::process::ExitCode;

/// Entry point of the `grove-app` binary: the command line, which opens the window when no
/// subcommand is given.
pub fn main() -> ExitCode {
    painting::choose();
    grove_cli::app_main(|launch| {
        let grove_cli::AppLaunch { home, sources, config_path, demo } = launch;
        match app::run(commands::AppContext { home, sources, config_path, demo }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!("Grove could not start: {e:#}");
                ExitCode::FAILURE
            }
        }
    })
}
