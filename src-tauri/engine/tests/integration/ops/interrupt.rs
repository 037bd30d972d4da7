//! An interrupted spawn rolls back (SPEC F7): the interrupt drops the step it lands in, ending the
//! process group of the `post_create` command it runs, and every earlier step is undone.

use grove_engine::config::Runtime;
use grove_engine::ids::SessionId;
use grove_engine::ops::{Cause, Interrupt, SpawnStep};

use super::support::{ECHO_AGENT, Fixture, git, poll, within};

/// Whether `pid` runs (a zombie, which runs nothing, does not).
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

#[tokio::test]
async fn an_interrupt_during_post_create_kills_its_group_and_rolls_back_the_spawn() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("post-create.pids");
    // The shell, a plain child, and a child deaf to SIGTERM: all in post_create's group.
    let script = format!(
        "echo $$ >> '{f}'; sleep 300 & echo $! >> '{f}'; (trap '' TERM; while :; do sleep 1; done) & echo $! >> '{f}'; wait",
        f = pids.display()
    );
    let fx = Fixture::with(&[&script], Runtime::Tmux);
    let (interrupter, interrupt) = Interrupt::pair();
    let ops = fx.ops().with_interrupt(interrupt);
    let spawn = ops.spawn(fx.request(ECHO_AGENT, "x"));
    let recorded = async {
        let pids = poll("post_create to record its processes", || {
            let text = std::fs::read_to_string(&pids).unwrap_or_default();
            let found: Vec<i32> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
            (found.len() == 3).then_some(found)
        })
        .await;
        interrupter.interrupt("SIGINT");
        pids
    };
    let (result, started) = within("the interrupted spawn", async { tokio::join!(spawn, recorded) }).await;

    let err = result.expect_err("an interrupted spawn fails");
    assert_eq!(err.step, SpawnStep::PostCreate, "the error names the interrupted step: {err}");
    assert!(matches!(&err.cause, Cause::Interrupted(why) if why == "SIGINT"), "the cause is the interrupt: {err}");
    assert!(err.rollback_failures.is_empty(), "the rollback undid everything: {err}");
    assert_eq!(
        err.rolled_back.last().map(String::as_str),
        Some("id proj-1"),
        "the id is released last: {:?}",
        err.rolled_back
    );
    for pid in started {
        poll(&format!("post_create process {pid} to end"), || (!running(pid)).then_some(())).await;
    }
    let id = SessionId::new("proj-1").unwrap();
    assert!(!fx.home.worktree_dir(&fx.project, &id).exists(), "the worktree directory was left");
    assert!(!fx.branch_exists("session/proj-1"), "the branch the spawn made was left");
    assert!(!fx.home.session_file(&fx.project, &id).exists(), "a record or reservation was left");
    assert!(!fx.has_session(&id), "a tmux session was left");
    let worktrees = git(&fx.repo, &["worktree", "list", "--porcelain"]);
    assert_eq!(worktrees.matches("worktree ").count(), 1, "git still lists the worktree:\n{worktrees}");
}

#[tokio::test]
async fn an_interrupt_before_the_spawn_starts_reserves_nothing() {
    let fx = Fixture::new();
    let (interrupter, interrupt) = Interrupt::pair();
    interrupter.interrupt("SIGTERM");
    let err = within("spawn", fx.ops().with_interrupt(interrupt).spawn(fx.request(ECHO_AGENT, "x")))
        .await
        .expect_err("an interrupted spawn fails");
    assert!(matches!(err.cause, Cause::Interrupted(_)), "{err}");
    assert_eq!(err.session, None, "no id was reserved: {err}");
    assert!(!fx.home.worktree_dir(&fx.project, &SessionId::new("proj-1").unwrap()).exists());
}

#[tokio::test]
async fn an_interrupted_restore_starts_nothing_and_leaves_the_session_stopped() {
    let fx = Fixture::new();
    let record = within("spawn", fx.ops().spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    within("stop", fx.ops().stop(&record.id)).await.expect("stop");
    let before = fx.ops().store().find(&record.id).expect("record");
    let (interrupter, interrupt) = Interrupt::pair();
    interrupter.interrupt("SIGINT");
    let err = within("restore", fx.ops().with_interrupt(interrupt).restore(&record.id))
        .await
        .expect_err("an interrupted restore fails");
    assert!(matches!(err.cause, Cause::Interrupted(_)), "{err}");
    assert!(!fx.has_session(&record.id), "no runtime is left running for an unrecorded restore");
    let after = fx.ops().store().find(&record.id).expect("record");
    assert_eq!(after.lifecycle, before.lifecycle, "the session stays as it was: stopped, restorable");
}
