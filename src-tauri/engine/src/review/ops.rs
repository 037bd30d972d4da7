//! The review's diff operations on [`Ops`] (contract of issue #19): the summary, a file's rows,
//! and the two review refs. Each checks its arguments (paths) before any git or disk work, then
//! reads the session's record, snapshots its worktree, and compares the scope's commits. Errors
//! are [`OpError`]s of kind `review` naming the step.

use super::git::{commit_of, grove_ref, update_ref};
use super::rows::RowReader;
use super::scope;
use super::target::{changes_of, failer, fresh_snapshot, move_ref, remember_base, uncommitted};
use super::types::{DiffScope, DiffSummary, FileDiff};
use super::{MAX_PAGE_ROWS, check_path};
use crate::ids::SessionId;
use crate::ops::{OpError, OpStep, Ops};

impl Ops {
    /// The files a session changed in `scope` (SPEC K1, K2), with counts, viewed marks, and the
    /// branch's ahead/behind and uncommitted paths.
    pub async fn diff_summary(&self, session: &SessionId, scope: DiffScope) -> Result<DiffSummary, OpError> {
        let fail = failer(session);
        let target = self.review_target(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let snap = fresh_snapshot(&target).await.map_err(|c| fail(OpStep::Snapshot, c))?;
        // The uncommitted count and the rest are independent git work, and so are the file list
        // and the review state: side by side, since each git call costs more in starting a
        // process than in its work, and the review's first screen waits for all of them.
        let listed = async {
            let base = scope::base(&target.dir, &target.base_branch, &snap).await.map_err(|c| fail(OpStep::Diff, c))?;
            remember_base(&target, &snap, &base);
            let range = scope::range(&target.dir, session.as_str(), scope, &base, &snap)
                .await
                .map_err(|c| fail(OpStep::Diff, c))?;
            let Some(range) = range else { return Ok::<_, OpError>((base, None)) };
            let (changes, state) = tokio::join!(changes_of(&target, &range), self.load_state(&target));
            let changes = changes.map_err(|c| fail(OpStep::Diff, c))?;
            let state = state.map_err(|c| fail(OpStep::ReviewState, c))?;
            Ok((base, Some((range, changes, state))))
        };
        let (uncommitted, listed) = tokio::join!(uncommitted(&target, &snap), listed);
        let uncommitted = uncommitted.map_err(|c| fail(OpStep::Diff, c))?;
        let (base, listed) = listed?;
        let mut summary = DiffSummary {
            session: session.to_string(),
            scope,
            base_label: listed.as_ref().map_or_else(|| base.label.clone(), |(r, _, _)| r.label.clone()),
            base_commit: String::new(),
            head_commit: snap.commit.clone(),
            ahead: base.ahead,
            behind: base.behind,
            uncommitted,
            files: Vec::new(),
            additions: 0,
            deletions: 0,
            scope_available: listed.is_some(),
        };
        let Some((range, changes, state)) = listed else { return Ok(summary) };
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
        let (target, range, change) = self.changed_file(session, scope, path).await?;
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
        let turn = commit_of(&target.dir, &turn_ref).await.map_err(|c| fail(OpStep::Snapshot, c.into()))?;
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
}
