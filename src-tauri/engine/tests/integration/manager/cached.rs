//! `list_cached`: stale-while-revalidate (SPEC D6), the generation guard (D7), backoff after a
//! failed refresh (D8) and agent info on every 4th background pass (D9).

use grove_engine::manager::{CACHE_FRESH_FOR, Enrichment};
use grove_engine::session::Activity;
use tokio::time::Instant;

use super::support::{Fleet, Step, millis, next_snapshot, secs};

#[tokio::test(start_paused = true)]
async fn cold_read_returns_stored_at_once_and_the_next_read_after_the_refresh_is_enriched() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.agent.activity.then([Step::AnswerAfter(secs(5))]);
    let mut snapshots = fleet.sessions.snapshots();
    let start = Instant::now();
    let cold = fleet.sessions.list_cached().await;
    assert_eq!(start.elapsed(), secs(0), "a cold read must not wait for any probe");
    assert_eq!(cold.sessions.len(), 1);
    assert_eq!(cold.sessions[0].enrichment, Enrichment::Stored, "a cold read says its data is only stored");
    assert_eq!(cold.sessions[0].live.activity, None, "nothing live before the refresh");

    next_snapshot(&mut snapshots, secs(6)).await;
    assert_eq!(start.elapsed(), secs(5), "the background refresh lands when the probe answers");
    let warm = fleet.sessions.list_cached().await;
    assert!(matches!(warm.sessions[0].enrichment, Enrichment::Enriched { .. }), "{:?}", warm.sessions[0].enrichment);
    assert_eq!(warm.sessions[0].live.activity, Some(Activity::Active));
    assert_eq!(fleet.agent.activity.count(), 1, "one refresh, one probe");
}

#[tokio::test(start_paused = true)]
async fn a_stale_snapshot_is_returned_at_once_while_a_refresh_runs() {
    let fleet = Fleet::with(&["api-1"]);
    let mut snapshots = fleet.sessions.snapshots();
    fleet.sessions.list_cached().await;
    next_snapshot(&mut snapshots, secs(1)).await;
    let first = fleet.sessions.list_cached().await;

    tokio::time::sleep(CACHE_FRESH_FOR - millis(1)).await;
    let still_fresh = fleet.sessions.list_cached().await;
    assert!(std::sync::Arc::ptr_eq(&first, &still_fresh), "a fresh snapshot is returned as is");
    tokio::task::yield_now().await;
    assert_eq!(fleet.agent.activity.count(), 1, "a fresh snapshot starts no refresh");

    fleet.agent.activity.then([Step::AnswerAfter(secs(2))]);
    tokio::time::sleep(millis(1)).await;
    let before = Instant::now();
    let stale = fleet.sessions.list_cached().await;
    assert_eq!(before.elapsed(), secs(0), "a stale read must not wait for the refresh");
    assert!(std::sync::Arc::ptr_eq(&first, &stale), "a stale read returns the old snapshot");
    next_snapshot(&mut snapshots, secs(3)).await;
    assert_eq!(fleet.agent.activity.count(), 2, "the stale read started one refresh");
    let renewed = fleet.sessions.list_cached().await;
    assert_ne!(renewed.sessions[0].enrichment, first.sessions[0].enrichment, "the refresh must replace the snapshot");
}

#[tokio::test(start_paused = true)]
async fn a_mutation_during_a_refresh_discards_the_refresh_result() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.agent.activity.then([Step::AnswerAfter(secs(5))]);
    let mut snapshots = fleet.sessions.snapshots();
    fleet.sessions.list_cached().await;
    tokio::time::sleep(secs(1)).await;
    assert_eq!(fleet.agent.activity.count(), 1, "the refresh is probing");
    fleet.sessions.invalidate();

    tokio::time::sleep(secs(5)).await;
    assert!(!snapshots.has_changed().expect("refresher alive"), "an outdated refresh must not write a snapshot");
    let after = fleet.sessions.list_cached().await;
    assert_eq!(after.sessions[0].enrichment, Enrichment::Stored, "the outdated refresh's result must be discarded");

    // That cold read started a refresh under the new generation, which may write.
    next_snapshot(&mut snapshots, secs(1)).await;
    let renewed = fleet.sessions.list_cached().await;
    assert!(matches!(renewed.sessions[0].enrichment, Enrichment::Enriched { .. }), "{:?}", renewed.sessions[0]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_is_visible_and_retried_after_2_5_and_15_s_then_the_normal_cadence() {
    let fleet = Fleet::with(&["api-1"]);
    fleet.runtime.calls.always(Step::Fail);
    let mut snapshots = fleet.sessions.snapshots();
    let start = Instant::now();
    fleet.sessions.list_cached().await;
    next_snapshot(&mut snapshots, secs(1)).await;
    let failed = fleet.sessions.list_cached().await;
    match &failed.sessions[0].enrichment {
        Enrichment::Failed { error, .. } => assert!(error.contains("tmux"), "the probe's error must be shown: {error}"),
        other => panic!("a failed refresh must show enrichment = failed, got {other:?}"),
    }
    assert_eq!(fleet.runtime.calls.count(), 1, "the first refresh probes once");

    // Retry times after the first failure at t = 0: 2 s, +5 s, +15 s, then every 35 s.
    let mut at = secs(0);
    for (calls, delay) in [(2, secs(2)), (3, secs(5)), (4, secs(15)), (5, CACHE_FRESH_FOR), (6, CACHE_FRESH_FOR)] {
        at += delay;
        tokio::time::sleep_until(start + at - millis(1)).await;
        assert_eq!(fleet.runtime.calls.count(), calls - 1, "no retry before t = {at:?}");
        next_snapshot(&mut snapshots, secs(1)).await;
        assert_eq!(start.elapsed(), at, "retry {} must run at t = {at:?}", calls - 1);
        assert_eq!(fleet.runtime.calls.count(), calls, "one probe per retry");
    }
    assert!(matches!(fleet.sessions.list_cached().await.sessions[0].enrichment, Enrichment::Failed { .. }));

    // A success ends the retries.
    fleet.runtime.calls.always(Step::Answer);
    tokio::time::sleep_until(start + at + CACHE_FRESH_FOR).await;
    next_snapshot(&mut snapshots, secs(1)).await;
    let calls = fleet.runtime.calls.count();
    tokio::time::sleep(secs(600)).await;
    assert_eq!(fleet.runtime.calls.count(), calls, "after a successful pass nothing is retried");
}

#[tokio::test(start_paused = true)]
async fn background_passes_probe_agent_info_every_4th_time_and_fresh_reads_always() {
    let fleet = Fleet::with(&["api-1"]);
    let mut snapshots = fleet.sessions.snapshots();
    for pass in 0..8 {
        fleet.sessions.list_cached().await;
        next_snapshot(&mut snapshots, secs(1)).await;
        let info = &fleet.sessions.list_cached().await.sessions[0].live.info;
        assert!(info.is_some(), "pass {pass}: passes without an info probe must reuse the last answer");
        tokio::time::sleep(CACHE_FRESH_FOR).await;
    }
    assert_eq!(fleet.agent.activity.count(), 8, "every pass probes activity");
    assert_eq!(fleet.agent.info.count(), 2, "8 background passes must probe info twice (passes 1 and 5)");

    fleet.sessions.list_fresh().await;
    fleet.sessions.get(&super::support::session("api-1"), secs(3)).await.expect("the record exists");
    assert_eq!(fleet.agent.info.count(), 4, "list_fresh and get always probe info");
}
