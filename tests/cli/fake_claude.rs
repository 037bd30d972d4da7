//! The fake `claude` in tests/fixtures/bin stands in for the real Claude Code CLI in Grove's tests.
//! These tests hold it to the formats in agent-formats.md §1 (transcript §1.2/§1.3, hooks §1.5/§1.7)
//! and to the screen lines pane scrapers look for, by running it in a real tmux pane.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Bounds every wait; the fake answers within a second or two, so this only catches a hang.
const WAIT: Duration = Duration::from_secs(20);
/// The hook events Grove's `--settings` file listens to, as in agent-formats.md §1.8.
const EVENTS: [&str; 8] = [
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PermissionRequest",
    "Notification",
    "PostToolUse",
    "Stop",
    "SessionEnd",
];
const DIALOG: [&str; 6] = [
    "Bash command",
    "   cargo test",
    "Do you want to proceed?",
    "❯ 1. Yes",
    "  2. Yes, and don't ask again for this command",
    "  3. No, and tell Claude what to do differently (esc)",
];
const INTERRUPTED: &str = "[Request interrupted by user for tool use]";

fn fake_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin")
}

/// A private tmux server, killed when the test ends, pass or fail, and its socket file removed.
struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").args(["-L", &self.0, "-f", "/dev/null"]).args(args).output().expect("run tmux")
    }

    fn pane(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "claude"]).stdout).into_owned()
    }

    /// The last 15 lines of the pane, after dropping the empty rows below the content, which is what
    /// a scraper looking at "the bottom of the screen" sees.
    fn bottom(&self) -> Vec<String> {
        let pane = self.pane();
        let lines: Vec<String> = pane.trim_end().lines().map(|l| l.trim_end().to_owned()).collect();
        lines[lines.len().saturating_sub(15)..].to_vec()
    }

    fn send(&self, text: &str) {
        // -l sends the text literally; Enter goes separately as a key name.
        let out = self.run(&["send-keys", "-t", "claude", "-l", text]);
        assert!(out.status.success(), "tmux send-keys: {}", String::from_utf8_lossy(&out.stderr));
        let out = self.run(&["send-keys", "-t", "claude", "Enter"]);
        assert!(out.status.success(), "tmux send-keys Enter: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        let dir = std::env::var_os("TMUX_TMPDIR").map_or_else(|| "/tmp".into(), PathBuf::from);
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        let _ = std::fs::remove_file(dir.join(format!("tmux-{uid}")).join(&self.0));
    }
}

/// A temp dir holding the config root, HOME, a git-less worktree and the two settings layers, and
/// the fake running in a tmux pane there with a first prompt.
struct Fake {
    dir: tempfile::TempDir,
    session_id: &'static str,
    tmux: Tmux,
    /// The settings files and their bytes before the run: the fake must only read them.
    settings: Vec<(PathBuf, Vec<u8>)>,
}

impl Fake {
    fn start(case: &str, session_id: &'static str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        for sub in ["config", "home", "wt"] {
            std::fs::create_dir_all(p.join(sub)).unwrap();
        }
        // Grove's layer: every event appends its payload to one file (JSON objects back to back).
        let append = format!("cat >> '{}'", p.join("payloads").display());
        let hooks: serde_json::Map<String, Value> = EVENTS
            .iter()
            .map(|e| (e.to_string(), json!([{"hooks": [{"type": "command", "command": append, "timeout": 5}]}])))
            .collect();
        let flag = p.join("grove-hooks.json");
        std::fs::write(&flag, serde_json::to_vec_pretty(&json!({ "hooks": hooks })).unwrap()).unwrap();
        // The user's own layer, which must keep working next to Grove's (§0.2: arrays merge).
        let marker = format!("touch '{}'", p.join("user-stop-hook-ran").display());
        let user = p.join("config/settings.json");
        let user_settings =
            json!({"model": "opus", "hooks": {"Stop": [{"hooks": [{"type": "command", "command": marker}]}]}});
        std::fs::write(&user, serde_json::to_vec_pretty(&user_settings).unwrap()).unwrap();
        let settings = [flag.clone(), user].into_iter().map(|f| (f.clone(), std::fs::read(&f).unwrap())).collect();

