//! The review's operations on [`Ops`] (contract of issue #19). Each checks its arguments (paths,
//! comment ids, lines) before any git or disk work, then reads the session's record, snapshots its
//! worktree, and compares the scope's commits. Errors are [`OpError`]s of kind `review` naming the
//! step; sending comments fails exactly like a send (F2), since it is one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::comments::{check_batch, check_new, comments_message, lines_at};
use super::git::{grove_ref, tree_of, update_ref};
use super::rows::RowReader;
use super::scope::{self, Base, Range};
use super::snapshot::{self, Snapshot};
use super::state::{self, StateFile};
use super::summary::{self, Changes};
use super::types::{Comment, DiffScope, DiffSummary, FileDiff, NewComment, ReviewState, Side};
use super::{MAX_COMMENTS, MAX_PAGE_ROWS, check_comment_id, check_path};
use crate::config::DEFAULT_BRANCH;
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops, SendOptions, SendOutcome};
use crate::session::SessionRecord;

/// How long a snapshot serves the pages of a file diff: scrolling one file reads one version of
/// it (and costs no `git add -A` per page), while a page asked for later sees the worktree anew.
const PAGE_SNAPSHOT_TTL: Duration = Duration::from_secs(2);

/// The last snapshot of each worktree and when it was taken, for [`PAGE_SNAPSHOT_TTL`].
static SNAPSHOTS: Mutex<Option<HashMap<PathBuf, (Instant, Snapshot)>>> = Mutex::new(None);

/// What every review operation starts from.
struct Target {
    record: SessionRecord,
    dir: PathBuf,
    base_branch: String,
}

impl Ops {
    /// The files a session changed in `scope` (SPEC K1, K2), with counts, viewed marks, and the
    /// branch's ahead/behind and uncommitted paths.
    pub async fn diff_summary(&self, session: &SessionId, scope: DiffScope) -> Result<DiffSummary, OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
        let range = scope::range(&target.dir, session.as_str(), scope, &base, &snap)
            .await
            .map_err(|c| fail(OpStep::Diff, c))?;
        let uncommitted = uncommitted(&target, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
        let mut summary = DiffSummary {
            session: session.to_string(),
            scope,
            base_label: range.as_ref().map_or_else(|| base.label.clone(), |r| r.label.clone()),
            base_commit: String::new(),
            head_commit: snap.commit.clone(),
            ahead: base.ahead,
            behind: base.behind,
            uncommitted,
            files: Vec::new(),
            additions: 0,
            deletions: 0,
            scope_available: range.is_some(),
        };
        let Some(range) = range else { return Ok(summary) };
        let changes = changes_of(&target, &range).await.map_err(|c| fail(OpStep::Diff, c))?;
        let state = self.load_state(&target).await.map_err(|c| fail(OpStep::ReviewState, c))?;
        summary.base_commit = range.from;
        summary.head_commit = range.to;
        summary.additions = changes.additions;
        summary.deletions = changes.deletions;
        summary.files = changes
            .files
            .iter()
            .map(|c| {
                let mut file = c.file.clone();
                file.viewed = state.viewed.get(&file.path) == Some(&c.new_blob);
                file
            })
            .collect();
        Ok(summary)
    }

