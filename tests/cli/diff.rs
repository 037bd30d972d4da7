//! `grove diff` (ARCHITECTURE §3.5, SPEC K1): a session's change as `--stat`, `--json` or a
//! unified diff, through the real binary; unknown ids fail on stderr with a non-zero exit.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{git_repo, grove, record_json, stderr, stdout};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@t.invalid"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Project `api` with session `api-1` on its own worktree: one committed change (`a.txt` gains a
/// line), one binary file and one untracked file.
fn session(dir: &Path) {
    let repo = git_repo(&dir.join("repo"));
    std::fs::write(repo.join("a.txt"), "one\ntwo\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "a"]);
    let wt = dir.join("wt");
    git(&repo, &["worktree", "add", "-q", "-b", "session/api-1", wt.to_str().unwrap(), "main"]);
    std::fs::write(wt.join("a.txt"), "one\ntwo\nthree\n").unwrap();
    git(&wt, &["commit", "-q", "-am", "three"]);
    std::fs::write(wt.join("pic.bin"), b"\0\x01\x02").unwrap();
    std::fs::write(wt.join("new file.txt"), "x\ny\n").unwrap();

    let config = format!("[projects.api]\npath = {:?}\ndefault_branch = \"main\"\n", repo.display().to_string());
    std::fs::write(dir.join("config.toml"), config).unwrap();
    let sessions = dir.join("home/projects/api/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let mut record: Value = serde_json::from_str(&record_json("api-1", "working", "task_in_progress")).unwrap();
    record["worktree"] = Value::String(wt.display().to_string());
    std::fs::write(sessions.join("api-1.json"), record.to_string()).unwrap();
}

#[test]
fn k1_diff_stat_lists_each_file_and_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    session(&root);
    let out = grove(&root, &["diff", "api-1", "--stat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            " a.txt        | 1 +",
            " new file.txt | 2 ++",
            " pic.bin      | Bin",
            " 3 files changed, 3 insertions(+), 0 deletions(-)",
        ],
        "{text}"
    );
}

#[test]
fn k1_diff_json_is_one_document_with_the_summary_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    session(&root);
    let out = grove(&root, &["diff", "api-1", "--stat", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(summary["scope"], "branch");
    assert_eq!(summary["ahead"], 1);
    assert_eq!(summary["uncommitted"], 2);
    assert_eq!(summary["files"].as_array().map(Vec::len), Some(3));
    assert_eq!(summary["files"][2]["binary"], true);
    assert_eq!(summary["files"][2]["additions"], Value::Null);

    let out = grove(&root, &["diff", "api-1", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let full: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let rows = &full["files"][0]["rows"];
    assert_eq!(rows[0]["kind"], "hunk");
    assert_eq!(rows.as_array().unwrap().last().unwrap()["text"], "three");

    // The turn scope has no change before the first turn end: an empty document, said on stderr.
    let out = grove(&root, &["diff", "api-1", "--stat", "--json", "--scope", "turn"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let turn: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(turn["scopeAvailable"], false);
}

#[test]
fn k1_diff_prints_a_unified_diff_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    session(&root);
    let out = grove(&root, &["diff", "api-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,3 @@\n one\n two\n+three\n"), "{text}");
    assert!(text.contains("Binary files a/pic.bin and b/pic.bin differ"), "{text}");
}

#[test]
fn diff_of_an_unknown_or_malformed_id_fails_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    session(&root);
    let out = grove(&root, &["diff", "api-9", "--stat"]);
    assert!(!out.status.success());
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("api-9"), "{}", stderr(&out));
    let out = grove(&root, &["diff", "../api-1"]);
    assert_eq!(out.status.code(), Some(2), "a malformed id is a usage error: {}", stderr(&out));
    let out = grove(&root, &["diff", "api-1", "--scope", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}