        let tmux = Tmux(format!("grove-fake-claude-{}-{case}", std::process::id()));
        let path = format!("{}:{}", fake_bin().display(), std::env::var("PATH").unwrap_or_default());
        let env = |k: &str, v: &Path| format!("{k}={}", v.display());
        let out = Command::new("tmux")
            // tmux takes a new session's PATH from the client, not from -e.
            .env("PATH", path)
            .env_remove("TMUX")
            .args(["-L", &tmux.0, "-f", "/dev/null", "new-session", "-d", "-s", "claude", "-x", "120", "-y", "40"])
            .arg("-c")
            .arg(p.join("wt"))
            .args(["-e", &env("CLAUDE_CONFIG_DIR", &p.join("config")), "-e", &env("HOME", &p.join("home"))])
            .args(["-e", &env("FAKE_CLAUDE_LOG", &p.join("events.log")), "-e", "FAKE_CLAUDE_WORK_SECS=0.5"])
            .args(["-e", "FAKE_CLAUDE_IDLE_NOTIFY_SECS=3600"])
            .args(["--", "claude", "--session-id", session_id, "--settings", &flag.to_string_lossy()])
            .args(["--", "run the tests"])
            .output()
            .expect("run tmux");
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        Self { dir, session_id, tmux, settings }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The hook payloads so far, in order. A payload being written is left out until it is whole.
    fn payloads(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.path().join("payloads")).unwrap_or_default();
        serde_json::Deserializer::from_str(&text).into_iter::<Value>().map_while(Result::ok).collect()
    }

    fn events(&self) -> Vec<String> {
        self.payloads().iter().map(|p| p["hook_event_name"].as_str().unwrap_or("?").to_owned()).collect()
    }

    fn payload(&self, event: &str) -> Option<Value> {
        self.payloads().into_iter().find(|p| p["hook_event_name"] == event)
    }

    /// Where Claude Code keeps this session's transcript (§1.1): the realpath of the cwd with every
    /// character outside [A-Za-z0-9] replaced by `-`.
    fn transcript_path(&self) -> PathBuf {
        let cwd = self.path().join("wt").canonicalize().unwrap();
        let encoded: String =
            cwd.to_string_lossy().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        self.path().join("config/projects").join(encoded).join(format!("{}.jsonl", self.session_id))
    }

    /// Every transcript line, each of which must be one JSON object.
    fn transcript(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.transcript_path()).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSONL line {l:?}: {e}"))).collect()
    }

    /// Polls `probe` until it yields a value, within [`WAIT`]; the panic shows what the fake did.
    fn wait_for<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(value) = probe() {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {WAIT:?} waiting for {what}\nhook events: {:?}\npane:\n{}",
                self.events(),
                self.tmux.pane()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_dialog(&self) {
        self.wait_for("the PermissionRequest hook", || self.payload("PermissionRequest"));
        self.wait_for("the permission dialog at the bottom of the pane", || {
            let bottom = self.tmux.bottom();
            DIALOG.iter().all(|want| bottom.iter().any(|l| l == want)).then_some(())
        });
    }

    /// At rest: a `>` prompt line under a separator line, at the bottom of the pane.
    fn wait_for_prompt(&self) -> Vec<String> {
        self.wait_for("the prompt at rest", || {
            let bottom = self.tmux.bottom();
            let n = bottom.len();
            (n >= 2 && bottom[n - 1] == ">" && bottom[n - 2].starts_with('─')).then_some(bottom)
        })
    }

    fn assert_settings_untouched(&self) {
        for (file, before) in &self.settings {
            assert_eq!(&std::fs::read(file).unwrap(), before, "{} must be only read, never written", file.display());
        }
        assert!(!self.path().join("home/.claude").exists(), "with CLAUDE_CONFIG_DIR set, nothing goes to ~/.claude");
    }

    /// What every payload shares (§1.5), and what a turn's tool calls share.
    fn assert_common_fields(&self, payloads: &[Value]) {
        let transcript = self.transcript_path();
        let cwd = self.path().join("wt").canonicalize().unwrap();
        for p in payloads {
            assert_eq!(p["session_id"], self.session_id, "{p}");
            assert_eq!(p["transcript_path"], transcript.to_string_lossy().as_ref(), "{p}");
            assert_eq!(p["cwd"], cwd.to_string_lossy().as_ref(), "{p}");
            assert_eq!(p["permission_mode"], "default", "{p}");
        }
        assert_eq!(payloads[0]["source"], "startup");
        assert!(payloads[0]["model"].is_string(), "SessionStart carries the model: {}", payloads[0]);
        assert_eq!(payloads[1]["prompt"], "run the tests");
        let tool_use_id = payloads[2]["tool_use_id"].as_str().expect("PreToolUse has a tool_use_id");
        assert!(tool_use_id.starts_with("toolu_"), "{tool_use_id}");
        for p in &payloads[2..4] {
            assert_eq!(p["tool_name"], "Bash", "{p}");
            assert_eq!(p["tool_input"], json!({"command": "cargo test", "description": "Run tests"}), "{p}");
            assert_eq!(p["tool_use_id"], tool_use_id, "{p}");
        }
        assert_eq!(payloads[4]["notification_type"], "permission_prompt");
        assert_eq!(payloads[4]["message"], "Claude needs your permission to use Bash");
    }
}

