//! The data directory's disk full (SPEC B1, B2, B4, B6, G1): `GROVE_HOME` on a 256 KiB tmpfs,
//! filled to the last page. Writes fail with a typed error naming the file and ENOSPC; the old
//! record (and `last-stop.json`) stays whole; no temp, lock or reservation file is left; reads,
//! the dashboard and probes keep working; once space is freed the same writes go through.
//!
//! Mounting needs root. Not root, the test re-runs itself under `unshare -rm` (a user and mount
//! namespace in which it is root); when that is unavailable too it prints a SKIPPED line.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use grove_engine::config::Config;
use grove_engine::feed::FeedOptions;
use grove_engine::manager::EnrichmentPolicy;
use grove_engine::ops::{ConfigNote, Ops, SessionFailure};
use grove_engine::session::{RuntimeKind, SessionReason, SessionRecord, SessionState};
use grove_engine::store::{LastStop, StopScope, Store, StoreError};

use super::support::{
    App, Behaviour, FakeRuntime, Model, WAIT, assert_work_kept, can_mount, fake_probes, live_record, names_in, poll,
    process_running, project, record_bytes, session, within, worktree_with_work, write_records,
};

/// The data directory's size: a few dozen pages, filled in milliseconds.
const TMPFS_SIZE: &str = "256k";
/// tmpfs hands out space in pages.
const PAGE: usize = 4096;
/// Set in the copy of this binary that runs inside `unshare -rm`.
const IN_NAMESPACE: &str = "GROVE_FAULTS_IN_NAMESPACE";

/// Whether this process can mount a tmpfs; if not, runs `test` in a namespace where it can (and
/// fails if it fails there), or says it is skipped. `false`: the caller has nothing left to do.
fn mounting_works(test: &str) -> bool {
    if can_mount() {
        return true;
    }
    let name = format!("{}::{test}", module_path!().split_once("::").map_or("", |(_, rest)| rest));
    let unshare_works = Command::new("unshare").args(["-rm", "true"]).output().is_ok_and(|o| o.status.success());
    if !unshare_works || std::env::var_os(IN_NAMESPACE).is_some() {
        println!(
            "SKIPPED {name}: this process may not mount (not root, or root without CAP_SYS_ADMIN) and \
             `unshare -rm` is unavailable, so no tmpfs can be the data directory"
        );
        return false;
    }
    let out = Command::new("unshare")
        .args(["-rm", "--"])
        .arg(std::env::current_exe().expect("path of the test binary"))
        .args(["--exact", &name, "--nocapture", "--test-threads=1"])
        .env(IN_NAMESPACE, "1")
        .output()
        .expect("run the test under unshare");
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    assert!(out.status.success() && text.contains("1 passed"), "{name} failed in its namespace:\n{text}");
    false
}

/// A tmpfs of [`TMPFS_SIZE`] mounted on a directory, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path) -> Self {
        fs::create_dir_all(dir).expect("create the mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={TMPFS_SIZE}"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("run mount");
        assert!(out.status.success(), "mount a tmpfs on {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        Self(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(&self.0).status().is_ok_and(|s| s.success());
        if !unmounted {
            // Something still holds a file open; detach it now, it goes when released.
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// A file filling the file system to its last page; shortened to free pages one by one.
struct Filler {
    path: PathBuf,
}

fn is_enospc(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENOSPC)
}

impl Filler {
    /// Writes `dir/<name>` (outside `projects/`, so the store watcher never sees it) until the
    /// file system has not one page left.
    fn fill(dir: &Path, name: &str) -> Self {
        let path = dir.join(name);
        let mut file = fs::File::create(&path).expect("create the filler");
        let chunk = vec![0x5a_u8; 16 * PAGE];
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if is_enospc(&e) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        Self { path }
    }

    /// Frees `n` pages: tmpfs gives back the pages a truncation cuts off.
    fn free(&mut self, n: usize) {
        let len = fs::metadata(&self.path).expect("the filler").len();
        let freed = (n * PAGE) as u64;
        assert!(len > freed, "the filler holds more than {n} pages");
        fs::OpenOptions::new().write(true).open(&self.path).and_then(|f| f.set_len(len - freed)).expect("free pages");
    }

    /// Frees everything.
    fn free_all(self) {
        fs::remove_file(&self.path).expect("remove the filler");
    }
}

/// Fails the test unless `result` is a store I/O error caused by a full disk; returns what the
/// store was doing.
fn assert_disk_full<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) -> &'static str {
    match result {
        Err(StoreError::Io { action, path, source }) if is_enospc(&source) => {
            let message = StoreError::Io { action, path: path.clone(), source }.to_string();
            assert!(message.contains("No space left on device"), "{what}: the message says why: {message}");
            assert!(message.contains(&*path.to_string_lossy()), "{what}: the message names the file: {message}");
            action
        }
        other => panic!("{what} on a full disk must fail with StoreError::Io (ENOSPC), got {other:?}"),
    }
}

