//! The `grove` binary as scripts use it (ARCHITECTURE §3.5): exit codes, stdout for results,
//! stderr for errors, one JSON document with `--json`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `grove` with a private GROVE_HOME and global config inside `dir`.
fn grove(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(args)
        .env("GROVE_HOME", dir.join("home"))
        .env("GROVE_CONFIG", dir.join("config.toml"))
        .env_remove("GROVE_LOG")
        .output()
        .expect("run grove")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn version_prints_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["--version"]);
    assert!(out.status.success(), "grove --version failed: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), format!("grove {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn config_schema_is_one_json_schema_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["config", "schema"]);
    assert!(out.status.success(), "grove config schema failed: {}", stderr(&out));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(schema["type"], "object");
    for table in ["defaults", "projects", "agents", "notifiers", "notification_routing", "reactions"] {
        assert!(schema["properties"][table].is_object(), "schema should describe [{table}]");
    }
}

#[test]
fn config_check_reports_file_line_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let ok = grove(dir.path(), &["config", "check"]);
    assert!(ok.status.success(), "no config file is valid (built-in defaults): {}", stderr(&ok));

    std::fs::write(dir.path().join("config.toml"), "[projects.api]\npath = \".\"\ndefualt_branch = \"main\"\n")
        .unwrap();
    let bad = grove(dir.path(), &["config", "check"]);
    assert_eq!(bad.status.code(), Some(1), "an invalid config must exit 1");
    let err = stderr(&bad);
    let config = dir.path().join("config.toml");
    assert!(err.contains(&format!("{}:3:1:", config.display())), "error should name file:line:column, got {err}");
    assert!(err.contains("did you mean `default_branch`"), "error should suggest the known key, got {err}");

    let json = grove(dir.path(), &["config", "check", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).expect("--json prints one JSON document");
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    assert_eq!(report["errors"][0]["key"], "projects.api.defualt_branch", "{report}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "clap exits 2 on usage errors");
    assert!(stderr(&out).contains("unrecognized subcommand"), "{}", stderr(&out));
    assert!(!dir.path().join("home").exists(), "a usage error must not create GROVE_HOME");
}

/// A record as Grove writes it (ARCHITECTURE §3.4), for `id` in project `api`.
fn record_json(id: &str, state: &str, reason: &str) -> String {
    serde_json::json!({
        "version": 1,
        "id": id,
        "projectId": "api",
        "kind": "worker",
        "agent": "claude-code",
        "runtime": "tmux",
        "branch": format!("session/{id}"),
        "worktree": format!("/tmp/worktrees/{id}"),
        "createdAt": "2026-01-02T03:04:05Z",
        "displayName": "Fix the login bug",
        "prompt": "Fix the login bug",
        "lifecycle": {
            "session": {"state": state, "reason": reason, "startedAt": "2026-01-02T03:04:06Z",
                        "lastTransitionAt": "2026-01-02T03:04:06Z", "terminatedAt": null},
            "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
            "runtime": {"state": "alive", "reason": "process_running", "handle": {"kind": "tmux", "id": id}}
        }
    })
    .to_string()
}

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

#[test]
fn ls_rejects_a_traversal_project_id_before_touching_disk() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["ls", "--project", "../etc"]);
    assert_eq!(out.status.code(), Some(2), "a bad id is a usage error");
    assert!(stderr(&out).contains("project id"), "the error says which id: {}", stderr(&out));
}

#[test]
fn every_command_leaves_a_line_in_the_rolling_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["ls", "--project", "api"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("home/logs"))
        .expect("GROVE_HOME/logs/ exists after a command")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(logs.len(), 1, "one daily log file");
    let name = logs[0].file_name().to_string_lossy().into_owned();
    assert!(name.starts_with("grove.") && name.ends_with(".log"), "daily file name, got {name}");
    let text = std::fs::read_to_string(logs[0].path()).unwrap();
    assert!(text.contains("grove ls"), "the command is logged (flushed on exit), got {text:?}");
    assert!(stderr(&out).is_empty(), "info lines stay out of the CLI's stderr: {}", stderr(&out));
}

/// Whether a process is still running. A killed process whose parent has exited is reparented to
/// pid 1 and stays a zombie until pid 1 reaps it; some container inits never do, so a zombie counts
/// as gone: it runs nothing and holds nothing but its pid.
#[cfg(target_os = "linux")]
fn process_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
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