/// The transcript's shape (§1.2): one session, a parentUuid chain from a null root, ISO-8601 UTC
/// timestamps with milliseconds, and the envelope fields on every entry.
fn assert_envelopes(entries: &[Value], session_id: &str) {
    assert!(!entries.is_empty(), "the transcript has entries");
    let mut parent = Value::Null;
    for e in entries {
        assert_eq!(e["sessionId"], session_id, "{e}");
        assert_eq!(e["parentUuid"], parent, "each entry's parent is the entry before it: {e}");
        assert_eq!(e["isSidechain"], false, "{e}");
        assert_eq!(e["version"], "2.1.90", "{e}");
        assert!(e["cwd"].is_string(), "{e}");
        let ts = e["timestamp"].as_str().unwrap_or_default();
        let shape = ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T' && ts.as_bytes()[19] == b'.';
        assert!(shape, "timestamp like 2025-11-02T10:15:00.123Z, got {ts:?}");
        parent = e["uuid"].clone();
        assert!(parent.is_string(), "{e}");
    }
    assert_eq!(entries[0]["type"], "user");
    assert_eq!(entries[0]["message"], json!({"role": "user", "content": "run the tests"}));
    let tool_use = &entries[1]["message"];
    assert_eq!(entries[1]["type"], "assistant");
    assert_eq!(tool_use["stop_reason"], "tool_use");
    assert_eq!(tool_use["content"][0]["type"], "tool_use");
    assert_eq!(tool_use["content"][0]["name"], "Bash");
}

