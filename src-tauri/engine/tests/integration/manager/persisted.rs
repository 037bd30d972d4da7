//! What enrichment writes to disk (SPEC D5, D10, D11): positive evidence only, merged into the
//! record as it is on disk when the probe lands.

use std::sync::Arc;

use grove_engine::manager::Enrichment;
use grove_engine::probe::Liveness;
use grove_engine::session::{Activity, RuntimeKind, RuntimeReason, RuntimeState, SessionReason, SessionState};
use grove_engine::store::Store;

use super::support::{AGENT_SESSION_ID, Fleet, Step, notified, project, secs, session, working};

#[tokio::test(start_paused = true)]
async fn a_runtime_found_missing_is_persisted_as_terminated_runtime_lost() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.set("api-1", Liveness::Missing);
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");

    let disk = fleet.on_disk("api-1");
    let (s, r) = (&disk.lifecycle.session, &disk.lifecycle.runtime);
    assert_eq!((s.state, s.reason), (SessionState::Terminated, SessionReason::RuntimeLost), "session part on disk");
    assert_eq!((r.state, r.reason), (RuntimeState::Missing, RuntimeReason::TmuxMissing), "runtime part on disk");
    assert!(s.terminated_at.is_some(), "terminatedAt must be written");
    assert_eq!(view.record, disk, "the view shows what was written");
    assert_eq!(view.live.activity, Some(Activity::Exited), "a missing runtime means the agent has exited");
    assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "{:?}", view.enrichment);

    // Written down as lost: the next read asks only whether its runtime came back (SPEC D11a).
    let (calls, bytes) = (fleet.runtime.calls.count(), fleet.bytes("api-1"));
    let again = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(again.enrichment, Enrichment::Stored, "a session still lost is shown as stored");
    assert_eq!(fleet.runtime.calls.count(), calls + 1, "its runtime is probed again");
    assert_eq!(fleet.bytes("api-1"), bytes, "still missing: nothing is written again");

    // Its runtime is found alive after all: the false death is undone.
    fleet.runtime.set("api-1", Liveness::Alive { pid: Some(42) });
    let adopted = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    let disk = fleet.on_disk("api-1");
    let (s, r) = (&disk.lifecycle.session, &disk.lifecycle.runtime);
    assert_eq!((s.state, r.state), (SessionState::Working, RuntimeState::Alive), "adopted back on disk");
    assert_eq!(s.terminated_at, None, "an adopted session has not ended");
    assert_eq!(adopted.record, disk, "the view shows what was written");
    assert_eq!(adopted.live.pid, Some(42));
}

#[tokio::test(start_paused = true)]
async fn a_runtime_that_cannot_be_judged_changes_nothing_on_disk() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.set("api-1", Liveness::Unknown { reason: "no tmux server answers".into() });
    let before = fleet.on_disk("api-1").lifecycle;
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(fleet.on_disk("api-1").lifecycle, before, "no verdict, no lifecycle written (SPEC D11)");
    assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::ProbeFailed, "shown as a failed probe");
    assert!(matches!(view.enrichment, Enrichment::Failed { .. }), "{:?}", view.enrichment);
}

#[tokio::test(start_paused = true)]
async fn another_terminal_session_is_not_probed() {
    let fleet = Fleet::with(&[]);
    let mut killed = working("api", "api-1");
    killed.lifecycle.session.state = SessionState::Terminated;
    killed.lifecycle.session.reason = SessionReason::ManuallyKilled;
    fleet.store.create(&killed).expect("write the record");
    fleet.runtime.set("api-1", Liveness::Alive { pid: Some(42) });
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(view.enrichment, Enrichment::Stored, "a killed session is shown as stored");
    assert_eq!(fleet.runtime.calls.count(), 0, "only sessions written down as lost are probed again");
}

#[tokio::test(start_paused = true)]
async fn a_runtime_missing_while_spawning_changes_nothing_on_disk() {
    let fleet = Fleet::with(&[]);
    let mut spawning = working("api", "api-1");
    spawning.lifecycle.session.state = SessionState::NotStarted;
    spawning.lifecycle.session.reason = SessionReason::SpawnRequested;
    spawning.agent_session_id = Some("already-known".into());
    fleet.store.create(&spawning).expect("write the record");
    fleet.runtime.set("api-1", Liveness::Missing);
    let before = fleet.bytes("api-1");
    fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(fleet.bytes("api-1"), before, "a spawn in progress must not be written down as lost");
}

