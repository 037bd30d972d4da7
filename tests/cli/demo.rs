//! A newcomer's first session, through the CLI with no config: the demo project, a real worktree
//! and a real tmux session on Grove's socket (SPEC F1-F4, I4).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;

use crate::support::{grove, stderr, stdout};

/// The demo agent pauses between steps to look alive; this only bounds a hang.
const SCREEN_WAIT: Duration = Duration::from_secs(30);

/// Grove's tmux server for a test home; killed when the test ends, pass or fail, and its socket
/// file removed (tmux leaves it behind after `kill-server`), so test runs leave nothing in /tmp.
struct TmuxServer(PathBuf);

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.0).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.0);
    }
}

fn pane(socket: &Path, session: &str) -> String {
    let out = Command::new("tmux").arg("-S").arg(socket).args(["capture-pane", "-p", "-t", session]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// Polls the session's screen until `text` shows, within [`SCREEN_WAIT`].
fn wait_for_screen(socket: &Path, session: &str, text: &str) -> String {
    let deadline = Instant::now() + SCREEN_WAIT;
    loop {
        let screen = pane(socket, session);
        if screen.contains(text) {
            return screen;
        }
        assert!(Instant::now() < deadline, "{text:?} did not appear on {session}'s screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn git_log(worktree: &Path) -> String {
    let out = Command::new("git").arg("-C").arg(worktree).args(["log", "--format=%s"]).output().expect("git log");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn with_no_config_the_demo_project_spawns_answers_keeps_work_on_kill_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let socket = TmuxServer(GroveHome::at(&home).tmux_socket());

    let spawn = grove(dir.path(), &["spawn", "--project", "demo", "--prompt", "Add a due date to todos"]);
    assert!(spawn.status.success(), "spawn in the demo project: {}", stderr(&spawn));
    assert_eq!(stdout(&spawn).trim(), "demo-1", "spawn prints the new id");
    let worktree = home.join("projects/demo/worktrees/demo-1");
    assert!(worktree.join("TODO.md").is_file(), "the worktree is a checkout of the demo repository");

    // The demo agent works like a coding agent: progress, a commit, and sometimes a question.
    let screen = wait_for_screen(&socket.0, "demo-1", "[y/n]");
    assert!(screen.contains("Working on: Add a due date to todos"), "the agent got its prompt:\n{screen}");
    let send = grove(dir.path(), &["send", "demo-1", "y"]);
    assert!(send.status.success(), "send: {}", stderr(&send));
    wait_for_screen(&socket.0, "demo-1", "Turn complete");
    assert!(
        git_log(&worktree).contains("Note in the changelog"),
        "the answer led to a commit:\n{}",
        git_log(&worktree)
    );

    // The branch has commits that exist nowhere else: kill must keep the worktree and say why.
    let kill = grove(dir.path(), &["kill", "demo-1"]);
    assert!(kill.status.success(), "kill: {}", stderr(&kill));
    assert!(stdout(&kill).contains("worktree kept") && stdout(&kill).contains("unpushed"), "{}", stdout(&kill));
    assert!(worktree.join("TODO.md").is_file(), "the worktree survives the kill");
    let listed = grove(dir.path(), &["ls", "--stored", "--json"]);
    let listing: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("one JSON document");
    assert_eq!(listing["sessions"][0]["status"], "killed", "{listing}");

    let restore = grove(dir.path(), &["restore", "demo-1"]);
    assert!(restore.status.success(), "restore: {}", stderr(&restore));
    wait_for_screen(&socket.0, "demo-1", "Working on: Add a due date to todos");
    assert!(git_log(&worktree).contains("Note in the changelog"), "restore kept the work in the same worktree");
}

#[test]
fn spawn_refuses_an_unknown_project_and_an_oversized_prompt_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let _server = TmuxServer(GroveHome::at(&home).tmux_socket());
    let unknown = grove(dir.path(), &["spawn", "--project", "nope", "--prompt", "x"]);
    assert_eq!(unknown.status.code(), Some(1), "an unknown project is an error");
    assert!(stderr(&unknown).contains("nope"), "the error names the project: {}", stderr(&unknown));

    let huge = "x".repeat(10_001);
    let too_long = grove(dir.path(), &["spawn", "--project", "demo", "--prompt", &huge]);
    assert_eq!(too_long.status.code(), Some(1), "a prompt over 10,000 characters is refused");
    assert!(stderr(&too_long).contains("10001"), "the error gives the length: {}", stderr(&too_long));
    let sessions = home.join("projects/demo/sessions");
    let left: Vec<_> = std::fs::read_dir(&sessions).map(|d| d.filter_map(|e| e.ok()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "a refused spawn writes no record: {left:?}");
    assert!(!home.join("projects/demo/worktrees/demo-1").exists(), "and no worktree");
}
