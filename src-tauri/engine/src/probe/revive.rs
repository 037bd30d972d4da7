//! Bringing back Grove's tmux socket after a tmp cleaner deleted it (SPEC D11a). The server runs
//! on, unreachable; tmux recreates its socket when it receives SIGUSR1 (tmux(1), "If the socket
//! is accidentally removed..."). Without this, the next spawn would start a second server on the
//! same path, which answers without the first server's sessions and so makes them look dead.
//!
//! The server is found as the parent of a pane process Grove recorded and proved still the same
//! (its start time, SPEC F8), and is signalled only while it is a tmux server (SPEC G4): SIGUSR1
//! ends a process that does not handle it.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use crate::process_identity::{Presence, ProcessIdentity};

/// How long to wait for the server to recreate its socket: it does so at once on the signal, so
/// this only covers a loaded machine, and bounds the wait of the caller (a probe or a spawn).
const REVIVE_WAIT: Duration = Duration::from_millis(500);

/// How often the socket file is looked for while waiting.
const REVIVE_CHECK_EVERY: Duration = Duration::from_millis(10);

/// Asks the tmux server behind `panes` to recreate the socket file at `socket`, if that file is
/// missing and one of the panes is still the process Grove recorded. Returns whether the socket
/// exists afterwards (then the caller asks the server again).
pub(crate) async fn revive_socket<'a>(socket: &Path, panes: impl IntoIterator<Item = &'a ProcessIdentity>) -> bool {
    if socket.exists() {
        return false;
    }
    let servers: BTreeSet<u32> =
        panes.into_iter().filter(|p| p.presence() == Presence::Same).filter_map(|p| os::tmux_parent(p.pid)).collect();
    if servers.is_empty() {
        return false;
    }
    for server in &servers {
        tracing::warn!(server, socket = %socket.display(), "Grove's tmux socket is gone; asking its server to recreate it");
        os::recreate_socket(*server);
    }
    let deadline = tokio::time::Instant::now() + REVIVE_WAIT;
    while !socket.exists() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(REVIVE_CHECK_EVERY).await;
    }
    true
}

#[cfg(target_os = "linux")]
mod os {
    /// What tmux names its server process (`prctl(PR_SET_NAME)`), as `/proc/<pid>/comm` shows.
    const SERVER_COMM: &str = "tmux: server";

    /// The parent of `pid` when that parent is a tmux server.
    pub(super) fn tmux_parent(pid: u32) -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state, then the parent's pid.
        let (_, rest) = stat.rsplit_once(')')?;
        let parent: u32 = rest.split_ascii_whitespace().nth(1)?.parse().ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{parent}/comm")).ok()?;
        (parent > 1 && comm.trim_end() == SERVER_COMM).then_some(parent)
    }

    pub(super) fn recreate_socket(server: u32) {
        let Ok(pid) = libc::pid_t::try_from(server) else { return };
        // SAFETY: `pid` > 1 was just shown to be a tmux server (the parent of a pane Grove proved
        // its own), which handles SIGUSR1 by recreating its socket.
        unsafe {
            libc::kill(pid, libc::SIGUSR1);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    /// Elsewhere the server is not looked for: without a cheap way to name a process's parent
    /// and prove it is tmux, nothing is signalled (SPEC G4); liveness still follows the panes.
    pub(super) fn tmux_parent(_pid: u32) -> Option<u32> {
        None
    }

    pub(super) fn recreate_socket(_server: u32) {}
}
