//! Shared helpers for the probe tests: records, scripts, a private tmux server, fixture cases.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::session::{Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, SessionKind, SessionRecord};
use serde::Deserialize;

/// Every wait in these tests is bounded by this; a probe taking longer is a failure.
pub const WAIT: Duration = Duration::from_secs(20);

/// Awaits `fut` for at most [`WAIT`], failing the test with `what` if it takes longer.
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut).await.unwrap_or_else(|_| panic!("{what} did not finish within {WAIT:?}"))
}

/// A session record for `agent` working in `worktree`, with a tmux handle named like the id.
pub fn record(id: &str, agent: &str, worktree: &Path, created_at: DateTime<Utc>) -> SessionRecord {
    let mut lifecycle = Lifecycle::spawning(created_at);
    lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_owned()));
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new(id).expect("test ids are valid"),
        project_id: ProjectId::new("proj").expect("valid project id"),
        kind: SessionKind::Worker,
        agent: agent.to_owned(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: worktree.to_path_buf(),
        created_at,
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

/// Parses an RFC 3339 instant from a fixture index.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("bad instant {text:?}: {e}")).with_timezone(&Utc)
}

/// Writes an executable shell script `name` with `body` into `dir`.
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod script");
    path
}

/// A tmux wrapper that appends a line to `<dir>/tmux-calls` for every invocation, then runs
/// the real tmux; returns the wrapper and the counter file.
pub fn counting_tmux(dir: &Path) -> (PathBuf, PathBuf) {
    let counter = dir.join("tmux-calls");
    let wrapper = script(dir, "counting-tmux", &format!("echo call >> '{}'\nexec tmux \"$@\"", counter.display()));
    (wrapper, counter)
}

/// How many times the counting wrapper ran.
pub fn calls(counter: &Path) -> usize {
    std::fs::read_to_string(counter).map(|s| s.lines().count()).unwrap_or(0)
}

/// A tmux server on a private socket, killed when dropped (never the user's default server).
pub struct TmuxServer {
    /// The socket's path (`tmux -S`), removed when dropped: tmux leaves it behind after
    /// `kill-server`.
    pub socket: PathBuf,
}

impl TmuxServer {
    /// A socket path no other test (or test run) uses; short, to fit a socket address.
    pub fn unique_socket(tag: &str) -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        PathBuf::from("/tmp").join(format!("grove-test-{tag}-{}-{n}.sock", std::process::id()))
    }

    /// Starts a server with sessions `names`, each running `command`, in one tmux invocation.
    pub fn start(tag: &str, names: &[String], command: &str) -> Self {
        let server = Self { socket: Self::unique_socket(tag) };
        let mut args: Vec<String> = vec!["-f".into(), "/dev/null".into()];
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                args.push(";".into());
            }
            args.extend(["new-session", "-d", "-s", name, command].map(String::from));
        }
        server.tmux(&args.iter().map(String::as_str).collect::<Vec<_>>());
        server
    }

    /// Runs `tmux -S <socket> args...`, failing the test if it fails.
    pub fn tmux(&self, args: &[&str]) {
        let out = Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().expect("run tmux");
        assert!(out.status.success(), "tmux {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        // The server may already be gone (a test killed it); that is fine.
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// One labelled fixture (SPEC I5): a file and what the adapter must make of it at `now`.
#[derive(Debug, Deserialize)]
pub struct Case {
    /// The fixture file, relative to the agent's fixture directory.
    pub file: String,
    /// The instant the adapter classifies at.
    pub now: String,
    /// The file's modification time, for formats without per-entry timestamps (Aider).
    pub mtime: Option<String>,
    /// The expected activity, as its wire name.
    pub activity: String,
    /// A text the reported error must contain; absent means no error may be reported.
    pub error: Option<String>,
    /// The summary `info()` must report, when given.
    pub summary: Option<String>,
    /// The token total `info()` must report, when given.
    pub tokens: Option<u64>,
    /// The cost `info()` must report, when given.
    pub cost_usd: Option<f64>,
    /// Why the case expects what it does.
    pub note: String,
}

#[derive(Debug, Deserialize)]
struct Index {
    case: Vec<Case>,
}

/// The fixture directory of `agent`.
pub fn fixture_dir(agent: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents").join(agent)
}

/// The labelled cases of `agent` from its `cases.toml`.
pub fn cases(agent: &str) -> Vec<Case> {
    let path = fixture_dir(agent).join("cases.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let index: Index = toml::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
    assert!(!index.case.is_empty(), "{} lists no cases", path.display());
    index.case
}
