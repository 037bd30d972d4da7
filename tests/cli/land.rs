//! `grove land` and `grove reclaim` end to end (SPEC K4, K6, K7; ARCHITECTURE §3.5) with a real
//! git repository and real tmux on Grove's own socket: what landed on stdout, refusals on stderr
//! with exit 1 (conflicting files one per line), one JSON document with `--json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use grove_engine::home::GroveHome;
use serde_json::Value;

use crate::support::{grove, stderr, stdout};

/// A temp dir with project `api` (a repository with a committer identity) using the echo
/// agent, and Grove's tmux server of its home, killed when the test ends.
struct Bench {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Bench {
    fn new(after_land: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.name", "Test"]);
        git(&repo, &["config", "user.email", "test@example.invalid"]);
        std::fs::write(repo.join("README.md"), "hello\n").unwrap();
        git(&repo, &["add", "README.md"]);
        git(&repo, &["commit", "-q", "-m", "first"]);
        let config = format!(
            "[agents.echo]\ncommand = \"sh\"\nargs = [\"-c\", \"echo ready; exec cat\"]\n\n\
             [projects.api]\npath = \"repo\"\nagent = \"echo\"\nafter_land = \"{after_land}\"\n"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let socket = GroveHome::at(dir.path().join("home")).tmux_socket();
        Self { dir, socket }
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// `grove spawn` with `prompt`; returns the id and the worktree.
    fn spawn(&self, prompt: &str) -> (String, PathBuf) {
        let out = grove(self.dir.path(), &["spawn", "--project", "api", "--prompt", prompt, "--json"]);
        assert!(out.status.success(), "spawn: {}", stderr(&out));
        let record: Value = serde_json::from_slice(&out.stdout).expect("spawn --json prints the record");
        let id = record["id"].as_str().expect("an id").to_owned();
        (id, PathBuf::from(record["worktree"].as_str().expect("a worktree")))
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn commit(dir: &Path, file: &str, content: &str, subject: &str) {
    std::fs::write(dir.join(file), content).unwrap();
    git(dir, &["add", "--", file]);
    git(dir, &["commit", "-q", "-m", subject]);
}

#[test]
fn k4_land_refuses_uncommitted_work_then_lands_it_with_commit_and_reclaim_frees_the_worktree() {
    let bench = Bench::new("keep");
    let (id, worktree) = bench.spawn("Add alpha");
    commit(&worktree, "alpha.txt", "alpha\n", "Add alpha");
    std::fs::write(worktree.join("notes.txt"), "untracked\n").unwrap();
    let main_before = git(&bench.repo(), &["rev-parse", "main"]);

    let refused = grove(bench.dir.path(), &["land", &id]);
    assert_eq!(refused.status.code(), Some(1), "a refusal exits 1: {}", stdout(&refused));
    let err = stderr(&refused);
    assert!(err.contains("uncommitted: the session's worktree has 1 uncommitted"), "{err}");
    assert!(stdout(&refused).is_empty(), "nothing on stdout: {}", stdout(&refused));
    assert_eq!(git(&bench.repo(), &["rev-parse", "main"]), main_before, "nothing landed");

    let landed = grove(bench.dir.path(), &["land", &id, "--squash", "--commit"]);
    assert!(landed.status.success(), "land --commit: {}", stderr(&landed));
    let new = git(&bench.repo(), &["rev-parse", "main"]);
    let text = stdout(&landed);
    assert!(text.contains(&format!("landed {id} in main by squash: {new}")), "{text}");
    assert!(text.contains("cleanup: agent and worktree kept"), "{text}");
    assert_eq!(std::fs::read_to_string(bench.repo().join("notes.txt")).unwrap(), "untracked\n");

    let show = grove(bench.dir.path(), &["show", &id, "--json"]);
    assert!(stdout(&show).contains("landed"), "grove show reads landed: {}", stdout(&show));

    let reclaimed = grove(bench.dir.path(), &["reclaim", &id]);
    assert!(reclaimed.status.success(), "reclaim: {}", stderr(&reclaimed));
    assert!(stdout(&reclaimed).starts_with(&format!("reclaimed {id}: worktree removed")), "{}", stdout(&reclaimed));
    assert!(!worktree.exists());
}

#[test]
fn k4_land_lists_conflicts_one_per_line_and_json_prints_the_outcome() {
    let bench = Bench::new("clean");
    let (conflicting, worktree) = bench.spawn("Change the README");
    commit(&worktree, "README.md", "theirs\n", "Change README");
    std::fs::create_dir_all(worktree.join("docs")).unwrap();
    commit(&worktree, "docs/x.md", "theirs\n", "Add docs");
    let (clean, clean_worktree) = bench.spawn("Add beta");
    commit(&clean_worktree, "beta.txt", "beta\n", "Add beta");
    std::fs::create_dir_all(bench.repo().join("docs")).unwrap();
    commit(&bench.repo(), "README.md", "ours\n", "Change README on main");
    commit(&bench.repo(), "docs/x.md", "ours\n", "Add docs on main");
    let main_before = git(&bench.repo(), &["rev-parse", "main"]);

    let refused = grove(bench.dir.path(), &["land", &conflicting, "--merge"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("conflicts with `main` in 2 file(s):\nREADME.md\ndocs/x.md"), "{err}");
    assert_eq!(git(&bench.repo(), &["rev-parse", "main"]), main_before);

    let out = grove(bench.dir.path(), &["land", &clean, "--rebase", "--json"]);
    assert!(out.status.success(), "land --json: {}", stderr(&out));
    let outcome: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(outcome["method"], "rebase");
    assert_eq!(outcome["base"], "main");
    assert_eq!(outcome["commit"], git(&bench.repo(), &["rev-parse", "main"]));
    assert_eq!(outcome["cleanup"], "cleaned", "{outcome}");
    assert_eq!(outcome["cleanupNote"], Value::Null);
    assert_eq!(outcome["prUrl"], Value::Null);
    assert!(!clean_worktree.exists(), "after_land = clean removed the clean worktree");
}
