//! The feed's task: waits for sources, gathers what arrives within one coalescing window, reads,
//! and publishes one message for the lot. A `select!` over the sources and the stop signal; the
//! reconciliation read is its only timer.
//!
//! A round:
//! - the disk changed (watcher, operation) or reconciliation is due: the `list_cached` snapshot is
//!   invalidated when the disk changed (SPEC D7), the store is read with `list_stored` (no probe,
//!   so a broken runtime cannot slow it), and `list_cached` is called to start the enrichment
//!   pass that will bring the new sessions' live fields;
//! - otherwise, when an enrichment pass landed: `list_cached` is read.
//!
//! A reading of the store that failed (its directories unreadable) is not applied: the last good
//! state stays (SPEC E3) and the failure counts towards a feed warning.

use std::sync::Arc;

use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, sleep_until};

use super::coalesce::Window;
use super::config::FeedConfig;
use super::health::Streak;
use super::hub::{Change, Shared};
use super::inbox::Inbox;
use super::message::{FeedWarning, WarningSource};
use super::policy::FeedOptions;
use super::watcher::StoreWatcher;
use crate::home::GroveHome;
use crate::manager::{SessionList, Sessions};
use crate::store::StoreWarning;

/// Everything the task owns.
pub(crate) struct Pump {
    pub sessions: Arc<Sessions>,
    pub home: GroveHome,
    pub shared: Arc<Shared>,
    pub inbox: Arc<Inbox>,
    /// `None` when watching is off or could not start; `unwatched` then says why, if it failed.
    pub watcher: Option<StoreWatcher>,
    pub unwatched: Option<FeedWarning>,
    pub config: watch::Receiver<FeedConfig>,
    pub options: FeedOptions,
    pub reading: Streak,
    /// When the feed last started an enrichment pass after a disk change.
    pub last_pass: Option<Instant>,
    /// When a pass held back by [`FeedOptions::pass_gap`] is due.
    pub pass_at: Option<Instant>,
    /// Enrichment snapshots landing, subscribed before the first reading so that a pass landing
    /// between that reading and the task's start is not missed.
    pub landed: watch::Receiver<u64>,
}

/// What one round must read.
#[derive(Debug, Default, Clone, Copy)]
struct Due {
    enriched: bool,
    reconcile: bool,
}

impl Pump {
    /// Reads the store and publishes it as message 0. Called before the first subscriber can
    /// exist, and after the watcher started, so nothing written meanwhile is missed.
    pub async fn first_reading(&mut self) {
        if let Some(watcher) = &mut self.watcher {
            watcher.sync();
        }
        // Cold, this is the stored listing, and it starts the first enrichment pass.
        let list = self.sessions.list_cached().await;
        let config = self.config.borrow_and_update().clone();
        let good = self.checked(&list);
        let failing = self.failing();
        let mut published = self.shared.lock();
        if good {
            published.state.apply_list(&list);
        }
        published.state.set_config(config);
        published.state.set_failing(failing);
    }

    /// Runs rounds until `stop` fires or is dropped.
    pub async fn run(mut self, mut stop: oneshot::Receiver<()>) {
        let mut snapshots = self.landed.clone();
        let mut config_open = true;
        let mut window = Window::new(self.options.coalesce, self.options.coalesce_max);
        let mut due = Due::default();
        let mut reconcile_at = Instant::now() + self.options.reconcile_every;
        loop {
            let flush_at = window.due();
            tokio::select! {
                _ = &mut stop => return,
                () = self.inbox.wake.notified() => window.touch(Instant::now()),
                landed = snapshots.changed() => {
                    if landed.is_err() {
                        return; // the sessions are gone, and with them anything to show
                    }
                    due.enriched = true;
                    window.touch(Instant::now());
                }
                changed = self.config.changed(), if config_open => {
                    // A closed channel keeps the last config shown; it only stops changing.
                    config_open = changed.is_ok();
                    window.touch(Instant::now());
                }
                () = sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {}
                () = sleep_until(reconcile_at) => {
                    due.reconcile = true;
                    reconcile_at = Instant::now() + self.options.reconcile_every;
                }
                () = sleep_until(self.pass_at.unwrap_or_else(Instant::now)), if self.pass_at.is_some() => {
                    self.pass_at = None;
                    self.start_pass().await;
                    continue;
                }
            }
            let flush_now = window.due().is_some_and(|at| at <= Instant::now());
            if !(flush_now || due.reconcile) {
                continue;
            }
            let round = std::mem::take(&mut due);
            tokio::select! {
                _ = &mut stop => return,
                () = self.round(round) => {}
            }
            // Closed when the round ends, not when it starts: what arrived while it ran is the
            // same burst and is gathered, rather than starting rounds back to back.
            window.close(Instant::now());
        }
    }

