//! The rollback of a failed spawn: each step that changed something pushes how to undo it, and a
//! failure runs the list in reverse. Every action undoes only what this spawn itself created.

use std::path::PathBuf;

use super::{Ops, git, group};
use crate::session::RuntimeHandle;

/// One thing a spawn created.
#[derive(Debug)]
pub(crate) enum UndoAction {
    /// A worktree directory `git worktree add` made for this spawn.
    Worktree { repo: PathBuf, path: PathBuf },
    /// A branch this spawn creates with `-b` (never one that existed before); gone already is fine.
    Branch { repo: PathBuf, branch: String },
    /// A file this spawn wrote.
    File(PathBuf),
    /// The runtime this spawn started.
    Runtime(RuntimeHandle),
}

/// The undo list of one spawn.
#[derive(Debug, Default)]
pub(crate) struct Undo {
    actions: Vec<UndoAction>,
}

impl Undo {
    /// Records how to undo something just created.
    pub fn push(&mut self, action: UndoAction) {
        self.actions.push(action);
    }

    /// Undoes everything, last first. Returns what was undone and what could not be, each
    /// failure saying what is left.
    ///
    /// It first waits (bounded) for the process groups of commands an interrupt dropped: a
    /// `post_create` still ending must not write into the worktree while it is being removed.
    pub async fn run(self, ops: &Ops) -> Rollback {
        if !group::wait_dropped_groups(group::DROP_GRACE * 3).await {
            tracing::warn!("spawn rollback: a dropped command's process group is still ending");
        }
        let mut rollback = Rollback::default();
        for action in self.actions.into_iter().rev() {
            let what = action.to_string();
            match undo(action, ops).await {
                Ok(()) => rollback.undone.push(what),
                Err(left) => {
                    tracing::warn!("spawn rollback: {left}");
                    rollback.failures.push(left);
                }
            }
        }
        rollback
    }
}

/// What a rollback did.
#[derive(Debug, Default)]
pub(crate) struct Rollback {
    /// What was undone, last made first ("worktree <path>", "branch session/proj-1").
    pub undone: Vec<String>,
    /// What could not be undone, each saying what is left behind.
    pub failures: Vec<String>,
}

impl std::fmt::Display for UndoAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UndoAction::Worktree { path, .. } => write!(f, "worktree {}", path.display()),
            UndoAction::Branch { branch, .. } => write!(f, "branch {branch}"),
            UndoAction::File(path) => write!(f, "file {}", path.display()),
            UndoAction::Runtime(handle) => write!(f, "runtime {}", handle.id),
        }
    }
}

/// Undoes one action; `Err` describes what is left behind.
async fn undo(action: UndoAction, ops: &Ops) -> Result<(), String> {
    match action {
        UndoAction::Runtime(handle) => {
            ops.stop_runtime(&handle).await.map_err(|e| format!("runtime {} still running: {e}", handle.id))
        }
        UndoAction::File(path) => match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("file {} kept: {e}", path.display())),
        },
        UndoAction::Worktree { repo, path } => {
            // `--force` is right only here: Grove created this worktree moments ago, so anything in
            // it came from this spawn (checkout, post_create output), none of it the user's.
            if let Err(e) = git::remove_worktree(&repo, &path, true).await {
                if !path.exists() {
                    return git::prune_worktrees(&repo)
                        .await
                        .map_err(|p| format!("worktree {}: {e}; {p}", path.display()));
                }
                return Err(format!("worktree {} kept: {e}", path.display()));
            }
            Ok(())
        }
        UndoAction::Branch { repo, branch } => {
            // Pushed before `worktree add -b` ran, so an interrupt may have come before git made it.
            if !git::branch_exists(&repo, &branch).await.unwrap_or(true) {
                return Ok(());
            }
            git::delete_branch(&repo, &branch).await.map_err(|e| format!("branch {branch} kept: {e}"))
        }
    }
}
