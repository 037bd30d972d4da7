//! Which two commits a scope compares (SPEC K2).
//!
//! - `branch`: the merge base of the session's HEAD with the project's base branch -> a snapshot
//!   of the worktree now. Everything the session would land.
//! - `review`: `refs/grove/<id>/reviewed` (moved by "mark reviewed" to a snapshot) -> the worktree
//!   now. What changed since the user last looked.
//! - `turn`: what the agent changed in its last turn. At each turn end the agent reports, Grove
//!   moves `turn-base` <- `turn` and `turn` <- a snapshot, so the last turn is `turn-base` ->
//!   `turn` (the merge base stands in for `turn-base` after the first turn). A turn that changed
//!   nothing moves nothing, so "last turn" is the last turn that changed files; work after the
//!   last turn end (the agent mid-turn, or the user's own edits) is not part of it. Edits the user
//!   makes between two turns do show in the next turn.

use std::path::Path;

use super::git::{ahead_behind, commit_of, grove_ref, merge_base, resolve_base};
use super::snapshot::Snapshot;
use super::types::DiffScope;
use crate::ops::Cause;

/// The base branch as the session sees it.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    /// Its name for a person (`main`, `origin/main`).
    pub label: String,
    /// The merge base of the session's HEAD (or snapshot) with the base branch.
    pub merge_base: String,
    /// Commits on the session's branch the base does not have, and the other way round.
    pub ahead: u32,
    pub behind: u32,
}

/// The project's base branch (`default_branch`, else the repository's default) and where the
/// session forked from it.
pub(crate) async fn base(dir: &Path, branch: &str, snap: &Snapshot) -> Result<Base, Cause> {
    let (label, tip) = resolve_base(dir, branch)
        .await?
        .ok_or_else(|| Cause::Invalid(format!("the base branch {branch:?} exists neither locally nor on origin")))?;
    let head = snap.head.as_deref().unwrap_or(&snap.commit);
    let (merge_base, counts) = tokio::join!(merge_base(dir, &tip, head), ahead_behind(dir, &tip, head));
    let merge_base =
        merge_base?.ok_or_else(|| Cause::Invalid(format!("the session's branch shares no history with {label}")))?;
    let (ahead, behind) = counts?;
    Ok(Base { label, merge_base, ahead, behind })
}

/// What a scope compares: `None` when its ref does not exist yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Range {
    pub from: String,
    pub to: String,
    pub label: String,
}

/// The range of `scope` for `session`.
pub(crate) async fn range(
    dir: &Path,
    session: &str,
    scope: DiffScope,
    base: &Base,
    snap: &Snapshot,
) -> Result<Option<Range>, Cause> {
    Ok(match scope {
        DiffScope::Branch => {
            Some(Range { from: base.merge_base.clone(), to: snap.commit.clone(), label: base.label.clone() })
        }
        DiffScope::Review => commit_of(dir, &grove_ref(session, "reviewed")).await?.map(|from| Range {
            from,
            to: snap.commit.clone(),
            label: "your last review".into(),
        }),
        DiffScope::Turn => match commit_of(dir, &grove_ref(session, "turn")).await? {
            None => None,
            Some(to) => {
                let before = commit_of(dir, &grove_ref(session, "turn-base")).await?;
                let label = if before.is_some() { "the turn before" } else { base.label.as_str() };
                let from = before.clone().unwrap_or_else(|| base.merge_base.clone());
                Some(Range { from, to, label: label.to_owned() })
            }
        },
    })
}
