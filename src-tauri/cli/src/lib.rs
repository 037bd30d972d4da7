//! The command line (ARCHITECTURE §3.5). `grove` alone opens the app; each subcommand is a thin
//! adapter over the engine that prints a table, or one JSON document with `--json`.
//!
//! This crate has no tauri dependency (ARCHITECTURE §3.6): the `grove` binary links only it, so a
//! subcommand, and above all `grove hook`, starts without loading GTK and WebKit. With no
//! subcommand `grove` execs the window binary, `grove-app`, from beside itself; `grove-app` runs
//! this same command line through [`app_main`] and opens the window itself.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grove_engine::config::ConfigSources;
use grove_engine::demo::{self, DemoAgentOptions, run_demo_agent};
use grove_engine::home::GroveHome;
use grove_engine::logging;
use grove_engine::manager::{DETAIL_DEADLINE, EnrichmentPolicy, Probes, Sessions};
use grove_engine::store::Store;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

mod app_stop;
mod config_check;
mod diff;
mod fleet;
mod hook;
mod interrupt;
mod land;
mod launch;
mod ls;
mod ls_json;
mod ops;
mod show;

pub use launch::{APP_BINARY, AppLaunch};

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
    /// Show what a session changed against its base branch (SPEC K1): a unified diff, `--stat`,
    /// or one JSON document.
    Diff {
        /// The session id.
        id: String,
        /// Per-file counts and a totals line, like `git diff --stat`.
        #[arg(long)]
        stat: bool,
        /// branch: since the merge base; review: since the last review; turn: the agent's last turn.
        #[arg(long, value_name = "SCOPE", default_value = "branch", value_parser = ["branch", "review", "turn"])]
        scope: String,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a session: a worktree on its own branch and the agent running in it. Prints the id.
    #[command(group = clap::ArgGroup::new("task").required(true).args(["prompt", "issue"]))]
    Spawn {
        /// The project, as declared in config.
        #[arg(long, value_name = "P")]
        project: String,
        /// The agent (claude-code, codex, aider, shell or one from [agents]); the project's by default.
        #[arg(long, value_name = "A")]
        agent: Option<String>,
        /// The branch; `session/<id>` by default. An existing branch is checked out as it is.
        #[arg(long, value_name = "B")]
        branch: Option<String>,
        /// The task for the agent (at most 10,000 characters).
        #[arg(long, value_name = "TEXT")]
        prompt: Option<String>,
        /// The tracker issue to work on, instead of a prompt.
        #[arg(long, value_name = "ID")]
        issue: Option<String>,
        /// Print the new record as JSON instead of its id.
        #[arg(long)]
        json: bool,
    },
    /// Send a message to a session's agent (a stopped or crashed session is restored first), or
    /// press named keys to answer a dialog on its screen.
    #[command(group = clap::ArgGroup::new("what").required(true).args(["message", "keys"]))]
    Send {
        /// The session id.
        id: String,
        /// The message (at most 10,000 characters); `-` reads it from standard input.
        message: Option<String>,
        /// A key to press instead of a message, repeatable and pressed in order: Enter, Esc, Up,
        /// Down, Left, Right, Tab, BTab, Space, Backspace, a digit or a letter.
        #[arg(long = "key", value_name = "K", conflicts_with = "message")]
        keys: Vec<String>,
        /// Paste the message even while the agent shows a dialog, which may swallow it.
        #[arg(long)]
        force: bool,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// End a session. Its worktree is kept when it holds uncommitted or unpushed work.
    Kill {
        /// The session id.
        id: String,
        /// Remove the worktree even if it holds uncommitted or unpushed work.
        #[arg(long)]
        discard: bool,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Land a session's branch in its project's base branch (squash, merge or rebase; the
    /// project's `land` unless given), or through a GitHub pull request with --pr; then the
    /// project's `after_land`. Refusals say why on stderr and exit 1.
    #[command(group = clap::ArgGroup::new("method").args(["squash", "merge", "rebase"]))]
    Land {
        /// The session id.
        id: String,
        /// One new commit with the branch's whole change.
        #[arg(long)]
        squash: bool,
        /// A merge commit.
        #[arg(long)]
        merge: bool,
        /// The branch's commits replayed on the base branch.
        #[arg(long)]
        rebase: bool,
        /// Push, create the PR unless one exists, and merge it when GitHub allows.
        #[arg(long)]
        pr: bool,
        /// Commit everything uncommitted in the worktree (untracked files too) first.
        #[arg(long)]
        commit: bool,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a landed session's worktree, keeping its record; refused when that would lose
    /// uncommitted or unlanded work.
    Reclaim {
        /// The session id.
        id: String,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Restart a stopped or killed session in its worktree, resuming the agent's own session.
    Restore {
        /// The session id.
        id: String,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Stop every live session (or one project's), keeping worktrees, and record them so the next
    /// `grove start` can restore them. Exits 1 if any session could not be stopped.
    Stop {
        /// Only this project's sessions.
        project: Option<String>,
        /// End the running app instead: it stops every session the same way, records them, and
        /// exits.
        #[arg(long, conflicts_with_all = ["project", "session"])]
        app: bool,
        /// Stop only this session, for a later `grove restore` (not recorded for `grove start`).
        #[arg(long, value_name = "ID", conflicts_with = "project")]
        session: Option<String>,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Restore the sessions the last `grove stop` (or quit) stopped.
    Start {
        /// yes: restore them; no: forget the record (they stay stopped); ask: list them, change
        /// nothing.
        #[arg(long, value_enum, value_name = "ANSWER")]
        restore: fleet::RestoreChoice,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The demo project's agent (run by Grove inside a session, not by hand).
    #[command(hide = true)]
    DemoAgent,
    /// Record an agent's event in its session (run by agents, through the hooks and notify
    /// commands Grove sets up, not by hand). Prints nothing and always exits 0.
    #[command(hide = true)]
    Hook {
        /// The agent: claude-code, codex, aider or a custom agent's name.
        agent: String,
        /// Passed through as given: `--then PROGRAM ARGS...` (run after recording, with the
        /// payload appended) and the payload argument (Codex's JSON).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "ARGS")]
        args: Vec<String>,
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
            Command::Diff { .. } => "diff",
            Command::Spawn { .. } => "spawn",
            Command::Send { .. } => "send",
            Command::Kill { .. } => "kill",
            Command::Restore { .. } => "restore",
            Command::Land { .. } => "land",
            Command::Reclaim { .. } => "reclaim",
            Command::Stop { .. } => "stop",
            Command::Start { .. } => "start",
            Command::DemoAgent => "demo-agent",
            Command::Hook { .. } => "hook",
            Command::Config { action: ConfigAction::Schema } => "config schema",
            Command::Config { action: ConfigAction::Check { .. } } => "config check",
        }
    }
}

/// Entry point of the `grove` binary: a subcommand runs here; none hands the whole command line
/// over to `grove-app`, so this process never loads the window's libraries.
pub fn main() -> ExitCode {
    dispatch(|_| launch::exec_app(std::env::args_os().skip(1).collect()))
}

/// Entry point of the `grove-app` binary: the same command line, but with no subcommand it opens
/// the window through `open` (logging set up, demo project resolved) instead of exec'ing.
pub fn app_main(open: impl FnOnce(AppLaunch) -> ExitCode) -> ExitCode {
    dispatch(|config| launch::open_window(config, open))
}

/// Parses the command line and runs the subcommand, or `no_subcommand` with the `--config` given.
fn dispatch(no_subcommand: impl FnOnce(Option<PathBuf>) -> ExitCode) -> ExitCode {
    // Agents run `grove hook` for every event: it takes its arguments raw and runs before anything
    // else (no parser that could print a usage error, no logging, no config, no runtime).
    if let Some(args) = hook::fast_path_args(std::env::args_os()) {
        return hook::run(args);
    }
    let cli = Cli::parse();
    // `grove --config FILE hook ...` reaches the hook through the parser; still before anything.
    if let Some(Command::Hook { agent, args }) = cli.command {
        return hook::run(std::iter::once(agent).chain(args).map(Into::into).collect());
    }
    let Some(command) = cli.command else { return no_subcommand(cli.config) };
    let home = GroveHome::from_env();
    let sources = ConfigSources::from_env(cli.config.clone());
    restore_default_sigpipe();
    // The CLI keeps stderr for its own messages; details still reach the log files.
    let _log = logging::init(&home, "warn");
    // The name only: arguments can carry prompts and messages, which stay out of logs.
    tracing::info!(version = grove_engine::VERSION, "grove {}", command.name());
    run(command, &home, &sources)
}

fn run(command: Command, home: &GroveHome, sources: &ConfigSources) -> ExitCode {
    match command {
        // `--stored` and the default read are the same read in a CLI process (below).
        Command::Ls { project, stored: _, fresh, json } => {
            // A CLI process starts with an empty cache, so its cached read is always the cold read:
            // the stored sessions, marked `stored`. Asking `list_cached` for it would also start a
            // background refresh that the exiting process kills at once, spawning probes for
            // nothing and letting a plain listing write to disk.
            if fresh {
                with_sessions(home, |s| async move { ls::run_fresh(&s, project.as_deref(), json).await })
            } else {
                ls::run_stored(home, project.as_deref(), json)
            }
        }
        Command::Show { id, timeout_ms, json } => {
            with_sessions(home, |s| async move { show::run(&s, &id, Duration::from_millis(timeout_ms), json).await })
        }
        Command::Diff { id, stat, scope, json } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| async move { diff::run(home, &sources, &id, &scope, stat, json, i).await })
        }
        Command::Spawn { project, agent, branch, prompt, issue, json } => {
            let args = ops::SpawnArgs { project, agent, branch, prompt, issue };
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::spawn(home, &sources, args, json, i))
        }
        Command::Send { id, keys, json, .. } if !keys.is_empty() => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::send_keys(home, &sources, &id, &keys, json, i))
        }
        Command::Send { id, message, force, json, .. } => {
            // Required by the argument group when no key is given.
            let message = message.unwrap_or_default();
            let message = if message == "-" {
                let mut text = String::new();
                if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                    eprintln!("error: cannot read the message from standard input: {e}");
                    return ExitCode::FAILURE;
                }
                text
            } else {
                message
            };
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::send(home, &sources, &id, &message, force, json, i))
        }
        Command::Kill { id, discard, json } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::kill(home, &sources, &id, discard, json, i))
        }
        Command::Land { id, squash, merge, rebase, pr, commit, json } => {
            use grove_engine::land::LandMethod;
            let method = [(squash, LandMethod::Squash), (merge, LandMethod::Merge), (rebase, LandMethod::Rebase)]
                .into_iter()
                .find_map(|(given, method)| given.then_some(method));
            let args = land::LandArgs { id, method, pr, commit, json };
            let sources = ops_sources(sources, home);
            interrupt::run(|i| land::land(home, &sources, args, i))
        }
        Command::Reclaim { id, json } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| land::reclaim(home, &sources, &id, json, i))
        }
        Command::Restore { id, json } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::restore(home, &sources, &id, json, i))
        }
        Command::Stop { app: true, .. } => app_stop::stop_app(home),
        Command::Stop { session: Some(id), json, .. } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| ops::stop_session(home, &sources, &id, json, i))
        }
        Command::Stop { project, json, .. } => {
            let sources = ops_sources(&fleet::stop_sources(sources, home), home);
            interrupt::run(|i| fleet::stop(home, &sources, project, json, i))
        }
        Command::Start { restore, json } => {
            let sources = ops_sources(sources, home);
            interrupt::run(|i| fleet::start(home, &sources, restore, json, i))
        }
        // Taken in `main`, before logging starts; kept here so the match stays exhaustive.
        Command::Hook { agent, args } => hook::run(std::iter::once(agent).chain(args).map(Into::into).collect()),
        Command::DemoAgent => {
            let result = demo::prepare_terminal(&mut std::io::stdout().lock())
                .and_then(|()| DemoAgentOptions::from_env())
                .and_then(|opts| run_demo_agent(opts, std::io::stdin().lock(), std::io::stdout().lock()));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("demo agent: {e}")),
            }
        }
        Command::Config { action: ConfigAction::Schema } => {
            print_json(&grove_engine::config::schema());
            ExitCode::SUCCESS
        }
        Command::Config { action: ConfigAction::Check { json } } => config_check::run(sources, json),
    }
}

