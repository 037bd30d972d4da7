//! Enrichment results as a source of patches (SPEC E2), and the merge rule that keeps known live
//! fields on screen while a rewritten record waits for its next probe (SPEC E3). Paused time,
//! watcher off: operations report their writes with `notify_changed`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::feed::{FeedOptions, FeedSession};
use grove_engine::manager::{Enrichment, Probes};
use grove_engine::probe::{
    ActivitySource, AgentActivity, AgentInfo, AgentProbe, Confidence, Liveness, ProbeFuture, RuntimeProbe,
};
use grove_engine::session::{Activity, AttentionLevel, RuntimeHandle, RuntimeKind, SessionRecord};

use super::support::{Home, Model, key, next, working};

/// Far beyond any timer involved; in paused time it costs nothing.
const LONG: Duration = Duration::from_secs(600);

/// Every tmux handle is alive.
struct AliveTmux;

impl RuntimeProbe for AliveTmux {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        Box::pin(async move { Ok(handles.iter().map(|h| (h.id.clone(), Liveness::Alive { pid: Some(7) })).collect()) })
    }
}

/// An agent whose activity the test sets.
struct Agent(Mutex<Activity>);

impl AgentProbe for Agent {
    fn activity<'a>(&'a self, _: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        let activity = *self.0.lock().unwrap();
        Box::pin(async move {
            Ok(AgentActivity {
                activity,
                source: ActivitySource::Hook,
                last_activity_at: Some(now),
                agent_session_id: None,
                error: None,
                detail: None,
                confidence: Confidence::High,
                evidence_at: Some(now),
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, _: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async { Ok(AgentInfo { summary: None, tokens: None, cost_usd: None, transcript: None }) })
    }
}

fn api_1(model: &Model) -> &FeedSession {
    model.sessions.get(&key("api-1")).expect("api-1 is held")
}

#[tokio::test(start_paused = true)]
async fn probe_results_are_patched_in_and_a_rewrite_keeps_them_until_the_next_probe() {
    let agent = Arc::new(Agent(Mutex::new(Activity::Active)));
    let lookup = agent.clone();
    let probes =
        Probes::new(Arc::new(move |name: &str| (name == "claude-code").then(|| lookup.clone() as Arc<dyn AgentProbe>)))
            .with_runtime(RuntimeKind::Tmux, Arc::new(AliveTmux));
    let options = FeedOptions { watch_store: false, ..FeedOptions::default() };
    let home = Home::with_records(vec![working("api-1")], probes, options).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    while !matches!(model.sessions.get(&key("api-1")).map(|s| &s.view.enrichment), Some(Enrichment::Enriched { .. })) {
        model.apply(next(&mut sub, LONG, "the first enrichment pass").await);
    }
    assert_eq!(api_1(&model).view.live.activity, Some(Activity::Active), "the probe's answer is shown");
    assert_eq!(api_1(&model).attention, AttentionLevel::Working, "attention derived from it");

    // The agent now waits for its human; meanwhile an operation rewrites the record.
    *agent.0.lock().unwrap() = Activity::WaitingInput;
    let mut record = working("api-1");
    record.display_name = Some("Renamed".into());
    home.store.save(&record).expect("rewrite the record");
    home.feed.notify_changed(&key("api-1"));
    model.apply(next(&mut sub, LONG, "the rewrite").await);
    assert_eq!(model.name("api-1"), Some("Renamed"), "the rewrite is patched in");
    assert_eq!(
        api_1(&model).view.live.activity,
        Some(Activity::Active),
        "a record rewrite must not blank the live fields before the next probe"
    );

    model.apply(next(&mut sub, LONG, "the enrichment pass the rewrite started").await);
    assert_eq!(api_1(&model).view.live.activity, Some(Activity::WaitingInput), "the new probe's answer");
    assert_eq!(api_1(&model).attention, AttentionLevel::Respond, "and the attention it implies");
    assert_eq!(model.name("api-1"), Some("Renamed"), "the enriched view carries the rewritten record");
}

/// An agent that counts how often it is probed: once per session per enrichment pass.
struct CountingAgent(std::sync::atomic::AtomicUsize);

impl AgentProbe for CountingAgent {
    fn activity<'a>(&'a self, _: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            Ok(AgentActivity {
                activity: Activity::Active,
                source: ActivitySource::Hook,
                last_activity_at: Some(now),
                agent_session_id: None,
                error: None,
                detail: None,
                confidence: Confidence::High,
                evidence_at: Some(now),
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, _: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async { Ok(AgentInfo { summary: None, tokens: None, cost_usd: None, transcript: None }) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_storm_of_writes_starts_one_pass_at_once_and_one_after_the_gap_not_one_per_write() {
    let agent = Arc::new(CountingAgent(std::sync::atomic::AtomicUsize::new(0)));
    let lookup = agent.clone();
    let probes =
        Probes::new(Arc::new(move |name: &str| (name == "claude-code").then(|| lookup.clone() as Arc<dyn AgentProbe>)))
            .with_runtime(RuntimeKind::Tmux, Arc::new(AliveTmux));
    let options = FeedOptions { watch_store: false, ..FeedOptions::default() };
    let gap = options.pass_gap;
    let home = Home::with_records(vec![working("api-1")], probes, options).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    while !matches!(model.sessions.get(&key("api-1")).map(|s| &s.view.enrichment), Some(Enrichment::Enriched { .. })) {
        model.apply(next(&mut sub, LONG, "the first enrichment pass").await);
    }
    let probed = || agent.0.load(std::sync::atomic::Ordering::SeqCst);
    let before = probed();

    // Ten writes, 100 ms apart: each is its own coalescing window and its own patch.
    for n in 0..10 {
        let mut record = working("api-1");
        record.display_name = Some(format!("write {n}"));
        home.store.save(&record).expect("rewrite the record");
        home.feed.notify_changed(&key("api-1"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The first write starts a pass at once and the rest wait for the gap; when the pass probes
    // depends on the blocking pool (real threads, not paused time), so only totals are asserted.
    // Without the gap, this costs ten passes.
    tokio::time::sleep(gap * 2).await;
    let passes = probed() - before;
    assert!(
        (1..=2).contains(&passes),
        "ten writes within the gap must cost at most two passes (one at once, one after the gap), not one each: {passes}"
    );
    while model.name("api-1") != Some("write 9") {
        model.apply(next(&mut sub, LONG, "the last write").await);
    }
}
