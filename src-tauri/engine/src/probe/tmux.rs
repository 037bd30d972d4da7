//! Liveness of tmux runtimes (SPEC D1, D11, D11a): one `tmux -S <socket> list-panes -a` call
//! answers for every session on Grove's socket, however many handles are asked about.
//!
//! A server that answers without a session is evidence the session is gone. No server answering
//! (the socket refuses connections or its file is missing) is not: a tmp cleaner may have
//! deleted the socket of a server that still runs. Then each session is judged by the pane
//! process recorded in its handle, checked with its start time (SPEC F8): gone means gone, the
//! same process still running means alive, and a handle without one cannot be judged. A live
//! pane also leads to its server, which is asked to recreate its socket (`revive`).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::child::run_probe;
use super::revive::revive_socket;
use super::{Liveness, ProbeError, ProbeFuture, RuntimeProbe};
use crate::home::{GroveHome, tmux_socket_args};
use crate::process_identity::Presence;
use crate::session::{AgentExit, DEAD_PANE_FORMAT, RuntimeHandle};

/// The name used in probe errors.
const PROBE: &str = "tmux";

/// One line per pane: session name, pane pid, pane dead flag, separated by spaces. Not tabs: a
/// tmux client outside a UTF-8 locale prints control characters as `_`. The name comes first and
/// the line is split from the right, so a session someone named with spaces still parses.
const PANE_FORMAT: &str = "#{session_name} #{pane_pid} #{pane_dead}";

/// tmux's message when nothing listens on the socket (ECONNREFUSED; also what a socket left
/// behind by `kill-server` gives).
const NO_SERVER_RUNNING: &str = "no server running on ";

/// The start of tmux's message when it cannot connect for another reason:
/// `error connecting to <path> (<strerror>)`.
const CONNECT_ERROR: &str = "error connecting to ";

/// The end of that message when the reason is ENOENT: the socket file does not exist.
const ENOENT_TEXT: &str = "(No such file or directory)";

/// The tmux client prints its connection errors with `strerror`, which follows the locale; the C
/// locale keeps them in the English the markers above match. Session names are Grove ids (ASCII),
/// and the format uses no control characters, so the C locale's non-UTF-8 output changes nothing.
const CLIENT_ENV: [(&str, &str); 1] = [("LC_ALL", "C")];

/// Whether tmux's stderr says no server answers on the socket: nothing listens on it, or the
/// socket file does not exist. For a kill that means there is nothing to end there; for liveness
/// it is not evidence by itself (see the module doc). Any other error (EACCES, "server exited
/// unexpectedly" while one shuts down) says nothing about sessions. Operations use the same rule,
/// so a probe and a kill never disagree about whether a server answers.
pub(crate) fn says_no_server(stderr: &str) -> bool {
    stderr.starts_with(NO_SERVER_RUNNING) || (stderr.starts_with(CONNECT_ERROR) && stderr.ends_with(ENOENT_TEXT))
}

/// Runtime probe for tmux sessions on Grove's own socket. A handle's id is the tmux session name.
#[derive(Debug, Clone)]
pub struct TmuxProbe {
    program: OsString,
    socket: PathBuf,
}

impl TmuxProbe {
    /// A probe for the tmux server on the socket at `socket`, running `tmux` from `PATH`.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self { program: OsString::from("tmux"), socket: socket.into() }
    }

    /// A probe for the tmux server of a Grove home (`GroveHome::tmux_socket`).
    pub fn for_home(home: &GroveHome) -> Self {
        Self::new(home.tmux_socket())
    }

    /// The socket's path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The same probe running `program` instead of `tmux` (a full path, or a wrapper in tests).
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into().into_os_string();
        self
    }

    /// Every session on the socket and the state of its panes, from one tmux call. `Ok(None)`
    /// means no server answers on the socket.
    async fn sessions(&self) -> Result<Option<HashMap<String, Liveness>>, ProbeError> {
        let mut args = tmux_socket_args(&self.socket).to_vec();
        args.extend(["list-panes", "-a", "-F", PANE_FORMAT].map(OsString::from));
        let out = run_probe(PROBE, &self.program, args, &CLIENT_ENV).await?;
        if !out.status.success() {
            let stderr = out.stderr_excerpt();
            if says_no_server(&stderr) {
                return Ok(None);
            }
            return Err(ProbeError::Failed { probe: PROBE, reason: format!("{}: {stderr}", out.status) });
        }
        let text = String::from_utf8(out.stdout)
            .map_err(|_| ProbeError::Unreadable { probe: PROBE, reason: "list-panes printed invalid UTF-8".into() })?;
        parse_panes(&text).map(Some)
    }
}