fn rename(store: &Store, id: &str, name: &str) -> Result<SessionRecord, StoreError> {
    let name = name.to_owned();
    store.update(&project("api"), &session(id), move |r| r.display_name = Some(name))
}

fn named(m: &Model, id: &str, name: &str) -> bool {
    m.get("api", id).and_then(|s| s.view.record.display_name.as_deref()) == Some(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_data_directory_fails_writes_with_a_typed_error_keeps_every_file_whole_and_recovers() {
    if !mounting_works("a_full_data_directory_fails_writes_with_a_typed_error_keeps_every_file_whole_and_recovers") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let _tmpfs = Tmpfs::mount(&home);
    let store = Store::new(grove_engine::home::GroveHome::at(&home));
    let records: Vec<SessionRecord> = (1..=3)
        .map(|n| {
            let id = format!("api-{n}");
            let worktree = worktree_with_work(&home.join("projects/api"), &id);
            let mut record = live_record("api", &id, &worktree, RuntimeKind::Tmux, &id);
            if n == 2 {
                // Larger than a page, so its temp file fills the last free pages part way.
                record.prompt = Some("a long task description ".repeat(300));
            }
            record
        })
        .collect();
    let before = write_records(&store, &records);
    let mut last_stop = LastStop::new(StopScope::All, chrono::Utc::now());
    last_stop.add(&project("api"), &session("api-9"));
    store.write_last_stop(&last_stop).expect("write last-stop.json");
    let last_stop_bytes = fs::read(home.join("last-stop.json")).unwrap();
    let probes = fake_probes(FakeRuntime::new(Behaviour::Answer), FakeRuntime::new(Behaviour::Answer));
    let config = dir.path().join("config.toml");
    let app = App::start(&home, &config, probes, EnrichmentPolicy::default(), FeedOptions::default()).await;
    let mut viewer = app.viewer();
    let all = ["api-1", "api-2", "api-3"];
    viewer.until("every session enriched", WAIT, |m| all.iter().all(|id| m.enriched("api", id))).await;
    let sessions_dir = store.home().sessions_dir(&project("api"));
    let names_before = names_in(&sessions_dir);
    let unchanged = |what: &str| {
        for (id, bytes) in &before {
            assert_eq!(record_bytes(&store, "api", id).as_ref(), Some(bytes), "{what}: {id} must stay whole");
        }
        assert_eq!(names_in(&sessions_dir), names_before, "{what}: no temp, lock or reserved file may be left");
        assert_eq!(fs::read(home.join("last-stop.json")).unwrap(), last_stop_bytes, "{what}: last-stop.json whole");
    };

    let mut filler = Filler::fill(&home, "filler");
    // Not a page left: even the lock file's few bytes do not fit.
    let action = assert_disk_full(rename(&store, "api-1", "never"), "an update");
    println!("faults: disk full: an update failed to {action}");
    unchanged("an update on a full disk");
    // Two pages: the lock fits, the 7 KB record's temp file is cut off part way and removed.
    filler.free(2);
    let action = assert_disk_full(rename(&store, "api-2", "never"), "an update of a large record");
    assert_eq!(action, "write temp file", "SPEC B1: the temp file is what runs out of space");
    unchanged("an update whose temp file ran out of space");
    let last_pages = Filler::fill(&home, "last-pages");

    let mut new = records[0].clone();
    new.id = session("api-4");
    assert_disk_full(store.create(&new), "creating a session");
    unchanged("a create on a full disk");
    let mut next = last_stop.clone();
    next.add(&project("api"), &session("api-1"));
    assert_disk_full(store.write_last_stop(&next), "writing last-stop.json");
    assert_disk_full(store.update_last_stop(|_| Some(next.clone())), "updating last-stop.json");
    unchanged("last-stop writes on a full disk");
    // A spawn reserves its id with an empty file (no page needed), then fails to write the record:
    // dropping the reservation, as spawn's rollback does, leaves nothing.
    let reservation = store.reserve_id(&project("api"), "api").expect("an empty file needs no space");
    let mut reserved = records[0].clone();
    reserved.id = reservation.id().clone();
    assert_disk_full(store.create_reserved(reservation, &reserved), "writing a reserved record");
    unchanged("a failed spawn on a full disk");

    // Reads, the dashboard and probes keep working on the full disk.
    let listed = store.list_stored();
    assert_eq!((listed.sessions.len(), listed.warnings.len()), (3, 0), "reads work: {:?}", listed.warnings);
    app.sessions.invalidate();
    let fresh = within("list_fresh", app.sessions.list_fresh()).await;
    assert_eq!(fresh.sessions.len(), 3, "probes work on a full disk");
    assert_eq!(viewer.model.ids(), all, "the dashboard keeps every session");

    // Space freed: the same writes go through and the dashboard shows them.
    filler.free_all();
    last_pages.free_all();
    rename(&store, "api-1", "written after the disk was freed").expect("an update with space");
    store.create(&new).expect("a create with space");
    store.write_last_stop(&next).expect("last-stop.json with space");
    viewer
        .until("the writes made after freeing space", WAIT, |m| {
            named(m, "api-1", "written after the disk was freed") && m.get("api", "api-4").is_some()
        })
        .await;
    for record in &records {
        assert_work_kept(&record.worktree, record.id.as_str());
    }
}

/// A `sleep` in its own process group standing in for a process-runtime agent; this test reaps
/// it, as the app reaps the agents it starts. Killed when dropped if still running.
struct Agent {
    pid: u32,
}

impl Agent {
    fn start() -> Self {
        use std::os::unix::process::CommandExt;
        let mut child = Command::new("sleep").arg("600").process_group(0).spawn().expect("start an agent");
        let pid = child.id();
        std::thread::spawn(move || child.wait());
        Self { pid }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if process_running(self.pid) {
            // SAFETY: the group of a process this test started and that still runs.
            unsafe {
                libc::kill(-(self.pid as libc::pid_t), libc::SIGKILL);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_on_a_full_data_directory_reports_each_session_and_a_second_stop_records_them() {
    if !mounting_works("a_stop_on_a_full_data_directory_reports_each_session_and_a_second_stop_records_them") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let _tmpfs = Tmpfs::mount(&home);
    let store = Store::new(grove_engine::home::GroveHome::at(&home));
    let agents = [Agent::start(), Agent::start()];
    let records: Vec<SessionRecord> = agents
        .iter()
        .enumerate()
        .map(|(i, agent)| {
            let id = format!("api-{}", i + 1);
            let worktree = worktree_with_work(&home.join("projects/api"), &id);
            live_record("api", &id, &worktree, RuntimeKind::Process, &agent.pid.to_string())
        })
        .collect();
    let before = write_records(&store, &records);
    let ops =
        Ops::new(store.clone(), Config::default()).with_hook_program(None).with_start_grace(std::time::Duration::ZERO);
    let filler = Filler::fill(&home, "filler");

    let report = within("stop on a full disk", ops.stop_fleet(StopScope::All, ConfigNote::default()))
        .await
        .expect("the stop runs");
    assert!(report.stopped.is_empty(), "no stop could be recorded: {:?}", report.stopped);
    assert_eq!(report.failed.len(), 2, "each session is reported: {:?}", report.failed);
    for failed in &report.failed {
        let text = failed.error.to_string();
        assert!(matches!(failed.error, SessionFailure::Op(_)), "{text}");
        assert!(text.contains(failed.session_id.as_str()) && text.contains("No space left"), "says why: {text}");
    }
    assert!(
        report.last_stop.is_none() && !home.join("last-stop.json").exists(),
        "nothing recorded, nothing half-written"
    );
    for (id, bytes) in &before {
        assert_eq!(record_bytes(&store, "api", id).as_ref(), Some(bytes), "{id}'s record stays whole");
    }
    for agent in &agents {
        poll("the agent to be stopped", || (!process_running(agent.pid)).then_some(())).await;
    }

    filler.free_all();
    let report = within("the second stop", ops.stop_fleet(StopScope::All, ConfigNote::default())).await.expect("stop");
    assert!(report.is_complete(), "the second stop stops and records both: {:?}", report.failed);
    let recorded: Vec<&str> = report.last_stop.iter().flat_map(|l| l.sessions()).map(|(_, s)| s.as_str()).collect();
    assert_eq!(recorded, ["api-1", "api-2"], "last-stop.json lists both for restore");
    for record in &records {
        let on_disk = store.load(&project("api"), &record.id).expect("record");
        let life = &on_disk.lifecycle.session;
        assert_eq!((life.state, life.reason), (SessionState::Terminated, SessionReason::StoppedForRestore));
        assert_work_kept(&record.worktree, record.id.as_str());
    }
}
