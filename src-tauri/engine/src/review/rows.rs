//! A file's patch as flat rows (SPEC K1), read from git's output as it streams: only the rows of
//! the requested page are kept, every other row is only counted, and no line is held past
//! [`MAX_ROW_CHARS`] characters, so a 10 MB one-line file costs one clipped row, never 10 MB of
//! memory or a 10 MB string over IPC.

use super::types::{DiffRow, RowKind};
use super::{HUGE_BYTES, HUGE_ROWS, MAX_ROW_CHARS};

/// The most bytes of one line kept: enough for [`MAX_ROW_CHARS`] characters of any UTF-8.
const MAX_LINE_BYTES: usize = MAX_ROW_CHARS * 4;

/// Turns patch bytes into rows, keeping those in `offset..offset + limit`.
#[derive(Debug)]
pub(crate) struct RowReader {
    offset: u32,
    limit: u32,
    /// The current line, at most [`MAX_LINE_BYTES`] of it.
    line: Vec<u8>,
    /// The current line was longer than what `line` holds.
    line_clipped: bool,
    /// Inside a hunk (after an `@@` header); outside, lines are file headers.
    in_hunk: bool,
    old_no: u32,
    new_no: u32,
    /// Rows seen so far.
    pub total_rows: u32,
    /// Patch bytes seen so far.
    pub total_bytes: u64,
    /// The rows of the page.
    pub rows: Vec<DiffRow>,
    /// git said the file is binary.
    pub binary: bool,
}

impl RowReader {
    pub(crate) fn new(offset: u32, limit: u32) -> Self {
        Self {
            offset,
            limit,
            line: Vec::new(),
            line_clipped: false,
            in_hunk: false,
            old_no: 0,
            new_no: 0,
            total_rows: 0,
            total_bytes: 0,
            rows: Vec::new(),
            binary: false,
        }
    }

    /// Takes the next bytes of the patch.
    pub(crate) fn feed(&mut self, mut chunk: &[u8]) {
        self.total_bytes += chunk.len() as u64;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n') {
            self.keep(&chunk[..end]);
            self.end_line();
            chunk = &chunk[end + 1..];
        }
        self.keep(chunk);
    }

    /// Ends the patch: a last line without a newline is still a line.
    pub(crate) fn finish(&mut self) {
        if !self.line.is_empty() || self.line_clipped {
            self.end_line();
        }
    }

    /// Whether the whole diff is too large to show at once.
    pub(crate) fn huge(&self) -> bool {
        self.total_rows > HUGE_ROWS || self.total_bytes > HUGE_BYTES
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.line.len());
        if bytes.len() > room {
            self.line_clipped = true;
        }
        self.line.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let clipped = std::mem::replace(&mut self.line_clipped, false);
        self.line_done(&line, clipped);
        // Reuse the allocation for the next line.
        self.line = line;
        self.line.clear();
    }

    fn line_done(&mut self, line: &[u8], clipped: bool) {
        let first = line.first().copied();
        if line.starts_with(b"@@") {
            self.in_hunk = true;
            let (old, new) = hunk_starts(line);
            (self.old_no, self.new_no) = (old, new);
            return self.row(RowKind::Hunk, None, None, line, clipped);
        }
        if self.in_hunk {
            match first {
                Some(b' ') => {
                    let (o, n) = (self.old_no, self.new_no);
                    (self.old_no, self.new_no) = (o + 1, n + 1);
                    return self.row(RowKind::Context, Some(o), Some(n), &line[1..], clipped);
                }
                Some(b'+') => {
                    let n = self.new_no;
                    self.new_no += 1;
                    return self.row(RowKind::Add, None, Some(n), &line[1..], clipped);
                }
                Some(b'-') => {
                    let o = self.old_no;
                    self.old_no += 1;
                    return self.row(RowKind::Del, Some(o), None, &line[1..], clipped);
                }
                Some(b'\\') => return self.row(RowKind::NoNewline, None, None, &line[1..], clipped),
                // An empty line inside a hunk is a context line whose marker space was stripped
                // by some tool; git itself never writes one, so treat it as context.
                None => {
                    let (o, n) = (self.old_no, self.new_no);
                    (self.old_no, self.new_no) = (o + 1, n + 1);
                    return self.row(RowKind::Context, Some(o), Some(n), b"", clipped);
                }
                _ => self.in_hunk = false,
            }
        }
        // A file header line (`diff --git`, `index`, modes, `---`/`+++`, `Binary files`).
        if line.starts_with(b"Binary files ") || line.starts_with(b"GIT binary patch") {
            self.binary = true;
        }
    }

    fn row(&mut self, kind: RowKind, old: Option<u32>, new: Option<u32>, bytes: &[u8], clipped: bool) {
        let index = self.total_rows;
        self.total_rows = self.total_rows.saturating_add(1);
        if index < self.offset || index - self.offset >= self.limit {
            return;
        }
        let (text, cut) = clip(bytes);
        self.rows.push(DiffRow { kind, old, new, text, clipped: clipped || cut });
    }
}

