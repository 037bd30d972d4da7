//! Record files corrupted, truncated, deleted or made read-only while the app runs (SPEC B1-B3,
//! D5, D7, E2, E3), seen through the live feed over the real file watcher. The other sessions stay
//! on screen and unchanged, a bad file is moved aside with its bytes and reported, nothing Grove
//! writes resurrects or half-writes a record, and worktrees are never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant as StdInstant;

use grove_engine::feed::{FeedOptions, WarningSource};
use grove_engine::manager::EnrichmentPolicy;
use grove_engine::probe::Liveness;
use grove_engine::session::{DisplayStatus, RuntimeKind, SessionRecord};
use grove_engine::store::{Store, StoreError};

use super::support::{
    App, Behaviour, FakeRuntime, WAIT, assert_work_kept, can_mount, fake_probes, live_record, names_in, project,
    record_bytes, session, within, worktree_with_work, write_records,
};

/// A home in `dir` with live tmux sessions `api-1..=n`, each with a worktree holding work.
fn fleet(dir: &Path, n: usize) -> (PathBuf, Store, Vec<SessionRecord>) {
    let home = dir.join("home");
    let store = Store::new(grove_engine::home::GroveHome::at(&home));
    let records: Vec<SessionRecord> = (1..=n)
        .map(|i| {
            let id = format!("api-{i}");
            let worktree = worktree_with_work(&home.join("projects/api"), &id);
            live_record("api", &id, &worktree, RuntimeKind::Tmux, &id)
        })
        .collect();
    write_records(&store, &records);
    (home, store, records)
}

