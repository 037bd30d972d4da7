//! Liveness of plain-process runtimes (SPEC D1, F8): `kill(pid, 0)` per handle, no child process,
//! and the recorded start time when the handle has one, so a reused pid is not taken for the
//! agent.

use std::collections::HashMap;

use super::{Liveness, ProbeError, ProbeFuture, RuntimeProbe};
use crate::process_identity::Presence;
use crate::session::RuntimeHandle;

/// The name used in probe errors.
const PROBE: &str = "process";

/// Runtime probe for `RuntimeKind::Process` handles, whose id is the process id as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct PidProbe;

/// What `kill(pid, 0)` says about one process: it exists (even if owned by another user, EPERM)
/// or it provably does not (ESRCH). An id that is not a single positive pid is unreadable, never
/// missing: 0 and negative numbers address process groups.
pub fn pid_liveness(id: &str) -> Result<Liveness, ProbeError> {
    let unreadable = |why: &str| ProbeError::Unreadable { probe: PROBE, reason: format!("handle id {id:?} {why}") };
    let pid: u32 = id.parse().map_err(|_| unreadable("is not a process id"))?;
    #[cfg(unix)]
    {
        let raw =
            libc::pid_t::try_from(pid).ok().filter(|p| *p > 0).ok_or_else(|| unreadable("is not a single process"))?;
        // SAFETY: signal 0 sends nothing, it only checks existence; `raw` is positive, so it
        // addresses exactly one process.
        if unsafe { libc::kill(raw, 0) } == 0 {
            return Ok(Liveness::Alive { pid: Some(pid) });
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ESRCH) => Ok(Liveness::Missing),
            Some(libc::EPERM) => Ok(Liveness::Alive { pid: Some(pid) }),
            _ => Err(ProbeError::Failed { probe: PROBE, reason: format!("kill({pid}, 0): {err}") }),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        Err(ProbeError::CannotStart { probe: PROBE, reason: "no process check on this platform".into() })
    }
}

impl RuntimeProbe for PidProbe {
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        Box::pin(async move { handles.iter().map(|h| Ok((h.id.clone(), handle_liveness(h)?))).collect() })
    }
}

/// [`pid_liveness`] of the handle's pid, where a pid that now names another process (its start
/// time differs from the one recorded in the handle) is missing.
fn handle_liveness(handle: &RuntimeHandle) -> Result<Liveness, ProbeError> {
    let liveness = pid_liveness(&handle.id)?;
    let reused = |pid: u32| handle.process.as_ref().is_some_and(|p| p.pid == pid && p.presence() == Presence::Reused);
    Ok(match liveness {
        Liveness::Alive { pid: Some(pid) } if reused(pid) => Liveness::Missing,
        other => other,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive() {
        let me = std::process::id();
        assert_eq!(pid_liveness(&me.to_string()), Ok(Liveness::Alive { pid: Some(me) }));
    }

    #[test]
    fn reaped_child_is_missing() {
        let mut child = std::process::Command::new("true").spawn().expect("spawn `true`");
        let pid = child.id();
        child.wait().expect("wait for `true`");
        assert_eq!(pid_liveness(&pid.to_string()), Ok(Liveness::Missing), "reaped pid {pid} must be Missing");
    }

    #[test]
    fn process_of_another_user_is_alive() {
        // pid 1 exists on every unix system; unprivileged, kill(1, 0) gives EPERM, as root success.
        assert_eq!(pid_liveness("1"), Ok(Liveness::Alive { pid: Some(1) }), "EPERM means the process exists");
    }

    #[test]
    fn a_live_pid_with_another_start_time_is_missing() {
        use crate::process_identity::{ProcessIdentity, ProcessStart};
        use crate::session::RuntimeKind;
        let me = std::process::id();
        let handle = RuntimeHandle::new(RuntimeKind::Process, me.to_string());
        let recorded = handle.clone().with_process(Some(ProcessIdentity::current()));
        assert_eq!(handle_liveness(&recorded), Ok(Liveness::Alive { pid: Some(me) }), "same start: alive");
        let reused = ProcessIdentity { pid: me, start: Some(ProcessStart::from("linux:old-boot:1".to_owned())) };
        let reused = handle.clone().with_process(Some(reused));
        assert_eq!(handle_liveness(&reused), Ok(Liveness::Missing), "another start time: Grove's process is gone");
        assert_eq!(handle_liveness(&handle), Ok(Liveness::Alive { pid: Some(me) }), "no start recorded: as before");
    }

    #[test]
    fn ids_that_are_not_one_pid_are_unreadable() {
        for id in ["", "abc", "-1", "0", "12x", "4294967295"] {
            assert!(
                matches!(pid_liveness(id), Err(ProbeError::Unreadable { .. })),
                "{id:?} must be unreadable, never Missing"
            );
        }
    }
}
