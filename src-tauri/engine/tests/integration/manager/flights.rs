//! Single flight per session and probe kind (SPEC D3), with runtime liveness batched.

use std::sync::Arc;

use grove_engine::manager::Enrichment;
use grove_engine::session::RuntimeState;
use tokio::time::Instant;

use super::support::{Fleet, Step, millis, notified, secs, session};

/// A list_fresh (12 s per session) is waiting on a runtime batch that takes 5 s; a get with a
/// 100 ms deadline joins the batch instead of probing again, gives up at 100 ms with stored data,
/// and the list still gets the answer at 5 s.
#[tokio::test(start_paused = true)]
async fn a_short_get_joins_the_batch_of_a_long_list_fresh_and_gives_up_alone() {
    let fleet = Arc::new(Fleet::with(&["api-1", "api-2"]));
    fleet.runtime.calls.then([Step::AnswerAfter(secs(5))]);
    let start = Instant::now();
    let list = tokio::spawn({
        let fleet = fleet.clone();
        async move { fleet.sessions.list_fresh().await }
    });
    notified(&fleet.runtime.calls.started, "list_fresh to start its runtime batch").await;

    let view = fleet.sessions.get(&session("api-1"), millis(100)).await.expect("the record exists");
    assert_eq!(start.elapsed(), millis(100), "the short caller must get its answer at its own deadline");
    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "short caller got {:?}", view.enrichment);
    assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::ProbeFailed, "no runtime answer within 100 ms");

    let list = tokio::time::timeout(secs(20), list).await.expect("list_fresh must finish").expect("no panic");
    assert_eq!(start.elapsed(), secs(5), "the long caller gets the answer when the probe lands");
    for view in &list.sessions {
        assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "{}: {:?}", view.key(), view.enrichment);
        assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::Alive, "{}", view.key());
    }
    assert_eq!(fleet.runtime.calls.count(), 1, "one runtime probe must answer both callers and both sessions");
    assert_eq!(fleet.runtime.asked("api-1"), 1, "api-1 must be probed once, not once per caller");
    assert_eq!(fleet.runtime.calls.cancelled(), 0, "the short caller giving up must not cancel the probe");

    // The short caller's timeout was not a probe timeout: no cooldown, the next read probes.
    let view = fleet.sessions.get(&session("api-1"), secs(3)).await.expect("the record exists");
    assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "next get: {:?}", view.enrichment);
    assert_eq!(fleet.runtime.calls.count(), 2, "a caller giving up must not put the session in cooldown");
}

/// The other order: a get(100 ms) starts the probe, a list_fresh joins it for that session (and
/// batches the rest). The flight outlives its starter because a later waiter wants it longer.
#[tokio::test(start_paused = true)]
async fn a_flight_started_by_a_short_get_serves_a_later_long_list() {
    let fleet = Arc::new(Fleet::with(&["api-1", "api-2"]));
    fleet.runtime.calls.then([Step::AnswerAfter(secs(5)), Step::AnswerAfter(secs(5))]);
    let start = Instant::now();
    let get = tokio::spawn({
        let fleet = fleet.clone();
        async move { fleet.sessions.get(&session("api-1"), millis(100)).await }
    });
    notified(&fleet.runtime.calls.started, "get to start its runtime probe").await;
    let list = fleet.sessions.list_fresh().await;
    assert_eq!(start.elapsed(), secs(5), "list_fresh waits for the probes, both landing at 5 s");

    let view = get.await.expect("no panic").expect("the record exists");
    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "short caller got {:?}", view.enrichment);
    for view in &list.sessions {
        assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "{}: {:?}", view.key(), view.enrichment);
    }
    assert_eq!(fleet.runtime.asked("api-1"), 1, "list_fresh must join get's probe of api-1");
    assert_eq!(fleet.runtime.asked("api-2"), 1, "api-2 is probed once, in list_fresh's batch");
    assert_eq!(fleet.runtime.calls.cancelled(), 0, "no probe was cancelled: a waiter wanted each one");
}

