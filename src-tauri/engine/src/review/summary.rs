//! The list of changed files between two trees (SPEC K1): one `git diff-tree -r -z --raw
//! --numstat -M -C` call, parsed, and cached in memory by the pair of tree ids. Tree ids name
//! contents, so an entry never goes stale: reopening an unchanged review costs one snapshot and a
//! lookup, and the same pair in two repositories is the same diff.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::git::git;
use super::sizes;
use super::types::{ChangeStatus, FileChange};
use super::{HUGE_BYTES, HUGE_ROWS, MAX_SUMMARY_BYTES};
use crate::ops::Cause;

/// One changed path as git reported it, with the blob ids the viewed marks compare against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// The wire form (with `viewed` false; the caller fills it in).
    pub file: FileChange,
    /// The blob before the change (all zeros for an added file).
    pub old_blob: String,
    /// The blob after the change (all zeros for a deleted file).
    pub new_blob: String,
}

/// The files between two trees, sorted by path, with their totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Changes {
    pub files: Vec<Change>,
    pub additions: u32,
    pub deletions: u32,
}

/// How many tree pairs the cache keeps: a few reviews open in turn, each in three scopes.
const CACHE_ENTRIES: usize = 32;

/// The cache: (from tree, to tree) -> changes, with a use counter for eviction of the least
/// recently used entry.
#[derive(Default)]
struct Cache {
    entries: HashMap<(String, String), (u64, Arc<Changes>)>,
    clock: u64,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn cached(key: &(String, String)) -> Option<Arc<Changes>> {
    let mut guard = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    cache.clock += 1;
    let clock = cache.clock;
    cache.entries.get_mut(key).map(|(used, changes)| {
        *used = clock;
        changes.clone()
    })
}

fn remember(key: (String, String), changes: Arc<Changes>) {
    let mut guard = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    cache.clock += 1;
    if cache.entries.len() >= CACHE_ENTRIES
        && let Some(oldest) = cache.entries.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone())
    {
        cache.entries.remove(&oldest);
    }
    cache.entries.insert(key, (cache.clock, changes));
}

/// Empties the cache (benchmarks measure the cold path with it).
pub fn clear_cache() {
    let mut guard = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    *guard = None;
}

/// The changes from tree `from` to tree `to`, from the cache when known.
pub(crate) async fn changes(dir: &Path, from: &str, to: &str) -> Result<Arc<Changes>, Cause> {
    let key = (from.to_owned(), to.to_owned());
    if let Some(hit) = cached(&key) {
        return Ok(hit);
    }
    // The sizes come from a second, cheap listing (no rename detection, no line counts) on its own
    // process, while the numstat reads every blob: the lookup adds no wall time to the summary.
    let (listed, sizes) = tokio::join!(list(dir, from, to), sizes::blob_sizes(dir, from, to));
    let mut changes = parse(&listed?)?;
    let sizes = sizes?;
    for c in &mut changes.files {
        c.file.old_size = sizes.get(&c.old_blob).copied();
        c.file.new_size = sizes.get(&c.new_blob).copied();
        // A 10 MB one-line file is one row to numstat, but no view should receive it whole.
        if c.file.old_size.max(c.file.new_size).is_some_and(|s| s > HUGE_BYTES) {
            c.file.huge = true;
        }
    }
    let changes = Arc::new(changes);
    remember(key, changes.clone());
    Ok(changes)
}

/// The raw and numstat records of `from..to`, at most [`MAX_SUMMARY_BYTES`] of them.
async fn list(dir: &Path, from: &str, to: &str) -> Result<Vec<u8>, Cause> {
    let mut bytes = Vec::new();
    let mut too_big = false;
    git(dir)
        .args(["diff-tree", "-r", "-z", "--raw", "--numstat", "-M", "-C", "--no-abbrev", from, to])
        .stream(|chunk| {
            if bytes.len() + chunk.len() > MAX_SUMMARY_BYTES {
                too_big = true;
                return false;
            }
            bytes.extend_from_slice(chunk);
            true
        })
        .await?;
    if too_big {
        let mb = MAX_SUMMARY_BYTES / (1024 * 1024);
        return Err(Cause::Invalid(format!("the change lists more than {mb} MB of file names; too large to review")));
    }
    Ok(bytes)
}

