//! What a killed app leaves for the next one to stop (SPEC F3, G1, G4): the agents of
//! process-runtime sessions outlive the process that started them (`grove spawn`, or an app killed
//! with SIGKILL) and are adopted by init. Where init does not reap them (a container whose pid 1 is
//! not an init, such as Docker without `--init`; this build machine's pid 1 reaps only every 2 s or
//! so), an agent that ended on SIGINT stays a zombie in its process group, and the stop goes on
//! signalling that group as if it were alive.

use std::process::Command;
use std::time::{Duration, Instant as StdInstant};

use grove_engine::config::Config;
use grove_engine::ops::{ConfigNote, KILL_STEP, Ops};
use grove_engine::session::RuntimeKind;
use grove_engine::store::{StopScope, Store};

use super::support::{live_record, within, worktree_with_work, write_records};

/// The agent here is this test's child and is never waited for: once it ends it is a zombie, as
/// an orphaned agent is under an init that does not reap. It ends at the first signal (SIGINT),
/// so a stop needs no escalation; it should take well under one [`KILL_STEP`].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_that_ended_but_was_not_reaped_is_stopped_at_once() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let store = Store::new(grove_engine::home::GroveHome::at(&home));
    // Kept, never waited for: this process stands in for an init that does not reap.
    let agent = Command::new("sleep").arg("600").process_group(0).spawn().expect("start an agent");
    let worktree = worktree_with_work(&home.join("projects/api"), "api-1");
    write_records(&store, &[live_record("api", "api-1", &worktree, RuntimeKind::Process, &agent.id().to_string())]);
    let ops = Ops::new(store, Config::default()).with_hook_program(None).with_start_grace(std::time::Duration::ZERO);

    let started = StdInstant::now();
    let report = within("stop", ops.stop_fleet(StopScope::All, ConfigNote::default())).await.expect("stop runs");
    let took = started.elapsed();
    // Whatever happened, end the zombie's group and reap it.
    // SAFETY: the group of the child this test started.
    unsafe {
        libc::kill(-(agent.id() as libc::pid_t), libc::SIGKILL);
    }
    let mut agent = agent;
    let _ = agent.wait();
    assert!(report.is_complete(), "the agent ended at SIGINT, so the stop succeeds: {:?}", report.failed);
    assert!(took < KILL_STEP, "an agent that ended at the first signal is not signalled for {took:?}");
    assert!(took < Duration::from_secs(6), "the stop must not run into its deadline");
}
