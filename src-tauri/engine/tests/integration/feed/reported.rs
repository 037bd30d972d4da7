//! Events an agent reports reach the feed at once (SPEC I0, issue: status truth): a line appended
//! to a session's events file (what `grove hook` does) is seen by the real file watcher, that
//! session alone is probed again, and its new activity is patched in, without an enrichment pass
//! of the fleet and without any timer. Real time: the OS watcher delivers on its own thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::events::{AgentEvent, Via, append};
use grove_engine::feed::FeedOptions;
use grove_engine::manager::{Enrichment, Probes};
use grove_engine::probe::{
    ActivitySource, AgentActivity, AgentInfo, AgentProbe, Confidence, Liveness, ProbeFuture, RuntimeProbe,
};
use grove_engine::session::{Activity, RuntimeHandle, RuntimeKind, SessionRecord};

use super::support::{Home, Model, key, next, project, working};

const WAIT: Duration = Duration::from_secs(10);

/// Every tmux handle is alive; counts its batches, one per enrichment pass.
#[derive(Default)]
struct CountingTmux(AtomicUsize);

impl RuntimeProbe for CountingTmux {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        if handles.len() > 1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        Box::pin(async move { Ok(handles.iter().map(|h| (h.id.clone(), Liveness::Alive { pid: Some(7) })).collect()) })
    }
}

/// An agent whose activity per session the test sets, counting probes per session.
#[derive(Default)]
struct Agent {
    activity: Mutex<HashMap<String, Activity>>,
    probes: Mutex<HashMap<String, usize>>,
}

