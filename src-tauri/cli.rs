//! The command line (ARCHITECTURE §3.5). `grove` alone opens the app; each subcommand is a thin
//! adapter over the engine that prints a table, or one JSON document with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grove_engine::home::{self, GroveHome};
use grove_engine::logging;

use crate::commands::AppContext;

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
}

/// Parses the command line and runs the app or the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let home = GroveHome::from_env();
    let config_path = cli.config.clone().unwrap_or_else(home::default_config_path);
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
            run(command)
        }
    }
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Config { action: ConfigAction::Schema } => {
            println!("{}", serde_json::to_string_pretty(&grove_engine::config::schema()).expect("a JSON value prints"));
            ExitCode::SUCCESS
        }
    }
}
