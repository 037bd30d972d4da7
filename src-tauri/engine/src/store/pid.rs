//! Whether a process id still names a live process, for stale locks (SPEC B2) and a stale
//! `running.json` (SPEC B5).

/// True only when the process is provably gone. Anything uncertain counts as alive, because the
/// cost of the two mistakes differs: calling a live owner dead lets two writers in at once, while
/// calling a dead owner alive only delays the takeover until the lock's age makes it stale.
///
/// On unix this is `kill(pid, 0)`: `ESRCH` means no such process; success or `EPERM` (it exists
/// but belongs to another user) mean alive. Elsewhere there is no cheap check that cannot be
/// fooled, so the answer is always "not proven dead".
pub fn pid_is_dead(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // 0 and negative values address process groups (and -1 every process), never one process:
        // they must never reach kill(2).
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        // SAFETY: kill with signal 0 sends nothing; it only checks that `pid` exists and may be
        // signalled. `pid` is a positive value, so it addresses exactly one process.
        let rc = unsafe { libc::kill(pid, 0) };
        rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive() {
        assert!(!pid_is_dead(std::process::id()), "the test process itself must count as alive");
    }

    #[test]
    fn reaped_child_is_dead() {
        let mut child = std::process::Command::new("true").spawn().expect("spawn `true`");
        let pid = child.id();
        child.wait().expect("wait for `true`");
        assert!(pid_is_dead(pid), "pid {pid} was reaped and must count as dead");
    }

    #[test]
    fn group_addressing_pids_are_never_dead() {
        for pid in [0, u32::MAX, i32::MAX as u32 + 1] {
            assert!(!pid_is_dead(pid), "pid {pid} must not be probed or called dead");
        }
    }
}
