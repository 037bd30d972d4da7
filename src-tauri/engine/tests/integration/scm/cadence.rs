//! The loop's timing on a paused clock: a pass at start and every interval, a poke brings one
//! forward (but not closer than the poke gap), a rate limit backs off exponentially with no call
//! meanwhile and is reported with its retry time, a missing `gh` is reported and retried only at
//! the normal cadence, and dropping the handle stops everything.

use std::time::Duration;

use chrono::Utc;
use grove_engine::scm::{PrLoop, PrLoopOptions, ScmStatus};
use tokio::time::{Instant, sleep};

use super::support::{Bench, settle};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn start(bench: &Bench, options: PrLoopOptions) -> PrLoop {
    let projects = bench.projects();
    PrLoop::spawn(bench.store.clone(), move || projects.clone(), PrLoopOptions { gh: bench.gh(), ..options })
}

/// Waits until the loop has finished `n` passes.
async fn passes(lp: &PrLoop, n: u64) {
    let rx = lp.passes();
    settle(&format!("pass {n}"), move || rx.borrow().passes >= n).await;
}

fn finished(lp: &PrLoop) -> u64 {
    lp.passes().borrow().passes
}

#[tokio::test(start_paused = true)]
async fn passes_run_at_start_every_interval_and_soon_after_a_poke() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    let t0 = Instant::now();
    let lp = start(&bench, PrLoopOptions::default());
    passes(&lp, 1).await;
    assert_eq!((bench.calls(), lp.status().borrow().clone()), (1, ScmStatus::Ok), "the first pass runs at start");

    sleep(secs(59)).await;
    assert_eq!((finished(&lp), bench.calls()), (1, 1), "nothing before the interval");
    sleep(secs(1)).await;
    passes(&lp, 2).await;
    assert_eq!(bench.calls(), 2, "a pass every 60 s");

    sleep(secs(10)).await;
    lp.poke();
    passes(&lp, 3).await;
    assert_eq!((t0.elapsed(), bench.calls()), (secs(70), 3), "a poke 10 s after a pass runs one at once");

    lp.poke();
    sleep(secs(4)).await;
    assert_eq!(finished(&lp), 3, "pokes are not answered closer than 5 s after a pass");
    sleep(secs(1)).await;
    passes(&lp, 4).await;
    assert_eq!((t0.elapsed(), bench.calls()), (secs(75), 4));

    sleep(secs(59)).await;
    assert_eq!(finished(&lp), 4, "the interval restarts after the poked pass");
    sleep(secs(1)).await;
    passes(&lp, 5).await;
    assert_eq!(bench.calls(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_backs_off_without_calls_and_recovery_resets_it() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    bench.scenario("rate_limited");
    let lp = start(&bench, PrLoopOptions::default());
    let status = lp.status();
    passes(&lp, 1).await;
    let retry_in = |status: &ScmStatus| match status {
        ScmStatus::RateLimited { until } => (*until - Utc::now()).num_seconds(),
        other => panic!("expected rate_limited, got {other:?}"),
    };
    let first = retry_in(&status.borrow());
    assert!((55..=60).contains(&first), "first backoff is 1 min, retry in {first} s");
    let message = status.borrow().message().unwrap();
    assert!(message.starts_with("GitHub rate limit: checking again at "), "{message}");

    lp.poke();
    sleep(secs(59)).await;
    assert_eq!((finished(&lp), bench.calls()), (1, 1), "no call during the backoff, poked or not");
    sleep(secs(1)).await;
    passes(&lp, 2).await;
    assert_eq!(bench.calls(), 2);
    let second = retry_in(&status.borrow());
    assert!((115..=120).contains(&second), "the backoff doubles, retry in {second} s");

    sleep(secs(119)).await;
    assert_eq!(finished(&lp), 2);
    bench.scenario("open_passing");
    sleep(secs(1)).await;
    passes(&lp, 3).await;
    assert_eq!((bench.calls(), status.borrow().clone()), (3, ScmStatus::Ok), "recovered");
    assert!(bench.record("app-1").pr_info.is_some());

    // After a success the cadence is normal and the next rate limit starts from 1 min again.
    bench.scenario("rate_limited");
    sleep(secs(60)).await;
    passes(&lp, 4).await;
    let again = retry_in(&status.borrow());
    assert!((55..=60).contains(&again), "the backoff was reset by the success, retry in {again} s");
}

#[tokio::test(start_paused = true)]
async fn a_missing_gh_is_reported_and_tried_again_only_at_the_normal_cadence() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    let projects = bench.projects();
    let options = PrLoopOptions { gh: bench.gh().with_program("/nonexistent/bin/gh"), ..PrLoopOptions::default() };
    let lp = PrLoop::spawn(bench.store.clone(), move || projects.clone(), options);
    passes(&lp, 1).await;
    let ScmStatus::Failing { error } = lp.status().borrow().clone() else { panic!("gh missing must be failing") };
    assert!(error.contains("/nonexistent/bin/gh") && error.contains("https://cli.github.com"), "{error}");

    // A poke is answered (after the 5 s gap); then one try a minute: no storm, and no giving up.
    lp.poke();
    sleep(secs(5)).await;
    passes(&lp, 2).await;
    sleep(secs(3590)).await;
    assert_eq!(finished(&lp), 61, "passes at 0 s, 5 s, then 65 s, 125 s, ... 3545 s");
    assert!(matches!(*lp.status().borrow(), ScmStatus::Failing { .. }));
    assert_eq!(bench.record("app-1").pr_info, None);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_handle_stops_the_loop() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    let lp = start(&bench, PrLoopOptions::default());
    passes(&lp, 1).await;
    let passes_rx = lp.passes();
    drop(lp);
    sleep(secs(600)).await;
    assert_eq!((bench.calls(), passes_rx.borrow().passes), (1, 1), "no pass after the handle is gone");
    assert!(passes_rx.has_changed().is_err(), "the loop task ended and closed its channel");
}
