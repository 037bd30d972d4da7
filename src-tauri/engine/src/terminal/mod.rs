//! Live terminal views of sessions (issue #10). A view attaches a tmux client on Grove's socket
//! in a PTY that Grove holds; every viewer of one session shares that attachment, a late viewer
//! gets the recent output replayed, and the last one out detaches while the agent runs on.
//!
//! Viewers are anything that implements [`TerminalSink`]: the app adapts a webview channel, the
//! tests collect bytes. Nothing here knows about Tauri.

mod attachment;
mod pty;
mod ring;
mod status;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

use self::attachment::Attachment;
use self::ring::Ring;
pub use self::status::{TermSize, TerminalError, TerminalOptions, TerminalStatus, ViewerId};
use crate::ids::SessionId;
use crate::ops::Tmux;
use crate::session::{RuntimeKind, SessionRecord};

/// How long shutdown waits for attachments to hang up their clients.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(3);

/// One viewer's end: where output and status changes go. Both return `false` once the viewer is
/// gone (its page closed), which removes it. Called with the attachment's lock held, so they
/// must only hand the data on, never block.
pub trait TerminalSink: Send + Sync + 'static {
    fn output(&self, bytes: Vec<u8>) -> bool;
    fn status(&self, status: &TerminalStatus) -> bool;
}

/// The tmux session a record's terminal lives in: its runtime handle's name, else its id.
pub fn tmux_target(record: &SessionRecord) -> Result<SessionId, TerminalError> {
    if record.runtime == RuntimeKind::Process {
        return Err(TerminalError::NotTmux(record.id.clone()));
    }
    match &record.lifecycle.runtime.handle {
        Some(handle) if handle.kind == RuntimeKind::Tmux => {
            SessionId::new(handle.id.clone()).map_err(|_| TerminalError::NoSession(record.id.clone()))
        }
        _ => Ok(record.id.clone()),
    }
}

/// Every terminal attachment of one app.
pub struct Terminals {
    tmux: Tmux,
    /// The runtime background work goes to: `ack` and `close` may be called from a thread
    /// outside it (the app's synchronous commands run on the main thread).
    runtime: tokio::runtime::Handle,
    options: Arc<TerminalOptions>,
    registry: Mutex<Registry>,
    /// Set once the server was told to keep scrollback in the normal screen.
    scrollback_set: AtomicBool,
}

#[derive(Default)]
struct Registry {
    attachments: HashMap<SessionId, Live>,
    viewers: HashMap<ViewerId, SessionId>,
    /// Output of sessions whose last viewer left, newest last, for a reopen.
    recent: VecDeque<(SessionId, Ring)>,
    last_viewer: ViewerId,
}

struct Live {
    attachment: Arc<Attachment>,
    supervisor: JoinHandle<()>,
}

impl std::fmt::Debug for Terminals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminals").field("socket", &self.tmux.socket()).finish_non_exhaustive()
    }
}

