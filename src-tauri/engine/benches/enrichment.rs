//! Benchmark of the read paths over 1,000 sessions, 10 of whose agent probes hang forever, against
//! the naive design: one probe process per session, run one after another, with no deadline.
//!
//! Run: `cargo bench -p grove-engine --bench enrichment`. Prints a markdown table of medians.
//!
//! Probes used for Grove's read paths (real processes and files, not sleeps):
//! - runtime: one `true` process per batch call, answering `alive` for every handle it was given
//!   (the shape of one `tmux list-panes -a` for the whole fleet);
//! - agent activity and info: read the session's record file (standing in for a transcript tail),
//!   except for the 10 hung sessions, whose activity probe never returns.
//!
//! The naive design spawns `true` once per session, sequentially, and waits for each. It has no
//! deadline, so the 10 hung sessions would block it forever: they are skipped, which flatters it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::manager::{Enrichment, EnrichmentPolicy, Probes, SessionList, Sessions};
use grove_engine::probe::{
    ActivitySource, AgentActivity, AgentInfo, AgentProbe, Confidence, Liveness, ProbeError, ProbeFuture, RuntimeProbe,
};
use grove_engine::session::{
    Activity, Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, RuntimeReason, RuntimeState, SessionKind,
    SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::Store;

const SESSIONS: usize = 1_000;
const HUNG: usize = 10;
const PROJECTS: usize = 10;
/// The per-session deadline of `list_fresh` here, instead of 12 s, so a run takes well under a
/// second; the hung sessions cost exactly this much.
const FRESH_DEADLINE: Duration = Duration::from_millis(200);
/// `grove show`'s default deadline.
const GET_DEADLINE: Duration = Duration::from_secs(3);

fn main() {
    let dir = tempfile::tempdir().expect("temp GROVE_HOME");
    let store = Store::new(GroveHome::at(dir.path()));
    let hung = populate(&store);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let policy = EnrichmentPolicy { fresh_deadline: FRESH_DEADLINE, ..EnrichmentPolicy::default() };
    let new_sessions = || Sessions::new(store.clone(), probes(&store, &hung), policy.clone());

    let rows = runtime.block_on(async {
        let mut rows = Vec::new();

        let cold = measure(11, || async {
            let sessions = new_sessions();
            let start = Instant::now();
            let list = sessions.list_cached().await;
            let elapsed = start.elapsed();
            check_all(&list, |e| *e == Enrichment::Stored, "a cold read is stored data");
            elapsed
        })
        .await;
        rows.push(("list_cached, cold (disk only, refresh started)", cold));

        let sessions = new_sessions();
        let mut snapshots = sessions.snapshots();
        sessions.list_cached().await;
        tokio::time::timeout(Duration::from_secs(30), snapshots.changed()).await.expect("refresh lands").ok();
        let warm = measure(101, || async {
            let start = Instant::now();
            let list = sessions.list_cached().await;
            let elapsed = start.elapsed();
            check_all(&list, |e| !matches!(e, Enrichment::Stored), "a warm read is enriched or timed out");
            elapsed
        })
        .await;
        rows.push(("list_cached, warm (snapshot hit)", warm));
        drop(sessions);

        let fresh = measure(7, || async {
            let sessions = new_sessions();
            let start = Instant::now();
            let list = sessions.list_fresh().await;
            let elapsed = start.elapsed();
            check_fresh(&list);
            elapsed
        })
        .await;
        rows.push(("list_fresh, first contact (10 hung sessions time out)", fresh));

        let sessions = new_sessions();
        check_fresh(&sessions.list_fresh().await);
        let cooling = measure(7, || async {
            let start = Instant::now();
            let list = sessions.list_fresh().await;
            let elapsed = start.elapsed();
            check_fresh(&list);
            elapsed
        })
        .await;
        rows.push(("list_fresh, hung sessions in cooldown", cooling));

        // `get` (what `grove show` and the detail panel read): bounded by its deadline even when
        // the session's probe never answers.
        let hung_id = SessionId::new(hung[0].clone()).expect("valid id");
        let healthy_id = SessionId::new("proj1-1").expect("valid id");
        for (label, id) in [
            ("get, a healthy session (deadline 3 s)", healthy_id),
            ("get, a session whose probe hangs (deadline 3 s)", hung_id),
        ] {
            let times = measure(5, || {
                let id = id.clone();
                let sessions = new_sessions();
                async move {
                    let start = Instant::now();
                    let view = sessions.get(&id, GET_DEADLINE).await.expect("the session exists");
                    let elapsed = start.elapsed();
                    assert_eq!(view.record.id, id, "get answers for the session asked");
                    elapsed
                }
            })
            .await;
            rows.push((label, times));
        }

        let naive = measure(3, || naive_pass(&store, &hung)).await;
        rows.push(("naive: `true` per session, sequential, no deadline (hung skipped)", naive));
        rows
    });

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("enrichment benchmark: {SESSIONS} sessions, {HUNG} with hung agent probes, {cores} cores");
    println!("list_fresh per-session deadline: {FRESH_DEADLINE:?} (12 s by default)\n");
    println!("| read | runs | median | min | max |");
    println!("|---|---:|---:|---:|---:|");
    for (name, times) in &rows {
        println!(
            "| {name} | {} | {} | {} | {} |",
            times.len(),
            ms(median(times)),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
    }
    println!();
    let naive = median(&rows[rows.len() - 1].1);
    println!("naive / list_fresh (first contact): {:.1}x", naive.as_secs_f64() / median(&rows[2].1).as_secs_f64());
    println!("naive / list_fresh (in cooldown): {:.1}x", naive.as_secs_f64() / median(&rows[3].1).as_secs_f64());
}

/// Runs `f` `runs` times and returns the sorted durations.
async fn measure<F, Fut>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Duration>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        times.push(f().await);
    }
    times.sort();
    times
}

