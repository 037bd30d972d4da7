//! No false deaths (SPEC D11, D11a, F8), through the `grove` binary with real git and real tmux:
//! a fresh read from a process with another `TMUX_TMPDIR`, or after a tmp cleaner deleted Grove's
//! socket file, writes no live session down as dead; a live session already written down as dead
//! is adopted back; a `running.json` whose pid now names another process blocks nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;
use grove_engine::process_identity::ProcessStart;
use grove_engine::store::{RunningRecord, Store};
use serde_json::Value;

use crate::support::{stderr, stdout};

/// Bounds every wait for an agent's screen.
const WAIT: Duration = Duration::from_secs(20);

/// A temp dir with project `api` (a fresh repository), the echo agent, and Grove's tmux server of
/// its home, killed when the test ends, pass or fail.
struct Home {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("api-repo");
        std::fs::create_dir_all(&repo).unwrap();
        for args in [&["init", "-q", "-b", "main"][..], &["add", "README.md"], &["commit", "-q", "-m", "first"]] {
            if args[0] == "add" {
                std::fs::write(repo.join("README.md"), "hello\n").unwrap();
            }
            let out = Command::new("git").args(args).current_dir(&repo).output().expect("run git");
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let config = "[agents.echo]\ncommand = \"sh\"\nargs = [\"-c\", \"echo ready $GROVE_SESSION; exec cat\"]\n\n\
                      [projects.api]\npath = \"api-repo\"\nagent = \"echo\"\n";
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let socket = GroveHome::at(dir.path().join("home")).tmux_socket();
        Self { dir, socket }
    }

    /// `grove args...` with this home, and `env` set on top.
    fn grove(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_grove"));
        cmd.args(args)
            .env("GROVE_HOME", self.dir.path().join("home"))
            .env("GROVE_CONFIG", self.dir.path().join("config.toml"))
            .env_remove("GROVE_LOG");
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.output().expect("run grove")
    }

