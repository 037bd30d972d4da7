//! Reading only the end of a transcript (SPEC I1, I2): transcripts grow to hundreds of megabytes
//! (AO streamed whole Codex rollouts and stalled its enrichment, ao-domain §2.4), while the state
//! of an agent is in its last few entries.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// How much of a transcript's end is read: 64 KiB holds dozens of entries, enough to find the last
/// turn's outcome, while a single huge tool output (which can exceed it) only costs the
/// classification that entry, never a full read.
pub const TAIL_BYTES: u64 = 64 * 1024;

/// The end of a file, cut into lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    /// Complete lines, oldest first. When the read started mid-file, the first (partial) line is
    /// dropped; a last line without a newline (being written) is kept, because a parser rejects
    /// it if it is incomplete and accepts it if the writer merely has not added the newline yet.
    pub lines: Vec<String>,
    /// When the file was last modified.
    pub modified: Option<SystemTime>,
}

/// Reads the tails of files and counts the bytes it read, so the bound is observable (and
/// testable) rather than promised.
#[derive(Debug)]
pub struct TailReader {
    limit: u64,
    bytes_read: AtomicU64,
}

impl Default for TailReader {
    fn default() -> Self {
        Self::new(TAIL_BYTES)
    }
}

impl TailReader {
    /// A reader that reads at most `limit` bytes per file.
    pub fn new(limit: u64) -> Self {
        Self { limit, bytes_read: AtomicU64::new(0) }
    }

    /// Total bytes this reader has read so far, over all files.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// The last `limit` bytes of `path` as lines (blocking; call from `spawn_blocking`). Invalid
    /// UTF-8 is replaced, not fatal: a garbage line must not hide the valid ones after it.
    pub fn read(&self, path: &Path) -> io::Result<Tail> {
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        let start = meta.len().saturating_sub(self.limit);
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity(usize::try_from(meta.len() - start).unwrap_or(0));
        // `take` bounds the read even if the file grows while it is read.
        file.take(self.limit).read_to_end(&mut buf)?;
        self.bytes_read.fetch_add(buf.len() as u64, Ordering::Relaxed);
        let text = String::from_utf8_lossy(&buf);
        let mut lines: Vec<String> = text.split('\n').map(|l| l.trim_end_matches('\r').to_owned()).collect();
        if start > 0 && !lines.is_empty() {
            lines.remove(0);
        }
        lines.retain(|l| !l.trim().is_empty());
        Ok(Tail { lines, modified: meta.modified().ok() })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn short_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, "one\ntwo\nthree").unwrap();
        let tail = TailReader::new(1024).read(&path).unwrap();
        assert_eq!(tail.lines, ["one", "two", "three"], "a file shorter than the limit keeps its first line");
    }

    #[test]
    fn long_file_drops_the_partial_first_line_and_reads_only_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let mut f = File::create(&path).unwrap();
        for i in 0..10_000 {
            writeln!(f, "line-{i:05}").unwrap();
        }
        drop(f);
        let reader = TailReader::new(100);
        let tail = reader.read(&path).unwrap();
        assert_eq!(reader.bytes_read(), 100, "exactly the limit must be read");
        assert_eq!(tail.lines.last().map(String::as_str), Some("line-09999"));
        assert!(tail.lines.iter().all(|l| l.len() == 10), "the cut first line must be dropped: {:?}", tail.lines);
    }
}