#[tokio::test(start_paused = true)]
async fn concurrent_gets_of_one_session_share_one_probe_of_each_kind() {
    let fleet = Arc::new(Fleet::with(&["api-1"]));
    fleet.runtime.calls.then([Step::AnswerAfter(secs(1))]);
    fleet.agent.activity.then([Step::AnswerAfter(secs(1))]);
    fleet.agent.info.then([Step::AnswerAfter(secs(1))]);
    let gets: Vec<_> = (0..10)
        .map(|_| {
            let fleet = fleet.clone();
            tokio::spawn(async move { fleet.sessions.get(&session("api-1"), secs(3)).await })
        })
        .collect();
    for get in gets {
        let view = get.await.expect("no panic").expect("the record exists");
        assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "{:?}", view.enrichment);
    }
    let counts = (fleet.runtime.calls.count(), fleet.agent.activity.count(), fleet.agent.info.count());
    assert_eq!(counts, (1, 1, 1), "ten concurrent readers must cause one probe of each kind");
}

#[tokio::test(start_paused = true)]
async fn list_fresh_bounds_each_session_and_batches_the_runtime() {
    let fleet = Fleet::with(&["api-1", "api-2", "api-3"]);
    // The activity probe of one session hangs; the others answer.
    fleet.agent.activity.then([Step::Answer, Step::Hang, Step::Answer]);
    let start = Instant::now();
    let list = fleet.sessions.list_fresh().await;
    assert_eq!(start.elapsed(), secs(12), "list_fresh takes at most the 12 s per-session deadline");
    let timed_out = list.sessions.iter().filter(|v| matches!(v.enrichment, Enrichment::TimedOut { .. })).count();
    let enriched = list.sessions.iter().filter(|v| matches!(v.enrichment, Enrichment::Enriched { .. })).count();
    assert_eq!((enriched, timed_out), (2, 1), "one hung session must not spoil the others: {:?}", list.sessions);
    assert_eq!(fleet.runtime.calls.count(), 1, "one runtime call answers for all three sessions");
}

/// SPEC D11: probes run with bounded concurrency. 100 sessions whose activity probe takes 20 s:
/// 64 run at once and time out at 12 s (and cool down); the 36 that never got a permit also
/// give up at 12 s, but waiting in line is not a hung probe, so they are probed by the next read.
#[tokio::test(start_paused = true)]
async fn probes_run_with_bounded_concurrency_and_waiting_for_a_turn_starts_no_cooldown() {
    let ids: Vec<String> = (0..100).map(|i| format!("api-{i}")).collect();
    let fleet = Fleet::with_ids(&ids);
    fleet.agent.activity.always(Step::AnswerAfter(secs(20)));
    let limit = grove_engine::manager::MAX_CONCURRENT_PROBES;

    let first = fleet.sessions.list_fresh().await;
    assert_eq!(fleet.agent.activity.peak(), limit, "at most {limit} probes may run at once, and that many did");
    assert_eq!(fleet.agent.activity.count(), limit, "the other activity probes waited for a turn and never ran");
    let all_dropped = async {
        while fleet.agent.activity.cancelled() < limit {
            tokio::time::sleep(millis(1)).await;
        }
    };
    tokio::time::timeout(millis(10), all_dropped).await.expect("every started probe is dropped at the deadline");
    assert!(first.sessions.iter().all(|v| matches!(v.enrichment, Enrichment::TimedOut { .. })), "all timed out");

    let start = Instant::now();
    let second = fleet.sessions.list_fresh().await;
    assert_eq!(start.elapsed(), secs(12), "the sessions that only waited for a turn are probed again");
    assert_eq!(fleet.agent.activity.count(), 100, "exactly the 36 sessions not in cooldown were probed");
    let cooling = second.sessions.iter().filter(|v| v.live.activity.is_none()).count();
    assert_eq!(cooling, limit, "the {limit} sessions whose probe hung are in cooldown and shown as stored");
}
