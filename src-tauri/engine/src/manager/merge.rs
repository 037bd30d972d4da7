//! Merge-back (SPEC D5, D10, D11, D11a). Enrichment works on a copy of the record; what it concluded is
//! written back as a [`Conclusion`] applied under the store's lock to the record as it is on disk
//! *then*. Each part is written only if disk still holds what the enrichment started from, so a
//! field another writer changed meanwhile (a kill, a restore, the CLI) wins. Only positive
//! evidence produces a conclusion: failures and timeouts never reach this module.

use chrono::{DateTime, Utc};

use crate::probe::Liveness;
use crate::session::{
    AgentExit, RuntimeKind, RuntimePart, RuntimeReason, RuntimeState, SessionReason, SessionRecord, SessionState,
    is_terminal,
};
use crate::store::{Store, StoreError};

/// What an enrichment concluded that belongs on disk.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Conclusion {
    /// The runtime part the probe saw, when it differs from the record's.
    pub runtime: Option<RuntimePart>,
    /// The runtime is gone outside of spawning: the session becomes `terminated/runtime_lost`.
    pub lost_at: Option<DateTime<Utc>>,
    /// The agent's process ended on its own (its pane stays, dead): the session becomes
    /// `terminated/agent_process_exited`, a crash (SPEC A2a), with how it ended when known.
    pub exited: Option<AgentExit>,
    /// A session recorded `terminated/runtime_lost` whose runtime is in fact alive (SPEC D11a):
    /// it is adopted back, its session part working again.
    pub adopted_at: Option<DateTime<Utc>>,
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
        let current = &base.lifecycle.runtime;
        if is_runtime_lost(base) {
            // Only a live runtime changes a session already written down as lost: it was a false
            // death, and the session is adopted back (SPEC D11a). Absence confirms what is there.
            return match liveness {
                Liveness::Alive { .. } => Self {
                    runtime: Some(RuntimePart {
                        state: RuntimeState::Alive,
                        reason: RuntimeReason::ProcessRunning,
                        ..current.clone()
                    }),
                    adopted_at: Some(now),
                    ..Self::default()
                },
                _ => Self::default(),
            };
        }
        let (state, reason) = match liveness {
            Liveness::Alive { .. } => (RuntimeState::Alive, RuntimeReason::ProcessRunning),
            // A spawn in progress may not have created its runtime yet: absence proves nothing.
            Liveness::Missing | Liveness::Exited if base.lifecycle.session.state == SessionState::NotStarted => {
                return Self::default();
            }
            // The pane is there but its process ended: the process is what is missing.
            Liveness::Exited => (RuntimeState::Exited, RuntimeReason::ProcessMissing),
            Liveness::Missing => (RuntimeState::Missing, missing_reason(base)),
            // Not evidence either way (SPEC D11): nothing to write.
            Liveness::Unknown { .. } => return Self::default(),
        };
        let runtime = (current.state != state || current.reason != reason).then(|| RuntimePart {
            state,
            reason,
            ..current.clone()
        });
        let lost_at = (state == RuntimeState::Missing).then_some(now);
        let exited = (*liveness == Liveness::Exited && !is_terminal(&base.lifecycle)).then(|| AgentExit {
            status: None,
            signal: None,
            last_lines: Vec::new(),
            at: now,
        });
        Self { runtime, lost_at, exited, ..Self::default() }
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
        if let Some(exit) = &self.exited
            && disk.lifecycle.session == base.lifecycle.session
        {
            let session = &mut disk.lifecycle.session;
            session.state = SessionState::Terminated;
            session.reason = SessionReason::AgentProcessExited;
            session.terminated_at = Some(exit.at);
            session.last_transition_at = exit.at;
            disk.exit = Some(exit.clone());
        }
        if let Some(at) = self.adopted_at
            && disk.lifecycle.session == base.lifecycle.session
        {
            let session = &mut disk.lifecycle.session;
            session.state = SessionState::Working;
            session.reason = SessionReason::TaskInProgress;
            session.terminated_at = None;
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

/// Whether `record` was written down as dead by a probe (`terminated/runtime_lost`) and still
/// names a runtime whose life can be proven: such a session is probed again, so a false death
/// can be undone (SPEC D11a). A tmux session listed by Grove's own server is proof; a bare pid is
/// not (after a reboot it may name anybody's process), so a process runtime needs the start time
/// its handle recorded (SPEC F8).
pub(crate) fn is_runtime_lost(record: &SessionRecord) -> bool {
    let session = &record.lifecycle.session;
    let provable = record
        .lifecycle
        .runtime
        .handle
        .as_ref()
        .is_some_and(|h| h.kind == RuntimeKind::Tmux || h.process.as_ref().is_some_and(|p| p.start.is_some()));
    session.state == SessionState::Terminated && session.reason == SessionReason::RuntimeLost && provable
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
    use crate::process_identity::{ProcessIdentity, ProcessStart};
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
        lifecycle.runtime.handle = Some(RuntimeHandle::new(kind, "api-1"));
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
            landing: None,
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
    fn a_lost_session_found_alive_is_adopted_and_one_still_missing_is_left_alone() {
        let base = working(RuntimeKind::Tmux);
        let mut lost = base.clone();
        Conclusion::from_liveness(&base, &Liveness::Missing, now()).apply(&base, &mut lost);
        assert!(is_runtime_lost(&lost), "precondition: written down as lost");

        for liveness in [Liveness::Missing, Liveness::Exited, Liveness::Unknown { reason: "no server".into() }] {
            let conclusion = Conclusion::from_liveness(&lost, &liveness, now());
            assert!(conclusion.is_empty(), "{liveness:?} must not rewrite a lost session: {conclusion:?}");
        }
        let later: DateTime<Utc> = "2025-03-05T00:00:00Z".parse().unwrap();
        let mut disk = lost.clone();
        Conclusion::from_liveness(&lost, &Liveness::Alive { pid: Some(7) }, later).apply(&lost, &mut disk);
        let (session, runtime) = (&disk.lifecycle.session, &disk.lifecycle.runtime);
        assert_eq!((session.state, session.reason), (SessionState::Working, SessionReason::TaskInProgress));
        assert_eq!((runtime.state, runtime.reason), (RuntimeState::Alive, RuntimeReason::ProcessRunning));
        assert_eq!(session.terminated_at, None, "an adopted session has not ended");
        assert_eq!(session.last_transition_at, later);
        assert_eq!(runtime.handle, base.lifecycle.runtime.handle, "the handle is kept");
    }

    #[test]
    fn a_lost_process_runtime_is_probed_again_only_with_its_start_time() {
        let base = working(RuntimeKind::Process);
        let mut lost = base.clone();
        Conclusion::from_liveness(&base, &Liveness::Missing, now()).apply(&base, &mut lost);
        assert!(!is_runtime_lost(&lost), "a bare pid may name anybody's process by now");
        let handle = lost.lifecycle.runtime.handle.take().map(|h| {
            h.with_process(Some(ProcessIdentity { pid: 7, start: Some(ProcessStart::from("linux:b:1".to_owned())) }))
        });
        lost.lifecycle.runtime.handle = handle;
        assert!(is_runtime_lost(&lost), "with its start time recorded it can be proven alive");
    }

    #[test]
    fn unknown_concludes_nothing() {
        let base = working(RuntimeKind::Tmux);
        let conclusion = Conclusion::from_liveness(&base, &Liveness::Unknown { reason: "no server".into() }, now());
        assert!(conclusion.is_empty(), "a runtime that cannot be judged must not be written down: {conclusion:?}");
    }

    #[test]
    fn missing_while_spawning_concludes_nothing() {
        let mut base = working(RuntimeKind::Tmux);
        base.lifecycle.session.state = SessionState::NotStarted;
        let conclusion = Conclusion::from_liveness(&base, &Liveness::Missing, now());
        assert!(conclusion.is_empty(), "a spawn in progress must not be written down as lost: {conclusion:?}");
    }

    #[test]
    fn an_agent_that_exited_on_its_own_is_a_crash_with_its_exit_kept() {
        // SPEC A2a (revised): before, the session part was left to the agent and a dead agent
        // read as working; a crash must end the session and say how.
        let base = working(RuntimeKind::Tmux);
        let mut disk = base.clone();
        Conclusion::from_liveness(&base, &Liveness::Exited, now()).apply(&base, &mut disk);
        assert_eq!(disk.lifecycle.runtime.state, RuntimeState::Exited);
        assert_eq!(disk.lifecycle.session.state, SessionState::Terminated);
        assert_eq!(disk.lifecycle.session.reason, SessionReason::AgentProcessExited, "a crash, not a kill");
        assert_eq!(disk.exit.as_ref().map(|e| e.at), Some(now()), "the exit is recorded when it was seen");

        let mut spawning = base.clone();
        spawning.lifecycle.session.state = SessionState::NotStarted;
        let conclusion = Conclusion::from_liveness(&spawning, &Liveness::Exited, now());
        assert!(conclusion.is_empty(), "a spawn in progress concludes nothing: {conclusion:?}");
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
