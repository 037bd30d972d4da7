//! Exclusive lock files for read-modify-write (SPEC B2). A lock is a file beside its target,
//! created exclusively and holding the owner's pid. Waiters back off 10 ms doubling to 250 ms and
//! give up after 5 s; a lock whose owner is dead, or which is older than 30 s, is stale and taken
//! over.
//!
//! Taking over is the delicate part: if two waiters both judged a lock stale and both deleted
//! "it", the second could delete the fresh lock the first had just created, and two writers would
//! be in. So a stale lock is only removed while holding a second, short-lived lock (the breaker),
//! and only after judging it stale again under the breaker.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use chrono::{SecondsFormat, Utc};
use serde::Deserialize;

use super::atomic::{LOCK_SUFFIX, create_new};
use super::error::StoreError;
use super::pid::pid_is_dead;

/// First wait after finding a lock taken: most locks are held for a millisecond or two.
pub const LOCK_FIRST_BACKOFF: Duration = Duration::from_millis(10);
/// Longest single wait, so a freed lock is noticed within a quarter second.
pub const LOCK_MAX_BACKOFF: Duration = Duration::from_millis(250);
/// Total wait before giving up with an error: far beyond any honest hold, short enough that a
/// user never faces a silent hang.
pub const LOCK_GIVE_UP_AFTER: Duration = Duration::from_secs(5);
/// Age after which a lock counts as abandoned even if its pid seems alive (the pid may have been
/// reused, or the owner hangs): no store operation holds a lock nearly this long.
pub const LOCK_STALE_AFTER: Duration = Duration::from_secs(30);

/// Distinguishes the locks one process takes, so a release never removes someone else's lock.
static LOCK_COUNTER: AtomicU64 = AtomicU64::new(0);

/// How long to wait for a lock and when a lock counts as stale. The default is SPEC B2; tests use
/// shorter times rather than waiting seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockPolicy {
    /// First wait after finding the lock taken; doubles after each failed try.
    pub first_backoff: Duration,
    /// Cap on a single wait.
    pub max_backoff: Duration,
    /// Total wait before giving up.
    pub give_up_after: Duration,
    /// Age after which a lock is stale whatever its pid says.
    pub stale_after: Duration,
}

impl Default for LockPolicy {
    fn default() -> Self {
        Self {
            first_backoff: LOCK_FIRST_BACKOFF,
            max_backoff: LOCK_MAX_BACKOFF,
            give_up_after: LOCK_GIVE_UP_AFTER,
            stale_after: LOCK_STALE_AFTER,
        }
    }
}

impl LockPolicy {
    /// The wait after the `attempt`-th failed try (0-based): doubling, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        self.first_backoff.saturating_mul(2u32.saturating_pow(attempt)).min(self.max_backoff)
    }
}

/// The lock file guarding `target`: `.<name>.lock` in the same directory.
pub fn lock_file_for(target: &Path) -> PathBuf {
    sibling(target, LOCK_SUFFIX)
}

