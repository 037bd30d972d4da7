//! A spawn failing at any step leaves nothing behind (SPEC F1): no worktree, no branch Grove
//! created, no tmux session, no record, no prompt file, and the id is free again.

use grove_engine::config::Runtime;
use grove_engine::ids::SessionId;
use grove_engine::ops::{Cause, SpawnStep, prompt_file};

use super::support::{ECHO_AGENT, Fixture, git, within};

/// Asserts that nothing of session `proj-1` exists, naming `when` in every message.
fn assert_nothing_left(fx: &Fixture, when: &str) {
    let id = SessionId::new("proj-1").unwrap();
    assert!(!fx.home.worktree_dir(&fx.project, &id).exists(), "{when}: the worktree directory was left");
    assert!(!fx.branch_exists("session/proj-1"), "{when}: the branch Grove created was left");
    assert!(!fx.has_session(&id), "{when}: the tmux session was left");
    assert!(!fx.home.session_file(&fx.project, &id).exists(), "{when}: a record or reservation was left");
    assert!(!prompt_file(&fx.home, &fx.project, &id).exists(), "{when}: the prompt file was left");
    let worktrees = git(&fx.repo, &["worktree", "list", "--porcelain"]);
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{when}: git still lists a worktree:\n{worktrees}");
}

#[tokio::test]
async fn a_failure_injected_at_each_step_is_rolled_back_completely() {
    let fx = Fixture::with(&["echo made > post.txt"], Runtime::Tmux);
    // The last step, confirming the agent keeps running, keeps the record of a crash on purpose
    // (SPEC F4a); its own tests are in `ops::confirm`.
    for step in SpawnStep::ALL.into_iter().filter(|s| *s != SpawnStep::Confirm) {
        let ops = fx.ops().failing_at(step);
        let err = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect_err("the injected step fails");
        assert_eq!(err.step, step, "the error names the failing step: {err}");
        assert!(matches!(err.cause, Cause::Injected), "the cause is the injection: {err}");
        assert!(err.rollback_failures.is_empty(), "at {step}: rollback must undo everything: {err}");
        assert!(err.to_string().contains(&step.to_string()), "the message names the step: {err}");
        assert_nothing_left(&fx, &format!("after a failure at {step}"));
    }
    // The reservation was released every time: the next spawn gets the first id.
    let record = within("spawn", fx.ops().spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn succeeds");
    assert_eq!(record.id.as_str(), "proj-1", "every failed spawn released its id");
}

#[tokio::test]
async fn a_failing_post_create_command_rolls_back_the_worktree_and_branch() {
    let fx = Fixture::with(&["echo partial > partial.txt", "echo 'setup broke' >&2; exit 3"], Runtime::Tmux);
    let err = within("spawn", fx.ops().spawn(fx.request(ECHO_AGENT, "x"))).await.expect_err("post_create fails");
    assert_eq!(err.step, SpawnStep::PostCreate, "{err}");
    assert!(err.to_string().contains("setup broke"), "the error quotes the command's stderr: {err}");
    assert_nothing_left(&fx, "after post_create failed");
}

#[tokio::test]
async fn rollback_never_deletes_a_branch_that_existed_before_the_spawn() {
    let fx = Fixture::new();
    git(&fx.repo, &["branch", "users-branch"]);
    let tip = git(&fx.repo, &["rev-parse", "users-branch"]);
    let mut request = fx.request(ECHO_AGENT, "x");
    request.branch = Some("users-branch".into());
    let err = within("spawn", fx.ops().failing_at(SpawnStep::Record).spawn(request)).await.expect_err("fails");
    assert_eq!(err.step, SpawnStep::Record);
    assert!(fx.branch_exists("users-branch"), "the user's branch must survive a rollback");
    assert_eq!(git(&fx.repo, &["rev-parse", "users-branch"]), tip, "and keep its commit");
    assert!(!fx.home.worktree_dir(&fx.project, &SessionId::new("proj-1").unwrap()).exists());
}

#[tokio::test]
async fn invalid_requests_fail_at_validate_before_anything_is_made() {
    let fx = Fixture::new();
    let cases = [
        (Some("no-such-agent"), None, "unknown agent"),
        (Some(ECHO_AGENT), Some("-rf"), "branch that looks like an option"),
        (Some(ECHO_AGENT), Some("a..b"), "branch git rejects"),
    ];
    for (agent, branch, why) in cases {
        let mut request = fx.request(agent.unwrap(), "x");
        request.branch = branch.map(str::to_owned);
        let err = within("spawn", fx.ops().spawn(request)).await.expect_err(why);
        assert_eq!(err.step, SpawnStep::Validate, "{why}: {err}");
        assert_eq!(err.session, None, "{why}: no id was reserved");
    }
    let err = within("spawn", fx.ops().spawn(fx.request(ECHO_AGENT, &"p".repeat(10_001)))).await.unwrap_err();
    assert!(matches!(err.cause, Cause::TooLong { chars: 10_001, .. }), "{err}");
    assert_nothing_left(&fx, "after invalid requests");
}

#[tokio::test]
async fn an_observer_sees_every_step_in_order_and_the_id_once_reserved() {
    let fx = Fixture::new();
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |step: SpawnStep, id: Option<&SessionId>| {
        seen.lock().unwrap().push((step, id.map(|i| i.to_string())));
    };
    let record = within("spawn", fx.ops().spawn_observed(fx.request(ECHO_AGENT, "x"), &observer)).await.expect("spawn");
    let seen = seen.into_inner().unwrap();
    let steps: Vec<SpawnStep> = seen.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, SpawnStep::ALL, "every step is reported once, in order");
    assert_eq!(seen[1].1, None, "the id is not known while it is being reserved");
    assert!(seen[2..].iter().all(|(_, id)| id.as_deref() == Some(record.id.as_str())), "then every step names it");
    assert_eq!(SpawnStep::Worktree.number(), 3, "steps count from 1 for \"worktree 3/7\"");

    // A failure stops the reports at the failing step.
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |step: SpawnStep, _: Option<&SessionId>| seen.lock().unwrap().push(step);
    let ops = fx.ops().failing_at(SpawnStep::PostCreate);
    within("spawn", ops.spawn_observed(fx.request(ECHO_AGENT, "x"), &observer)).await.expect_err("injected");
    assert_eq!(seen.into_inner().unwrap().last(), Some(&SpawnStep::PostCreate), "the last report is the failing step");
}
