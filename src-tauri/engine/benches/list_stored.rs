//! Benchmark of `list_stored` over 1 000, 10 000 and 100 000 records of about 2 KB each.
//!
//! Run: `cargo bench -p grove-engine --bench list_stored`. Prints a markdown table of medians and
//! per-record cost, and the peak RSS after the 10 000 case. The files are written directly (no
//! fsync) because only reading is measured; the page cache is warm, as it is for a running app
//! that lists repeatedly.
//!
//! With a `grove` binary built (`$GROVE_BIN`, else the workspace's release or debug one), it also
//! times the whole process of `grove ls --stored --json` over the 10 000 records (issue #20: start,
//! read, resolve and write the JSON to a pipe).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::session::{
    Lifecycle, PrReason, PrState, RECORD_VERSION, RuntimeHandle, RuntimeKind, RuntimeReason, RuntimeState, SessionKind,
    SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::list_stored;

/// Records are spread over this many projects, as a user with several repositories would have.
const PROJECTS: usize = 10;
/// Size of the prompt text; with the other fields it makes a record of about 2 KB.
const PROMPT_BYTES: usize = 900;

fn main() {
    let cases: [(usize, usize); 3] = [(1_000, 15), (10_000, 9), (100_000, 5)];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("list_stored benchmark ({cores} cores available)\n");
    let mut rows = Vec::new();
    for (count, runs) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let bytes = populate(dir.path(), count);
        let home = GroveHome::at(dir.path());
        // One untimed run warms the page cache and the allocator.
        check(&list_stored(&home), count);
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let listed = list_stored(&home);
                let elapsed = start.elapsed();
                check(&listed, count);
                elapsed
            })
            .collect();
        times.sort();
        let median = times[runs / 2];
        rows.push(format!(
            "| {count} | {:.0} B | {runs} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} µs |",
            bytes as f64 / count as f64,
            median.as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[runs - 1].as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e6 / count as f64,
        ));
        if count == 10_000 {
            rows.push(format!("| (peak RSS after the 10 000 case: {}) | | | | | | |", peak_rss()));
            rows.push(whole_process(dir.path(), count));
        }
    }
    println!("| records | avg size | runs | median | min | max | per record (median) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}

/// `grove ls --stored --json` over the records under `root`, whole process, as a table row.
fn whole_process(root: &Path, count: usize) -> String {
    let Some(bin) = grove_binary() else {
        return "| `grove ls --stored --json`, whole process: skipped, no grove binary built | | | | | | |".into();
    };
    let run = || {
        let start = Instant::now();
        let out = Command::new(&bin)
            .args(["ls", "--stored", "--json"])
            .env("GROVE_HOME", root)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run grove");
        let took = start.elapsed();
        assert!(out.status.success(), "grove ls --stored --json failed");
        (took, out.stdout.len())
    };
    // Untimed: warms the page cache for the binary.
    let (_, bytes) = run();
    let runs = 15;
    let mut times: Vec<Duration> = (0..runs).map(|_| run().0).collect();
    times.sort();
    let build = bin.parent().and_then(Path::file_name).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    format!(
        "| {count}: `grove ls --stored --json`, whole process ({build} build) | {} KiB of JSON | {runs} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} µs |",
        bytes / 1024,
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
        times[runs / 2].as_secs_f64() * 1e6 / count as f64,
    )
}

/// `$GROVE_BIN`, else the workspace's release or debug `grove` (the command line).
fn grove_binary() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("GROVE_BIN") {
        return Some(PathBuf::from(bin));
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    ["release", "debug"].iter().map(|p| target.join(p).join("grove")).find(|p| p.is_file())
}

fn check(listed: &grove_engine::store::StoredSessions, count: usize) {
    assert!(listed.warnings.is_empty(), "unexpected warnings: {:?}", &listed.warnings[..1]);
    assert_eq!(listed.sessions.len(), count, "every record must be listed");
}

/// Writes `count` records under `root` and returns their total size in bytes.
fn populate(root: &Path, count: usize) -> usize {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().expect("valid time");
    let prompt: String = "Refactor the session store so that listing stays fast. ".repeat(PROMPT_BYTES / 55 + 1);
    let mut total = 0;
    for p in 0..PROJECTS {
        std::fs::create_dir_all(root.join(format!("projects/proj{p}/sessions"))).expect("create sessions dir");
    }
    for i in 0..count {
        let p = i % PROJECTS;
        let project = ProjectId::new(format!("proj{p}")).expect("valid project id");
        let id = SessionId::new(format!("proj{p}-{i}")).expect("valid session id");
        let mut lifecycle = Lifecycle::spawning(created);
        lifecycle.session.state = SessionState::Working;
        lifecycle.session.reason = SessionReason::PrCreated;
        lifecycle.session.started_at = Some(created);
        lifecycle.pr.state = PrState::Open;
        lifecycle.pr.reason = PrReason::ReviewPending;
        lifecycle.pr.number = Some(1000 + i as u32);
        lifecycle.pr.url = Some(format!("https://github.com/acme/proj{p}/pull/{}", 1000 + i));
        lifecycle.runtime.state = RuntimeState::Alive;
        lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
        lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_string()));
        let mut extra = serde_json::Map::new();
        extra.insert(
            "prEnrichment".into(),
            serde_json::json!({"title": "Make listing fast", "additions": 120, "deletions": 30,
                               "ciChecks": [{"name": "test", "status": "passed"}, {"name": "lint", "status": "passed"}]}),
        );
        let record = SessionRecord {
            version: RECORD_VERSION,
            id: id.clone(),
            project_id: project.clone(),
            kind: SessionKind::Worker,
            agent: "claude-code".into(),
            runtime: RuntimeKind::Tmux,
            branch: format!("session/{id}"),
            worktree: root.join(format!("projects/{project}/worktrees/{id}")),
            created_at: created,
            display_name: Some("Make listing fast".into()),
            prompt: Some(prompt[..PROMPT_BYTES].to_owned()),
            issue: None,
            agent_session_id: Some(format!("5f0c6a52-9d7e-4d7b-a1f2-{i:012}")),
            lifecycle,
            pr_info: None,
            reactions: Vec::new(),
            exit: None,
            landing: None,
            extra,
        };
        let mut bytes = serde_json::to_vec_pretty(&record).expect("encode record");
        bytes.push(b'\n');
        total += bytes.len();
        std::fs::write(root.join(format!("projects/{project}/sessions/{id}.json")), bytes).expect("write record");
    }
    total
}

/// Peak resident set size of this process (VmHWM), or a note when it cannot be read.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l["VmHWM:".len()..].trim().to_owned()))
        .unwrap_or_else(|| "unavailable (no /proc)".into())
}
