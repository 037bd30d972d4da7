//! Stop and restore of many sessions at once (SPEC G1, G3, G5): the one stop the tray's "Stop
//! all", `grove stop` and the app's quit call, and the restore of what that stop recorded in
//! `last-stop.json`. Each session goes through the single-session operation (`Ops::stop`, F5;
//! `Ops::restore`, F4), so the fleet paths end and start runtimes exactly the way those do and
//! only ever touch what Grove owns (G4).
//!
//! Files: `stop` (G1, G3), `restore` (G5), and here the report types both share.

mod restore;
mod stop;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Serialize, Serializer};
use ts_rs::TS;

pub use restore::{FleetRestoreReport, RestoreProgress, RestoreStep};
pub use stop::{FleetStopReport, STOP_CONCURRENCY, STOP_DEADLINE, StopLimits};

use super::error::OpError;
use crate::config::Loaded;
use crate::ids::{ProjectId, SessionId};
use crate::store::StoreError;

/// One session, named with its project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionRef {
    /// Its project.
    pub project_id: ProjectId,
    /// The session.
    pub session_id: SessionId,
}

/// A session the fleet operation could not stop or restore, and why.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FailedSession {
    /// Its project.
    pub project_id: ProjectId,
    /// The session.
    pub session_id: SessionId,
    /// What went wrong, naming the step.
    #[ts(type = "string")]
    pub error: SessionFailure,
}

/// Why one session of a fleet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionFailure {
    /// The single-session operation failed at a step.
    #[error(transparent)]
    Op(#[from] OpError),
    /// The stop did not finish within its deadline. It was abandoned so the others could finish;
    /// its runtime may still be running, and its record was not changed by this stop.
    #[error("stop {session} did not finish within {deadline:?} and was abandoned; it may still be running")]
    TimedOut {
        /// The session.
        session: SessionId,
        /// The deadline it missed.
        deadline: Duration,
    },
    /// The task running the operation panicked or was cancelled.
    #[error("{op} {}: background task failed: {reason}", session.as_ref().map_or("?", |s| s.as_str()))]
    Task {
        /// `stop` or `restore`.
        op: &'static str,
        /// The session, once known.
        session: Option<SessionId>,
        /// The panic or cancellation.
        reason: String,
    },
}

/// Reports carry errors as their message, the way the CLI prints them and the UI shows them.
impl Serialize for SessionFailure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Which config a fleet operation ran under, so its report can say so (SPEC C4: a fallback names
/// the file used and why).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfigNote {
    /// The config files read, global first; empty for built-in defaults.
    #[ts(type = "Array<string>")]
    pub files: Vec<PathBuf>,
    /// What the user should know about the load, such as a fallback and its reason.
    pub warnings: Vec<String>,
}

impl From<&Loaded> for ConfigNote {
    fn from(loaded: &Loaded) -> Self {
        Self { files: loaded.sources.clone(), warnings: loaded.warnings.clone() }
    }
}

/// A fleet operation that could not run at all (as opposed to single sessions failing, which
/// the reports list).
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// `grove stop P` for a project neither the config nor the store knows (a typo, most likely).
    #[error("project {0} is not in the config and has no sessions")]
    UnknownProject(ProjectId),
    /// `last-stop.json` could not be read, written or removed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A blocking store task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
}

/// Runs a blocking store call on the blocking pool, for the fleet operations' own store calls.
async fn blocking<T: Send + 'static>(
    store: &crate::store::Store,
    call: impl FnOnce(&crate::store::Store) -> T + Send + 'static,
) -> Result<T, FleetError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || call(&store)).await.map_err(|e| FleetError::Task(e.to_string()))
}
