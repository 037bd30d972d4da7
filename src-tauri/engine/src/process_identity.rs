//! Which process a pid names (SPEC F8, G4, B5). A pid alone is not an identity: after a crash or
//! a reboot the same number can name somebody else's process. Grove records a pid together with
//! the time that process started, and treats a pid whose start time differs as somebody else's:
//! never signalled, and a `running.json` naming it is stale.
//!
//! The start time comes from the operating system, read the same way every time, so it compares
//! equal for the life of the process: Linux `/proc/<pid>/stat` field 22 (clock ticks since boot)
//! joined with the boot id (so the same pid and tick count after a reboot still differ); macOS
//! `proc_pidinfo(PROC_PIDTBSDINFO)`; Windows the process creation time (`GetProcessTimes`, an
//! absolute time, so a reboot changes it too). It is kept as an opaque text, prefixed with the
//! platform, and only ever compared for equality. A process that has exited but not been reaped
//! (a zombie) counts as gone: it runs nothing.

use serde::{Deserialize, Serialize};

/// When a process started, as an opaque token compared only for equality (see the module doc
/// for what it holds per platform).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProcessStart(String);

impl ProcessStart {
    /// The token as written to disk.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ProcessStart {
    /// A token read back from a record.
    fn from(token: String) -> Self {
        Self(token)
    }
}

/// A process as Grove recorded it: its pid and, when it could be read, its start time. Written
/// into `running.json` and runtime handles; `start` is absent in records from older versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessIdentity {
    /// The process id.
    pub pid: u32,
    /// When that process started; `None` if it could not be read or the record predates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<ProcessStart>,
}

/// What a recorded [`ProcessIdentity`] names now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// The same process runs: the pid exists and its start time matches the recorded one.
    Same,
    /// A process with this pid runs, but Grove cannot tell whether it is the recorded one: no
    /// start time was recorded (an older record), or the current one cannot be read.
    Unverified,
    /// The pid names another process now (its start time differs): the recorded one is gone.
    Reused,
    /// No process has this pid.
    Gone,
}

impl Presence {
    /// Whether the recorded process has provably ended (gone, or its pid reused).
    pub fn is_gone(self) -> bool {
        matches!(self, Self::Gone | Self::Reused)
    }

    /// Whether Grove may signal the pid (SPEC G4): never a reused pid. An unverified one keeps
    /// the behaviour of records written before start times were recorded.
    pub fn may_signal(self) -> bool {
        matches!(self, Self::Same | Self::Unverified)
    }
}

impl ProcessIdentity {
    /// The identity of the live process `pid`, its start time read now (`None` if unreadable).
    pub fn of(pid: u32) -> Self {
        let start = match os::lookup(pid) {
            Lookup::Running(start) => start,
            Lookup::Gone | Lookup::Invalid => None,
        };
        Self { pid, start }
    }

    /// The identity of the current process.
    pub fn current() -> Self {
        Self::of(std::process::id())
    }

    /// What the pid names now, compared with what was recorded.
    pub fn presence(&self) -> Presence {
        match (os::lookup(self.pid), &self.start) {
            // 0 and values beyond pid_t address groups or nothing: never one process of Grove's.
            (Lookup::Invalid, _) => Presence::Unverified,
            (Lookup::Gone, _) => Presence::Gone,
            (Lookup::Running(Some(now)), Some(recorded)) if now != *recorded => Presence::Reused,
            (Lookup::Running(Some(_)), Some(_)) => Presence::Same,
            (Lookup::Running(_), _) => Presence::Unverified,
        }
    }
}

/// What the operating system says about one pid.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lookup {
    /// Not a single process id (0, or out of range): must never be probed or signalled.
    Invalid,
    /// No such process.
    Gone,
    /// A process runs with this pid; its start time when readable.
    Running(Option<ProcessStart>),
}

#[cfg(target_os = "linux")]
mod os {
    use std::sync::OnceLock;

    use super::{Lookup, ProcessStart};

    /// Where the kernel publishes an id that changes on every boot.
    const BOOT_ID: &str = "/proc/sys/kernel/random/boot_id";

    /// The 1-based field of `/proc/<pid>/stat` holding the start time (`starttime`, proc(5)).
    const STARTTIME_FIELD: usize = 22;

    pub(super) fn lookup(pid: u32) -> Lookup {
        match super::unix::exists_or_invalid(pid) {
            Err(invalid) => return invalid,
            Ok(false) => return Lookup::Gone,
            Ok(true) => {}
        }
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) if has_exited(&stat) => Lookup::Gone,
            Ok(stat) => Lookup::Running(starttime(&stat).map(|ticks| token(boot_id(), ticks))),
            // It ended between the two looks.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Lookup::Gone,
            Err(_) => Lookup::Running(None),
        }
    }

    /// Whether the process has exited and only waits to be reaped (state `Z`, or `X` while it
    /// goes): it runs nothing. An orphan under an init that never reaps stays like this, and
    /// must not keep a session alive.
    pub(super) fn has_exited(stat: &str) -> bool {
        let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_ascii_whitespace().next());
        matches!(state, Some("Z" | "X"))
    }

    /// Field 22 of a `stat` line. The command name (field 2) is in parentheses and may itself
    /// hold spaces and `)`, so fields are counted from the last `)`: field 3 comes right after.
    pub(super) fn starttime(stat: &str) -> Option<u64> {
        let (_, rest) = stat.rsplit_once(')')?;
        rest.split_ascii_whitespace().nth(STARTTIME_FIELD - 3)?.parse().ok()
    }

    pub(super) fn token(boot: &str, ticks: u64) -> ProcessStart {
        ProcessStart(format!("linux:{boot}:{ticks}"))
    }

    fn boot_id() -> &'static str {
        static BOOT: OnceLock<String> = OnceLock::new();
        BOOT.get_or_init(|| std::fs::read_to_string(BOOT_ID).map(|s| s.trim().to_owned()).unwrap_or_default())
    }
}

