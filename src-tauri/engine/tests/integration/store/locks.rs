//! Lock files beside records (SPEC B2): stale locks are taken over, live ones are waited for and
//! then given up on with an error naming the lock.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use grove_engine::store::{LockPolicy, Store, StoreError, lock_file_for};
use serde_json::json;

use super::{names_in, project, record, session, temp_store};

/// Short waits so the test does not sit through the real 5 s; staleness keeps its real 30 s.
fn quick(store: Store, give_up_after: Duration) -> Store {
    store.with_lock_policy(LockPolicy {
        first_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
        give_up_after,
        stale_after: LockPolicy::default().stale_after,
    })
}

/// A store with api/api-1 and the path of that record's lock.
fn store_with_record(give_up_after: Duration) -> (tempfile::TempDir, Store, PathBuf) {
    let (dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let lock = lock_file_for(&dir.path().join("projects/api/sessions/api-1.json"));
    (dir, quick(store, give_up_after), lock)
}

fn write_lock(lock: &PathBuf, pid: u32) -> String {
    let content = json!({"pid": pid, "acquiredAt": "2025-01-01T00:00:00Z"}).to_string();
    fs::write(lock, &content).unwrap();
    content
}

fn set_agent(store: &Store, agent: &str) -> Result<(), StoreError> {
    store.update(&project("api"), &session("api-1"), |r| r.agent = agent.into()).map(drop)
}

#[cfg(unix)]
#[test]
fn lock_of_a_dead_process_is_taken_over() {
    let (dir, store, lock) = store_with_record(Duration::from_secs(30));
    let mut child = std::process::Command::new("true").spawn().expect("spawn `true`");
    let dead_pid = child.id();
    child.wait().expect("reap `true`");
    write_lock(&lock, dead_pid);

    set_agent(&store, "codex").expect("a lock whose owner is dead must be taken over");
    assert_eq!(store.load(&project("api"), &session("api-1")).unwrap().agent, "codex");
    assert_eq!(
        names_in(&dir.path().join("projects/api/sessions")),
        ["api-1.json"],
        "the stale lock and the breaker must be gone after the update"
    );
}

#[test]
fn lock_older_than_30_seconds_is_taken_over_even_if_its_pid_lives() {
    let (_dir, store, lock) = store_with_record(Duration::from_secs(30));
    // Our own pid: certainly alive, so only the age can make this lock stale.
    write_lock(&lock, std::process::id());
    let old = SystemTime::now() - Duration::from_secs(31);
    fs::File::options().write(true).open(&lock).unwrap().set_modified(old).unwrap();

    set_agent(&store, "aider").expect("a 31 s old lock must be taken over");
    assert_eq!(store.load(&project("api"), &session("api-1")).unwrap().agent, "aider");
    assert!(!lock.exists(), "the update's own lock must be released");
}

#[test]
fn live_lock_makes_the_writer_wait_then_give_up_with_a_clear_error() {
    let give_up = Duration::from_millis(300);
    let (_dir, store, lock) = store_with_record(give_up);
    let held = write_lock(&lock, std::process::id());

    let started = Instant::now();
    let err = set_agent(&store, "codex").expect_err("a live, fresh lock must not be taken");
    let waited = started.elapsed();
    match &err {
        StoreError::LockTimeout { lock: named, holder, .. } => {
            assert_eq!(named, &lock, "the error must name the lock file");
            assert_eq!(*holder, Some(std::process::id()), "the error must name the holder's pid");
        }
        other => panic!("expected LockTimeout, got {other:?}"),
    }
    assert!(waited >= give_up, "gave up after {waited:?}, before the {give_up:?} policy allowed");
    let message = err.to_string();
    assert!(message.contains(".api-1.json.lock") && message.contains("pid"), "unclear message: {message}");
    assert_eq!(fs::read_to_string(&lock).unwrap(), held, "a live lock must be left exactly as it was");
    assert_eq!(store.load(&project("api"), &session("api-1")).unwrap().agent, "shell", "nothing may be written");

    // Once the holder releases, the same writer gets through.
    fs::remove_file(&lock).unwrap();
    set_agent(&store, "codex").expect("a released lock can be taken");
}
