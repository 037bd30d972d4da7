//! Probes that hang, crash or print garbage (SPEC D2, D4, D6, D11, E3). A hung probe is shown
//! after its deadline and cancelled; a crashing or garbage-printing tmux is a failed probe, never
//! evidence that a session died; no record changes on disk; the dashboard keeps every session.

use std::sync::Arc;
use std::time::{Duration, Instant as StdInstant};

use grove_engine::feed::FeedOptions;
use grove_engine::manager::{DETAIL_DEADLINE, Enrichment, EnrichmentPolicy, FRESH_DEADLINE, Probes, TIMEOUT_COOLDOWN};
use grove_engine::probe::agents::{PaneBatcher, TailReader, TmuxPanes};
use grove_engine::probe::{AgentAdapters, AgentDirs, TmuxLastOutput, TmuxProbe};
use grove_engine::session::{DisplayStatus, RuntimeKind, RuntimeState};
use tokio::time::Instant;

use super::support::{
    App, Behaviour, FakeRuntime, Model, WAIT, fake_probes, live_record, poll, process_running, record_bytes, script,
    session, within, worktree_with_work, write_records,
};

/// Far beyond any timer involved; in paused time it costs nothing.
const LONG: Duration = Duration::from_secs(600);

fn timed_out(model: &Model, id: &str) -> bool {
    model.get("api", id).is_some_and(|s| matches!(s.view.enrichment, Enrichment::TimedOut { .. }))
}

/// Ten tmux sessions whose runtime probe never returns (a wedged tmux server) and two process
/// sessions whose probe answers, in tokio's paused time. The store watcher is off: the OS
/// delivers its events in real time, which a paused clock would race; nothing here writes.
#[tokio::test(start_paused = true)]
async fn ten_hung_probes_never_freeze_the_dashboard_are_cancelled_at_their_deadline_and_change_no_record() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tmux = FakeRuntime::new(Behaviour::Hang);
    let process = FakeRuntime::new(Behaviour::Answer);
    let store = grove_engine::store::Store::new(grove_engine::home::GroveHome::at(&home));
    let mut records = Vec::new();
    for n in 1..=12 {
        let id = format!("api-{n}");
        let worktree = worktree_with_work(&home.join("projects/api"), &id);
        let (kind, handle) =
            if n <= 10 { (RuntimeKind::Tmux, id.clone()) } else { (RuntimeKind::Process, format!("{n}")) };
        records.push(live_record("api", &id, &worktree, kind, &handle));
    }
    let before = write_records(&store, &records);
    let options = FeedOptions { watch_store: false, ..FeedOptions::default() };
    let probes = fake_probes(tmux.clone(), process.clone());
    let start = Instant::now();
    let app = App::start(&home, &dir.path().join("config.toml"), probes, EnrichmentPolicy::default(), options).await;

    let mut viewer = app.viewer();
    viewer.until("the first snapshot", LONG, |m| m.seq.is_some()).await;
    assert_eq!(start.elapsed(), Duration::ZERO, "the dashboard's first snapshot must not wait for any probe");
    assert_eq!(viewer.model.sessions.len(), 12, "every session is shown from disk at once");
    let listed = app.sessions.list_cached().await;
    assert_eq!(start.elapsed(), Duration::ZERO, "SPEC D6: list_cached never waits for a probe");
    assert_eq!(listed.sessions.len(), 12);

    let view = app.sessions.get(&session("api-1"), DETAIL_DEADLINE).await.expect("api-1 exists");
    let detail = start.elapsed();
    assert_eq!(detail, DETAIL_DEADLINE, "SPEC D2: the detail read returns at its 3 s deadline");
    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "{:?}", view.enrichment);
    assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::ProbeFailed, "shown as probe_failed, in the view");

    let hung = |m: &Model| (1..=10).all(|n| timed_out(m, &format!("api-{n}")));
    viewer.until("the hung sessions shown as timed out", LONG, hung).await;
    let shown = start.elapsed();
    assert!(
        shown >= FRESH_DEADLINE && shown <= FRESH_DEADLINE + Duration::from_millis(100),
        "the pass ends at its 12 s deadline and the feed publishes it within its coalescing window: {shown:?}"
    );
    for n in 11..=12 {
        assert!(viewer.model.enriched("api", &format!("api-{n}")), "api-{n}'s probe answered: it is enriched");
    }
    for s in viewer.model.sessions.values() {
        assert_eq!(s.status, DisplayStatus::Working, "{}: a hung probe is no evidence of death", s.view.record.id);
    }
    assert!(tmux.cancelled() >= 1, "SPEC D2: the hung probe is dropped (its children killed) at the deadline");
    for (id, bytes) in &before {
        assert_eq!(record_bytes(&app.store, "api", id).as_ref(), Some(bytes), "{id}'s record must not change");
    }

    // SPEC D4: during the cooldown every read path answers at once from disk.
    let cooling = Instant::now();
    let fresh = app.sessions.list_fresh().await;
    assert_eq!(cooling.elapsed(), Duration::ZERO, "list_fresh must not wait for cooling sessions");
    let tmux_views = fresh.sessions.iter().filter(|v| v.record.runtime == RuntimeKind::Tmux);
    assert!(tmux_views.clone().count() == 10, "all ten hung sessions are listed");
    for view in tmux_views {
        assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "{}: {:?}", view.record.id, view.enrichment);
    }

    // tmux answers again: the dashboard recovers on its own.
    tmux.behave(Behaviour::Answer);
    let fixed = Instant::now();
    viewer
        .until("every session enriched again", LONG, |m| (1..=12).all(|n| m.enriched("api", &format!("api-{n}"))))
        .await;
    let recovered = fixed.elapsed();
    assert!(recovered >= TIMEOUT_COOLDOWN, "no probe during the 15 s cooldown: recovered after {recovered:?}");
    println!(
        "faults: 10 hung probes: snapshot and list_cached in 0 s, get in {detail:?}, timed out shown at {shown:?}, \
         list_fresh during cooldown in 0 s, recovered {recovered:?} after tmux answered again"
    );
}

