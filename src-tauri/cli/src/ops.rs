//! `grove spawn | send | kill | restore` (ARCHITECTURE §3.5): thin adapters over
//! `grove_engine::ops`. Each prints a short line, or one JSON document with `--json`; errors go to
//! stderr naming the step that failed, with a non-zero exit.

use std::process::ExitCode;

use grove_engine::config::{self, Config, ConfigSources};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::{
    Cause, Interrupt, Key, KillOptions, Ops, SendOptions, SpawnError, SpawnRequest, WorktreeOutcome,
};
use grove_engine::store::Store;

use super::interrupt::note;
use super::{fail, fail_usage, report};

/// What to spawn, as given on the command line.
pub struct SpawnArgs {
    pub project: String,
    pub agent: Option<String>,
    pub branch: Option<String>,
    pub prompt: Option<String>,
    pub issue: Option<String>,
}

/// A failed spawn on stderr: the step and cause, then what the rollback undid. An interrupted
/// spawn (SPEC F7) says so in words a user who pressed Ctrl-C expects.
fn spawn_failed(e: &SpawnError) -> ExitCode {
    let interrupted = matches!(e.cause, Cause::Interrupted(_));
    if interrupted && e.step == grove_engine::ops::SpawnStep::Confirm {
        let id = e.session.as_ref().map(ToString::to_string).unwrap_or_default();
        note(&format!("error: {e}"));
        note(&format!("the session {id} was already created and is kept; `grove kill {id} --discard` removes it"));
        return ExitCode::FAILURE;
    }
    if interrupted {
        let session = e.session.as_ref().map(|id| format!(" (session {id})")).unwrap_or_default();
        note(&format!("error: spawn {} at step {}{session}", e.cause, e.step));
    } else {
        note(&format!("error: {e}"));
    }
    if !e.rolled_back.is_empty() {
        note(&format!("rolled back: {}", e.rolled_back.join(", ")));
    }
    if interrupted && !e.rollback_failures.is_empty() {
        note(&format!("rollback left behind: {}", e.rollback_failures.join("; ")));
    }
    ExitCode::FAILURE
}

/// Spawn needs a config that loads: a broken file must not start agents with guessed settings.
fn strict_config(sources: &ConfigSources) -> Result<Config, ExitCode> {
    config::load_strict(sources).map(|loaded| loaded.config).map_err(|errors| {
        for error in errors.errors() {
            eprintln!("{error}");
        }
        eprintln!("error: the config has errors; fix them (see `grove config check`) before spawning");
        ExitCode::FAILURE
    })
}

/// Send, kill and restore act on sessions that already exist: a broken config must not stop a
/// user from reaching them, so they take the stop loader's fallbacks (SPEC C4) and say so.
pub(crate) fn lenient_config(sources: &ConfigSources) -> Config {
    let loaded = config::load_interactive(sources);
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    loaded.config
}

/// The operations a command on one existing session runs through: the lenient config, and
/// Ctrl-C reaching the operation as `interrupt`.
pub(crate) fn session_ops(home: &GroveHome, sources: &ConfigSources, interrupt: Interrupt) -> Ops {
    Ops::new(Store::new(home.clone()), lenient_config(sources)).with_interrupt(interrupt)
}

pub(crate) fn session_id(id: &str) -> Result<SessionId, ExitCode> {
    SessionId::new(id).map_err(fail_usage)
}

pub async fn spawn(
    home: &GroveHome,
    sources: &ConfigSources,
    args: SpawnArgs,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let project = match ProjectId::new(args.project) {
        Ok(p) => p,
        Err(e) => return fail_usage(e),
    };
    let config = match strict_config(sources) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let request =
        SpawnRequest { project, agent: args.agent, branch: args.branch, prompt: args.prompt, issue: args.issue };
    match Ops::new(Store::new(home.clone()), config).with_interrupt(interrupt).spawn(request).await {
        Ok(record) if json => {
            super::print_json(&record);
            ExitCode::SUCCESS
        }
        Ok(record) => {
            println!("{}", record.id);
            ExitCode::SUCCESS
        }
        Err(e) => spawn_failed(&e),
    }
}

pub async fn send(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    message: &str,
    force: bool,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match session_id(id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    let options = SendOptions { force, ..SendOptions::default() };
    let sent = session_ops(home, sources, interrupt).send_with(&id, message, options).await;
    report(sent, json, |outcome| {
        if outcome.restored {
            println!("{id} was stopped; restored it, then sent the message");
        } else {
            println!("sent to {id}");
        }
    })
}

/// `grove send ID --key K...`: presses the keys in order (SPEC F2a).
pub async fn send_keys(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    names: &[String],
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match session_id(id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    let keys = match names.iter().map(|n| Key::parse(n)).collect::<Result<Vec<_>, _>>() {
        Ok(keys) => keys,
        Err(e) => return fail_usage(e),
    };
    match Ops::new(Store::new(home.clone()), lenient_config(sources))
        .with_interrupt(interrupt)
        .send_keys(&id, &keys)
        .await
    {
        Ok(()) if json => {
            super::print_json(&serde_json::json!({ "keys": names }));
            ExitCode::SUCCESS
        }
        Ok(()) => {
            println!("pressed {} in {id}", names.join(" "));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `grove stop --session ID`: stops one session for a later restore (SPEC F5, F5a).
pub async fn stop_session(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match session_id(id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    report(session_ops(home, sources, interrupt).stop(&id).await, json, |record| {
        println!("stopped {}; `grove restore {}` brings it back", record.id, record.id);
    })
}

pub async fn kill(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    discard: bool,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match session_id(id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    let killed = session_ops(home, sources, interrupt).kill(&id, KillOptions { discard }).await;
    report(killed, json, |outcome| {
        println!("killed {id}");
        let path = outcome.record.worktree.display();
        match &outcome.worktree {
            WorktreeOutcome::Removed => println!("worktree removed (branch {} kept)", outcome.record.branch),
            WorktreeOutcome::Kept { reason } => {
                println!("worktree kept at {path}: {reason}");
                println!("(`grove restore {id}` brings the session back; `grove kill {id} --discard` removes it)");
            }
            WorktreeOutcome::Missing => println!("worktree was already gone"),
        }
    })
}

pub async fn restore(
    home: &GroveHome,
    sources: &ConfigSources,
    id: &str,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let id = match session_id(id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    report(session_ops(home, sources, interrupt).restore(&id).await, json, |record| {
        println!("restored {} in {}", record.id, record.worktree.display());
    })
}
