//! Benchmark of the review (SPEC K1, issue #19) on a change of 2,000 files and 50,000 added plus
//! 50,000 deleted lines (half committed on the session's branch, half uncommitted in its
//! worktree): `diff_summary` cold (diff cache emptied; the worktree snapshot is taken every time)
//! and cached, the first page of one file's diff right after the summary (what opening the
//! review panel costs), and `grove diff --stat` as a whole process.
//!
//! Run: `cargo bench -p grove-engine --bench review_diff`. The CLI row uses `$GROVE_BIN`, else
//! `target/release/grove`, else `target/debug/grove` (named in the table), and is skipped when
//! none is built. Prints a markdown table of medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use grove_engine::config::{Config, Project, Runtime};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::Ops;
use grove_engine::review::{DiffScope, clear_cache};
use grove_engine::session::{Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, SessionKind, SessionRecord};
use grove_engine::store::Store;

const FILES: usize = 2_000;
const LINES_PER_FILE: usize = 40;
/// Lines replaced in each file: 2,000 x 25 = 50,000 added and 50,000 deleted.
const CHANGED_PER_FILE: usize = 25;
const RUNS: usize = 9;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical temp dir");
    let setup = Instant::now();
    let (repo, wt) = populate(&root);
    println!("review_diff benchmark: {FILES} files, set up in {:.1} s\n", setup.elapsed().as_secs_f64());
    let project = ProjectId::new("bench").expect("valid id");
    let id = SessionId::new("bench-1").expect("valid id");
    let home = GroveHome::at(root.join("home"));
    let store = Store::new(home.clone());
    store.create(&record(&id, &project, &wt)).expect("write the record");
    let mut config = Config::default();
    config.projects.insert(project.clone(), project_config(&project, &repo, &root));
    let ops = Ops::new(store, config);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");

    let summary = runtime.block_on(ops.diff_summary(&id, DiffScope::Branch)).expect("summary");
    assert_eq!(summary.files.len(), FILES, "every file is part of the change");
    assert_eq!(summary.additions as usize, FILES * CHANGED_PER_FILE);
    let first = summary.files[FILES / 2].path.clone();

    let mut rows = Vec::new();
    let cold = time(RUNS, || {
        clear_cache();
        runtime.block_on(ops.diff_summary(&id, DiffScope::Branch)).expect("summary");
    });
    rows.push(row("`diff_summary` cold (snapshot + diff-tree + parse)", &cold));
    let cached = time(RUNS, || {
        runtime.block_on(ops.diff_summary(&id, DiffScope::Branch)).expect("summary");
    });
    rows.push(row("`diff_summary` cached (snapshot + cache hit)", &cached));
    let page = time_after(
        RUNS,
        || {
            runtime.block_on(ops.diff_summary(&id, DiffScope::Branch)).expect("summary");
        },
        || {
            let page = runtime.block_on(ops.file_diff(&id, DiffScope::Branch, &first, 0, 200)).expect("page");
            assert!(!page.rows.is_empty());
        },
    );
    rows.push(row("first `file_diff` page (200 rows) after the summary", &page));
    match grove_binary() {
        Some(bin) => {
            std::fs::write(
                root.join("config.toml"),
                format!("[projects.bench]\npath = {:?}\n", repo.display().to_string()),
            )
            .expect("write config");
            let cli = time(RUNS, || {
                let out = Command::new(&bin)
                    .args(["diff", "bench-1", "--stat"])
                    .env("GROVE_HOME", home.root())
                    .env("GROVE_CONFIG", root.join("config.toml"))
                    .output()
                    .expect("run grove");
                assert!(out.status.success(), "grove diff failed: {}", String::from_utf8_lossy(&out.stderr));
            });
            rows.push(row(&format!("`grove diff --stat`, whole process ({})", short(&bin)), &cli));
        }
        None => rows.push("| `grove diff --stat` | skipped: no grove binary built | | | |".into()),
    }
    println!("| measurement | runs | median | min | max |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}

fn time(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    time_after(runs, || {}, &mut f)
}

/// Times `f` only, `runs` times, each after an untimed `before`.
fn time_after(runs: usize, mut before: impl FnMut(), mut f: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            before();
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn row(what: &str, times: &[Duration]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = times[times.len() / 2];
    format!(
        "| {what} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
        times.len(),
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1])
    )
}

fn short(bin: &Path) -> String {
    let parent = bin.parent().and_then(Path::file_name).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{parent} build")
}

/// `$GROVE_BIN`, else the workspace's release or debug `grove`.
fn grove_binary() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("GROVE_BIN") {
        return Some(PathBuf::from(bin));
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    ["release", "debug"].iter().map(|p| target.join(p).join("grove")).find(|p| p.is_file())
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Bench", "-c", "user.email=bench@example.invalid"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn content(file: usize, changed: bool) -> String {
    (0..LINES_PER_FILE)
        .map(|l| {
            if changed && l < CHANGED_PER_FILE {
                format!("fn f{file}_{l}() -> u32 {{ {l} + 1 }} // changed by the session\n")
            } else {
                format!("fn f{file}_{l}() -> u32 {{ {l} }}\n")
            }
        })
        .collect()
}

fn path_of(i: usize) -> String {
    format!("src/mod{:02}/file{i:04}.rs", i % 50)
}

/// The project's repository with the files on `main`, and the session's worktree with half of
/// them changed in a commit and half changed without one.
fn populate(root: &Path) -> (PathBuf, PathBuf) {
    let repo = root.join("repo");
    for i in 0..FILES {
        let path = repo.join(path_of(i));
        std::fs::create_dir_all(path.parent().unwrap()).expect("create dir");
        std::fs::write(path, content(i, false)).expect("write file");
    }
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let wt = root.join("wt");
    git(&repo, &["worktree", "add", "-q", "-b", "session/bench-1", wt.to_str().unwrap(), "main"]);
    for i in 0..FILES / 2 {
        std::fs::write(wt.join(path_of(i)), content(i, true)).expect("write file");
    }
    git(&wt, &["commit", "-q", "-am", "half"]);
    for i in FILES / 2..FILES {
        std::fs::write(wt.join(path_of(i)), content(i, true)).expect("write file");
    }
    (repo, wt)
}

fn project_config(id: &ProjectId, repo: &Path, root: &Path) -> Project {
    Project {
        id: id.clone(),
        name: "bench".into(),
        path: repo.to_owned(),
        repo: None,
        default_branch: "main".into(),
        session_prefix: "bench".into(),
        agent: "claude-code".into(),
        runtime: Runtime::Tmux,
        post_create: Vec::new(),
        agent_rules_file: None,
        mute_notifications: false,
        land: grove_engine::config::LandMethod::Squash,
        after_land: grove_engine::config::AfterLand::Keep,
        reactions: Default::default(),
        declared_in: root.join("config.toml"),
        local_file: None,
    }
}

fn record(id: &SessionId, project: &ProjectId, worktree: &Path) -> SessionRecord {
    let now = Utc::now();
    let mut lifecycle = Lifecycle::spawning(now);
    lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_string()));
    SessionRecord {
        version: RECORD_VERSION,
        id: id.clone(),
        project_id: project.clone(),
        kind: SessionKind::Worker,
        agent: "claude-code".to_owned(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: worktree.to_path_buf(),
        created_at: now,
        display_name: None,
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: Default::default(),
    }
}
