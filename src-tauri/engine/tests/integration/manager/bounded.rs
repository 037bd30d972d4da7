//! Bounded enrichment (SPEC D2) and the cooldown after a timeout (D4).

use grove_engine::manager::{Enrichment, ReadError, TIMEOUT_COOLDOWN};
use grove_engine::session::{Activity, RuntimeReason, RuntimeState};
use tokio::time::Instant;

use super::support::{Fleet, Step, millis, next_snapshot, notified, secs, session};

#[tokio::test(start_paused = true)]
async fn get_returns_stored_fields_at_its_deadline_when_the_runtime_probe_never_returns() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.calls.always(Step::Hang);
    let stored = fleet.on_disk("api-1");

    let start = Instant::now();
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(start.elapsed(), secs(3), "get must return exactly at its 3 s deadline, not before or after");

    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "enrichment was {:?}", view.enrichment);
    let runtime = &view.record.lifecycle.runtime;
    assert_eq!((runtime.state, runtime.reason), (RuntimeState::ProbeFailed, RuntimeReason::ProbeError));
    assert_eq!(runtime.handle, stored.lifecycle.runtime.handle, "the handle from disk must be kept");
    let mut expected = stored.clone();
    expected.lifecycle.runtime = view.record.lifecycle.runtime.clone();
    expected.agent_session_id = view.record.agent_session_id.clone();
    assert_eq!(view.record, expected, "every field but the runtime part (and a found agent id) must be as stored");
    assert_eq!(view.live.activity, Some(Activity::Active), "the agent probe answered and must still be shown");

    // The probe future was dropped at the deadline, without any more time passing.
    tokio::time::timeout(millis(1), fleet.runtime.calls.dropped.notified())
        .await
        .expect("the hung runtime probe must be dropped (cancelled) when its deadline passes");
    assert_eq!(fleet.runtime.calls.cancelled(), 1, "exactly the one hung call was cancelled");
    assert_eq!(start.elapsed(), secs(3), "cancelling must not need more time");
}

#[tokio::test(start_paused = true)]
async fn a_hung_agent_probe_gives_activity_unknown_and_keeps_the_runtime_answer() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.agent.activity.always(Step::Hang);
    let start = Instant::now();
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(start.elapsed(), secs(3), "get must return at its deadline");
    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "enrichment was {:?}", view.enrichment);
    assert_eq!(view.live.activity, Some(Activity::Unknown), "a timed-out activity probe means unknown, not absent");
    assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::Alive, "the runtime probe answered alive");
    assert_eq!(view.live.pid, Some(4242), "the runtime probe's pid must be shown");
    tokio::time::timeout(millis(1), fleet.agent.activity.dropped.notified())
        .await
        .expect("the hung activity probe must be dropped (cancelled) when its deadline passes");
    assert_eq!(start.elapsed(), secs(3), "cancelling must not need more time");
}

#[tokio::test(start_paused = true)]
async fn no_read_path_probes_a_session_during_its_cooldown_and_one_probe_runs_after_it() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.calls.then([Step::Hang]);
    let mut snapshots = fleet.sessions.snapshots();
    let start = Instant::now();
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    let Enrichment::TimedOut { at: timed_out_at } = view.enrichment else {
        panic!("the first get must time out, got {:?}", view.enrichment)
    };
    let probes = || (fleet.runtime.calls.count(), fleet.agent.activity.count(), fleet.agent.info.count());
    assert_eq!(probes(), (1, 1, 1), "the first get probes once of each kind");

    // get: stored data at once, marked with the timeout that started the cooldown.
    let before = Instant::now();
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(before.elapsed(), secs(0), "a cooling session must be answered at once");
    assert_eq!(view.enrichment, Enrichment::TimedOut { at: timed_out_at }, "the cooldown's timeout must be shown");
    assert_eq!(view.record, fleet.on_disk("api-1"), "a cooling session is shown as stored");

    // list_fresh: the same.
    let list = fleet.sessions.list_fresh().await;
    assert_eq!(before.elapsed(), secs(0), "list_fresh must not wait for a cooling session");
    assert_eq!(list.sessions[0].enrichment, Enrichment::TimedOut { at: timed_out_at });

    // list_cached's background refresh: the same.
    fleet.sessions.list_cached().await;
    next_snapshot(&mut snapshots, secs(1)).await;
    let cached = fleet.sessions.list_cached().await;
    assert_eq!(cached.sessions[0].enrichment, Enrichment::TimedOut { at: timed_out_at });
    assert_eq!(probes(), (1, 1, 1), "no read path may probe a cooling session");

    // Just before the end of the cooldown: still nothing.
    tokio::time::sleep_until(start + secs(3) + TIMEOUT_COOLDOWN - millis(1)).await;
    fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(probes(), (1, 1, 1), "the cooldown lasts 15 s from the timeout");

    // After it: one probe of each kind, and the answer clears the way for the next read.
    tokio::time::sleep(millis(1)).await;
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "after the cooldown: {:?}", view.enrichment);
    assert_eq!(probes(), (2, 2, 2), "one probe of each kind after the cooldown");
    fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(probes(), (3, 3, 3), "a success leaves no cooldown behind");
}

#[tokio::test(start_paused = true)]
async fn get_of_an_unknown_id_is_a_typed_not_found() {
    let fleet = Fleet::with(&["api-1"]);
    match fleet.sessions.get(&session("api-404"), secs(3)).await {
        Err(ReadError::NotFound { id }) => assert_eq!(id, session("api-404")),
        other => panic!("expected NotFound for an unknown id, got {other:?}"),
    }
    assert_eq!(fleet.runtime.calls.count(), 0, "nothing to probe for a session that does not exist");
}

#[tokio::test(start_paused = true)]
async fn dropping_sessions_cancels_probes_still_in_flight() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.calls.always(Step::Hang);
    fleet.sessions.list_cached().await;
    notified(&fleet.runtime.calls.started, "the background refresh to probe the runtime").await;
    let (runtime, sessions) = (fleet.runtime.clone(), fleet.sessions);
    drop(sessions);
    tokio::time::timeout(millis(1), runtime.calls.dropped.notified())
        .await
        .expect("dropping Sessions must stop its refresh and drop the probe it was waiting for");
}
