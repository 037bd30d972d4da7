//! Spawn (SPEC F1): worktree on its branch, tmux session on Grove's socket, record written last,
//! agent output visible; concurrent spawns never collide.

use std::os::unix::fs::PermissionsExt;

use grove_engine::config::Runtime;
use grove_engine::ops::{PROMPT_FILE_ENV, prompt_file};
use grove_engine::session::{RuntimeKind, RuntimeReason, RuntimeState, SessionReason, SessionState};

use super::support::{ECHO_AGENT, Fixture, git, within};

#[tokio::test]
async fn spawn_creates_worktree_session_record_and_shows_agent_output() {
    let fx = Fixture::with(&["echo made > post.txt"], Runtime::Tmux);
    let ops = fx.ops();
    let prompt = "Fix the login bug\nsecond line with 'quotes' and $(not run)";
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, prompt))).await.expect("spawn succeeds");
    let id = record.id.clone();
    assert_eq!(id.as_str(), "proj-1", "the first session of prefix proj");

    let worktree = fx.home.worktree_dir(&fx.project, &id);
    assert_eq!(record.worktree, worktree, "the worktree lives under GROVE_HOME (ARCHITECTURE §3.2)");
    assert_eq!(git(&worktree, &["rev-parse", "--abbrev-ref", "HEAD"]), "session/proj-1", "on the session branch");
    assert_eq!(
        git(&worktree, &["rev-parse", "HEAD"]),
        git(&fx.repo, &["rev-parse", "main"]),
        "the new branch starts at the default branch"
    );
    assert_eq!(
        std::fs::read_to_string(worktree.join("post.txt")).unwrap(),
        "made\n",
        "post_create ran in the worktree"
    );

    assert!(fx.has_session(&id), "a tmux session named like the id runs on Grove's socket");
    fx.wait_for_output(&id, "ready proj-1").await;

    let stored = ops.store().load(&fx.project, &id).expect("the record is written");
    assert_eq!(stored, record, "the returned record is the one on disk");
    assert_eq!(stored.branch, "session/proj-1");
    assert_eq!(stored.prompt.as_deref(), Some(prompt));
    assert_eq!(stored.display_name.as_deref(), Some("Fix the login bug"));
    assert_eq!(
        (stored.lifecycle.session.state, stored.lifecycle.session.reason),
        (SessionState::Working, SessionReason::AgentAcknowledged)
    );
    assert_eq!(
        (stored.lifecycle.runtime.state, stored.lifecycle.runtime.reason),
        (RuntimeState::Alive, RuntimeReason::ProcessRunning)
    );
    let handle = stored.lifecycle.runtime.handle.expect("a runtime handle is recorded");
    assert_eq!((handle.kind, handle.id.as_str()), (RuntimeKind::Tmux, "proj-1"));
    assert_eq!(stored.agent_session_id, None, "a custom agent has no session id Grove chose");

    let file = prompt_file(&fx.home, &fx.project, &id);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), prompt, "the prompt file holds the prompt as given");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the prompt file is private, was {mode:o}");
    assert!(!file.starts_with(fx.home.sessions_dir(&fx.project)), "the prompt file must not sit among records");

    // The agent sees where its prompt is.
    let out = std::process::Command::new("tmux")
        .arg("-S")
        .arg(fx.socket())
        .args(["show-environment", "-t", "=proj-1", PROMPT_FILE_ENV])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        shown.trim(),
        format!("{PROMPT_FILE_ENV}={}", file.display()),
        "GROVE_PROMPT_FILE is set in the session"
    );
}

