//! Fault injection (issue #11) through the real binary: `grove stop` killed with SIGKILL in the
//! middle of a stop of real demo sessions, then run again and followed by `grove start` (SPEC B1,
//! B2, B6, G1, G4, G5). The stop is slowed by a tmux client that takes 3 s to end one session (a
//! wedged server); `grove stop` is killed while it waits for it. Afterwards no record is lost or
//! half-written, every worktree keeps its uncommitted work, `last-stop.json` is absent or whole,
//! a second stop and a restore bring everything back, and no tmux session or agent process is left
//! that Grove does not know about.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;
use grove_engine::store::{RunningRecord, Store};
use serde_json::{Value, json};

use crate::support::{process_running, stderr, stdout};

/// Bounds every wait for a screen, a record or a process.
const WAIT: Duration = Duration::from_secs(30);
/// How long the slowed tmux client takes to end its session.
const SLOW_KILL_SECS: u32 = 3;
/// Uncommitted work written into every worktree.
const WIP: &str = "WIP.txt";
const IDS: [&str; 3] = ["demo-1", "demo-2", "demo-3"];

/// A temp dir with no config (so Grove runs its demo project) and Grove's tmux server of its
/// home, killed when the test ends, pass or fail.
struct Demo {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Demo {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = GroveHome::at(dir.path().join("home")).tmux_socket();
        Self { dir, socket }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `grove args...` with this home, and `bin` first on `PATH` when given.
    fn command(&self, args: &[&str], bin: Option<&Path>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_grove"));
        command
            .args(args)
            .env("GROVE_HOME", self.home())
            .env("GROVE_CONFIG", self.dir.path().join("config.toml"))
            .env_remove("GROVE_LOG");
        if let Some(bin) = bin {
            command.env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()));
        }
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args, None).output().expect("run grove")
    }

    /// Runs `grove args --json`, requiring success, and returns its document.
    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let out = self.run(&args);
        assert!(out.status.success(), "grove {args:?}: {}\n{}", stderr(&out), stdout(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("grove {args:?} printed no JSON ({e})"))
    }

    fn worktree(&self, id: &str) -> PathBuf {
        self.home().join("projects/demo/worktrees").join(id)
    }

    fn sessions_dir(&self) -> PathBuf {
        self.home().join("projects/demo/sessions")
    }

    /// The record of `id`, which must be complete JSON.
    fn record(&self, id: &str) -> Value {
        let path = self.sessions_dir().join(format!("{id}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} is gone: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not whole ({e}):\n{text}", path.display()))
    }

    fn reason(&self, id: &str) -> String {
        self.record(id)["lifecycle"]["session"]["reason"].as_str().unwrap_or_default().to_owned()
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().expect("run tmux")
    }

    fn screen(&self, id: &str) -> String {
        stdout(&self.tmux(&["capture-pane", "-p", "-t", &format!("={id}:")]))
    }

    /// The sessions on Grove's tmux server, with their panes' pids; none when no server runs.
    fn panes(&self) -> Vec<(String, u32)> {
        let out = self.tmux(&["list-panes", "-a", "-F", "#{session_name} #{pane_pid}"]);
        stdout(&out)
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(s, p)| (s.to_owned(), p.parse().expect("a pid"))))
            .collect()
    }

    /// `last-stop.json`: absent, or whole.
    fn last_stop(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.home().join("last-stop.json")).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("last-stop.json is half-written ({e}):\n{text}")))
    }

    /// The session ids `last-stop.json` lists.
    /// The sessions `last-stop.json` lists, sorted (they are recorded as each one stops).
    fn recorded(&self) -> Vec<String> {
        let Some(record) = self.last_stop() else { return Vec::new() };
        let projects = record["projects"].as_array().cloned().unwrap_or_default();
        let mut ids: Vec<String> = projects
            .iter()
            .flat_map(|p| p["sessionIds"].as_array().cloned().unwrap_or_default())
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// The status `grove ls --stored` shows for each session.
    fn statuses(&self) -> Vec<(String, String)> {
        let listing = self.json(&["ls", "--stored"]);
        let sessions = listing["sessions"].as_array().cloned().unwrap_or_default();
        sessions
            .iter()
            .map(|s| {
                (s["record"]["id"].as_str().unwrap_or_default().into(), s["status"].as_str().unwrap_or_default().into())
            })
            .collect()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Polls `check` until it holds, failing with `what` after [`WAIT`].
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn banner(id: &str) -> String {
    format!("Grove demo agent ({id})")
}

/// A tmux on `PATH` that takes [`SLOW_KILL_SECS`] to end `demo-3` (writing its pid first) and
/// passes everything else to the real tmux.
fn slow_tmux(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let real = Command::new("sh").args(["-c", "command -v tmux"]).output().expect("find tmux");
    let real = String::from_utf8_lossy(&real.stdout).trim().to_owned();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let pid_file = dir.join("slow-kill.pid");
    let script = format!(
        "#!/bin/sh\ncase \" $* \" in *\" kill-session -t =demo-3 \"*) echo $$ > '{}'; sleep {SLOW_KILL_SECS} ;; esac\n\
         exec '{real}' \"$@\"\n",
        pid_file.display()
    );
    std::fs::write(bin.join("tmux"), script).unwrap();
    std::fs::set_permissions(bin.join("tmux"), std::fs::Permissions::from_mode(0o755)).unwrap();
    (bin, pid_file)
}

/// Three demo sessions with uncommitted work, and a `grove stop` killed with SIGKILL after it
/// stopped two of them, while it waits for the third. Checks what the kill left and waits for the
/// slowed tmux client to finish on its own. Returns the agents' pids.
fn interrupted_stop(demo: &Demo) -> Vec<u32> {
    for id in IDS {
        let out = demo.run(&["spawn", "--project", "demo", "--prompt", "Add a due date to todos"]);
        assert!(out.status.success(), "spawn: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), id, "spawn prints the new id");
        std::fs::write(demo.worktree(id).join(WIP), format!("unsaved work of {id}\n")).unwrap();
    }
    for id in IDS {
        wait_until(&format!("{id}'s demo agent to start"), || demo.screen(id).contains(&banner(id)));
    }
    let agents: Vec<u32> = demo.panes().into_iter().map(|(_, pid)| pid).collect();
    assert_eq!(agents.len(), 3, "one agent per session: {agents:?}");

    let (bin, pid_file) = slow_tmux(demo.dir.path());
    let mut stop = demo
        .command(&["stop", "--json"], Some(&bin))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start grove stop");
    // Stopped means the record says so and last-stop.json lists it (written just after).
    wait_until("the stop to end and record demo-1 and demo-2 and wait for demo-3", || {
        demo.reason("demo-1") == "stopped_for_restore"
            && demo.reason("demo-2") == "stopped_for_restore"
            && demo.recorded() == ["demo-1", "demo-2"]
            && pid_file.exists()
    });
    assert!(matches!(stop.try_wait(), Ok(None)), "precondition: grove stop is still waiting for demo-3");
    stop.kill().expect("SIGKILL grove stop");
    stop.wait().expect("reap grove stop");
    // An app killed this way leaves its running.json behind (SPEC B5): a dead pid, to be ignored.
    let store = Store::new(GroveHome::at(demo.home()));
    let record = RunningRecord {
        pid: stop.id(),
        pid_start: None,
        config_path: demo.dir.path().join("config.toml"),
        started_at: chrono::Utc::now(),
        version: grove_engine::VERSION.into(),
        projects: Vec::new(),
    };
    store.write_running(&record).expect("write the killed app's running.json");

    // What the kill left: whole records, every worktree with its work, no stray files.
    for id in IDS {
        assert_eq!(demo.record(id)["id"], json!(id), "{id}'s record is whole");
        let wip = std::fs::read_to_string(demo.worktree(id).join(WIP)).expect("the worktree and its work stay");
        assert_eq!(wip, format!("unsaved work of {id}\n"), "{id}'s uncommitted work is untouched");
    }
    let mut visible: Vec<String> = std::fs::read_dir(demo.sessions_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    visible.sort();
    assert_eq!(visible, ["demo-1.json", "demo-2.json", "demo-3.json"], "no record lost, no stray file");
    let recorded = demo.recorded();
    assert!(recorded.iter().all(|id| IDS.contains(&id.as_str())), "last-stop.json, if any, is whole: {recorded:?}");
    let statuses = demo.statuses();
    assert_eq!(statuses[0], ("demo-1".into(), "stopped".into()), "{statuses:?}");
    assert_eq!(statuses[1], ("demo-2".into(), "stopped".into()), "{statuses:?}");

    // The slowed client was Grove's child; it finishes ending demo-3 on its own.
    let client: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().expect("a pid");
    wait_until("the slowed tmux client to finish", || !process_running(client as i32));
    agents
}

#[test]
fn grove_stop_killed_mid_stop_loses_nothing_and_a_second_stop_and_restore_recover_every_session() {
    let demo = Demo::new();
    let started = Instant::now();
    let agents = interrupted_stop(&demo);

    // Run again, the stop finishes what the killed one left: demo-3.
    let report = demo.json(&["stop"]);
    let stopped: Vec<&str> =
        report["stopped"].as_array().unwrap().iter().map(|s| s["sessionId"].as_str().unwrap()).collect();
    assert_eq!(stopped, ["demo-3"], "the second stop stops what was still live: {report}");
    assert_eq!(report["failed"], json!([]), "{report}");
    assert!(demo.statuses().iter().all(|(_, s)| s == "stopped"), "every session is stopped: {:?}", demo.statuses());
    assert!(demo.panes().is_empty(), "no tmux session is left: {:?}", demo.panes());
    for pid in &agents {
        assert!(!process_running(*pid as i32), "agent {pid} must not outlive its session");
    }
    assert_eq!(demo.recorded(), IDS, "last-stop.json lists what the killed stop stopped and what the second one did");
    let app = demo.run(&["stop", "--app"]);
    assert!(app.status.success(), "the killed app's running.json is stale: {}", stderr(&app));
    assert!(stdout(&app).contains("no Grove app is running"), "a dead pid is no app: {}", stdout(&app));

    // The restart restores every session last-stop.json lists.
    let restored = demo.json(&["start", "--restore", "yes"]);
    assert_eq!(restored["restored"].as_array().map(Vec::len), Some(3), "all three are restored: {restored}");
    assert_eq!(demo.last_stop(), None, "a complete restore removes the record");
    for id in IDS {
        wait_until(&format!("{id} to run again"), || demo.screen(id).contains(&banner(id)));
        let wip = std::fs::read_to_string(demo.worktree(id).join(WIP)).expect("work kept");
        assert_eq!(wip, format!("unsaved work of {id}\n"), "{id} is restored in its own worktree, work intact");
    }
    let running: Vec<String> = demo.panes().into_iter().map(|(s, _)| s).collect();
    assert_eq!(running, IDS, "exactly Grove's three sessions run");

    // And a last stop leaves nothing running.
    let restarted: Vec<u32> = demo.panes().into_iter().map(|(_, pid)| pid).collect();
    let last = demo.json(&["stop"]);
    assert_eq!(last["stopped"].as_array().map(Vec::len), Some(3), "{last}");
    assert!(demo.panes().is_empty(), "no tmux session is left");
    for pid in restarted {
        wait_until(&format!("agent {pid} to end"), || !process_running(pid as i32));
    }
    println!("faults: grove stop SIGKILLed mid-stop: recovered, whole scenario in {:?}", started.elapsed());
}

/// After a stop is killed, the sessions it had already stopped are in no `last-stop.json`: the
/// next stop skips them (they have ended) and records only what it stopped itself, so
/// `grove start --restore yes` leaves them stopped. Nothing is lost (each restores by hand), but
/// the user's "stop all, restore all" silently brings back only part of the fleet.
#[test]
fn sessions_stopped_by_a_killed_stop_are_offered_for_restore() {
    let demo = Demo::new();
    interrupted_stop(&demo);
    let report = demo.json(&["stop"]);
    assert_eq!(report["failed"], json!([]), "{report}");
    assert_eq!(demo.recorded(), IDS, "every session the user's stop stopped is recorded for restore");
}
