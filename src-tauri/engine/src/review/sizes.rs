//! The sizes of the blobs two trees differ by, for the summary's `huge` (a side over
//! [`super::HUGE_BYTES`]) and the collapsed file's words. Two processes whatever the number of
//! files: `git diff-tree --raw` without rename detection only compares tree entries (no blob is
//! read), and one `git cat-file --batch-check` reads each size from its object's header.

use std::collections::HashMap;
use std::path::Path;

use super::MAX_SUMMARY_BYTES;
use super::git::git;
use crate::ops::Cause;

/// Blob id -> size in bytes, for every blob on either side of `from..to`. A submodule's commit is
/// not in this repository and has no entry.
pub(super) async fn blob_sizes(dir: &Path, from: &str, to: &str) -> Result<HashMap<String, u64>, Cause> {
    let mut raw = Vec::new();
    let mut too_big = false;
    git(dir)
        .args(["diff-tree", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", from, to])
        .stream(|chunk| {
            too_big = raw.len() + chunk.len() > MAX_SUMMARY_BYTES;
            raw.extend_from_slice(chunk);
            !too_big
        })
        .await?;
    if too_big {
        // The file list itself refuses such a change with its reason; no sizes are needed then.
        return Ok(HashMap::new());
    }
    let ids = blob_ids(&raw);
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut input = ids.join("\n").into_bytes();
    input.push(b'\n');
    // Streamed, not `output()`: the answer for 100,000 files is over its 1 MiB cap.
    let mut answer = Vec::with_capacity(ids.len() * 56);
    git(dir)
        .args(["cat-file", "--batch-check=%(objectname) %(objectsize)"])
        .input(input)
        .stream(|chunk| {
            answer.extend_from_slice(chunk);
            true
        })
        .await?;
    // "<id> <size>", or "<id> missing".
    Ok(String::from_utf8_lossy(&answer)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(id, size)| Some((id.to_owned(), size.parse().ok()?)))
        .collect())
}

/// The distinct blob ids of raw records (`:mode mode old new status\0path\0`), absent sides (all
/// zeros) left out.
fn blob_ids(raw: &[u8]) -> Vec<String> {
    let mut ids: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|field| field.first() == Some(&b':'))
        .flat_map(|field| {
            let meta = String::from_utf8_lossy(field);
            let words: Vec<String> = meta.split(' ').skip(2).take(2).map(str::to_owned).collect();
            words
        })
        .filter(|id| !id.is_empty() && !id.bytes().all(|b| b == b'0'))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_both_sides_once_each_without_absent_ones() {
        let raw = [":100644 100644 aaa bbb M", "a", ":000000 100644 0000 ccc A", "b", ":100644 100644 aaa bbb M", "c"]
            .join("\0");
        assert_eq!(blob_ids(raw.as_bytes()), ["aaa", "bbb", "ccc"]);
    }
}