#[test]
fn fake_claude_approved_turn_fires_every_hook_and_ends_the_transcript_with_end_turn() {
    let fake = Fake::start("approve", "5b0e2c1a-7d3f-4e8a-9c11-2f6d8a4b0e77");
    fake.wait_for_dialog();
    assert!(
        fake.transcript().last().is_some_and(|e| e["message"]["stop_reason"] == "tool_use"),
        "while the dialog waits, the transcript ends at the tool_use (§1.3)"
    );
    fake.tmux.send("y");
    fake.wait_for("the Stop hook", || fake.payload("Stop"));
    // The prompt comes back only once every Stop hook, the user's too, has finished.
    let bottom = fake.wait_for_prompt();

    let want =
        ["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "Notification", "PostToolUse", "Stop"];
    let payloads = fake.payloads();
    assert_eq!(fake.events(), want);
    let log = std::fs::read_to_string(fake.path().join("events.log")).unwrap();
    assert_eq!(log.lines().collect::<Vec<_>>(), want, "FAKE_CLAUDE_LOG lists the same events");
    fake.assert_common_fields(&payloads);
    let tool_use_id = &payloads[2]["tool_use_id"];
    assert_eq!(payloads[5]["tool_use_id"], *tool_use_id);
    assert!(payloads[5]["tool_response"].is_object(), "PostToolUse carries the tool_response");
    assert_eq!(payloads[6]["stop_hook_active"], false);
    assert_eq!(payloads[6]["last_assistant_message"], "All 42 tests pass.");
    assert!(fake.path().join("user-stop-hook-ran").exists(), "the user's own Stop hook ran too");

    let entries = fake.transcript();
    assert_envelopes(&entries, fake.session_id);
    assert_eq!(entries[1]["message"]["content"][0]["id"], *tool_use_id);
    let result = &entries[entries.len() - 3];
    assert_eq!(result["message"]["content"][0]["type"], "tool_result", "{result}");
    assert_eq!(result["message"]["content"][0]["tool_use_id"], *tool_use_id, "{result}");
    let [.., answer, done] = entries.as_slice() else { unreachable!() };
    assert_eq!(answer["type"], "assistant", "{answer}");
    assert_eq!(answer["message"]["stop_reason"], "end_turn", "{answer}");
    assert_eq!(answer["message"]["content"][0], json!({"type": "text", "text": "All 42 tests pass."}));
    assert_eq!((&done["type"], &done["subtype"]), (&json!("system"), &json!("turn_duration")), "{done}");

    assert!(
        !bottom.iter().any(|l| l.contains("Do you want to proceed?")),
        "the dialog is gone:\n{}",
        bottom.join("\n")
    );
    fake.assert_settings_untouched();
}

#[test]
fn fake_claude_denied_tool_ends_with_the_interrupt_marker_and_no_stop_hook() {
    let fake = Fake::start("deny", "0f3c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6");
    fake.wait_for_dialog();
    fake.tmux.send("n");
    fake.wait_for("the interrupt marker, then the turn's duration, at the end of the transcript", || {
        let mut entries = fake.transcript();
        let (last, marker) = (entries.pop()?, entries.pop()?);
        let ended = last["type"] == "system" && last["subtype"] == "turn_duration";
        (ended && marker["message"]["content"][0]["text"] == INTERRUPTED).then_some(())
    });
    let bottom = fake.wait_for_prompt();
    assert!(
        !bottom.iter().any(|l| l.contains("Do you want to proceed?")),
        "the dialog is gone:\n{}",
        bottom.join("\n")
    );

    // A later event bounds the wait for a Stop that must not come: hooks fire in order.
    fake.tmux.send("/exit");
    let end = fake.wait_for("the SessionEnd hook", || fake.payload("SessionEnd"));
    assert_eq!(end["reason"], "prompt_input_exit");
    let payloads = fake.payloads();
    let want = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "Notification", "SessionEnd"];
    assert_eq!(fake.events(), want, "no Stop after a denial (§1.3)");
    fake.assert_common_fields(&payloads);
    assert!(!fake.path().join("user-stop-hook-ran").exists(), "no Stop hook of any layer ran");

    let entries = fake.transcript();
    assert_envelopes(&entries, fake.session_id);
    let [.., rejected, marker, _duration] = entries.as_slice() else { unreachable!() };
    let result = &rejected["message"]["content"][0];
    assert_eq!(result["type"], "tool_result", "{rejected}");
    assert_eq!(result["tool_use_id"], payloads[2]["tool_use_id"], "{rejected}");
    assert_eq!(result["is_error"], true, "{rejected}");
    assert!(
        result["content"].as_str().unwrap_or_default().starts_with("The user doesn't want to proceed"),
        "{rejected}"
    );
    assert_eq!(marker["message"]["content"], json!([{"type": "text", "text": INTERRUPTED}]));
    fake.assert_settings_untouched();
}

#[test]
fn fake_claude_prints_its_version_and_rejects_bad_arguments_like_the_real_cli() {
    let dir = tempfile::tempdir().unwrap();
    let claude = |args: &[&str]| {
        Command::new(fake_bin().join("claude"))
            .args(args)
            .current_dir(dir.path())
            .env("CLAUDE_CONFIG_DIR", dir.path())
            .env("HOME", dir.path())
            .output()
            .expect("run the fake claude")
    };
    let version = claude(&["--version"]);
    assert!(version.status.success());
    assert_eq!(String::from_utf8_lossy(&version.stdout), "2.1.90 (Claude Code)\n");
    for bad in [&["--session-id", "not-a-uuid"][..], &["--no-such-flag"], &["--model"]] {
        let out = claude(bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?} is a usage error");
        assert!(!out.stderr.is_empty(), "{bad:?} explains itself on stderr");
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "usage errors write nothing");
}
