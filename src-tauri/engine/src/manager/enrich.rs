//! Bounded enrichment of sessions (SPEC D2-D5, D9-D11a): joins or starts the probe flights of each
//! session, waits for them until the caller's deadline, combines what landed into a view and
//! merges positive evidence back to disk. Terminal and cooling sessions are not probed, except
//! that a session written down as lost has its runtime probed again, so a false death is undone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Duration, Instant};

use super::cooldown::{Cooldowns, Cooling};
use super::findings::{Findings, LivenessMap};
use super::flight::{FlightTable, Landing, ProbeKind, Ticket};
use super::merge::{is_runtime_lost, persist};
use super::policy::EnrichmentPolicy;
use super::probes::Probes;
use super::view::{Enrichment, LiveFields, SessionKey, SessionView};
use crate::probe::{AgentActivity, AgentInfo, AgentProbe, ProbeError};
use crate::session::{AgentExit, RuntimeHandle, RuntimeReason, RuntimeState, SessionRecord, is_terminal};
use crate::store::{Store, StoredSessions};

/// Whether a pass probes agent info or reuses the last answer (SPEC D9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InfoMode {
    /// Call `AgentProbe::info` (fresh reads, every Nth background pass).
    Probe,
    /// Show the last answer.
    Reuse,
}

/// The session's runtime probe, as seen by one enrichment.
enum RuntimeWait {
    /// Nothing to probe: the runtime was never started (no handle).
    NotProbed,
    /// Waiting for a (possibly shared) flight.
    Waiting(Ticket<LivenessMap>),
    /// Known without waiting (no probe for this runtime kind).
    Landed(Landing<LivenessMap>),
}

/// How long reading how an exited agent ended may take (one tmux call).
const ENDED_DEADLINE: Duration = Duration::from_secs(2);

/// The shared machinery of every read path.
#[derive(Debug)]
pub(crate) struct Enricher {
    /// Where records are read and conclusions written.
    pub store: Store,
    /// The timings in use.
    pub policy: EnrichmentPolicy,
    probes: Probes,
    cooldowns: Arc<Cooldowns>,
    runtime: Arc<FlightTable<LivenessMap>>,
    activity: Arc<FlightTable<AgentActivity>>,
    info: Arc<FlightTable<AgentInfo>>,
    /// The last agent info per session, reused by passes that do not probe it. A std mutex:
    /// sections are map operations only.
    last_info: Mutex<HashMap<SessionKey, AgentInfo>>,
}

impl Enricher {
    /// Machinery over `store` and `probes` with the timings of `policy`.
    pub fn new(store: Store, probes: Probes, policy: EnrichmentPolicy) -> Arc<Self> {
        let cooldowns = Arc::new(Cooldowns::new(policy.timeout_cooldown));
        let permits = Arc::new(Semaphore::new(policy.max_concurrent_probes.max(1)));
        Arc::new(Self {
            runtime: FlightTable::new(ProbeKind::Runtime, cooldowns.clone(), permits.clone()),
            activity: FlightTable::new(ProbeKind::Activity, cooldowns.clone(), permits.clone()),
            info: FlightTable::new(ProbeKind::Info, cooldowns.clone(), permits),
            store,
            policy,
            probes,
            cooldowns,
            last_info: Mutex::new(HashMap::new()),
        })
    }

