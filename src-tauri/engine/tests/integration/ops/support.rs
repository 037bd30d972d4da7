//! Shared helpers for the operation tests: a temp home with a temp git repository as project
//! `proj`, custom shell agents, a guard that kills Grove's test tmux server, and bounded polls.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use grove_engine::config::{AgentConfig, Config, Project, Runtime};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::{Ops, SpawnRequest};
use grove_engine::store::Store;

/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(20);

/// How often a poll looks again. Polling with a deadline is the synchronisation; this only
/// keeps it from spinning.
const POLL_EVERY: Duration = Duration::from_millis(50);

/// A custom agent that prints `ready <session>` and then echoes what it reads.
pub const ECHO_AGENT: &str = "echo";
/// A custom agent that writes everything it reads to `$GROVE_TEST_OUT` (terminal echo off).
pub const RECORDER_AGENT: &str = "recorder";
/// A custom agent that ignores SIGINT and SIGTERM, for the process-group escalation.
pub const STUBBORN_AGENT: &str = "stubborn";

/// A temp Grove home with project `proj` (a fresh git repository on `main` with one commit).
/// Dropping it kills Grove's tmux server of this home.
pub struct Fixture {
    /// The temp directory holding everything.
    pub tmp: tempfile::TempDir,
    /// The Grove home.
    pub home: GroveHome,
    /// The project's repository.
    pub repo: PathBuf,
    /// The project id.
    pub project: ProjectId,
    /// The config the operations use.
    pub config: Config,
}

impl Fixture {
    /// A fixture whose project runs `post_create` in each new worktree, on `runtime`.
    pub fn with(post_create: &[&str], runtime: Runtime) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().expect("canonical temp dir");
        let home = GroveHome::at(root.join("home"));
        let repo = root.join("repo");
        std::fs::create_dir_all(&repo).expect("create repo dir");
        git(&repo, &["init", "-q", "-b", "main"]);
        std::fs::write(repo.join("README.md"), "hello\n").expect("write README");
        git(&repo, &["add", "README.md"]);
        git(&repo, &["commit", "-q", "-m", "first"]);
        let project = ProjectId::new("proj").expect("valid id");
        let mut config = Config::default();
        config.projects.insert(
            project.clone(),
            Project {
                id: project.clone(),
                name: "proj".into(),
                path: repo.clone(),
                repo: None,
                default_branch: "main".into(),
                session_prefix: "proj".into(),
                agent: ECHO_AGENT.into(),
                runtime,
                post_create: post_create.iter().map(|c| (*c).to_owned()).collect(),
                agent_rules_file: None,
                mute_notifications: false,
                land: grove_engine::config::LandMethod::Squash,
                after_land: grove_engine::config::AfterLand::Keep,
                reactions: BTreeMap::new(),
                declared_in: root.join("config.toml"),
                local_file: None,
            },
        );
        let out = root.join("received.bin");
        let agent = |script: &str, env: &[(&str, &Path)]| AgentConfig {
            command: "sh".into(),
            args: vec!["-c".into(), script.into()],
            env: env.iter().map(|(k, v)| ((*k).to_owned(), v.display().to_string())).collect(),
            resume_args: None,
        };
        config.agents.insert(ECHO_AGENT.into(), agent("echo ready $GROVE_SESSION; exec cat", &[]));
        config.agents.insert(
            RECORDER_AGENT.into(),
            agent("stty -echo; echo ready; exec cat > \"$GROVE_TEST_OUT\"", &[("GROVE_TEST_OUT", &out)]),
        );
        config.agents.insert(STUBBORN_AGENT.into(), agent("trap '' INT TERM; echo ready; exec sleep 600", &[]));
        Self { tmp, home, repo, project, config }
    }

    /// A fixture without `post_create`, on tmux.
    pub fn new() -> Self {
        Self::with(&[], Runtime::Tmux)
    }

    /// Operations on this home. They count an agent as started at once: only the tests of the
    /// grace period itself (SPEC F4a) wait it out, with `grove_engine::ops::START_GRACE`.
    pub fn ops(&self) -> Ops {
        Ops::new(Store::new(self.home.clone()), self.config.clone()).with_start_grace(std::time::Duration::ZERO)
    }

    /// A spawn request in the project with `agent` and `prompt`.
    pub fn request(&self, agent: &str, prompt: &str) -> SpawnRequest {
        SpawnRequest {
            agent: Some(agent.into()),
            prompt: Some(prompt.into()),
            ..SpawnRequest::new(self.project.clone())
        }
    }

    /// The file the recorder agent writes.
    pub fn received(&self) -> PathBuf {
        self.tmp.path().canonicalize().unwrap().join("received.bin")
    }

    /// Grove's tmux socket of this home.
    pub fn socket(&self) -> PathBuf {
        self.home.tmux_socket()
    }

    /// Whether tmux session `id` exists on Grove's socket.
    pub fn has_session(&self, id: &SessionId) -> bool {
        tmux_has_session(&self.socket(), id.as_str())
    }

    /// The visible text of session `id`'s pane.
    pub fn capture(&self, id: &SessionId) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(self.socket())
            .args(["capture-pane", "-p", "-t", &format!("={id}:")])
            .output()
            .expect("run tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until session `id`'s pane shows `text`, failing the test after [`WAIT`].
    pub async fn wait_for_output(&self, id: &SessionId, text: &str) {
        let what = format!("{text:?} in the pane of {id}");
        poll(&what, || self.capture(id).contains(text).then_some(())).await;
    }

    /// Whether local branch `branch` exists in the project repository.
    pub fn branch_exists(&self, branch: &str) -> bool {
        Command::new("git")
            .arg("-C")
            .arg(&self.repo)
            .args(["show-ref", "--verify", "--quiet", &format!("refs/heads/{branch}")])
            .status()
            .expect("run git show-ref")
            .success()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends Grove's tmux server of its home, pass or fail.
        kill_server(&self.socket());
    }
}

/// Kills the tmux server on the socket at `socket` and removes the socket file tmux leaves
/// behind (also when the server already exited on its own after its last session ended).
pub fn kill_server(socket: &Path) {
    let _ = Command::new("tmux").arg("-S").arg(socket).arg("kill-server").output();
    let _ = std::fs::remove_file(socket);
}

/// Whether session `name` exists on the tmux server of the socket at `socket`.
pub fn tmux_has_session(socket: &Path, name: &str) -> bool {
    Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(["has-session", "-t", &format!("={name}")])
        .output()
        .expect("run tmux has-session")
        .status
        .success()
}

/// Runs git in `dir`, failing the test if it fails; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid"])
        .args(args)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Polls `check` until it returns `Some`, failing the test with `what` after [`WAIT`].
pub async fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}");
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Awaits `fut` for at most [`WAIT`], failing the test with `what` if it takes longer.
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut).await.unwrap_or_else(|_| panic!("{what} did not finish within {WAIT:?}"))
}
