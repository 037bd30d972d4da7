//! Dialogs and sends (SPEC I2b, F2a, F5a), through the `grove` binary with the fake Claude Code in
//! real tmux: its permission dialog is a waiting state with its options; a message is refused
//! while the dialog would swallow it (`dialog_open`), keys answer it exactly; a killed session is
//! never revived by a send, a session stopped with `grove stop --session` is.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const WAIT: Duration = Duration::from_secs(20);

struct Fleet {
    dir: tempfile::TempDir,
    ids: std::cell::RefCell<Vec<String>>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        // Whatever a failed assertion left running goes with the test.
        for id in self.ids.borrow().iter() {
            let _ = self.grove(&["kill", id, "--discard"]);
        }
    }
}

impl Fleet {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = super::support::git_repo(&dir.path().join("repo"));
        let fake_claude = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/claude");
        let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
        let config = format!(
            "[projects.app]\npath = {}\nagent = \"claude-code\"\n\n\
             [agents.claude-code]\ncommand = {}\nenv = {{ FAKE_CLAUDE_WORK_SECS = \"0.2\" }}\n",
            quoted(&repo),
            quoted(&fake_claude),
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Self { dir, ids: Default::default() }
    }

    fn grove(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_grove"))
            .args(args)
            .env("GROVE_HOME", self.dir.path().join("grove"))
            .env("GROVE_CONFIG", self.dir.path().join("config.toml"))
            .env("CLAUDE_CONFIG_DIR", self.dir.path().join("claude"))
            .env_remove("GROVE_LOG")
            .output()
            .expect("run grove")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.grove(args);
        assert!(out.status.success(), "grove {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn spawn(&self) -> String {
        let id = self.ok(&["spawn", "--project", "app", "--prompt", "run the tests"]);
        self.ids.borrow_mut().push(id.clone());
        id
    }

    fn show(&self, id: &str) -> Value {
        serde_json::from_str(&self.ok(&["show", id, "--json"])).expect("show --json is JSON")
    }

    /// Polls `grove show` until `done` holds for the session, and returns that reading.
    fn wait_for(&self, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = self.show(id);
            if done(&shown) {
                return shown;
            }
            assert!(Instant::now() < deadline, "{what} did not happen within {WAIT:?}; last reading: {shown:#}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self, id: &str) -> String {
        let path: PathBuf = self.dir.path().join("grove/projects/app/events").join(format!("{id}.jsonl"));
        std::fs::read_to_string(path).unwrap_or_default()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_dialog_is_shown_with_its_options_refuses_pasted_text_and_is_answered_with_keys() {
    let fleet = Fleet::new();
    let id = fleet.spawn();
    let waiting = fleet.wait_for(&id, "the permission dialog read with its options (I2b)", |s| {
        s["live"]["dialog"]["options"].as_array().is_some_and(|o| o.len() == 3)
    });
    let dialog = &waiting["live"]["dialog"];
    assert_eq!(dialog["kind"], "permission", "{dialog:#}");
    assert_eq!(dialog["title"], "Do you want to proceed?", "{dialog:#}");
    assert_eq!(dialog["options"][0], serde_json::json!({"label": "Yes", "keys": ["1"]}), "{dialog:#}");
    assert_eq!(dialog["options"][2]["keys"], serde_json::json!(["3"]), "Claude chooses a numbered option at its digit");
    assert_eq!(waiting["attention"], "respond", "a dialog needs its human: {waiting:#}");

    // F2a: a message would be swallowed by the dialog, so it is refused, naming the dialog.
    let refused = fleet.grove(&["send", &id, "also update the docs"]);
    assert!(!refused.status.success(), "a send into an open dialog must fail");
    let why = stderr(&refused);
    assert!(why.contains("dialog_open") && why.contains("Do you want to proceed?"), "stderr: {why}");
    assert!(why.contains("1 = Yes"), "the refusal lists the options and their keys: {why}");
    assert!(!fleet.events(&id).contains("\"input\""), "nothing was delivered");

    // Keys answer it exactly; the turn then runs to its end.
    fleet.ok(&["send", &id, "--key", "1", "--key", "Enter"]);
    fleet.wait_for(&id, "the Stop hook after the answer", |_| fleet.events(&id).contains("\"Stop\""));
    let done = fleet.wait_for(&id, "ready with no dialog", |s| s["live"]["activity"] == "ready");
    assert!(done["live"]["dialog"].is_null(), "the dialog is gone: {done:#}");

    // Unknown key names never reach tmux.
    let bad = fleet.grove(&["send", &id, "--key", "C-c"]);
    assert!(!bad.status.success() && stderr(&bad).contains("unknown key"), "stderr: {}", stderr(&bad));
}

#[test]
fn a_send_revives_a_stopped_session_but_never_a_killed_one() {
    let fleet = Fleet::new();
    let stopped = fleet.spawn();
    let killed = fleet.spawn();
    for id in [&stopped, &killed] {
        fleet.wait_for(id, "the dialog", |s| !s["live"]["dialog"].is_null());
    }

    // F5a: one session stopped from the command line, restorable, the other untouched.
    fleet.ok(&["stop", "--session", &stopped]);
    let record = fleet.show(&stopped);
    assert_eq!(record["record"]["lifecycle"]["session"]["reason"], "stopped_for_restore", "{record:#}");
    let other = fleet.show(&killed);
    assert_ne!(
        other["record"]["lifecycle"]["session"]["state"], "terminated",
        "stopping one session stops only it: {other:#}"
    );

    // F2a: a killed session stays killed whatever is sent to it.
    fleet.ok(&["kill", &killed]);
    let refused = fleet.grove(&["send", &killed, "are you there?"]);
    assert!(!refused.status.success(), "a send must not revive a killed session");
    assert!(stderr(&refused).contains("killed"), "the refusal says why: {}", stderr(&refused));
    let record = fleet.show(&killed);
    assert_eq!(record["record"]["lifecycle"]["session"]["reason"], "manually_killed", "still killed: {record:#}");

    // The stopped one is restored, then gets the message.
    let sent = fleet.ok(&["send", &stopped, "carry on"]);
    assert!(sent.contains("restored"), "the send says it restored the session first: {sent}");
    let record = fleet.show(&stopped);
    assert_ne!(record["record"]["lifecycle"]["session"]["state"], "terminated", "restored: {record:#}");
}