    /// Rows `offset..offset + limit` of one file's diff in `scope` (at most [`MAX_PAGE_ROWS`]).
    pub async fn file_diff(
        &self,
        session: &SessionId,
        scope: DiffScope,
        path: &str,
        offset: u32,
        limit: u32,
    ) -> Result<FileDiff, OpError> {
        let fail = failer(session);
        check_path(path).map_err(|c| fail(OpStep::Validate, c))?;
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = page_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
        let range = scope::range(&target.dir, session.as_str(), scope, &base, &snap)
            .await
            .map_err(|c| fail(OpStep::Diff, c))?
            .ok_or_else(|| fail(OpStep::Diff, Cause::Invalid(format!("the {scope} scope has no change yet"))))?;
        let changes = changes_of(&target, &range).await.map_err(|c| fail(OpStep::Diff, c))?;
        let change =
            changes.files.iter().find(|c| c.file.path == path).ok_or_else(|| {
                fail(OpStep::Diff, Cause::Invalid(format!("{path:?} is not part of the {scope} change")))
            })?;
        let mut reader = RowReader::new(offset, limit.min(MAX_PAGE_ROWS));
        let cmd = match &change.file.old_path {
            // A rename or copy: the two blobs, so the patch is the content change, not a whole
            // file added (a pathspec of both names could also pick up an unrelated change).
            Some(_) => super::git::git(&target.dir).args([
                "diff",
                "--no-ext-diff",
                "--no-textconv",
                "--no-color",
                "-U3",
                &change.old_blob,
                &change.new_blob,
            ]),
            None => super::git::git(&target.dir).args([
                "diff-tree",
                "-r",
                "-p",
                "--no-color",
                "-U3",
                "--full-index",
                &range.from,
                &range.to,
                "--",
                path,
            ]),
        };
        cmd.stream(|chunk| {
            reader.feed(chunk);
            true
        })
        .await
        .map_err(|e| fail(OpStep::Diff, e.into()))?;
        reader.finish();
        let huge = reader.huge() || change.file.huge;
        Ok(FileDiff {
            path: path.to_owned(),
            total_rows: reader.total_rows,
            offset,
            binary: change.file.binary || reader.binary,
            huge,
            rows: reader.rows,
        })
    }

