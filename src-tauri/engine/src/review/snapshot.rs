//! Snapshots (contract of issue #19): the worktree's full state — HEAD, staged, unstaged and
//! untracked files that are not ignored — as a commit object, made with a private index of
//! Grove's. The user's index and files are never written: `git add -A` runs against the private
//! index (`GIT_INDEX_FILE`) and `write-tree` reads it.
//!
//! The private index is kept beside the worktree's own (in git's directory for that worktree,
//! so removing the worktree removes it) from one snapshot to the next: its stat data then covers
//! the untracked files too, and `add -A` only re-reads files that changed. A fresh copy of the
//! user's index hashed every untracked file again on each opening of the review (2,000 files: tens
//! of ms). When the kept index cannot be used (another process holds its lock, it is unreadable),
//! the snapshot falls back to a temporary copy, as before.
//!
//! Snapshot commits have a fixed author, committer and date, so the same state always gives the
//! same commit id: moving a ref to an unchanged worktree is then a no-op, which makes
//! `record_turn_end` idempotent without comparing trees by hand.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::git::{commit_of, git, tree_of};
use crate::ops::Cause;

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// The snapshot commit (parent: HEAD, when there is one).
    pub commit: String,
    /// Its tree.
    pub tree: String,
    /// HEAD's commit, when the branch has one.
    pub head: Option<String>,
}

/// Makes temp index names unique among the threads of one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Takes a snapshot of the worktree at `dir`.
pub(crate) async fn take(dir: &Path) -> Result<Snapshot, Cause> {
    let (head, index) = tokio::join!(commit_of(dir, "HEAD"), index_path(dir));
    let (head, index) = (head?, index?);
    let tree = match tree_with_kept_index(dir, &index).await {
        Ok(tree) => tree,
        Err(kept) => {
            tracing::debug!(worktree = %dir.display(), "snapshot without the kept index: {kept}");
            let temp = TempIndex::new(&index)?;
            tree_with_index(dir, &temp.path).await?
        }
    };
    let commit = match &head {
        // Nothing uncommitted: HEAD itself is the snapshot, and its ahead/behind is exact.
        Some(h) if tree_of(dir, h).await? == tree => h.clone(),
        _ => commit_tree(dir, &tree, head.as_deref()).await?,
    };
    Ok(Snapshot { commit, tree, head })
}

/// The kept private index's name, beside the worktree's own index.
pub(crate) const KEPT_INDEX: &str = "grove-review.index";

/// `add -A` into `index`, then its tree.
async fn tree_with_index(dir: &Path, index: &Path) -> Result<String, Cause> {
    let env_index = index.as_os_str();
    git(dir).env("GIT_INDEX_FILE", env_index).args(["add", "-A", "--", "."]).run().await?;
    Ok(git(dir).env("GIT_INDEX_FILE", env_index).args(["write-tree"]).run().await?.stdout_text())
}

/// The worktree's tree through the kept index (see the module comment), one snapshot at a time
/// per index in this process. A kept index that fails is removed: the next snapshot starts it
/// again from a copy of the user's index.
async fn tree_with_kept_index(dir: &Path, index: &Path) -> Result<String, Cause> {
    let kept = index.with_file_name(KEPT_INDEX);
    let lock = kept_lock(&kept);
    let _one_at_a_time = lock.lock().await;
    if !kept.exists() {
        // Copied under a temporary name and renamed, so a kept index is never half-written.
        let temp = TempIndex::new(index)?;
        if temp.path.exists() {
            std::fs::rename(&temp.path, &kept).map_err(|e| Cause::io("keep the snapshot index at", &kept, e))?;
        }
    }
    let tree = tree_with_index(dir, &kept).await;
    if tree.is_err() {
        let _ = std::fs::remove_file(&kept);
    }
    tree
}

/// The in-process lock of one kept index (git's own `index.lock` would make a second snapshot of
/// the same worktree fail instead of wait).
fn kept_lock(kept: &Path) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: Mutex<Option<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = Mutex::new(None);
    let mut guard = LOCKS.lock().unwrap_or_else(|p| p.into_inner());
    guard.get_or_insert_with(HashMap::new).entry(kept.to_path_buf()).or_default().clone()
}

/// `git commit-tree` with a fixed identity and date (see the module comment).
async fn commit_tree(dir: &Path, tree: &str, parent: Option<&str>) -> Result<String, Cause> {
    const WHO: &str = "Grove";
    const MAIL: &str = "grove@localhost";
    const DATE: &str = "1000000000 +0000";
    let mut cmd = git(dir)
        .env("GIT_AUTHOR_NAME", WHO)
        .env("GIT_AUTHOR_EMAIL", MAIL)
        .env("GIT_AUTHOR_DATE", DATE)
        .env("GIT_COMMITTER_NAME", WHO)
        .env("GIT_COMMITTER_EMAIL", MAIL)
        .env("GIT_COMMITTER_DATE", DATE)
        .args(["commit-tree", tree, "-m", "grove review snapshot"]);
    if let Some(parent) = parent {
        cmd = cmd.args(["-p", parent]);
    }
    Ok(cmd.run().await?.stdout_text())
}

/// The worktree's index file (a linked worktree has its own, under the main `.git`).
async fn index_path(dir: &Path) -> Result<PathBuf, Cause> {
    let out = git(dir).args(["rev-parse", "--path-format=absolute", "--git-path", "index"]).run().await?;
    let path = PathBuf::from(out.stdout_text());
    Ok(if path.is_absolute() { path } else { dir.join(path) })
}

/// A copy of the index next to it (same file system, inside git's own directory), removed on drop.
struct TempIndex {
    path: PathBuf,
}

impl TempIndex {
    fn new(index: &Path) -> Result<Self, Cause> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("grove-review-{}-{n}.index", std::process::id());
        let path = index.with_file_name(name);
        match std::fs::copy(index, &path) {
            // The copy keeps the index's modification time: git trusts an entry whose file is
            // older than the index, so a fresh time would hide a same-size edit made in the same
            // clock tick as the last `git add` (git's "racy clean" check compares against it).
            Ok(_) => {
                let kept = std::fs::metadata(index)
                    .and_then(|m| m.modified())
                    .and_then(|at| std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(at)));
                if let Err(e) = kept {
                    let _ = std::fs::remove_file(&path);
                    return Err(Cause::io("keep the modification time of", &path, e));
                }
            }
            // A fresh repository has no index yet: `add -A` builds one from nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Cause::io("copy the index to", &path, e)),
        }
        Ok(Self { path })
    }
}

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(self.path.with_extension("index.lock"));
    }
}
