//! Restore on start (SPEC G5): bring back what the last stop recorded, one session at a time,
//! telling the caller about each (the app's dialog ticks its rows); or decline, which forgets it.

use serde::Serialize;
use ts_rs::TS;

use super::{FailedSession, FleetError, SessionFailure, SessionRef, blocking};
use crate::ids::SessionId;
use crate::ops::{OpError, OpKind, OpStep, Ops};
use crate::session::is_terminal;
use crate::store::LastStop;

/// Where one session of a restore is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum RestoreStep {
    /// Its restore has started.
    Restoring,
    /// It runs again.
    Restored,
    /// It was running already (restored by hand since the stop): nothing to do.
    AlreadyLive,
    /// Its restore failed; it stays in the record with this error.
    Failed {
        /// What went wrong, naming the step.
        error: String,
    },
}

/// Progress of a restore, one event per session and step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreProgress {
    /// The session.
    pub session: SessionRef,
    /// Its place in the record, counting from 1.
    pub index: usize,
    /// How many sessions the record lists.
    pub total: usize,
    /// Where it is.
    pub step: RestoreStep,
}

/// What a restore of the last stop did.
#[derive(Debug, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FleetRestoreReport {
    /// The sessions that run again.
    pub restored: Vec<SessionRef>,
    /// The sessions that were running already.
    pub already_live: Vec<SessionRef>,
    /// The sessions that could not be restored; they stay in the record with their error.
    pub failed: Vec<FailedSession>,
    /// What `last-stop.json` holds afterwards; `None` once everything is restored (the file is
    /// removed) or when there was nothing to restore.
    pub remaining: Option<LastStop>,
    /// Why `last-stop.json` could not be updated, if it could not.
    pub record_error: Option<String>,
}

impl FleetRestoreReport {
    /// Whether everything recorded runs again and the record is gone.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.record_error.is_none()
    }
}

impl Ops {
    /// What the last stop recorded, for a caller that asks first (`None`: nothing to restore).
    pub async fn last_stop(&self) -> Result<Option<LastStop>, FleetError> {
        Ok(blocking(&self.store, |store| store.read_last_stop()).await??)
    }

    /// Restores every session `last-stop.json` lists, one by one through [`Ops::restore`]
    /// (SPEC F4, G5), calling `progress` as each starts and ends. A session that is running again
    /// already counts as done. Restored sessions leave the record; failed ones stay in it with
    /// their error; the file is removed once it lists nothing. The update is a read-modify-write
    /// under the record's lock, so a stop recording meanwhile loses nothing.
    pub async fn restore_last_stop(
        &self,
        mut progress: impl FnMut(&RestoreProgress) + Send,
    ) -> Result<FleetRestoreReport, FleetError> {
        let Some(record) = self.last_stop().await? else {
            return Ok(FleetRestoreReport::default());
        };
        let sessions: Vec<SessionRef> = record
            .sessions()
            .map(|(project_id, session_id)| SessionRef {
                project_id: project_id.clone(),
                session_id: session_id.clone(),
            })
            .collect();
        let total = sessions.len();
        let mut report = FleetRestoreReport::default();
        // Each agent must keep running for the grace period (SPEC F4a); the agents are watched
        // together after all have started, so restoring thirty sessions takes one grace period,
        // not thirty.
        let unconfirmed = self.clone().with_start_grace(std::time::Duration::ZERO);
        for (i, session) in sessions.iter().cloned().enumerate() {
            let tell = |step| RestoreProgress { session: session.clone(), index: i + 1, total, step };
            progress(&tell(RestoreStep::Restoring));
            let step = match unconfirmed.restore_one(&session).await {
                Ok(true) => {
                    report.restored.push(session.clone());
                    RestoreStep::Restored
                }
                Ok(false) => {
                    report.already_live.push(session.clone());
                    RestoreStep::AlreadyLive
                }
                Err(error) => {
                    // Info, not warn: the report carries it to the user; the log keeps a copy.
                    tracing::info!("{error}");
                    let step = RestoreStep::Failed { error: error.to_string() };
                    let SessionRef { project_id, session_id } = session.clone();
                    report.failed.push(FailedSession { project_id, session_id, error });
                    step
                }
            };
            progress(&tell(step));
        }

        let mut watching = tokio::task::JoinSet::new();
        for session in std::mem::take(&mut report.restored) {
            let ops = self.clone();
            watching.spawn(async move {
                let outcome = match ops.find(&session.session_id).await {
                    Ok(record) => ops.confirm_started(&record).await,
                    Err(cause) => Err(cause),
                };
                (session, outcome)
            });
        }
        while let Some(joined) = watching.join_next().await {
            let Ok((session, outcome)) = joined else { continue };
            match outcome {
                Ok(()) => report.restored.push(session),
                Err(cause) => {
                    let error = SessionFailure::Op(OpError {
                        op: OpKind::Restore,
                        session: session.session_id.clone(),
                        step: OpStep::Confirm,
                        cause,
                    });
                    tracing::info!("{error}");
                    let index = sessions.iter().position(|s| *s == session).map_or(0, |i| i + 1);
                    let step = RestoreStep::Failed { error: error.to_string() };
                    progress(&RestoreProgress { session: session.clone(), index, total, step });
                    let SessionRef { project_id, session_id } = session;
                    report.failed.push(FailedSession { project_id, session_id, error });
                }
            }
        }

        // The report lists sessions in the record's order, whatever order their agents settled in.
        let order = |id: &SessionId| sessions.iter().position(|s| s.session_id == *id);
        report.restored.sort_by_key(|s| order(&s.session_id));
        report.failed.sort_by_key(|f| order(&f.session_id));

        let done: Vec<SessionRef> = report.restored.iter().chain(&report.already_live).cloned().collect();
        let errors: Vec<(SessionRef, String)> = report
            .failed
            .iter()
            .map(|f| {
                let session = SessionRef { project_id: f.project_id.clone(), session_id: f.session_id.clone() };
                (session, f.error.to_string())
            })
            .collect();
        let updated = blocking(&self.store, move |store| {
            store.update_last_stop(move |current| {
                let mut current = current?;
                for session in &done {
                    current.remove(&session.project_id, &session.session_id);
                }
                for (session, error) in errors {
                    current.set_error(&session.project_id, &session.session_id, error);
                }
                Some(current)
            })
        })
        .await;
        match updated {
            Ok(Ok(remaining)) => report.remaining = remaining,
            Ok(Err(e)) => report.record_error = Some(e.to_string()),
            Err(e) => report.record_error = Some(e.to_string()),
        }
        Ok(report)
    }

    /// The user declined the restore (SPEC G5): the record is removed and the stopped sessions
    /// stay stopped (each can still be restored on its own). Returns what was recorded.
    pub async fn decline_last_stop(&self) -> Result<Option<LastStop>, FleetError> {
        let mut declined = None;
        let cleared = blocking(&self.store, move |store| {
            store.update_last_stop(|current| {
                declined = current;
                None
            })?;
            Ok::<_, crate::store::StoreError>(declined)
        })
        .await??;
        Ok(cleared)
    }

    /// Restores one recorded session. `Ok(false)`: it runs already, nothing was done.
    async fn restore_one(&self, session: &SessionRef) -> Result<bool, SessionFailure> {
        // Reading the record is left to `restore` when it fails here, so its error names the step.
        if let Ok(record) = self.find(&session.session_id).await
            && !is_terminal(&record.lifecycle)
        {
            return Ok(false);
        }
        self.restore(&session.session_id).await.map(|_| true).map_err(SessionFailure::Op)
    }
}
