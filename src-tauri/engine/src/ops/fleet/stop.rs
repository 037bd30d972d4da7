//! Stop of every live session, or of one project's (SPEC G1, G3): listed from disk only, stopped
//! a few at a time each under its own deadline, then recorded in `last-stop.json` for the next
//! start to restore.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use ts_rs::TS;

use super::{ConfigNote, FailedSession, FleetError, SessionFailure, SessionRef, blocking};
use crate::ops::Ops;
use crate::session::is_terminal;
use crate::store::{LastStop, StopScope};

/// How many sessions are stopped at once (SPEC G1): a tmux kill or a signal escalation is mostly
/// waiting, so a few run side by side, without starting hundreds of tmux clients at quit time.
pub const STOP_CONCURRENCY: usize = 8;

/// How long one session's stop may take. A process runtime's escalation needs up to 4 s (two
/// 2 s steps before SIGKILL, SPEC F3); 6 s adds room for the record write and stays under the
/// quit's 10 s cap (G2), so one hung stop never holds the quit or the other stops.
pub const STOP_DEADLINE: Duration = Duration::from_secs(6);

/// Bounds of a fleet stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopLimits {
    /// Sessions stopped at once (at least 1).
    pub concurrency: usize,
    /// The deadline of each session's stop.
    pub deadline: Duration,
}

impl Default for StopLimits {
    fn default() -> Self {
        Self { concurrency: STOP_CONCURRENCY, deadline: STOP_DEADLINE }
    }
}

/// What a fleet stop did.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FleetStopReport {
    /// What the stop covered.
    pub scope: StopScope,
    /// The sessions stopped (and recorded), by project then id.
    pub stopped: Vec<SessionRef>,
    /// The sessions that could not be stopped, with why; they are not in the record.
    pub failed: Vec<FailedSession>,
    /// The config the stop ran under.
    pub config: ConfigNote,
    /// Files the listing skipped (unreadable or corrupt records), each once.
    pub warnings: Vec<String>,
    /// `last-stop.json` as written: this stop's sessions plus any an earlier stop recorded that
    /// were not restored yet. `None` when nothing was stopped (an existing record is left as is)
    /// or the write failed.
    pub last_stop: Option<LastStop>,
    /// Why `last-stop.json` could not be written, if it could not.
    pub record_error: Option<String>,
}

impl FleetStopReport {
    /// Whether every live session was stopped and recorded.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.record_error.is_none()
    }
}

impl Ops {
    /// Stops every live session of `scope` (SPEC G1, G3) with the default [`StopLimits`]; see
    /// [`Ops::stop_fleet_with`].
    pub async fn stop_fleet(&self, scope: StopScope, config: ConfigNote) -> Result<FleetStopReport, FleetError> {
        self.stop_fleet_with(scope, config, StopLimits::default()).await
    }

    /// Stops every non-terminal session of `scope`, listed from disk only (a broken runtime or
    /// probe cannot keep the stop from running), at most `limits.concurrency` at a time, each
    /// through [`Ops::stop`] (runtime ended, worktree untouched, `stopped_for_restore`) within
    /// `limits.deadline`. Then writes `last-stop.json` grouping the stopped sessions by their own
    /// project. A session that fails or misses its deadline is reported and left out of the
    /// record; the others are stopped and recorded all the same.
    ///
    /// Sessions an earlier stop recorded and nobody restored yet stay in the record, so stopping
    /// one project after another (or after a quit) never forgets what to bring back; the scope
    /// then widens to all unless both stops were of the same project.
    ///
    /// `config` is the config this `Ops` was made with, named in the report (SPEC C4).
    pub async fn stop_fleet_with(
        &self,
        scope: StopScope,
        config: ConfigNote,
        limits: StopLimits,
    ) -> Result<FleetStopReport, FleetError> {
        if let StopScope::Project { project_id } = &scope
            && self.config.project(project_id).is_none()
            && !self.store.home().sessions_dir(project_id).is_dir()
        {
            return Err(FleetError::UnknownProject(project_id.clone()));
        }
        let listed_scope = scope.clone();
        let listing = blocking(&self.store, move |store| match &listed_scope {
            StopScope::All => store.list_stored(),
            StopScope::Project { project_id } => store.list_stored_project(project_id),
        })
        .await?;
        let live: Vec<SessionRef> = listing
            .sessions
            .iter()
            .filter(|r| !is_terminal(&r.lifecycle))
            .map(|r| SessionRef { project_id: r.project_id.clone(), session_id: r.id.clone() })
            .collect();
        let (mut stopped, mut failed) = self.stop_each(live, limits, &scope).await;
        stopped.sort();
        failed.sort_by(|a, b| (&a.project_id, &a.session_id).cmp(&(&b.project_id, &b.session_id)));

        let mut report = FleetStopReport {
            scope: scope.clone(),
            stopped,
            failed,
            config,
            warnings: listing.warnings.iter().map(ToString::to_string).collect(),
            last_stop: None,
            record_error: None,
        };
        if report.stopped.is_empty() {
            // Nothing new to restore: an earlier, unrestored record must not be replaced by an
            // empty one.
            return Ok(report);
        }
        let mut record = LastStop::new(scope, (self.now)());
        for session in &report.stopped {
            record.add(&session.project_id, &session.session_id);
        }
        let written = blocking(&self.store, move |store| {
            store.update_last_stop(move |previous| Some(carry_over(record, previous)))
        })
        .await;
        match written {
            Ok(Ok(last_stop)) => report.last_stop = last_stop,
            Ok(Err(e)) => report.record_error = Some(e.to_string()),
            Err(e) => report.record_error = Some(e.to_string()),
        }
        if let Some(error) = &report.record_error {
            // The report carries it to the user; the log keeps a copy.
            tracing::info!("stopped {} sessions but could not record them: {error}", report.stopped.len());
        }
        Ok(report)
    }

