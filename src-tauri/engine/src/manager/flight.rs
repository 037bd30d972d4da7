//! Single flight per (session, probe kind) (SPEC D3). A probe runs as a task owned by a
//! [`FlightTable`]; every caller interested in the same session and kind joins that run and waits
//! for it with its own deadline. A caller giving up only stops waiting: the flight goes on while
//! any waiter's deadline is ahead, so a 100 ms caller never cancels, shortens or poisons the probe
//! a 12 s caller is waiting for (ao-domain §4.19 issue 2).
//!
//! A flight's own deadline is the latest deadline of anyone who joined it. When that passes the
//! probe future is dropped (probes kill their children on drop, SPEC D2) and, if the probe had
//! started, its sessions enter cooldown (D4). A flight may answer for several sessions at once:
//! a runtime batch (one `tmux list-panes` for the fleet) registers under every session it covers,
//! so a concurrent `get` of one of them joins the batch instead of starting another probe.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::{Semaphore, watch};
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep_until, timeout_at};

use super::cooldown::Cooldowns;
use super::view::SessionKey;
use crate::probe::{ProbeError, ProbeFuture};

/// The kinds of probe, each single-flighted separately (SPEC D1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ProbeKind {
    /// Runtime liveness (batched).
    Runtime,
    /// Agent activity (cheap: transcript tail, events).
    Activity,
    /// Agent info (expensive: may read a whole transcript).
    Info,
}

/// How a flight ended for a waiter.
#[derive(Debug, Clone)]
pub(crate) enum Landing<T> {
    /// The probe answered.
    Answered(T),
    /// The probe failed; not evidence of anything (SPEC D11).
    Failed(ProbeError),
    /// The waiter's deadline passed first (the flight may still be running for others).
    TimedOut,
}

/// When a flight must end, shared between the table and the flight's task.
#[derive(Debug)]
struct FlightClock {
    /// The latest deadline of any waiter; only ever moved later.
    deadline: Mutex<Instant>,
    /// Whether the probe got a permit and started. A flight that timed out waiting for a permit
    /// says the fleet is busy, not that the session hangs, so it starts no cooldown.
    started: AtomicBool,
}

impl FlightClock {
    fn deadline(&self) -> Instant {
        *self.deadline.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn extend_to(&self, deadline: Instant) {
        let mut current = self.deadline.lock().unwrap_or_else(|p| p.into_inner());
        *current = (*current).max(deadline);
    }
}

#[derive(Debug)]
struct Flight<T> {
    id: u64,
    /// When the flight was started: a caller with news newer than this needs a new flight.
    created: Instant,
    keys: Vec<SessionKey>,
    clock: Arc<FlightClock>,
    landing: watch::Receiver<Option<Landing<T>>>,
    abort: AbortHandle,
}

/// A caller's place in a flight.
#[derive(Debug, Clone)]
pub(crate) struct Ticket<T>(Arc<Flight<T>>);

impl<T> Ticket<T> {
    /// When the flight this ticket joined was started.
    pub fn created(&self) -> Instant {
        self.0.created
    }
}

#[derive(Debug)]
struct Flights<T> {
    next_id: u64,
    by_key: HashMap<SessionKey, Arc<Flight<T>>>,
}

/// The flights of one probe kind. Its mutex is std: sections only touch the map and never wait.
#[derive(Debug)]
pub(crate) struct FlightTable<T> {
    kind: ProbeKind,
    cooldowns: Arc<Cooldowns>,
    permits: Arc<Semaphore>,
    flights: Mutex<Flights<T>>,
}

impl<T: Clone + Send + Sync + 'static> FlightTable<T> {
    /// A table for `kind` probes that records timeouts in `cooldowns` and runs a probe only while
    /// holding one of `permits` (shared by all kinds: SPEC D11's bound on probes at once).
    pub fn new(kind: ProbeKind, cooldowns: Arc<Cooldowns>, permits: Arc<Semaphore>) -> Arc<Self> {
        Arc::new(Self { kind, cooldowns, permits, flights: Mutex::new(Flights { next_id: 0, by_key: HashMap::new() }) })
    }

    /// A ticket for each of `keys`, in order: the flight already running for a key (its deadline
    /// extended to `deadline` if later), or one new flight covering every key that had none,
    /// whose probe `start` builds from those keys. `keys` are distinct.
    pub fn join_or_start(
        self: &Arc<Self>,
        keys: &[SessionKey],
        deadline: Instant,
        start: impl FnOnce(&[SessionKey]) -> ProbeFuture<'static, T>,
    ) -> Vec<Ticket<T>> {
        let mut flights = self.lock();
        let missing: Vec<SessionKey> = keys.iter().filter(|k| !flights.by_key.contains_key(*k)).cloned().collect();
        if !missing.is_empty() {
            let flight = self.launch(flights.next_id, missing, deadline, start);
            flights.next_id += 1;
            for key in &flight.keys {
                flights.by_key.insert(key.clone(), flight.clone());
            }
        }
        keys.iter()
            .map(|key| {
                let flight = flights.by_key[key].clone();
                flight.clock.extend_to(deadline);
                Ticket(flight)
            })
            .collect()
    }

