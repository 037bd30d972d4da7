//! Fakes and fixtures for the enrichment tests: a temp `GROVE_HOME` with records written through
//! the store, and probes that answer, fail, hang or take a while on command, count their calls
//! and report when a call is dropped before it finished (a cancelled probe).

use std::collections::{HashMap, VecDeque};
use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::{EnrichmentPolicy, Probes, Sessions};
use grove_engine::probe::{
    ActivitySource, AgentActivity, AgentInfo, AgentProbe, Confidence, Liveness, ProbeError, ProbeFuture, RuntimeProbe,
};
use grove_engine::session::{
    Activity, Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, RuntimeReason, RuntimeState, SessionKind,
    SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::Store;
use tempfile::TempDir;
use tokio::sync::Notify;

/// What a fake probe does on one call.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answers at once.
    Answer,
    /// Answers after this long (tokio time).
    AnswerAfter(Duration),
    /// Fails at once.
    Fail,
    /// Never returns.
    Hang,
}

/// Call counting and cancellation tracking shared by the fakes.
#[derive(Debug, Default)]
pub struct Calls {
    count: AtomicUsize,
    cancelled: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
    /// Notified on every call (a permit is kept if nobody waits).
    pub started: Notify,
    /// Notified when a call is dropped before it finished.
    pub dropped: Notify,
    steps: Mutex<VecDeque<Step>>,
    default: Mutex<Option<Step>>,
}

impl Calls {
    /// Calls made so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Calls dropped before they finished.
    pub fn cancelled(&self) -> usize {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The most calls that were running at the same time.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// The next calls do `steps`, in order; after them, the default.
    pub fn then(&self, steps: impl IntoIterator<Item = Step>) {
        self.steps.lock().unwrap().extend(steps);
    }

    /// What calls do once the queued steps are used up (`Answer` unless set).
    pub fn always(&self, step: Step) {
        *self.default.lock().unwrap() = Some(step);
    }

    /// Records a call and runs its step; `answer` builds the success value.
    async fn run<T>(&self, probe: &'static str, answer: impl FnOnce() -> T) -> Result<T, ProbeError> {
        self.count.fetch_add(1, Ordering::SeqCst);
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        self.started.notify_one();
        let step = self.steps.lock().unwrap().pop_front();
        let step = step.or_else(|| self.default.lock().unwrap().clone()).unwrap_or(Step::Answer);
        let guard = CancelGuard { calls: self, finished: false };
        let result = match step {
            Step::Answer => Ok(answer()),
            Step::AnswerAfter(delay) => {
                tokio::time::sleep(delay).await;
                Ok(answer())
            }
            Step::Fail => Err(ProbeError::Failed { probe, reason: format!("{probe} exited with status 1") }),
            Step::Hang => pending().await,
        };
        guard.finish();
        result
    }
}

/// Counts a call as running until dropped, and as cancelled if dropped before `finish`.
struct CancelGuard<'a> {
    calls: &'a Calls,
    finished: bool,
}

impl CancelGuard<'_> {
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for CancelGuard<'_> {
    fn drop(&mut self) {
        self.calls.running.fetch_sub(1, Ordering::SeqCst);
        if !self.finished {
            self.calls.cancelled.fetch_add(1, Ordering::SeqCst);
            self.calls.dropped.notify_one();
        }
    }
}

/// A runtime probe answering `Alive` for every handle unless told otherwise.
#[derive(Debug, Default)]
pub struct FakeRuntime {
    /// Its calls.
    pub calls: Calls,
    answers: Mutex<HashMap<String, Liveness>>,
    asked: Mutex<Vec<String>>,
}

impl FakeRuntime {
    /// Answers `liveness` for `handle` from now on.
    pub fn set(&self, handle: &str, liveness: Liveness) {
        self.answers.lock().unwrap().insert(handle.to_owned(), liveness);
    }

    /// How often each handle was asked about, over all calls.
    pub fn asked(&self, handle: &str) -> usize {
        self.asked.lock().unwrap().iter().filter(|h| *h == handle).count()
    }
}

impl RuntimeProbe for FakeRuntime {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        self.asked.lock().unwrap().extend(handles.iter().map(|h| h.id.clone()));
        Box::pin(self.calls.run("tmux", move || {
            let answers = self.answers.lock().unwrap();
            let alive = Liveness::Alive { pid: Some(4242) };
            handles.iter().map(|h| (h.id.clone(), answers.get(&h.id).cloned().unwrap_or(alive.clone()))).collect()
        }))
    }
}

