//! `grove stop [P]` and `grove start --restore yes|no|ask` end to end (SPEC G1, G3, G5, C4), with
//! real git repositories and real tmux on Grove's own socket.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;
use grove_engine::store::{RunningRecord, Store};
use serde_json::{Value, json};

use crate::support::{grove, stderr, stdout};

/// Bounds every wait for an agent's screen.
const WAIT: Duration = Duration::from_secs(20);

/// A temp dir with projects `api` and `web` (fresh repositories) and Grove's tmux server of its
/// home, killed when the test ends, pass or fail.
struct Fleet {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Fleet {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for project in ["api", "web"] {
            let repo = dir.path().join(format!("{project}-repo"));
            std::fs::create_dir_all(&repo).unwrap();
            git(&repo, &["init", "-q", "-b", "main"]);
            std::fs::write(repo.join("README.md"), "hello\n").unwrap();
            git(&repo, &["add", "README.md"]);
            git(&repo, &["commit", "-q", "-m", "first"]);
        }
        let socket = GroveHome::at(dir.path().join("home")).tmux_socket();
        Self { dir, socket }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A config file declaring `projects` (paths relative to the file) with the echo agent.
    fn write_config(&self, name: &str, projects: &[&str]) -> PathBuf {
        let mut text =
            String::from("[agents.echo]\ncommand = \"sh\"\nargs = [\"-c\", \"echo ready $GROVE_SESSION; exec cat\"]\n");
        for project in projects {
            text.push_str(&format!("\n[projects.{project}]\npath = \"{project}-repo\"\nagent = \"echo\"\n"));
        }
        let file = self.path().join(name);
        std::fs::write(&file, text).unwrap();
        file
    }

    /// `grove spawn` in `project`, waiting until its agent runs; returns the id.
    fn spawn(&self, extra: &[&str], project: &str) -> String {
        let mut args = extra.to_vec();
        args.extend(["spawn", "--project", project, "--prompt", "work"]);
        let out = grove(self.path(), &args);
        assert!(out.status.success(), "spawn in {project}: {}", stderr(&out));
        let id = stdout(&out).trim().to_owned();
        self.wait_for_screen(&id, &format!("ready {id}"));
        id
    }

