//! What every review operation starts from: the session's record and worktree, a snapshot of
//! it (reused for [`PAGE_SNAPSHOT_TTL`] by pages of a file), the changes of a range, and the
//! state file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::git::{commit_of, git, tree_of, update_ref};
use super::scope::{self, Base, Range};
use super::snapshot::{self, Snapshot};
use super::state::{self, StateFile};
use super::summary::{self, Change, Changes};
use super::types::{DiffScope, Side};
use crate::config::DEFAULT_BRANCH;
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops};
use crate::session::SessionRecord;

/// How long a snapshot serves the pages of a file diff: scrolling one file reads one version of
/// it (and costs no `git add -A` per page), while a page asked for later sees the worktree anew.
const PAGE_SNAPSHOT_TTL: Duration = Duration::from_secs(2);

/// The last snapshot of each worktree and when it was taken, for [`PAGE_SNAPSHOT_TTL`].
/// With the snapshot, the base it was compared with once a page needed it: the pages of a whole
/// diff (`grove diff` reads every file) then cost one git call each, not six.
static SNAPSHOTS: Mutex<Option<HashMap<PathBuf, Recent>>> = Mutex::new(None);

/// A snapshot, when it was taken, and its base once known.
type Recent = (Instant, Snapshot, Option<Base>);

/// What every review operation starts from.
pub(super) struct Target {
    pub record: SessionRecord,
    pub dir: PathBuf,
    pub base_branch: String,
}

impl Ops {
    /// The changed file `path` of `scope`, with the worktree and the range a page or an expander
    /// of it reads from (the snapshot and base of the summary just shown, see [`page_context`]).
    pub(super) async fn changed_file(
        &self,
        session: &SessionId,
        scope: DiffScope,
        path: &str,
    ) -> Result<(Target, Range, Change), OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let (snap, base) = page_context(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let range = scope::range(&target.dir, session.as_str(), scope, &base, &snap)
            .await
            .map_err(|c| fail(OpStep::Diff, c))?
            .ok_or_else(|| fail(OpStep::Diff, Cause::Invalid(format!("the {scope} scope has no change yet"))))?;
        let changes = changes_of(&target, &range).await.map_err(|c| fail(OpStep::Diff, c))?;
        let change =
            changes.files.iter().find(|c| c.file.path == path).cloned().ok_or_else(|| {
                fail(OpStep::Diff, Cause::Invalid(format!("{path:?} is not part of the {scope} change")))
            })?;
        Ok((target, range, change))
    }

    /// The record, its worktree (which must exist) and the project's base branch.
    pub(super) async fn review_target(&self, session: &SessionId) -> Result<Target, Cause> {
        let store = self.store().clone();
        let id = session.clone();
        let record =
            tokio::task::spawn_blocking(move || store.find(&id)).await.map_err(|e| Cause::Task(e.to_string()))??;
        let dir = record.worktree.clone();
        if !dir.join(".git").exists() {
            let why = format!("the session's worktree {} is gone; there is nothing to review", dir.display());
            return Err(Cause::Invalid(why));
        }
        let base_branch = self
            .config()
            .project(&record.project_id)
            .map_or_else(|| DEFAULT_BRANCH.to_owned(), |p| p.default_branch.clone());
        Ok(Target { record, dir, base_branch })
    }

    /// The review state file of the target.
    pub(super) fn state_path(&self, target: &Target) -> PathBuf {
        self.store().home().review_file(&target.record.project_id, &target.record.id)
    }

    pub(super) async fn load_state(&self, target: &Target) -> Result<StateFile, Cause> {
        let path = self.state_path(target);
        tokio::task::spawn_blocking(move || state::load(&path))
            .await
            .map_err(|e| Cause::Task(e.to_string()))?
            .map_err(Cause::Store)
    }

    /// Read-modify-write of the state file under its lock, on the blocking pool. `change`
    /// refusing leaves the file as it was.
    pub(super) async fn change_state(
        &self,
        target: &Target,
        change: impl FnOnce(&mut StateFile) -> Result<(), Cause> + Send + 'static,
    ) -> Result<(), Cause> {
        let path = self.state_path(target);
        let policy = *self.store().lock_policy();
        let result = tokio::task::spawn_blocking(move || {
            let mut refused = None;
            let written = state::update_if(&path, &policy, |state| match change(state) {
                Ok(()) => true,
                Err(cause) => {
                    refused = Some(cause);
                    false
                }
            });
            (written, refused)
        })
        .await
        .map_err(|e| Cause::Task(e.to_string()))?;
        match result {
            (_, Some(cause)) => Err(cause),
            (Err(e), None) => Err(Cause::Store(e)),
            (Ok(()), None) => Ok(()),
        }
    }
}

