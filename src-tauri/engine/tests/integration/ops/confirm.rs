//! A started agent must keep running for the grace period (SPEC F4a): one that exits at once
//! fails the spawn or restore with `agent_exited`, its exit status and its last lines, and the
//! record says it crashed. Concurrent restores of one session share one operation. These tests
//! wait the real grace period (real tmux, real processes).

use grove_engine::config::AgentConfig;
use grove_engine::ops::{Cause, OpStep, START_GRACE, SpawnStep};
use grove_engine::session::{SessionReason, SessionState};

use super::support::{Fixture, within};

/// An agent that prints a line and exits with status 3 at once.
const CRASHING_AGENT: &str = "crashing";
/// An agent that notes each start in `$GROVE_TEST_STARTS`, then runs until killed.
const COUNTED_AGENT: &str = "counted";

fn fixture() -> Fixture {
    let mut fx = Fixture::new();
    let agent = |script: &str| AgentConfig {
        command: "sh".into(),
        args: vec!["-c".into(), script.into()],
        env: [("GROVE_TEST_STARTS".to_owned(), fx.tmp.path().join("starts").display().to_string())].into(),
        resume_args: None,
    };
    fx.config.agents.insert(CRASHING_AGENT.into(), agent("echo 'fatal: no such conversation'; exit 3"));
    fx.config.agents.insert(COUNTED_AGENT.into(), agent("echo started >> \"$GROVE_TEST_STARTS\"; exec sleep 600"));
    fx
}

#[tokio::test]
async fn a_spawn_whose_agent_exits_at_once_fails_with_its_status_and_last_lines() {
    let fx = fixture();
    let ops = fx.ops().with_start_grace(START_GRACE);
    let err = within("spawn", ops.spawn(fx.request(CRASHING_AGENT, "x"))).await.expect_err("the agent exited");
    assert_eq!(err.step, SpawnStep::Confirm, "{err}");
    let Cause::AgentExited(exit) = &err.cause else { panic!("the cause says the agent exited: {err}") };
    assert_eq!(exit.status, Some(3), "the exit status is reported: {err}");
    assert!(exit.last_lines.iter().any(|l| l.contains("no such conversation")), "its last lines: {exit:?}");
    assert!(err.to_string().contains("agent_exited"), "the message names agent_exited: {err}");

    let id = err.session.clone().expect("the session was created");
    let record = fx.ops().store().find(&id).expect("the record stays, saying it crashed");
    assert_eq!(record.lifecycle.session.state, SessionState::Terminated);
    assert_eq!(record.lifecycle.session.reason, SessionReason::AgentProcessExited, "a crash, not a kill");
    assert_eq!(record.exit.as_ref().and_then(|e| e.status), Some(3), "the record keeps how it ended");
    assert!(fx.home.worktree_dir(&fx.project, &id).exists(), "the worktree is kept for a restore");
}

#[tokio::test]
async fn a_restore_whose_agent_exits_at_once_is_not_reported_restored() {
    let mut fx = fixture();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(COUNTED_AGENT, "x"))).await.expect("spawn");
    within("stop", ops.stop(&record.id)).await.expect("stop");
    // The agent's resume now fails, as a resume of a conversation that does not exist does.
    let crashing = fx.config.agents[CRASHING_AGENT].clone();
    fx.config.agents.insert(COUNTED_AGENT.into(), crashing);
    let ops = fx.ops().with_start_grace(START_GRACE);
    let err = within("restore", ops.restore(&record.id)).await.expect_err("the resumed agent exited");
    assert_eq!(err.step, OpStep::Confirm, "{err}");
    assert!(matches!(err.cause, Cause::AgentExited(_)), "{err}");
    let after = ops.store().find(&record.id).expect("record");
    assert_eq!(after.lifecycle.session.reason, SessionReason::AgentProcessExited, "the record says it crashed");
}

#[tokio::test]
async fn concurrent_restores_of_one_session_start_one_agent() {
    let fx = fixture();
    let ops = fx.ops().with_start_grace(START_GRACE);
    let record = within("spawn", ops.spawn(fx.request(COUNTED_AGENT, "x"))).await.expect("spawn");
    within("stop", ops.stop(&record.id)).await.expect("stop");
    // Two operations of their own, as a CLI and the app would be.
    let other = fx.ops().with_start_grace(START_GRACE);
    let (a, b) = tokio::join!(ops.restore(&record.id), other.restore(&record.id));
    let (a, b) = (a.expect("first restore"), b.expect("second restore"));
    assert_eq!(a.lifecycle.runtime.handle, b.lifecycle.runtime.handle, "both report the same runtime");
    let starts = std::fs::read_to_string(fx.tmp.path().join("starts")).expect("starts noted");
    assert_eq!(starts.lines().count(), 2, "one start at spawn, one for both restores: {starts:?}");
    let now = ops.store().find(&record.id).expect("record");
    assert_eq!(now.lifecycle.session.state, SessionState::Working, "the session runs: {:?}", now.lifecycle);
}
