//! Merge-back (SPEC D5, D10, D11). Enrichment works on a copy of the record; what it concluded is
//! written back as a [`Conclusion`] applied under the store's lock to the record as it is on disk
//! *then*. Each part is written only if disk still holds what the enrichment started from, so a
//! field another writer changed meanwhile (a kill, a restore, the CLI) wins. Only positive
//! evidence produces a conclusion: failures and timeouts never reach this module.

use chrono::{DateTime, Utc};

use crate::probe::Liveness;
use crate::session::{
    RuntimeKind, RuntimePart, RuntimeReason, RuntimeState, SessionReason, SessionRecord, SessionState,
};
use crate::store::{Store, StoreError};

/// What an enrichment concluded that belongs on disk.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Conclusion {
    /// The runtime part the probe saw, when it differs from the record's.
    pub runtime: Option<RuntimePart>,
    /// The runtime is gone outside of spawning: the session becomes `terminated/runtime_lost`.
    pub lost_at: Option<DateTime<Utc>>,
    /// The agent's own session id, when the record has none yet (needed to resume it, SPEC F4),
    /// or when the agent reported a new one (`rebind_session`).
    pub agent_session_id: Option<String>,
    /// The agent itself reported `agent_session_id` as its current session (after `/clear`): it
    /// replaces the recorded id, if no other writer changed that meanwhile.
    pub rebind_session: bool,
}

impl Conclusion {
    /// What `liveness` of `base`'s runtime means for its record, seen at `now`.
    pub fn from_liveness(base: &SessionRecord, liveness: &Liveness, now: DateTime<Utc>) -> Self {
        let (state, reason) = match liveness {
            Liveness::Alive { .. } => (RuntimeState::Alive, RuntimeReason::ProcessRunning),
            // The pane is there but its process ended: the process is what is missing.
            Liveness::Exited => (RuntimeState::Exited, RuntimeReason::ProcessMissing),
            // A spawn in progress may not have created its runtime yet: absence proves nothing.
            Liveness::Missing if base.lifecycle.session.state == SessionState::NotStarted => return Self::default(),
            Liveness::Missing => (RuntimeState::Missing, missing_reason(base)),
        };
        let current = &base.lifecycle.runtime;
        let runtime = (current.state != state || current.reason != reason).then(|| RuntimePart {
            state,
            reason,
            ..current.clone()
        });
        let lost_at = (state == RuntimeState::Missing).then_some(now);
        Self { runtime, lost_at, agent_session_id: None, rebind_session: false }
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Applies the conclusion to `disk`, part by part, where `disk` still holds what `base` held.
    pub fn apply(&self, base: &SessionRecord, disk: &mut SessionRecord) {
        if let Some(runtime) = &self.runtime
            && disk.lifecycle.runtime == base.lifecycle.runtime
        {
            disk.lifecycle.runtime = runtime.clone();
        }
        if let Some(at) = self.lost_at
            && disk.lifecycle.session == base.lifecycle.session
        {
            let session = &mut disk.lifecycle.session;
            session.state = SessionState::Terminated;
            session.reason = SessionReason::RuntimeLost;
            session.terminated_at = Some(at);
            session.last_transition_at = at;
        }
        let unchanged = disk.agent_session_id == base.agent_session_id;
        if let Some(agent_session_id) = &self.agent_session_id
            && (disk.agent_session_id.is_none() || (self.rebind_session && unchanged))
        {
            disk.agent_session_id = Some(agent_session_id.clone());
        }
    }
}

/// The runtime reason for a runtime found missing, by the kind of runtime it was.
fn missing_reason(record: &SessionRecord) -> RuntimeReason {
    let kind = record.lifecycle.runtime.handle.as_ref().map_or(record.runtime, |h| h.kind);
    match kind {
        RuntimeKind::Tmux => RuntimeReason::TmuxMissing,
        RuntimeKind::Process => RuntimeReason::ProcessMissing,
    }
}

/// Writes `conclusion` (drawn from `base`) under the record's lock and returns the record as now
/// on disk. Blocking file I/O runs on tokio's blocking pool.
pub(crate) async fn persist(
    store: &Store,
    base: &SessionRecord,
    conclusion: Conclusion,
) -> Result<SessionRecord, StoreError> {
    let (store, base) = (store.clone(), base.clone());
    let write = move || store.update(&base.project_id, &base.id, |disk| conclusion.apply(&base, disk));
    tokio::task::spawn_blocking(write).await.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ProjectId, SessionId};
    use crate::session::{Lifecycle, RECORD_VERSION, RuntimeHandle, SessionKind};

