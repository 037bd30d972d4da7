//! An interrupted `grove spawn` rolls back (SPEC F7): Ctrl-C (SIGINT), SIGTERM or a closed
//! terminal (SIGHUP) while the project's `post_create` runs ends every process `post_create`
//! started, even one that ignores SIGTERM, removes the worktree and the branch, writes no record,
//! starts no tmux session, frees the id, and exits with the signal's code naming the step.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;

use crate::support::{grove, process_running, stderr, stdout};

/// Bounds every wait: for `post_create` to start, for `grove` to exit, for processes to end.
const WAIT: Duration = Duration::from_secs(30);

/// How many processes the `post_create` below records: its shell, a plain `sleep`, and a loop
/// that ignores SIGTERM (so only the SIGKILL of the whole group ends it).
const RECORDED_PIDS: usize = 3;

/// A temp dir with project `api` (a fresh repository) whose `post_create` starts a process group
/// that runs until killed, recording every pid it starts. Grove's tmux server of this home is
/// killed when the test ends.
struct Project {
    dir: tempfile::TempDir,
    socket: std::path::PathBuf,
}

impl Project {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        super::support::git_repo(&dir.path().join("repo"));
        let socket = GroveHome::at(dir.path().join("home")).tmux_socket();
        let project = Self { dir, socket };
        let pids = project.pids_file();
        let started = project.started_file();
        // `$$` is the post_create shell itself (the group's leader); `$!` each background child.
        let script = format!(
            "echo $$ >> '{pids}'; sleep 300 & echo $! >> '{pids}'; \
             (trap '' TERM; while :; do sleep 1; done) & echo $! >> '{pids}'; \
             echo running > '{started}'; wait",
            pids = pids.display(),
            started = started.display(),
        );
        project.write_config(&[&script]);
        project
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn pids_file(&self) -> PathBuf {
        self.path().join("post-create.pids")
    }

    fn started_file(&self) -> PathBuf {
        self.path().join("post-create.started")
    }

    /// The config: project `api` with the echo agent and `post_create`.
    fn write_config(&self, post_create: &[&str]) {
        let post_create = serde_json::to_string(post_create).unwrap();
        let config = format!(
            "[agents.echo]\ncommand = \"sh\"\nargs = [\"-c\", \"echo ready $GROVE_SESSION; exec cat\"]\n\n\
             [projects.api]\npath = \"repo\"\nagent = \"echo\"\npost_create = {post_create}\n"
        );
        std::fs::write(self.path().join("config.toml"), config).unwrap();
    }

    /// `grove spawn` running in the background, its output piped.
    fn start_spawn(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_grove"))
            .args(["spawn", "--project", "api", "--prompt", "work"])
            .env("GROVE_HOME", self.path().join("home"))
            .env("GROVE_CONFIG", self.path().join("config.toml"))
            .env_remove("GROVE_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start grove spawn")
    }

    /// The pids `post_create` recorded so far.
    fn recorded_pids(&self) -> Vec<i32> {
        let text = std::fs::read_to_string(self.pids_file()).unwrap_or_default();
        text.lines().filter_map(|l| l.trim().parse().ok()).collect()
    }

    fn has_tmux_session(&self, name: &str) -> bool {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["has-session", "-t", &format!("={name}")])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn branch_exists(&self, branch: &str) -> bool {
        Command::new("git")
            .args(["show-ref", "--verify", "--quiet", &format!("refs/heads/{branch}")])
            .current_dir(self.path().join("repo"))
            .status()
            .unwrap()
            .success()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        // Whatever a failed assertion left running goes with the test.
        for pid in self.recorded_pids() {
            // SAFETY: kill(2) on a pid this test's post_create recorded and that still runs.
            if pid > 1 && process_running(pid) {
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
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

/// Waits (bounded) for `child` to exit and returns its status and stderr.
fn wait_exit(child: &mut Child) -> (ExitStatus, String) {
    let mut status = None;
    wait_until("grove spawn to exit after the signal", || {
        status = child.try_wait().expect("wait for grove");
        status.is_some()
    });
    let mut err = String::new();
    child.stderr.take().expect("piped stderr").read_to_string(&mut err).unwrap();
    (status.expect("exited"), err)
}

/// Spawns, sends `signal` while `post_create` runs, and checks that everything was rolled back.
fn interrupted_spawn_rolls_back(signal: libc::c_int, name: &str, code: i32) {
    let project = Project::new();
    let mut spawn = project.start_spawn();
    wait_until("post_create to start its processes", || {
        project.started_file().exists() && project.recorded_pids().len() == RECORDED_PIDS
    });
    let pids = project.recorded_pids();
    assert!(pids.iter().all(|p| process_running(*p)), "precondition: post_create runs: {pids:?}");
    assert!(matches!(spawn.try_wait(), Ok(None)), "precondition: grove spawn is still in post_create");
    let grove_pid = libc::pid_t::try_from(spawn.id()).unwrap();
    // SAFETY: kill(2) on the grove process this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(grove_pid, signal) }, 0, "send {name} to grove");

    let (status, err) = wait_exit(&mut spawn);
    assert_eq!(status.code(), Some(code), "grove handles {name} and exits with 128 + its number; stderr:\n{err}");
    assert!(err.contains("post_create"), "stderr names the interrupted step:\n{err}");
    assert!(err.contains(name), "stderr names the signal:\n{err}");
    assert!(err.contains("rolled back"), "stderr says what was rolled back:\n{err}");
    for pid in &pids {
        wait_until(&format!("post_create process {pid} to end"), || !process_running(*pid));
    }
    // All ended: nothing for the drop to kill (and a reused pid must never be).
    std::fs::remove_file(project.pids_file()).unwrap();
    let home = project.path().join("home");
    assert!(!home.join("projects/api/worktrees/api-1").exists(), "the worktree directory is removed");
    assert!(!project.branch_exists("session/api-1"), "the branch the spawn made is deleted");
    assert!(!home.join("projects/api/sessions/api-1.json").exists(), "no record or reservation is left");
    assert!(!project.has_tmux_session("api-1"), "no tmux session was started");

    // The id is free again: the next spawn (with a post_create that ends) gets it.
    project.write_config(&["true"]);
    let next = grove(project.path(), &["spawn", "--project", "api", "--prompt", "work"]);
    assert!(next.status.success(), "the next spawn succeeds: {}", stderr(&next));
    assert_eq!(stdout(&next).trim(), "api-1", "the interrupted spawn released its id");
}

#[test]
fn ctrl_c_during_post_create_kills_its_process_group_and_rolls_back_the_spawn() {
    interrupted_spawn_rolls_back(libc::SIGINT, "SIGINT", 130);
}

#[test]
fn sigterm_during_post_create_kills_its_process_group_and_rolls_back_the_spawn() {
    interrupted_spawn_rolls_back(libc::SIGTERM, "SIGTERM", 143);
}

#[test]
fn a_closed_terminal_during_post_create_rolls_back_the_spawn() {
    interrupted_spawn_rolls_back(libc::SIGHUP, "SIGHUP", 129);
}
