//! `grove stop [P]` and `grove start --restore yes|no|ask` (ARCHITECTURE §3.5, SPEC G1, G3, G5):
//! thin adapters over the engine's fleet stop and restore. Text by default, one JSON document
//! with `--json`; warnings and errors on stderr; exit 1 when any session failed.

use std::process::ExitCode;

use grove_engine::config::{self, ConfigSources};
use grove_engine::home::GroveHome;
use grove_engine::ids::ProjectId;
use grove_engine::ops::{ConfigNote, FailedSession, Interrupt, Ops, RestoreProgress, RestoreStep};
use grove_engine::store::{LastStop, StopScope, Store};

use super::{fail, fail_usage, print_json};

/// The answer to "restore the sessions the last stop stopped?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RestoreChoice {
    /// Restore them, one by one.
    Yes,
    /// Forget the record; the sessions stay stopped (each can still be restored on its own).
    No,
    /// Print what would be restored and change nothing.
    Ask,
}

/// The config files for a stop: with no `--config`, the running app's config (from
/// `running.json`) is the running layer, so the CLI stops under the same config as the app.
pub fn stop_sources(sources: &ConfigSources, home: &GroveHome) -> ConfigSources {
    if sources.running.is_some() {
        return sources.clone();
    }
    match Store::new(home.clone()).read_running() {
        Ok(Some(app)) => ConfigSources { running: Some(app.config_path), ..sources.clone() },
        Ok(None) => sources.clone(),
        Err(e) => {
            eprintln!("warning: ignoring running.json: {e}");
            sources.clone()
        }
    }
}

/// Stops the fleet. An interrupt (SPEC F7) does not cut a stop short: every session it reaches
/// is only being stopped, which is what an interrupted user wants anyway, and each stop is bounded.
pub async fn stop(
    home: &GroveHome,
    sources: &ConfigSources,
    project: Option<String>,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    let scope = match project.map(ProjectId::new).transpose() {
        Ok(Some(project_id)) => StopScope::Project { project_id },
        Ok(None) => StopScope::All,
        Err(e) => return fail_usage(e),
    };
    // SPEC C4: the merged config, else the running file alone, else the global file alone, and
    // never anything else; when none loads, nothing is stopped under a guessed config.
    let loaded = match config::load_for_stop(sources) {
        Ok(loaded) => loaded,
        Err(errors) => {
            for error in errors.errors() {
                eprintln!("{error}");
            }
            return fail("no config file loads (see `grove config check`); nothing was stopped");
        }
    };
    let note = ConfigNote::from(&loaded);
    for warning in &note.warnings {
        eprintln!("warning: {warning}");
    }
    let ops = Ops::new(Store::new(home.clone()), loaded.config).with_interrupt(interrupt);
    let report = match ops.stop_fleet(scope, note).await {
        Ok(report) => report,
        Err(e) => return fail(e),
    };
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if json {
        print_json(&report);
    } else {
        if report.stopped.is_empty() && report.failed.is_empty() {
            println!("no live sessions to stop");
        }
        if !report.stopped.is_empty() {
            println!("stopped {} session(s):", report.stopped.len());
            for s in &report.stopped {
                println!("  {:<12} {}", s.project_id, s.session_id);
            }
        }
        print_failures("could not stop", &report.failed);
        if report.last_stop.is_some() {
            println!("recorded for restore; `grove start --restore yes` brings them back");
        }
    }
    if let Some(error) = &report.record_error {
        eprintln!("error: the stopped sessions could not be recorded for restore: {error}");
    }
    if report.is_complete() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Restores the last stop. After an interrupt (SPEC F7) each restore not yet begun fails at once
/// and stays in `last-stop.json` for the next start.
pub async fn start(
    home: &GroveHome,
    sources: &ConfigSources,
    choice: RestoreChoice,
    json: bool,
    interrupt: Interrupt,
) -> ExitCode {
    // SPEC G5, C4: config errors while restoring are a warning, never a refusal to start.
    let loaded = config::load_interactive(sources);
    let note = ConfigNote::from(&loaded);
    for warning in &note.warnings {
        eprintln!("warning: {warning}");
    }
    let ops = Ops::new(Store::new(home.clone()), loaded.config).with_interrupt(interrupt);
    match choice {
        RestoreChoice::Ask => match ops.last_stop().await {
            Ok(record) if json => {
                print_json(&serde_json::json!({"restore": "ask", "lastStop": record, "config": note}));
                ExitCode::SUCCESS
            }
            Ok(Some(record)) => {
                println!("the last stop stopped {} session(s):", record.session_count());
                print_record(&record);
                println!("`grove start --restore yes` restores them; `--restore no` forgets them");
                ExitCode::SUCCESS
            }
            Ok(None) => {
                println!("nothing to restore");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        RestoreChoice::No => match ops.decline_last_stop().await {
            Ok(cleared) if json => {
                print_json(&serde_json::json!({"restore": "no", "cleared": cleared, "config": note}));
                ExitCode::SUCCESS
            }
            Ok(Some(record)) => {
                println!(
                    "forgot the last stop's {} session(s); they stay stopped (`grove restore ID` restores one)",
                    record.session_count()
                );
                ExitCode::SUCCESS
            }
            Ok(None) => {
                println!("nothing to restore");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        RestoreChoice::Yes => {
            let report = match ops
                .restore_last_stop(|p| {
                    if !json {
                        print_progress(p)
                    }
                })
                .await
            {
                Ok(report) => report,
                Err(e) => return fail(e),
            };
            if json {
                let mut out = serde_json::to_value(&report).expect("reports serialise");
                out["restore"] = "yes".into();
                out["config"] = serde_json::to_value(&note).expect("notes serialise");
                print_json(&out);
            } else if report.restored.is_empty() && report.already_live.is_empty() && report.failed.is_empty() {
                println!("nothing to restore");
            } else {
                println!("restored {} session(s)", report.restored.len());
                print_failures("could not restore (kept in the record)", &report.failed);
            }
            if let Some(error) = &report.record_error {
                eprintln!("error: the restore record could not be updated: {error}");
            }
            if report.is_complete() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}

fn print_progress(progress: &RestoreProgress) {
    let (i, n, id) = (progress.index, progress.total, &progress.session.session_id);
    match &progress.step {
        RestoreStep::Restoring => {}
        RestoreStep::Restored => println!("[{i}/{n}] restored {id}"),
        RestoreStep::AlreadyLive => println!("[{i}/{n}] {id} was running already"),
        RestoreStep::Failed { .. } => println!("[{i}/{n}] {id} failed"),
    }
}

fn print_record(record: &LastStop) {
    for group in &record.projects {
        println!("  {}", group.project_id);
        for session in &group.session_ids {
            match group.errors.get(session) {
                Some(error) => println!("    {session}  (last restore failed: {error})"),
                None => println!("    {session}"),
            }
        }
    }
}

/// Failures go to stderr, each naming the session and what went wrong.
fn print_failures(what: &str, failed: &[FailedSession]) {
    if failed.is_empty() {
        return;
    }
    eprintln!("{what} {} session(s):", failed.len());
    for f in failed {
        eprintln!("  {} ({}): {}", f.session_id, f.project_id, f.error);
    }
}