    fn now() -> DateTime<Utc> {
        "2025-03-04T05:06:07Z".parse().unwrap()
    }

    fn working(kind: RuntimeKind) -> SessionRecord {
        let mut lifecycle = Lifecycle::spawning("2025-01-01T00:00:00Z".parse().unwrap());
        lifecycle.session.state = SessionState::Working;
        lifecycle.session.reason = SessionReason::TaskInProgress;
        lifecycle.runtime.state = RuntimeState::Alive;
        lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
        lifecycle.runtime.handle = Some(RuntimeHandle { kind, id: "api-1".into() });
        SessionRecord {
            version: RECORD_VERSION,
            id: SessionId::new("api-1").unwrap(),
            project_id: ProjectId::new("api").unwrap(),
            kind: SessionKind::Worker,
            agent: "shell".into(),
            runtime: kind,
            branch: "b".into(),
            worktree: "/w".into(),
            created_at: "2025-01-01T00:00:00Z".parse().unwrap(),
            display_name: None,
            prompt: None,
            issue: None,
            agent_session_id: None,
            lifecycle,
            pr_info: None,
            reactions: Vec::new(),
            exit: None,
            extra: serde_json::Map::new(),
        }
    }

    #[test]
    fn alive_as_recorded_concludes_nothing() {
        let base = working(RuntimeKind::Tmux);
        let conclusion = Conclusion::from_liveness(&base, &Liveness::Alive { pid: Some(7) }, now());
        assert!(conclusion.is_empty(), "an unchanged runtime must not cause a write: {conclusion:?}");
    }

    #[test]
    fn missing_concludes_runtime_lost_with_the_reason_of_the_runtime_kind() {
        for (kind, reason) in
            [(RuntimeKind::Tmux, RuntimeReason::TmuxMissing), (RuntimeKind::Process, RuntimeReason::ProcessMissing)]
        {
            let base = working(kind);
            let mut disk = base.clone();
            Conclusion::from_liveness(&base, &Liveness::Missing, now()).apply(&base, &mut disk);
            let (session, runtime) = (&disk.lifecycle.session, &disk.lifecycle.runtime);
            assert_eq!(
                (session.state, session.reason),
                (SessionState::Terminated, SessionReason::RuntimeLost),
                "{kind}"
            );
            assert_eq!((runtime.state, runtime.reason), (RuntimeState::Missing, reason), "{kind}");
            assert_eq!(session.terminated_at, Some(now()), "{kind}: terminatedAt must be set");
            assert_eq!(runtime.handle, base.lifecycle.runtime.handle, "{kind}: the handle is kept for restore");
        }
    }

    #[test]
    fn missing_while_spawning_concludes_nothing() {
        let mut base = working(RuntimeKind::Tmux);
        base.lifecycle.session.state = SessionState::NotStarted;
        let conclusion = Conclusion::from_liveness(&base, &Liveness::Missing, now());
        assert!(conclusion.is_empty(), "a spawn in progress must not be written down as lost: {conclusion:?}");
    }

    #[test]
    fn exited_is_persisted_as_runtime_exited_without_ending_the_session() {
        let base = working(RuntimeKind::Tmux);
        let mut disk = base.clone();
        Conclusion::from_liveness(&base, &Liveness::Exited, now()).apply(&base, &mut disk);
        assert_eq!(disk.lifecycle.runtime.state, RuntimeState::Exited);
        assert_eq!(disk.lifecycle.session, base.lifecycle.session, "the session part is the agent's business");
    }

    #[test]
    fn parts_a_newer_writer_changed_are_left_to_it() {
        let base = working(RuntimeKind::Tmux);
        let mut disk = base.clone();
        // Meanwhile the user killed the session and someone else found the agent's id.
        disk.lifecycle.session.state = SessionState::Terminated;
        disk.lifecycle.session.reason = SessionReason::ManuallyKilled;
        disk.lifecycle.runtime.reason = RuntimeReason::ManualKillRequested;
        disk.agent_session_id = Some("theirs".into());
        disk.display_name = Some("renamed".into());
        let before = disk.clone();
        let mut conclusion = Conclusion::from_liveness(&base, &Liveness::Missing, now());
        conclusion.agent_session_id = Some("ours".into());
        conclusion.apply(&base, &mut disk);
        assert_eq!(disk, before, "every part this enrichment would write was changed by a newer writer");
    }
}
