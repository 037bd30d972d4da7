//! Ending the process group of a command whose future was dropped mid-run (SPEC F7, G4; STYLE:
//! "a dropped operation must take the whole group with it, not just the parent").
//!
//! A dropped future cannot await, so the group gets SIGTERM at once (git removes its lock files,
//! `sh -c` scripts and their children end) and a thread of its own sends SIGKILL to whatever is
//! left after [`DROP_GRACE`]. A thread, not a task: it must run even while the runtime shuts
//! down. [`wait_dropped_groups`] lets a rollback wait until those groups are gone before it
//! removes the directories they were working in.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::watch;

/// How long a dropped command's group gets between SIGTERM and SIGKILL: enough for git to remove
/// its lock files and for a script to end its children, short enough that an interrupted
/// operation still rolls back promptly.
pub const DROP_GRACE: Duration = Duration::from_secs(2);

/// How often a group being ended is looked at. One `kill(pg, 0)` call (and on Linux a read of
/// `/proc`), so cheap; it only ends the wait soon after the group is gone.
const CHECK_EVERY: Duration = Duration::from_millis(20);

/// The number of dropped groups still being ended, process-wide: dropped commands belong to no
/// operation any more, so only a count shared by all of them can say when they are all gone.
fn ending() -> &'static watch::Sender<usize> {
    static ENDING: OnceLock<watch::Sender<usize>> = OnceLock::new();
    ENDING.get_or_init(|| watch::channel(0).0)
}

/// Ends process group `pgid` (a command Grove started as the leader of its own group, whose
/// leader is not reaped yet, so the id is still that group's): SIGTERM now, SIGKILL after
/// [`DROP_GRACE`] to whatever still runs.
#[cfg(unix)]
pub(crate) fn end_dropped_group(pgid: u32) {
    let Some(pg) = libc::pid_t::try_from(pgid).ok().filter(|p| *p > 1) else { return };
    if !signal(pg, libc::SIGTERM) {
        return;
    }
    ending().send_modify(|n| *n += 1);
    let ender = std::thread::Builder::new().name(format!("grove-end-group-{pg}")).spawn(move || {
        if !gone_within(pg, DROP_GRACE) {
            tracing::debug!(group = pg, "a dropped command's group outlived SIGTERM; sending SIGKILL");
            signal(pg, libc::SIGKILL);
            // SIGKILL cannot be caught; what is left after this waits only to be reaped.
            gone_within(pg, DROP_GRACE);
        }
        ending().send_modify(|n| *n -= 1);
    });
    if let Err(e) = ender {
        // No thread to wait with: kill at once rather than leave the group running.
        tracing::warn!(group = pg, "cannot start a thread to end a dropped command: {e}; sending SIGKILL now");
        signal(pg, libc::SIGKILL);
        ending().send_modify(|n| *n -= 1);
    }
}

/// Without process groups nothing can be proven Grove's, so nothing is signalled (SPEC G4); the
/// child itself is killed on drop.
#[cfg(not(unix))]
pub(crate) fn end_dropped_group(_pgid: u32) {}

/// Waits until every dropped command's group has ended (at most `limit`); `false` if some still
/// ran at the limit. A rollback calls it before it removes a worktree such a command worked in.
pub async fn wait_dropped_groups(limit: Duration) -> bool {
    let mut count = ending().subscribe();
    tokio::time::timeout(limit, count.wait_for(|n| *n == 0)).await.is_ok_and(|r| r.is_ok())
}

/// Sends `sig` to group `pg`; `false` when the group no longer exists.
#[cfg(unix)]
fn signal(pg: libc::pid_t, sig: libc::c_int) -> bool {
    // SAFETY: `pg` > 1, so `-pg` addresses exactly that group, never every process (-1) or
    // Grove's own group (0).
    unsafe { libc::kill(-pg, sig) == 0 }
}

/// Whether group `pg` has nothing running left (gone, or only zombies) within `limit`.
#[cfg(unix)]
fn gone_within(pg: libc::pid_t, limit: Duration) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if !signal(pg, 0) || super::process::only_zombies(pg) {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(CHECK_EVERY);
    }
}
