//! The engine as the running app holds it: the config in force (hot-reloaded, SPEC C6), the read
//! paths, the live feed and its subscribers, and operations that tell the feed what they changed.
//! Started once in the background at app start, so the window opens while the store is read.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use grove_engine::config::{self, Config, ConfigEvent, ConfigSources, ConfigWatcher, Loaded};
use grove_engine::disk::{DiskCache, DiskRefresher, RefreshOptions};
use grove_engine::feed::{Feed, FeedConfig, FeedEvent, FeedOptions, Subscription};
use grove_engine::home::GroveHome;
use grove_engine::ids::SessionId;
use grove_engine::manager::{EnrichmentPolicy, Probes, SessionKey, Sessions};
use grove_engine::ops::{FleetError, FleetRestoreReport, FleetStopReport, Ops, RestoreProgress, Tmux};
use grove_engine::react::reactions::{AgentSender, PortFuture, Reactor};
use grove_engine::react::{Attention, AttentionSources, Desktop, Focus, OnNotified};
use grove_engine::review::{MakeOps, TurnEnds};
use grove_engine::scm::{GhPrFacts, PrLoop, PrLoopOptions, ScmProject};
use grove_engine::session::SessionRecord;
use grove_engine::session::is_terminal;
use grove_engine::store::StopScope;
use grove_engine::store::Store;
use grove_engine::terminal::{TerminalOptions, Terminals};
use tokio::sync::{Notify, watch};

/// Runs the PR loop over the configured projects, showing its trouble (rate limit, `gh`
/// missing) as a feed warning.
fn start_pr_loop(
    store: Store,
    config: Arc<Mutex<Arc<Loaded>>>,
    feed_config: Arc<watch::Sender<FeedConfig>>,
    make_ops: MakeOps,
) -> PrLoop {
    let projects = move || ScmProject::from_config(&config.lock().unwrap_or_else(PoisonError::into_inner).config);
    let pr_loop = PrLoop::spawn(store, projects, PrLoopOptions::default());
    land_merged_prs(pr_loop.passes(), make_ops);
    let mut status = pr_loop.status();
    tokio::spawn(async move {
        loop {
            let message = status.borrow_and_update().message();
            feed_config.send_if_modified(|c| std::mem::replace(&mut c.github, message.clone()) != message);
            if status.changed().await.is_err() {
                return;
            }
        }
    });
    pr_loop
}

/// A PR the loop found newly merged is the session's work landed through GitHub: record it and
/// apply the project's `after_land` (SPEC K6, F6). A failure is logged; the record stays as the
/// PR loop wrote it (merged), so nothing is lost and the user can still reclaim by hand.
fn land_merged_prs(mut passes: watch::Receiver<grove_engine::scm::PassSummary>, make_ops: MakeOps) {
    tokio::spawn(async move {
        while passes.changed().await.is_ok() {
            let merged = passes.borrow_and_update().report.merged.clone();
            for id in merged {
                if let Err(e) = make_ops().land_merged_pr(&id).await {
                    tracing::warn!("after the merge of {id}'s PR: {e}");
                }
            }
        }
    });
}

/// Sends reactions' messages with the operations of the config in force at the time.
struct ConfiguredOps {
    home: GroveHome,
    config: Arc<Mutex<Arc<Loaded>>>,
}

impl AgentSender for ConfiguredOps {
    fn send_to_agent<'a>(&'a self, session: &'a SessionId, message: &'a str) -> PortFuture<'a, Result<(), String>> {
        let config = self.config.lock().unwrap_or_else(PoisonError::into_inner).config.clone();
        let ops = Ops::new(Store::new(self.home.clone()), config);
        Box::pin(async move { ops.send_to_agent(session, message).await })
    }
}

/// The running engine of one app.
pub struct Backend {
    home: GroveHome,
    sources: ConfigSources,
    sessions: Arc<Sessions>,
    feed: Feed,
    /// The last good config; the reload task replaces it.
    config: Arc<Mutex<Arc<Loaded>>>,
    /// The same config as the attention task follows it.
    config_rx: watch::Receiver<Arc<Config>>,
    subscribers: Subscribers,
    /// Held for its life: dropping it stops watching the config files.
    _config_watcher: Option<ConfigWatcher>,
    /// PR and CI state from GitHub, written into the records (SPEC H4).
    pr_loop: PrLoop,
    /// Reactions to PR and agent states (SPEC H3).
    reactor: Arc<Reactor>,
    /// Notifications and reactions, once the app can show notifications.
    attention: Mutex<Option<Attention>>,
    /// Live terminal views of sessions (issue #10).
    terminals: Terminals,
    /// Moves each session's `turn` review refs when its agent ends a turn (SPEC K2).
    _turn_ends: TurnEnds,
    /// Each worktree's size on disk (SPEC K7).
    disk: DiskCache,
    /// Held for its life: measures worktrees in the background.
    _disk_refresher: DiskRefresher,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").field("home", &self.home).finish_non_exhaustive()
    }
}

