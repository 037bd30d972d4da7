//! Grove's app shell: the CLI entry, the Tauri builder, commands and events. Thin adapters over
//! `grove_engine`; no business logic lives here.

mod app;
mod attention;
mod backend;
pub mod bindings;
mod cli;
pub mod commands;
mod desktop_notifier;
pub mod ipc_error;
mod lifecycle;
mod opener;
mod painting;
mod tray;

pub use app::{builder, builder_with};

use std::process::ExitCode;

/// Entry point of the `grove` binary.
pub fn main() -> ExitCode {
    painting::choose();
    cli::main()
}