    /// Stops `sessions` concurrently, each under the deadline; returns those stopped and those
    /// that were not. Each session is recorded in `last-stop.json` as soon as it has stopped, so
    /// a stop killed half-way (SIGKILL, a power cut) still leaves what it stopped to restore.
    async fn stop_each(
        &self,
        sessions: Vec<SessionRef>,
        limits: StopLimits,
        scope: &StopScope,
    ) -> (Vec<SessionRef>, Vec<FailedSession>) {
        let permits = Arc::new(Semaphore::new(limits.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        // Which task stops which session, to name the session if its task panics.
        let mut names = HashMap::new();
        for session in sessions {
            let (ops, permits, name) = (self.clone(), permits.clone(), session.clone());
            let task = tasks.spawn(async move {
                // The deadline starts once the stop may run, not while it waits for a slot.
                let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
                match tokio::time::timeout(limits.deadline, ops.stop(&session.session_id)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(SessionFailure::Op(e)),
                    Err(_) => Err(SessionFailure::TimedOut { session: session.session_id, deadline: limits.deadline }),
                }
            });
            names.insert(task.id(), name);
        }
        let (mut stopped, mut failed) = (Vec::new(), Vec::new());
        while let Some(joined) = tasks.join_next_with_id().await {
            let (id, outcome) = match joined {
                Ok((id, outcome)) => (id, outcome),
                Err(e) => (e.id(), Err(SessionFailure::Task { op: "stop", session: None, reason: e.to_string() })),
            };
            let Some(session) = names.remove(&id) else { continue };
            match outcome {
                Ok(()) => {
                    self.record_stopped(scope, &session).await;
                    stopped.push(session);
                }
                Err(mut error) => {
                    if let SessionFailure::Task { session: name, .. } = &mut error {
                        *name = Some(session.session_id.clone());
                    }
                    // Info, not warn: the report carries it to the user; the log keeps a copy.
                    tracing::info!("{error}");
                    failed.push(FailedSession { project_id: session.project_id, session_id: session.session_id, error })
                }
            }
        }
        (stopped, failed)
    }
}

impl Ops {
    /// Adds one stopped session to `last-stop.json`. A failure is only logged: the stop's final
    /// write records every stopped session again and reports its own failure.
    async fn record_stopped(&self, scope: &StopScope, session: &SessionRef) {
        let mut record = LastStop::new(scope.clone(), (self.now)());
        record.add(&session.project_id, &session.session_id);
        let written = blocking(&self.store, move |store| {
            store.update_last_stop(move |previous| Some(carry_over(record, previous)))
        })
        .await;
        if let Err(e) | Ok(Err(e)) = written.map_err(|e| e.to_string()).map(|r| r.map_err(|e| e.to_string())) {
            tracing::info!("could not record {} as stopped yet: {e}", session.session_id);
        }
    }
}

/// This stop's record with the sessions of `previous` (a stop not restored yet) kept in it,
/// earlier restore errors included.
fn carry_over(mut record: LastStop, previous: Option<LastStop>) -> LastStop {
    let Some(previous) = previous else { return record };
    record.scope = record.scope.widen(&previous.scope);
    for group in previous.projects {
        for session in &group.session_ids {
            let stopped_now = record.sessions().any(|(p, s)| p == &group.project_id && s == session);
            record.add(&group.project_id, session);
            // A session stopped again since its failed restore has a fresh start; its old
            // error no longer applies.
            if !stopped_now && let Some(error) = group.errors.get(session) {
                record.set_error(&group.project_id, session, error.clone());
            }
        }
    }
    record.extra = previous.extra;
    record
}
