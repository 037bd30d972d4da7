//! The demo agent in a real terminal: a private tmux server runs this test binary as the agent,
//! the test reads the pane as Grove's scrape will, and answers with `send-keys` as a user would.

use std::io;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use grove_engine::demo::{DEMO_SCREEN, DemoAgentOptions, Questions, prepare_terminal, run_demo_agent};
use grove_engine::ops::{PROMPT_FILE_ENV, SESSION_ENV};

use super::support::{Worktree, subjects};

/// Set in the child's environment: it makes [`demo_agent_child`] run the agent.
const CHILD_ENV: &str = "GROVE_TEST_DEMO_AGENT";
/// Full name of the child entry point inside this test binary.
const CHILD_TEST: &str = "demo::tmux::demo_agent_child";
/// Bound on every wait: a debug-build child starting and running git a few times takes well
/// under a second; this only matters when something is broken.
const WAIT: Duration = Duration::from_secs(20);
/// How often the pane is read while waiting: often enough to keep the test quick, rarely enough
/// not to load a shared machine with tmux calls.
const POLL: Duration = Duration::from_millis(50);
/// The tmux session, named as spawn names sessions.
const SESSION: &str = "demo-1";

/// Entry point of the agent process the tmux test starts (this binary, run with [`CHILD_ENV`]).
/// Ignored so a normal run skips it; it does nothing without [`CHILD_ENV`], so `--include-ignored`
/// cannot make it read the terminal of whoever runs the tests.
#[test]
#[ignore = "entry point of the child process of demo_agent_in_tmux_waits_for_an_answer"]
fn demo_agent_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let mut opts = DemoAgentOptions::from_env().expect("the child has a current directory");
    // Forced, so the test sees the waiting path; no pauses, so it runs as fast as tmux allows.
    opts.questions = Questions::Always;
    opts.step_delay = Duration::ZERO;
    prepare_terminal(&mut io::stdout().lock()).expect("the terminal takes its modes");
    run_demo_agent(opts, io::stdin().lock(), io::stdout().lock()).expect("the terminal stays open");
}

/// A tmux server on a socket of this test's own, killed when dropped (never the default server).
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Self { socket: format!("grove-test-demo-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)) }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The whole pane, history included, wrapped lines joined.
    fn pane(&self) -> String {
        self.run(&["capture-pane", "-p", "-J", "-S", "-", "-t", SESSION])
    }

    /// Polls until `done` holds for the pane's text, failing with the pane after [`WAIT`].
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let pane = self.pane();
            if done(&pane) {
                return pane;
            }
            assert!(Instant::now() < deadline, "{what} did not happen within {WAIT:?}; the pane shows:\n{pane}");
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Asked before the kill: tmux leaves its socket file behind after `kill-server`.
        let socket_path = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "#{socket_path}"])
            .output()
            .ok()
            .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            .filter(|p| p.is_absolute());
        // The server may be gone already; nothing else to do then.
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        if let Some(path) = socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether the last non-empty line of the pane is the agent's question.
fn waiting_on_question(pane: &str) -> bool {
    pane.lines()
        .map(str::trim_end)
        .rfind(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with(DEMO_SCREEN.question_prefix) && l.ends_with(DEMO_SCREEN.question_suffix))
}

fn env(name: &str, value: &Path) -> String {
    format!("{name}={}", value.display())
}

#[test]
fn demo_agent_in_tmux_waits_for_an_answer() {
    let home = tempfile::tempdir().unwrap();
    let wt = Worktree::new(home.path(), SESSION);
    let prompt = home.path().join("prompt.md");
    std::fs::write(&prompt, "Add a done command\n").unwrap();
    let exe = std::env::current_exe().expect("the test binary's path");
    let exe = exe.to_str().expect("test binary path is UTF-8");
    let cwd = wt.path.to_str().expect("temp path is UTF-8");
    let tmux = Tmux::new();
    // remain-on-exit before the session starts, so the agent's exit status can be read afterwards.
    tmux.run(&[
        "-f",
        "/dev/null",
        "start-server",
        ";",
        "set-option",
        "-g",
        "remain-on-exit",
        "on",
        ";",
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        "160",
        "-y",
        "50",
        "-c",
        cwd,
        "-e",
        &format!("{CHILD_ENV}=1"),
        "-e",
        &format!("{SESSION_ENV}={SESSION}"),
        "-e",
        &env(PROMPT_FILE_ENV, &prompt),
        "--",
        exe,
        "--exact",
        CHILD_TEST,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);

    let pane = tmux.wait_for("the agent's question", waiting_on_question);
    assert!(pane.contains("Grove demo agent (demo-1)"), "the session id comes from {SESSION_ENV}:\n{pane}");
    assert!(pane.contains("● Working on: Add a done command"), "the task comes from {PROMPT_FILE_ENV}:\n{pane}");
    assert!(pane.contains("● Editing TODO.md"), "{pane}");
    assert_eq!(subjects(&wt.path)[0], "Add a done command", "the turn's commit precedes its question");

    tmux.run(&["send-keys", "-t", SESSION, "y", "Enter"]);
    tmux.wait_for("the end of the turn", |p| p.contains(DEMO_SCREEN.turn_complete));
    assert_eq!(
        subjects(&wt.path),
        ["Note in the changelog: Add a done command", "Add a done command", "Initial commit: a tiny todo app"],
        "the answer y adds the changelog commit"
    );

    // A multi-line message pasted as Grove sends one (paste buffer, bracketed) is one turn, not
    // one turn per line: review comments (SPEC K3) reach the agent whole.
    let message = home.path().join("message.txt");
    std::fs::write(&message, "Review comments (1):\nsrc/list.rs:3\nUse a constant here.").unwrap();
    tmux.run(&["load-buffer", "-b", "msg", message.to_str().unwrap()]);
    tmux.run(&["paste-buffer", "-d", "-p", "-b", "msg", "-t", SESSION]);
    tmux.run(&["send-keys", "-t", SESSION, "Enter"]);
    let pane = tmux.wait_for("the pasted message's question", |p| {
        p.contains("  | Use a constant here.") && waiting_on_question(p)
    });
    assert_eq!(pane.matches("● Working on: ").count(), 2, "one turn for the whole paste:\n{pane}");
    assert!(!pane.contains("^[[200~"), "the paste markers are not echoed:\n{pane}");
    tmux.run(&["send-keys", "-t", SESSION, "n", "Enter"]);
    tmux.wait_for("the end of the second turn", |p| p.matches(DEMO_SCREEN.turn_complete).count() == 2);

    tmux.run(&["send-keys", "-t", SESSION, "exit", "Enter"]);
    // The agent ran as a test of this binary: its own harness prints its result once the agent
    // returned, and the pane dies when the process ends. tmux does not always have the exit
    // status by then (a dead pane may show an empty `pane_dead_status` under load), so the
    // harness's verdict is what says the agent ended cleanly.
    let deadline = Instant::now() + WAIT;
    loop {
        let state = tmux.run(&["display-message", "-p", "-t", SESSION, "#{pane_dead} #{pane_dead_status}"]);
        let screen = tmux.pane();
        let (dead, status) = state.trim().split_once(' ').unwrap_or((state.trim(), ""));
        if dead == "1" && screen.contains("test result: ok") {
            assert!(matches!(status, "0" | ""), "the agent's process failed (status {status:?}):\n{screen}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the agent did not exit cleanly on `exit` (dead, status: {state:?}); its screen:\n{screen}"
        );
        std::thread::sleep(POLL);
    }
    assert!(tmux.pane().contains(DEMO_SCREEN.goodbye), "the goodbye line is printed before exiting");
}
