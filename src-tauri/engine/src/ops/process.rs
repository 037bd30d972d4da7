//! The plain-process runtime: an agent started as a child in its own process group, and ended
//! by signalling that group with escalating signals (SPEC F3, G4, F8). Only a pid Grove recorded
//! in a session's runtime handle is ever signalled, only as the group it leads, and never once
//! that pid names another process (its start time differs from the recorded one).

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use super::error::Cause;
use crate::process_identity::ProcessIdentity;

/// The signals of a kill, in order (SPEC F3): interrupt (agents save and exit), terminate, then
/// kill, which cannot be ignored.
#[cfg(unix)]
pub const KILL_ESCALATION: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGKILL];

/// How long each signal gets before the next one (SPEC F3, §J): time for an agent to save its
/// session, short enough that a kill still feels immediate.
pub const KILL_STEP: Duration = Duration::from_secs(2);

/// How often the group is checked while waiting between signals. A check is one `kill(pg, 0)`
/// system call, so this costs nothing and ends the wait soon after the group is gone.
const EXIT_CHECK_EVERY: Duration = Duration::from_millis(50);

/// Starts `argv` in `cwd` as the leader of a new process group, with stdin closed and output
/// appended to `log`; returns its pid, which is also its group id.
pub fn start(argv: &[OsString], cwd: &Path, env: &[(String, String)], log: &Path) -> Result<u32, Cause> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Cause::Invalid("the agent command is empty".into()));
    };
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Cause::io("create directory", dir, e))?;
    }
    let out = OpenOptions::new().create(true).append(true).open(log).map_err(|e| Cause::io("open", log, e))?;
    let err = out.try_clone().map_err(|e| Cause::io("open", log, e))?;
    let mut command = tokio::process::Command::new(program);
    command.args(args).current_dir(cwd).stdin(Stdio::null()).stdout(out).stderr(err);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    #[cfg(unix)]
    command.process_group(0);
    let child = command.spawn().map_err(|e| Cause::io("start agent", program, e))?;
    let pid = child.id().ok_or_else(|| Cause::Invalid("the agent exited before its pid was read".into()))?;
    // Dropped without `kill_on_drop`: the agent outlives this call (it is the session), and
    // tokio reaps it in the background if it exits while Grove runs.
    drop(child);
    Ok(pid)
}

/// Ends the process group that `leader` leads with [`KILL_ESCALATION`], [`KILL_STEP`] apart.
/// Returns once the group is gone; ESRCH (no such group) at any point means done. Before every
/// signal the leader's identity is checked: a pid that now names another process means Grove's
/// group is gone (the kernel does not hand out a pid still in use as a group id), so that pid is
/// never signalled.
#[cfg(unix)]
pub async fn kill_group(leader: &ProcessIdentity) -> Result<(), Cause> {
    let pgid = leader.pid;
    let pg = libc::pid_t::try_from(pgid)
        .ok()
        .filter(|p| *p > 1)
        .ok_or_else(|| Cause::Invalid(format!("{pgid} is not a process group Grove could have started")))?;
    for signal in KILL_ESCALATION {
        if reused(leader) || !signal_group(pg, signal)? {
            return Ok(());
        }
        let deadline = tokio::time::Instant::now() + KILL_STEP;
        while tokio::time::Instant::now() < deadline {
            if !signal_group(pg, 0)? || only_zombies(pg) {
                return Ok(());
            }
            tokio::time::sleep(EXIT_CHECK_EVERY).await;
        }
    }
    // SIGKILL cannot be caught; a group still there after it holds only zombies or processes in
    // uninterruptible sleep, which will go without Grove's help.
    Ok(())
}

/// Whether the recorded leader's pid now names another process (SPEC F8, G4).
#[cfg(unix)]
fn reused(leader: &ProcessIdentity) -> bool {
    let reused = leader.presence() == crate::process_identity::Presence::Reused;
    if reused {
        tracing::warn!(pid = leader.pid, "not signalling: the pid now names another process; Grove's is gone");
    }
    reused
}

/// Whether every process left in group `pg` has already exited and only waits to be reaped (a
/// zombie). Such a group still answers signals, but nothing in it runs: an agent that ended
/// while nobody reaps it (under an init that does not reap) is stopped. Linux reads `/proc`;
/// elsewhere this cannot tell and says no.
#[cfg(unix)]
pub(crate) fn only_zombies(pg: libc::pid_t) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(dir) = std::fs::read_dir("/proc") else { return false };
        let mut members = 0;
        for entry in dir.flatten() {
            let is_pid = entry.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
            let Some(stat) = is_pid.then(|| std::fs::read_to_string(entry.path().join("stat")).ok()).flatten() else {
                continue;
            };
            // After the command name in parentheses: state, ppid, pgrp, ...
            let mut fields = stat.rsplit_once(") ").map(|(_, rest)| rest.split(' ')).into_iter().flatten();
            let (state, pgrp) = (fields.next(), fields.nth(1));
            if pgrp.and_then(|g| g.parse::<libc::pid_t>().ok()) == Some(pg) {
                members += 1;
                if state != Some("Z") {
                    return false;
                }
            }
        }
        members > 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pg;
        false
    }
}

/// Sends `signal` (0: only check) to group `pg`; `Ok(false)` if the group does not exist.
#[cfg(unix)]
fn signal_group(pg: libc::pid_t, signal: libc::c_int) -> Result<bool, Cause> {
    // SAFETY: `pg` > 1, so `-pg` addresses exactly that process group, never every process (-1)
    // or Grove's own group (0).
    if unsafe { libc::kill(-pg, signal) } == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ESRCH) => Ok(false),
        _ => Err(Cause::Invalid(format!("could not signal process group {pg}: {err}"))),
    }
}

/// Without process groups Grove cannot prove which processes are its own, so it kills none (G4).
#[cfg(not(unix))]
pub async fn kill_group(leader: &ProcessIdentity) -> Result<(), Cause> {
    Err(Cause::Invalid(format!("stopping process {} is not supported on this platform", leader.pid)))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::process::CommandExt;

    use super::*;
    use crate::process_identity::ProcessStart;

    #[tokio::test]
    async fn a_group_whose_leader_pid_names_another_process_is_never_signalled() {
        let mut leader = std::process::Command::new("sleep").arg("30").process_group(0).spawn().expect("start sleep");
        let pid = leader.id();
        let reused = ProcessIdentity { pid, start: Some(ProcessStart::from("linux:an-earlier-boot:1".to_owned())) };
        kill_group(&reused).await.expect("a reused pid means Grove's group is gone: done, not an error");
        assert!(matches!(leader.try_wait(), Ok(None)), "a pid with another start time must never be signalled");

        kill_group(&ProcessIdentity::of(pid)).await.expect("Grove's own group is ended");
        let status = leader.wait().expect("reap sleep");
        assert!(!status.success(), "the recorded process itself is signalled: {status:?}");
    }
}
