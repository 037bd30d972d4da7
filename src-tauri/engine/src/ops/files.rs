//! Files that carry user text to agents: the prompt file of a spawn and the temporary file a
//! message is pasted from. Both are readable by the user alone (0600): prompts and messages may
//! hold secrets, and nothing else on the machine needs them.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::Cause;
use crate::home::GroveHome;
use crate::ids::{ProjectId, SessionId};

/// Mode of files holding user text: owner read and write only.
const PRIVATE_FILE_MODE: u32 = 0o600;
/// Mode of the directory of message files: owner only, so other users cannot even list them.
const PRIVATE_DIR_MODE: u32 = 0o700;

/// `projects/<p>/prompts/<id>.txt`: the prompt of a session. Not under `sessions/`, so the
/// record watcher never mistakes it for a record.
pub fn prompt_file(home: &GroveHome, project: &ProjectId, session: &SessionId) -> PathBuf {
    home.project_dir(project).join("prompts").join(format!("{session}.txt"))
}

/// `tmp/`: where message files live for the moment it takes to paste them.
fn message_dir(home: &GroveHome) -> PathBuf {
    home.root().join("tmp")
}

/// Writes `text` to `path` with mode 0600, replacing a file left there by an earlier attempt.
pub fn write_private(path: &Path, text: &str) -> Result<(), Cause> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Cause::io("create directory", dir, e))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_FILE_MODE);
    let mut file = options.open(path).map_err(|e| Cause::io("create", path, e))?;
    // The mode above applies only when the file is created; a leftover may have another one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(PRIVATE_FILE_MODE)).map_err(|e| Cause::io("chmod", path, e))?;
    }
    file.write_all(text.as_bytes()).map_err(|e| Cause::io("write", path, e))?;
    file.sync_all().map_err(|e| Cause::io("sync", path, e))
}

/// A message written to a private temp file, removed when this is dropped (on every path,
/// including a failed paste).
#[derive(Debug)]
pub struct MessageFile {
    path: PathBuf,
    /// A name unique to this message, used for its tmux paste buffer too.
    name: String,
}

impl MessageFile {
    /// Writes `text` to a new file for `session`.
    pub fn create(home: &GroveHome, session: &SessionId, text: &str) -> Result<Self, Cause> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = message_dir(home);
        fs::create_dir_all(&dir).map_err(|e| Cause::io("create directory", &dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&dir, fs::Permissions::from_mode(PRIVATE_DIR_MODE))
                .map_err(|e| Cause::io("chmod", &dir, e))?;
        }
        // Pid and counter make the name unique across processes and concurrent sends; the
        // buffer name must be unique too, or two sends could paste each other's text.
        let name = format!("grove-send-{session}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = dir.join(format!("{name}.txt"));
        let file = Self { path, name };
        write_private(&file.path, text)?;
        Ok(file)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The unique name (also the paste buffer's).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for MessageFile {
    fn drop(&mut self) {
        if let Err(e) = fs::remove_file(&self.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = %self.path.display(), "could not remove message file: {e}");
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn message_files_are_private_exact_and_removed_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let home = GroveHome::at(tmp.path());
        let id = SessionId::new("api-1").unwrap();
        let text = "line 1\n'quoted' $(x) `y` é \\";
        let (a, b) = (MessageFile::create(&home, &id, text).unwrap(), MessageFile::create(&home, &id, "b").unwrap());
        assert_ne!(a.name(), b.name(), "two messages must never share a file or buffer");
        assert_eq!(fs::read_to_string(a.path()).unwrap(), text, "the file holds the text byte for byte");
        let mode = fs::metadata(a.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, PRIVATE_FILE_MODE, "a message file must be 0600, was {mode:o}");
        let path = a.path().to_owned();
        drop(a);
        assert!(!path.exists(), "dropping the message must remove its file");
    }

    #[test]
    fn a_leftover_prompt_file_is_replaced_and_made_private() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("p/prompt.txt");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "old and longer").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, PRIVATE_FILE_MODE);
    }
}
