//! A temp home with project `app` (a git repository whose `origin` is acme/app on GitHub), the
//! fake `gh` wired to a state file and a call log of this test's own, and session records.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::scm::{Gh, PrPoller, ScmProject};
use grove_engine::session::{
    Lifecycle, RECORD_VERSION, RuntimeKind, RuntimeReason, RuntimeState, SessionKind, SessionReason, SessionRecord,
    SessionState,
};
use grove_engine::store::Store;
use serde_json::{Value, json};

/// Every real-time wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(20);

/// When every test session was created: before the recorded PRs were opened (2025-01-02 04:00).
pub const CREATED: &str = "2025-01-02T03:04:05Z";

/// The fake `gh` of the repository's test fixtures.
pub fn fake_gh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bin/gh")
}

/// A UTC time from RFC 3339 text.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("test times are valid").with_timezone(&Utc)
}

/// A temp home, project `app` and the fake gh's files.
pub struct Bench {
    /// Holds everything.
    pub tmp: tempfile::TempDir,
    /// The store of the temp home.
    pub store: Store,
    /// Project `app`.
    pub project: ProjectId,
    /// Its repository.
    pub repo: PathBuf,
    /// The fake gh's state file (scenario, holds).
    pub state: PathBuf,
    /// The fake gh's call log: one line per call.
    pub calls: PathBuf,
}

impl Bench {
    /// A fresh bench whose fake gh answers `open_passing` for every branch.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().expect("canonical temp dir");
        let store = Store::new(GroveHome::at(root.join("home")));
        let repo = root.join("repo");
        git_repo(&repo, "https://github.com/acme/app.git");
        let bench = Self {
            store,
            project: ProjectId::new("app").expect("valid id"),
            repo,
            state: root.join("gh-state.json"),
            calls: root.join("gh-calls.log"),
            tmp,
        };
        bench.scenario("open_passing");
        bench
    }

    /// The fake gh, reading this bench's state and logging to its call log.
    pub fn gh(&self) -> Gh {
        Gh::new().with_program(fake_gh()).with_env("FAKE_GH_STATE", &self.state).with_env("FAKE_GH_LOG", &self.calls)
    }

    /// Project `app` as the loop sees it.
    pub fn projects(&self) -> Vec<ScmProject> {
        vec![ScmProject { id: self.project.clone(), path: self.repo.clone(), repo: None }]
    }

    /// A poller over this home with the fake gh.
    pub fn poller(&self) -> PrPoller {
        PrPoller::new(self.store.clone(), self.gh())
    }

    /// Replaces the fake gh's state.
    pub fn set_state(&self, state: Value) {
        std::fs::write(&self.state, state.to_string()).expect("write the fake gh's state");
    }

    /// Every branch (or the whole call) answers `scenario`.
    pub fn scenario(&self, scenario: &str) {
        self.set_state(json!({"scenario": scenario}));
    }

    /// The calls the fake gh received so far, each as its argv.
    pub fn call_log(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(&self.calls).unwrap_or_default();
        text.lines().map(|line| serde_json::from_str(line).expect("the call log holds JSON argv")).collect()
    }

    /// How many calls the fake gh received.
    pub fn calls(&self) -> usize {
        self.call_log().len()
    }

    /// Writes a live (working, runtime alive) session `id` of `project` on `branch`.
    pub fn add_session_in(&self, project: &ProjectId, id: &str, branch: &str) -> SessionRecord {
        let record = live_record(project, id, branch);
        self.store.create(&record).expect("create the session record");
        record
    }

    /// Writes a live session `id` of project `app` on `branch`.
    pub fn add_session(&self, id: &str, branch: &str) -> SessionRecord {
        self.add_session_in(&self.project.clone(), id, branch)
    }

    /// The record of session `id` of project `app`, from disk.
    pub fn record(&self, id: &str) -> SessionRecord {
        self.store.load(&self.project, &session(id)).expect("the record exists")
    }

    /// The path of the record of session `id` of project `app`.
    pub fn record_file(&self, id: &str) -> PathBuf {
        self.store.home().session_file(&self.project, &session(id))
    }
}

/// A session id.
pub fn session(id: &str) -> SessionId {
    SessionId::new(id).expect("test session ids are valid")
}

/// A session that is working in a live runtime, with no PR yet.
pub fn live_record(project: &ProjectId, id: &str, branch: &str) -> SessionRecord {
    let mut lifecycle = Lifecycle::spawning(at(CREATED));
    lifecycle.session.state = SessionState::Working;
    lifecycle.session.reason = SessionReason::TaskInProgress;
    lifecycle.runtime.state = RuntimeState::Alive;
    lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
    SessionRecord {
        version: RECORD_VERSION,
        id: session(id),
        project_id: project.clone(),
        kind: SessionKind::Worker,
        agent: "shell".into(),
        runtime: RuntimeKind::Tmux,
        branch: branch.into(),
        worktree: format!("/grove/worktrees/{id}").into(),
        created_at: at(CREATED),
        display_name: Some(format!("Session {id}")),
        prompt: Some("Do the thing".into()),
        issue: None,
        agent_session_id: None,
        lifecycle,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// `git init` in `dir` with `origin` at `url`.
pub fn git_repo(dir: &Path, url: &str) {
    std::fs::create_dir_all(dir).expect("create repo dir");
    for args in [&["init", "-q", "-b", "main"][..], &["remote", "add", "origin", url]] {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Waits (in real time, bounded by [`WAIT`]) until `done` holds, on a blocking thread. While a
/// blocking task runs, tokio does not auto-advance a paused clock, so a pass's `gh` (a real
/// child process) finishes in real time before any of the loop's timers can fire.
pub async fn settle(what: &str, done: impl Fn() -> bool + Send + 'static) {
    let what = what.to_owned();
    let wait = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + WAIT;
        while !done() {
            assert!(std::time::Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    wait.await.unwrap_or_else(|e| panic!("{e}"));
}
