//! Quarantine (SPEC B3): a file that does not parse is renamed to `<name>.corrupt-<unix-ms>` and
//! never deleted, so nothing a user or a buggy writer put there is lost, and the next listing
//! does not report it again (the new name no longer ends in `.json`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::atomic::sync_parent;
use super::error::StoreError;

/// Marks a quarantined file; followed by the time of quarantine in unix milliseconds.
const CORRUPT_MARK: &str = ".corrupt-";

/// Moves `path` aside. The caller holds the file's lock, so no other Grove process renames or
/// rewrites it meanwhile. Returns the new name, or `None` if the file was already gone.
pub(crate) fn quarantine(path: &Path) -> Result<Option<PathBuf>, StoreError> {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Two quarantines of the same name in one millisecond need distinct names: rename would
    // silently replace the first. Quarantine names are only made under the lock, so checking
    // for a free name first is enough.
    let mut target = path.with_file_name(format!("{name}{CORRUPT_MARK}{millis}"));
    let mut k = 1;
    while target.symlink_metadata().is_ok() {
        target = path.with_file_name(format!("{name}{CORRUPT_MARK}{millis}-{k}"));
        k += 1;
    }
    match fs::rename(path, &target) {
        Ok(()) => {
            sync_parent(&target)?;
            Ok(Some(target))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io("move aside corrupt file", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_aside_keeping_the_bytes_and_never_overwrites_an_earlier_quarantine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p-1.json");
        let mut moved = Vec::new();
        for content in ["{bad one", "{bad two", "{bad three"] {
            fs::write(&path, content).unwrap();
            let to = quarantine(&path).unwrap().expect("the file exists, so it must be moved");
            let name = to.file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with("p-1.json.corrupt-"), "unexpected quarantine name {name}");
            assert!(!path.exists(), "the original name must be free after quarantine");
            moved.push((to, content));
        }
        for (to, content) in moved {
            assert_eq!(fs::read_to_string(&to).unwrap(), content, "{} lost its bytes", to.display());
        }
    }

    #[test]
    fn missing_file_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(quarantine(&dir.path().join("gone.json")).unwrap(), None, "someone else moved it first");
    }
}