impl Backend {
    /// Loads the config, starts its watcher, the read paths and the feed (whose first reading of
    /// the store is done when this returns). Must run inside the app's tokio runtime.
    pub async fn start(home: GroveHome, sources: ConfigSources, options: FeedOptions) -> Backend {
        // A broken config must not keep the dashboard from showing the sessions that exist: fall
        // back like stop does (SPEC C4), and show the strict load's errors as warnings.
        let (initial, errors) = match config::load_strict(&sources) {
            Ok(loaded) => (loaded, Vec::new()),
            Err(errors) => (config::load_interactive(&sources), errors.errors().to_vec()),
        };
        let initial = Arc::new(initial);
        let mut feed_config = FeedConfig::from_loaded(&initial);
        feed_config.errors.extend(errors);
        let (feed_config_tx, feed_config_rx) = watch::channel(feed_config);
        let feed_config_tx = Arc::new(feed_config_tx);
        let config = Arc::new(Mutex::new(initial.clone()));
        let (config_tx, config_rx) = watch::channel(Arc::new(initial.config.clone()));
        let watcher = match ConfigWatcher::spawn(sources.clone(), initial) {
            Ok((watcher, mut events)) => {
                let (config, feed_config_tx) = (config.clone(), feed_config_tx.clone());
                tokio::spawn(async move {
                    while let Some(event) = events.recv().await {
                        if let ConfigEvent::Reloaded(loaded) = &event {
                            *config.lock().unwrap_or_else(PoisonError::into_inner) = loaded.clone();
                            config_tx.send_replace(Arc::new(loaded.config.clone()));
                        }
                        feed_config_tx.send_modify(|c| c.apply(&event));
                    }
                });
                Some(watcher)
            }
            Err(e) => {
                // Without a watcher the config in force stays the one loaded now; say so.
                tracing::warn!("config files are not watched ({e}); edits apply after a restart");
                None
            }
        };
        let store = Store::new(home.clone());
        let sessions = Arc::new(Sessions::new(store.clone(), Probes::live(&home), EnrichmentPolicy::default()));
        let feed = Feed::start(sessions.clone(), home.clone(), feed_config_rx, options).await;
        // Worktree sizes (SPEC K7), measured one at a time in the background and read by the
        // land check and the feed; operations share the cache so a reclaim drops the entry.
        let disk = DiskCache::new();
        let disk_refresher = DiskRefresher::spawn(store.clone(), disk.clone(), RefreshOptions::default());
        let make_ops: MakeOps = {
            let (home, config, disk) = (home.clone(), config.clone(), disk.clone());
            Arc::new(move || {
                let loaded = config.lock().unwrap_or_else(PoisonError::into_inner).clone();
                Ops::new(Store::new(home.clone()), loaded.config.clone()).with_disk_cache(disk.clone())
            })
        };
        let pr_loop = start_pr_loop(store.clone(), config.clone(), feed_config_tx, make_ops.clone());
        let sender = Arc::new(ConfiguredOps { home: home.clone(), config: config.clone() });
        let facts = Arc::new(GhPrFacts::new(config_rx.clone()));
        let reactor = Arc::new(Reactor::new(store, config_rx.borrow().clone(), sender, facts));
        let turn_ends = TurnEnds::spawn(&feed, make_ops.clone());
        Backend {
            home: home.clone(),
            sources,
            sessions,
            feed,
            config,
            config_rx,
            subscribers: Subscribers::default(),
            _config_watcher: watcher,
            pr_loop,
            reactor,
            attention: Mutex::new(None),
            terminals: Terminals::new(Tmux::for_home(&home), TerminalOptions::default()),
            _turn_ends: turn_ends,
            disk,
            _disk_refresher: disk_refresher,
        }
    }

    /// Starts notifications and reactions (SPEC H2, H3): `desktop` shows OS notifications,
    /// `focus` says what the user is looking at, `on_notified` hears of each one delivered.
    /// Called once the app can show notifications; a second call replaces the first task.
    pub fn start_attention(&self, desktop: Desktop, focus: watch::Receiver<Focus>, on_notified: OnNotified) {
        let sources = AttentionSources {
            config: self.config_rx.clone(),
            focus,
            desktop,
            reactor: self.reactor.clone(),
            on_notified,
        };
        *self.attention.lock().unwrap_or_else(PoisonError::into_inner) = Some(Attention::spawn(&self.feed, sources));
    }