impl Terminals {
    /// Must be called inside a tokio runtime, which then runs the attachments' tasks.
    pub fn new(tmux: Tmux, options: TerminalOptions) -> Self {
        Self {
            tmux,
            runtime: tokio::runtime::Handle::current(),
            options: Arc::new(options),
            registry: Mutex::new(Registry::default()),
            scrollback_set: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a viewer of tmux session `target` at `size`, attaching if it is the first.
    pub async fn open(
        &self,
        target: &SessionId,
        size: TermSize,
        sink: Arc<dyn TerminalSink>,
    ) -> Result<ViewerId, TerminalError> {
        let exists = self
            .tmux
            .has_session(target)
            .await
            .map_err(|source| TerminalError::Tmux { session: target.clone(), source })?;
        if !exists {
            return Err(TerminalError::NoSession(target.clone()));
        }
        if !self.scrollback_set.swap(true, Ordering::Relaxed)
            && let Err(e) = self.tmux.keep_scrollback().await
        {
            // The view still works; what scrolls off is then only in tmux's own history.
            tracing::warn!("could not set tmux's terminal-overrides for scrollback: {e}");
            self.scrollback_set.store(false, Ordering::Relaxed);
        }
        let (id, redraw) = {
            let mut registry = self.lock();
            let registry = &mut *registry;
            registry.last_viewer += 1;
            let id = registry.last_viewer;
            let live = registry.attachments.entry(target.clone()).or_insert_with(|| {
                let ring = match registry.recent.iter().position(|(s, _)| s == target) {
                    Some(i) => registry.recent.remove(i).map(|(_, r)| r).unwrap_or_else(|| Ring::new(0)),
                    None => Ring::new(self.options.ring_bytes),
                };
                let attachment =
                    Arc::new(Attachment::new(target.clone(), self.tmux.clone(), self.options.clone(), ring, size));
                let supervisor = self.runtime.spawn(attachment.clone().supervise());
                Live { attachment, supervisor }
            });
            let redraw = live.attachment.add_viewer(id, sink);
            registry.viewers.insert(id, target.clone());
            (id, redraw)
        };
        if let Some(tty) = redraw {
            self.redraw(tty);
        }
        Ok(id)
    }

    /// Queues `bytes` (keys, a paste) for the viewer's session, in the order of the calls.
    pub fn input(&self, viewer: ViewerId, bytes: &[u8]) -> Result<(), TerminalError> {
        let max = self.options.max_input_bytes;
        if bytes.len() > max {
            return Err(TerminalError::InputTooLarge { len: bytes.len(), max });
        }
        self.attachment_of(viewer)?.input(bytes)
    }

    pub fn resize(&self, viewer: ViewerId, size: TermSize) -> Result<(), TerminalError> {
        self.attachment_of(viewer)?.resize(size);
        Ok(())
    }

    /// The viewer drew `bytes` more bytes of output.
    pub fn ack(&self, viewer: ViewerId, bytes: u32) -> Result<(), TerminalError> {
        if let Some(tty) = self.attachment_of(viewer)?.ack(viewer, bytes) {
            self.redraw(tty);
        }
        Ok(())
    }

    /// Removes a viewer; the last one of a session detaches (the agent keeps running) and its
    /// recent output is kept for a reopen. `false` if no such viewer was open.
    pub fn close(&self, viewer: ViewerId) -> bool {
        let mut registry = self.lock();
        let Some(target) = registry.viewers.remove(&viewer) else { return false };
        let Some(live) = registry.attachments.get(&target) else { return true };
        if live.attachment.remove_viewer(viewer)
            && let Some(live) = registry.attachments.remove(&target)
        {
            live.attachment.stop();
            registry.recent.push_back((target, live.attachment.ring()));
            while registry.recent.len() > self.options.recent_sessions {
                registry.recent.pop_front();
            }
        }
        true
    }

    /// Sessions with an attachment now, for tests and diagnostics.
    pub fn attached_sessions(&self) -> Vec<SessionId> {
        self.lock().attachments.keys().cloned().collect()
    }

    /// Detaches everything (app quit): every client is hung up; the agents run on.
    pub async fn shutdown(&self) {
        let lives: Vec<Live> = {
            let mut registry = self.lock();
            registry.viewers.clear();
            registry.attachments.drain().map(|(_, live)| live).collect()
        };
        for live in &lives {
            live.attachment.stop();
        }
        for live in lives {
            if tokio::time::timeout(SHUTDOWN_WAIT, live.supervisor).await.is_err() {
                tracing::warn!("a terminal attachment did not end within {SHUTDOWN_WAIT:?}");
            }
        }
    }

    /// The line that attaches to `target` from the user's own terminal.
    pub fn attach_command(&self, target: &SessionId) -> String {
        self.tmux.attach_command_line(target)
    }

    fn attachment_of(&self, viewer: ViewerId) -> Result<Arc<Attachment>, TerminalError> {
        let registry = self.lock();
        registry
            .viewers
            .get(&viewer)
            .and_then(|target| registry.attachments.get(target))
            .map(|live| live.attachment.clone())
            .ok_or(TerminalError::UnknownViewer(viewer))
    }

    /// Asks tmux to redraw the client on `tty`, in the background.
    fn redraw(&self, tty: std::path::PathBuf) {
        let tmux = self.tmux.clone();
        self.runtime.spawn(async move {
            if let Err(e) = tmux.refresh_client(&tty).await {
                tracing::debug!("terminal redraw failed: {e}");
            }
        });
    }
}