    async fn round(&mut self, due: Due) {
        let arrived = self.inbox.take();
        let from_disk = arrived.disk || due.reconcile;
        let list = if from_disk {
            self.read_disk(arrived.disk).await
        } else if due.enriched {
            let list = self.sessions.list_cached().await;
            self.checked(&list).then_some(list)
        } else {
            None
        };
        let read = list.is_some();
        let config = self.config.borrow_and_update().clone();
        let failing = self.failing();
        let sessions_changed = self.publish(list.as_deref(), &arrived.quarantined, config, failing);
        if from_disk && read {
            if sessions_changed && !arrived.disk {
                // Reconciliation found what the watcher missed: a pass started before it must
                // not land, or it would bring back the old records (SPEC D7).
                self.sessions.invalidate();
            }
            self.request_pass().await;
        }
    }

    /// Starts a pass now, or once [`FeedOptions::pass_gap`] has passed since the last one.
    async fn request_pass(&mut self) {
        let now = Instant::now();
        match self.last_pass {
            Some(last) if now < last + self.options.pass_gap => {
                self.pass_at.get_or_insert(last + self.options.pass_gap);
            }
            _ => self.start_pass().await,
        }
    }

    /// Starts a pass when the snapshot is gone or stale, so the sessions just read get their
    /// live fields; otherwise answers from memory. The pass's result arrives through
    /// `snapshots`, so the answer itself is not needed.
    async fn start_pass(&mut self) {
        self.last_pass = Some(Instant::now());
        let _ = self.sessions.list_cached().await;
    }

    /// Applies one round's findings and publishes what changed; returns whether any session did.
    /// Synchronous, so the lock is never held across an await.
    fn publish(
        &self,
        list: Option<&SessionList>,
        quarantined: &[std::path::PathBuf],
        config: FeedConfig,
        failing: Vec<FeedWarning>,
    ) -> bool {
        let mut published = self.shared.lock();
        let (warnings, projects) = (published.state.warnings(), published.state.projects());
        let delta = list.map(|list| published.state.apply_list(list)).unwrap_or_default();
        let sessions_changed = !delta.changed.is_empty() || !delta.removed.is_empty();
        for moved_to in quarantined {
            published.state.quarantined(moved_to);
        }
        published.state.set_config(config);
        published.state.set_failing(failing);
        let change = if published.state.projects() != projects {
            Change::Snapshot
        } else {
            Change::Patch { warnings: published.state.warnings() != warnings, delta }
        };
        published.publish(change);
        sessions_changed
    }

    /// Reads the store with `list_stored`; `None` if the reading failed. When the disk is known
    /// to have changed, the enrichment snapshot is invalidated first (SPEC D7).
    async fn read_disk(&mut self, changed: bool) -> Option<Arc<SessionList>> {
        if changed {
            self.sessions.invalidate();
        }
        if let Some(watcher) = &mut self.watcher {
            watcher.sync();
        }
        let list = Arc::new(self.sessions.list_stored().await);
        self.checked(&list).then_some(list)
    }

    /// Whether `list` is a good reading, counting it for or against the store's failure run.
    fn checked(&mut self, list: &SessionList) -> bool {
        match self.read_failure(list) {
            Some(error) => {
                self.reading.fail(error);
                false
            }
            None => {
                self.reading.succeed();
                true
            }
        }
    }

    /// Why a listing cannot be trusted: the projects directory or a project's sessions directory
    /// could not be read, so sessions are missing from it without having gone.
    fn read_failure(&self, list: &SessionList) -> Option<String> {
        let projects = self.home.projects_dir();
        list.warnings.iter().find_map(|warning| match warning {
            StoreWarning::Unreadable { path, error }
                if *path == projects || path.parent().and_then(|p| p.parent()) == Some(projects.as_path()) =>
            {
                Some(format!("could not read {}: {error}", path.display()))
            }
            _ => None,
        })
    }

    /// The warnings of the sources failing now.
    fn failing(&self) -> Vec<FeedWarning> {
        let unwatched = self.unwatched.iter().cloned();
        unwatched.chain(self.reading.warning()).chain(self.inbox.watcher_warning()).collect()
    }
}

/// The warning shown when the store cannot be watched at all: changes then show at the next
/// reconciliation only.
pub(crate) fn unwatched_warning(error: &str, reconcile_every: std::time::Duration) -> FeedWarning {
    FeedWarning {
        source: WarningSource::Feed,
        message: format!("live updates are off ({error}); the dashboard updates every {} s", reconcile_every.as_secs()),
        file: None,
        line: None,
    }
}
