//! What a kill does with the session's worktree (SPEC F3): remove it only when nothing in it
//! would be lost (no uncommitted changes, untracked files included, and no unpushed commits),
//! or when the user asked to discard it. Only a worktree Grove made, in its own place under
//! `GROVE_HOME`, is ever removed; the branch is always kept.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::{Ops, git};
use crate::session::SessionRecord;

/// Why a worktree was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeptReason {
    /// `git status` lists changed or untracked files.
    UncommittedChanges {
        /// How many entries it lists.
        entries: usize,
    },
    /// HEAD has commits on no remote branch and not on the default branch.
    UnpushedCommits {
        /// How many.
        commits: u64,
    },
    /// The record points somewhere Grove did not create, or git does not know it as a worktree.
    NotGroveManaged {
        /// The path in the record.
        #[ts(type = "string")]
        path: PathBuf,
    },
    /// Checking or removing failed; kept because keeping loses nothing.
    CheckFailed {
        /// What failed.
        error: String,
    },
}

impl fmt::Display for KeptReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeptReason::UncommittedChanges { entries } => write!(f, "{entries} uncommitted or untracked file(s)"),
            KeptReason::UnpushedCommits { commits } => write!(f, "{commits} unpushed commit(s)"),
            KeptReason::NotGroveManaged { path } => write!(f, "{} is not a worktree Grove created", path.display()),
            KeptReason::CheckFailed { error } => write!(f, "could not check it: {error}"),
        }
    }
}

/// What happened to the worktree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorktreeOutcome {
    /// It was removed (the branch is kept).
    Removed,
    /// It was kept, for this reason.
    Kept {
        /// Why.
        reason: KeptReason,
    },
    /// It was already gone.
    Missing,
}

impl Ops {
    /// Removes `record`'s worktree if it holds no work, or in any case with `discard`.
    pub(crate) async fn settle_worktree(&self, record: &SessionRecord, discard: bool) -> WorktreeOutcome {
        let path = record.worktree.as_path();
        if !path.exists() {
            return WorktreeOutcome::Missing;
        }
        let kept = |reason| WorktreeOutcome::Kept { reason };
        let Some(project) = self.config.project(&record.project_id) else {
            return kept(KeptReason::CheckFailed {
                error: format!("project {} is not in the config", record.project_id),
            });
        };
        let own_place = self.store.home().worktree_dir(&record.project_id, &record.id);
        match self.is_managed(&project.path, path, &own_place).await {
            Ok(true) => {}
            Ok(false) => return kept(KeptReason::NotGroveManaged { path: path.to_owned() }),
            Err(error) => return kept(KeptReason::CheckFailed { error }),
        }
        if !discard {
            match work_in(path, &project.default_branch).await {
                Ok(None) => {}
                Ok(Some(reason)) => return kept(reason),
                Err(error) => return kept(KeptReason::CheckFailed { error }),
            }
        }
        // Without `discard`, no `--force`: git refuses on its own if something changed since the
        // check, a second guard against losing work.
        match git::remove_worktree(&project.path, path, discard).await {
            Ok(()) => WorktreeOutcome::Removed,
            Err(e) => kept(KeptReason::CheckFailed { error: e.to_string() }),
        }
    }

    /// Whether `path` is Grove's own place for the session and a registered worktree of `repo`.
    async fn is_managed(&self, repo: &Path, path: &Path, own_place: &Path) -> Result<bool, String> {
        let same = |a: &Path, b: &Path| a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b);
        if !same(path, own_place) {
            return Ok(false);
        }
        git::is_registered_worktree(repo, path).await.map_err(|e| e.to_string())
    }
}

/// The work in `worktree` that removing it would lose, if any.
async fn work_in(worktree: &Path, default_branch: &str) -> Result<Option<KeptReason>, String> {
    let entries = git::uncommitted_entries(worktree).await.map_err(|e| e.to_string())?;
    if entries > 0 {
        return Ok(Some(KeptReason::UncommittedChanges { entries }));
    }
    let commits = git::unpushed_commits(worktree, default_branch).await.map_err(|e| e.to_string())?;
    Ok((commits > 0).then_some(KeptReason::UnpushedCommits { commits }))
}