    /// Asks the PR loop for a pass soon (a session was spawned, restored or sent a message).
    pub fn poke_pr_loop(&self) {
        self.pr_loop.poke();
    }

    /// The last good config.
    pub fn config(&self) -> Arc<Loaded> {
        self.config.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Operations under the config in force.
    pub fn ops(&self) -> Ops {
        Ops::new(Store::new(self.home.clone()), self.config().config.clone()).with_disk_cache(self.disk.clone())
    }

    /// Each worktree's last measured size on disk (SPEC K7).
    pub fn disk(&self) -> &DiskCache {
        &self.disk
    }

    /// The terminal views' attachments.
    pub fn terminals(&self) -> &Terminals {
        &self.terminals
    }

    /// The read paths.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// An operation wrote `record`: drop the cached reads (SPEC D7) and get the change to the
    /// dashboard within the coalescing window, even if the file watcher is slow or missed it.
    pub fn changed(&self, record: &SessionRecord) {
        self.sessions.invalidate();
        self.feed.notify_changed(&SessionKey::of(record));
    }

    /// An operation failed part-way and may have written something: read the store again.
    pub fn maybe_changed(&self) {
        self.sessions.invalidate();
        self.feed.refresh();
    }

    /// How many sessions are not ended, from disk.
    pub async fn live_count(&self) -> usize {
        let store = Store::new(self.home.clone());
        let count = move || store.list_stored().sessions.iter().filter(|r| !is_terminal(&r.lifecycle)).count();
        tokio::task::spawn_blocking(count).await.unwrap_or(0)
    }

    /// Stops every live session of `scope` for a later restore (SPEC G1, G3) under the stop
    /// loader's config, and records them in `last-stop.json`.
    pub async fn stop_all(&self, scope: StopScope) -> Result<FleetStopReport, FleetError> {
        let (ops, note) = crate::lifecycle::stop_ops(&self.home, &self.sources);
        let report = ops.stop_fleet(scope, note).await;
        self.maybe_changed();
        report
    }

    /// Restores what the last stop recorded (SPEC G5), telling `progress` of each session.
    pub async fn restore_last_stop(
        &self,
        progress: impl FnMut(&RestoreProgress) + Send,
    ) -> Result<FleetRestoreReport, FleetError> {
        let report = self.ops().restore_last_stop(progress).await;
        self.maybe_changed();
        report
    }

    /// A new feed subscriber whose messages go to `deliver` until it returns false (the webview
    /// is gone) or [`Backend::unsubscribe`] is called. Returns its id for resync and unsubscribe.
    pub fn subscribe(&self, deliver: impl FnMut(FeedEvent) -> bool + Send + 'static) -> u64 {
        self.subscribers.add(self.feed.subscribe(), deliver)
    }

    /// Makes subscriber `id`'s next message a fresh snapshot (SPEC E4). False if it is unknown.
    pub fn resync(&self, id: u64) -> bool {
        self.subscribers.resync(id)
    }

    /// Ends subscriber `id`. False if it is unknown (already gone).
    pub fn unsubscribe(&self, id: u64) -> bool {
        self.subscribers.remove(id)
    }
}

/// The feed's subscribers by id, each pumped by a task of its own.
#[derive(Default)]
struct Subscribers {
    next: AtomicU64,
    // std mutex: held only to insert, look up or remove, never across an await.
    live: Arc<Mutex<HashMap<u64, Arc<SubscriberControl>>>>,
}

/// What the outside can ask of one subscriber's task.
#[derive(Default)]
struct SubscriberControl {
    resync: Notify,
    stop: Notify,
}

impl Subscribers {
    fn add(&self, mut subscription: Subscription, mut deliver: impl FnMut(FeedEvent) -> bool + Send + 'static) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let control = Arc::new(SubscriberControl::default());
        self.lock().insert(id, control.clone());
        let live = self.live.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = control.stop.notified() => break,
                    () = control.resync.notified() => subscription.resync(),
                    event = subscription.recv() => {
                        let Some(event) = event else { break };
                        if !deliver(event) {
                            tracing::debug!(subscriber = id, "feed subscriber's webview is gone");
                            break;
                        }
                    }
                }
            }
            live.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        });
        id
    }

    fn resync(&self, id: u64) -> bool {
        // `notify_one` keeps a permit, so a resync asked while a message is being delivered is
        // not lost.
        self.lock().get(&id).map(|c| c.resync.notify_one()).is_some()
    }

    fn remove(&self, id: u64) -> bool {
        self.lock().remove(&id).map(|c| c.stop.notify_one()).is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<SubscriberControl>>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The longest a command waits for the engine to start. Start-up reads the store once (about a
/// second for 100,000 records); far beyond that, something is wrong and the UI should say so.
pub const BACKEND_START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The backend once it has started: commands wait for it (briefly, at app start) through this.
#[derive(Clone)]
pub struct BackendCell {
    rx: watch::Receiver<Option<Arc<Backend>>>,
}

impl BackendCell {
    /// A cell and the sender that fills it once.
    pub fn new() -> (watch::Sender<Option<Arc<Backend>>>, BackendCell) {
        let (tx, rx) = watch::channel(None);
        (tx, BackendCell { rx })
    }

    /// The backend, waiting for it to finish starting; `None` if it is gone or has not started
    /// within [`BACKEND_START_TIMEOUT`] (a command must answer, never hang the webview).
    /// The backend if it has started, without waiting (for synchronous commands).
    pub fn try_get(&self) -> Option<Arc<Backend>> {
        self.rx.borrow().clone()
    }

    pub async fn get(&self) -> Option<Arc<Backend>> {
        let mut rx = self.rx.clone();
        let ready = tokio::time::timeout(BACKEND_START_TIMEOUT, rx.wait_for(Option::is_some)).await.ok()?.ok()?;
        ready.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use grove_engine::feed::FeedEvent;
    use tokio::sync::mpsc;

    use super::*;

    fn record(id: &str, name: &str) -> String {
        serde_json::json!({
            "version": 1, "id": id, "projectId": "api", "kind": "worker", "agent": "claude-code",
            "runtime": "tmux", "branch": format!("session/{id}"), "worktree": format!("/nonexistent/{id}"),
            "createdAt": "2026-01-02T03:04:05Z", "displayName": name,
            "lifecycle": {
                "session": {"state": "terminated", "reason": "stopped_for_restore", "startedAt": null,
                            "lastTransitionAt": "2026-01-02T03:04:06Z", "terminatedAt": "2026-01-02T03:04:06Z"},
                "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
                "runtime": {"state": "exited", "reason": "stopped_for_restore", "handle": null}
            }
        })
        .to_string()
    }

    async fn next(rx: &mut mpsc::UnboundedReceiver<FeedEvent>, what: &str) -> FeedEvent {
        tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no feed message within 20 s while waiting for {what}"))
            .expect("the subscriber's stream ended")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_subscriber_gets_a_snapshot_then_the_change_written_on_disk_and_a_snapshot_on_resync() {
        let dir = tempfile::tempdir().unwrap();
        let home = GroveHome::at(dir.path().join("home"));
        let sessions = home.projects_dir().join("api").join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        std::fs::write(sessions.join("api-1.json"), record("api-1", "first")).unwrap();
        let sources = ConfigSources { global: dir.path().join("config.toml"), running: None };
        let backend = Backend::start(home, sources, FeedOptions::default()).await;

        let (tx, mut rx) = mpsc::unbounded_channel();
        let id = backend.subscribe(move |event| tx.send(event).is_ok());
        let FeedEvent::Snapshot(snapshot) = next(&mut rx, "the snapshot").await else {
            panic!("the first message must be a snapshot");
        };
        assert_eq!(snapshot.sessions.len(), 1, "the snapshot holds the record on disk: {:?}", snapshot.warnings);

        std::fs::write(sessions.join("api-1.json"), record("api-1", "renamed")).unwrap();
        let FeedEvent::Patch(patch) = next(&mut rx, "the patch").await else {
            panic!("a change on disk must arrive as a patch");
        };
        assert_eq!(patch.seq, snapshot.seq + 1, "patches follow the snapshot's sequence number");
        let names: Vec<_> = patch.sessions.iter().map(|s| s.view.record.display_name.clone()).collect();
        assert_eq!(names, [Some("renamed".to_owned())], "the patch carries the edited record");

        assert!(backend.resync(id), "the subscriber is known");
        assert!(
            matches!(next(&mut rx, "the resync snapshot").await, FeedEvent::Snapshot(_)),
            "resync gives a snapshot"
        );

        assert!(backend.unsubscribe(id), "unsubscribing a live subscriber");
        assert!(!backend.resync(id), "an ended subscription is unknown");
    }
}
