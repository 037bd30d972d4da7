//! Grove never writes the user's global agent config (SPEC I0a; issue: status truth): with HOME a
//! read-only copy holding `~/.claude/settings.json`, `~/.codex/config.toml` and Aider's config,
//! spawning Claude Code, Codex and Aider sessions, answering Claude's permission prompt, listing
//! with live probes and killing them all leaves every file under HOME, and Claude's own settings,
//! byte for byte and time for time as they were. Meanwhile the hooks reach Grove, the user's own
//! Claude hook still runs (hooks merge), and the user's Codex notify program is chained after
//! Grove's rather than replaced.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use grove_engine::home::GroveHome;

const WAIT: Duration = Duration::from_secs(20);

struct Setup {
    dir: tempfile::TempDir,
    socket: std::path::PathBuf,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
        // Give the home back its write bit so the temp dir can be removed.
        let _ = Command::new("chmod").args(["-R", "u+w"]).arg(self.dir.path()).output();
    }
}

impl Setup {
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn home(&self) -> PathBuf {
        self.path().join("user")
    }
    fn claude_config(&self) -> PathBuf {
        self.path().join("claude-config")
    }

    fn grove(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_grove"))
            .args(args)
            .env("GROVE_HOME", self.path().join("grove"))
            .env("GROVE_CONFIG", self.path().join("config.toml"))
            .env("HOME", self.home())
            .env("CLAUDE_CONFIG_DIR", self.claude_config())
            .env_remove("CODEX_HOME")
            .env_remove("GROVE_LOG")
            .output()
            .expect("run grove")
    }