    /// The session's comments (each with `outdated` computed now) and the paths whose viewed mark
    /// still matches the file (SPEC K2, K3).
    pub async fn review_state(&self, session: &SessionId) -> Result<ReviewState, OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let state = self.load_state(&target).await.map_err(|c| fail(OpStep::ReviewState, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
        let branch = Range { from: base.merge_base.clone(), to: snap.commit.clone(), label: String::new() };
        let changes = changes_of(&target, &branch).await.map_err(|c| fail(OpStep::Diff, c))?;
        let viewed = state
            .viewed
            .iter()
            .filter(|(path, blob)| changes.files.iter().any(|c| &c.file.path == *path && &c.new_blob == *blob))
            .map(|(path, _)| path.clone())
            .collect();
        let mut comments = state.comments;
        for comment in &mut comments {
            let commit = side_commit(comment.side, &snap, &base);
            let now = lines_at(&target.dir, commit, &comment.path, comment.line, comment.end_line)
                .await
                .map_err(|c| fail(OpStep::Diff, c))?;
            comment.outdated = now.as_deref() != Some(comment.snippet.as_str());
        }
        Ok(ReviewState { comments, viewed })
    }

    /// Marks `path` viewed as it is now (its blob in the worktree), or clears the mark (SPEC K2).
    pub async fn set_viewed(&self, session: &SessionId, path: &str, viewed: bool) -> Result<(), OpError> {
        let fail = failer(session);
        check_path(path).map_err(|c| fail(OpStep::Validate, c))?;
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let blob = if viewed {
            let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
            let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
            let branch = Range { from: base.merge_base, to: snap.commit.clone(), label: String::new() };
            let changes = changes_of(&target, &branch).await.map_err(|c| fail(OpStep::Diff, c))?;
            let change = changes.files.iter().find(|c| c.file.path == path);
            let why = || Cause::Invalid(format!("{path:?} is not part of the session's change"));
            Some(change.ok_or_else(why).map_err(|c| fail(OpStep::Validate, c))?.new_blob.clone())
        } else {
            None
        };
        let path = path.to_owned();
        self.change_state(&target, move |state| {
            match blob {
                Some(blob) => state.viewed.insert(path, blob),
                None => state.viewed.remove(&path),
            };
            Ok(())
        })
        .await
        .map_err(|c| fail(OpStep::ReviewState, c))
    }

    /// Adds a comment on lines of a file; the snippet is read from the file (the worktree for the
    /// new side, the merge base for the old side) and anchors the comment (SPEC K3).
    pub async fn add_comment(&self, session: &SessionId, new: NewComment) -> Result<Comment, OpError> {
        let fail = failer(session);
        check_path(&new.path).map_err(|c| fail(OpStep::Validate, c))?;
        check_new(new.line, new.end_line, &new.body).map_err(|c| fail(OpStep::Validate, c))?;
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
        let commit = side_commit(new.side, &snap, &base);
        let snippet = lines_at(&target.dir, commit, &new.path, new.line, new.end_line)
            .await
            .map_err(|c| fail(OpStep::Diff, c))?
            .ok_or_else(|| {
                let side = if new.side == Side::New { "new" } else { "old" };
                let why = format!("{:?} has no lines {}-{} on the {side} side", new.path, new.line, new.end_line);
                fail(OpStep::Validate, Cause::Invalid(why))
            })?;
        let comment = Comment {
            id: uuid::Uuid::new_v4().to_string(),
            path: new.path,
            line: new.line,
            end_line: new.end_line,
            side: new.side,
            snippet,
            body: new.body,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            sent_at: None,
            outdated: false,
        };
        let stored = comment.clone();
        self.change_state(&target, move |state| {
            if state.comments.len() >= MAX_COMMENTS {
                return Err(Cause::Invalid(format!("a session keeps at most {MAX_COMMENTS} comments")));
            }
            state.comments.push(stored);
            Ok(())
        })
        .await
        .map_err(|c| fail(OpStep::ReviewState, c))?;
        Ok(comment)
    }

    /// Deletes a comment.
    pub async fn delete_comment(&self, session: &SessionId, comment_id: &str) -> Result<(), OpError> {
        let fail = failer(session);
        check_comment_id(comment_id).map_err(|c| fail(OpStep::Validate, c))?;
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let id = comment_id.to_owned();
        self.change_state(&target, move |state| {
            let before = state.comments.len();
            state.comments.retain(|c| c.id != id);
            if state.comments.len() == before { Err(Cause::Invalid(format!("no comment {id}"))) } else { Ok(()) }
        })
        .await
        .map_err(|c| fail(OpStep::ReviewState, c))
    }

    /// Sends every unsent comment to the agent as one message through [`Ops::send_with`] (F2: a
    /// stopped session is restored, a dialog refuses, the 10,000-character limit holds), then
    /// marks them sent; a failed send marks nothing (SPEC K3).
    pub async fn send_comments(&self, session: &SessionId) -> Result<SendOutcome, OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let state = self.load_state(&target).await.map_err(|c| fail(OpStep::ReviewState, c))?;
        let unsent: Vec<Comment> = state.comments.into_iter().filter(|c| c.sent_at.is_none()).collect();
        if unsent.is_empty() {
            return Err(fail(OpStep::Validate, Cause::Invalid("there are no unsent comments".into())));
        }
        let message = comments_message(&unsent);
        check_batch(&message, unsent.len()).map_err(|c| fail(OpStep::Validate, c))?;
        let outcome = self.send_with(session, &message, SendOptions::default()).await?;
        let sent_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let ids: Vec<String> = unsent.into_iter().map(|c| c.id).collect();
        self.change_state(&target, move |state| {
            for comment in state.comments.iter_mut().filter(|c| ids.contains(&c.id)) {
                comment.sent_at = Some(sent_at.clone());
            }
            Ok(())
        })
        .await
        .map_err(|c| fail(OpStep::ReviewState, c))?;
        Ok(outcome)
    }