/// The breaker guarding takeovers of `lock`: `.<name>.break.lock`. Ids cannot contain '.', so
/// this can never be the lock of another record.
fn breaker_for(lock: &Path) -> PathBuf {
    let name = lock.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let stem = name.strip_suffix(LOCK_SUFFIX).unwrap_or(&name);
    lock.with_file_name(format!("{stem}.break{LOCK_SUFFIX}"))
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    target.with_file_name(format!(".{name}{suffix}"))
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct FileLock {
    path: PathBuf,
    content: Vec<u8>,
}

impl FileLock {
    /// Takes the lock at `path` (see [`lock_file_for`]), waiting per `policy`. The directory must
    /// exist. Blocking: async callers run it on a blocking thread.
    pub(crate) fn acquire(path: &Path, policy: &LockPolicy) -> Result<Self, StoreError> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            if let Some(content) = try_create(path)? {
                return Ok(Self { path: path.to_owned(), content });
            }
            let holder = Holder::read(path);
            let retry_now = match &holder {
                // Released between our try and our look: try again at once.
                None => true,
                Some(h) if h.is_stale(policy) => break_stale(path, policy)?,
                Some(_) => false,
            };
            let waited = start.elapsed();
            if waited >= policy.give_up_after {
                let holder = holder.and_then(|h| h.pid);
                return Err(StoreError::LockTimeout { lock: path.to_owned(), waited, holder });
            }
            if !retry_now {
                std::thread::sleep(policy.backoff(attempt).min(policy.give_up_after - waited));
                attempt = attempt.saturating_add(1);
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Remove the lock only if it is still ours. If we held it past `stale_after`, another
        // process may have taken it over, and removing its lock would let a third one in.
        match fs::read(&self.path) {
            Ok(content) if content == self.content => {
                if let Err(e) = fs::remove_file(&self.path) {
                    tracing::warn!(lock = %self.path.display(), "could not release lock: {e}");
                }
            }
            Ok(_) => tracing::warn!(
                lock = %self.path.display(),
                "lock was taken over while held (held longer than it may be); left to its new owner"
            ),
            Err(e) => tracing::warn!(lock = %self.path.display(), "lock vanished while held: {e}"),
        }
    }
}

/// Creates the lock file exclusively and writes the owner into it. `None` if it already exists.
fn try_create(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    let mut file = match create_new(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(None),
        Err(e) => return Err(StoreError::io("create lock file", path, e)),
    };
    let content = owner_content();
    if let Err(e) = file.write_all(&content) {
        let _ = fs::remove_file(path);
        return Err(StoreError::io("write lock file", path, e));
    }
    // No fsync: after a power cut every owner pid is dead, so a lost or empty lock is stale anyway.
    Ok(Some(content))
}

/// `{"pid":..,"acquiredAt":..,"token":..}`: the pid for staleness, the rest so a release can tell
/// its own lock from a successor's and a human can see who held it since when.
fn owner_content() -> Vec<u8> {
    let pid = std::process::id();
    let n = LOCK_COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = Utc::now();
    let token = format!("{pid}-{n}-{}", now.timestamp_nanos_opt().unwrap_or_default());
    serde_json::json!({
        "pid": pid,
        "acquiredAt": now.to_rfc3339_opts(SecondsFormat::Millis, true),
        "token": token,
    })
    .to_string()
    .into_bytes()
}

/// What a lock file says about its holder.
#[derive(Debug)]
struct Holder {
    /// The pid written in the lock; `None` if the content is unreadable (for instance, a creator
    /// died between creating and writing it).
    pid: Option<u32>,
    /// Time since the lock was last modified; `None` if its time is in the future.
    age: Option<Duration>,
}

impl Holder {
    /// Reads the lock at `path`; `None` only if it is gone. A lock that exists but cannot be read
    /// yields a holder about whom nothing is known, which is never stale: waiting is safe, while
    /// treating it as gone would spin without sleeping.
    fn read(path: &Path) -> Option<Self> {
        #[derive(Deserialize)]
        struct Content {
            pid: u32,
        }
        let gone = |e: &io::Error| e.kind() == io::ErrorKind::NotFound;
        let unknown = Self { pid: None, age: None };
        let content = match fs::read(path) {
            Ok(content) => content,
            Err(e) if gone(&e) => return None,
            Err(_) => return Some(unknown),
        };
        let modified = match fs::metadata(path).and_then(|m| m.modified()) {
            Ok(modified) => modified,
            Err(e) if gone(&e) => return None,
            Err(_) => return Some(unknown),
        };
        let pid = serde_json::from_slice::<Content>(&content).ok().map(|c| c.pid);
        Some(Self { pid, age: SystemTime::now().duration_since(modified).ok() })
    }

    fn is_stale(&self, policy: &LockPolicy) -> bool {
        is_stale(self.pid, self.age, policy, pid_is_dead)
    }
}

/// Stale: the owner is provably dead, or the lock is older than `stale_after`. Without a readable
/// pid only the age counts, since the owner may be between creating and writing the file.
fn is_stale(pid: Option<u32>, age: Option<Duration>, policy: &LockPolicy, dead: impl Fn(u32) -> bool) -> bool {
    pid.is_some_and(dead) || age.is_some_and(|a| a > policy.stale_after)
}

/// Removes the stale lock at `path` under the breaker. Returns whether the lock is now gone (so
/// the caller should retry at once) or someone else is dealing with it (so the caller waits).
fn break_stale(path: &Path, policy: &LockPolicy) -> Result<bool, StoreError> {
    let breaker = breaker_for(path);
    let Some(content) = try_create(&breaker)? else {
        // Someone else is taking over right now; a breaker is held for microseconds. One left by
        // a process that died in those microseconds would block every takeover, so a stale
        // breaker is removed. (Two processes doing that at the same instant, just after a third
        // died holding it, is the one race left, and it needs three coincidences.)
        if Holder::read(&breaker).is_some_and(|h| h.is_stale(policy)) {
            let _ = fs::remove_file(&breaker);
        }
        return Ok(false);
    };
    let _breaker = FileLock { path: breaker, content };
    // Judge again: only the breaker's holder may remove a lock, so a lock that is stale now is
    // still this stale lock when it is removed, never a live successor.
    match Holder::read(path) {
        None => Ok(true),
        Some(h) if h.is_stale(policy) => match fs::remove_file(path) {
            Ok(()) => {
                tracing::warn!(lock = %path.display(), pid = ?h.pid, age = ?h.age, "took over a stale lock");
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(StoreError::io("remove stale lock", path, e)),
        },
        Some(_) => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> LockPolicy {
        LockPolicy {
            first_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            give_up_after: Duration::from_millis(100),
            stale_after: Duration::from_secs(30),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn default_policy_is_spec_b2() {
        let p = LockPolicy::default();
        let waits: Vec<u128> = (0..8).map(|a| p.backoff(a).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 250, 250, 250], "backoff must double from 10 ms to 250 ms");
        assert_eq!(p.backoff(u32::MAX), Duration::from_millis(250), "huge attempt counts must not overflow");
        assert_eq!((p.give_up_after, p.stale_after), (Duration::from_secs(5), Duration::from_secs(30)));
    }

    #[test]
    fn staleness_rules() {
        let p = LockPolicy::default();
        let young = Some(Duration::from_secs(1));
        let old = Some(Duration::from_secs(31));
        let dead = |_| true;
        let alive = |_| false;
        assert!(is_stale(Some(7), young, &p, dead), "a dead owner makes a young lock stale");
        assert!(!is_stale(Some(7), young, &p, alive), "a live owner's young lock is not stale");
        assert!(is_stale(Some(7), old, &p, alive), "a lock older than 30 s is stale even if its pid lives");
        assert!(!is_stale(None, young, &p, dead), "an unreadable young lock may be mid-creation");
        assert!(is_stale(None, old, &p, alive), "an unreadable old lock is stale");
        assert!(!is_stale(Some(7), None, &p, alive), "a lock from the future is not stale by age");
    }

    #[test]
    fn names_are_hidden_siblings() {
        let lock = lock_file_for(Path::new("/h/p/sessions/p-1.json"));
        assert_eq!(lock, Path::new("/h/p/sessions/.p-1.json.lock"));
        assert_eq!(breaker_for(&lock), Path::new("/h/p/sessions/.p-1.json.break.lock"));
    }

    #[test]
    fn release_removes_the_lock_and_content_names_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let lock = FileLock::acquire(&path, &quick()).unwrap();
        let content: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(content["pid"], std::process::id(), "the lock must name its owner: {content}");
        drop(lock);
        assert!(names(dir.path()).is_empty(), "release must leave nothing behind: {:?}", names(dir.path()));
    }

    #[test]
    fn held_lock_times_out_with_the_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let _held = FileLock::acquire(&path, &quick()).unwrap();
        let err = FileLock::acquire(&path, &quick()).expect_err("a live, young lock must not be taken");
        match &err {
            StoreError::LockTimeout { lock, waited, holder } => {
                assert_eq!(lock, &path);
                assert!(*waited >= quick().give_up_after, "gave up too early, after {waited:?}");
                assert_eq!(*holder, Some(std::process::id()), "the error must name the holder");
            }
            other => panic!("expected LockTimeout, got {other:?}"),
        }
        assert!(err.to_string().contains(".x.lock"), "message must name the lock file: {err}");
    }

    #[test]
    fn old_lock_is_taken_over_and_its_successor_is_not_removed_by_the_old_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let first = FileLock::acquire(&path, &quick()).unwrap();
        let old = SystemTime::now() - Duration::from_secs(31);
        fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        let second = FileLock::acquire(&path, &quick()).expect("a 31 s old lock is stale");
        drop(first);
        assert!(path.exists(), "the old owner's release must not remove the new owner's lock");
        drop(second);
        assert!(!path.exists(), "the new owner's release removes it");
        assert!(names(dir.path()).is_empty(), "no breaker may be left: {:?}", names(dir.path()));
    }

    #[test]
    fn threads_never_hold_the_lock_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let counter = dir.path().join("n");
        fs::write(&counter, "0").unwrap();
        let policy = LockPolicy { give_up_after: Duration::from_secs(60), ..quick() };
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        let _lock = FileLock::acquire(&path, &policy).unwrap();
                        let n: u32 = fs::read_to_string(&counter).unwrap().parse().unwrap();
                        fs::write(&counter, (n + 1).to_string()).unwrap();
                    }
                });
            }
        });
        assert_eq!(fs::read_to_string(&counter).unwrap(), "200", "an increment was lost: two holders at once");
    }
}
