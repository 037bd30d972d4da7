//! The single-document files at the root of `GROVE_HOME` (`running.json`, `last-stop.json`):
//! read, written atomically under their lock, removed, and quarantined like records when they do
//! not parse.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::atomic::{encode_pretty, ensure_dir, sync_parent, write_atomic};
use super::error::StoreError;
use super::lock::{FileLock, LockPolicy, lock_file_for};
use super::quarantine::quarantine;

/// Takes the lock of the file at `path`, creating `GROVE_HOME` first if needed.
pub(crate) fn lock(path: &Path, policy: &LockPolicy) -> Result<FileLock, StoreError> {
    if let Some(dir) = path.parent() {
        ensure_dir(dir)?;
    }
    FileLock::acquire(&lock_file_for(path), policy)
}

/// Reads the document at `path`: `None` if there is none. One that does not parse is re-read
/// under the lock (a writer may have just replaced it) and, if still bad, moved aside and
/// reported as `Corrupt`.
pub(crate) fn read<T: DeserializeOwned>(path: &Path, policy: &LockPolicy) -> Result<Option<T>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    if let Ok(value) = serde_json::from_slice(&bytes) {
        return Ok(Some(value));
    }
    let _lock = lock(path, policy)?;
    read_locked(path)
}

/// Like [`read`], for a caller that already holds the lock.
pub(crate) fn read_locked<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    match serde_json::from_slice(&bytes) {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            let reason = e.to_string();
            let quarantined_as = quarantine(path)?;
            if let Some(to) = &quarantined_as {
                tracing::warn!(file = %path.display(), moved_to = %to.display(), "corrupt file: {reason}");
            }
            Err(StoreError::Corrupt { path: path.to_owned(), quarantined_as, reason })
        }
    }
}

/// Writes `value` to `path` atomically; the caller holds the lock.
pub(crate) fn write_locked<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    write_atomic(path, &encode_pretty(value, path)?)
}

/// Removes `path`; the caller holds the lock. Returns whether there was a file to remove.
pub(crate) fn remove_locked(path: &Path) -> Result<bool, StoreError> {
    match fs::remove_file(path) {
        Ok(()) => {
            sync_parent(path)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StoreError::io("remove", path, e)),
    }
}
