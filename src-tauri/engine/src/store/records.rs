//! Session records on disk: decoding with its checks, and the single-record operations of
//! [`Store`] (load, find, create, save, update).

use std::fs::{self, File};
use std::io::{self, Read as _};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::Store;
use super::atomic::{create_atomic, encode_pretty, ensure_dir, write_atomic};
use super::error::StoreError;
use super::lock::{FileLock, LockPolicy, lock_file_for};
use super::quarantine::quarantine;
use crate::ids::{ProjectId, SessionId};
use crate::session::{RECORD_VERSION, SessionRecord};

/// First size of a listing's read buffer: a typical record (about 2 KB) fits with room to spare.
const READ_BUFFER_START: usize = 16 * 1024;

/// What reading one record file found.
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every read is a Record, so boxing it would add an allocation per record and save no space"
)]
pub(crate) enum Read {
    /// A valid record.
    Record(SessionRecord),
    /// No such file.
    Missing,
    /// An empty file: an id reserved by a spawn that has not written its record yet (SPEC B4).
    Reserved,
    /// Written by a newer Grove, with this format version; left alone.
    Newer(u64),
    /// Not a record; moved aside to the path given.
    Quarantined { to: std::path::PathBuf, reason: String },
    /// Not a record, and it could not be moved aside (the reason says why).
    CorruptKept { reason: String },
}

/// Why bytes are not a usable record.
enum Problem {
    Reserved,
    Newer(u64),
    Corrupt(String),
}

/// Decodes a record and checks that it belongs where it was found: a record whose id or project
/// differs from its file's name would be updated under one name and shown under another.
fn decode(bytes: &[u8], project: &ProjectId, id: &SessionId) -> Result<SessionRecord, Problem> {
    if bytes.is_empty() {
        return Err(Problem::Reserved);
    }
    let record = match serde_json::from_slice::<SessionRecord>(bytes) {
        Ok(record) => record,
        // A newer format may fail to parse here (a new state, say); that is not corruption.
        Err(e) => return Err(newer_version(bytes).map_or_else(|| Problem::Corrupt(e.to_string()), Problem::Newer)),
    };
    if record.version > RECORD_VERSION {
        return Err(Problem::Newer(record.version.into()));
    }
    if record.id != *id || record.project_id != *project {
        return Err(Problem::Corrupt(format!(
            "the file is {project}/{id} but the record says {}/{}",
            record.project_id, record.id
        )));
    }
    Ok(record)
}

/// How long a spawn may hold a reservation: far beyond its slowest step (a post_create command
/// has 10 minutes). An empty file older than this is no spawn's.
/// How long an operation waits for another one on the same session: a restore takes a few
/// seconds (start, then the grace period of SPEC F4a), more on a loaded machine.
const OPERATION_LOCK_WAIT: Duration = Duration::from_secs(60);

/// When an operation lock counts as stale whatever its pid says: past every deadline of the
/// steps it guards (git, tmux and the grace period add up to well under this).
const OPERATION_LOCK_STALE: Duration = Duration::from_secs(180);