impl AgentProbe for Agent {
    fn activity<'a>(&'a self, record: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        let id = record.id.to_string();
        *self.probes.lock().unwrap().entry(id.clone()).or_default() += 1;
        let activity = self.activity.lock().unwrap().get(&id).copied().unwrap_or(Activity::Active);
        Box::pin(async move {
            Ok(AgentActivity {
                activity,
                source: ActivitySource::Hook,
                last_activity_at: Some(now),
                agent_session_id: None,
                error: None,
                detail: Some("waiting for permission to run `cargo test`".into()),
                confidence: Confidence::High,
                evidence_at: Some(now),
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, _: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async { Ok(AgentInfo::default()) })
    }
}

#[tokio::test]
async fn an_appended_event_patches_that_session_without_a_pass_of_the_fleet() {
    let agent = Arc::new(Agent::default());
    let tmux = Arc::new(CountingTmux::default());
    let lookup = agent.clone();
    let probes = Probes::new(Arc::new(move |_: &str| Some(lookup.clone() as Arc<dyn AgentProbe>)))
        .with_runtime(RuntimeKind::Tmux, tmux.clone());
    let ids = ["api-1", "api-2", "api-3"];
    let home = Home::with_records(ids.iter().map(|id| working(id)).collect(), probes, FeedOptions::default()).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    let enriched = |model: &Model| {
        ids.iter().all(|id| {
            matches!(model.sessions.get(&key(id)).map(|s| &s.view.enrichment), Some(Enrichment::Enriched { .. }))
        })
    };
    while !enriched(&model) {
        model.apply(next(&mut sub, WAIT, "the first enrichment pass").await);
    }
    // Grove marks the launch before the agent runs: the events directory appears (a change of
    // the store's shape, which re-reads it with a pass), and the watcher then watches it.
    let events_file = home.store.home().events_file(&project("api"), &key("api-2").id);
    let marker = AgentEvent {
        at: Utc::now(),
        via: Via::Grove,
        agent: "claude-code".into(),
        event: "launch".into(),
        payload: serde_json::Value::Null,
    };
    append(&events_file, &marker).expect("append the launch marker");
    let second_pass_done = || {
        let probes = agent.probes.lock().unwrap();
        tmux.0.load(Ordering::SeqCst) == 2 && ids.iter().all(|id| probes.get(*id) == Some(&2))
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while !second_pass_done() {
        assert!(tokio::time::Instant::now() < deadline, "the pass after the new events directory never finished");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let passes = tmux.0.load(Ordering::SeqCst);
    let probed_before: HashMap<String, usize> = agent.probes.lock().unwrap().clone();

    // api-2's agent asks for permission and says so through its hook.
    agent.activity.lock().unwrap().insert("api-2".into(), Activity::WaitingInput);
    let hook = AgentEvent {
        at: Utc::now(),
        via: Via::Hook,
        agent: "claude-code".into(),
        event: "PermissionRequest".into(),
        payload: serde_json::json!({"tool_name": "Bash", "tool_input": {"command": "cargo test"}}),
    };
    append(&events_file, &hook).expect("append the hook's line");

    let live = |model: &Model| model.sessions[&key("api-2")].view.live.clone();
    while live(&model).activity != Some(Activity::WaitingInput) {
        model.apply(next(&mut sub, WAIT, "api-2 waiting for its human").await);
    }
    let shown = live(&model);
    assert_eq!(shown.activity_source, Some(ActivitySource::Hook), "the reading says where it came from");
    assert_eq!(shown.activity_detail.as_deref(), Some("waiting for permission to run `cargo test`"));
    assert_eq!(shown.activity_confidence, Some(Confidence::High));
    assert_eq!(tmux.0.load(Ordering::SeqCst), passes, "no enrichment pass of the fleet ran for one event");
    let probed = agent.probes.lock().unwrap().clone();
    for id in ["api-1", "api-3"] {
        assert_eq!(probed.get(id), probed_before.get(id), "{id} was not probed for api-2's news");
    }
    assert!(probed["api-2"] > probed_before["api-2"], "api-2 was probed again");
}

/// An answer typed straight into the agent's terminal reports nothing until the tool finishes;
/// a session shown waiting on a hook's word is read again every `RECHECK_WAITING`, so the wait
/// clears then, and sessions not waiting are left alone. Paused time, watcher off.
#[tokio::test(start_paused = true)]
async fn a_reported_wait_is_read_again_until_it_ends() {
    let agent = Arc::new(Agent::default());
    agent.activity.lock().unwrap().insert("api-2".into(), Activity::WaitingInput);
    let tmux = Arc::new(CountingTmux::default());
    let lookup = agent.clone();
    let probes = Probes::new(Arc::new(move |_: &str| Some(lookup.clone() as Arc<dyn AgentProbe>)))
        .with_runtime(RuntimeKind::Tmux, tmux.clone());
    let options = FeedOptions { watch_store: false, ..FeedOptions::default() };
    let home = Home::with_records(vec![working("api-1"), working("api-2")], probes, options).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    let activity = |model: &Model, id: &str| model.sessions.get(&key(id)).and_then(|s| s.view.live.activity);
    while activity(&model, "api-2") != Some(Activity::WaitingInput) {
        model.apply(next(&mut sub, WAIT, "api-2 waiting").await);
    }
    let waited_at = tokio::time::Instant::now();
    let probed_before = agent.probes.lock().unwrap().clone();

    // The user answers in the terminal: no event, only the agent's state changes.
    agent.activity.lock().unwrap().insert("api-2".into(), Activity::Active);
    while activity(&model, "api-2") != Some(Activity::Active) {
        model.apply(next(&mut sub, WAIT, "the wait read again").await);
    }
    let took = waited_at.elapsed();
    assert!(
        took >= grove_engine::manager::RECHECK_WAITING && took < grove_engine::manager::RECHECK_WAITING * 2,
        "the wait is read again after {:?}, not {took:?}",
        grove_engine::manager::RECHECK_WAITING
    );
    let probed = agent.probes.lock().unwrap().clone();
    assert_eq!(probed.get("api-1"), probed_before.get("api-1"), "a working session is not read again for it");
}