#[tokio::test(start_paused = true)]
async fn an_exited_runtime_is_persisted_and_shown_as_exited() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.set("api-1", Liveness::Exited);
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    let disk = fleet.on_disk("api-1");
    assert_eq!(disk.lifecycle.runtime.state, RuntimeState::Exited, "runtime exited must be persisted");
    // SPEC A2a (revised): an agent that ended on its own crashed; the session ends and says so.
    assert_eq!(disk.lifecycle.session.state, SessionState::Terminated, "the crash ends the session");
    assert_eq!(disk.lifecycle.session.reason, SessionReason::AgentProcessExited, "a crash, not a kill");
    assert!(disk.exit.is_some(), "how it ended is kept for the dashboard");
    assert_eq!(view.live.activity, Some(Activity::Exited), "the process check outranks the transcript");
}

#[tokio::test(start_paused = true)]
async fn probe_errors_and_timeouts_leave_the_record_file_byte_for_byte_unchanged() {
    for (what, step) in [("an error", Step::Fail), ("a timeout", Step::Hang)] {
        let fleet = Fleet::with(&["api-1"]);
        fleet.runtime.calls.always(step.clone());
        fleet.agent.activity.always(step.clone());
        fleet.agent.info.always(step);
        let before = fleet.bytes("api-1");
        let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
        assert_eq!(
            view.record.lifecycle.runtime.state,
            RuntimeState::ProbeFailed,
            "{what}: the view says probe_failed"
        );
        assert_eq!(view.live.activity, Some(Activity::Unknown), "{what}: activity unknown");
        assert_eq!(fleet.bytes("api-1"), before, "{what} must change nothing on disk");
        assert_eq!(fleet.on_disk("api-1").lifecycle.runtime.state, RuntimeState::Alive, "{what}: disk still alive");
    }
}

#[tokio::test(start_paused = true)]
async fn a_probe_error_is_shown_as_failed_with_its_message() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.calls.always(Step::Fail);
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    match view.enrichment {
        Enrichment::Failed { error, .. } => assert!(error.contains("tmux failed"), "error text: {error}"),
        other => panic!("a failing runtime probe must give enrichment = failed, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn fields_a_newer_writer_changed_while_the_probe_ran_win() {
    let fleet = Arc::new(Fleet::with(&["api-1"]));
    fleet.runtime.set("api-1", Liveness::Missing);
    fleet.runtime.calls.then([Step::AnswerAfter(secs(2))]);
    let get = tokio::spawn({
        let fleet = fleet.clone();
        async move { fleet.sessions.get(&session("api-1"), secs(3)).await }
    });
    notified(&fleet.runtime.calls.started, "the runtime probe to start").await;
    // Meanwhile the user kills the session and renames it, through the store like any writer.
    let store: &Store = &fleet.store;
    store
        .update(&project("api"), &session("api-1"), |r| {
            r.lifecycle.session.state = SessionState::Terminated;
            r.lifecycle.session.reason = SessionReason::ManuallyKilled;
            r.lifecycle.runtime.reason = RuntimeReason::ManualKillRequested;
            r.display_name = Some("renamed meanwhile".into());
        })
        .expect("update the record");
    let theirs = fleet.on_disk("api-1");
    let view = get.await.expect("no panic").expect("the record exists");
    let mut expected = theirs.clone();
    expected.agent_session_id = Some(AGENT_SESSION_ID.into());
    assert_eq!(fleet.on_disk("api-1"), expected, "only the agent id (unset on disk) may be added to their record");
    assert_eq!(view.record, expected, "the view shows the merged record");
}

#[tokio::test(start_paused = true)]
async fn list_stored_runs_no_probe_and_survives_broken_probes() {
    let fleet = Fleet::with(&["api-1", "api-2"]);
    fleet.runtime.calls.always(Step::Fail);
    fleet.agent.activity.always(Step::Hang);
    let list = fleet.sessions.list_stored().await;
    assert_eq!(list.sessions.len(), 2, "every record is listed");
    assert!(list.sessions.iter().all(|v| v.enrichment == Enrichment::Stored), "list_stored is disk only");
    assert_eq!(fleet.runtime.calls.count() + fleet.agent.activity.count(), 0, "list_stored must not probe");
}

#[tokio::test(start_paused = true)]
async fn a_runtime_kind_without_a_probe_is_a_failed_probe_not_a_dead_session() {
    let fleet = Fleet::with(&[]);
    let mut record = working("api", "api-1");
    record.runtime = RuntimeKind::Process;
    record.lifecycle.runtime.handle.as_mut().expect("working records have a handle").kind = RuntimeKind::Process;
    fleet.store.create(&record).expect("write the record");
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    match &view.enrichment {
        Enrichment::Failed { error, .. } => assert!(error.contains("no probe for process"), "error text: {error}"),
        other => panic!("a runtime nobody can probe must give enrichment = failed, got {other:?}"),
    }
    assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::ProbeFailed, "shown as probe_failed");
    assert_eq!(fleet.runtime.calls.count(), 0, "the tmux probe must not be asked about a process runtime");
    assert_eq!(fleet.on_disk("api-1").lifecycle, record.lifecycle, "the lifecycle on disk is unchanged");
}
