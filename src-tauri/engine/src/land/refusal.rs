//! Why a land or a reclaim refused. Every refusal is decided before anything is written.

use std::fmt;

/// A land or reclaim that did not happen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LandRefusal {
    /// The base branch does not exist in the project's repository.
    NoBase {
        /// Its name.
        base: String,
    },
    /// The checkout of the base branch has uncommitted changes to tracked files.
    BaseDirty {
        /// The base branch.
        base: String,
        /// The checkout's directory.
        checkout: String,
        /// How many entries `git status` lists.
        entries: usize,
    },
    /// The session's worktree has uncommitted work (land with `commit_uncommitted` to commit it).
    Uncommitted {
        /// How many entries `git status` lists, untracked files included.
        entries: usize,
    },
    /// The branch conflicts with the base branch in these files.
    Conflicts {
        /// The base branch.
        base: String,
        /// The conflicting files.
        files: Vec<String>,
    },
    /// The branch has no commit the base branch lacks.
    NothingToLand {
        /// The base branch.
        base: String,
    },
    /// This branch tip already landed.
    AlreadyLanded,
    /// The pull request exists but may not be merged now.
    PrNotMergeable {
        /// Its address.
        url: String,
        /// Why (checks failing, review required, conflicts, behind, ...).
        reason: String,
    },
    /// Reclaim: only a landed session's worktree is reclaimed.
    NotLanded,
    /// Reclaim: removing the worktree would lose this work.
    WouldLoseWork {
        /// What would be lost.
        what: String,
    },
}

impl LandRefusal {
    /// The contract's blocker code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            LandRefusal::NoBase { .. } => "no_base",
            LandRefusal::BaseDirty { .. } => "base_dirty",
            LandRefusal::Uncommitted { .. } => "uncommitted",
            LandRefusal::Conflicts { .. } => "conflicts",
            LandRefusal::NothingToLand { .. } => "nothing_to_land",
            LandRefusal::AlreadyLanded => "landed",
            LandRefusal::PrNotMergeable { .. } => "pr_not_mergeable",
            LandRefusal::NotLanded => "not_landed",
            LandRefusal::WouldLoseWork { .. } => "would_lose_work",
        }
    }
}

impl fmt::Display for LandRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LandRefusal::NoBase { base } => write!(f, "no_base: the base branch `{base}` does not exist"),
            LandRefusal::BaseDirty { base, checkout, entries } => write!(
                f,
                "base_dirty: `{base}` is checked out in {checkout} with {entries} uncommitted change(s); \
                 commit or stash them first"
            ),
            LandRefusal::Uncommitted { entries } => write!(
                f,
                "uncommitted: the session's worktree has {entries} uncommitted or untracked file(s); \
                 commit them (or land with --commit)"
            ),
            LandRefusal::Conflicts { base, files } => {
                write!(f, "conflicts: the branch conflicts with `{base}` in {} file(s):", files.len())?;
                for file in files {
                    write!(f, "\n{file}")?;
                }
                Ok(())
            }
            LandRefusal::NothingToLand { base } => {
                write!(f, "nothing_to_land: the branch has no commit that `{base}` lacks")
            }
            LandRefusal::AlreadyLanded => write!(f, "landed: this branch already landed"),
            LandRefusal::PrNotMergeable { url, reason } => {
                write!(f, "pr_not_mergeable: {url} cannot be merged now: {reason}")
            }
            LandRefusal::NotLanded => write!(f, "not_landed: only a landed session's worktree is reclaimed"),
            LandRefusal::WouldLoseWork { what } => {
                write!(f, "would_lose_work: removing the worktree would lose {what}")
            }
        }
    }
}
