//! The fake `claude`'s opt-in copies of Claude Code 2.1.337's own dialogs (claude_dialogs.py),
//! held to the real screens in tests/fixtures/agent-screens: the trust screen of a worktree, where
//! Enter alone means "No, exit" and Down Enter trusts; and the auto-mode offer after a turn, which
//! eats a pasted message and is declined with Down Enter.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A private tmux server running the fake in a worktree, killed (socket file too) when dropped.
struct Pane {
    socket: String,
    dir: tempfile::TempDir,
}

impl Pane {
    fn start(env: &[(&str, &str)], prompt: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "i"],
        ] {
            assert!(Command::new("git").args(args).current_dir(&repo).status().unwrap().success(), "git {args:?}");
        }
        let worktree = dir.path().join("wt");
        let out =
            Command::new("git").args(["worktree", "add", "-q"]).arg(&worktree).current_dir(&repo).output().unwrap();
        assert!(out.status.success(), "git worktree add: {}", String::from_utf8_lossy(&out.stderr));
        let fake = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/claude");
        // One tmux server per pane: tests run in parallel in one process.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!("fake-dialogs-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let pane = Self { socket, dir };
        let mut args: Vec<String> =
            ["new-session", "-d", "-s", "f", "-x", "80", "-y", "24", "-c"].map(String::from).to_vec();
        args.push(worktree.to_string_lossy().into_owned());
        args.extend(["env".into(), format!("HOME={}", pane.dir.path().display()), "FAKE_CLAUDE_WORK_SECS=0.1".into()]);
        args.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        args.extend([fake.to_string_lossy().into_owned(), "--".into(), prompt.into()]);
        let out = pane.tmux(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        pane
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "f"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            assert!(self.tmux(&["send-keys", "-t", "f", key]).status.success(), "send-keys {key}");
        }
    }

    fn paste(&self, text: &str) {
        let file = self.dir.path().join("paste.txt");
        std::fs::write(&file, text).unwrap();
        let loaded = self.tmux(&["load-buffer", "-b", "p", &file.to_string_lossy()]);
        assert!(loaded.status.success(), "load-buffer");
        assert!(self.tmux(&["paste-buffer", "-d", "-p", "-b", "p", "-t", "f"]).status.success(), "paste-buffer");
        self.keys(&["Enter"]);
    }

    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return;
            }
            assert!(Instant::now() < deadline, "{what} not on screen within {WAIT:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn gone(&self) -> bool {
        !self.tmux(&["has-session", "-t", "f"]).status.success()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        let dir = std::env::var_os("TMUX_TMPDIR").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        let _ = std::fs::remove_file(dir.join(format!("tmux-{uid}")).join(&self.socket));
    }
}

#[test]
fn trust_screen_of_a_worktree_exits_on_enter_and_trusts_on_down_enter() {
    let trust = [("FAKE_CLAUDE_TRUST_SCREEN", "1")];
    let pane = Pane::start(&trust, "hello");
    pane.wait_for("the trust screen", |s| {
        s.contains("Quick safety check: Is this a project you created or one you trust?")
            && s.contains("This folder is part of the repository at:")
            && s.contains(" ❯ No, exit")
            && s.contains("   Yes, I trust this folder and its repository")
            && s.contains(" Enter to confirm · Esc to cancel")
    });
    pane.keys(&["Enter"]);
    let deadline = Instant::now() + WAIT;
    while !pane.gone() {
        assert!(Instant::now() < deadline, "Enter on \"No, exit\" did not end the fake:\n{}", pane.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(pane);

    let pane = Pane::start(&trust, "hello");
    pane.wait_for("the trust screen", |s| s.contains(" ❯ No, exit"));
    pane.keys(&["Down", "Enter"]);
    pane.wait_for("the turn behind the trust screen", |s| s.contains("Do you want to proceed?"));
}

#[test]
fn auto_mode_offer_eats_a_paste_and_is_declined_with_down_enter() {
    let pane = Pane::start(&[("FAKE_CLAUDE_AUTO_MODE_OFFER", "1")], "hello");
    pane.wait_for("the permission dialog", |s| s.contains("Do you want to proceed?"));
    pane.keys(&["1", "Enter"]);
    pane.wait_for("the offer after the turn", |s| {
        s.contains("Make auto mode your default permission mode?")
            && s.contains("  ❯ Yes, set auto mode as my default permission mode")
            && s.contains("    No, keep manual mode")
    });
    pane.paste("a message for the agent");
    pane.wait_for("the refusal of the paste", |s| s.contains("Not answered yet · ↑/↓ to choose · Esc to cancel"));
    assert!(pane.screen().contains("Make auto mode your default"), "a paste and Enter answered the offer");
    pane.keys(&["Down", "Enter"]);
    pane.wait_for("the prompt once the offer is declined", |s| {
        let last = s.trim_end().lines().last().unwrap_or_default().to_owned();
        last.starts_with('>') && !s.contains("Not answered yet")
    });
}
