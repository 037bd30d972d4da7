//! Kill (SPEC F3), stop (F5) and restore (F4): work in a worktree is never lost, the branch is
//! always kept, and a restored session runs again in the same worktree.

use grove_engine::config::Runtime;
use grove_engine::ops::{KeptReason, KillOptions, WorktreeOutcome};
use grove_engine::session::{PrReason, PrState, RuntimeReason, RuntimeState, SessionReason, SessionState};

use super::support::{ECHO_AGENT, Fixture, STUBBORN_AGENT, git, within};

#[tokio::test]
async fn kill_keeps_a_dirty_worktree_and_restore_brings_the_session_back_in_it() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    fx.wait_for_output(&record.id, "ready proj-1").await;
    let notes = record.worktree.join("notes.txt");
    std::fs::write(&notes, "keep me\n").unwrap();

    let killed = within("kill", ops.kill(&record.id, KillOptions::default())).await.expect("kill");
    assert_eq!(
        killed.worktree,
        WorktreeOutcome::Kept { reason: KeptReason::UncommittedChanges { entries: 1 } },
        "an untracked file is work: the worktree must be kept, saying why"
    );
    assert!(!fx.has_session(&record.id), "kill ends the tmux session");
    let life = &killed.record.lifecycle;
    assert_eq!((life.session.state, life.session.reason), (SessionState::Terminated, SessionReason::ManuallyKilled));
    assert_eq!((life.runtime.state, life.runtime.reason), (RuntimeState::Exited, RuntimeReason::ManualKillRequested));
    assert!(life.session.terminated_at.is_some(), "the end time is recorded");
    assert_eq!(ops.store().load(&fx.project, &record.id).unwrap(), killed.record, "the outcome is what is on disk");

    // A PR that closed while the session was away is let go on restore.
    ops.store()
        .update(&fx.project, &record.id, |r| {
            r.lifecycle.pr.state = PrState::Closed;
            r.lifecycle.pr.reason = PrReason::ClosedUnmerged;
            r.lifecycle.pr.number = Some(7);
        })
        .unwrap();
    let restored = within("restore", ops.restore(&record.id)).await.expect("restore");
    assert_eq!(restored.worktree, record.worktree, "restore reuses the same worktree");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me\n", "the uncommitted file survived");
    assert!(fx.has_session(&record.id), "the tmux session runs again");
    fx.wait_for_output(&record.id, "ready proj-1").await;
    let life = &restored.lifecycle;
    assert_eq!(life.session.state, SessionState::Working, "restore resets the lifecycle to working");
    assert_eq!(life.session.terminated_at, None, "a restored session has not ended");
    assert_eq!(life.runtime.state, RuntimeState::Alive);
    assert_eq!((life.pr.state, life.pr.reason, life.pr.number), (PrState::None, PrReason::ClearedOnRestore, None));

    let err = within("restore", ops.restore(&record.id)).await.expect_err("a live session is not restorable");
    assert!(err.to_string().contains("cannot be restored"), "{err}");
}

#[tokio::test]
async fn kill_removes_a_clean_worktree_keeps_unpushed_commits_and_discard_overrides() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let clean = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "a"))).await.expect("spawn");
    let killed = within("kill", ops.kill(&clean.id, KillOptions::default())).await.expect("kill");
    assert_eq!(killed.worktree, WorktreeOutcome::Removed, "a worktree without work is removed");
    assert!(!clean.worktree.exists(), "its directory is gone");
    assert!(fx.branch_exists(&clean.branch), "the branch is always kept");

    let committed = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "b"))).await.expect("spawn");
    std::fs::write(committed.worktree.join("work.txt"), "done\n").unwrap();
    git(&committed.worktree, &["add", "work.txt"]);
    git(&committed.worktree, &["commit", "-q", "-m", "local work"]);
    let tip = git(&committed.worktree, &["rev-parse", "HEAD"]);
    let killed = within("kill", ops.kill(&committed.id, KillOptions::default())).await.expect("kill");
    assert_eq!(
        killed.worktree,
        WorktreeOutcome::Kept { reason: KeptReason::UnpushedCommits { commits: 1 } },
        "a commit reachable from no remote and not from main is unpushed work"
    );
    assert!(committed.worktree.is_dir(), "the worktree with unpushed work stays");

    let discarded = within("kill", ops.kill(&committed.id, KillOptions { discard: true })).await.expect("kill again");
    assert_eq!(discarded.worktree, WorktreeOutcome::Removed, "discard removes it anyway");
    assert!(!committed.worktree.exists());
    assert_eq!(git(&fx.repo, &["rev-parse", &committed.branch]), tip, "the branch keeps the commit");
}

