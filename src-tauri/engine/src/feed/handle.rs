//! [`Feed`]: the handle that owns the feed's task and watcher. Dropping it stops both, and every
//! subscription then ends.

use std::sync::Arc;

use tokio::sync::{oneshot, watch};

use super::config::FeedConfig;
use super::health::Streak;
use super::hub::{Shared, Subscription};
use super::inbox::Inbox;
use super::policy::FeedOptions;
use super::state::FeedState;
use super::task::{Pump, unwatched_warning};
use super::watcher::{OnReport, StoreWatcher};
use crate::home::GroveHome;
use crate::manager::{SessionKey, Sessions};

/// The live feed of one `GROVE_HOME` (SPEC E1-E3): snapshots and numbered patches for every
/// subscriber, from the store watcher, enrichment results and operations.
#[derive(Debug)]
pub struct Feed {
    shared: Arc<Shared>,
    inbox: Arc<Inbox>,
    /// Dropped to stop the task (a closed channel is the signal); the task owns the watcher.
    _stop: oneshot::Sender<()>,
}

impl Feed {
    /// Starts the feed over `sessions` (which must read `home`): watches the store (unless
    /// `options` say not to), reads it once so the first subscriber gets a real snapshot, and
    /// starts the task on the current tokio runtime. `config` carries the projects and config
    /// errors to show; the app updates it from its config watcher.
    ///
    /// A store that cannot be watched (inotify limits, say) does not stop the feed: it then
    /// updates at each reconciliation, and says so in a warning.
    pub async fn start(
        sessions: Arc<Sessions>,
        home: GroveHome,
        config: watch::Receiver<FeedConfig>,
        options: FeedOptions,
    ) -> Feed {
        let inbox = Arc::new(Inbox::new());
        let (watcher, unwatched) = if options.watch_store {
            let reporter = sessions.clone();
            let on_report: OnReport = Arc::new(move |key| reporter.nudge(key));
            match StoreWatcher::start(home.projects_dir(), inbox.clone(), on_report) {
                Ok(watcher) => (Some(watcher), None),
                Err(error) => {
                    tracing::warn!("feed: {error}; falling back to reconciliation reads");
                    (None, Some(unwatched_warning(&error, options.reconcile_every)))
                }
            }
        } else {
            (None, None)
        };
        let shared = Shared::new(FeedState::default(), options.subscriber_capacity);
        let landed = sessions.snapshots();
        let mut pump = Pump {
            sessions,
            home,
            shared: shared.clone(),
            inbox: inbox.clone(),
            watcher,
            unwatched,
            config,
            options,
            reading: Streak::new("reading the session store"),
            last_pass: None,
            pass_at: None,
            landed,
        };
        pump.first_reading().await;
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(pump.run(stopped));
        Feed { shared, inbox, _stop: stop }
    }

    /// A new subscriber. It is registered before its snapshot is taken, under the lock every
    /// change is published under, so each change is either in the snapshot or in a patch after it.
    pub fn subscribe(&self) -> Subscription {
        self.shared.subscribe()
    }

    /// An operation wrote the record of `key` (spawn, kill, restore, send): it reaches
    /// subscribers within the coalescing window even if the watcher missed or has not yet
    /// delivered the write, and the enrichment snapshot is invalidated (SPEC D7).
    pub fn notify_changed(&self, key: &SessionKey) {
        tracing::trace!(session = %key, "feed: an operation changed a record");
        self.inbox.disk_changed();
    }

    /// Reads the store again within the coalescing window, for callers that changed several
    /// records or do not know which.
    pub fn refresh(&self) {
        self.inbox.disk_changed();
    }
}
