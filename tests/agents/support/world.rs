//! One test's world: a private directory holding HOME (the agents' config), GROVE_HOME, Grove's
//! config and a real git repository as the project; the scripted model server; and the real
//! `grove` binary run against them. Dropping it kills every process the test started (Grove's
//! tmux server, the agents, Codex's detached app-server daemon) and removes the directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::clis::{self, Agent, Setup};
use super::procs;
use crate::model_server::ModelServer;

/// The project's id in Grove's config.
pub const PROJECT: &str = "app";

pub struct World {
    dir: tempfile::TempDir,
    pub agent: Agent,
    pub server: ModelServer,
}

impl World {
    /// A world for `agent` with the default setup (repository trusted, no auto-mode offer).
    pub fn new(agent: Agent) -> Self {
        Self::with(agent, Setup::default())
    }

    pub fn with(agent: Agent, setup: Setup) -> Self {
        clis::require(agent);
        // A short prefix keeps tmux's socket path and the agents' paths readable in failures.
        let dir = tempfile::Builder::new().prefix("grove-agents-").tempdir().expect("temp dir");
        let world = Self { dir, agent, server: ModelServer::start() };
        std::fs::create_dir_all(world.home()).expect("create HOME");
        world.init_repo();
        let section = clis::prepare(agent, &world.home(), &world.repo(), &world.server.base_url(), setup);
        let config = format!(
            "[projects.{PROJECT}]\npath = {}\nagent = \"{}\"\n\n{section}",
            clis::toml_string(&world.repo().to_string_lossy()),
            agent.grove_name()
        );
        std::fs::write(world.path().join("config.toml"), config).expect("write Grove's config");
        world
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// HOME of Grove and of every agent it starts.
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    pub fn repo(&self) -> PathBuf {
        self.path().join("repo")
    }

    pub fn grove_home(&self) -> PathBuf {
        self.path().join("grove")
    }

    fn init_repo(&self) {
        let repo = self.repo();
        std::fs::create_dir_all(&repo).expect("create repo");
        std::fs::write(repo.join("README.md"), "# app\n").expect("write README");
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["config", "user.name", "Grove Test"],
            &["config", "user.email", "grove-test@example.invalid"],
            &["add", "README.md"],
            &["commit", "-q", "-m", "Initial commit"],
        ] {
            let out = Command::new("git").args(args).current_dir(&repo).output().expect("run git");
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }

    /// Runs `grove` with the world's environment. The agents inherit it through Grove's tmux
    /// server, which the first `grove` starts.
    pub fn grove(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_grove"))
            .args(args)
            .env("GROVE_HOME", self.grove_home())
            .env("GROVE_CONFIG", self.path().join("config.toml"))
            .env("HOME", self.home())
            .env("TERM", "xterm-256color")
            .env_remove("CODEX_HOME")
            .env_remove("CLAUDE_CONFIG_DIR")
            .env_remove("GROVE_LOG")
            .env_remove("TMUX")
            .output()
            .expect("run grove")
    }

    /// Runs `grove` and returns its stdout; a failure fails the test with Grove's own words.
    pub fn grove_ok(&self, args: &[&str]) -> String {
        let out = self.grove(args);
        assert!(
            out.status.success(),
            "`grove {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Spawns a session of the world's agent with `prompt`; returns its id.
    pub fn spawn(&self, prompt: &str) -> String {
        let agent = self.agent.grove_name();
        self.grove_ok(&["spawn", "--project", PROJECT, "--agent", agent, "--prompt", prompt])
    }

    /// `grove show ID --json`, or `None` when it fails (a read racing a restart).
    pub fn show(&self, id: &str) -> Option<Value> {
        let out = self.grove(&["show", id, "--json"]);
        out.status.success().then(|| serde_json::from_slice(&out.stdout).ok()).flatten()
    }

    /// A field of the session's record (`grove show --json` nests it under `record`).
    pub fn record_field(&self, id: &str, name: &str) -> Option<String> {
        let shown = self.show(id).unwrap_or_else(|| panic!("grove show {id} failed"));
        let value = shown["record"].get(name).or_else(|| shown.get(name));
        value.and_then(Value::as_str).map(str::to_owned)
    }

    /// The session's worktree, as its record says.
    pub fn worktree(&self, id: &str) -> PathBuf {
        PathBuf::from(self.record_field(id, "worktree").unwrap_or_else(|| panic!("no worktree for session {id}")))
    }

    /// Sends `text` as a message, the way a user would type it.
    pub fn send(&self, id: &str, text: &str) {
        self.grove_ok(&["send", id, text]);
    }

    /// Sends named keys (`grove send ID --key K...`).
    pub fn keys(&self, id: &str, keys: &[&str]) {
        let mut args = vec!["send", id];
        for key in keys {
            args.extend(["--key", key]);
        }
        self.grove_ok(&args);
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let killed = procs::kill_all_of(self.path());
        let _ = std::fs::remove_file(tmux_socket_file(&self.grove_home()));
        if let Err(leak) = killed
            && !std::thread::panicking()
        {
            panic!("{leak}");
        }
    }
}

/// The socket file of Grove's tmux server for `grove_home` (a path Grove owns, SPEC D11a);
/// killing the server leaves the file behind.
fn tmux_socket_file(grove_home: &Path) -> PathBuf {
    grove_engine::home::GroveHome::at(grove_home).tmux_socket()
}
