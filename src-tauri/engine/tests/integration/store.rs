//! Store integration tests (SPEC §B). Every test works in its own temp `GROVE_HOME`. Tests that
//! need several processes re-run this test binary with `--exact <test>` and `GROVE_TEST_CHILD`
//! set, which makes that test's body act as the child.

mod files;
mod locks;
mod processes;

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::session::{Lifecycle, RECORD_VERSION, RuntimeKind, SessionKind, SessionRecord};
use grove_engine::store::Store;
use tempfile::TempDir;

/// Set in a child process to the role it plays; unset in the parent.
const CHILD_ENV: &str = "GROVE_TEST_CHILD";

/// A fresh home in a temp dir and a store over it.
fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("create temp GROVE_HOME");
    let store = Store::new(GroveHome::at(dir.path()));
    (dir, store)
}

fn project(id: &str) -> ProjectId {
    ProjectId::new(id).expect("test project ids are valid")
}

fn session(id: &str) -> SessionId {
    SessionId::new(id).expect("test session ids are valid")
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).expect("test timestamps are valid").with_timezone(&Utc)
}

/// A plausible record for `project`/`id`.
fn record(project_id: &str, id: &str) -> SessionRecord {
    SessionRecord {
        version: RECORD_VERSION,
        id: session(id),
        project_id: project(project_id),
        kind: SessionKind::Worker,
        agent: "shell".into(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: format!("/grove/projects/{project_id}/worktrees/{id}").into(),
        created_at: at("2025-01-02T03:04:05Z"),
        display_name: Some(format!("Session {id}")),
        prompt: Some("Do the thing".into()),
        issue: None,
        agent_session_id: None,
        lifecycle: Lifecycle::spawning(at("2025-01-02T03:04:05Z")),
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// The role this process plays, if it is a child.
fn child_role() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

/// The harness name of test function `name` in module `module` (`module_path!()` of the caller):
/// the module path without the crate name.
fn test_name(module: &str, name: &str) -> String {
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    format!("{module}::{name}")
}

/// Re-runs this test binary so that only `test` runs, acting as a child with `role`.
fn spawn_child(test: &str, role: &str) -> Child {
    Command::new(std::env::current_exe().expect("path of the test binary"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, role)
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start child for {test}: {e}"))
}

/// Waits for `child` to exit, killing it and failing the test if it takes longer than `timeout`.
fn wait_child(child: &mut Child, timeout: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait().expect("try_wait on a child") {
            Some(status) => return status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} (pid {}) did not finish within {timeout:?}", child.id());
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Polls `condition` until it holds, failing the test after `timeout`.
fn wait_until(timeout: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// File names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
