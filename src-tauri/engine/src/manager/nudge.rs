//! Targeted refreshes (SPEC I0): when an agent reports an event (its events file grew), only that
//! session's activity is probed again, at once, and its view replaced in the `list_cached`
//! snapshot, so "needs you" reaches the dashboard within the coalescing window instead of at the
//! next pass (which a storm of writes may hold back by seconds, and which would probe every
//! session to learn about one).
//!
//! Sessions shown as waiting are also read again every [`RECHECK_WAITING`]: an answer typed
//! straight into the agent's terminal produces no event until the tool finishes, and only the
//! screen shows the dialog has gone. So are sessions whose agent stops on questions without
//! saying so (working Codex and Aider, Claude right after a turn). Nothing else is read on a
//! timer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::{Notify, oneshot, watch};
use tokio::time::{Duration, Instant, sleep_until};

use super::cache::Cache;
use super::enrich::Enricher;
use super::view::{SessionKey, SessionView};
use crate::probe::ActivitySource;
use crate::session::Activity;

/// How often sessions shown as waiting for the user are read again.
pub const RECHECK_WAITING: Duration = Duration::from_secs(2);

/// How long news for a session missing from the snapshot is kept.
const DEFER_AT_MOST: Duration = Duration::from_secs(60);

/// Sessions to refresh, with when their news arrived. A map, not a queue: a burst of events from
/// one session is one refresh.
#[derive(Debug, Default)]
pub(crate) struct Nudges {
    pending: Mutex<HashMap<SessionKey, Instant>>,
    wake: Notify,
}

impl Nudges {
    /// `key`'s agent reported something just now. Cheap and synchronous: called from the file
    /// watcher's thread.
    pub fn nudge(&self, key: SessionKey) {
        let now = Instant::now();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_insert(now);
        self.wake.notify_one();
    }

    fn take(&self) -> HashMap<SessionKey, Instant> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Owns the task; dropping it stops the task.
#[derive(Debug)]
pub(crate) struct Nudger {
    _stop: oneshot::Sender<()>,
}

impl Nudger {
    /// Starts the task on the current runtime.
    pub fn spawn(enricher: Arc<Enricher>, cache: Arc<Cache>, nudges: Arc<Nudges>) -> Self {
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(run(enricher, cache, nudges, stopped));
        Self { _stop: stop }
    }
}

async fn run(enricher: Arc<Enricher>, cache: Arc<Cache>, nudges: Arc<Nudges>, mut stopped: oneshot::Receiver<()>) {
    let mut landed: watch::Receiver<u64> = cache.subscribe();
    let mut recheck_at: Option<Instant> = None;
    // News for sessions the snapshot could not take yet (none, outdated, or without them): kept
    // for the next snapshot, which may itself have been read before the news.
    let mut deferred: HashMap<SessionKey, Instant> = HashMap::new();
    loop {
        let waiting = waiting_sessions(&cache, Utc::now());
        if waiting.is_empty() {
            recheck_at = None;
        } else {
            recheck_at.get_or_insert_with(|| Instant::now() + RECHECK_WAITING);
        }
        tokio::select! {
            _ = &mut stopped => return,
            () = nudges.wake.notified() => {}
            changed = landed.changed() => {
                if changed.is_err() {
                    return;
                }
                if deferred.is_empty() {
                    continue; // a new snapshot: count its waiting sessions again
                }
                // A session that never shows up (its record deleted) is not waited for forever.
                deferred.retain(|_, since| since.elapsed() < DEFER_AT_MOST);
                let mut pending = nudges.pending.lock().unwrap_or_else(|p| p.into_inner());
                for (key, since) in deferred.drain() {
                    pending.entry(key).or_insert(since);
                }
            }
            () = sleep_until(recheck_at.unwrap_or_else(Instant::now)), if recheck_at.is_some() => {
                recheck_at = None;
                let now = Instant::now();
                let mut pending = nudges.pending.lock().unwrap_or_else(|p| p.into_inner());
                for key in waiting {
                    pending.entry(key).or_insert(now);
                }
            }
        }
        let due = nudges.take();
        if due.is_empty() {
            continue;
        }
        tokio::select! {
            _ = &mut stopped => return,
            missed = refresh(&enricher, &cache, due) => deferred.extend(missed),
        }
        if deferred.is_empty() {
            // Our own replacement bumped `landed`; it is not news. With news deferred, any new
            // snapshot (ours included) is a chance to place it.
            landed.mark_unchanged();
        }
    }
}

/// Probes the `due` sessions found in the snapshot and puts their new views in it. Returns the
/// news it could not place (no snapshot yet, a session not in it, a mutation meanwhile), for the
/// next snapshot.
async fn refresh(
    enricher: &Arc<Enricher>,
    cache: &Cache,
    mut due: HashMap<SessionKey, Instant>,
) -> HashMap<SessionKey, Instant> {
    let Some((generation, list)) = cache.current() else {
        // A mutation dropped the snapshot (a record was written) and the feed may hold its pass
        // back (its pass gap): news from an agent is worth a pass now.
        cache.request_pass();
        return due;
    };
    let deadline = Instant::now() + enricher.policy.detail_deadline;
    let mut tasks = tokio::task::JoinSet::new();
    let mut taken = HashMap::new();
    for view in &list.sessions {
        let Some((key, since)) = due.remove_entry(&view.key()) else { continue };
        let (enricher, record) = (enricher.clone(), view.record.clone());
        tasks.spawn(async move { enricher.enrich_since(record, deadline, since).await });
        taken.insert(key, since);
    }
    let mut views: Vec<SessionView> = Vec::with_capacity(tasks.len());
    while let Some(done) = tasks.join_next().await {
        views.push(done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())));
    }
    if !views.is_empty() && !cache.replace(generation, views) {
        tracing::debug!("a targeted refresh was outdated by a mutation; it is redone on the next snapshot");
        due.extend(taken);
    }
    due
}

/// The sessions whose screen may change what they need without any event saying so, read again
/// every [`RECHECK_WAITING`]:
/// - shown as waiting on the word of a hook or a screen: an answer typed straight into the
///   terminal shows only on screen (a wait read from a transcript ends with the transcript
///   growing, which the next pass reads);
/// - working Codex and Aider agents: neither reports a question it stops on (SPEC I2a, I3), so
///   only their screens show an approval or a yes/no question;
/// - Claude after a turn: its post-turn questions come after its Stop hook (SPEC I2b).
fn waiting_sessions(cache: &Cache, now: DateTime<Utc>) -> Vec<SessionKey> {
    let Some((_, list)) = cache.current() else { return Vec::new() };
    list.sessions.iter().filter(|v| screen_may_change(v, now)).map(SessionView::key).collect()
}

/// How long after a turn Claude is watched for a post-turn question: it asks once the session
/// is idle, within seconds of the turn's end.
const POST_TURN_WINDOW: TimeDelta = TimeDelta::seconds(60);

fn screen_may_change(view: &SessionView, now: DateTime<Utc>) -> bool {
    let source = view.live.activity_source;
    match view.live.activity {
        Some(Activity::WaitingInput) => matches!(source, Some(ActivitySource::Hook | ActivitySource::Pane)),
        Some(Activity::Active) => matches!(view.record.agent.as_str(), "codex" | "aider"),
        Some(Activity::Ready) => {
            let recent = view.live.activity_since.is_some_and(|at| now - at <= POST_TURN_WINDOW);
            view.record.agent == "claude-code" && source == Some(ActivitySource::Hook) && recent
        }
        _ => false,
    }
}
