//! Shared helpers: a fixture whose repository has a committer identity, a spawned session with
//! commits in its worktree, and snapshots of refs and `git status` to prove nothing was touched.

use std::path::{Path, PathBuf};

use grove_engine::config::{AfterLand, LandMethod};
use grove_engine::land::LandRefusal;
use grove_engine::ops::{Cause, OpError, Ops};
use grove_engine::session::SessionRecord;

pub use crate::ops::support::{ECHO_AGENT, Fixture, git, within};

/// A fixture with `after_land` set and a committer identity in the repository (landing makes
/// commits as the user, and a test machine may have no global identity).
pub fn fixture(after: AfterLand) -> Fixture {
    let mut fx = Fixture::new();
    git(&fx.repo, &["config", "user.name", "Test"]);
    git(&fx.repo, &["config", "user.email", "test@example.invalid"]);
    let project = fx.config.projects.get_mut(&fx.project).expect("the fixture's project");
    project.after_land = after;
    project.land = LandMethod::Squash;
    fx
}

/// Spawns a session with `prompt` and makes `commits` in its worktree: (file, content, subject).
pub async fn session_with(fx: &Fixture, ops: &Ops, prompt: &str, commits: &[(&str, &str, &str)]) -> SessionRecord {
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, prompt))).await.expect("spawn");
    for (file, content, subject) in commits {
        commit(&record.worktree, file, content, subject);
    }
    record
}

/// Writes `file` in `dir` and commits it with `subject`.
pub fn commit(dir: &Path, file: &str, content: &str, subject: &str) {
    let path = dir.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, content).unwrap();
    git(dir, &["add", "--", file]);
    git(dir, &["commit", "-q", "-m", subject]);
}

/// The commit `rev` names in `dir`.
pub fn rev(dir: &Path, rev: &str) -> String {
    git(dir, &["rev-parse", rev])
}

/// Everything a refused land must leave as it was: the base and branch refs, and `git status`
/// of the base checkout and of the session's worktree.
pub fn snapshot(fx: &Fixture, record: &SessionRecord) -> Vec<String> {
    vec![
        rev(&fx.repo, "refs/heads/main"),
        rev(&fx.repo, &format!("refs/heads/{}", record.branch)),
        git(&fx.repo, &["status", "--porcelain", "--untracked-files=all"]),
        git(&record.worktree, &["status", "--porcelain", "--untracked-files=all"]),
    ]
}

/// The refusal inside a land error, failing the test if it is something else.
pub fn refusal(err: &OpError) -> &LandRefusal {
    match &err.cause {
        Cause::Land(refusal) => refusal,
        other => panic!("expected a land refusal, got {other:?} ({err})"),
    }
}

/// The record as stored now.
pub fn stored(fx: &Fixture, ops: &Ops, record: &SessionRecord) -> SessionRecord {
    let _ = fx;
    ops.store().find(&record.id).expect("the record is kept")
}

/// The fake `gh` of the repository's test fixtures.
pub fn fake_gh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bin/gh")
}

/// One commit: `a.txt` with "alpha", subject "Add alpha".
pub const COMMITS_ONE: &[(&str, &str, &str)] = &[("a.txt", "alpha\n", "Add alpha")];