/// A tmux stand-in the test rewrites between runs, and the probes `Probes::live` builds, with
/// that program in place of tmux for every probe (liveness, output age, pane capture).
fn probes_over(program: &std::path::Path, home: &std::path::Path) -> Probes {
    let socket = "grove-faults-nonexistent";
    let tail = Arc::new(TailReader::default());
    let panes = Arc::new(PaneBatcher::new(Arc::new(TmuxPanes::new(socket).with_program(program))));
    let output = Arc::new(TmuxLastOutput::new(socket).with_program(program));
    let grove_home = grove_engine::home::GroveHome::at(home);
    let adapters = Arc::new(AgentAdapters::new(&AgentDirs::under_home(home), output, tail.clone()).layered(
        &grove_home,
        tail,
        panes,
    ));
    Probes::new(Arc::new(move |agent: &str| Some(adapters.adapter_for(agent))))
        .with_runtime(RuntimeKind::Tmux, Arc::new(TmuxProbe::new(socket).with_program(program)))
}

/// The faulty tmux programs: what they do, their script, and a text the error they cause names.
const FAULTY: [(&str, &str, &str); 5] = [
    ("crashes", "ulimit -c 0\nkill -SEGV $$", "signal"),
    ("prints garbage", "echo 'Segmentation fault at 0xdeadbeef'; echo '%%%% 12 zz'", "list-panes line"),
    ("prints binary garbage", "head -c 3000 /dev/urandom", "UTF-8"),
    ("prints without end", "exec yes 'garbage garbage garbage'", "printed more than"),
    ("fails with a strange error", "echo 'lost server' >&2; exit 1", "lost server"),
];

/// Every session shows a failed probe whose error names `marker`, `probe_failed` in the view, and
/// its stored status.
fn all_failed(model: &Model, ids: &[String], marker: &str) -> bool {
    ids.iter().all(|id| {
        model.get("api", id).is_some_and(|s| {
            matches!(&s.view.enrichment, Enrichment::Failed { error, .. } if error.contains(marker))
                && s.view.record.lifecycle.runtime.state == RuntimeState::ProbeFailed
                && s.status == DisplayStatus::Working
        })
    })
}

