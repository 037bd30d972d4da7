//! What can go wrong in the store, each error saying what and where (file, id), and the warnings a
//! listing reports instead of failing.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::ids::{IdError, ProjectId, SessionId};

/// A store operation that could not be done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An id was rejected before any path was built from it.
    #[error(transparent)]
    Id(#[from] IdError),
    /// No record with this id (or only a reservation for it: spawn has not written it yet).
    #[error("no session {id}{}", in_project(project.as_ref()))]
    NotFound {
        /// The id asked for.
        id: SessionId,
        /// The project searched, when the caller named one.
        project: Option<ProjectId>,
    },
    /// `create` or a reservation found the record file already there.
    #[error("session {id} already exists ({})", path.display())]
    AlreadyExists {
        /// The id that is taken.
        id: SessionId,
        /// The existing file.
        path: PathBuf,
    },
    /// The file does not parse; it was moved aside (SPEC B3) when `quarantined_as` is set.
    #[error("{} is not a valid record ({reason}){}", path.display(), moved_to(quarantined_as.as_ref()))]
    Corrupt {
        /// The file as it was named when read.
        path: PathBuf,
        /// Where it was moved; `None` if someone else moved it first or the rename failed.
        quarantined_as: Option<PathBuf>,
        /// What is wrong with it.
        reason: String,
    },
    /// The file was written by a newer Grove; this version neither reads nor rewrites it.
    #[error("{} has format version {found}; this Grove understands up to {supported}", path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// The highest version this build reads.
        supported: u32,
    },
    /// A write would change which file a record belongs in (its id or project).
    #[error("{} belongs to {expected}, refusing to write a record for {found} there", path.display())]
    WrongRecord {
        /// The file being written.
        path: PathBuf,
        /// `project/id` the file belongs to.
        expected: String,
        /// `project/id` of the record offered.
        found: String,
    },
    /// Another process holds the lock and did not release it in time (SPEC B2).
    #[error(
        "gave up after {waited:?} waiting for lock {}{}",
        lock.display(),
        holder.map(|pid| format!(" held by pid {pid}")).unwrap_or_default()
    )]
    LockTimeout {
        /// The lock file.
        lock: PathBuf,
        /// How long this caller waited.
        waited: Duration,
        /// The pid written in the lock, if it could be read.
        holder: Option<u32>,
    },
    /// `running.json` names a live Grove process other than the caller (SPEC B5).
    #[error("Grove is already running as pid {pid} (see {})", path.display())]
    AlreadyRunning {
        /// The running app's pid.
        pid: u32,
        /// The `running.json` file.
        path: PathBuf,
    },
    /// Every candidate id up to the attempt limit was taken.
    #[error("could not reserve a new id for prefix {prefix} in project {project} after {attempts} attempts")]
    IdsExhausted {
        /// The project.
        project: ProjectId,
        /// The session prefix.
        prefix: String,
        /// How many numbers were tried.
        attempts: u32,
    },
    /// A file-system call failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done ("read", "rename", ...).
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A value could not be encoded as JSON (not expected for the store's own types).
    #[error("could not encode {}: {source}", path.display())]
    Encode {
        /// The file it was meant for.
        path: PathBuf,
        /// The encoder's error.
        source: serde_json::Error,
    },
}

impl StoreError {
    /// An I/O error with what was being done and to which path.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io { action, path: path.into(), source }
    }
}

fn in_project(project: Option<&ProjectId>) -> String {
    project.map(|p| format!(" in project {p}")).unwrap_or_default()
}

fn moved_to(quarantined_as: Option<&PathBuf>) -> String {
    quarantined_as.map(|q| format!("; moved to {}", q.display())).unwrap_or_default()
}

/// Something a listing skipped, reported instead of failing the whole listing. The UI shows these
/// and they are logged; each is reported once because the file is moved aside or simply skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum StoreWarning {
    /// A record did not parse and was moved aside (SPEC B3); its bytes are kept under the new name.
    Quarantined {
        /// The record file as it was named.
        file: PathBuf,
        /// Where it is now.
        quarantined_as: PathBuf,
        /// Why it is not a session.
        reason: String,
    },
    /// A record did not parse and could not be moved aside; it is skipped and will be reported
    /// again by the next listing.
    Corrupt {
        /// The record file.
        file: PathBuf,
        /// Why it is not a session, and why it could not be moved.
        reason: String,
    },
    /// A record written by a newer Grove; left untouched.
    NewerVersion {
        /// The record file.
        file: PathBuf,
        /// Its format version.
        version: u64,
    },
    /// A file or directory could not be read at all; left untouched.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// The OS error.
        error: String,
    },
}

impl fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Quarantined { file, quarantined_as, reason } => write!(
                f,
                "{} is not a valid session record ({reason}); moved to {}",
                file.display(),
                quarantined_as.display()
            ),
            Self::Corrupt { file, reason } => {
                write!(f, "{} is not a valid session record ({reason})", file.display())
            }
            Self::NewerVersion { file, version } => {
                write!(f, "{} was written by a newer Grove (format version {version}); skipped", file.display())
            }
            Self::Unreadable { path, error } => write!(f, "could not read {}: {error}", path.display()),
        }
    }
}