fn median(times: &[Duration]) -> Duration {
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

fn check_all(list: &SessionList, ok: impl Fn(&Enrichment) -> bool, what: &str) {
    assert_eq!(list.sessions.len(), SESSIONS, "every session must be listed");
    assert!(list.sessions.iter().all(|v| ok(&v.enrichment)), "{what}");
}

fn check_fresh(list: &SessionList) {
    assert_eq!(list.sessions.len(), SESSIONS, "every session must be listed");
    let timed_out = list.sessions.iter().filter(|v| matches!(v.enrichment, Enrichment::TimedOut { .. })).count();
    let enriched = list.sessions.iter().filter(|v| matches!(v.enrichment, Enrichment::Enriched { .. })).count();
    assert_eq!((enriched, timed_out), (SESSIONS - HUNG, HUNG), "only the hung sessions may time out");
}

/// The naive design: one probe process per session, one after another.
async fn naive_pass(store: &Store, hung: &[String]) -> Duration {
    let store = store.clone();
    let records = tokio::task::spawn_blocking(move || store.list_stored()).await.expect("list").sessions;
    let start = Instant::now();
    for record in records.iter().filter(|r| !hung.contains(&r.id.to_string())) {
        let status = tokio::process::Command::new("true").status().await.expect("spawn true");
        assert!(status.success(), "probe process for {} failed", record.id);
    }
    start.elapsed()
}

/// One `true` process per call, answering alive for every handle.
struct BatchRuntime;

impl RuntimeProbe for BatchRuntime {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        Box::pin(async move {
            let status = tokio::process::Command::new("true").kill_on_drop(true).status().await;
            match status {
                Ok(s) if s.success() => {
                    Ok(handles.iter().map(|h| (h.id.clone(), Liveness::Alive { pid: None })).collect())
                }
                Ok(s) => Err(ProbeError::Failed { probe: "true", reason: s.to_string() }),
                Err(e) => Err(ProbeError::CannotStart { probe: "true", reason: e.to_string() }),
            }
        })
    }
}

/// Reads the session's record file as its "transcript"; hangs for the sessions in `hung`.
struct FileAgent {
    home: GroveHome,
    hung: Vec<String>,
}

impl FileAgent {
    fn transcript(&self, record: &SessionRecord) -> PathBuf {
        self.home.session_file(&record.project_id, &record.id)
    }
}

impl AgentProbe for FileAgent {
    fn activity<'a>(&'a self, record: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            if self.hung.contains(&record.id.to_string()) {
                std::future::pending::<()>().await;
            }
            let bytes = tokio::fs::read(self.transcript(record))
                .await
                .map_err(|e| ProbeError::Failed { probe: "transcript", reason: e.to_string() })?;
            let activity = if bytes.is_empty() { Activity::Unknown } else { Activity::Active };
            Ok(AgentActivity {
                activity,
                source: ActivitySource::Transcript,
                last_activity_at: Some(now),
                agent_session_id: record.agent_session_id.clone(),
                error: None,
                detail: None,
                confidence: Confidence::High,
                evidence_at: Some(now),
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, record: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async move {
            let bytes = tokio::fs::read(self.transcript(record))
                .await
                .map_err(|e| ProbeError::Failed { probe: "transcript", reason: e.to_string() })?;
            Ok(AgentInfo { summary: Some(format!("{} bytes", bytes.len())), ..AgentInfo::default() })
        })
    }
}

fn probes(store: &Store, hung: &[String]) -> Probes {
    let agent: Arc<dyn AgentProbe> = Arc::new(FileAgent { home: store.home().clone(), hung: hung.to_vec() });
    Probes::new(Arc::new(move |_: &str| Some(agent.clone()))).with_runtime(RuntimeKind::Tmux, Arc::new(BatchRuntime))
}

/// Writes the records through the store; returns the ids of the hung sessions.
fn populate(store: &Store) -> Vec<String> {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().expect("valid time");
    let mut hung = Vec::new();
    for i in 0..SESSIONS {
        let p = i % PROJECTS;
        let id = SessionId::new(format!("proj{p}-{i}")).expect("valid id");
        if i % (SESSIONS / HUNG) == 0 {
            hung.push(id.to_string());
        }
        let mut lifecycle = Lifecycle::spawning(created);
        lifecycle.session.state = SessionState::Working;
        lifecycle.session.reason = SessionReason::TaskInProgress;
        lifecycle.runtime.state = RuntimeState::Alive;
        lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
        lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_string()));
        let record = SessionRecord {
            version: RECORD_VERSION,
            id: id.clone(),
            project_id: ProjectId::new(format!("proj{p}")).expect("valid project id"),
            kind: SessionKind::Worker,
            agent: "claude-code".into(),
            runtime: RuntimeKind::Tmux,
            branch: format!("session/{id}"),
            worktree: format!("/grove/worktrees/{id}").into(),
            created_at: created,
            display_name: Some(format!("Session {i}")),
            prompt: Some("Make the listing fast.".into()),
            issue: None,
            agent_session_id: Some(format!("agent-{i}")),
            lifecycle,
            pr_info: None,
            reactions: Vec::new(),
            exit: None,
            landing: None,
            extra: serde_json::Map::new(),
        };
        store.create(&record).expect("write record");
    }
    hung
}
