//! `list_stored`: every session record under `GROVE_HOME`, read from disk only (no probes, no
//! child processes), in time proportional to the number of records. Used where membership and
//! persisted lifecycle are needed fast: stop, shutdown, snapshots. One bad file never fails the
//! listing; it becomes a warning.

use std::fs;
use std::io;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use super::Store;
use super::error::{StoreError, StoreWarning};
use super::lock::LockPolicy;
use super::records::{Read, read_record};
use crate::home::GroveHome;
use crate::ids::{ProjectId, SessionId};
use crate::session::SessionRecord;

/// Below this many files a single thread is faster than starting others.
const PARALLEL_MIN_FILES: usize = 64;
/// Reading is bounded by file-system calls and JSON parsing; beyond this many threads they only
/// contend with each other and with the rest of the app.
const MAX_READ_THREADS: usize = 8;

/// The records found on disk and what was skipped, each skip once as a warning.
#[derive(Debug, Default)]
pub struct StoredSessions {
    /// Valid records, ordered by project, then creation time, then id.
    pub sessions: Vec<SessionRecord>,
    /// Files that were not listed, and why.
    pub warnings: Vec<StoreWarning>,
}

/// Lists every project's records under `home` with the default lock policy.
pub fn list_stored(home: &GroveHome) -> StoredSessions {
    list(home, None, &LockPolicy::default())
}

/// Lists one project's records under `home` with the default lock policy.
pub fn list_stored_project(home: &GroveHome, project: &ProjectId) -> StoredSessions {
    list(home, Some(project), &LockPolicy::default())
}

impl Store {
    /// Lists every project's records (see [`list_stored`]).
    pub fn list_stored(&self) -> StoredSessions {
        list(&self.home, None, &self.lock_policy)
    }

    /// Lists one project's records (see [`list_stored_project`]).
    pub fn list_stored_project(&self, project: &ProjectId) -> StoredSessions {
        list(&self.home, Some(project), &self.lock_policy)
    }
}

/// A record file found by name, not read yet.
struct Candidate {
    project: ProjectId,
    id: SessionId,
    path: PathBuf,
}

fn list(home: &GroveHome, only: Option<&ProjectId>, policy: &LockPolicy) -> StoredSessions {
    let mut out = StoredSessions::default();
    let projects = match only {
        Some(project) => vec![project.clone()],
        None => project_ids(home, &mut out.warnings),
    };
    let mut candidates = Vec::new();
    for project in projects {
        find_records(home, project, &mut candidates, &mut out.warnings);
    }
    for (candidate, read) in candidates.iter().zip(read_all(&candidates, policy)) {
        let file = candidate.path.clone();
        match read {
            Ok(Read::Record(record)) => out.sessions.push(record),
            // Gone since the directory was read, or reserved by a spawn in progress: not a session yet.
            Ok(Read::Missing | Read::Reserved) => {}
            Ok(Read::Newer(version)) => out.warnings.push(StoreWarning::NewerVersion { file, version }),
            Ok(Read::Quarantined { to, reason }) => {
                out.warnings.push(StoreWarning::Quarantined { file, quarantined_as: to, reason })
            }
            Ok(Read::CorruptKept { reason }) => out.warnings.push(StoreWarning::Corrupt { file, reason }),
            Err(e @ StoreError::LockTimeout { .. }) => {
                let reason = format!("it does not parse, and could not be re-checked under its lock: {e}");
                out.warnings.push(StoreWarning::Corrupt { file, reason })
            }
            Err(e) => out.warnings.push(StoreWarning::Unreadable { path: file, error: e.to_string() }),
        }
    }
    // Unstable sort: (project, id) is unique, so equal keys cannot occur and stability buys nothing.
    out.sessions
        .sort_unstable_by(|a, b| (&a.project_id, a.created_at, &a.id).cmp(&(&b.project_id, b.created_at, &b.id)));
    for warning in &out.warnings {
        // Quarantines were logged once, when they happened. The rest describe files that stay as
        // they are and would repeat on every listing, so they go to the caller (who shows them)
        // and only to the debug log.
        if !matches!(warning, StoreWarning::Quarantined { .. }) {
            tracing::debug!("{warning}");
        }
    }
    out
}

/// The projects that have a directory under `projects/`, sorted. Entries whose names are not
/// valid project ids are not Grove's and are skipped.
pub(crate) fn project_ids(home: &GroveHome, warnings: &mut Vec<StoreWarning>) -> Vec<ProjectId> {
    let dir = home.projects_dir();
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            warnings.push(StoreWarning::Unreadable { path: dir, error: e.to_string() });
            return Vec::new();
        }
    };
    let mut projects: Vec<ProjectId> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| ProjectId::new(e.file_name().to_str()?).ok())
        .collect();
    projects.sort();
    projects
}

/// Adds `projects/<p>/sessions/<id>.json` for every valid id to `out`. Temp files, locks,
/// quarantined files and anything else whose name is not `<valid id>.json` are skipped.
fn find_records(home: &GroveHome, project: ProjectId, out: &mut Vec<Candidate>, warnings: &mut Vec<StoreWarning>) {
    let dir = home.sessions_dir(&project);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return,
        Err(e) => {
            warnings.push(StoreWarning::Unreadable { path: dir, error: e.to_string() });
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")).and_then(|s| SessionId::new(s).ok()) else {
            continue;
        };
        out.push(Candidate { project: project.clone(), id, path: entry.path() });
    }
}

/// Reads every candidate, spreading contiguous chunks over a few threads when there are enough
/// files to pay for them. Results come back in candidate order.
fn read_all(candidates: &[Candidate], policy: &LockPolicy) -> Vec<Result<Read, StoreError>> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(MAX_READ_THREADS);
    if threads == 1 || candidates.len() < PARALLEL_MIN_FILES {
        return read_chunk(candidates, policy);
    }
    let chunk_len = candidates.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            candidates.chunks(chunk_len).map(|chunk| scope.spawn(move || read_chunk(chunk, policy))).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

fn read_chunk(candidates: &[Candidate], policy: &LockPolicy) -> Vec<Result<Read, StoreError>> {
    // One buffer per thread, reused for every file: it saves an allocation per record.
    let mut buf = Vec::new();
    candidates.iter().map(|c| read_record(&c.path, &c.project, &c.id, policy, &mut buf)).collect()
}
