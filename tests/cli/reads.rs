//! `grove ls` and `grove show`: the read paths as scripts see them (SPEC B3, D2, D6).

use std::process::Command;

use serde_json::Value;

use crate::support::{grove, process_running, record_json, stderr, stdout};

#[test]
fn ls_stored_lists_good_records_and_quarantines_a_corrupt_one() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("home/projects/api/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(sessions.join("api-1.json"), record_json("api-1", "working", "task_in_progress")).unwrap();
    std::fs::write(sessions.join("api-2.json"), record_json("api-2", "needs_input", "awaiting_user_input")).unwrap();
    let corrupt = b"{\"version\": 1, \"id\": \"api-3\", \"projectId\": ";
    std::fs::write(sessions.join("api-3.json"), corrupt).unwrap();

    let out = grove(dir.path(), &["ls", "--stored"]);
    assert!(out.status.success(), "one bad record must not fail the listing: {}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("ATTENTION"), "table header, got {table}");
    assert!(lines.iter().any(|l| l.starts_with("api-1") && l.contains("working")), "api-1 listed as working: {table}");
    assert!(lines.iter().any(|l| l.starts_with("api-2") && l.contains("respond")), "api-2 needs a response: {table}");
    assert!(!table.contains("api-3"), "the corrupt record is not a session: {table}");
    let warning = stderr(&out);
    assert!(warning.contains("warning:") && warning.contains("api-3.json"), "the bad file is named: {warning}");

    let quarantined: Vec<_> = std::fs::read_dir(&sessions)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("api-3.json.corrupt-"))
        .collect();
    assert_eq!(quarantined.len(), 1, "exactly one quarantine file for api-3");
    assert_eq!(std::fs::read(quarantined[0].path()).unwrap(), corrupt, "the bytes are kept, never deleted");

    let again = grove(dir.path(), &["ls", "--stored", "--json"]);
    let listing: Value = serde_json::from_slice(&again.stdout).expect("--json prints one document");
    assert_eq!(listing["sessions"].as_array().map(Vec::len), Some(2), "{listing}");
    assert_eq!(listing["sessions"][0]["enrichment"]["kind"], "stored", "{listing}");
    assert_eq!(listing["sessions"][1]["attention"], "respond", "{listing}");
    assert_eq!(listing["warnings"].as_array().map(Vec::len), Some(0), "a quarantined file is reported once: {listing}");
}

/// SPEC A2a: `grove ls` says what the dashboard says. A session whose runtime was lost is crashed
/// and needs you (it used to list as killed and done), with the exit in its reason; a session
/// someone killed is killed and done. `--json` keeps `status` and `attention` beside `resolved`.
#[test]
fn ls_shows_a_lost_runtime_as_crashed_and_a_kill_as_killed() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("home/projects/api/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let mut crashed: Value = serde_json::from_str(&record_json("api-1", "terminated", "runtime_lost")).unwrap();
    crashed["exit"] =
        serde_json::json!({"status": 1, "signal": null, "lastLines": ["Error: boom"], "at": "2026-01-02T04:00:00Z"});
    std::fs::write(sessions.join("api-1.json"), crashed.to_string()).unwrap();
    std::fs::write(sessions.join("api-2.json"), record_json("api-2", "terminated", "manually_killed")).unwrap();

    let out = grove(dir.path(), &["ls", "--stored", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing: Value = serde_json::from_slice(&out.stdout).expect("--json prints one document");
    let api_1 = &listing["sessions"][0];
    assert_eq!((api_1["status"].as_str(), api_1["attention"].as_str()), (Some("crashed"), Some("respond")), "{api_1}");
    let resolved = &api_1["resolved"];
    assert_eq!(resolved["state"], "crashed", "{resolved}");
    assert_eq!(resolved["group"], "respond", "{resolved}");
    assert_eq!(resolved["action"], "restore", "{resolved}");
    assert_eq!(resolved["reason"], "exited unexpectedly (exit 1): Error: boom", "{resolved}");
    let api_2 = &listing["sessions"][1];
    assert_eq!((api_2["status"].as_str(), api_2["resolved"]["attention"].as_str()), (Some("killed"), Some("done")));

    let table = stdout(&grove(dir.path(), &["ls", "--stored"]));
    let row = table.lines().find(|l| l.starts_with("api-1")).unwrap_or_else(|| panic!("api-1 listed: {table}"));
    assert!(row.contains("crashed") && row.contains("respond"), "the STATUS column is the resolved state: {table}");
}

#[test]
fn ls_rejects_a_traversal_project_id_before_touching_disk() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["ls", "--project", "../etc"]);
    assert_eq!(out.status.code(), Some(2), "a bad id is a usage error");
    assert!(stderr(&out).contains("project id"), "the error says which id: {}", stderr(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn show_with_a_hung_tmux_answers_with_stored_fields_and_leaves_no_process() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("home/projects/api/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(sessions.join("api-1.json"), record_json("api-1", "working", "task_in_progress")).unwrap();
    // A tmux that never answers, recording its pid so the test can check it is gone afterwards.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let pid_file = dir.path().join("tmux.pid");
    let script = format!("#!/bin/sh\necho $$ > '{}'\nexec sleep 1000\n", pid_file.display());
    std::fs::write(bin.join("tmux"), script).unwrap();
    std::fs::set_permissions(bin.join("tmux"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());

    let out = Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(["show", "api-1", "--timeout-ms", "300", "--json"])
        .env("GROVE_HOME", dir.path().join("home"))
        .env("GROVE_CONFIG", dir.path().join("config.toml"))
        .env("PATH", path)
        .output()
        .expect("run grove");
    assert!(out.status.success(), "a hung probe is not an error for show: {}", stderr(&out));
    let view: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(view["enrichment"]["kind"], "timed_out", "{view}");
    assert_eq!(view["record"]["displayName"], "Fix the login bug", "stored fields are kept: {view}");
    assert_eq!(view["record"]["lifecycle"]["runtime"]["state"], "probe_failed", "{view}");
    assert_eq!(view["status"], "working", "a timeout never makes a session look dead: {view}");

    let pid: i32 = std::fs::read_to_string(&pid_file).expect("the fake tmux ran").trim().parse().unwrap();
    assert!(!process_running(pid), "the hung tmux (pid {pid}) must be killed, not left running");
    let record = std::fs::read_to_string(sessions.join("api-1.json")).unwrap();
    assert!(record.contains("\"alive\""), "a timeout changes nothing on disk: {record}");
}

#[test]
fn show_unknown_and_malformed_ids() {
    let dir = tempfile::tempdir().unwrap();
    let missing = grove(dir.path(), &["show", "api-404"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no session api-404"), "{}", stderr(&missing));
    let traversal = grove(dir.path(), &["show", "../../etc/passwd"]);
    assert_eq!(traversal.status.code(), Some(2), "a malformed id is a usage error");
    assert!(stderr(&traversal).contains("session id"), "{}", stderr(&traversal));
}

#[test]
fn ls_into_a_closed_pipe_ends_quietly_like_other_cli_tools() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("home/projects/api/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    for n in 1..=200 {
        let id = format!("api-{n}");
        std::fs::write(sessions.join(format!("{id}.json")), record_json(&id, "working", "task_in_progress")).unwrap();
    }
    // `grove ls --json | head -0`: the reader is gone before grove writes a byte.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(["ls", "--stored", "--json"])
        .env("GROVE_HOME", dir.path().join("home"))
        .env("GROVE_CONFIG", dir.path().join("config.toml"))
        .stdout(writer)
        .output()
        .expect("run grove");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "a closed pipe must not make grove panic: {err}");
}
