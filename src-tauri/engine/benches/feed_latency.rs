//! Benchmark of the live feed's latency: from the start of a record write through the store to
//! the patch carrying it at a subscriber, over the real file watcher, compared with the 3 s
//! polling design AO used (SPEC 4.11 of the reference: `SESSION_POLL_INTERVAL_MS = 3000`).
//!
//! Run: `cargo bench -p grove-engine --bench feed_latency`. Each write waits for its own patch and
//! one quiet time more before the next one starts, so every write is an isolated change (the case
//! a user sees: one agent changes state), which the feed sends at once (SPEC E2's leading edge).
//! Prints a markdown table.
//!
//! The polling figures are analytic, not measured: a change lands at a uniformly random moment of
//! the 3 s period, so it waits 1.5 s on average and up to 3 s, plus the read itself (left out,
//! which favours polling).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use grove_engine::feed::{FEED_COALESCE, Feed, FeedConfig, FeedEvent, FeedOptions};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::{EnrichmentPolicy, Probes, Sessions};
use grove_engine::session::{
    Lifecycle, RECORD_VERSION, RuntimeKind, SessionKind, SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::Store;

/// Writes measured per fleet size.
const WRITES: usize = 1_000;
/// Fleet sizes: a few sessions, and the thousand AO's users reached.
const FLEETS: [usize; 2] = [10, 1_000];
/// AO's poll period.
const POLL_PERIOD: Duration = Duration::from_secs(3);
/// Bound on one delivery; a healthy run takes tens of milliseconds.
const DELIVERY: Duration = Duration::from_secs(10);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("feed latency benchmark ({cores} cores, {WRITES} writes per fleet, coalescing {FEED_COALESCE:?})\n");
    let rows: Vec<String> = FLEETS.iter().map(|&fleet| runtime.block_on(measure(fleet))).collect();
    let poll_mean = POLL_PERIOD / 2;
    println!("| fleet | writes | median | p99 | max | polling 3 s: mean / p99 | median speed-up vs polling mean |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
    println!(
        "\npolling mean = {poll_mean:?} (uniform wait over the period), polling p99 = {:?}",
        POLL_PERIOD.mul_f64(0.99)
    );
}

async fn measure(fleet: usize) -> String {
    let dir = tempfile::tempdir().expect("temp GROVE_HOME");
    let home = GroveHome::at(dir.path());
    let store = Store::new(home.clone());
    for n in 1..=fleet {
        store.create(&finished(n, "initial")).expect("write a record");
    }
    let probes = Probes::new(Arc::new(|_: &str| None));
    let sessions = Arc::new(Sessions::new(store.clone(), probes, EnrichmentPolicy::default()));
    let (_config, config_rx) = tokio::sync::watch::channel(FeedConfig::default());
    let feed = Feed::start(sessions, home, config_rx, FeedOptions::default()).await;
    let mut sub = feed.subscribe();
    let Some(FeedEvent::Snapshot(_)) = sub.recv().await else { panic!("the first message must be a snapshot") };

    let mut latencies = Vec::with_capacity(WRITES);
    for n in 0..WRITES {
        let name = format!("write {n}");
        let record = finished(1 + n % fleet, &name);
        let writer = store.clone();
        let start = Instant::now();
        tokio::task::spawn_blocking(move || writer.save(&record).expect("rewrite a record"))
            .await
            .expect("the write finished");
        loop {
            let event =
                tokio::time::timeout(DELIVERY, sub.recv()).await.expect("a patch within 10 s").expect("feed alive");
            let FeedEvent::Patch(patch) = event else { panic!("unexpected snapshot: the subscriber lagged") };
            if patch.sessions.iter().any(|s| s.view.record.display_name.as_deref() == Some(name.as_str())) {
                break;
            }
        }
        latencies.push(start.elapsed());
        // Outside the timing: a write right after a patch would be the trailing part of a burst.
        tokio::time::sleep(FEED_COALESCE).await;
    }
    latencies.sort();
    let median = latencies[WRITES / 2];
    let p99 = latencies[WRITES * 99 / 100];
    let max = latencies[WRITES - 1];
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    format!(
        "| {fleet} | {WRITES} | {} | {} | {} | {} / {} | {:.0}x |",
        ms(median),
        ms(p99),
        ms(max),
        ms(POLL_PERIOD / 2),
        ms(POLL_PERIOD.mul_f64(0.99)),
        (POLL_PERIOD / 2).as_secs_f64() / median.as_secs_f64(),
    )
}

/// A finished session `api-<n>` named `name` (finished, so no probe runs and only the store's
/// path is measured).
fn finished(n: usize, name: &str) -> SessionRecord {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().expect("valid time");
    let mut lifecycle = Lifecycle::spawning(created);
    lifecycle.session.state = SessionState::Done;
    lifecycle.session.reason = SessionReason::ResearchComplete;
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new(format!("api-{n}")).expect("valid id"),
        project_id: ProjectId::new("api").expect("valid id"),
        kind: SessionKind::Worker,
        agent: "shell".into(),
        runtime: RuntimeKind::Process,
        branch: format!("session/api-{n}"),
        worktree: format!("/grove/projects/api/worktrees/api-{n}").into(),
        created_at: created,
        display_name: Some(name.to_owned()),
        prompt: Some("Do the thing".into()),
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