    fn alive(&self, session: &str) -> bool {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["has-session", "-t", &format!("={session}")])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn wait_for_screen(&self, session: &str, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let out = Command::new("tmux")
                .arg("-S")
                .arg(&self.socket)
                .args(["capture-pane", "-p", "-t", &format!("={session}:")])
                .output()
                .expect("run tmux");
            let screen = String::from_utf8_lossy(&out.stdout);
            if screen.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} did not appear on {session}'s screen within {WAIT:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn last_stop(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.path().join("home/last-stop.json")).ok()?;
        Some(serde_json::from_str(&text).expect("last-stop.json is JSON"))
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid"])
        .args(args)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Parses `--json` output, failing with what grove printed.
fn document(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json must print one document ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

fn refs(pairs: &[(&str, &str)]) -> Value {
    pairs.iter().map(|(p, s)| json!({"projectId": p, "sessionId": s})).collect()
}

#[test]
fn stop_one_project_then_ask_restore_stop_all_and_decline_through_the_cli() {
    let fleet = Fleet::new();
    let config = fleet.write_config("config.toml", &["api", "web"]);
    let config = config.canonicalize().unwrap();
    for project in ["api", "api", "web"] {
        fleet.spawn(&[], project);
    }

    let out = grove(fleet.path(), &["stop", "api", "--json"]);
    assert!(out.status.success(), "stop api: {}", stderr(&out));
    let report = document(&out);
    assert_eq!(report["scope"], json!({"kind": "project", "projectId": "api"}), "{report}");
    assert_eq!(report["stopped"], refs(&[("api", "api-1"), ("api", "api-2")]), "{report}");
    assert_eq!(report["failed"], json!([]), "{report}");
    assert_eq!(report["config"], json!({"files": [config], "warnings": []}), "the config used is named: {report}");
    assert_eq!(report["recordError"], Value::Null);
    let record = fleet.last_stop().expect("last-stop.json is written");
    assert_eq!(report["lastStop"], record, "the report shows the record as written");
    assert_eq!(record["scope"], json!({"kind": "project", "projectId": "api"}));
    assert_eq!(record["projects"], json!([{"projectId": "api", "sessionIds": ["api-1", "api-2"]}]));
    assert!(!fleet.alive("api-1") && !fleet.alive("api-2"), "api's sessions are stopped");
    assert!(fleet.alive("web-1"), "stopping api leaves web running");

    let out = grove(fleet.path(), &["start", "--restore", "ask", "--json"]);
    assert!(out.status.success(), "ask: {}", stderr(&out));
    let asked = document(&out);
    assert_eq!(asked["restore"], "ask");
    assert_eq!(asked["lastStop"], record, "ask shows what would be restored: {asked}");
    assert_eq!(fleet.last_stop().as_ref(), Some(&record), "ask changes nothing");
    assert!(!fleet.alive("api-1"), "ask restores nothing");
    let text = grove(fleet.path(), &["start", "--restore", "ask"]);
    assert!(stdout(&text).contains("api-1") && stdout(&text).contains("api-2"), "{}", stdout(&text));

    let out = grove(fleet.path(), &["start", "--restore", "yes", "--json"]);
    assert!(out.status.success(), "yes: {}", stderr(&out));
    let restored = document(&out);
    assert_eq!(restored["restore"], "yes");
    assert_eq!(restored["restored"], refs(&[("api", "api-1"), ("api", "api-2")]), "{restored}");
    assert_eq!((&restored["failed"], &restored["remaining"]), (&json!([]), &Value::Null), "{restored}");
    assert_eq!(fleet.last_stop(), None, "the record is removed once all are restored");
    fleet.wait_for_screen("api-1", "ready api-1");
    fleet.wait_for_screen("api-2", "ready api-2");

    let out = grove(fleet.path(), &["stop"]);
    assert!(out.status.success(), "stop all: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("stopped 3 session(s)") && text.contains("web-1"), "the text names what stopped: {text}");
    assert!(!fleet.alive("api-1") && !fleet.alive("web-1"), "every session is stopped");
    let record = fleet.last_stop().expect("recorded");
    assert_eq!(record["scope"], json!({"kind": "all"}));
    assert_eq!(
        record["projects"],
        json!([{"projectId": "api", "sessionIds": ["api-1", "api-2"]}, {"projectId": "web", "sessionIds": ["web-1"]}])
    );
    let again = grove(fleet.path(), &["stop", "--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(document(&again)["stopped"], json!([]), "nothing is left to stop");
    assert_eq!(fleet.last_stop().as_ref(), Some(&record), "stopping nothing keeps the record");

    let out = grove(fleet.path(), &["start", "--restore", "no", "--json"]);
    assert!(out.status.success(), "no: {}", stderr(&out));
    let declined = document(&out);
    assert_eq!((&declined["restore"], &declined["cleared"]), (&json!("no"), &record), "{declined}");
    assert_eq!(fleet.last_stop(), None, "declining clears the record");
    assert!(!fleet.alive("api-1") && !fleet.alive("web-1"), "declined sessions stay stopped");
    let nothing = grove(fleet.path(), &["start", "--restore", "yes"]);
    assert!(nothing.status.success() && stdout(&nothing).contains("nothing to restore"), "{}", stdout(&nothing));

    let unknown = grove(fleet.path(), &["stop", "nope"]);
    assert_eq!(unknown.status.code(), Some(1), "an unknown project is an error");
    assert!(stderr(&unknown).contains("nope"), "{}", stderr(&unknown));
    let usage = grove(fleet.path(), &["start"]);
    assert_eq!(usage.status.code(), Some(2), "--restore must be given: the app's dialog is not headless");
}

#[test]
fn stop_exits_1_naming_the_session_it_could_not_stop_and_records_the_others() {
    let fleet = Fleet::new();
    fleet.write_config("config.toml", &["api"]);
    fleet.spawn(&[], "api");
    fleet.spawn(&[], "api");
    // A tmux on PATH that fails to kill api-2 and passes everything else to the real one.
    let real = Command::new("sh").args(["-c", "command -v tmux"]).output().expect("find tmux");
    let real = String::from_utf8_lossy(&real.stdout).trim().to_owned();
    let bin = fleet.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\ncase \" $* \" in *\" kill-session -t =api-2 \"*) echo 'server exploded' >&2; exit 1 ;; esac\n\
         exec '{real}' \"$@\"\n"
    );
    std::fs::write(bin.join("tmux"), script).unwrap();
    std::fs::set_permissions(bin.join("tmux"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());

    let out = Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(["stop", "--json"])
        .env("GROVE_HOME", fleet.path().join("home"))
        .env("GROVE_CONFIG", fleet.path().join("config.toml"))
        .env("PATH", path)
        .output()
        .expect("run grove");
    assert_eq!(out.status.code(), Some(1), "a session that could not be stopped fails the command");
    let report = document(&out);
    assert_eq!(report["stopped"], refs(&[("api", "api-1")]), "{report}");
    let failed = &report["failed"];
    assert_eq!((&failed[0]["projectId"], &failed[0]["sessionId"]), (&json!("api"), &json!("api-2")), "{report}");
    let error = failed[0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("stop api-2") && error.contains("server exploded"), "the error says what failed: {error}");
    assert_eq!(
        fleet.last_stop().expect("recorded")["projects"],
        json!([{"projectId": "api", "sessionIds": ["api-1"]}])
    );
    assert!(fleet.alive("api-2"), "the session that failed to stop still runs");
}

#[test]
fn with_an_invalid_global_config_stop_uses_the_running_apps_config_alone_and_says_so() {
    let fleet = Fleet::new();
    let running = fleet.write_config("running.toml", &["api"]).canonicalize().unwrap();
    let running_arg = running.to_str().unwrap();
    fleet.spawn(&["--config", running_arg], "api");
    fleet.spawn(&["--config", running_arg], "api");
    std::fs::write(fleet.path().join("config.toml"), "[projects.api\npath = ").unwrap();
    // The live app registered with the running config (this test process stands in for it).
    let store = Store::new(GroveHome::at(fleet.path().join("home")));
    store
        .register_running(&RunningRecord {
            pid: std::process::id(),
            pid_start: None,
            config_path: running.clone(),
            started_at: chrono::Utc::now(),
            version: grove_engine::VERSION.into(),
            projects: vec!["api".parse().unwrap()],
        })
        .unwrap();

    std::fs::write(&running, "garbage = [").unwrap();
    let refused = grove(fleet.path(), &["stop"]);
    assert_eq!(refused.status.code(), Some(1), "with no config that loads, stop refuses");
    assert!(stderr(&refused).contains("nothing was stopped"), "{}", stderr(&refused));
    assert!(fleet.alive("api-1"), "and indeed stops nothing");
    fleet.write_config("running.toml", &["api"]);

    let out = grove(fleet.path(), &["stop", "--json"]);
    assert!(out.status.success(), "stop under the running config: {}", stderr(&out));
    let report = document(&out);
    assert_eq!(report["stopped"], refs(&[("api", "api-1"), ("api", "api-2")]), "{report}");
    assert_eq!(report["config"]["files"], json!([running]), "only the running config was used: {report}");
    let warning = report["config"]["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("using the running config") && warning.contains(running_arg),
        "the report says which config was used and why: {report}"
    );
    assert!(stderr(&out).contains("using the running config"), "and so does stderr: {}", stderr(&out));
    assert!(!fleet.alive("api-1") && !fleet.alive("api-2"), "the running config's sessions are stopped");
}
