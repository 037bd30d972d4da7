//! Atomic writes (SPEC B1) and the names of Grove's own temp and lock files.
//!
//! A record is written to a temp file in the same directory, fsynced, then renamed over the
//! target, and the directory is fsynced so the rename itself survives a power cut. A reader, or a
//! writer killed at any instant, therefore only ever leaves the old or the new complete file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::error::StoreError;

/// Suffix of Grove's temp files; with the leading `.` it lets watchers and listings skip them.
const TEMP_SUFFIX: &str = ".tmp";
/// Suffix of Grove's lock files; with the leading `.` it lets watchers and listings skip them.
pub(crate) const LOCK_SUFFIX: &str = ".lock";
/// Store files may hold prompts and issue text, so only their owner may read them.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Makes temp names unique among the threads of one process; the pid makes them unique across
/// processes.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether `path` names one of Grove's own transient files (a temp file of an atomic write, a lock
/// or a lock breaker): its name starts with `.` and ends with `.tmp` or `.lock`. The file watcher
/// ignores these so that Grove's own write protocol never shows up as changes.
pub fn is_grove_temp_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    // Something must sit between the dot and the suffix: Grove never names a file just `.tmp`.
    let ours = |suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
    name.starts_with('.') && (ours(TEMP_SUFFIX) || ours(LOCK_SUFFIX))
}

/// Pretty JSON with a trailing newline, the format of every file the store writes.
pub(crate) fn encode_pretty<T: Serialize>(value: &T, path: &Path) -> Result<Vec<u8>, StoreError> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|source| StoreError::Encode { path: path.to_owned(), source })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Replaces `target` with `bytes` atomically. The parent directory must exist.
pub(crate) fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let temp = TempFile::write(target, bytes)?;
    fs::rename(&temp.path, target).map_err(|e| StoreError::io("rename a temp file over", target, e))?;
    temp.disarm();
    sync_parent(target)
}

/// Writes `bytes` to `target` atomically, but only if `target` does not exist yet. Returns
/// `false` (and writes nothing) when it does. The check and the write are one step: the complete
/// temp file is hard-linked to the target name, which fails if the name is taken, so two
/// concurrent creators cannot both succeed and a reader never sees a partial file.
pub(crate) fn create_atomic(target: &Path, bytes: &[u8]) -> Result<bool, StoreError> {
    let temp = TempFile::write(target, bytes)?;
    let created = match fs::hard_link(&temp.path, target) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(StoreError::io("link a temp file to", target, e)),
    };
    // The temp name is removed either way (the guard's drop); only the target name stays.
    drop(temp);
    if created {
        sync_parent(target)?;
    }
    Ok(created)
}

/// Opens `path` for writing only if it does not exist, with the store's file mode.
pub(crate) fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options.open(path)
}

/// Creates `dir` and its parents if needed.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(|e| StoreError::io("create directory", dir, e))
}

/// Fsyncs the directory holding `path`, so a rename or creation in it is durable. On Windows a
/// directory cannot be opened this way and NTFS journals renames itself, so there it does nothing.
pub(crate) fn sync_parent(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let dir = path.parent().unwrap_or(Path::new("."));
        File::open(dir).and_then(|d| d.sync_all()).map_err(|e| StoreError::io("sync directory", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A fully written and fsynced temp file beside its target; removed on drop unless disarmed (an
/// error at any step then leaves no debris behind).
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    fn write(target: &Path, bytes: &[u8]) -> Result<Self, StoreError> {
        let path = temp_path(target);
        let mut file = create_new(&path).map_err(|e| StoreError::io("create temp file", &path, e))?;
        let temp = Self { path, armed: true };
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| StoreError::io("write temp file", &temp.path, e))?;
        Ok(temp)
    }

    /// The temp file became the target; there is nothing left to remove.
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: a leftover temp file is ignored by every reader and the watcher.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `.<target name>.<pid>.<n>.tmp` in the target's directory: same directory so the rename is
/// atomic (same file system), hidden and suffixed so it is recognisably Grove's.
fn temp_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}.{n}{TEMP_SUFFIX}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read temp dir")
            .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two", "the second write must replace the first");
        assert_eq!(entries(dir.path()), ["a.json"], "no temp file may remain after a write");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        write_atomic(&target, b"{}").unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "records may hold prompts; mode was {mode:o}");
    }

    #[test]
    fn create_refuses_an_existing_file_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        assert!(create_atomic(&target, b"first").unwrap(), "creating a new file must succeed");
        assert!(!create_atomic(&target, b"second").unwrap(), "creating over an existing file must fail");
        assert_eq!(fs::read(&target).unwrap(), b"first", "a refused create must not touch the file");
        assert_eq!(entries(dir.path()), ["a.json"], "no temp file may remain after a refused create");
    }

    #[test]
    fn failed_write_removes_its_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty directory fails on every platform.
        let target = dir.path().join("occupied");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("x"), b"x").unwrap();
        let err = write_atomic(&target, b"data").expect_err("rename over a directory must fail");
        assert!(err.to_string().contains("occupied"), "the error must name the target: {err}");
        assert_eq!(entries(dir.path()), ["occupied"], "the temp file must be cleaned up on error");
    }

    #[test]
    fn recognises_only_its_own_transient_files() {
        let ours = temp_path(Path::new("/h/projects/p/sessions/p-1.json"));
        assert!(is_grove_temp_file(&ours), "{} is a temp file we create", ours.display());
        let cases = [
            (".p-1.json.lock", true),
            (".p-1.json.break.lock", true),
            (".running.json.lock", true),
            ("p-1.json", false),
            ("p-1.json.corrupt-1700000000000", false),
            ("notes.tmp", false),
            (".tmp", false),
            (".lock", false),
            (".", false),
            (".hidden", false),
        ];
        for (name, expected) in cases {
            assert_eq!(is_grove_temp_file(Path::new(name)), expected, "is_grove_temp_file({name:?})");
        }
    }
}