/// The app over `home` with fake probes that answer (`tmux`), real watcher, default timings.
async fn app(dir: &Path, home: &Path, tmux: std::sync::Arc<FakeRuntime>) -> App {
    let probes = fake_probes(tmux, FakeRuntime::new(Behaviour::Answer));
    App::start(home, &dir.join("config.toml"), probes, EnrichmentPolicy::default(), FeedOptions::default()).await
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Replaces `path` the way Grove does (temp file, rename), as a user restoring a backup would.
fn put_back(path: &Path, bytes: &[u8]) {
    let temp = path.with_extension("restoring");
    fs::write(&temp, bytes).expect("write the backup copy");
    fs::rename(&temp, path).expect("rename the backup copy into place");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_and_truncated_records_are_quarantined_shown_once_and_the_others_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let (home, store, records) = fleet(dir.path(), 4);
    let sessions_dir = store.home().sessions_dir(&project("api"));
    let app = app(dir.path(), &home, FakeRuntime::new(Behaviour::Answer)).await;
    let mut viewer = app.viewer();
    let all = ["api-1", "api-2", "api-3", "api-4"];
    viewer.until("every session enriched", WAIT, |m| all.iter().all(|id| m.enriched("api", id))).await;

    // Another program writes garbage over api-2 in place, and api-3 is cut in half (a writer
    // that does not write atomically, killed half way).
    let good_2 = record_bytes(&store, "api", "api-2").expect("api-2 exists");
    let good_3 = record_bytes(&store, "api", "api-3").expect("api-3 exists");
    let garbage = b"{\"id\": \"api-2\", \"lifecycle\": {\"sess\xff\xfe".to_vec();
    let started = StdInstant::now();
    fs::write(sessions_dir.join("api-2.json"), &garbage).expect("corrupt api-2");
    let half = fs::OpenOptions::new().write(true).open(sessions_dir.join("api-3.json")).expect("open api-3");
    half.set_len(good_3.len() as u64 / 2).expect("truncate api-3");
    drop(half);

    let quarantined = |m: &super::support::Model, name: &str| {
        m.warnings_from(WarningSource::Store)
            .iter()
            .any(|w| w.file.as_deref().is_some_and(|f| f.contains(&format!("{name}.json.corrupt-"))))
    };
    viewer
        .until("both bad records quarantined and reported", WAIT, |m| {
            m.ids() == ids(&["api-1", "api-4"]) && quarantined(m, "api-2") && quarantined(m, "api-3")
        })
        .await;
    let shown = started.elapsed();
    for id in ["api-1", "api-4"] {
        assert!(viewer.model.enriched("api", id), "{id} must keep its live fields");
        assert_eq!(viewer.model.status("api", id), Some(DisplayStatus::Working), "{id} is unaffected");
    }
    let warnings = viewer.model.warnings_from(WarningSource::Store);
    assert_eq!(warnings.len(), 2, "one warning per bad file: {warnings:#?}");
    for w in &warnings {
        assert!(w.message.contains("not a valid session record"), "the warning says what is wrong: {}", w.message);
    }

    // Nothing is lost: each file's bytes are kept under its new name, and every worktree stays.
    let names = names_in(&sessions_dir);
    let kept = |id: &str| -> Vec<u8> {
        let name = names.iter().find(|n| n.starts_with(&format!("{id}.json.corrupt-"))).expect("the moved file");
        fs::read(sessions_dir.join(name)).expect("read the quarantined file")
    };
    assert_eq!(kept("api-2"), garbage, "SPEC B3: a corrupt record is moved aside, never deleted");
    assert_eq!(kept("api-3"), good_3[..good_3.len() / 2], "the truncated record's bytes are kept as they were");
    for record in &records {
        assert_work_kept(&record.worktree, record.id.as_str());
    }

    // A restart lists the good sessions and is not bothered again by what was reported.
    drop(viewer);
    drop(app);
    let app = self::app(dir.path(), &home, FakeRuntime::new(Behaviour::Answer)).await;
    let mut viewer = app.viewer();
    viewer.until("the snapshot after a restart", WAIT, |m| m.seq.is_some()).await;
    assert_eq!(viewer.model.ids(), ids(&["api-1", "api-4"]), "the restart shows the good sessions");
    assert!(viewer.model.warnings_from(WarningSource::Store).is_empty(), "SPEC B3: a quarantine is reported once");

    // The user restores api-2 from a copy: it is a session again.
    put_back(&sessions_dir.join("api-2.json"), &good_2);
    viewer.until("api-2 back and enriched", WAIT, |m| m.enriched("api", "api-2")).await;
    println!("faults: corrupt + truncated records: quarantined and reported in {shown:?}; the other 2 untouched");
}

/// An external writer truncating a record to zero bytes (`> api-2.json`, or a non-atomic writer
/// killed before it wrote anything) leaves a file the store takes for a spawn's reservation
/// (SPEC B4): the session vanishes from the dashboard with no warning, and stays hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_truncated_to_zero_bytes_is_reported_not_silently_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let (home, store, _) = fleet(dir.path(), 2);
    let sessions_dir = store.home().sessions_dir(&project("api"));
    let app = app(dir.path(), &home, FakeRuntime::new(Behaviour::Answer)).await;
    let mut viewer = app.viewer();
    viewer.until("both sessions enriched", WAIT, |m| m.enriched("api", "api-1") && m.enriched("api", "api-2")).await;

    fs::File::create(sessions_dir.join("api-2.json")).expect("truncate api-2 to nothing");
    viewer.until("api-2 gone from the list", WAIT, |m| m.ids() == ids(&["api-1"])).await;
    // A sentinel change: once it is shown, everything the truncation caused has been shown.
    store.update(&project("api"), &session("api-1"), |r| r.display_name = Some("sentinel".into())).unwrap();
    viewer
        .until("the sentinel", WAIT, |m| {
            m.get("api", "api-1").and_then(|s| s.view.record.display_name.as_deref()) == Some("sentinel")
        })
        .await;
    let warned = viewer.model.warnings_from(WarningSource::Store);
    assert!(
        warned.iter().any(|w| w.file.as_deref().is_some_and(|f| f.contains("api-2.json"))),
        "a session that vanished because its file was emptied must be reported: {warned:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_deleted_while_its_probe_is_in_flight_is_removed_and_never_written_back() {
    let dir = tempfile::tempdir().unwrap();
    let (home, store, records) = fleet(dir.path(), 3);
    let sessions_dir = store.home().sessions_dir(&project("api"));
    // The probe is held until the record is gone; it then brings positive evidence that api-2's
    // runtime is missing, which enrichment would write down as runtime_lost (SPEC D10).
    let tmux = FakeRuntime::new(Behaviour::Held);
    tmux.set("api-2", Liveness::Missing);
    let app = app(dir.path(), &home, tmux.clone()).await;
    within("the first probe to start", tmux.started.notified()).await;
    let mut viewer = app.viewer();
    viewer.until("the snapshot", WAIT, |m| m.ids() == ids(&["api-1", "api-2", "api-3"])).await;

    fs::remove_file(sessions_dir.join("api-2.json")).expect("delete api-2's record");
    viewer.until("api-2 removed", WAIT, |m| m.ids() == ids(&["api-1", "api-3"])).await;
    tmux.behave(Behaviour::Answer);
    tmux.release();
    // Passes run one after another, so once a later pass has enriched the others, the held one
    // has finished, its attempt to write api-2 included.
    viewer.until("the others enriched", WAIT, |m| m.enriched("api", "api-1") && m.enriched("api", "api-3")).await;
    assert!(tmux.calls() >= 2, "a pass after the held one probed again: {} calls", tmux.calls());

    assert!(
        !sessions_dir.join("api-2.json").exists(),
        "SPEC D5: a conclusion about a deleted record must not recreate it"
    );
    let stray: Vec<String> = names_in(&sessions_dir).into_iter().filter(|n| n.starts_with("api-2")).collect();
    assert!(stray.is_empty(), "nothing of api-2 may be written back: {stray:?}");
    assert_eq!(viewer.model.ids(), ids(&["api-1", "api-3"]), "the deleted session stays gone from the dashboard");
    for record in &records {
        assert_work_kept(&record.worktree, record.id.as_str());
    }
}

/// The sessions directory made read-only: with a read-only bind mount when this process may
/// mount (root ignores permission bits), with mode 0555 when it is not root. Undone when dropped.
struct ReadOnly {
    dir: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    /// `None` for root without the right to mount: nothing can make a directory read-only to it.
    fn make(dir: &Path) -> Option<Self> {
        if can_mount() {
            mount(&["--bind", path_str(dir), path_str(dir)]);
            let guard = Self { dir: dir.to_path_buf(), mounted: true };
            mount(&["-o", "remount,bind,ro", path_str(dir)]);
            return Some(guard);
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } == 0 {
            return None;
        }
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).expect("chmod the directory read-only");
        Some(Self { dir: dir.to_path_buf(), mounted: false })
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.dir).status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755));
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