/// Held while an operation on one session runs; dropping it lets the next one in.
#[derive(Debug)]
pub struct OperationLock(#[allow(dead_code)] FileLock);

const RESERVATION_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// An empty file is a reservation (SPEC B4) only if it was created empty and is young. A file
/// modified after it was created held a record that another program emptied (`> file`, or a
/// writer killed after truncating); one older than [`RESERVATION_LIFETIME`] is a spawn that
/// never finished. Both are reported and moved aside like any corrupt record, rather than hidden
/// for good. Where the file system keeps no creation time, only the age tells.
fn emptied_record(problem: Problem, path: &Path) -> Problem {
    let Problem::Reserved = problem else { return problem };
    let Ok(meta) = fs::metadata(path) else { return problem };
    let Ok(modified) = meta.modified() else { return problem };
    if let Ok(created) = meta.created()
        && modified.duration_since(created).is_ok_and(|d| !d.is_zero())
    {
        return Problem::Corrupt("the file is empty: it held a record that another program emptied".into());
    }
    if modified.elapsed().is_ok_and(|age| age > RESERVATION_LIFETIME) {
        return Problem::Corrupt(format!(
            "the file is empty and older than {} minutes: a spawn that never finished, or a record emptied by \
             another program",
            RESERVATION_LIFETIME.as_secs() / 60
        ));
    }
    problem
}

/// The record's `version` if it is higher than this build understands.
fn newer_version(bytes: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Version {
        version: u64,
    }
    let version = serde_json::from_slice::<Version>(bytes).ok()?.version;
    (version > u64::from(RECORD_VERSION)).then_some(version)
}

/// Reads the record at `path` into `buf` (reused across calls by listings) and decodes it. A file
/// that looks corrupt is read again under its lock before it is moved aside, because a writer
/// may have replaced it with a good record in the meantime.
pub(crate) fn read_record(
    path: &Path,
    project: &ProjectId,
    id: &SessionId,
    policy: &LockPolicy,
    buf: &mut Vec<u8>,
) -> Result<Read, StoreError> {
    let len = match read_whole_file(path, buf) {
        Ok(len) => len,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    match decode(&buf[..len], project, id).map_err(|p| emptied_record(p, path)) {
        Ok(record) => Ok(Read::Record(record)),
        Err(Problem::Reserved) => Ok(Read::Reserved),
        Err(Problem::Newer(v)) => Ok(Read::Newer(v)),
        Err(Problem::Corrupt(_)) => {
            let _lock = FileLock::acquire(&lock_file_for(path), policy)?;
            read_locked(path, project, id)
        }
    }
}

/// Reads all of `path` into `buf`, growing it as needed, and returns the length read. Unlike
/// `read_to_end`, it asks the OS for no size or position first: two system calls fewer per file,
/// which is measurable when listing thousands of files. `buf` keeps its size between calls, so
/// after the first few files it never needs to grow or be zeroed again.
fn read_whole_file(path: &Path, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut file = File::open(path)?;
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize((buf.len() * 2).max(READ_BUFFER_START), 0);
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Reads and decodes the record at `path` while the caller holds its lock, quarantining it if it
/// does not parse.
fn read_locked(path: &Path, project: &ProjectId, id: &SessionId) -> Result<Read, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    match decode(&bytes, project, id).map_err(|p| emptied_record(p, path)) {
        Ok(record) => Ok(Read::Record(record)),
        Err(Problem::Reserved) => Ok(Read::Reserved),
        Err(Problem::Newer(v)) => Ok(Read::Newer(v)),
        Err(Problem::Corrupt(reason)) => match quarantine(path) {
            Ok(Some(to)) => {
                tracing::warn!(file = %path.display(), moved_to = %to.display(), "corrupt session record: {reason}");
                Ok(Read::Quarantined { to, reason })
            }
            Ok(None) => Ok(Read::Missing),
            Err(e) => Ok(Read::CorruptKept { reason: format!("{reason}; {e}") }),
        },
    }
}

impl Store {
    /// Reads one record. An absent record, or one only reserved, is `NotFound`; a corrupt one is
    /// moved aside and reported as `Corrupt`.
    pub fn load(&self, project: &ProjectId, id: &SessionId) -> Result<SessionRecord, StoreError> {
        let path = self.home.session_file(project, id);
        let read = read_record(&path, project, id, &self.lock_policy, &mut Vec::new())?;
        into_record(read, &path, project, id)
    }

    /// Finds a session by id alone (the CLI's `grove show ID`), searching every project.
    /// Prefixes are unique across projects (SPEC C5), so at most one project should have it; if
    /// several do, the first by project id wins and the clash is logged.
    pub fn find(&self, id: &SessionId) -> Result<SessionRecord, StoreError> {
        let mut found = super::list::project_ids(&self.home, &mut Vec::new())
            .into_iter()
            .filter(|p| self.home.session_file(p, id).is_file());
        let Some(project) = found.next() else {
            return Err(StoreError::NotFound { id: id.clone(), project: None });
        };
        let others: Vec<ProjectId> = found.collect();
        if !others.is_empty() {
            tracing::warn!(%id, chosen = %project, ?others, "session id exists in several projects");
        }
        self.load(&project, id)
    }

    /// Writes a new record; fails with `AlreadyExists` if its file exists (also when the id is
    /// only reserved: a reservation belongs to the spawn that made it).
    pub fn create(&self, record: &SessionRecord) -> Result<(), StoreError> {
        let path = self.home.session_file(&record.project_id, &record.id);
        let bytes = encode_pretty(record, &path)?;
        ensure_dir(&self.home.sessions_dir(&record.project_id))?;
        if create_atomic(&path, &bytes)? {
            Ok(())
        } else {
            Err(StoreError::AlreadyExists { id: record.id.clone(), path })
        }
    }

    /// Writes a record, replacing any previous version, under its lock so it never lands in the
    /// middle of someone else's read-modify-write.
    pub fn save(&self, record: &SessionRecord) -> Result<(), StoreError> {
        let path = self.home.session_file(&record.project_id, &record.id);
        // Encoded before locking, so the lock is held only for the write itself.
        let bytes = encode_pretty(record, &path)?;
        ensure_dir(&self.home.sessions_dir(&record.project_id))?;
        let _lock = FileLock::acquire(&lock_file_for(&path), &self.lock_policy)?;
        write_atomic(&path, &bytes)
    }

    /// Takes the lock that serialises whole operations on one session across processes (SPEC F4a:
    /// concurrent restores of one session share one operation, so two never start two agents and
    /// kill each other's). Held for the operation's length, which is why it waits and goes stale
    /// later than a record lock. Blocking: async callers run it on a blocking thread.
    pub fn operation_lock(&self, project: &ProjectId, id: &SessionId) -> Result<OperationLock, StoreError> {
        let dir = self.home.sessions_dir(project);
        if !dir.is_dir() {
            return Err(StoreError::NotFound { id: id.clone(), project: Some(project.clone()) });
        }
        let policy =
            LockPolicy { give_up_after: OPERATION_LOCK_WAIT, stale_after: OPERATION_LOCK_STALE, ..self.lock_policy };
        let path = lock_file_for(&dir.join(format!("{id}.operation")));
        FileLock::acquire(&path, &policy).map(OperationLock)
    }

    /// Read-modify-write under the record's lock (SPEC B2): reads the record, lets `change` edit
    /// it, writes it back, and returns what was written. Concurrent updates from any number of
    /// processes are applied one after another, none lost. Nothing is written if `change` left
    /// the record as it was (so a no-op does not wake file watchers). `change` may not alter the
    /// record's id or project.
    pub fn update(
        &self,
        project: &ProjectId,
        id: &SessionId,
        change: impl FnOnce(&mut SessionRecord),
    ) -> Result<SessionRecord, StoreError> {
        let path = self.home.session_file(project, id);
        // The lock lives beside the record; without the directory there is no record either.
        if !self.home.sessions_dir(project).is_dir() {
            return Err(StoreError::NotFound { id: id.clone(), project: Some(project.clone()) });
        }
        let _lock = FileLock::acquire(&lock_file_for(&path), &self.lock_policy)?;
        let mut record = into_record(read_locked(&path, project, id)?, &path, project, id)?;
        let before = record.clone();
        change(&mut record);
        if record.id != *id || record.project_id != *project {
            return Err(StoreError::WrongRecord {
                path,
                expected: format!("{project}/{id}"),
                found: format!("{}/{}", record.project_id, record.id),
            });
        }
        if record != before {
            write_atomic(&path, &encode_pretty(&record, &path)?)?;
        }
        Ok(record)
    }
}

/// Turns a read of a single record into the record or the error a caller asking for it gets.
fn into_record(read: Read, path: &Path, project: &ProjectId, id: &SessionId) -> Result<SessionRecord, StoreError> {
    match read {
        Read::Record(record) => Ok(record),
        Read::Missing | Read::Reserved => Err(StoreError::NotFound { id: id.clone(), project: Some(project.clone()) }),
        Read::Newer(found) => Err(StoreError::NewerVersion { path: path.to_owned(), found, supported: RECORD_VERSION }),
        Read::Quarantined { to, reason } => {
            Err(StoreError::Corrupt { path: path.to_owned(), quarantined_as: Some(to), reason })
        }
        Read::CorruptKept { reason } => {
            Err(StoreError::Corrupt { path: path.to_owned(), quarantined_as: None, reason })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (ProjectId, SessionId) {
        (ProjectId::new("api").unwrap(), SessionId::new("api-1").unwrap())
    }

    fn record_json(version: u64, id: &str) -> String {
        serde_json::json!({
            "version": version, "id": id, "projectId": "api", "agent": "shell", "runtime": "process",
            "branch": "b", "worktree": "/w", "createdAt": "2025-01-01T00:00:00Z",
            "lifecycle": {"session": {"state": "working", "reason": "task_in_progress",
                                      "lastTransitionAt": "2025-01-01T00:00:00Z"}}
        })
        .to_string()
    }

    fn describe(result: Result<SessionRecord, Problem>) -> String {
        match result {
            Ok(r) => format!("record {}", r.id),
            Err(Problem::Reserved) => "reserved".into(),
            Err(Problem::Newer(v)) => format!("newer {v}"),
            Err(Problem::Corrupt(_)) => "corrupt".into(),
        }
    }

    #[test]
    fn decode_classifies_every_kind_of_file() {
        let (project, id) = ids();
        let newer_unparseable = record_json(2, "api-1").replace("\"working\"", "\"paused\"");
        let cases = [
            (record_json(1, "api-1"), "record api-1", "a valid record"),
            (String::new(), "reserved", "an empty file is a reservation"),
            ("{\"id\": \"api-1\", ".into(), "corrupt", "truncated JSON"),
            ("[1, 2]".into(), "corrupt", "not an object"),
            (record_json(1, "api-2"), "corrupt", "the record names another session"),
            (record_json(2, "api-1"), "newer 2", "a newer format that happens to parse"),
            (newer_unparseable, "newer 2", "a newer format with a value this build lacks"),
            (
                record_json(1, "api-1").replace("\"working\"", "\"paused\""),
                "corrupt",
                "an unknown state at this version",
            ),
        ];
        for (bytes, expected, why) in cases {
            assert_eq!(describe(decode(bytes.as_bytes(), &project, &id)), expected, "{why}");
        }
    }

    #[test]
    fn an_empty_file_is_a_reservation_only_while_young_and_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.json");
        File::create_new(&fresh).unwrap();
        assert_eq!(describe(Err(emptied_record(Problem::Reserved, &fresh))), "reserved", "a spawn's reservation");

        let stale = dir.path().join("stale.json");
        let file = File::create_new(&stale).unwrap();
        let long_ago = std::time::SystemTime::now() - RESERVATION_LIFETIME - Duration::from_secs(60);
        file.set_modified(long_ago).unwrap();
        assert_eq!(
            describe(Err(emptied_record(Problem::Reserved, &stale))),
            "corrupt",
            "an empty file older than any spawn is reported"
        );
    }
}