    /// Waits for the ticket's flight until `deadline`. If the deadline passes and no other waiter
    /// wants the flight longer, the flight ends here: its probe is dropped and its sessions cool
    /// down before this returns, so the caller's next read already sees the cooldown.
    pub async fn wait(&self, ticket: &Ticket<T>, deadline: Instant) -> Landing<T> {
        let mut landing = ticket.0.landing.clone();
        let landed =
            timeout_at(deadline, async move { landing.wait_for(Option::is_some).await.ok().and_then(|v| v.clone()) });
        match landed.await {
            Ok(Some(landing)) => landing,
            // The task was aborted before it answered: another waiter expired it at a deadline
            // no earlier than ours, or the table is being dropped.
            Ok(None) => Landing::TimedOut,
            Err(_elapsed) => {
                self.expire(&ticket.0, Instant::now());
                Landing::TimedOut
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Flights<T>> {
        self.flights.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn launch(
        self: &Arc<Self>,
        id: u64,
        keys: Vec<SessionKey>,
        deadline: Instant,
        start: impl FnOnce(&[SessionKey]) -> ProbeFuture<'static, T>,
    ) -> Arc<Flight<T>> {
        let probe = start(&keys);
        let clock = Arc::new(FlightClock { deadline: Mutex::new(deadline), started: AtomicBool::new(false) });
        let (tx, rx) = watch::channel(None);
        let table = Arc::downgrade(self);
        let task_clock = clock.clone();
        let task_keys = keys.clone();
        let permits = self.permits.clone();
        let task = tokio::spawn(async move {
            let landing = run(probe, &task_clock, permits).await;
            // Weak: a running flight must not keep a dropped table (and its owner) alive.
            if let Some(table) = Weak::upgrade(&table) {
                table.land(id, &task_keys, &landing, task_clock.started.load(Ordering::Acquire));
            }
            // Sent after the table is updated, so a waiter that sees the landing also sees the
            // cooldown it caused.
            let _ = tx.send(Some(landing));
        });
        Arc::new(Flight { id, created: Instant::now(), keys, clock, landing: rx, abort: task.abort_handle() })
    }

    /// A flight ended by itself: forget it and update the cooldowns of its sessions.
    fn land(&self, id: u64, keys: &[SessionKey], landing: &Landing<T>, started: bool) {
        let mut flights = self.lock();
        if !remove(&mut flights, id, keys) {
            return; // already expired by a waiter
        }
        drop(flights);
        match landing {
            Landing::Answered(_) => keys.iter().for_each(|k| self.cooldowns.succeeded(k, self.kind)),
            Landing::TimedOut if started => self.cool_down(keys),
            Landing::TimedOut | Landing::Failed(_) => {}
        }
    }

    /// A waiter's deadline passed: if it was the flight's deadline too, end the flight now.
    fn expire(&self, flight: &Flight<T>, now: Instant) {
        if flight.clock.deadline() > now {
            return; // someone else still waits for it
        }
        let mut flights = self.lock();
        if !remove(&mut flights, flight.id, &flight.keys) {
            return; // it landed or was expired by another waiter
        }
        drop(flights);
        flight.abort.abort();
        if flight.clock.started.load(Ordering::Acquire) {
            self.cool_down(&flight.keys);
        }
    }

    fn cool_down(&self, keys: &[SessionKey]) {
        let (now, at) = (Instant::now(), chrono::Utc::now());
        tracing::debug!(kind = ?self.kind, sessions = keys.len(), "probe timed out; sessions cool down");
        keys.iter().for_each(|k| self.cooldowns.start(k, self.kind, now, at));
    }
}

impl<T> Drop for FlightTable<T> {
    /// Flights are owned by their table: dropping it ends every probe still running.
    fn drop(&mut self) {
        let flights = self.flights.get_mut().unwrap_or_else(|p| p.into_inner());
        for flight in flights.by_key.values() {
            flight.abort.abort();
        }
    }
}

/// Removes flight `id`'s entries; false if none were there (it already ended).
fn remove<T>(flights: &mut Flights<T>, id: u64, keys: &[SessionKey]) -> bool {
    let mut removed = false;
    for key in keys {
        if flights.by_key.get(key).is_some_and(|f| f.id == id) {
            flights.by_key.remove(key);
            removed = true;
        }
    }
    removed
}

/// Runs the probe under the flight's (extendable) deadline. Returning drops the probe future and
/// its permit, which is what cancels a probe that missed its deadline.
async fn run<T>(probe: ProbeFuture<'static, T>, clock: &FlightClock, permits: Arc<Semaphore>) -> Landing<T> {
    let work = async {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = permits.acquire_owned().await;
        clock.started.store(true, Ordering::Release);
        probe.await
    };
    tokio::pin!(work);
    loop {
        let deadline = clock.deadline();
        tokio::select! {
            result = &mut work => return result.map_or_else(Landing::Failed, Landing::Answered),
            () = sleep_until(deadline) => {
                if clock.deadline() <= deadline {
                    return Landing::TimedOut;
                }
            }
        }
    }
}
