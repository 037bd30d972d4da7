//! New session ids (SPEC B4): `<prefix>-<n>`, n one above the highest number in use, reserved by
//! creating the record file exclusively. Two concurrent spawns, in one process or several, can
//! both compute the same n, but only one exclusive create succeeds; the other moves on to n + 1.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Store;
use super::atomic::{create_new, encode_pretty, ensure_dir, write_atomic};
use super::error::StoreError;
use super::lock::{FileLock, lock_file_for};
use crate::ids::{IdKind, ProjectId, SessionId, validate};
use crate::session::SessionRecord;

/// Numbers tried before giving up. Each taken number costs one failed exclusive create, so this
/// only ends a loop that something keeps winning; AO used the same bound.
const MAX_RESERVE_ATTEMPTS: u32 = 10_000;

/// An id reserved for a session being spawned: an empty record file, which listings skip and
/// `create` refuses. Write the record with [`Store::create_reserved`]; dropping the reservation
/// unused (the spawn failed) frees the id again.
#[derive(Debug)]
#[must_use = "dropping a reservation releases the id"]
pub struct Reservation {
    project: ProjectId,
    id: SessionId,
    path: PathBuf,
    committed: bool,
}

impl Reservation {
    /// The reserved id.
    pub fn id(&self) -> &SessionId {
        &self.id
    }

    /// The project it was reserved in.
    pub fn project(&self) -> &ProjectId {
        &self.project
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Only an empty file is still a bare reservation; never remove a written record.
        if !fs::metadata(&self.path).is_ok_and(|m| m.len() == 0) {
            return;
        }
        if let Err(e) = fs::remove_file(&self.path) {
            tracing::warn!(file = %self.path.display(), "could not release reserved id: {e}");
        }
    }
}

impl Store {
    /// Reserves the next id `<prefix>-<n>` in `project`. n is one above the highest number used
    /// by a record, a quarantined record or a worktree of this prefix: a quarantined session's
    /// worktree may still exist, and reusing its id would collide with it. `prefix` is validated
    /// like an id before any path is built from it.
    pub fn reserve_id(&self, project: &ProjectId, prefix: &str) -> Result<Reservation, StoreError> {
        validate(IdKind::SessionPrefix, prefix)?;
        let dir = self.home.sessions_dir(project);
        ensure_dir(&dir)?;
        let worktrees = self.home.project_dir(project).join("worktrees");
        let highest = [&dir, &worktrees].into_iter().filter_map(|d| highest_number(d, prefix)).max();
        let mut n = highest.map_or(Some(1), |h| h.checked_add(1));
        for _ in 0..MAX_RESERVE_ATTEMPTS {
            let Some(number) = n else { break };
            let id = SessionId::new(format!("{prefix}-{number}"))?;
            let path = self.home.session_file(project, &id);
            match create_new(&path) {
                // No fsync: if a crash loses the empty file, nothing was spawned under the id yet.
                Ok(_) => return Ok(Reservation { project: project.clone(), id, path, committed: false }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n = number.checked_add(1),
                Err(e) => return Err(StoreError::io("reserve", path, e)),
            }
        }
        Err(StoreError::IdsExhausted {
            project: project.clone(),
            prefix: prefix.to_owned(),
            attempts: MAX_RESERVE_ATTEMPTS,
        })
    }

    /// Writes the first version of a reserved session's record, ending the reservation. The
    /// record must carry the reserved id and project.
    pub fn create_reserved(&self, mut reservation: Reservation, record: &SessionRecord) -> Result<(), StoreError> {
        let path = reservation.path.clone();
        if record.id != reservation.id || record.project_id != reservation.project {
            return Err(StoreError::WrongRecord {
                path,
                expected: format!("{}/{}", reservation.project, reservation.id),
                found: format!("{}/{}", record.project_id, record.id),
            });
        }
        let bytes = encode_pretty(record, &path)?;
        let _lock = FileLock::acquire(&lock_file_for(&path), &self.lock_policy)?;
        // The reservation is ours, but check it is still the empty file we made rather than
        // overwrite something another writer put there against the rules.
        match fs::metadata(&path) {
            Ok(m) if m.len() == 0 => {}
            Ok(_) => return Err(StoreError::AlreadyExists { id: reservation.id.clone(), path }),
            Err(e) => return Err(StoreError::io("check reservation", path, e)),
        }
        write_atomic(&path, &bytes)?;
        reservation.committed = true;
        Ok(())
    }
}

/// The highest n among names `<prefix>-<n>`, `<prefix>-<n>.json` and `<prefix>-<n>.json.*` in
/// `dir`; `None` if there are none or `dir` is missing.
fn highest_number(dir: &Path, prefix: &str) -> Option<u64> {
    fs::read_dir(dir).ok()?.filter_map(Result::ok).filter_map(|e| number_in(e.file_name().to_str()?, prefix)).max()
}

/// The n of `<prefix>-<n>` at the start of `name`, followed by nothing or by `.json`. A prefix may
/// itself end in `-<digits>` (`api-2`), so `api-2-5` is prefix `api-2` number 5, not prefix `api`.
fn number_in(name: &str, prefix: &str) -> Option<u64> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(end);
    if digits.is_empty() || !(tail.is_empty() || tail.starts_with(".json")) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_only_from_names_of_this_prefix() {
        let cases = [
            ("api-7.json", Some(7)),
            ("api-7", Some(7)),
            ("api-12.json.corrupt-1700000000000", Some(12)),
            ("api-0007.json", Some(7)),
            ("api-2-5.json", None),
            ("api-x.json", None),
            ("api-.json", None),
            ("api-7.txt", None),
            ("apix-7.json", None),
            (".api-7.json.lock", None),
            (".api-7.json.123.0.tmp", None),
            ("api-99999999999999999999999.json", None),
        ];
        for (name, expected) in cases {
            assert_eq!(number_in(name, "api"), expected, "number_in({name:?}, \"api\")");
        }
        assert_eq!(number_in("api-2-5.json", "api-2"), Some(5), "a prefix may end in -<digits>");
    }
}
