//! Opening the window: `grove` with no subcommand execs the window binary beside it, and
//! `grove-app` settles what the window needs (home, config files, the demo project when there is
//! no config) before opening it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use grove_engine::config::ConfigSources;
use grove_engine::demo::{self, DemoProject};
use grove_engine::home::GroveHome;
use grove_engine::logging;

use super::fail;

/// The window binary's name: `grove` with no subcommand execs it from its own directory.
pub const APP_BINARY: &str = "grove-app";

/// What opening the window needs, settled by the command line so that `grove-app` and the CLI
/// agree on the home, the config files and the demo project.
pub struct AppLaunch {
    pub home: GroveHome,
    /// The config files in force (the demo project's as the running file in demo mode).
    pub sources: ConfigSources,
    pub config_path: PathBuf,
    /// Set when no config exists and the built-in demo project stands in for one.
    pub demo: Option<DemoProject>,
}

/// What `grove-app` does with no subcommand: logging, the config files and the demo project
/// settled, then `open`.
pub(crate) fn open_window(config: Option<PathBuf>, open: impl FnOnce(AppLaunch) -> ExitCode) -> ExitCode {
    let home = GroveHome::from_env();
    let _log = logging::init(&home, "info");
    let (sources, demo) = with_demo_fallback(ConfigSources::from_env(config), &home);
    let config_path = sources.running.clone().unwrap_or_else(|| sources.global.clone());
    open(AppLaunch { home, sources, config_path, demo })
}

/// Replaces this process with `grove-app` from the same directory, with the same arguments: the
/// pid stays the one the caller started (the single-instance hand-over and `grove stop --app`
/// see the window's process), and nothing of the command line stays resident.
pub(crate) fn exec_app(args: Vec<OsString>) -> ExitCode {
    let app = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(format!("{APP_BINARY}{}", std::env::consts::EXE_SUFFIX)),
        Err(e) => return fail(format!("cannot open the app: cannot locate the grove binary: {e}")),
    };
    if !app.is_file() {
        return fail(format!(
            "cannot open the app: {} is missing; the window is a separate binary installed beside `grove`",
            app.display()
        ));
    }
    let mut command = std::process::Command::new(&app);
    command.args(args);
    #[cfg(unix)]
    {
        let e = std::os::unix::process::CommandExt::exec(&mut command);
        fail(format!("cannot open the app {}: {e}", app.display()))
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => fail(format!("cannot open the app {}: {e}", app.display())),
    }
}

/// The config files in use, and the demo project when it stands in for a config: with no
/// `--config` and no global config file yet, Grove runs a built-in demo project (created on first
/// use under GROVE_HOME) so a newcomer sees it work without any agent account. A real config always
/// wins; the demo never writes to the user's config.
pub(crate) fn with_demo_fallback(sources: ConfigSources, home: &GroveHome) -> (ConfigSources, Option<DemoProject>) {
    if sources.running.is_some() || sources.global.exists() {
        return (sources, None);
    }
    // The demo agent runs as `<grove> demo-agent`: the command line, not the window binary, so it
    // starts without the window's libraries, and the app and the CLI write the same config.
    let exe = match grove_engine::ops::grove_cli_binary().map_or_else(std::env::current_exe, Ok) {
        Ok(exe) => exe,
        Err(e) => {
            tracing::warn!("no demo project: cannot locate the grove binary: {e}");
            return (sources, None);
        }
    };
    match demo::ensure_demo_project(home, &exe) {
        Ok(project) => {
            tracing::info!(config = %project.config_path.display(), "no config yet; using the demo project");
            let sources = ConfigSources { running: Some(project.config_path.clone()), ..sources };
            (sources, Some(project))
        }
        Err(e) => {
            tracing::warn!("no demo project: {e}");
            (sources, None)
        }
    }
}
