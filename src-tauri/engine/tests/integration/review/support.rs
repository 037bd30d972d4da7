//! A session with a worktree for the review tests: the ops fixture's project, a worktree on
//! `session/proj-1` made with plain git, and the session's record written through the store.

use std::path::{Path, PathBuf};

use chrono::Utc;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::Ops;
use grove_engine::session::{Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, SessionKind, SessionRecord};
use grove_engine::store::Store;

pub use crate::ops::support::{Fixture, git, poll, within};

/// A project with one session whose worktree the test edits.
pub struct Session {
    pub fx: Fixture,
    pub id: SessionId,
    pub wt: PathBuf,
}

impl Session {
    /// Project `proj` with `files` committed on `main`, and session `proj-1` branched from it.
    pub fn new(files: &[(&str, &[u8])]) -> Self {
        let fx = Fixture::new();
        for (path, bytes) in files {
            write(&fx.repo, path, bytes);
        }
        git(&fx.repo, &["add", "-A"]);
        git(&fx.repo, &["commit", "-q", "-m", "base files", "--allow-empty"]);
        let wt = fx.tmp.path().canonicalize().unwrap().join("wt");
        git(&fx.repo, &["worktree", "add", "-q", "-b", "session/proj-1", wt.to_str().unwrap(), "main"]);
        let id = SessionId::new("proj-1").unwrap();
        let store = Store::new(fx.home.clone());
        store.create(&record(&id, &fx.project, &wt)).expect("write the record");
        Self { fx, id, wt }
    }

    pub fn ops(&self) -> Ops {
        self.fx.ops()
    }

    /// Writes `bytes` to `path` in the worktree.
    pub fn write(&self, path: &str, bytes: &[u8]) {
        write(&self.wt, path, bytes);
    }

    /// Runs git in the worktree.
    pub fn git(&self, args: &[&str]) -> String {
        git(&self.wt, args)
    }

    /// Commits everything in the worktree.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

/// Writes `bytes` to `dir/path`, creating directories.
pub fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

/// A record of a live tmux session `id` working in `worktree` (no tmux session exists: the review
/// never looks at the runtime).
pub fn record(id: &SessionId, project: &ProjectId, worktree: &Path) -> SessionRecord {
    let now = Utc::now();
    let mut lifecycle = Lifecycle::spawning(now);
    lifecycle.runtime.handle = Some(RuntimeHandle::new(RuntimeKind::Tmux, id.to_string()));
    SessionRecord {
        version: RECORD_VERSION,
        id: id.clone(),
        project_id: project.clone(),
        kind: SessionKind::Worker,
        agent: "echo".to_owned(),
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

/// `n` numbered lines.
pub fn lines(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}