#[tokio::test]
async fn stop_keeps_everything_and_restore_re_adds_a_vanished_worktree_from_its_branch() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    std::fs::write(record.worktree.join("f.txt"), "x\n").unwrap();
    git(&record.worktree, &["add", "f.txt"]);
    git(&record.worktree, &["commit", "-q", "-m", "work"]);
    let tip = git(&record.worktree, &["rev-parse", "HEAD"]);

    let stopped = within("stop", ops.stop(&record.id)).await.expect("stop");
    assert_eq!(
        (stopped.lifecycle.session.reason, stopped.lifecycle.runtime.reason),
        (SessionReason::StoppedForRestore, RuntimeReason::StoppedForRestore)
    );
    assert!(record.worktree.is_dir(), "stop leaves the worktree untouched");
    assert!(!fx.has_session(&record.id), "stop ends the runtime");
    let again = within("stop", ops.stop(&record.id)).await.expect_err("stop acts only on live sessions");
    assert!(again.to_string().contains("already ended"), "{again}");

    std::fs::remove_dir_all(&record.worktree).unwrap();
    let restored = within("restore", ops.restore(&record.id)).await.expect("restore re-adds the worktree");
    assert_eq!(git(&restored.worktree, &["rev-parse", "HEAD"]), tip, "re-added from the branch, with its commit");
    fx.wait_for_output(&record.id, "ready proj-1").await;
}

#[tokio::test]
async fn restore_refuses_a_directory_that_is_not_its_worktree_and_leaves_it_alone() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    within("stop", ops.stop(&record.id)).await.expect("stop");
    git(&fx.repo, &["worktree", "remove", "--force", record.worktree.to_str().unwrap()]);
    std::fs::create_dir_all(&record.worktree).unwrap();
    std::fs::write(record.worktree.join("user.txt"), "mine\n").unwrap();

    let err = within("restore", ops.restore(&record.id)).await.expect_err("not a worktree: refused");
    assert!(err.to_string().contains("not a worktree"), "{err}");
    assert_eq!(std::fs::read_to_string(record.worktree.join("user.txt")).unwrap(), "mine\n", "never deleted");
    assert!(!fx.has_session(&record.id), "nothing was started");
}

#[tokio::test]
async fn a_process_runtime_is_ended_by_escalating_signals_to_its_group() {
    let fx = Fixture::with(&[], Runtime::Process);
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(STUBBORN_AGENT, "x"))).await.expect("spawn");
    let handle = record.lifecycle.runtime.handle.clone().expect("a pid is recorded");
    let pgid: i32 = handle.id.parse().expect("the handle is a pid");
    assert!(pgid > 1, "a real process group, never every process or our own group");
    // SAFETY: signal 0 only checks; -pgid (pgid > 1) addresses exactly the agent's group.
    let group_alive = || unsafe { libc::kill(-pgid, 0) } == 0;
    assert!(group_alive(), "the agent's process group runs");
    assert!(!fx.has_session(&record.id), "a process runtime uses no tmux");

    // SIGINT and SIGTERM are ignored, so only the final SIGKILL ends it.
    let killed = within("kill", ops.kill(&record.id, KillOptions::default())).await.expect("kill");
    assert!(!group_alive(), "the whole group is gone after the escalation");
    assert_eq!(killed.record.lifecycle.session.reason, SessionReason::ManuallyKilled);
}

#[tokio::test]
async fn claude_gets_a_session_id_chosen_by_grove_and_restore_resumes_it() {
    let mut fx = Fixture::new();
    // A stand-in for `claude` that prints the arguments it was given, one per line.
    fx.config.agents.insert(
        "claude-code".into(),
        grove_engine::config::AgentConfig {
            command: "sh".into(),
            args: vec!["-c".into(), "printf 'arg:%s\\n' \"$@\"; echo started; exec cat".into(), "claude".into()],
            env: Default::default(),
            resume_args: None,
        },
    );
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request("claude-code", "-p looks like a flag"))).await.expect("spawn");
    let uuid = record.agent_session_id.clone().expect("Grove chose Claude's session id");
    assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "the session id must be a UUID, was {uuid:?}");
    fx.wait_for_output(&record.id, "started").await;
    let pane = fx.capture(&record.id);
    let expected = format!("arg:--session-id\narg:{uuid}\narg:--\narg:-p looks like a flag\nstarted");
    assert!(pane.contains(&expected), "fresh argv: --session-id <uuid> -- <prompt>, got:\n{pane}");

    within("stop", ops.stop(&record.id)).await.expect("stop");
    let restored = within("restore", ops.restore(&record.id)).await.expect("restore");
    assert_eq!(restored.agent_session_id.as_deref(), Some(uuid.as_str()), "a resume keeps the agent's session id");
    fx.wait_for_output(&record.id, "started").await;
    let pane = fx.capture(&record.id);
    assert!(pane.contains(&format!("arg:--resume\narg:{uuid}\nstarted")), "resume argv: --resume <uuid>, got:\n{pane}");
    assert!(!pane.contains("looks like a flag"), "a restore never replays the first prompt:\n{pane}");
}
