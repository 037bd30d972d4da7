//! Review (SPEC K1-K3): what a session changed, file by file and page by page, with viewed marks
//! and comments that go back to the agent.
//!
//! - `snapshot`: the worktree's full state as a commit, through a temporary index.
//! - `summary`: the changed files between two trees, cached by the pair of tree ids; `sizes`:
//!   their blobs' sizes, which make a file `huge` too.
//! - `rows`: one file's patch as flat, clipped rows, streamed and paged.
//! - `scope`: which two commits a scope compares (branch, since the last review, last turn).
//! - `state`: the review state file (viewed marks, comments).
//! - `lines`: a range of a blob's lines, streamed; `context`: those lines as the expanders' rows.
//! - `comments`: snippets, the outdated check and the message that sends comments.
//! - `ops`, `marks`: the [`crate::ops::Ops`] methods the app and the CLI call (diff and refs;
//!   viewed marks and comments), on `target` (record, worktree, snapshot, state file).
//! - `turns`: the app's task that records each turn end the agent reports.
//!
//! Everything git does here runs as bounded child processes (`Cmd`) on the async runtime, never on
//! a UI thread; the state file is read and written on the blocking pool.

mod comments;
mod context;
mod git;
mod lines;
mod marks;
mod ops;
mod rows;
mod scope;
mod sizes;
mod snapshot;
mod state;
mod summary;
mod target;
mod turns;
mod types;

pub use comments::comments_message;
pub use context::ContextLines;
pub use summary::clear_cache;
pub use turns::{MakeOps, TurnEnds, TurnTracker};
pub use types::{
    ChangeStatus, Comment, DiffRow, DiffScope, DiffSummary, FileChange, FileContext, FileDiff, NewComment, ReviewState,
    RowKind, Side,
};

use crate::ops::Cause;

/// A row's text is cut at this many characters (`clipped`).
pub const MAX_ROW_CHARS: usize = 2_000;
/// A file diff with more rows than this is `huge`: shown only page by page, on request.
pub const HUGE_ROWS: u32 = 20_000;
/// A file diff with more bytes than this is `huge` too (a few very long lines).
pub const HUGE_BYTES: u64 = 4 * 1024 * 1024;
/// The most rows one `file_diff` call returns, whatever limit it asks for.
pub const MAX_PAGE_ROWS: u32 = 2_000;
/// The most lines one `file_context` call returns: an expander shows 20 at a time, "show all"
/// of a gap a few hundred at most.
pub const MAX_CONTEXT_LINES: u32 = 500;
/// The most bytes of file list git may print for one summary (about 100,000 files).
const MAX_SUMMARY_BYTES: usize = 64 * 1024 * 1024;
/// The most characters of one comment: several must fit in one message of 10,000.
pub const MAX_COMMENT_CHARS: usize = 4_000;
/// The most lines one comment covers.
pub const MAX_COMMENT_LINES: u32 = 200;
/// The most comments one session keeps.
pub const MAX_COMMENTS: usize = 500;

/// Checks a path from the UI or the command line before it reaches git or the file system: a
/// relative path inside the worktree, with no `..`, `.` or empty components and no NUL.
pub(crate) fn check_path(path: &str) -> Result<(), Cause> {
    let refuse = |why: &str| Err(Cause::Invalid(format!("path {path:?} {why}")));
    if path.is_empty() || path.len() > 4096 {
        return refuse("must be between 1 and 4096 bytes long");
    }
    let b = path.as_bytes();
    let drive =
        b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b.get(2), None | Some(b'/' | b'\\'));
    if path.starts_with('/') || path.starts_with('\\') || drive {
        return refuse("must be relative to the worktree");
    }
    if path.contains('\0') {
        return refuse("contains a NUL byte");
    }
    if path.split(['/', '\\']).any(|c| c.is_empty() || c == "." || c == "..") {
        return refuse("must not contain '..', '.' or empty components");
    }
    Ok(())
}

/// Checks a comment id (ours are UUIDs) before it is looked up.
pub(crate) fn check_comment_id(id: &str) -> Result<(), Cause> {
    let ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok { Ok(()) } else { Err(Cause::Invalid(format!("{id:?} is not a comment id"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_worktree_are_refused() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "..", "a\0b", "C:\\x", "\\\\server\\x"] {
            assert!(check_path(bad).is_err(), "{bad:?} must be refused");
        }
        for good in ["a", "src/main.rs", "sp ace\nnl.txt", "..hidden", "a..b/c", ":(glob)*", "a:b.txt"] {
            assert!(check_path(good).is_ok(), "{good:?} is a fine path");
        }
    }
}
