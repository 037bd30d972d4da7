//! The review state file, `projects/<p>/reviews/<id>.json` (SPEC K2, K3): viewed files, each with
//! the blob id the user saw (so a file the agent changes again is unmarked), and comments.
//!
//! Written like records (SPEC B1): under the file's lock, to a temp file renamed over the target.
//! A file that does not parse is moved aside (`.corrupt-<ms>`, SPEC B3) and the read fails
//! naming it, so a user's comments are never silently replaced by an empty state.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::types::Comment;
use crate::store::{FileLock, LockPolicy, StoreError, encode_pretty, lock_file_for, quarantine, write_atomic};

/// The format version this build writes and reads.
pub(crate) const STATE_VERSION: u32 = 1;

/// The file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StateFile {
    pub version: u32,
    /// Path -> the blob id the user marked viewed.
    #[serde(default)]
    pub viewed: BTreeMap<String, String>,
    /// Comments, oldest first (`outdated` is computed on read and stored as false).
    #[serde(default)]
    pub comments: Vec<Comment>,
}

impl Default for StateFile {
    fn default() -> Self {
        Self { version: STATE_VERSION, viewed: BTreeMap::new(), comments: Vec::new() }
    }
}

/// Reads the state at `path`; a missing file is an empty state. Blocking.
pub(crate) fn load(path: &Path) -> Result<StateFile, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StateFile::default()),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    let newer = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("version").and_then(serde_json::Value::as_u64))
        .filter(|v| *v > u64::from(STATE_VERSION));
    if let Some(found) = newer {
        return Err(StoreError::NewerVersion { path: path.to_owned(), found, supported: STATE_VERSION });
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        let quarantined_as = quarantine(path).ok().flatten();
        StoreError::Corrupt { path: path.to_owned(), quarantined_as, reason: e.to_string() }
    })
}

/// Read-modify-write of the state at `path` under its lock; nothing is written when `change`
/// returns false. Blocking.
pub(crate) fn update_if(
    path: &Path,
    policy: &LockPolicy,
    change: impl FnOnce(&mut StateFile) -> bool,
) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
    let _lock = FileLock::acquire(&lock_file_for(path), policy)?;
    let mut state = load(path)?;
    if !change(&mut state) {
        return Ok(());
    }
    state.version = STATE_VERSION;
    for comment in &mut state.comments {
        comment.outdated = false;
    }
    write_atomic(path, &encode_pretty(&state, path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_empty_and_an_update_writes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reviews").join("p-1.json");
        assert_eq!(load(&path).unwrap(), StateFile::default());
        update_if(&path, &LockPolicy::default(), |s| s.viewed.insert("a".into(), "b".into()).is_none()).unwrap();
        assert_eq!(load(&path).unwrap().viewed.get("a").map(String::as_str), Some("b"));
    }

    /// The corrupt file is named and kept aside, never silently replaced.
    #[test]
    fn a_corrupt_file_is_named_and_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p-1.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.to_string().contains("p-1.json"), "{err}");
        let StoreError::Corrupt { quarantined_as: Some(aside), .. } = err else { panic!("{err:?}") };
        assert_eq!(std::fs::read_to_string(aside).unwrap(), "{not json");
    }
}