fn mount(args: &[&str]) {
    let out = Command::new("mount").args(args).output().expect("run mount");
    assert!(out.status.success(), "mount {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn rename(store: &Store, id: &str, name: &str) -> Result<SessionRecord, StoreError> {
    let name = name.to_owned();
    store.update(&project("api"), &session(id), move |r| r.display_name = Some(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_records_and_a_read_only_sessions_directory_keep_the_app_working_and_fail_writes_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (home, store, records) = fleet(dir.path(), 3);
    let sessions_dir = store.home().sessions_dir(&project("api"));
    let app = app(dir.path(), &home, FakeRuntime::new(Behaviour::Answer)).await;
    let mut viewer = app.viewer();
    let all = ["api-1", "api-2", "api-3"];
    viewer.until("every session enriched", WAIT, |m| all.iter().all(|id| m.enriched("api", id))).await;
    let named = |m: &super::support::Model, id: &str, name: &str| {
        m.get("api", id).and_then(|s| s.view.record.display_name.as_deref()) == Some(name)
    };

    // A record file made read-only (0444) is still read, and still updated: the atomic write
    // replaces the file by renaming over it, which only the directory's permission governs.
    use std::os::unix::fs::PermissionsExt;
    let file = sessions_dir.join("api-1.json");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).expect("make api-1.json read-only");
    assert_eq!(store.list_stored().sessions.len(), 3, "a read-only record is listed");
    rename(&store, "api-1", "renamed while read-only").expect("a read-only record file is replaced atomically");
    viewer.until("api-1's new name", WAIT, |m| named(m, "api-1", "renamed while read-only")).await;

    // The whole sessions directory made read-only: writes fail with a typed error naming the
    // file, nothing is half-written, and the dashboard keeps every session.
    let before: Vec<Option<Vec<u8>>> = all.iter().map(|id| record_bytes(&store, "api", id)).collect();
    let names_before = names_in(&sessions_dir);
    let Some(read_only) = ReadOnly::make(&sessions_dir) else {
        println!("SKIPPED the read-only directory half: root without the right to mount cannot be refused a write");
        return;
    };
    let err = rename(&store, "api-2", "never written").expect_err("a read-only directory refuses writes");
    match &err {
        StoreError::Io { path, source, .. } => {
            assert!(path.starts_with(&sessions_dir), "the error names the file: {err}");
            let code = source.raw_os_error();
            assert!(code == Some(libc::EROFS) || code == Some(libc::EACCES), "EROFS or EACCES, got {source}");
        }
        other => panic!("a read-only directory must give StoreError::Io, got {other:?}"),
    }
    let after: Vec<Option<Vec<u8>>> = all.iter().map(|id| record_bytes(&store, "api", id)).collect();
    assert_eq!(after, before, "a refused write leaves every record as it was");
    assert_eq!(names_in(&sessions_dir), names_before, "no temp or lock file is left behind");
    let listed = store.list_stored();
    assert_eq!((listed.sessions.len(), listed.warnings.len()), (3, 0), "reads work: {:?}", listed.warnings);
    app.feed.refresh();
    app.sessions.invalidate();
    let fresh = within("list_fresh", app.sessions.list_fresh()).await;
    assert_eq!(fresh.sessions.len(), 3, "probing works on a read-only store");
    assert_eq!(viewer.model.ids(), ids(&all), "the dashboard keeps every session");

    // Writable again: the same write goes through and is shown.
    drop(read_only);
    rename(&store, "api-2", "written after").expect("a writable directory takes the write");
    viewer.until("api-2's new name", WAIT, |m| named(m, "api-2", "written after")).await;
    for record in &records {
        assert_work_kept(&record.worktree, record.id.as_str());
    }
}
