//! The stale-while-revalidate snapshot behind `list_cached` (SPEC D6-D9) and the background pass
//! that fills it. The snapshot carries a generation (D7): `invalidate` bumps it and drops the
//! snapshot, and a pass started under an older generation cannot write its result. A pass in
//! which a probe failed is retried with backoff (D8), and the failure stays visible in the
//! snapshot as `enrichment = failed`. Passes are counted per session for agent info (D9).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::enrich::{Enricher, InfoMode};
use super::view::{Enrichment, SessionKey, SessionList, SessionView};

/// The snapshot and the state of background passes. A std mutex: sections never wait.
#[derive(Debug)]
pub(crate) struct Cache {
    state: Mutex<CacheState>,
    /// Wakes the refresher. `Notify` keeps one permit, so a request made while a pass runs is
    /// served by the next pass instead of being lost.
    pub wake: Notify,
    /// Counts snapshots written by background passes, for whoever wants to know when one lands.
    landed: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct CacheState {
    generation: u64,
    snapshot: Option<Snapshot>,
    /// The generation the running pass started under, if one runs.
    running: Option<u64>,
    /// Failed passes in a row.
    failures: u32,
    /// When to retry after a failed pass.
    retry_at: Option<Instant>,
    /// Background passes that probed each session, for SPEC D9.
    passes: HashMap<SessionKey, u64>,
}

#[derive(Debug)]
struct Snapshot {
    list: Arc<SessionList>,
    taken_at: Instant,
}

/// What `list_cached` found.
pub(crate) enum Lookup {
    /// A snapshot (fresh, or stale with a refresh requested).
    Hit(Arc<SessionList>),
    /// No snapshot; a refresh was requested.
    Cold,
}

impl Cache {
    /// An empty cache: the first `list_cached` is cold.
    pub fn new() -> Self {
        Self { state: Mutex::new(CacheState::default()), wake: Notify::new(), landed: watch::channel(0).0 }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The snapshot as of `now`, requesting a refresh when it is stale or missing.
    pub fn lookup(&self, now: Instant, fresh_for: tokio::time::Duration) -> Lookup {
        let state = self.lock();
        let fresh = state.snapshot.as_ref().filter(|s| now < s.taken_at + fresh_for).map(|s| s.list.clone());
        if let Some(list) = fresh {
            return Lookup::Hit(list);
        }
        // One pass at a time; a pass running under the current generation will answer this read.
        if state.running != Some(state.generation) {
            self.wake.notify_one();
        }
        state.snapshot.as_ref().map_or(Lookup::Cold, |s| Lookup::Hit(s.list.clone()))
    }

    /// A mutation happened: forget the snapshot and disown the running pass.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.generation += 1;
        state.snapshot = None;
    }

    /// Asks for a background pass now, unless one runs under the current generation already.
    pub fn request_pass(&self) {
        let state = self.lock();
        if state.running != Some(state.generation) {
            self.wake.notify_one();
        }
    }

    /// The current snapshot and the generation it belongs to, without requesting a refresh.
    pub fn current(&self) -> Option<(u64, Arc<SessionList>)> {
        let state = self.lock();
        state.snapshot.as_ref().map(|s| (state.generation, s.list.clone()))
    }

    /// Replaces the views of some sessions in the snapshot (a targeted refresh), if no mutation
    /// happened since `generation` was read; the snapshot keeps its age. Subscribers of
    /// [`subscribe`](Self::subscribe) are told. Returns whether anything was replaced.
    pub fn replace(&self, generation: u64, views: Vec<SessionView>) -> bool {
        let mut state = self.lock();
        if state.generation != generation {
            return false;
        }
        let Some(snapshot) = state.snapshot.as_mut() else { return false };
        let mut list = (*snapshot.list).clone();
        let mut replaced = false;
        for view in views {
            if let Some(slot) = list.sessions.iter_mut().find(|v| v.key() == view.key()) {
                *slot = view;
                replaced = true;
            }
        }
        if replaced {
            snapshot.list = Arc::new(list);
            drop(state);
            self.landed.send_modify(|n| *n += 1);
        }
        replaced
    }

    /// A receiver that changes each time a background pass writes a snapshot.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.landed.subscribe()
    }

    /// When the refresher should retry on its own, if a pass failed.
    pub fn retry_at(&self) -> Option<Instant> {
        self.lock().retry_at
    }

    /// One background pass: list, enrich every session within the per-session deadline, and
    /// write the snapshot if no mutation happened meanwhile.
    pub async fn pass(&self, enricher: &Arc<Enricher>) {
        let generation = {
            let mut state = self.lock();
            state.running = Some(state.generation);
            state.generation
        };
        let stored = enricher.read_stored().await;
        let policy = &enricher.policy;
        let sessions = enricher
            .enrich_all(stored.sessions, policy.fresh_deadline, |key| {
                let mut state = self.lock();
                let pass = state.passes.entry(key.clone()).or_default();
                let mode = if policy.pass_probes_info(*pass) { InfoMode::Probe } else { InfoMode::Reuse };
                *pass += 1;
                mode
            })
            .await;
        let failed = sessions.iter().find_map(failure);
        self.finish(generation, SessionList { sessions, warnings: stored.warnings }, failed, enricher);
    }

    fn finish(&self, generation: u64, list: SessionList, failed: Option<String>, enricher: &Enricher) {
        let now = Instant::now();
        let mut state = self.lock();
        state.running = None;
        if state.generation != generation {
            tracing::debug!(generation, current = state.generation, "discarding a refresh that a mutation outdated");
            return;
        }
        let listed: HashMap<SessionKey, ()> = list.sessions.iter().map(|v| (v.key(), ())).collect();
        state.passes.retain(|key, _| listed.contains_key(key));
        match failed {
            Some(error) => {
                state.failures += 1;
                let delay = enricher.policy.retry_delay(state.failures);
                state.retry_at = Some(now + delay);
                tracing::warn!(failures = state.failures, retry_in = ?delay, "background refresh failed: {error}");
            }
            None => {
                state.failures = 0;
                state.retry_at = None;
            }
        }
        state.snapshot = Some(Snapshot { list: Arc::new(list), taken_at: now });
        drop(state);
        self.landed.send_modify(|n| *n += 1);
    }
}

/// The error of a view whose probe failed.
fn failure(view: &SessionView) -> Option<String> {
    match &view.enrichment {
        Enrichment::Failed { error, .. } => Some(format!("{}: {error}", view.key())),
        _ => None,
    }
}