/// Parses `list-panes -a -F PANE_FORMAT` output into the liveness of each session. A session is
/// alive if any of its panes is (its pid is the first live pane's), exited if all panes are dead.
/// A line that does not have the format's shape makes the whole answer unreadable: guessing
/// from garbage could declare live sessions missing.
fn parse_panes(text: &str) -> Result<HashMap<String, Liveness>, ProbeError> {
    let mut sessions: HashMap<String, Liveness> = HashMap::new();
    for line in text.lines() {
        let unreadable =
            || ProbeError::Unreadable { probe: PROBE, reason: format!("unexpected list-panes line {line:?}") };
        let mut fields = line.rsplitn(3, ' ');
        let (Some(dead), Some(pid), Some(name)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(unreadable());
        };
        let pid: u32 = pid.parse().map_err(|_| unreadable())?;
        let pane = match dead {
            "0" => Liveness::Alive { pid: Some(pid) },
            "1" => Liveness::Exited,
            _ => return Err(unreadable()),
        };
        if name.is_empty() {
            return Err(unreadable());
        }
        let entry = sessions.entry(name.to_owned()).or_insert(Liveness::Exited);
        if *entry == Liveness::Exited {
            *entry = pane;
        }
    }
    Ok(sessions)
}

/// The liveness of `handle`'s session when no tmux server answers (SPEC D11a): its recorded
/// pane process decides. Without one (an older record) nothing can be concluded.
fn without_server(handle: &RuntimeHandle, socket: &Path) -> Liveness {
    let Some(pane) = &handle.process else {
        let reason = format!("no tmux server answers on {} and the record names no pane process", socket.display());
        return Liveness::Unknown { reason };
    };
    match pane.presence() {
        Presence::Same => Liveness::Alive { pid: Some(pane.pid) },
        Presence::Gone | Presence::Reused => Liveness::Missing,
        Presence::Unverified => Liveness::Unknown {
            reason: format!(
                "no tmux server answers on {} and pane process {} cannot be told from another",
                socket.display(),
                pane.pid
            ),
        },
    }
}

impl RuntimeProbe for TmuxProbe {
    fn ended<'a>(&'a self, handle: &'a RuntimeHandle) -> ProbeFuture<'a, Option<AgentExit>> {
        Box::pin(async move {
            let target = format!("={}:", handle.id);
            let mut args = tmux_socket_args(&self.socket).to_vec();
            args.extend(["display-message", "-p", "-t", &target, DEAD_PANE_FORMAT, ";"].map(OsString::from));
            args.extend(["capture-pane", "-p", "-J", "-S", "-50", "-t", &target].map(OsString::from));
            let out = run_probe(PROBE, &self.program, args, &CLIENT_ENV).await?;
            if !out.status.success() {
                return Ok(None);
            }
            Ok(AgentExit::from_pane(&String::from_utf8_lossy(&out.stdout)))
        })
    }

    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        Box::pin(async move {
            let mut sessions = self.sessions().await?;
            let panes = handles.iter().filter_map(|h| h.process.as_ref());
            if sessions.is_none() && revive_socket(&self.socket, panes).await {
                // The server was there all along, only unreachable: its answer decides.
                sessions = self.sessions().await?;
            }
            Ok(handles
                .iter()
                .map(|h| {
                    let state = match &sessions {
                        // The server answered: a session it does not list is gone.
                        Some(listed) => listed.get(&h.id).cloned().unwrap_or(Liveness::Missing),
                        None => without_server(h, &self.socket),
                    };
                    (h.id.clone(), state)
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_dead_and_multi_pane_sessions() {
        let text = "a 100 0\nb 200 1\nc 300 1\nc 301 0\nd 400 0\nd 401 0\nmy session 500 0\n";
        let parsed = parse_panes(text).expect("well-formed output parses");
        assert_eq!(parsed["a"], Liveness::Alive { pid: Some(100) });
        assert_eq!(parsed["b"], Liveness::Exited, "a session whose only pane is dead has exited");
        assert_eq!(parsed["c"], Liveness::Alive { pid: Some(301) }, "one live pane keeps a session alive");
        assert_eq!(parsed["d"], Liveness::Alive { pid: Some(400) }, "the first live pane gives the pid");
        assert_eq!(parsed["my session"], Liveness::Alive { pid: Some(500) }, "a name with a space still parses");
    }

    #[test]
    fn only_connection_refused_and_no_socket_mean_no_server() {
        assert!(says_no_server("no server running on /tmp/tmux-0/grove-1"));
        assert!(says_no_server("error connecting to /tmp/tmux-0/grove-1 (No such file or directory)"));
        for other in [
            "error connecting to /tmp/tmux-0/grove-1 (Permission denied)",
            "server exited unexpectedly",
            "open terminal failed: not a terminal (No such file or directory)",
            "",
        ] {
            assert!(!says_no_server(other), "{other:?} is not evidence that no server exists");
        }
    }

    #[test]
    fn empty_output_lists_no_sessions() {
        assert!(parse_panes("").expect("empty output is an answer").is_empty());
    }

    #[test]
    fn malformed_lines_are_unreadable() {
        for bad in ["a\t100\t0", "a x 0", "a 100 2", "a 100 0 extra", " 100 0", "garbage", "100 0"] {
            assert!(
                matches!(parse_panes(bad), Err(ProbeError::Unreadable { .. })),
                "{bad:?} must be unreadable, never a session list"
            );
        }
    }
}
