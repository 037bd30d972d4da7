//! A range of one blob's lines, streamed from `git cat-file`: reading stops right after the last
//! wanted line, and no line is held past [`MAX_ROW_CHARS`] characters' worth of bytes, so lines
//! near the top of a 10 MB file cost only those lines. Comments read their snippets this way, and
//! the review's expanders their context rows.

use std::path::Path;

use super::MAX_ROW_CHARS;
use super::git::git;
use crate::ops::CommandError;

/// The most bytes of one line kept: enough for [`MAX_ROW_CHARS`] characters of any UTF-8.
const MAX_LINE_BYTES: usize = MAX_ROW_CHARS * 4;

/// One line, without its newline.
#[derive(Debug, Default)]
pub(super) struct Line {
    pub bytes: Vec<u8>,
    /// The line was longer than [`MAX_LINE_BYTES`] and `bytes` is its start.
    pub clipped: bool,
}

/// Lines `from..=to` (counting from 1) of a blob, fewer when the blob ends first.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pub lines: Vec<Line>,
    /// Nothing follows the last line read: the blob ends there (or before `from`).
    pub end_of_file: bool,
}

/// Reads lines `from..=to` of `object` (a blob id, or `<commit>:<path>`). An object that does not
/// exist is an error of the command.
pub(super) async fn read_lines(dir: &Path, object: &str, from: u32, to: u32) -> Result<Lines, CommandError> {
    let mut current = 1u32;
    let mut lines = Vec::new();
    let mut partial = Line::default();
    // Whether bytes follow line `to`: only then is the answer known not to reach the end.
    let mut more = false;
    let keep = |current: u32| current >= from && current <= to;
    git(dir)
        .args(["cat-file", "blob", object])
        .stream(|chunk| {
            if current > to {
                more = !chunk.is_empty();
                return false;
            }
            let mut rest = chunk;
            while let Some(end) = rest.iter().position(|b| *b == b'\n') {
                if keep(current) {
                    push_capped(&mut partial, &rest[..end]);
                    lines.push(std::mem::take(&mut partial));
                }
                current += 1;
                rest = &rest[end + 1..];
                if current > to {
                    // Bytes left in this chunk: more lines. None: the next chunk (or the end of
                    // the stream) tells.
                    more = !rest.is_empty();
                    return !more;
                }
            }
            if keep(current) {
                push_capped(&mut partial, rest);
            }
            true
        })
        .await?;
    // A last line without a newline is still a line.
    if keep(current) && (!partial.bytes.is_empty() || partial.clipped) {
        lines.push(partial);
    }
    Ok(Lines { lines, end_of_file: !more })
}

fn push_capped(line: &mut Line, bytes: &[u8]) {
    let room = MAX_LINE_BYTES.saturating_sub(line.bytes.len());
    if bytes.len() > room {
        line.clipped = true;
    }
    line.bytes.extend_from_slice(&bytes[..bytes.len().min(room)]);
}
