//! A tmux client attached to one session, running in a pseudo-terminal that Grove holds: the
//! bytes tmux draws come out of the PTY's master side, and keys go in through it.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::status::TermSize;
use crate::ids::SessionId;
use crate::ops::Tmux;

/// How long a client has to leave after SIGHUP before it is killed.
const HANGUP_GRACE: Duration = Duration::from_secs(1);

/// The running `tmux attach` and the master side of its PTY.
pub(crate) struct AttachClient {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// The PTY's slave device: tmux names its clients by it.
    pub(crate) tty: Option<PathBuf>,
}

/// The client's output and input streams, to be moved to their own threads.
pub(crate) struct ClientStreams {
    pub(crate) output: Box<dyn Read + Send>,
    pub(crate) input: Box<dyn Write + Send>,
}

impl std::fmt::Debug for AttachClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachClient").field("pid", &self.child.process_id()).field("tty", &self.tty).finish()
    }
}

/// Starts `tmux attach` for `target` in a new PTY of `size`. Blocking (fork and exec).
pub(crate) fn spawn_attach(
    tmux: &Tmux,
    target: &SessionId,
    size: TermSize,
) -> io::Result<(AttachClient, ClientStreams)> {
    let pair = native_pty_system().openpty(pty_size(size)).map_err(other)?;
    let (program, args) = tmux.attach_argv(target);
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    // The view is an xterm; inside the user's own tmux, TMUX would make tmux refuse to nest.
    cmd.env("TERM", "xterm-256color");
    cmd.env("COLORTERM", "truecolor");
    cmd.env_remove("TMUX");
    let child = pair.slave.spawn_command(cmd).map_err(other)?;
    // Only the client keeps the slave open, so its exit reads as end of output.
    drop(pair.slave);
    let streams = ClientStreams {
        output: pair.master.try_clone_reader().map_err(other)?,
        input: pair.master.take_writer().map_err(other)?,
    };
    let tty = tty_name(&*pair.master);
    Ok((AttachClient { master: pair.master, child, tty }, streams))
}

impl AttachClient {
    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    pub(crate) fn resize(&self, size: TermSize) -> io::Result<()> {
        self.master.resize(pty_size(size)).map_err(other)
    }

    /// Asks the client to leave (SIGHUP, as when a terminal window closes: tmux detaches it and
    /// the session runs on), kills it if it has not within [`HANGUP_GRACE`], and reaps it.
    /// Blocking.
    pub(crate) fn hang_up(&self) {
        #[cfg(unix)]
        if let Some(pid) = self.pid().and_then(|p| libc::pid_t::try_from(p).ok()).filter(|p| *p > 1) {
            // SAFETY: kill(2) on our own child's pid, which stays ours until it is reaped below.
            unsafe {
                libc::kill(pid, libc::SIGHUP);
            }
        }
        #[cfg(not(unix))]
        let _ = self.child.clone_killer().kill();
    }

    /// Waits for the client to end (killing it after [`HANGUP_GRACE`]) and reaps it. Blocking.
    pub(crate) fn reap(mut self) {
        let deadline = Instant::now() + HANGUP_GRACE;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() >= deadline => break,
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        tracing::warn!("the terminal's tmux client did not leave on SIGHUP; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pty_size(size: TermSize) -> PtySize {
    PtySize { rows: size.rows, cols: size.cols, pixel_width: 0, pixel_height: 0 }
}

#[cfg(unix)]
fn tty_name(master: &dyn MasterPty) -> Option<PathBuf> {
    master.tty_name()
}

#[cfg(not(unix))]
fn tty_name(_: &dyn MasterPty) -> Option<PathBuf> {
    None
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}
