//! Running the real `grove` binary the way scripts do, in a private GROVE_HOME.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `grove` with a private GROVE_HOME and global config inside `dir`.
pub fn grove(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(args)
        .env("GROVE_HOME", dir.join("home"))
        .env("GROVE_CONFIG", dir.join("config.toml"))
        .env_remove("GROVE_LOG")
        .output()
        .expect("run grove")
}

/// A git repository at `path` on `main` with one empty commit, for a project to spawn in.
pub fn git_repo(path: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(path).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["-c", "user.name=T", "-c", "user.email=t@t.invalid", "commit", "-q", "--allow-empty", "-m", "init"],
    ] {
        let out = Command::new("git").args(args).current_dir(path).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    path.to_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A record as Grove writes it (ARCHITECTURE §3.4), for `id` in project `api`.
pub fn record_json(id: &str, state: &str, reason: &str) -> String {
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

/// Whether a process is still running. A killed process whose parent has exited is reparented to
/// pid 1 and stays a zombie until pid 1 reaps it; some container inits never do, so a zombie counts
/// as gone: it runs nothing and holds nothing but its pid.
#[cfg(target_os = "linux")]
pub fn process_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}