/// An agent adapter answering `active` (from hooks) and a fixed summary unless told otherwise.
#[derive(Debug, Default)]
pub struct FakeAgent {
    /// Calls of `activity`.
    pub activity: Calls,
    /// Calls of `info`.
    pub info: Calls,
}

/// The agent session id the fake agent reports.
pub const AGENT_SESSION_ID: &str = "0b7e4c1e-agent";
/// The summary the fake agent reports.
pub const SUMMARY: &str = "Refactoring the store";

impl AgentProbe for FakeAgent {
    fn activity<'a>(&'a self, _: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(self.activity.run("claude transcript", move || AgentActivity {
            activity: Activity::Active,
            source: ActivitySource::Hook,
            last_activity_at: Some(now),
            agent_session_id: Some(AGENT_SESSION_ID.into()),
            error: None,
            detail: None,
            confidence: Confidence::High,
            evidence_at: Some(now),
            session_rebound: false,
            dialog: None,
        }))
    }

    fn info<'a>(&'a self, _: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(self.info.run("claude info", || AgentInfo {
            summary: Some(SUMMARY.into()),
            tokens: Some(1200),
            cost_usd: Some(0.25),
            transcript: None,
        }))
    }
}

/// A temp home with a store, the fakes, and a `Sessions` over them.
pub struct Fleet {
    pub _dir: TempDir,
    pub store: Store,
    pub runtime: Arc<FakeRuntime>,
    pub agent: Arc<FakeAgent>,
    pub sessions: Sessions,
}

impl Fleet {
    /// A fleet with `ids` written as working sessions with live tmux handles (project `api`).
    pub fn with(ids: &[&str]) -> Self {
        let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        Self::with_ids(&ids)
    }

    /// [`Fleet::with`] for owned ids.
    pub fn with_ids(ids: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("create temp GROVE_HOME");
        let store = Store::new(GroveHome::at(dir.path()));
        for id in ids {
            store.create(&working("api", id)).expect("write a test record through the store");
        }
        let runtime = Arc::new(FakeRuntime::default());
        let agent = Arc::new(FakeAgent::default());
        let lookup_agent = agent.clone();
        let probes = Probes::new(Arc::new(move |name: &str| {
            (name == "claude-code").then(|| lookup_agent.clone() as Arc<dyn AgentProbe>)
        }))
        .with_runtime(RuntimeKind::Tmux, runtime.clone());
        let sessions = Sessions::new(store.clone(), probes, EnrichmentPolicy::default());
        Self { _dir: dir, store, runtime, agent, sessions }
    }

    /// The record file's bytes.
    pub fn bytes(&self, id: &str) -> Vec<u8> {
        std::fs::read(self.store.home().session_file(&project("api"), &session(id))).expect("read the record file")
    }

    /// The record as on disk.
    pub fn on_disk(&self, id: &str) -> SessionRecord {
        self.store.load(&project("api"), &session(id)).expect("load the record")
    }
}

pub fn project(id: &str) -> ProjectId {
    ProjectId::new(id).expect("test project ids are valid")
}

pub fn session(id: &str) -> SessionId {
    SessionId::new(id).expect("test session ids are valid")
}

/// A working claude-code session whose tmux runtime was seen alive; the handle id is the session id.
pub fn working(project_id: &str, id: &str) -> SessionRecord {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().expect("valid time");
    let mut lifecycle = Lifecycle::spawning(created);
    lifecycle.session.state = SessionState::Working;
    lifecycle.session.reason = SessionReason::TaskInProgress;
    lifecycle.session.started_at = Some(created);
    lifecycle.runtime.state = RuntimeState::Alive;
    lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
    lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_owned()));
    SessionRecord {
        version: RECORD_VERSION,
        id: session(id),
        project_id: project(project_id),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: format!("/grove/projects/{project_id}/worktrees/{id}").into(),
        created_at: created,
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

/// Waits (bounded) for the next notification on `notify`.
pub async fn notified(notify: &Notify, what: &str) {
    tokio::time::timeout(Duration::from_secs(60), notify.notified())
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

/// Waits (bounded, in tokio time) until a background pass writes a new `list_cached` snapshot.
pub async fn next_snapshot(snapshots: &mut tokio::sync::watch::Receiver<u64>, within: Duration) {
    tokio::time::timeout(within, snapshots.changed())
        .await
        .unwrap_or_else(|_| panic!("no background refresh landed within {within:?}"))
        .expect("the refresher is alive while Sessions is");
}

/// Shorthand for seconds.
pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Shorthand for milliseconds.
pub fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}