/// The line as text, at most [`MAX_ROW_CHARS`] characters; whether it was cut. A multi-byte
/// character split by the byte bound becomes U+FFFD, and only then, at the very end.
pub(super) fn clip(bytes: &[u8]) -> (String, bool) {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(MAX_ROW_CHARS) {
        Some((at, _)) => (text[..at].to_owned(), true),
        None => (text.into_owned(), false),
    }
}

/// The first old and new line numbers of `@@ -a[,b] +c[,d] @@`.
fn hunk_starts(line: &[u8]) -> (u32, u32) {
    let text = String::from_utf8_lossy(line);
    let mut words = text.split(' ').skip(1);
    let start = |w: Option<&str>, sign: char| {
        w.and_then(|w| w.strip_prefix(sign)).and_then(|w| w.split(',').next()).and_then(|n| n.parse().ok())
    };
    let old = start(words.next(), '-').unwrap_or(0);
    let new = start(words.next(), '+').unwrap_or(0);
    (old, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@ fn x\n a\n-b\n+B\n c\n\\ No newline at end of file\n";

    fn read(patch: &[u8], offset: u32, limit: u32, chunk: usize) -> RowReader {
        let mut reader = RowReader::new(offset, limit);
        for part in patch.chunks(chunk) {
            reader.feed(part);
        }
        reader.finish();
        reader
    }

    #[test]
    fn rows_carry_kinds_and_both_line_numbers_whatever_the_chunking() {
        for chunk in [1, 3, 4096] {
            let r = read(PATCH.as_bytes(), 0, 100, chunk);
            let got: Vec<_> = r.rows.iter().map(|r| (r.kind, r.old, r.new, r.text.as_str())).collect();
            assert_eq!(
                got,
                [
                    (RowKind::Hunk, None, None, "@@ -1,3 +1,3 @@ fn x"),
                    (RowKind::Context, Some(1), Some(1), "a"),
                    (RowKind::Del, Some(2), None, "b"),
                    (RowKind::Add, None, Some(2), "B"),
                    (RowKind::Context, Some(3), Some(3), "c"),
                    (RowKind::NoNewline, None, None, " No newline at end of file"),
                ],
                "chunk size {chunk}"
            );
            assert_eq!(r.total_rows, 6);
        }
    }

    #[test]
    fn only_the_page_is_kept_and_the_total_still_counts_every_row() {
        let r = read(PATCH.as_bytes(), 2, 2, 7);
        assert_eq!(r.total_rows, 6);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].kind, RowKind::Del);
    }

    /// SPEC K1: a 10 MB line becomes one row of 2,000 characters, marked clipped.
    #[test]
    fn a_ten_megabyte_line_is_one_clipped_row() {
        let mut patch = b"@@ -0,0 +1 @@\n+".to_vec();
        patch.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
        patch.push(b'\n');
        let r = read(&patch, 0, 10, 64 * 1024);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[1].text.chars().count(), MAX_ROW_CHARS);
        assert!(r.rows[1].clipped);
        assert!(r.huge(), "10 MB of diff is huge");
    }

    #[test]
    fn binary_files_have_no_rows() {
        let r = read(b"diff --git a/b b/b\nBinary files a/b and b/b differ\n", 0, 10, 5);
        assert!(r.binary);
        assert_eq!(r.total_rows, 0);
    }
}
