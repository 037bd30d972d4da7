//! The command line (ARCHITECTURE §3.5). `grove` alone opens the app; each subcommand is a thin
//! adapter over the engine that prints a table, or one JSON document with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grove_engine::config::ConfigSources;
use grove_engine::home::GroveHome;
use grove_engine::logging;
use grove_engine::manager::{DETAIL_DEADLINE, EnrichmentPolicy, Probes, Sessions};
use grove_engine::store::Store;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::commands::AppContext;

mod config_check;
mod ls;
mod show;

#[derive(Debug, Parser)]
#[command(
    name = "grove",
    version,
    about = "Run a fleet of AI coding agents in parallel, each in its own git worktree, on one live dashboard.",
    long_about = None
)]
struct Cli {
    /// Config file to use instead of the global one ($GROVE_CONFIG); the app records it as its
    /// running config.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List sessions: id, project, status, attention, branch, age.
    Ls {
        /// Only this project's sessions.
        #[arg(long, value_name = "P")]
        project: Option<String>,
        /// Read the records on disk only, without live probes.
        #[arg(long, conflicts_with = "fresh")]
        stored: bool,
        /// Probe every live session now (bounded per session) instead of the cached read.
        #[arg(long)]
        fresh: bool,
        /// One JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one session, with live data bounded by a deadline.
    Show {
        /// The session id.
        id: String,
        /// How long live probes may take, in milliseconds.
        #[arg(long, value_name = "N", default_value_t = DETAIL_DEADLINE.as_millis() as u64)]
        timeout_ms: u64,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Inspect Grove's configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigAction {
    /// Print the JSON schema of config.toml, for editor completion and validation.
    Schema,
    /// Load and merge every config file (global, running, each project's grove.toml) and print
    /// each error with file and line. Exits 1 when there is any error.
    Check {
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
}

impl Command {
    /// The subcommand as typed, for the log.
    fn name(&self) -> &'static str {
        match self {
            Command::Ls { .. } => "ls",
            Command::Show { .. } => "show",
            Command::Config { action: ConfigAction::Schema } => "config schema",
            Command::Config { action: ConfigAction::Check { .. } } => "config check",
        }
    }
}

/// Parses the command line and runs the app or the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let home = GroveHome::from_env();
    let sources = ConfigSources::from_env(cli.config.clone());
    let config_path = sources.running.clone().unwrap_or_else(|| sources.global.clone());
    match cli.command {
        None => {
            let _log = logging::init(&home, "info");
            match crate::app::run(AppContext { home, config_path }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("Grove could not start: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(command) => {
            // The CLI keeps stderr for its own messages; details still reach the log files.
            let _log = logging::init(&home, "warn");
            // The name only: arguments can carry prompts and messages, which stay out of logs.
            tracing::info!(version = grove_engine::VERSION, "grove {}", command.name());
            run(command, &home, &sources)
        }
    }
}

fn run(command: Command, home: &GroveHome, sources: &ConfigSources) -> ExitCode {
    match command {
        Command::Ls { project, stored, fresh, json } => {
            let path = match (stored, fresh) {
                (true, _) => ls::ReadPath::Stored,
                (_, true) => ls::ReadPath::Fresh,
                _ => ls::ReadPath::Cached,
            };
            with_sessions(home, |s| async move { ls::run(&s, project.as_deref(), path, json).await })
        }
        Command::Show { id, timeout_ms, json } => {
            with_sessions(home, |s| async move { show::run(&s, &id, Duration::from_millis(timeout_ms), json).await })
        }
        Command::Config { action: ConfigAction::Schema } => {
            print_json(&grove_engine::config::schema());
            ExitCode::SUCCESS
        }
        Command::Config { action: ConfigAction::Check { json } } => config_check::run(sources, json),
    }
}

/// Runs `f` with the live read paths on a runtime of their own. Dropping the `Sessions` at the end
/// cancels any background refresh and kills its probe processes, so the CLI leaves nothing behind.
fn with_sessions<F, Fut>(home: &GroveHome, f: F) -> ExitCode
where
    F: FnOnce(Arc<Sessions>) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let sessions =
            Arc::new(Sessions::new(Store::new(home.clone()), Probes::live(home), EnrichmentPolicy::default()));
        f(sessions).await
    })
}

/// Prints one pretty JSON document on stdout (the `--json` contract of ARCHITECTURE §3.5).
pub(crate) fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("CLI output types serialise"));
}
