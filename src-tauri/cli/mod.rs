//! The command line (ARCHITECTURE §3.5). `grove` alone opens the app; each subcommand is a thin
//! adapter over the engine that prints a table, or one JSON document with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grove_engine::config::ConfigSources;
use grove_engine::home::GroveHome;
use grove_engine::logging;

use crate::commands::AppContext;

mod config_check;
mod ls;

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
        #[arg(long)]
        stored: bool,
        /// One JSON document instead of a table.
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
        // Until live enrichment exists every read is the stored read; `--stored` is accepted now so
        // scripts written against it keep working.
        Command::Ls { project, stored: _, json } => ls::run(home, project.as_deref(), json),
        Command::Config { action: ConfigAction::Schema } => {
            print_json(&grove_engine::config::schema());
            ExitCode::SUCCESS
        }
        Command::Config { action: ConfigAction::Check { json } } => config_check::run(sources, json),
    }
}

/// Prints one pretty JSON document on stdout (the `--json` contract of ARCHITECTURE §3.5).
pub(crate) fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("CLI output types serialise"));
}
