//! The review's wire types (contract of issue #19): what the review panel and `grove diff --json`
//! receive. camelCase on the wire, declared to TypeScript through ts-rs like every other payload.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::session::wire_enum::wire_enum;

wire_enum! {
    /// Which change a review shows (SPEC K2).
    pub enum DiffScope {
        /// The whole branch: merge base with the base branch -> the worktree now.
        Branch = "branch",
        /// Since the user last marked the review done: `refs/grove/<id>/reviewed` -> the worktree now.
        Review = "review",
        /// The agent's last turn that changed something: `turn-base` (or the merge base) -> `turn`.
        Turn = "turn",
    }
}

impl std::str::FromStr for DiffScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| format!("unknown scope {s:?}"))
    }
}

wire_enum! {
    /// How one path changed.
    pub enum ChangeStatus {
        /// A new file.
        Added = "added",
        /// Contents or mode changed.
        Modified = "modified",
        /// The file is gone.
        Deleted = "deleted",
        /// Moved (possibly with changes); `oldPath` names where it was.
        Renamed = "renamed",
        /// Copied from `oldPath` (possibly with changes), which still exists.
        Copied = "copied",
        /// Its type changed (file <-> symlink <-> submodule).
        TypeChanged = "type_changed",
    }
}

wire_enum! {
    /// One row of a file's diff.
    pub enum RowKind {
        /// A hunk header (`@@ -a,b +c,d @@ context`), in `text`.
        Hunk = "hunk",
        /// A line both sides have.
        Context = "context",
        /// A line only the new side has.
        Add = "add",
        /// A line only the old side has.
        Del = "del",
        /// git's "\ No newline at end of file" after the line above.
        NoNewline = "no_newline",
    }
}

wire_enum! {
    /// Which side of the diff a comment is on.
    pub enum Side {
        /// The new (worktree) side.
        New = "new",
        /// The old (base) side.
        Old = "old",
    }
}

/// The change of one session, in one scope (SPEC K1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    /// The session.
    pub session: String,
    /// The scope shown.
    pub scope: DiffScope,
    /// What the change is against, for a person: `main`, `your last review`, `the turn before`.
    pub base_label: String,
    /// The commit the change starts from (empty when the scope is not available).
    pub base_commit: String,
    /// The commit it ends at: a snapshot of the worktree (or the `turn` snapshot).
    pub head_commit: String,
    /// Commits on the session's branch that the base branch does not have.
    pub ahead: u32,
    /// Commits on the base branch that the session's branch does not have.
    pub behind: u32,
    /// Paths with uncommitted changes in the worktree, untracked files included.
    pub uncommitted: u32,
    /// Every changed path, sorted by path.
    pub files: Vec<FileChange>,
    /// Lines added over all text files.
    pub additions: u32,
    /// Lines deleted over all text files.
    pub deletions: u32,
    /// False when the scope's ref does not exist yet (no review done, no turn ended): `files` is
    /// then empty.
    pub scope_available: bool,
}

/// One changed path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    /// The path (the new one for a rename or copy).
    pub path: String,
    /// Where a renamed or copied file came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub old_path: Option<String>,
    /// How it changed.
    pub status: ChangeStatus,
    /// Lines added; `null` for a binary file.
    pub additions: Option<u32>,
    /// Lines deleted; `null` for a binary file.
    pub deletions: Option<u32>,
    /// git sees it as binary.
    pub binary: bool,
    /// The mode before (`100644`), when it changed or the file was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub old_mode: Option<String>,
    /// The mode after, when it changed or the file was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub new_mode: Option<String>,
    /// The user marked this version of the file viewed (SPEC K2).
    pub viewed: bool,
    /// Too large to show whole (over 20,000 changed lines, or a side over 4 MB): its rows come
    /// only page by page, on request.
    pub huge: bool,
    /// The size in bytes before the change; `null` for an added file (or a submodule).
    #[ts(type = "number | null")]
    pub old_size: Option<u64>,
    /// The size in bytes after the change; `null` for a deleted file (or a submodule).
    #[ts(type = "number | null")]
    pub new_size: Option<u64>,
}

/// One page of a file's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileDiff {
    /// The path.
    pub path: String,
    /// Rows in the whole diff of the file.
    pub total_rows: u32,
    /// The first row of this page.
    pub offset: u32,
    /// The rows from `offset`, at most the page's limit.
    pub rows: Vec<DiffRow>,
    /// git sees it as binary: no rows.
    pub binary: bool,
    /// Too large to show whole.
    pub huge: bool,
}

/// One row of a file's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffRow {
    /// What the row is.
    pub kind: RowKind,
    /// Its line number on the old side.
    pub old: Option<u32>,
    /// Its line number on the new side.
    pub new: Option<u32>,
    /// The line without its `+`/`-`/` ` marker (the header for a hunk row), at most 2,000
    /// characters.
    pub text: String,
    /// The line was longer and `text` is its start.
    pub clipped: bool,
}

/// Unchanged lines of a file between (or around) its hunks, read from the new side of the change
/// for the review's expanders (UI §1.12: hunks expand for context).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileContext {
    /// The path.
    pub path: String,
    /// Context rows with both line numbers, in order; fewer than asked when the file ends first.
    pub rows: Vec<DiffRow>,
    /// The file ends within (or before) the lines asked for: nothing lies below the last row.
    pub end_of_file: bool,
}

/// A comment on lines of a session's diff (SPEC K3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// Its id.
    pub id: String,
    /// The file.
    pub path: String,
    /// The first line (1-based) on `side`.
    pub line: u32,
    /// The last line (equal to `line` for one line).
    pub end_line: u32,
    /// Which side the lines are on.
    pub side: Side,
    /// The lines as they were when the comment was made: its anchor.
    pub snippet: String,
    /// What the user wrote.
    pub body: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// When it was sent to the agent; `null` until then.
    pub sent_at: Option<String>,
    /// The snippet no longer sits at those lines (moved or changed): computed on read.
    #[serde(default)]
    pub outdated: bool,
}

/// A comment as the user writes it; the engine takes the snippet from the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewComment {
    /// The file.
    pub path: String,
    /// The first line (1-based).
    pub line: u32,
    /// The last line.
    pub end_line: u32,
    /// Which side.
    pub side: Side,
    /// The text.
    pub body: String,
}

/// A session's review state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewState {
    /// Every comment, oldest first.
    pub comments: Vec<Comment>,
    /// Paths marked viewed whose file is still the version that was viewed.
    pub viewed: Vec<String>,
}
