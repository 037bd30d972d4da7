//! Landing a session's work (SPEC K4-K7): into the project's base branch locally (squash, merge
//! or rebase), or through a GitHub pull request; then the after-land policy; and reclaiming a
//! landed session's worktree.
//!
//! Rules every path keeps:
//! - Conflicts are found before anything is written, with `git merge-tree --write-tree`, which
//!   touches no worktree and no index.
//! - The result commit is built from trees (`merge-tree`, `commit-tree`), and the base branch
//!   moves only by a compare-and-swap `update-ref`: a base that moved meanwhile is never
//!   overwritten, and a failure before the swap leaves nothing behind but unreachable objects.
//! - A checkout of the base branch is refused when it has changes, and otherwise moved with the
//!   branch (a two-tree `read-tree -m -u`, what a fast-forward does), so its files and index
//!   match the new tip; if that fails, the ref is swapped back.
//! - Nothing with unlanded work is ever deleted (SPEC K6).
//!
//! Files: `git` (the git calls), `check` ([`LandCheck`], conflicts, asking the agent to resolve
//! them), `local` (the three local methods), `github` (push, `gh pr create`, `gh pr merge`),
//! `after` (the after-land policy and reclaim), `refusal` ([`LandRefusal`]).

mod after;
mod check;
mod git;
mod github;
mod local;
mod refusal;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use ts_rs::TS;

pub use after::ReclaimOutcome;
pub use check::{LandBlocker, LandCheck, PrReadiness};
pub use refusal::LandRefusal;

use crate::session::{LandCleanup, wire_enum};

wire_enum! {
    /// How a session's branch lands in the project's base branch (SPEC K4); config key `land`.
    pub enum LandMethod {
        /// One new commit on the base branch with the branch's whole change (the default).
        Squash = "squash",
        /// A merge commit whose second parent is the branch.
        Merge = "merge",
        /// The branch's commits replayed on the base branch, which is then fast-forwarded.
        Rebase = "rebase",
    }
}

impl JsonSchema for LandMethod {
    fn schema_name() -> Cow<'static, str> {
        "LandMethod".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": ["squash", "merge", "rebase"] })
    }
}

/// What a land is asked to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LandOptions {
    /// The method; `None`: the project's `land`.
    pub method: Option<LandMethod>,
    /// Through a GitHub pull request instead of locally (SPEC K5).
    pub pr: bool,
    /// Commit everything uncommitted in the worktree (untracked files included) first, instead
    /// of refusing.
    pub commit_uncommitted: bool,
}

/// What a land did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LandOutcome {
    /// The method used.
    pub method: LandMethod,
    /// The base branch.
    pub base: String,
    /// The new tip of the base branch (for a PR: the merge commit when GitHub names it, else
    /// the PR's address).
    pub commit: String,
    /// What the after-land policy did.
    pub cleanup: LandCleanup,
    /// Why a clean kept the worktree, if it did.
    pub cleanup_note: Option<String>,
    /// The pull request's address, when it landed through one.
    pub pr_url: Option<String>,
}