#[tokio::test]
async fn an_existing_branch_is_checked_out_as_it_is_never_reset() {
    let fx = Fixture::new();
    git(&fx.repo, &["branch", "feature"]);
    let feature_dir = fx.tmp.path().join("feature-work");
    git(&fx.repo, &["worktree", "add", feature_dir.to_str().unwrap(), "feature"]);
    std::fs::write(feature_dir.join("f.txt"), "work\n").unwrap();
    git(&feature_dir, &["add", "f.txt"]);
    git(&feature_dir, &["commit", "-q", "-m", "feature work"]);
    let tip = git(&fx.repo, &["rev-parse", "feature"]);
    git(&fx.repo, &["worktree", "remove", feature_dir.to_str().unwrap()]);

    let mut request = fx.request(ECHO_AGENT, "continue the feature");
    request.branch = Some("feature".into());
    let record = within("spawn", fx.ops().spawn(request)).await.expect("spawn on an existing branch");
    assert_eq!(git(&record.worktree, &["rev-parse", "HEAD"]), tip, "the existing branch keeps its commits");
    assert_eq!(git(&fx.repo, &["rev-parse", "feature"]), tip, "the branch was not reset");
}

#[tokio::test]
async fn two_concurrent_spawns_get_different_ids_worktrees_and_sessions() {
    let fx = Fixture::new();
    let (a, b) = (fx.ops(), fx.ops());
    let (ra, rb) = within("two spawns", async {
        tokio::join!(a.spawn(fx.request(ECHO_AGENT, "task a")), b.spawn(fx.request(ECHO_AGENT, "task b")))
    })
    .await;
    let (ra, rb) = (ra.expect("first spawn"), rb.expect("second spawn"));
    assert_ne!(ra.id, rb.id, "concurrent spawns must reserve different ids");
    let mut ids = [ra.id.to_string(), rb.id.to_string()];
    ids.sort();
    assert_eq!(ids, ["proj-1", "proj-2"], "ids are consecutive");
    assert_ne!(ra.worktree, rb.worktree, "each spawn has its own worktree");
    assert_ne!(ra.branch, rb.branch, "each spawn has its own branch");
    for r in [&ra, &rb] {
        assert!(r.worktree.is_dir(), "worktree {} exists", r.worktree.display());
        assert!(fx.has_session(&r.id), "tmux session {} runs", r.id);
        fx.wait_for_output(&r.id, &format!("ready {}", r.id)).await;
    }
}

#[tokio::test]
async fn a_one_word_agent_command_runs_without_a_shell() {
    let mut fx = Fixture::new();
    let dir = fx.tmp.path().canonicalize().unwrap();
    // A program whose path a shell would split, and run `touch pwned` in the worktree.
    let program = dir.join("my agent $(touch pwned)");
    std::fs::write(&program, "#!/bin/sh\necho ready from the odd path; exec cat\n").unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    fx.config.agents.insert(
        "odd".into(),
        grove_engine::config::AgentConfig {
            command: program,
            args: vec![],
            env: Default::default(),
            resume_args: None,
        },
    );
    let record = within("spawn", fx.ops().spawn(fx.request("odd", "x"))).await.expect("spawn");
    fx.wait_for_output(&record.id, "ready from the odd path").await;
    assert!(!record.worktree.join("pwned").exists(), "the command's path must never be interpreted by a shell");
}

#[tokio::test]
async fn the_agent_gets_the_users_locale_not_the_one_grove_uses_for_tmux_messages() {
    let mut fx = Fixture::new();
    fx.config.agents.insert(
        "locale".into(),
        grove_engine::config::AgentConfig {
            command: "sh".into(),
            args: vec!["-c".into(), "echo \"locale=<${LC_ALL-unset}>\"; exec cat".into()],
            env: Default::default(),
            resume_args: None,
        },
    );
    let expected = format!("locale=<{}>", std::env::var("LC_ALL").unwrap_or_else(|_| "unset".into()));
    let record = within("spawn", fx.ops().spawn(fx.request("locale", "x"))).await.expect("spawn");
    fx.wait_for_output(&record.id, &expected).await;
}

/// The app and the CLI run operations on tokio's multi-threaded runtime, so their futures must be
/// `Send`; this fails to compile otherwise. The futures are dropped unpolled: nothing runs.
#[test]
fn operation_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let fx = Fixture::new();
    let ops = fx.ops();
    let id = grove_engine::ids::SessionId::new("proj-1").unwrap();
    send(ops.spawn(fx.request(ECHO_AGENT, "x")));
    send(ops.send(&id, "x"));
    send(ops.kill(&id, grove_engine::ops::KillOptions::default()));
    send(ops.restore(&id));
    send(ops.stop(&id));
}
