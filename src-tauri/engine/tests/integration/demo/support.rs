//! Shared helpers for the demo tests: git in temp repositories and a session worktree.

use std::path::{Path, PathBuf};
use std::process::Command;

use grove_engine::demo::ensure_demo_project;
use grove_engine::home::GroveHome;

/// Runs `git args...` in `dir`, failing the test with git's stderr if it fails; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        // Without the machine's global and system config, a test proves the repository's own
        // config is enough (identity, branch names).
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("could not run git {args:?}: {e}"));
    assert!(out.status.success(), "git {args:?} in {} failed: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Commit subjects of HEAD, newest first.
pub fn subjects(dir: &Path) -> Vec<String> {
    git(dir, &["log", "--format=%s"]).lines().map(str::to_owned).collect()
}

/// The worktree of a demo project under `home` on branch `session/<id>`, as spawn makes one.
pub struct Worktree {
    /// The worktree directory.
    pub path: PathBuf,
}

impl Worktree {
    /// Sets up the demo in `home` with a fake executable, then adds the worktree for `id`.
    pub fn new(home: &Path, id: &str) -> Self {
        let project = ensure_demo_project(&GroveHome::at(home), &home.join("bin/grove")).expect("demo setup works");
        let path = home.join("worktrees").join(id);
        let branch = format!("session/{id}");
        git(&project.repo_path, &["worktree", "add", "--quiet", "-b", &branch, &path.to_string_lossy(), "main"]);
        Self { path }
    }
}