    /// Moves `refs/grove/<id>/reviewed` to a snapshot of the worktree now: the `review` scope then
    /// starts here (SPEC K2).
    pub async fn mark_reviewed(&self, session: &SessionId) -> Result<(), OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        move_ref(&target, &grove_ref(session.as_str(), "reviewed"), &snap.commit)
            .await
            .map_err(|c| fail(OpStep::Snapshot, c))
    }

    /// The agent reported a turn end: `turn-base` <- `turn`, `turn` <- a snapshot now (SPEC K2).
    /// Nothing moves when the worktree is as the last turn left it, so calling it twice for one
    /// turn end, or for a turn that changed nothing, keeps the last turn that changed files.
    pub async fn record_turn_end(&self, session: &SessionId) -> Result<(), OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        let turn_ref = grove_ref(session.as_str(), "turn");
        let turn = super::git::commit_of(&target.dir, &turn_ref).await.map_err(|c| fail(OpStep::Snapshot, c.into()))?;
        if turn.as_deref() == Some(snap.commit.as_str()) {
            return Ok(());
        }
        if let Some(turn) = &turn {
            move_ref(&target, &grove_ref(session.as_str(), "turn-base"), turn)
                .await
                .map_err(|c| fail(OpStep::Snapshot, c))?;
        }
        update_ref(&target.dir, &turn_ref, &snap.commit, turn.as_deref())
            .await
            .map_err(|c| fail(OpStep::Snapshot, c.into()))
    }

    /// The record, its worktree (which must exist) and the project's base branch.
    async fn review_target(&self, session: &SessionId) -> Result<Target, Cause> {
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
    fn state_path(&self, target: &Target) -> PathBuf {
        self.store().home().review_file(&target.record.project_id, &target.record.id)
    }

    async fn load_state(&self, target: &Target) -> Result<StateFile, Cause> {
        let path = self.state_path(target);
        tokio::task::spawn_blocking(move || state::load(&path))
            .await
            .map_err(|e| Cause::Task(e.to_string()))?
            .map_err(Cause::Store)
    }

    /// Read-modify-write of the state file under its lock, on the blocking pool. `change`
    /// refusing leaves the file as it was.
    async fn change_state(
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
fn failer(session: &SessionId) -> impl Fn(OpStep, Cause) -> OpError + '_ {
    move |step, cause| OpError { op: OpKind::Review, session: session.clone(), step, cause }
}

/// A new snapshot of the target's worktree, remembered for [`page_snapshot`].
async fn fresh_snapshot(target: &Target) -> Result<Snapshot, Cause> {
    let snap = snapshot::take(&target.dir).await?;
    let mut guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    map.retain(|_, (at, _)| at.elapsed() < PAGE_SNAPSHOT_TTL);
    map.insert(target.dir.clone(), (Instant::now(), snap.clone()));
    Ok(snap)
}

/// The snapshot a page reads: the last one of this worktree when it is recent, else a new one.
async fn page_snapshot(target: &Target) -> Result<Snapshot, Cause> {
    let recent = {
        let guard = SNAPSHOTS.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .and_then(|m| m.get(&target.dir))
            .filter(|(at, _)| at.elapsed() < PAGE_SNAPSHOT_TTL)
            .map(|(_, s)| s.clone())
    };
    match recent {
        Some(snap) => Ok(snap),
        None => fresh_snapshot(target).await,
    }
}

/// The changes of a range, from the cache when its trees were compared before.
async fn changes_of(target: &Target, range: &Range) -> Result<Arc<Changes>, Cause> {
    let from = tree_of(&target.dir, &range.from).await?;
    let to = tree_of(&target.dir, &range.to).await?;
    summary::changes(&target.dir, &from, &to).await
}

/// Paths with uncommitted changes, untracked files included: HEAD's tree against the snapshot's.
async fn uncommitted(target: &Target, snap: &Snapshot) -> Result<u32, Cause> {
    let Some(head) = &snap.head else {
        return Ok(0);
    };
    if *head == snap.commit {
        return Ok(0);
    }
    let from = tree_of(&target.dir, head).await?;
    let changes = summary::changes(&target.dir, &from, &snap.tree).await?;
    Ok(u32::try_from(changes.files.len()).unwrap_or(u32::MAX))
}

/// The commit a comment's side reads its lines from.
fn side_commit<'a>(side: Side, snap: &'a Snapshot, base: &'a Base) -> &'a str {
    match side {
        Side::New => &snap.commit,
        Side::Old => &base.merge_base,
    }
}

/// Moves `refname` to `to`, checked against where it pointed (`update-ref`'s old value).
async fn move_ref(target: &Target, refname: &str, to: &str) -> Result<(), Cause> {
    let current = super::git::commit_of(&target.dir, refname).await?;
    if current.as_deref() == Some(to) {
        return Ok(());
    }
    Ok(update_ref(&target.dir, refname, to, current.as_deref()).await?)
}
