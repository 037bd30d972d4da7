//! `grove land ID [--squash|--merge|--rebase] [--pr] [--commit] [--json]` and `grove reclaim ID`
//! (ARCHITECTURE §3.5, SPEC K4-K7): thin adapters over `Ops::land` and `Ops::reclaim`. What
//! landed, the new commit and the cleanup go to stdout (or one JSON document); a refusal goes to
//! stderr with its reason (conflicting files one per line) and exit 1.

use std::process::ExitCode;

use grove_engine::config::ConfigSources;
use grove_engine::disk::human_bytes;
use grove_engine::home::GroveHome;
use grove_engine::land::{LandMethod, LandOptions};
use grove_engine::ops::Interrupt;
use grove_engine::session::LandCleanup;

use super::ops::{session_id, session_ops};
use super::report;

/// What `grove land` was asked, as typed.
pub struct LandArgs {
    pub id: String,
    pub method: Option<LandMethod>,
    pub pr: bool,
    pub commit: bool,
    pub json: bool,
}

pub async fn land(home: &GroveHome, sources: &ConfigSources, args: LandArgs, interrupt: Interrupt) -> ExitCode {
    let id = match session_id(&args.id) {
        Ok(id) => id,
        Err(code) => return code,
    };
    let options = LandOptions { method: args.method, pr: args.pr, commit_uncommitted: args.commit };
    let landed = session_ops(home, sources, interrupt).land(&id, options).await;
    report(landed, args.json, |outcome| {
        match &outcome.pr_url {
            Some(url) => println!("landed {id} in {} through {url} ({})", outcome.base, outcome.method),
            None => println!("landed {id} in {} by {}: {}", outcome.base, outcome.method, outcome.commit),
        }
        let cleanup = match outcome.cleanup {
            LandCleanup::Kept => "agent and worktree kept",
            LandCleanup::Stopped => "agent stopped, worktree kept",
            LandCleanup::Cleaned => "agent stopped, worktree removed",
            LandCleanup::CleanSkipped => "worktree kept",
        };
        match &outcome.cleanup_note {
            Some(note) => println!("cleanup: {cleanup}: {note}"),
            None => println!("cleanup: {cleanup}"),
        }
    })
}

pub async fn reclaim(
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
    report(session_ops(home, sources, interrupt).reclaim(&id).await, json, |outcome| {
        if outcome.removed {
            println!("reclaimed {id}: worktree removed, {} freed", human_bytes(outcome.bytes_freed));
        } else {
            println!("reclaimed {id}: the worktree was already gone");
        }
    })
}
