//! Subscribers (SPEC E1, ARCHITECTURE §4). One sequence numbers every message the feed publishes,
//! under the same lock that guards the state, so a subscriber registered and handed a snapshot
//! numbered `n` inside that lock receives exactly the patches `n+1, n+2, ...` that follow it: no
//! change can fall between its snapshot and its first patch (the race vibe-kanban lost patches to).
//!
//! Each subscriber has a bounded buffer (a `broadcast` receiver). One that falls behind by more
//! than the buffer is not handed a gap: its next message is a fresh snapshot, taken together with
//! a new receiver under the same lock, so what it receives next is exactly what follows that
//! snapshot (the old receiver's backlog, all covered by the snapshot, is dropped with it).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use tokio::sync::broadcast;

use super::message::{FeedEvent, Patch, Snapshot};
use super::state::{Delta, FeedState};

/// The state and the channel, shared by the feed's task and its subscriptions.
#[derive(Debug)]
pub(crate) struct Shared {
    // std mutex: held to apply a reading or copy a snapshot, never across an await, and
    // subscribers must register atomically with the snapshot they are given.
    inner: Mutex<Published>,
}

/// The state subscribers have been told about, and the number of the last message.
#[derive(Debug)]
pub(crate) struct Published {
    seq: u64,
    /// What was published; the task updates it, then calls [`Published::publish`].
    pub state: FeedState,
    tx: broadcast::Sender<Arc<FeedEvent>>,
}

/// What a round of changes needs to tell subscribers.
#[derive(Debug)]
pub(crate) enum Change {
    /// Sessions or warnings changed.
    Patch {
        /// Which sessions.
        delta: Delta,
        /// Whether the warnings changed.
        warnings: bool,
    },
    /// The projects changed: patches cannot say so, every subscriber gets a new snapshot.
    Snapshot,
}

impl Shared {
    /// A hub holding `state` as message 0, buffering `capacity` messages per subscriber.
    pub fn new(state: FeedState, capacity: usize) -> Arc<Self> {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Arc::new(Self { inner: Mutex::new(Published { seq: 0, state, tx }) })
    }

    /// The published state, locked.
    pub fn lock(&self) -> MutexGuard<'_, Published> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new subscriber: registered, then given the snapshot, inside one lock.
    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        let (rx, snapshot) = self.register();
        Subscription { pending: Some(snapshot), rx, shared: Arc::downgrade(self) }
    }

    /// A receiver and the snapshot it continues from, taken inside one lock.
    fn register(&self) -> (broadcast::Receiver<Arc<FeedEvent>>, Snapshot) {
        let published = self.lock();
        (published.tx.subscribe(), published.state.snapshot(published.seq))
    }
}

impl Published {
    /// Sends `change` to every subscriber under the next sequence number.
    pub fn publish(&mut self, change: Change) {
        let event = match change {
            Change::Patch { delta, warnings } => {
                if delta.changed.is_empty() && delta.removed.is_empty() && !warnings {
                    return;
                }
                let sessions = self.state.sessions_in_order(&delta.changed);
                let warnings = warnings.then(|| self.state.warnings());
                FeedEvent::Patch(Patch { seq: self.seq + 1, sessions, removed: delta.removed, warnings })
            }
            Change::Snapshot => FeedEvent::Snapshot(self.state.snapshot(self.seq + 1)),
        };
        self.seq += 1;
        // An error only means nobody subscribes right now; the state is kept for the next one.
        let _ = self.tx.send(Arc::new(event));
    }
}

/// One subscriber's stream: a snapshot, then patches numbered one after another; after a lag or
/// a [`resync`](Subscription::resync), a fresh snapshot again. Dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    /// The snapshot to hand out next.
    pending: Option<Snapshot>,
    rx: broadcast::Receiver<Arc<FeedEvent>>,
    /// Weak, so that a subscription left open does not keep a dropped feed's channel open.
    shared: Weak<Shared>,
}

impl Subscription {
    /// The next message; `None` once the feed is gone. The first message is a snapshot.
    pub async fn recv(&mut self) -> Option<FeedEvent> {
        loop {
            if let Some(snapshot) = self.pending.take() {
                return Some(FeedEvent::Snapshot(snapshot));
            }
            match self.rx.recv().await {
                Ok(event) => return Some(Arc::unwrap_or_clone(event)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "feed subscriber fell behind; resyncing it with a snapshot");
                    self.resync();
                    // No snapshot means the feed is gone.
                    self.pending.as_ref()?;
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Asks for a fresh snapshot as the next message (the UI calls this on a gap or an unknown
    /// session id, SPEC E4). Messages not yet received are dropped: the snapshot covers them.
    pub fn resync(&mut self) {
        self.pending = self.shared.upgrade().map(|shared| {
            let (rx, snapshot) = shared.register();
            self.rx = rx;
            snapshot
        });
    }
}