/// The probes the app uses, with tmux replaced by a program that crashes, prints garbage (text,
/// binary, endless) or fails oddly, one after another while the app runs: each time every
/// session shows a failed probe and keeps its stored status, no record changes, and the read
/// paths answer promptly. Then tmux answers properly and the sessions are enriched again. The
/// cadence of retries is shortened (0.1 s instead of 2-15 s) so each fault is seen quickly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tmux_that_crashes_or_prints_garbage_is_a_failed_probe_never_a_dead_session() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tools = dir.path().join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    let store = grove_engine::store::Store::new(grove_engine::home::GroveHome::at(&home));
    let ids: Vec<String> = (1..=3).map(|n| format!("api-{n}")).collect();
    let records: Vec<_> = ids
        .iter()
        .map(|id| {
            let worktree = worktree_with_work(&home.join("projects/api"), id);
            let mut record = live_record("api", id, &worktree, RuntimeKind::Tmux, id);
            record.agent = "shell".into();
            record
        })
        .collect();
    let before = write_records(&store, &records);
    let tmux = script(&tools, "tmux", FAULTY[0].1);
    let policy = EnrichmentPolicy {
        refresh_backoff: vec![Duration::from_millis(100); 3],
        cache_fresh_for: Duration::from_millis(100),
        ..EnrichmentPolicy::default()
    };
    let options =
        FeedOptions { reconcile_every: Duration::from_millis(200), pass_gap: Duration::ZERO, ..FeedOptions::default() };
    let app = App::start(&home, &dir.path().join("config.toml"), probes_over(&tmux, &home), policy, options).await;
    let mut viewer = app.viewer();

    for (what, body, marker) in FAULTY {
        script(&tools, "tmux", body);
        let started = StdInstant::now();
        let fresh = within("list_fresh", app.sessions.list_fresh()).await;
        let answered = started.elapsed();
        assert!(answered < FRESH_DEADLINE / 4, "a tmux that {what}: list_fresh waited for a deadline: {answered:?}");
        for view in &fresh.sessions {
            match &view.enrichment {
                Enrichment::Failed { error, .. } => {
                    assert!(error.contains(marker), "a tmux that {what}: the error says why: {error}")
                }
                other => panic!("a tmux that {what}: {} must show a failed probe, got {other:?}", view.record.id),
            }
        }
        let shown = StdInstant::now();
        viewer.until(&format!("failed probes shown (a tmux that {what})"), WAIT, |m| all_failed(m, &ids, marker)).await;
        let shown = shown.elapsed();
        for (id, bytes) in &before {
            assert_eq!(record_bytes(&app.store, "api", id).as_ref(), Some(bytes), "a tmux that {what}: {id} changed");
        }
        println!(
            "faults: a tmux that {what}: list_fresh answered in {answered:?}, the dashboard showed it in {shown:?}"
        );
    }

    // tmux works again: every session alive, and its window shows recent output.
    let healthy = "case \" $* \" in\n\
         *' list-panes '*) printf 'api-1 7001 0\\napi-2 7002 0\\napi-3 7003 0\\n' ;;\n\
         *' display-message '*) for a; do case $a in =*) t=${a#=}; t=${t%:} ;; esac; done; echo \"$t $(date +%s)\" ;;\n\
         esac";
    script(&tools, "tmux", healthy);
    viewer.until("every session enriched again", WAIT, |m| ids.iter().all(|id| m.enriched("api", id))).await;
}

/// A real tmux stand-in that never answers and has a child of its own: the deadline cancels it,
/// the read returns stored data on time, and both processes are killed (SPEC D2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_tmux_program_is_killed_with_its_child_at_the_deadline_and_the_session_kept() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tools = dir.path().join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    let store = grove_engine::store::Store::new(grove_engine::home::GroveHome::at(&home));
    let worktree = worktree_with_work(&home.join("projects/api"), "api-1");
    let record = live_record("api", "api-1", &worktree, RuntimeKind::Tmux, "api-1");
    let before = write_records(&store, std::slice::from_ref(&record));
    let pids = tools.join("pids");
    let hanging =
        script(&tools, "tmux", &format!("sleep 600 &\necho $! >> '{0}'\necho $$ >> '{0}'\nwait", pids.display()));
    // No agent adapter: only the runtime probe runs the program.
    let probes = Probes::new(Arc::new(|_: &str| None))
        .with_runtime(RuntimeKind::Tmux, Arc::new(TmuxProbe::new("grove-faults-nonexistent").with_program(&hanging)));
    let options = FeedOptions { watch_store: false, ..FeedOptions::default() };
    let app = App::start(&home, &dir.path().join("config.toml"), probes, EnrichmentPolicy::default(), options).await;

    let deadline = Duration::from_millis(500);
    let started = StdInstant::now();
    let view = within("get", app.sessions.get(&session("api-1"), deadline)).await.expect("api-1 exists");
    let took = started.elapsed();
    assert!(took < deadline + Duration::from_secs(1), "get must return at its deadline, took {took:?}");
    assert!(matches!(view.enrichment, Enrichment::TimedOut { .. }), "{:?}", view.enrichment);
    assert_eq!(view.record.lifecycle.session, record.lifecycle.session, "the stored session part is shown");
    assert_eq!(record_bytes(&app.store, "api", "api-1").as_ref(), before.get("api-1"), "the record is unchanged");

    // The flight's own deadline is the background pass's 12 s; dropping the app cancels it.
    drop(app);
    let text = poll("the hung program to write its pids", || {
        std::fs::read_to_string(&pids).ok().filter(|t| t.lines().count() >= 2)
    })
    .await;
    let pids: Vec<u32> = text.lines().map(|l| l.trim().parse().expect("a pid")).collect();
    poll("the hung tmux and its child to be killed", || pids.iter().all(|p| !process_running(*p)).then_some(())).await;
    println!(
        "faults: a hung tmux program: get returned in {took:?} with a {deadline:?} deadline; both processes killed"
    );
}
