//! A tmux probe that cannot answer is an error, never "missing" (SPEC D11), and one that hangs
//! is killed with its children when its deadline cancels it (SPEC D2).

use std::path::Path;
use std::time::Duration;

use grove_engine::probe::{ProbeError, RuntimeProbe, TmuxProbe};
use grove_engine::session::{RuntimeHandle, RuntimeKind};

use super::support::{TmuxServer, script, within};

fn handles() -> Vec<RuntimeHandle> {
    vec![RuntimeHandle::new(RuntimeKind::Tmux, "s1")]
}

async fn liveness_with(
    program: &Path,
) -> Result<std::collections::HashMap<String, grove_engine::probe::Liveness>, ProbeError> {
    let probe = TmuxProbe::new(TmuxServer::unique_socket("fail")).with_program(program);
    within("liveness", probe.liveness(&handles())).await
}

#[tokio::test]
async fn garbage_output_is_unreadable_not_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let garbage = script(tmp.path(), "garbage-tmux", "echo 'this is not list-panes output'");
    let got = liveness_with(&garbage).await;
    assert!(matches!(got, Err(ProbeError::Unreadable { .. })), "garbage must be unreadable, got {got:?}");
}

#[tokio::test]
async fn a_missing_tmux_binary_cannot_start() {
    let got = liveness_with(Path::new("/nonexistent/grove-test/tmux")).await;
    assert!(matches!(got, Err(ProbeError::CannotStart { .. })), "ENOENT must be CannotStart, got {got:?}");
}

#[tokio::test]
async fn other_tmux_errors_fail_rather_than_declare_sessions_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let errors = ["error connecting to /tmp/tmux-0/x (Permission denied)", "server exited unexpectedly", "lost server"];
    for (i, message) in errors.iter().enumerate() {
        let failing = script(tmp.path(), &format!("failing-tmux-{i}"), &format!("echo '{message}' >&2\nexit 1"));
        match liveness_with(&failing).await {
            Err(ProbeError::Failed { reason, .. }) => {
                assert!(reason.contains(message), "stderr must be quoted: {reason}")
            }
            other => panic!("{message:?} says nothing about sessions; expected Failed, got {other:?}"),
        }
    }
}

/// True once `pid` no longer exists. This test process adopts orphans (see below), so a killed
/// grandchild is reaped here, as init would reap it on a normal system.
fn gone(pid: libc::pid_t) -> bool {
    // SAFETY: waitpid with WNOHANG on one specific pid only reaps that process if it is our
    // (adopted) zombie; kill with signal 0 only checks existence. pid is positive.
    unsafe {
        libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG);
        libc::kill(pid, 0) != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
}

#[tokio::test]
async fn a_hanging_tmux_and_its_children_are_killed_when_the_deadline_cancels_it() {
    // The container's pid 1 may not reap orphans; becoming a subreaper makes the orphaned
    // `sleep` our child, so "gone" can be checked as ESRCH rather than a zombie. Linux only.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_CHILD_SUBREAPER, 1) only changes who adopts this process's orphans.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let tmp = tempfile::tempdir().unwrap();
    let (script_pid, child_pid) = (tmp.path().join("script.pid"), tmp.path().join("child.pid"));
    let body = format!("sleep 1000 &\necho $! > '{}'\necho $$ > '{}'\nwait", child_pid.display(), script_pid.display());
    let hanging = script(tmp.path(), "hanging-tmux", &body);
    let probe = TmuxProbe::new(TmuxServer::unique_socket("hang")).with_program(&hanging);
    let handles = handles();
    let outcome = tokio::time::timeout(Duration::from_millis(1500), probe.liveness(&handles)).await;
    assert!(outcome.is_err(), "a tmux that sleeps 1000 s cannot answer in 1.5 s: {outcome:?}");
    let read_pid = |path: &Path| -> libc::pid_t {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("the script never wrote {}: {e}", path.display()));
        text.trim().parse().unwrap_or_else(|e| panic!("bad pid in {}: {e}", path.display()))
    };
    let (script, sleeper) = (read_pid(&script_pid), read_pid(&child_pid));
    within("the probe's processes to die", async {
        while !(gone(script) && gone(sleeper)) {
            tokio::task::yield_now().await;
        }
    })
    .await;
}
