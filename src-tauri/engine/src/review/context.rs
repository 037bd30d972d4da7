//! Context for the review's expanders (UI §1.12: hunks expand for context): unchanged lines of a
//! changed file, read from the blob the scope's diff compared, so the rows match the hunks around
//! them. The caller names the lines on the new side and where the same stretch starts on the old
//! side: between two hunks the two sides differ by a fixed offset, which the hunk headers give.

use super::lines::read_lines;
use super::rows::clip;
use super::target::failer;
use super::types::{DiffRow, DiffScope, FileContext, RowKind};
use super::{MAX_CONTEXT_LINES, check_path};
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpStep, Ops};

/// Which lines an expander asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextLines {
    /// The first line on the new side (counting from 1).
    pub from: u32,
    /// The last line on the new side.
    pub to: u32,
    /// The old side's number of line `from`.
    pub old_from: u32,
}

/// Refuses a range that is not one, or longer than one call serves, before any git runs.
fn check_lines(lines: ContextLines) -> Result<(), Cause> {
    let ContextLines { from, to, old_from } = lines;
    if from == 0 || old_from == 0 || to < from {
        return Err(Cause::Invalid(format!(
            "lines {from}-{to} (old side from {old_from}) are not a range of lines (they count from 1)"
        )));
    }
    if to - from >= MAX_CONTEXT_LINES {
        return Err(Cause::Invalid(format!("one expansion shows at most {MAX_CONTEXT_LINES} lines")));
    }
    Ok(())
}

impl Ops {
    /// Lines `lines.from..=lines.to` of `path`'s new side in `scope`, as context rows numbered on
    /// both sides. A range reaching past the end of the file is cut there (`end_of_file`): the
    /// expander below the last hunk cannot know the file's length beforehand.
    pub async fn file_context(
        &self,
        session: &SessionId,
        scope: DiffScope,
        path: &str,
        lines: ContextLines,
    ) -> Result<FileContext, OpError> {
        let fail = failer(session);
        check_path(path).map_err(|c| fail(OpStep::Validate, c))?;
        check_lines(lines).map_err(|c| fail(OpStep::Validate, c))?;
        let (target, _, change) = self.changed_file(session, scope, path).await?;
        let no_lines = |why: &str| fail(OpStep::Diff, Cause::Invalid(format!("{path:?} {why}")));
        if change.file.binary {
            return Err(no_lines("is a binary file: it has no lines to show"));
        }
        if change.new_blob.bytes().all(|b| b == b'0') {
            return Err(no_lines("was deleted: its new side has no lines"));
        }
        let read = read_lines(&target.dir, &change.new_blob, lines.from, lines.to)
            .await
            .map_err(|e| fail(OpStep::Diff, e.into()))?;
        let rows = read
            .lines
            .iter()
            .zip(0u32..)
            .map(|(line, k)| {
                let (text, cut) = clip(&line.bytes);
                DiffRow {
                    kind: RowKind::Context,
                    old: Some(lines.old_from + k),
                    new: Some(lines.from + k),
                    text,
                    clipped: line.clipped || cut,
                }
            })
            .collect();
        Ok(FileContext { path: path.to_owned(), rows, end_of_file: read.end_of_file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_that_are_not_ranges_or_too_long_are_refused() {
        let lines = |from, to, old_from| ContextLines { from, to, old_from };
        assert!(check_lines(lines(0, 3, 1)).is_err(), "lines count from 1");
        assert!(check_lines(lines(1, 3, 0)).is_err(), "old lines count from 1");
        assert!(check_lines(lines(5, 4, 5)).is_err(), "an inverted range");
        assert!(check_lines(lines(1, MAX_CONTEXT_LINES + 1, 1)).is_err(), "more than one call serves");
        assert!(check_lines(lines(1, MAX_CONTEXT_LINES, 1)).is_ok(), "exactly the most one call serves");
        assert!(check_lines(lines(7, 7, 3)).is_ok());
    }
}