/// Builds the error of a review operation on `session`.
pub(super) fn failer(session: &SessionId) -> impl Fn(OpStep, Cause) -> OpError + '_ {
    move |step, cause| OpError { op: OpKind::Review, session: session.clone(), step, cause }
}

/// A new snapshot of the target's worktree, remembered for [`page_context`].
pub(super) async fn fresh_snapshot(target: &Target) -> Result<Snapshot, Cause> {
    let snap = snapshot::take(&target.dir).await?;
    remember(target, snap.clone(), None);
    Ok(snap)
}

/// Remembers the base computed for `snap`, so the pages that follow a summary (the first one is
/// asked for as the summary arrives) need no git call to find it again.
pub(super) fn remember_base(target: &Target, snap: &Snapshot, base: &Base) {
    let mut guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(entry) = guard.get_or_insert_with(HashMap::new).get_mut(&target.dir)
        && entry.1 == *snap
        && entry.2.is_none()
    {
        entry.2 = Some(base.clone());
    }
}

fn remember(target: &Target, snap: Snapshot, base: Option<Base>) {
    let mut guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    map.retain(|_, (at, _, _)| at.elapsed() < PAGE_SNAPSHOT_TTL);
    map.insert(target.dir.clone(), (Instant::now(), snap, base));
}

/// The snapshot and base a page reads: the last ones of this worktree when recent, else new ones.
pub(super) async fn page_context(target: &Target) -> Result<(Snapshot, Base), Cause> {
    let recent = {
        let guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().and_then(|m| m.get(&target.dir)).filter(|(at, _, _)| at.elapsed() < PAGE_SNAPSHOT_TTL).cloned()
    };
    match recent {
        Some((_, snap, Some(base))) => Ok((snap, base)),
        Some((at, snap, None)) => {
            let base = scope::base(&target.dir, &target.base_branch, &snap).await?;
            let mut guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(entry) = guard.get_or_insert_with(HashMap::new).get_mut(&target.dir)
                && entry.0 == at
            {
                entry.2 = Some(base.clone());
            }
            Ok((snap, base))
        }
        None => {
            let snap = snapshot::take(&target.dir).await?;
            let base = scope::base(&target.dir, &target.base_branch, &snap).await?;
            remember(target, snap.clone(), Some(base.clone()));
            Ok((snap, base))
        }
    }
}

/// The changes of a range, from the cache when its trees were compared before.
pub(super) async fn changes_of(target: &Target, range: &Range) -> Result<Arc<Changes>, Cause> {
    let from = tree_of(&target.dir, &range.from).await?;
    let to = tree_of(&target.dir, &range.to).await?;
    summary::changes(&target.dir, &from, &to).await
}

/// Paths with uncommitted changes, untracked files included: HEAD's tree against the snapshot's.
/// Names only (no rename detection, no line counts), so git compares tree entries and never reads
/// a blob: a rename counts as its two paths.
pub(super) async fn uncommitted(target: &Target, snap: &Snapshot) -> Result<u32, Cause> {
    let Some(head) = &snap.head else {
        return Ok(0);
    };
    if *head == snap.commit {
        return Ok(0);
    }
    let mut count = 0u32;
    git(&target.dir)
        .args(["diff-tree", "-r", "-z", "--name-only", "--no-renames", head.as_str(), snap.commit.as_str()])
        .stream(|chunk| {
            let nuls = chunk.iter().filter(|b| **b == 0).count();
            count = count.saturating_add(u32::try_from(nuls).unwrap_or(u32::MAX));
            true
        })
        .await?;
    Ok(count)
}

/// The commit a comment's side reads its lines from.
pub(super) fn side_commit<'a>(side: Side, snap: &'a Snapshot, base: &'a Base) -> &'a str {
    match side {
        Side::New => &snap.commit,
        Side::Old => &base.merge_base,
    }
}

/// Moves `refname` to `to`, checked against where it pointed (`update-ref`'s old value).
pub(super) async fn move_ref(target: &Target, refname: &str, to: &str) -> Result<(), Cause> {
    let current = commit_of(&target.dir, refname).await?;
    if current.as_deref() == Some(to) {
        return Ok(());
    }
    Ok(update_ref(&target.dir, refname, to, current.as_deref()).await?)
}
