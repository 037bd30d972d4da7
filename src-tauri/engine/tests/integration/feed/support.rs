//! A temp home with finished sessions (so enrichment has nothing to add and every message the
//! tests see comes from the store), a feed over it, and a model of what a subscriber holds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::feed::{Feed, FeedConfig, FeedEvent, FeedOptions, FeedSession, FeedWarning, Subscription};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::{EnrichmentPolicy, Probes, SessionKey, Sessions};
use grove_engine::session::{
    Lifecycle, RECORD_VERSION, RuntimeKind, SessionKind, SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::Store;
use tempfile::TempDir;
use tokio::sync::watch;

/// Generous bound for anything the real watcher delivers; a healthy run takes milliseconds.
pub const DELIVERY: Duration = Duration::from_secs(10);

/// A home, its store and a feed over it.
pub struct Home {
    pub _dir: TempDir,
    pub store: Store,
    pub feed: Feed,
    pub config: watch::Sender<FeedConfig>,
    pub sessions: Arc<Sessions>,
}

impl Home {
    /// A home with finished sessions `ids` (project `api`) and a feed with `options`.
    pub async fn with(ids: &[&str], options: FeedOptions) -> Self {
        let records = ids.iter().map(|id| finished("api", id)).collect();
        // No probes: finished sessions are never probed, so none is asked.
        let home = Self::with_records(records, Probes::new(Arc::new(|_: &str| None)), options).await;
        // The first background pass (started by the feed's first reading) reads the disk too;
        // tests start after it, so a write they make is never in it by chance. Paused time does
        // not jump while its blocking read runs.
        let mut landed = home.sessions.snapshots();
        if *landed.borrow_and_update() == 0 {
            let _ = landed.changed().await;
        }
        home
    }

    /// A home with `records`, probed by `probes`, and a feed with `options`.
    pub async fn with_records(records: Vec<SessionRecord>, probes: Probes, options: FeedOptions) -> Self {
        let dir = tempfile::tempdir().expect("create temp GROVE_HOME");
        let home = GroveHome::at(dir.path());
        let store = Store::new(home.clone());
        for record in &records {
            store.create(record).expect("write a test record through the store");
        }
        let sessions = Arc::new(Sessions::new(store.clone(), probes, EnrichmentPolicy::default()));
        let (config, config_rx) = watch::channel(FeedConfig::default());
        let feed = Feed::start(sessions.clone(), home, config_rx, options).await;
        Self { _dir: dir, store, feed, config, sessions }
    }

    /// Rewrites `id` through the store with a new display name.
    pub fn rename(&self, id: &str, name: &str) {
        let mut record = finished("api", id);
        record.display_name = Some(name.to_owned());
        self.store.save(&record).expect("rewrite a record through the store");
    }

    /// The sessions directory of project `api`.
    pub fn sessions_dir(&self) -> std::path::PathBuf {
        self.store.home().sessions_dir(&project("api"))
    }
}

pub fn project(id: &str) -> ProjectId {
    ProjectId::new(id).expect("test project ids are valid")
}

pub fn key(id: &str) -> SessionKey {
    SessionKey { project: project("api"), id: SessionId::new(id).expect("test session ids are valid") }
}

/// A session that has finished: terminal, so enrichment leaves it as stored.
pub fn finished(project_id: &str, id: &str) -> SessionRecord {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().expect("valid time");
    let mut lifecycle = Lifecycle::spawning(created);
    lifecycle.session.state = SessionState::Done;
    lifecycle.session.reason = SessionReason::ResearchComplete;
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new(id).expect("test session ids are valid"),
        project_id: project(project_id),
        kind: SessionKind::Worker,
        agent: "shell".into(),
        runtime: RuntimeKind::Process,
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

/// The next message, within `within`.
pub async fn next(sub: &mut Subscription, within: Duration, what: &str) -> FeedEvent {
    tokio::time::timeout(within, sub.recv())
        .await
        .unwrap_or_else(|_| panic!("no feed message within {within:?} while waiting for {what}"))
        .unwrap_or_else(|| panic!("the feed ended while waiting for {what}"))
}

/// What a subscriber holds, built only from the messages it received, as the UI's store does.
#[derive(Debug, Default, PartialEq)]
pub struct Model {
    pub seq: Option<u64>,
    pub sessions: BTreeMap<SessionKey, FeedSession>,
    pub warnings: Vec<FeedWarning>,
    pub snapshots: usize,
}

impl Model {
    /// Applies one message, asserting the sequence rule of SPEC E1.
    pub fn apply(&mut self, event: FeedEvent) {
        match event {
            FeedEvent::Snapshot(snapshot) => {
                self.seq = Some(snapshot.seq);
                self.sessions = snapshot.sessions.into_iter().map(|s| (s.view.key(), s)).collect();
                self.warnings = snapshot.warnings;
                self.snapshots += 1;
            }
            FeedEvent::Patch(patch) => {
                let last = self.seq.expect("a subscriber's first message must be a snapshot");
                assert_eq!(patch.seq, last + 1, "patch after seq {last} skipped a number: {patch:?}");
                self.seq = Some(patch.seq);
                for session in patch.sessions {
                    self.sessions.insert(session.view.key(), session);
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

    /// The display name the model shows for `id`.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.sessions.get(&key(id)).and_then(|s| s.view.record.display_name.as_deref())
    }
}

/// A live Claude Code session `id` of project `api`, working in tmux (for probe-driven tests).
pub fn working(id: &str) -> SessionRecord {
    let mut record = finished("api", id);
    record.agent = "claude-code".into();
    record.runtime = grove_engine::session::RuntimeKind::Tmux;
    record.lifecycle.session.state = SessionState::Working;
    record.lifecycle.session.reason = grove_engine::session::SessionReason::TaskInProgress;
    record.lifecycle.runtime.state = grove_engine::session::RuntimeState::Alive;
    record.lifecycle.runtime.reason = grove_engine::session::RuntimeReason::ProcessRunning;
    let handle = grove_engine::session::RuntimeHandle::new(grove_engine::session::RuntimeKind::Tmux, id.to_owned());
    record.lifecycle.runtime.handle = Some(handle);
    record
}