/// Parses raw records (all first) then numstat records (same order), both NUL-separated.
pub(crate) fn parse(bytes: &[u8]) -> Result<Changes, Cause> {
    let bad = |what: &str| Cause::Invalid(format!("unexpected output of git diff-tree: {what}"));
    let mut fields = bytes.split(|b| *b == 0).peekable();
    let mut raws = Vec::new();
    while let Some(field) = fields.next_if(|f| f.first() == Some(&b':')) {
        let meta = String::from_utf8_lossy(&field[1..]).into_owned();
        let parts: Vec<&str> = meta.split(' ').collect();
        let [old_mode, new_mode, old_blob, new_blob, status] = parts[..] else { return Err(bad("a raw record")) };
        let letter = status.chars().next().ok_or_else(|| bad("an empty status"))?;
        let first = text(fields.next().ok_or_else(|| bad("a missing path"))?);
        let (old_path, path) = if matches!(letter, 'R' | 'C') {
            (Some(first), text(fields.next().ok_or_else(|| bad("a missing new path"))?))
        } else {
            (None, first)
        };
        raws.push((
            old_mode.to_owned(),
            new_mode.to_owned(),
            old_blob.to_owned(),
            new_blob.to_owned(),
            letter,
            old_path,
            path,
        ));
    }
    let mut changes = Changes::default();
    for (old_mode, new_mode, old_blob, new_blob, letter, old_path, path) in raws {
        let numstat = fields.next().ok_or_else(|| bad("a missing numstat record"))?;
        let numstat = String::from_utf8_lossy(numstat);
        let mut cols = numstat.splitn(3, '\t');
        let (adds, dels) = (cols.next().unwrap_or("-"), cols.next().unwrap_or("-"));
        // A rename's numstat names both paths in the next two fields; skip them.
        if cols.next().is_some_and(str::is_empty) {
            fields.next();
            fields.next();
        }
        let binary = adds == "-";
        let (additions, deletions) = if binary { (None, None) } else { (adds.parse().ok(), dels.parse().ok()) };
        changes.additions = changes.additions.saturating_add(additions.unwrap_or(0));
        changes.deletions = changes.deletions.saturating_add(deletions.unwrap_or(0));
        let status = match letter {
            'A' => ChangeStatus::Added,
            'D' => ChangeStatus::Deleted,
            'R' => ChangeStatus::Renamed,
            'C' => ChangeStatus::Copied,
            'T' => ChangeStatus::TypeChanged,
            _ => ChangeStatus::Modified,
        };
        let absent = |m: &str| m.chars().all(|c| c == '0');
        let mode_changed = old_mode != new_mode;
        let file = FileChange {
            path,
            old_path,
            status,
            additions,
            deletions,
            binary,
            old_mode: (mode_changed && !absent(&old_mode)).then_some(old_mode),
            new_mode: (mode_changed && !absent(&new_mode)).then_some(new_mode),
            viewed: false,
            huge: additions.unwrap_or(0).saturating_add(deletions.unwrap_or(0)) > HUGE_ROWS,
            old_size: None,
            new_size: None,
        };
        changes.files.push(Change { file, old_blob, new_blob });
    }
    changes.files.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    Ok(changes)
}

/// A path as text. Git paths are bytes; a name that is not UTF-8 is shown lossily (and cannot be
/// opened by that name again, which the file diff then reports as not part of the change).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_numstat_records_pair_up_including_renames_and_binaries() {
        let z = "\0";
        let raw = [
            ":100644 100644 aaa bbb M",
            "b.bin",
            ":100644 100755 ccc ccc M",
            "s.sh",
            ":000000 100644 000 ddd A",
            "sp ace\nnl.txt",
            ":100644 100644 eee eee R100",
            "x.txt",
            "y.txt",
        ]
        .join(z);
        let num = ["-\t-\tb.bin", "0\t0\ts.sh", "1\t0\tsp ace\nnl.txt", "0\t0\t", "x.txt", "y.txt"].join(z);
        let bytes = format!("{raw}{z}{num}{z}");
        let changes = parse(bytes.as_bytes()).unwrap();
        let paths: Vec<_> = changes.files.iter().map(|c| c.file.path.as_str()).collect();
        assert_eq!(paths, ["b.bin", "s.sh", "sp ace\nnl.txt", "y.txt"]);
        let f = |p: &str| changes.files.iter().find(|c| c.file.path == p).unwrap().file.clone();
        assert!(f("b.bin").binary && f("b.bin").additions.is_none());
        assert_eq!((f("s.sh").old_mode.as_deref(), f("s.sh").new_mode.as_deref()), (Some("100644"), Some("100755")));
        assert_eq!(f("sp ace\nnl.txt").status, ChangeStatus::Added);
        assert_eq!(f("sp ace\nnl.txt").new_mode.as_deref(), Some("100644"), "an added file shows its mode");
        assert_eq!(f("y.txt").old_path.as_deref(), Some("x.txt"));
        assert_eq!(f("y.txt").status, ChangeStatus::Renamed);
        assert_eq!((changes.additions, changes.deletions), (1, 0));
    }
}
