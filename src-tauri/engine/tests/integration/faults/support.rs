//! The engine as the app runs it, for fault injection: the config with its watcher feeding the
//! feed's config channel, `Sessions` over the store and the given probes, and the live `Feed`
//! over the real file watcher, wired the way `src-tauri/backend.rs` wires them. Plus a subscriber
//! that keeps what the dashboard would show, record and worktree fixtures, and guards for the tmux
//! servers the tests create. The fake probes are in `fakes`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::config::{self, ConfigSources, ConfigWatcher};
use grove_engine::feed::{Feed, FeedConfig, FeedEvent, FeedOptions, FeedProject, FeedSession, FeedWarning};
use grove_engine::feed::{Subscription, WarningSource};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::{Enrichment, EnrichmentPolicy, Probes, SessionKey, Sessions};
use grove_engine::session::{
    DisplayStatus, Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, RuntimeReason, RuntimeState, SessionKind,
    SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::Store;
use tokio::sync::watch;

pub use super::fakes::{Behaviour, FakeRuntime, fake_probes};

/// Bound on every wait for something real (a watcher event, a process, tmux). A healthy run
/// takes milliseconds; the margin is for a machine busy with other builds.
pub const WAIT: Duration = Duration::from_secs(20);

/// The file each test worktree holds as its uncommitted work.
pub const WORK_FILE: &str = "WORK.md";

pub fn project(id: &str) -> ProjectId {
    ProjectId::new(id).expect("test project ids are valid")
}

pub fn session(id: &str) -> SessionId {
    SessionId::new(id).expect("test session ids are valid")
}

pub fn key(project_id: &str, id: &str) -> SessionKey {
    SessionKey { project: project(project_id), id: session(id) }
}

/// A working session whose runtime was last seen alive: `kind` with handle id `handle`.
pub fn live_record(project_id: &str, id: &str, worktree: &Path, kind: RuntimeKind, handle: &str) -> SessionRecord {
    let created: DateTime<Utc> = "2026-01-02T03:04:05Z".parse().expect("valid time");
    let mut lifecycle = Lifecycle::spawning(created);
    lifecycle.session.state = SessionState::Working;
    lifecycle.session.reason = SessionReason::TaskInProgress;
    lifecycle.session.started_at = Some(created);
    lifecycle.runtime.state = RuntimeState::Alive;
    lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
    lifecycle.runtime.handle = Some(RuntimeHandle::new(kind, handle.to_owned()));
    SessionRecord {
        version: RECORD_VERSION,
        id: session(id),
        project_id: project(project_id),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: kind,
        branch: format!("session/{id}"),
        worktree: worktree.to_path_buf(),
        created_at: created,
        display_name: Some(format!("Session {id}")),
        prompt: Some("Do the thing".into()),
        issue: None,
        agent_session_id: Some(format!("agent-{id}")),
        lifecycle,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// Creates `root/worktrees/<id>` holding uncommitted work ([`WORK_FILE`]) and returns it.
pub fn worktree_with_work(root: &Path, id: &str) -> PathBuf {
    let dir = root.join("worktrees").join(id);
    std::fs::create_dir_all(&dir).expect("create a worktree directory");
    std::fs::write(dir.join(WORK_FILE), work_of(id)).expect("write uncommitted work");
    dir
}

/// What [`worktree_with_work`] writes for `id`.
pub fn work_of(id: &str) -> String {
    format!("half-done work of {id}\n")
}

/// Fails the test unless `worktree` still holds `id`'s uncommitted work, byte for byte.
pub fn assert_work_kept(worktree: &Path, id: &str) {
    let file = worktree.join(WORK_FILE);
    let kept = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{id}'s work {} is gone: {e}", file.display()));
    assert_eq!(kept, work_of(id), "{id}'s uncommitted work changed");
}

/// Writes `records` through the store (creating each worktree directory they name) and returns
/// each record file's bytes, to compare with later.
pub fn write_records(store: &Store, records: &[SessionRecord]) -> BTreeMap<String, Vec<u8>> {
    records
        .iter()
        .map(|r| {
            store.create(r).expect("write a test record through the store");
            let file = store.home().session_file(&r.project_id, &r.id);
            (r.id.to_string(), std::fs::read(&file).expect("read the record back"))
        })
        .collect()
}

/// The bytes of `project/id`'s record file, `None` if it does not exist.
pub fn record_bytes(store: &Store, project_id: &str, id: &str) -> Option<Vec<u8>> {
    std::fs::read(store.home().session_file(&project(project_id), &session(id))).ok()
}

/// Sorted file names in `dir`.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The engine of one home, started as the app starts it.
pub struct App {
    pub store: Store,
    pub sessions: Arc<Sessions>,
    pub feed: Feed,
    _watcher: Option<ConfigWatcher>,
    _forward: Option<AbortOnDrop>,
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl App {
    /// Starts the engine over `home` with `config_file` as the global config, as
    /// `Backend::start` does: strict load, else the interactive fallback with the strict errors
    /// shown; the config watcher's events applied to the feed's config; `Sessions` over `probes`
    /// with `policy`; the feed with `options`.
    pub async fn start(
        home: &Path,
        config_file: &Path,
        probes: Probes,
        policy: EnrichmentPolicy,
        options: FeedOptions,
    ) -> App {
        let sources = ConfigSources { global: config_file.to_path_buf(), running: None };
        let (initial, errors) = match config::load_strict(&sources) {
            Ok(loaded) => (loaded, Vec::new()),
            Err(errors) => (config::load_interactive(&sources), errors.errors().to_vec()),
        };
        let initial = Arc::new(initial);
        let mut feed_config = FeedConfig::from_loaded(&initial);
        feed_config.errors.extend(errors);
        let (feed_config_tx, feed_config_rx) = watch::channel(feed_config);
        let (watcher, forward) = match ConfigWatcher::spawn(sources, initial) {
            Ok((watcher, mut events)) => {
                let forward = tokio::spawn(async move {
                    while let Some(event) = events.recv().await {
                        feed_config_tx.send_modify(|c| c.apply(&event));
                    }
                });
                (Some(watcher), Some(AbortOnDrop(forward)))
            }
            Err(e) => panic!("the config watcher must start: {e}"),
        };
        let home = GroveHome::at(home);
        let store = Store::new(home.clone());
        let sessions = Arc::new(Sessions::new(store.clone(), probes, policy));
        let feed = Feed::start(sessions.clone(), home.clone(), feed_config_rx, options).await;
        App { store, sessions, feed, _watcher: watcher, _forward: forward }
    }

    /// A new dashboard subscriber.
    pub fn viewer(&self) -> Viewer {
        Viewer { sub: self.feed.subscribe(), model: Model::default() }
    }
}

/// What one subscriber holds, built from its messages as the UI's store builds it.
#[derive(Debug, Default)]
pub struct Model {
    pub seq: Option<u64>,
    pub sessions: BTreeMap<SessionKey, FeedSession>,
    pub projects: Vec<FeedProject>,
    pub warnings: Vec<FeedWarning>,
}

impl Model {
    fn apply(&mut self, event: FeedEvent) {
        match event {
            FeedEvent::Snapshot(snapshot) => {
                self.seq = Some(snapshot.seq);
                self.sessions = snapshot.sessions.into_iter().map(|s| (s.view.key(), s)).collect();
                self.projects = snapshot.projects;
                self.warnings = snapshot.warnings;
            }
            FeedEvent::Patch(patch) => {
                let last = self.seq.expect("a subscriber's first message is a snapshot");
                assert_eq!(patch.seq, last + 1, "SPEC E1: patches are numbered one after another");
                self.seq = Some(patch.seq);
                for s in patch.sessions {
                    self.sessions.insert(s.view.key(), s);
                }
                for gone in patch.removed {
                    self.sessions.remove(&gone);
                }
                if let Some(warnings) = patch.warnings {
                    self.warnings = warnings;
                }
            }
        }
    }

    /// The held session `project/id`.
    pub fn get(&self, project_id: &str, id: &str) -> Option<&FeedSession> {
        self.sessions.get(&key(project_id, id))
    }

    /// The ids shown, in key order.
    pub fn ids(&self) -> Vec<String> {
        self.sessions.keys().map(|k| k.id.to_string()).collect()
    }

    /// The status shown for `project/id`.
    pub fn status(&self, project_id: &str, id: &str) -> Option<DisplayStatus> {
        self.get(project_id, id).map(|s| s.status)
    }

    /// Whether `project/id` is shown with its live fields enriched by a probe that answered.
    pub fn enriched(&self, project_id: &str, id: &str) -> bool {
        self.get(project_id, id).is_some_and(|s| matches!(s.view.enrichment, Enrichment::Enriched { .. }))
    }

    /// The warnings from `source`.
    pub fn warnings_from(&self, source: WarningSource) -> Vec<&FeedWarning> {
        self.warnings.iter().filter(|w| w.source == source).collect()
    }

    /// The project ids in the sidebar.
    pub fn project_ids(&self) -> Vec<String> {
        self.projects.iter().map(|p| p.id.clone()).collect()
    }
}

/// A subscriber and what it holds.
pub struct Viewer {
    sub: Subscription,
    pub model: Model,
}

impl Viewer {
    /// Applies messages until `done` holds for what is shown, failing the test with `what` and
    /// the last state shown if that takes longer than `within` (tokio time).
    pub async fn until(&mut self, what: &str, within: Duration, done: impl Fn(&Model) -> bool) {
        let wait = async {
            while !done(&self.model) {
                let event = self.sub.recv().await.unwrap_or_else(|| panic!("the feed ended while waiting for {what}"));
                self.model.apply(event);
            }
        };
        if tokio::time::timeout(within, wait).await.is_err() {
            let shown: Vec<String> = self
                .model
                .sessions
                .values()
                .map(|s| format!("{} {:?} {:?}", s.view.record.id, s.status, s.view.enrichment))
                .collect();
            panic!("no {what} within {within:?}; shown: {shown:#?}; warnings: {:#?}", self.model.warnings);
        }
    }
}

/// Writes an executable shell script `name` with `body` into `dir`, atomically (a probe may be
/// running the previous version), and returns its path.
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.new"));
    std::fs::write(&temp, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o755)).expect("chmod script");
    std::fs::rename(&temp, &path).expect("put the script in place");
    path
}

/// Kills the tmux server on the socket at this path when dropped and removes the socket file
/// tmux leaves.
pub struct TmuxGuard(pub PathBuf);

impl Drop for TmuxGuard {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.0).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether process `pid` still runs. A zombie counts as gone: it runs nothing, and some
/// container inits never reap the orphans a killed tmux server leaves.
pub fn process_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}

/// Whether this process may mount file systems (root with `CAP_SYS_ADMIN`, or root in a user
/// namespace): tried once, on a throwaway tmpfs.
pub fn can_mount() -> bool {
    static CAN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CAN.get_or_init(|| {
        let Ok(dir) = tempfile::tempdir() else { return false };
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4k", "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if mounted {
            let _ = Command::new("umount").arg(dir.path()).status();
        }
        mounted
    })
}

/// Git as the operation tests run it.
pub use crate::ops::support::git;

/// A fresh repository at `dir` on `main` with one commit.
pub fn git_repo(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create repo dir");
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("README.md"), "hello\n").expect("write README");
    git(dir, &["add", "README.md"]);
    git(dir, &["commit", "-q", "-m", "first"]);
}

/// Polls `check` until it returns `Some`, failing with `what` after [`WAIT`]. Polling with a
/// deadline is the synchronisation here (a process exiting, a screen changing); the pause only
/// keeps it from spinning.
pub async fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Awaits `fut` for at most [`WAIT`], failing the test with `what` if it takes longer.
pub async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut).await.unwrap_or_else(|_| panic!("{what} did not finish within {WAIT:?}"))
}
