//! Fake probes for the fault tests: a runtime probe that answers, hangs or waits on command and
//! counts the calls a deadline cancelled, and an agent adapter that always says `active`.

use std::collections::HashMap;
use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use grove_engine::manager::Probes;
use grove_engine::probe::{
    ActivitySource, AgentActivity, AgentInfo, AgentProbe, Confidence, Liveness, ProbeFuture, RuntimeProbe,
};
use grove_engine::session::{Activity, RuntimeHandle, RuntimeKind, SessionRecord};
use tokio::sync::{Notify, watch};

/// What a fake runtime probe does when called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answers at once.
    Answer,
    /// Never returns (a wedged tmux).
    Hang,
    /// Waits until [`FakeRuntime::release`], then answers.
    Held,
}

/// A runtime probe that answers `Alive` unless told otherwise, hangs or waits on command, and
/// counts its calls and the calls dropped before they finished (cancelled by a deadline).
pub struct FakeRuntime {
    behaviour: Mutex<Behaviour>,
    answers: Mutex<HashMap<String, Liveness>>,
    released: watch::Sender<bool>,
    calls: AtomicUsize,
    cancelled: AtomicUsize,
    /// Notified on every call.
    pub started: Notify,
}

impl FakeRuntime {
    pub fn new(behaviour: Behaviour) -> Arc<Self> {
        Arc::new(Self {
            behaviour: Mutex::new(behaviour),
            answers: Mutex::new(HashMap::new()),
            released: watch::channel(false).0,
            calls: AtomicUsize::new(0),
            cancelled: AtomicUsize::new(0),
            started: Notify::new(),
        })
    }

    /// What later calls do.
    pub fn behave(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = behaviour;
    }

    /// Answers `liveness` for `handle` from now on.
    pub fn set(&self, handle: &str, liveness: Liveness) {
        self.answers.lock().unwrap().insert(handle.to_owned(), liveness);
    }

    /// Lets held calls answer.
    pub fn release(&self) {
        self.released.send_replace(true);
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn cancelled(&self) -> usize {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Counts a call as cancelled if dropped before `finish`.
struct CancelGuard<'a>(&'a AtomicUsize, bool);

impl Drop for CancelGuard<'_> {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl RuntimeProbe for FakeRuntime {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.started.notify_one();
        let behaviour = *self.behaviour.lock().unwrap();
        let mut released = self.released.subscribe();
        Box::pin(async move {
            let mut guard = CancelGuard(&self.cancelled, false);
            match behaviour {
                Behaviour::Answer => {}
                Behaviour::Hang => pending::<()>().await,
                Behaviour::Held => {
                    let _ = released.wait_for(|r| *r).await;
                }
            }
            guard.1 = true;
            let answers = self.answers.lock().unwrap();
            let alive = Liveness::Alive { pid: Some(4242) };
            Ok(handles.iter().map(|h| (h.id.clone(), answers.get(&h.id).cloned().unwrap_or(alive.clone()))).collect())
        })
    }
}

/// An agent adapter that always says `active`, from hooks.
pub struct ActiveAgent;

impl AgentProbe for ActiveAgent {
    fn activity<'a>(&'a self, _: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            Ok(AgentActivity {
                activity: Activity::Active,
                source: ActivitySource::Hook,
                last_activity_at: Some(now),
                agent_session_id: None,
                error: None,
                detail: None,
                confidence: Confidence::High,
                evidence_at: Some(now),
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, _: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async { Ok(AgentInfo::default()) })
    }
}

/// Probes with `tmux` answering for tmux runtimes, `process` for process runtimes, and
/// [`ActiveAgent`] for every agent.
pub fn fake_probes(tmux: Arc<FakeRuntime>, process: Arc<FakeRuntime>) -> Probes {
    let agent: Arc<dyn AgentProbe> = Arc::new(ActiveAgent);
    Probes::new(Arc::new(move |_: &str| Some(agent.clone())))
        .with_runtime(RuntimeKind::Tmux, tmux)
        .with_runtime(RuntimeKind::Process, process)
}