    fn spawn(&self, agent: &str) -> String {
        let out = self.grove(&["spawn", "--project", "app", "--agent", agent, "--prompt", "run the tests"]);
        assert!(out.status.success(), "spawn {agent}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn events(&self, id: &str) -> String {
        std::fs::read_to_string(self.path().join("grove/projects/app/events").join(format!("{id}.jsonl")))
            .unwrap_or_default()
    }

    fn wait_for(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done() {
            assert!(Instant::now() < deadline, "{what} did not happen within {WAIT:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The command tmux started for session `id`.
    fn start_command(&self, id: &str) -> String {
        let target = format!("={id}:");
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["display-message", "-p", "-t", &target, "#{pane_start_command}"])
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Every file under `root`: its bytes and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                dirs.push(path);
            } else {
                files.insert(path.clone(), (std::fs::read(&path).unwrap(), meta.modified().unwrap()));
            }
        }
    }
    files
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn executable(path: &Path, body: &str) {
    write(path, body);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn agents_report_to_grove_while_the_users_agent_config_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let socket = GroveHome::at(dir.path().join("grove")).tmux_socket();
    let setup = Setup { dir, socket };
    let (home, claude_config) = (setup.home(), setup.claude_config());
    let user_hook_ran = setup.path().join("user-stop-hook-ran");
    let user_notify = setup.path().join("user-notify.sh");

    // The user's own agent config, as a developer's machine has it.
    let user_hooks = format!(
        r#"{{"hooks": {{"Stop": [{{"hooks": [{{"type": "command", "command": "touch '{}'"}}]}}]}}, "model": "opus"}}"#,
        user_hook_ran.display()
    );
    write(&home.join(".claude/settings.json"), &user_hooks);
    write(&claude_config.join("settings.json"), &user_hooks);
    write(
        &home.join(".codex/config.toml"),
        &format!("model = \"o3\"\nnotify = [\"{}\", \"--from-codex\"]\n", user_notify.display()),
    );
    write(&home.join(".aider.conf.yml"), "auto-commits: false\n");
    write(&home.join(".gitconfig"), "[user]\n\tname = Ann\n");
    executable(&user_notify, "#!/bin/sh\nexit 0\n");

    // Agents: the fake Claude Code CLI, and stand-ins for Codex and Aider that just stay alive.
    let fake_claude = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/claude");
    let idle = setup.path().join("bin/idle-agent");
    executable(&idle, "#!/bin/sh\nexec sleep 120\n");
    let repo = setup.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo.join("README.md"), "# app\n");
    git(&repo, &["add", "README.md"]);
    git(&repo, &["-c", "user.name=T", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "init"]);
    let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
    write(
        &setup.path().join("config.toml"),
        &format!(
            "[projects.app]\npath = {}\nagent = \"claude-code\"\n\n\
             [agents.claude-code]\ncommand = {}\nenv = {{ FAKE_CLAUDE_WORK_SECS = \"0.2\" }}\n\n\
             [agents.codex]\ncommand = {}\n\n[agents.aider]\ncommand = {}\n",
            quoted(&repo),
            quoted(&fake_claude),
            quoted(&idle),
            quoted(&idle),
        ),
    );

    let before_home = snapshot(&home);
    let before_settings = std::fs::read(claude_config.join("settings.json")).unwrap();
    let status = Command::new("chmod").args(["-R", "a-w"]).arg(&home).status().unwrap();
    assert!(status.success(), "make HOME read-only");

    let claude = setup.spawn("claude-code");
    let codex = setup.spawn("codex");
    let aider = setup.spawn("aider");

    setup.wait_for("Claude's permission prompt reaching Grove through its hook", || {
        setup.events(&claude).contains("\"PermissionRequest\"")
    });
    // The dialog is answered with keys: pasted text would be refused (SPEC F2a).
    let out = setup.grove(&["send", &claude, "--key", "1", "--key", "Enter"]);
    assert!(out.status.success(), "send: {}", String::from_utf8_lossy(&out.stderr));
    setup.wait_for("Claude's Stop hook reaching Grove", || setup.events(&claude).contains("\"Stop\""));
    setup.wait_for("the user's own Stop hook running beside Grove's", || user_hook_ran.exists());

    let codex_command = setup.start_command(&codex);
    assert!(
        // tmux shows the words quoted for a shell, so the TOML array's quotes come escaped.
        ["notify=", r#"\"hook\", \"codex\", \"--then\""#, "user-notify.sh", "--from-codex"]
            .iter()
            .all(|part| codex_command.contains(part)),
        "Codex runs Grove's notify, then the user's own: {codex_command}"
    );
    let aider_command = setup.start_command(&aider);
    assert!(aider_command.contains("--notifications-command"), "Aider reports when it waits: {aider_command}");

    let out = setup.grove(&["ls", "--fresh", "--json"]);
    assert!(out.status.success(), "ls --fresh: {}", String::from_utf8_lossy(&out.stderr));
    for id in [&claude, &codex, &aider] {
        let out = setup.grove(&["kill", id, "--discard"]);
        assert!(out.status.success(), "kill {id}: {}", String::from_utf8_lossy(&out.stderr));
    }

    let after_home = snapshot(&home);
    assert_eq!(
        after_home.keys().collect::<Vec<_>>(),
        before_home.keys().collect::<Vec<_>>(),
        "no file may appear in or vanish from HOME"
    );
    for (path, before) in &before_home {
        assert!(after_home[path] == *before, "{} changed", path.display());
    }
    assert_eq!(std::fs::read(claude_config.join("settings.json")).unwrap(), before_settings, "Claude's settings.json");
    let strays: Vec<PathBuf> = snapshot(&claude_config)
        .into_keys()
        .filter(|p| !p.starts_with(claude_config.join("projects")) && *p != claude_config.join("settings.json"))
        .collect();
    assert!(strays.is_empty(), "only the agent's own transcripts may appear in its config dir: {strays:?}");
}

/// Only the hook events the installed Claude knows are configured (issue: status truth): a
/// Claude 2.0.30 predates PermissionRequest, so Grove leaves it out and its permission prompt
/// reaches Grove through the Notification hook instead, still as a wait for the user.
#[test]
fn an_older_claude_gets_only_the_hook_events_it_knows_and_still_reports_its_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let socket = GroveHome::at(dir.path().join("grove")).tmux_socket();
    let setup = Setup { dir, socket };
    let fake_claude = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/claude");
    let repo = setup.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo.join("README.md"), "# app\n");
    git(&repo, &["add", "README.md"]);
    git(&repo, &["-c", "user.name=T", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "init"]);
    std::fs::create_dir_all(setup.home()).unwrap();
    let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
    write(
        &setup.path().join("config.toml"),
        &format!(
            "[projects.app]\npath = {}\nagent = \"claude-code\"\n\n[agents.claude-code]\ncommand = {}\n\
             env = {{ FAKE_CLAUDE_VERSION = \"2.0.30\" }}\n",
            quoted(&repo),
            quoted(&fake_claude),
        ),
    );
    // `claude --version` runs in Grove's environment, not the agent's: the old version is set
    // for it there too.
    let out = Command::new(env!("CARGO_BIN_EXE_grove"))
        .args(["spawn", "--project", "app", "--prompt", "run the tests"])
        .env("GROVE_HOME", setup.path().join("grove"))
        .env("GROVE_CONFIG", setup.path().join("config.toml"))
        .env("HOME", setup.home())
        .env("CLAUDE_CONFIG_DIR", setup.claude_config())
        .env("FAKE_CLAUDE_VERSION", "2.0.30")
        .env_remove("GROVE_LOG")
        .output()
        .unwrap();
    assert!(out.status.success(), "spawn: {}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    let settings_file = setup.path().join("grove/agents/claude-code/hooks-2.0.30.json");
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings_file).expect("the settings for 2.0.30")).unwrap();
    let events: Vec<&str> = settings["hooks"].as_object().unwrap().keys().map(String::as_str).collect();
    for known in ["PreToolUse", "PostToolUse", "Notification", "Stop", "SessionStart", "UserPromptSubmit"] {
        assert!(events.contains(&known), "{known} is configured: {events:?}");
    }
    for newer in ["PermissionRequest", "StopFailure", "PostToolUseFailure"] {
        assert!(!events.contains(&newer), "{newer} is newer than 2.0.30: {events:?}");
    }

    setup.wait_for("the permission prompt reaching Grove through the Notification hook", || {
        setup.events(&id).contains("permission_prompt")
    });
    let out = setup.grove(&["show", &id, "--json"]);
    assert!(out.status.success(), "show: {}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let live = &shown["live"];
    assert_eq!(live["activity"], "waiting_input", "the session needs its human: {live}");
    assert_eq!(live["activitySource"], "hook", "{live}");
    assert!(!setup.events(&id).contains("PermissionRequest"), "2.0.30 never ran the newer hook");
}