#[cfg(target_os = "macos")]
mod os {
    use super::{Lookup, ProcessStart};

    /// `p_stat` of a zombie (`<sys/proc.h>`).
    const SZOMB: u32 = 5;

    pub(super) fn lookup(pid: u32) -> Lookup {
        match super::unix::exists_or_invalid(pid) {
            Err(invalid) => return invalid,
            Ok(false) => return Lookup::Gone,
            Ok(true) => {}
        }
        // SAFETY: `info` is a plain C struct that proc_pidinfo fills up to the size given; the
        // return value says how many bytes it wrote, checked before any field is read.
        let mut info: libc::proc_bsdinfo = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::proc_bsdinfo>() as libc::c_int;
        let written = unsafe {
            libc::proc_pidinfo(
                pid as libc::c_int,
                libc::PROC_PIDTBSDINFO,
                0,
                (&mut info as *mut libc::proc_bsdinfo).cast(),
                size,
            )
        };
        if written != size {
            // EPERM for another user's process, or it ended: existence was already shown.
            return Lookup::Running(None);
        }
        if info.pbi_status == SZOMB {
            // Exited, waiting to be reaped: it runs nothing.
            return Lookup::Gone;
        }
        Lookup::Running(Some(ProcessStart(format!("macos:{}.{:06}", info.pbi_start_tvsec, info.pbi_start_tvusec))))
    }
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "macos"))))]
mod os {
    use super::Lookup;

    /// Other unixes: existence only; every live pid is unverified, as before start times.
    pub(super) fn lookup(pid: u32) -> Lookup {
        match super::unix::exists_or_invalid(pid) {
            Err(invalid) => invalid,
            Ok(true) => Lookup::Running(None),
            Ok(false) => Lookup::Gone,
        }
    }
}

#[cfg(windows)]
mod os {
    //! Written against windows-sys 0.61's declarations but not yet built for Windows: check it
    //! there before relying on it.

    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_INVALID_PARAMETER, FILETIME, GetLastError, HANDLE, STILL_ACTIVE,
    };
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };

    use super::{Lookup, ProcessStart};

    /// Closes the process handle however the lookup ends.
    struct Owned(HANDLE);

    impl Drop for Owned {
        fn drop(&mut self) {
            // SAFETY: the handle came from OpenProcess and is closed exactly once, here.
            unsafe { CloseHandle(self.0) };
        }
    }

    pub(super) fn lookup(pid: u32) -> Lookup {
        if pid == 0 {
            // The System Idle Process: never one of Grove's.
            return Lookup::Invalid;
        }
        // SAFETY: OpenProcess has no memory preconditions; a null result is checked below.
        let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if handle.is_null() {
            // No such process gives ERROR_INVALID_PARAMETER; anything else (access denied to a
            // protected process) means it exists.
            // SAFETY: GetLastError only reads this thread's last error.
            let gone = unsafe { GetLastError() } == ERROR_INVALID_PARAMETER;
            return if gone { Lookup::Gone } else { Lookup::Running(None) };
        }
        let handle = Owned(handle);
        let mut code = 0u32;
        // SAFETY: `handle` is open with query rights; `code` outlives the call.
        let exited = unsafe { GetExitCodeProcess(handle.0, &mut code) } != 0 && code != STILL_ACTIVE as u32;
        if exited {
            // Ended; the handle of some other holder keeps its entry around.
            return Lookup::Gone;
        }
        let zero = FILETIME { dwLowDateTime: 0, dwHighDateTime: 0 };
        let (mut created, mut ended, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: `handle` is open with query rights; the four FILETIMEs outlive the call.
        let read = unsafe { GetProcessTimes(handle.0, &mut created, &mut ended, &mut kernel, &mut user) } != 0;
        let ticks = (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime);
        Lookup::Running(read.then(|| ProcessStart(format!("windows:{ticks}"))))
    }
}

#[cfg(unix)]
mod unix {
    use super::Lookup;

    /// `kill(pid, 0)`: `Ok(true)` if the process exists (EPERM: it belongs to another user),
    /// `Ok(false)` on ESRCH, `Err(Lookup::Invalid)` for a value that does not name one process.
    pub(super) fn exists_or_invalid(pid: u32) -> Result<bool, Lookup> {
        let raw = libc::pid_t::try_from(pid).ok().filter(|p| *p > 0).ok_or(Lookup::Invalid)?;
        // SAFETY: signal 0 sends nothing; `raw` is positive, so it addresses exactly one process.
        if unsafe { libc::kill(raw, 0) } == 0 {
            return Ok(true);
        }
        Ok(std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH))
    }
}

#[cfg(test)]
#[path = "process_identity_tests.rs"]
mod tests;
