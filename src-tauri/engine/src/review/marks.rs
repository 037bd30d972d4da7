//! The review's notes on [`Ops`] (SPEC K2, K3): viewed marks, comments, and sending comments,
//! which fails exactly like a send (F2), since it is one. Arguments (paths, comment ids, lines,
//! bodies) are checked before any git or disk work.

use super::comments::{check_batch, check_new, comments_message, lines_at};
use super::scope::{self, Range};
use super::target::{changes_of, failer, fresh_snapshot, side_commit};
use super::types::{Comment, NewComment, ReviewState, Side};
use super::{MAX_COMMENTS, check_comment_id, check_path};
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpStep, Ops, SendOptions, SendOutcome};

impl Ops {
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
}
