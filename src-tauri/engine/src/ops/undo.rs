//! The rollback of a failed spawn: each step that changed something pushes how to undo it, and a
//! failure runs the list in reverse. Every action undoes only what this spawn itself created.

use std::path::PathBuf;

use super::{Ops, git};
use crate::session::RuntimeHandle;

/// One thing a spawn created.
#[derive(Debug)]
pub(crate) enum UndoAction {
    /// A worktree directory `git worktree add` made for this spawn.
    Worktree { repo: PathBuf, path: PathBuf },
    /// A branch this spawn created with `-b` (never one that existed before).
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

    /// Undoes everything, last first. Returns what could not be undone, each saying what is left.
    pub async fn run(self, ops: &Ops) -> Vec<String> {
        let mut failures = Vec::new();
        for action in self.actions.into_iter().rev() {
            if let Err(left) = undo(action, ops).await {
                tracing::warn!("spawn rollback: {left}");
                failures.push(left);
            }
        }
        failures
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
            git::delete_branch(&repo, &branch).await.map_err(|e| format!("branch {branch} kept: {e}"))
        }
    }
}
