//! A temp Grove home whose project runs the demo agent (this test binary, re-entered through
//! [`demo_agent_child`]) in tmux, the pane read in full, and bounded polls.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::process::Command;
use std::time::Duration;

use grove_engine::config::{AgentConfig, Config, Project, Runtime};
use grove_engine::demo::{DemoAgentOptions, Questions, ensure_demo_project, run_demo_agent};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::{Ops, SpawnRequest};
use grove_engine::store::Store;

/// Every wait in these tests is bounded by this: a debug-build agent doing a few git commits per
/// turn needs well under a second per turn; this only matters when something is broken.
pub const WAIT: Duration = Duration::from_secs(30);
/// How often a poll looks again; the deadline is the synchronisation, this keeps it from spinning.
const POLL_EVERY: Duration = Duration::from_millis(50);
/// Set in the agent's environment: it makes [`demo_agent_child`] run the demo agent.
const CHILD_ENV: &str = "GROVE_TEST_REACTIONS_DEMO_AGENT";
/// Full name of the child entry point inside this test binary.
const CHILD_TEST: &str = "reactions::support::demo_agent_child";
/// The agent name the project uses: this binary running the demo agent.
pub const DEMO_CHILD_AGENT: &str = "demo-child";

/// Entry point of the agent process the tmux tests start. Ignored so a normal run skips it; it
/// does nothing without [`CHILD_ENV`], so `--include-ignored` cannot read whoever's terminal.
#[test]
#[ignore = "entry point of the demo agent the reactions tests run in tmux"]
fn demo_agent_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let mut opts = DemoAgentOptions::from_env().expect("the child has a current directory");
    // No questions: every pasted line is a message, so the pane shows one turn per line. No
    // pauses, so a turn takes as long as git does.
    opts.questions = Questions::Never;
    opts.step_delay = Duration::ZERO;
    run_demo_agent(opts, io::stdin().lock(), io::stdout().lock()).expect("the terminal stays open");
}

/// A temp home with the demo repository as project `demo`, its agent the demo agent. Dropping it
/// kills Grove's tmux server of this home.
pub struct DemoFixture {
    _tmp: tempfile::TempDir,
    /// The Grove home.
    pub home: GroveHome,
    /// The project id.
    pub project: ProjectId,
    /// The config the operations and the reactor use.
    pub config: Config,
}

impl DemoFixture {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().expect("canonical temp dir");
        let home = GroveHome::at(root.join("home"));
        // The demo repository carries its own git identity, so the agent's commits work anywhere.
        let demo = ensure_demo_project(&home, &root.join("bin/grove")).expect("demo setup works");
        let project = ProjectId::new("demo").expect("valid id");
        let mut config = Config::default();
        config.projects.insert(
            project.clone(),
            Project {
                id: project.clone(),
                name: "demo".into(),
                path: demo.repo_path,
                repo: None,
                default_branch: "main".into(),
                session_prefix: "demo".into(),
                agent: DEMO_CHILD_AGENT.into(),
                runtime: Runtime::Tmux,
                post_create: Vec::new(),
                agent_rules_file: None,
                mute_notifications: false,
                land: grove_engine::config::LandMethod::Squash,
                after_land: grove_engine::config::AfterLand::Keep,
                reactions: BTreeMap::new(),
                declared_in: root.join("config.toml"),
                local_file: None,
            },
        );
        let exe = std::env::current_exe().expect("the test binary's path");
        let args = ["--exact", CHILD_TEST, "--ignored", "--nocapture", "--test-threads=1"];
        config.agents.insert(
            DEMO_CHILD_AGENT.into(),
            AgentConfig {
                command: exe,
                args: args.iter().map(|a| (*a).to_owned()).collect(),
                env: BTreeMap::from([(CHILD_ENV.to_owned(), "1".to_owned())]),
                resume_args: None,
            },
        );
        Self { _tmp: tmp, home, project, config }
    }

    /// Operations on this home. They count an agent as started at once: only the tests of the
    /// grace period itself (SPEC F4a) wait it out, with `grove_engine::ops::START_GRACE`.
    pub fn ops(&self) -> Ops {
        Ops::new(Store::new(self.home.clone()), self.config.clone()).with_start_grace(std::time::Duration::ZERO)
    }

    /// A spawn request for the demo agent with `prompt`.
    pub fn request(&self, prompt: &str) -> SpawnRequest {
        SpawnRequest { prompt: Some(prompt.into()), ..SpawnRequest::new(self.project.clone()) }
    }

    /// Session `id`'s whole pane, history included, wrapped lines joined.
    pub fn pane(&self, id: &SessionId) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(self.home.tmux_socket())
            .args(["capture-pane", "-p", "-J", "-S", "-", "-t", &format!("={id}:")])
            .output()
            .expect("run tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until session `id`'s pane satisfies `done`, failing with the pane after [`WAIT`].
    pub async fn wait_for_pane(&self, id: &SessionId, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let pane = self.pane(id);
            if done(&pane) {
                return pane;
            }
            assert!(tokio::time::Instant::now() < deadline, "{what} did not happen within {WAIT:?}; the pane:\n{pane}");
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}

impl Drop for DemoFixture {
    fn drop(&mut self) {
        // Pass or fail, the test's tmux server goes, and the socket file tmux leaves behind.
        let socket = self.home.tmux_socket();
        let _ = Command::new("tmux").arg("-S").arg(&socket).arg("kill-server").output();
        let _ = std::fs::remove_file(socket);
    }
}

/// Awaits `fut` for at most [`WAIT`], failing the test with `what` if it takes longer.
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut).await.unwrap_or_else(|_| panic!("{what} did not finish within {WAIT:?}"))
}