    /// `grove spawn` in `api`, waiting until its agent runs; returns the id.
    fn spawn(&self) -> String {
        let out = self.grove(&["spawn", "--project", "api", "--prompt", "work"], &[]);
        assert!(out.status.success(), "spawn: {}", stderr(&out));
        let id = stdout(&out).trim().to_owned();
        let deadline = Instant::now() + WAIT;
        while !self.screen(&id).contains(&format!("ready {id}")) {
            assert!(Instant::now() < deadline, "{id}'s agent did not start within {WAIT:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
        id
    }

    fn screen(&self, id: &str) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["capture-pane", "-p", "-t", &format!("={id}:")])
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn record_file(&self, id: &str) -> PathBuf {
        self.dir.path().join(format!("home/projects/api/sessions/{id}.json"))
    }

    fn record(&self, id: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.record_file(id)).unwrap()).expect("the record is JSON")
    }

    /// `grove ls --fresh --json` with `env`, which must succeed; the record of session `id` as
    /// listed (the view's record, with what the probes concluded).
    fn fresh(&self, id: &str, env: &[(&str, &Path)]) -> Value {
        let out = self.grove(&["ls", "--fresh", "--json"], env);
        assert!(out.status.success(), "ls --fresh: {}", stderr(&out));
        let listing: Value = serde_json::from_slice(&out.stdout).expect("--json prints one document");
        let sessions = listing["sessions"].as_array().expect("a session list");
        let listed = sessions.iter().find(|s| s["record"]["id"] == id);
        listed.map(|s| s["record"].clone()).unwrap_or_else(|| panic!("{id} is listed: {listing}"))
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn states(record: &Value) -> (String, String) {
    let lifecycle = &record["lifecycle"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (text(&lifecycle["session"]["state"]), text(&lifecycle["runtime"]["state"]))
}

#[test]
fn a_fresh_read_under_another_tmux_tmpdir_changes_no_record() {
    let home = Home::new();
    let id = home.spawn();
    let before = std::fs::read(home.record_file(&id)).unwrap();
    let elsewhere = home.dir.path().join("other-tmux-tmpdir");
    std::fs::create_dir_all(&elsewhere).unwrap();

    let listed = home.fresh(&id, &[("TMUX_TMPDIR", &elsewhere)]);
    assert_eq!(
        std::fs::read(home.record_file(&id)).unwrap(),
        before,
        "a read from a process with another TMUX_TMPDIR must not rewrite a live session: {:#}",
        home.record(&id)
    );
    assert_eq!(states(&listed), ("working".into(), "alive".into()), "it reaches the same server: {listed:#}");
}

#[test]
fn a_deleted_socket_file_marks_nothing_dead() {
    let home = Home::new();
    let id = home.spawn();
    let pane = &home.record(&id)["lifecycle"]["runtime"]["handle"]["process"];
    assert!(pane["pid"].is_u64() && pane["start"].is_string(), "the pane's pid and start time are recorded: {pane}");
    let before = std::fs::read(home.record_file(&id)).unwrap();
    // What a tmp cleaner does; the server keeps running without its socket file.
    std::fs::remove_file(&home.socket).expect("delete Grove's socket file");

    let listed = home.fresh(&id, &[]);
    assert_eq!(std::fs::read(home.record_file(&id)).unwrap(), before, "nothing is written: {:#}", home.record(&id));
    assert_eq!(states(&listed), ("working".into(), "alive".into()), "the session is not shown dead: {listed:#}");
    assert!(home.socket.exists(), "the server behind the recorded pane was asked to recreate its socket");

    // A spawn after the cleaner reaches the same server: no second server hides the first session.
    std::fs::remove_file(&home.socket).expect("delete Grove's socket file again");
    let second = home.spawn();
    let out =
        Command::new("tmux").arg("-S").arg(&home.socket).args(["list-sessions", "-F", "#{session_name}"]).output();
    let listed_by_tmux = String::from_utf8_lossy(&out.expect("run tmux").stdout).into_owned();
    assert!(
        listed_by_tmux.lines().any(|l| l == id) && listed_by_tmux.lines().any(|l| l == second),
        "both sessions on one server: {listed_by_tmux:?}"
    );
    assert_eq!(states(&home.fresh(&id, &[])), ("working".into(), "alive".into()), "{id} is still alive");
    assert_eq!(std::fs::read(home.record_file(&id)).unwrap(), before, "and its record untouched");
}

#[test]
fn a_live_session_recorded_runtime_lost_is_adopted_back_on_a_fresh_read() {
    let home = Home::new();
    let id = home.spawn();
    // What an older Grove (or a read under another TMUX_TMPDIR) wrote for this live session.
    let mut lost = home.record(&id);
    lost["lifecycle"]["session"]["state"] = "terminated".into();
    lost["lifecycle"]["session"]["reason"] = "runtime_lost".into();
    lost["lifecycle"]["session"]["terminatedAt"] = "2026-01-02T03:04:05Z".into();
    lost["lifecycle"]["runtime"]["state"] = "missing".into();
    lost["lifecycle"]["runtime"]["reason"] = "tmux_missing".into();
    std::fs::write(home.record_file(&id), serde_json::to_vec_pretty(&lost).unwrap()).unwrap();

    let listed = home.fresh(&id, &[]);
    let disk = home.record(&id);
    assert_eq!(states(&disk), ("working".into(), "alive".into()), "adopted back on disk: {disk:#}");
    assert_eq!(disk["lifecycle"]["session"]["terminatedAt"], Value::Null, "it has not ended: {disk:#}");
    assert_eq!(states(&listed), ("working".into(), "alive".into()), "and shown alive: {listed:#}");
}

#[test]
fn a_running_json_whose_pid_now_names_another_process_is_stale() {
    let home = Home::new();
    let mut other = Command::new("sleep").arg("30").spawn().expect("start sleep");
    let record = RunningRecord {
        pid: other.id(),
        pid_start: Some(ProcessStart::from("linux:an-earlier-boot:1".to_owned())),
        config_path: home.dir.path().join("config.toml"),
        started_at: chrono::Utc::now(),
        version: grove_engine::VERSION.into(),
        projects: Vec::new(),
    };
    Store::new(GroveHome::at(home.dir.path().join("home"))).write_running(&record).expect("write running.json");

    let out = home.grove(&["stop", "--app"], &[]);
    let still_running = matches!(other.try_wait(), Ok(None));
    let _ = other.kill();
    let _ = other.wait();
    assert!(out.status.success(), "a reused pid is no running app: {}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("no Grove app is running"), "{}", stdout(&out));
    assert!(still_running, "the process now holding the pid must not be signalled");
}
