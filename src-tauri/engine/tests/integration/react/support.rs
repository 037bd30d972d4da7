//! Builders so each test says only what it varies: sessions by id, observations by signals, and a
//! hand-driven clock (the policy never reads one).

use std::time::{Duration, Instant};

use grove_engine::config::Priority;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::SessionKey;
use grove_engine::react::policy::{COALESCE_WINDOW, NotificationPolicy, Observation};
use grove_engine::react::{Notification, Signal};

pub const ALL_SIGNALS: [Signal; 5] =
    [Signal::NeedsYou, Signal::CiFailing, Signal::ChangesRequested, Signal::MergeConflicts, Signal::MergeReady];

pub fn project(id: &str) -> ProjectId {
    ProjectId::new(id).expect("test project ids are valid")
}

/// The session `id` of the project its prefix names (`api-7` is in `api`).
pub fn key(id: &str) -> SessionKey {
    let prefix = id.split('-').next().expect("ids look like <project>-<n>");
    SessionKey { project: project(prefix), id: SessionId::new(id).expect("test session ids are valid") }
}

/// `id` showing `signals`, probed.
pub fn obs(id: &str, signals: &[Signal]) -> Observation {
    Observation::new(key(id), signals.iter().copied())
}

/// A policy driven by hand: time starts at `t0` and only moves when a test moves it.
pub struct Driver {
    pub policy: NotificationPolicy,
    pub now: Instant,
}

impl Driver {
    /// A policy that has taken `start` as the app-start observation.
    pub fn started_with(start: Vec<Observation>) -> Self {
        let mut driver = Self { policy: NotificationPolicy::new(), now: Instant::now() };
        driver.policy.observe(start, driver.now);
        driver
    }

    /// A policy whose app-start observation was empty: every session it sees later is new.
    pub fn empty() -> Self {
        Self::started_with(Vec::new())
    }

    /// Moves the clock by `by`.
    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Observes `observations` now.
    pub fn observe(&mut self, observations: Vec<Observation>) {
        self.policy.observe(observations, self.now);
    }

    /// Lets the coalescing window pass and returns what is due then.
    pub fn flush(&mut self) -> Vec<Notification> {
        self.advance(COALESCE_WINDOW);
        self.policy.due(self.now)
    }
}

/// The (title, priority) pairs of `notifications`, for compact assertions.
pub fn titles(notifications: &[Notification]) -> Vec<(String, Priority)> {
    notifications.iter().map(|n| (n.title.clone(), n.priority)).collect()
}

/// A project entry with nothing but its id set.
pub fn project_entry(id: &str) -> grove_engine::config::Project {
    grove_engine::config::Project {
        id: project(id),
        name: id.into(),
        path: format!("/src/{id}").into(),
        repo: None,
        default_branch: "main".into(),
        session_prefix: id.into(),
        agent: "shell".into(),
        runtime: grove_engine::config::Runtime::Process,
        post_create: Vec::new(),
        agent_rules_file: None,
        mute_notifications: false,
        land: grove_engine::config::LandMethod::Squash,
        after_land: grove_engine::config::AfterLand::Keep,
        reactions: Default::default(),
        declared_in: "/config.toml".into(),
        local_file: None,
    }
}

/// A notification about api-7 needing its human, as the policy would make it.
pub fn needs_you() -> Notification {
    Notification {
        session: Some(key("api-7")),
        sessions: vec![key("api-7")],
        signal: Some(Signal::NeedsYou),
        priority: Priority::Urgent,
        title: "api-7 needs you".into(),
        body: "waiting for permission to run `cargo test`".into(),
    }
}

/// Polls `done` every 20 ms until it holds, failing after `within`.
pub async fn wait_until(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "timed out after {within:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