    /// The stored sessions, read on the blocking pool (the store blocks on file I/O and locks).
    pub async fn read_stored(&self) -> StoredSessions {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.list_stored())
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
    }

    /// Views of `records` (in the same order), each enriched within `each` from now. Runtime
    /// liveness is asked in one batch per runtime kind; `info` says, per probed session, whether
    /// agent info is probed (it is not called for terminal or cooling sessions).
    pub async fn enrich_all(
        self: &Arc<Self>,
        records: Vec<SessionRecord>,
        each: Duration,
        mut info: impl FnMut(&SessionKey) -> InfoMode,
    ) -> Vec<SessionView> {
        let deadline = Instant::now() + each;
        let mut views: Vec<Option<SessionView>> = Vec::with_capacity(records.len());
        let mut probed = Vec::new();
        for record in records {
            match self.unprobed(&record) {
                Some((live, enrichment)) => views.push(Some(SessionView { record, live, enrichment })),
                None => {
                    let mode = info(&SessionKey::of(&record));
                    probed.push((views.len(), record, mode));
                    views.push(None);
                }
            }
        }
        let records: Vec<&SessionRecord> = probed.iter().map(|(_, r, _)| r).collect();
        let waits = self.runtime_waits(&records, deadline);
        // Tasks, so 1,000 sessions wait concurrently; dropping the set (a caller that gave up)
        // stops the waiting, while the flights themselves stay owned by their tables.
        let mut tasks = JoinSet::new();
        for ((index, record, mode), wait) in probed.into_iter().zip(waits) {
            let this = self.clone();
            tasks.spawn(async move { (index, this.enrich_probed(record, wait, deadline, mode, None).await) });
        }
        while let Some(done) = tasks.join_next().await {
            let (index, view) = done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            views[index] = Some(view);
        }
        views.into_iter().map(|v| v.expect("every session got a view")).collect()
    }

    /// The view of one record, enriched within `deadline` (always probing agent info).
    pub async fn enrich_one(self: &Arc<Self>, record: SessionRecord, deadline: Instant) -> SessionView {
        match self.unprobed(&record) {
            Some((live, enrichment)) => SessionView { record, live, enrichment },
            None => {
                let wait = self.runtime_waits(&[&record], deadline).pop().expect("one wait per record");
                self.enrich_probed(record, wait, deadline, InfoMode::Probe, None).await
            }
        }
    }

    /// The view of one record whose agent reported something at `since`: its activity comes from
    /// a probe started after that (an activity probe already running may have read the files
    /// before the news, so it is let land and a new one started). Agent info is reused.
    pub async fn enrich_since(
        self: &Arc<Self>,
        record: SessionRecord,
        deadline: Instant,
        since: Instant,
    ) -> SessionView {
        match self.unprobed(&record) {
            Some((live, enrichment)) => SessionView { record, live, enrichment },
            None => {
                let wait = self.runtime_waits(&[&record], deadline).pop().expect("one wait per record");
                self.enrich_probed(record, wait, deadline, InfoMode::Reuse, Some(since)).await
            }
        }
    }

    /// The live fields and enrichment of a session that is not to be probed: terminal (disk says
    /// all there is), or cooling down after a timeout (SPEC D4). `None` if it is to be probed.
    /// A session written down as lost is probed (its runtime only) unless it is cooling down.
    fn unprobed(&self, record: &SessionRecord) -> Option<(LiveFields, Enrichment)> {
        let stored = (LiveFields::default(), Enrichment::Stored);
        let lost = is_runtime_lost(record);
        if is_terminal(&record.lifecycle) && !lost {
            return Some(stored);
        }
        let key = SessionKey::of(record);
        let Cooling { timed_out_at, .. } = self.cooldowns.get(&key, Instant::now())?;
        if lost {
            return Some(stored);
        }
        let live = LiveFields { info: self.last_info(&key), ..LiveFields::default() };
        Some((live, Enrichment::TimedOut { at: timed_out_at }))
    }

    /// Joins or starts the runtime flights of `records`: one batch per runtime kind covering the
    /// sessions that have no flight yet.
    fn runtime_waits(self: &Arc<Self>, records: &[&SessionRecord], deadline: Instant) -> Vec<RuntimeWait> {
        let mut waits: Vec<Option<RuntimeWait>> = records.iter().map(|_| None).collect();
        let mut by_kind: HashMap<_, Vec<(usize, SessionKey, RuntimeHandle)>> = HashMap::new();
        for (index, record) in records.iter().enumerate() {
            match &record.lifecycle.runtime.handle {
                Some(handle) => {
                    by_kind.entry(handle.kind).or_default().push((index, SessionKey::of(record), handle.clone()))
                }
                None => waits[index] = Some(RuntimeWait::NotProbed),
            }
        }
        for (kind, sessions) in by_kind {
            let Some(probe) = self.probes.runtime(kind).cloned() else {
                let error =
                    ProbeError::CannotStart { probe: "runtime", reason: format!("no probe for {kind} runtimes") };
                for (index, ..) in sessions {
                    waits[index] = Some(RuntimeWait::Landed(Landing::Failed(error.clone())));
                }
                continue;
            };
            let keys: Vec<SessionKey> = sessions.iter().map(|(_, key, _)| key.clone()).collect();
            let handles: HashMap<&SessionKey, &RuntimeHandle> = sessions.iter().map(|(_, k, h)| (k, h)).collect();
            let tickets = self.runtime.join_or_start(&keys, deadline, |missing| {
                let handles: Vec<RuntimeHandle> = missing.iter().map(|k| handles[k].clone()).collect();
                Box::pin(async move { probe.liveness(&handles).await.map(Arc::new) })
            });
            for ((index, ..), ticket) in sessions.iter().zip(tickets) {
                waits[*index] = Some(RuntimeWait::Waiting(ticket));
            }
        }
        waits.into_iter().map(|w| w.expect("every record got a runtime wait")).collect()
    }

    /// Probes one session (runtime already joined), combines the answers and merges back.
    async fn enrich_probed(
        self: &Arc<Self>,
        record: SessionRecord,
        runtime: RuntimeWait,
        deadline: Instant,
        info_mode: InfoMode,
        since: Option<Instant>,
    ) -> SessionView {
        let key = SessionKey::of(&record);
        // A session written down as lost is asked only whether its runtime lives (SPEC D11a).
        let lost = is_runtime_lost(&record);
        let agent = if lost { None } else { self.probes.agent(&record.agent) };
        let runtime = async {
            match runtime {
                RuntimeWait::NotProbed => None,
                RuntimeWait::Waiting(ticket) => Some(self.runtime.wait(&ticket, deadline).await),
                RuntimeWait::Landed(landing) => Some(landing),
            }
        };
        let activity = async {
            let probe = agent.clone()?;
            loop {
                let tickets = self.activity.join_or_start(std::slice::from_ref(&key), deadline, |_| {
                    let (record, probe, now) = (record.clone(), probe.clone(), Utc::now());
                    Box::pin(async move { probe.activity(&record, now).await })
                });
                let landing = self.activity.wait(&tickets[0], deadline).await;
                // A flight from before the news read the files too early: once it has landed (and
                // left the table), the next round starts a fresh one.
                let stale = since.is_some_and(|since| tickets[0].created() < since);
                if !stale || Instant::now() >= deadline {
                    return Some(landing);
                }
            }
        };
        let info = async {
            let probe = agent.clone().filter(|_| info_mode == InfoMode::Probe)?;
            Some(self.probe_info(&key, probe, &record, deadline).await)
        };
        let (runtime, activity, info) = tokio::join!(runtime, activity, info);
        let mut found = Findings::new(&record, Utc::now());
        found.runtime(runtime);
        if lost && found.conclusion.adopted_at.is_none() {
            // Still lost, or not known to live: shown as disk has it, nothing written.
            return SessionView { record, live: LiveFields::default(), enrichment: Enrichment::Stored };
        }
        found.activity(activity);
        match info {
            Some(landing) => found.info(landing, self.last_info(&key)),
            None => found.live.info = self.last_info(&key),
        }
        self.finish(&record, found).await
    }

    async fn probe_info(
        &self,
        key: &SessionKey,
        probe: Arc<dyn AgentProbe>,
        record: &SessionRecord,
        deadline: Instant,
    ) -> Landing<AgentInfo> {
        let tickets = self.info.join_or_start(std::slice::from_ref(key), deadline, |_| {
            let record = record.clone();
            Box::pin(async move { probe.info(&record).await })
        });
        let landing = self.info.wait(&tickets[0], deadline).await;
        if let Landing::Answered(info) = &landing {
            self.last_info.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), info.clone());
        }
        landing
    }

    fn last_info(&self, key: &SessionKey) -> Option<AgentInfo> {
        self.last_info.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    /// Fills in how an agent found exited ended (status, signal, last lines) from its runtime, if
    /// the runtime kept that. Bounded: the crash is written without details rather than late.
    async fn how_it_ended(&self, base: &SessionRecord, exit: &mut AgentExit) {
        let Some(handle) = base.lifecycle.runtime.handle.as_ref() else { return };
        let Some(probe) = self.probes.runtime(handle.kind) else { return };
        match tokio::time::timeout(ENDED_DEADLINE, probe.ended(handle)).await {
            Ok(Ok(Some(ended))) => *exit = AgentExit { at: exit.at, ..ended },
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::debug!(session = %base.id, "could not read how the agent ended: {e}"),
            Err(_) => tracing::debug!(session = %base.id, "reading how the agent ended timed out"),
        }
    }

    /// Writes what was concluded and builds the view. The write is awaited even past the
    /// caller's deadline: it is local file I/O whose lock wait the store bounds (SPEC B2), and a
    /// view that returned before its own write landed could disagree with the next read of disk.
    async fn finish(&self, base: &SessionRecord, found: Findings<'_>) -> SessionView {
        let key = SessionKey::of(base);
        let mut conclusion = found.conclusion.clone();
        if let Some(exit) = &mut conclusion.exited {
            self.how_it_ended(base, exit).await;
        }
        let mut record = base.clone();
        conclusion.apply(base, &mut record);
        if !conclusion.is_empty() {
            match persist(&self.store, base, conclusion).await {
                Ok(on_disk) => record = on_disk,
                Err(e) => tracing::warn!(session = %key, "could not write what the probes found: {e}"),
            }
        }
        if found.runtime_failed {
            // In the view only (SPEC D11): the record on disk keeps its runtime part.
            record.lifecycle.runtime.state = RuntimeState::ProbeFailed;
            record.lifecycle.runtime.reason = RuntimeReason::ProbeError;
        }
        let mut enrichment = found.enrichment();
        if let (Enrichment::TimedOut { at }, Some(cooling)) =
            (&mut enrichment, self.cooldowns.get(&key, Instant::now()))
        {
            // The timeout that started the cooldown, so every read during it shows the same time.
            *at = cooling.timed_out_at;
        }
        SessionView { record, live: found.live, enrichment }
    }
}
