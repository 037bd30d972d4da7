//! [`Sessions`]: the read paths of SPEC D6 over one store and one set of probes.
//!
//! - [`list_stored`](Sessions::list_stored): disk only, for stop, shutdown and membership checks.
//! - [`list_cached`](Sessions::list_cached): the dashboard's stale-while-revalidate read.
//! - [`list_fresh`](Sessions::list_fresh): bounded live enrichment of every session.
//! - [`get`](Sessions::get): bounded live enrichment of one session.
//!
//! Every path shares one single-flight table per probe kind and one cooldown table, so however
//! many callers read a session at once, it is probed once, and a session whose probe timed out is
//! left alone by all of them for 15 s.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::time::{Duration, Instant};

use super::cache::{Cache, Lookup};
use super::enrich::Enricher;
use super::nudge::{Nudger, Nudges};
use super::policy::EnrichmentPolicy;
use super::probes::Probes;
use super::refresher::Refresher;
use super::view::{SessionKey, SessionList, SessionView};
use crate::ids::SessionId;
use crate::store::{Store, StoreError, StoredSessions};

/// A read that could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No session has this id (or only a reservation for it: its spawn has not written it yet).
    #[error("no session {id}")]
    NotFound {
        /// The id asked for.
        id: SessionId,
    },
    /// The record exists but could not be read (corrupt, newer format, I/O error).
    #[error(transparent)]
    Store(StoreError),
}

/// The sessions of one `GROVE_HOME`, read through bounded, single-flight, cooled-down enrichment.
/// Owns its background refresh task: dropping this stops it and every probe still in flight.
#[derive(Debug)]
pub struct Sessions {
    enricher: Arc<Enricher>,
    cache: Arc<Cache>,
    nudges: Arc<Nudges>,
    _refresher: Refresher,
    _nudger: Nudger,
}

impl Sessions {
    /// Read paths over `store`, probing with `probes` under `policy`. Must be called inside a
    /// tokio runtime: it starts the background refresh task there.
    pub fn new(store: Store, probes: Probes, policy: EnrichmentPolicy) -> Self {
        let enricher = Enricher::new(store, probes, policy);
        let cache = Arc::new(Cache::new());
        let _refresher = Refresher::spawn(enricher.clone(), cache.clone());
        let nudges = Arc::new(Nudges::default());
        let _nudger = Nudger::spawn(enricher.clone(), cache.clone(), nudges.clone());
        Self { enricher, cache, nudges, _refresher, _nudger }
    }

    /// The policy in use.
    pub fn policy(&self) -> &EnrichmentPolicy {
        &self.enricher.policy
    }

    /// Every session as stored on disk, `enrichment = stored`. Runs no probe, so it answers even
    /// when tmux or an agent adapter is broken.
    pub async fn list_stored(&self) -> SessionList {
        into_list(self.enricher.read_stored().await)
    }

    /// The dashboard's read (SPEC D6): the last background snapshot if fresh; if stale, that
    /// snapshot while a refresh runs; if there is none, the stored sessions at once (marked
    /// `stored`) while a refresh runs. Never waits for a probe. Failed probes of the last pass show
    /// as `enrichment = failed`, and the pass is retried with backoff (D8).
    ///
    /// Background passes run when a read finds the snapshot stale or missing, and on their own
    /// only to retry a failed pass (2 s, 5 s, 15 s, then every 35 s until one succeeds). They
    /// enrich like `list_fresh`, except that agent info is probed on every 4th pass (D9).
    pub async fn list_cached(&self) -> Arc<SessionList> {
        match self.cache.lookup(Instant::now(), self.enricher.policy.cache_fresh_for) {
            Lookup::Hit(list) => list,
            Lookup::Cold => Arc::new(self.list_stored().await),
        }
    }

    /// Every session enriched live, each within the per-session deadline of the policy (12 s),
    /// all at once with the number of probes running bounded by the policy. Always probes agent
    /// info (SPEC D9). Does not touch the `list_cached` snapshot.
    pub async fn list_fresh(&self) -> SessionList {
        let stored = self.enricher.read_stored().await;
        let each = self.enricher.policy.fresh_deadline;
        let sessions = self.enricher.enrich_all(stored.sessions, each, |_| super::enrich::InfoMode::Probe).await;
        SessionList { sessions, warnings: stored.warnings }
    }

    /// One session enriched live within `deadline` from now (the UI passes
    /// [`EnrichmentPolicy::detail_deadline`], 3 s). On a timeout the stored fields come back with
    /// `enrichment = timed_out`; only a missing or unreadable record is an error.
    pub async fn get(&self, id: &SessionId, deadline: Duration) -> Result<SessionView, ReadError> {
        let deadline = Instant::now() + deadline;
        let (store, wanted) = (self.enricher.store.clone(), id.clone());
        let found = tokio::task::spawn_blocking(move || store.find(&wanted))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        let record = match found {
            Ok(record) => record,
            Err(StoreError::NotFound { .. }) => return Err(ReadError::NotFound { id: id.clone() }),
            Err(e) => return Err(ReadError::Store(e)),
        };
        Ok(self.enricher.enrich_one(record, deadline).await)
    }

    /// A mutation happened (spawn, kill, restore, send, or a record change seen by the file
    /// watcher): the `list_cached` snapshot is dropped, and a background pass already running
    /// cannot write its now outdated result (SPEC D7). The next `list_cached` reads the disk.
    pub fn invalidate(&self) {
        self.cache.invalidate();
    }

    /// The agent of `key` reported something (its events file changed): its activity is probed
    /// again at once and its view in the `list_cached` snapshot replaced, which `snapshots`
    /// announces. Cheap and synchronous, so the file watcher's thread can call it.
    pub fn nudge(&self, key: SessionKey) {
        self.nudges.nudge(key);
    }

    /// A receiver whose value changes each time a background pass writes a new `list_cached`
    /// snapshot, so the live feed can push it instead of waiting for the next read.
    pub fn snapshots(&self) -> watch::Receiver<u64> {
        self.cache.subscribe()
    }
}

fn into_list(stored: StoredSessions) -> SessionList {
    SessionList { sessions: stored.sessions.into_iter().map(SessionView::stored).collect(), warnings: stored.warnings }
}