/// The config for session operations: the user's, or the demo project when there is none.
fn ops_sources(sources: &ConfigSources, home: &GroveHome) -> ConfigSources {
    launch::with_demo_fallback(sources.clone(), home).0
}

/// An error the command could not get past: printed on stderr, exit 1.
pub(crate) fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

/// A malformed argument (a bad id): printed on stderr, exit 2 like clap's own usage errors.
pub(crate) fn fail_usage(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// `grove ls | head` must end quietly when `head` closes the pipe, as other CLI tools do; Rust
/// ignores SIGPIPE by default, which turns every later print into a panic.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called before any thread is started; resetting a signal disposition has no other
    // precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs one async CLI command on a runtime of its own.
fn with_runtime(f: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime.block_on(f),
        Err(e) => fail(format!("cannot start the async runtime: {e}")),
    }
}

/// Runs `f` with the live read paths on a runtime of their own. Dropping the `Sessions` at the end
/// cancels any background refresh and kills its probe processes, so the CLI leaves nothing behind.
fn with_sessions<F, Fut>(home: &GroveHome, f: F) -> ExitCode
where
    F: FnOnce(Arc<Sessions>) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    with_runtime(async {
        let sessions =
            Arc::new(Sessions::new(Store::new(home.clone()), Probes::live(home), EnrichmentPolicy::default()));
        f(sessions).await
    })
}

/// Prints one pretty JSON document on stdout (the `--json` contract of ARCHITECTURE §3.5).
/// A command's outcome: one JSON document with `--json`, else what `text` prints; an error on
/// stderr with exit 1.
pub(crate) fn report<T: serde::Serialize>(
    result: Result<T, impl std::fmt::Display>,
    json: bool,
    text: impl FnOnce(&T),
) -> ExitCode {
    match result {
        Ok(value) if json => print_json(&value),
        Ok(value) => text(&value),
        Err(e) => return fail(e),
    }
    ExitCode::SUCCESS
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("CLI output types serialise"));
}
