//! One session's attachment: a tmux client in a PTY shared by every viewer of that session, the
//! recent output, and the flow of bytes to each viewer at the pace it draws them.
//!
//! Back-pressure: a viewer has at most one message it has not acknowledged; the next carries what
//! arrived meanwhile (up to `message_bytes`). Bytes not yet sent wait in the ring; when the
//! slowest live viewer's backlog would overflow the ring, the reader stops reading. The PTY then
//! fills and tmux, which never lets a slow client block a pane, drops that client's pending
//! output and redraws its screen once it drains. So a flood (`yes`) costs a bounded amount of
//! memory here and in the webview, one message per frame the viewer draws, and the agent never
//! waits.

use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::TerminalSink;
use super::pty::{self, AttachClient, ClientStreams};
use super::ring::Ring;
use super::status::{TermSize, TerminalError, TerminalOptions, TerminalStatus, ViewerId};
use crate::ids::SessionId;
use crate::ops::Tmux;

/// Bytes read from the PTY at a time.
const READ_CHUNK: usize = 8 * 1024;
/// Inputs queued for the writer thread before `input` reports the terminal as backed up.
const INPUT_QUEUE: usize = 256;
/// How often a paused reader looks for stalled viewers.
const STALL_CHECK: Duration = Duration::from_millis(500);

pub(crate) struct Attachment {
    target: SessionId,
    tmux: Tmux,
    options: Arc<TerminalOptions>,
    shared: Mutex<Shared>,
    /// Signalled when the ring has room again (an ack, a viewer leaving, a stop).
    room: Condvar,
    /// Wakes the supervisor from a backoff wait when the attachment stops.
    stopped: Notify,
}

struct Shared {
    ring: Ring,
    viewers: Vec<Viewer>,
    size: TermSize,
    status: TerminalStatus,
    /// The client of the current try, with the queue its input goes through.
    client: Option<(AttachClient, SyncSender<Vec<u8>>)>,
    stopping: bool,
}

struct Viewer {
    id: ViewerId,
    sink: Arc<dyn TerminalSink>,
    /// Stream offset up to which output was sent to this viewer.
    sent: u64,
    /// Stream offset up to which this viewer has drawn the output.
    acked: u64,
    last_ack: Instant,
    /// Acknowledged nothing for `stall_after` while owing: no longer holds the reader back.
    stalled: bool,
    /// Output it was never sent fell out of the ring: its screen needs a redraw.
    skipped: bool,
    /// Its sink refused a message: the viewer is gone.
    gone: bool,
}

impl Attachment {
    pub(crate) fn new(
        target: SessionId,
        tmux: Tmux,
        options: Arc<TerminalOptions>,
        ring: Ring,
        size: TermSize,
    ) -> Self {
        let shared = Shared {
            ring,
            viewers: Vec::new(),
            size,
            status: TerminalStatus::Attaching,
            client: None,
            stopping: false,
        };
        Self { target, tmux, options, shared: Mutex::new(shared), room: Condvar::new(), stopped: Notify::new() }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a viewer: it hears the current status, then the kept output from its oldest byte.
    /// Returns the client's tty when a redraw should follow (the replay may start mid-screen).
    pub(crate) fn add_viewer(&self, id: ViewerId, sink: Arc<dyn TerminalSink>) -> Option<std::path::PathBuf> {
        let mut shared = self.lock();
        let start = shared.ring.start();
        let viewer = Viewer {
            id,
            sink,
            sent: start,
            acked: start,
            last_ack: Instant::now(),
            stalled: false,
            skipped: false,
            gone: false,
        };
        viewer.sink.status(&shared.status);
        shared.viewers.push(viewer);
        let shared = &mut *shared;
        if let Some(v) = shared.viewers.last_mut() {
            pump(v, &shared.ring, &self.options);
        }
        let had_output = shared.ring.end() > 0;
        match (&shared.client, &shared.status) {
            (Some((client, _)), TerminalStatus::Attached) if had_output => client.tty.clone(),
            _ => None,
        }
    }

    /// Removes a viewer; `true` when none is left.
    pub(crate) fn remove_viewer(&self, id: ViewerId) -> bool {
        let mut shared = self.lock();
        shared.viewers.retain(|v| v.id != id);
        self.room.notify_all();
        shared.viewers.is_empty()
    }

    pub(crate) fn input(&self, bytes: &[u8]) -> Result<(), TerminalError> {
        let shared = self.lock();
        let Some((_, input)) = &shared.client else {
            return Err(TerminalError::NotAttached(self.target.clone()));
        };
        match input.try_send(bytes.to_vec()) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(TerminalError::InputBackedUp),
            Err(TrySendError::Disconnected(_)) => Err(TerminalError::NotAttached(self.target.clone())),
        }
    }

    /// The PTY takes `size` (the latest viewer to resize wins); tmux resizes the window to match.
    pub(crate) fn resize(&self, size: TermSize) {
        let mut shared = self.lock();
        shared.size = size;
        if let Some((client, _)) = &shared.client
            && let Err(e) = client.resize(size)
        {
            tracing::debug!(session = %self.target, "terminal resize failed: {e}");
        }
    }

    /// `viewer` has drawn `bytes` more; send it what is waiting and let the reader go on.
    /// Returns the client's tty when the viewer missed output (it stalled) and needs a redraw.
    pub(crate) fn ack(&self, viewer: ViewerId, bytes: u32) -> Option<std::path::PathBuf> {
        let mut shared = self.lock();
        let shared = &mut *shared;
        let v = shared.viewers.iter_mut().find(|v| v.id == viewer)?;
        v.acked = (v.acked + u64::from(bytes)).min(v.sent);
        v.last_ack = Instant::now();
        v.stalled = false;
        pump(v, &shared.ring, &self.options);
        let redraw = std::mem::take(&mut v.skipped);
        shared.viewers.retain(|v| !v.gone);
        self.room.notify_all();
        if redraw { shared.client.as_ref().and_then(|(c, _)| c.tty.clone()) } else { None }
    }

    /// The kept output, for a reopen after the last viewer left.
    pub(crate) fn ring(&self) -> Ring {
        self.lock().ring.clone()
    }

    /// Ends the attachment: the client is hung up (the agent runs on) and the supervisor ends.
    pub(crate) fn stop(&self) {
        let mut shared = self.lock();
        shared.stopping = true;
        if let Some((client, _)) = &shared.client {
            client.hang_up();
        }
        self.room.notify_all();
        self.stopped.notify_one();
    }

    fn stopping(&self) -> bool {
        self.lock().stopping
    }

    fn set_status(&self, status: TerminalStatus) {
        let mut shared = self.lock();
        for v in &mut shared.viewers {
            v.gone |= !v.sink.status(&status);
        }
        shared.viewers.retain(|v| !v.gone);
        shared.status = status;
    }

    /// Attaches, re-attaches after the client ends (with backoff, at most `max_attempts` tries
    /// in a row), and reports each state to the viewers, until stopped or the session is gone.
    pub(crate) async fn supervise(self: Arc<Self>) {
        let max_attempts = self.options.max_attempts();
        let mut tries = 0u32;
        loop {
            tries += 1;
            let started = Instant::now();
            let reason = match self.attach_once().await {
                Ok(()) => "the tmux client ended".to_owned(),
                Err(e) => format!("tmux attach could not start: {e}"),
            };
            if self.stopping() {
                return;
            }
            if started.elapsed() >= self.options.stable_after {
                tries = 0;
            }
            match self.tmux.has_session(&self.target).await {
                Ok(false) => {
                    self.set_status(TerminalStatus::Ended { reason: "the agent's tmux session has ended".into() });
                    return;
                }
                Ok(true) => {}
                Err(e) => tracing::debug!(session = %self.target, "has-session failed: {e}"),
            }
            if tries >= max_attempts {
                let message = format!("could not stay attached after {tries} tries in a row: {reason}");
                tracing::warn!(session = %self.target, "{message}");
                self.set_status(TerminalStatus::Failed { message });
                return;
            }
            let delay = self.options.backoff[(tries.max(1) - 1) as usize];
            self.set_status(TerminalStatus::Reattaching {
                attempt: tries + 1,
                max_attempts,
                delay_ms: u32::try_from(delay.as_millis()).unwrap_or(u32::MAX),
                reason,
            });
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = self.stopped.notified() => {}
            }
            if self.stopping() {
                return;
            }
        }
    }

    /// One try: start the client, stream its output until it ends, reap it.
    async fn attach_once(self: &Arc<Self>) -> std::io::Result<()> {
        let size = self.lock().size;
        let (tmux, target) = (self.tmux.clone(), self.target.clone());
        let spawned = tokio::task::spawn_blocking(move || pty::spawn_attach(&tmux, &target, size))
            .await
            .map_err(std::io::Error::other)??;
        let (client, ClientStreams { output, input }) = spawned;
        let (input_tx, input_rx) = sync_channel::<Vec<u8>>(INPUT_QUEUE);
        std::thread::Builder::new().name("grove-terminal-input".into()).spawn(move || {
            let mut input = input;
            for bytes in input_rx {
                if input.write_all(&bytes).and_then(|()| input.flush()).is_err() {
                    return;
                }
            }
        })?;
        {
            let mut shared = self.lock();
            if shared.stopping {
                client.hang_up();
            }
            // The size may have changed while the client started.
            let _ = client.resize(shared.size);
            shared.client = Some((client, input_tx));
        }
        let me = self.clone();
        let _ = tokio::task::spawn_blocking(move || me.read_output(output)).await;
        let client = self.lock().client.take().map(|(client, _input)| client);
        if let Some(client) = client {
            tokio::task::spawn_blocking(move || {
                client.hang_up();
                client.reap();
            })
            .await
            .map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Reads the PTY until the client ends, feeding the ring and the viewers. The attachment
    /// counts as attached once tmux has drawn something: a client that cannot attach exits
    /// before it draws. Blocking.
    fn read_output(&self, mut output: Box<dyn std::io::Read + Send>) {
        let mut buf = vec![0u8; READ_CHUNK];
        let mut drawn = false;
        while self.wait_for_room() {
            let n = match output.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if !drawn {
                drawn = true;
                self.set_status(TerminalStatus::Attached);
            }
            let mut shared = self.lock();
            let shared = &mut *shared;
            shared.ring.push(&buf[..n]);
            for v in &mut shared.viewers {
                pump(v, &shared.ring, &self.options);
            }
            shared.viewers.retain(|v| !v.gone);
        }
    }

    /// Blocks while a live viewer's unsent backlog leaves no room in the ring for another read;
    /// `false` once stopping.
    fn wait_for_room(&self) -> bool {
        let mut shared = self.lock();
        loop {
            if shared.stopping {
                return false;
            }
            let capacity = shared.ring.capacity() as u64;
            let end = shared.ring.end();
            let stall_after = self.options.stall_after;
            for v in &mut shared.viewers {
                if v.acked < v.sent && v.last_ack.elapsed() >= stall_after {
                    v.stalled = true;
                }
            }
            // Stalled viewers do not hold the others back; with only stalled viewers (a hidden
            // window draws nothing) there is no one to read for, and tmux keeps the screen.
            let live = shared.viewers.iter().filter(|v| !v.stalled);
            let all_stalled = !shared.viewers.is_empty() && live.clone().next().is_none();
            let backlog = live.map(|v| end - v.sent).max().unwrap_or(0);
            if !all_stalled && backlog + READ_CHUNK as u64 <= capacity {
                return true;
            }
            shared = self.room.wait_timeout(shared, STALL_CHECK).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

/// Sends `v` what waits for it in `ring` as one message of at most `message_bytes`, unless it
/// has not acknowledged the previous one. A viewer that fell behind the ring's start (it
/// stalled) skips to it.
fn pump(v: &mut Viewer, ring: &Ring, options: &TerminalOptions) {
    if v.sent < ring.start() {
        let skipped = ring.start() - v.sent;
        v.sent += skipped;
        v.acked += skipped;
        v.skipped = true;
    }
    if v.gone || v.acked < v.sent || v.sent >= ring.end() {
        return;
    }
    let chunk = ring.read(v.sent, options.message_bytes);
    v.sent += chunk.len() as u64;
    v.gone = !v.sink.output(chunk);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<Vec<u8>>>);

    impl TerminalSink for Collect {
        fn output(&self, bytes: Vec<u8>) -> bool {
            self.0.lock().unwrap().push(bytes);
            true
        }
        fn status(&self, _: &TerminalStatus) -> bool {
            true
        }
    }

    fn viewer(sink: Arc<Collect>, at: u64) -> Viewer {
        Viewer {
            id: 1,
            sink,
            sent: at,
            acked: at,
            last_ack: Instant::now(),
            stalled: false,
            skipped: false,
            gone: false,
        }
    }

    fn options(message: usize) -> TerminalOptions {
        TerminalOptions { message_bytes: message, ..TerminalOptions::default() }
    }

    fn sizes(sink: &Collect) -> Vec<usize> {
        sink.0.lock().unwrap().iter().map(Vec::len).collect()
    }

    #[test]
    fn a_viewer_has_one_message_at_a_time_carrying_what_arrived_meanwhile() {
        let sink = Arc::new(Collect::default());
        let mut ring = Ring::new(1000);
        ring.push(&[b'y'; 30]);
        let mut v = viewer(sink.clone(), 0);
        pump(&mut v, &ring, &options(100));
        ring.push(&[b'y'; 300]);
        pump(&mut v, &ring, &options(100));
        assert_eq!(sizes(&sink), [30], "nothing more until the first message is acknowledged");
        v.acked += 10;
        pump(&mut v, &ring, &options(100));
        assert_eq!(sizes(&sink), [30], "a part of a message acknowledged is not the message drawn");
        v.acked += 20;
        pump(&mut v, &ring, &options(100));
        assert_eq!(sizes(&sink), [30, 100], "the next message holds what waited, up to the limit");
    }

    #[test]
    fn a_viewer_behind_the_ring_skips_to_its_start() {
        let sink = Arc::new(Collect::default());
        let mut ring = Ring::new(10);
        ring.push(b"0123456789abcdef");
        let mut v = viewer(sink.clone(), 0);
        pump(&mut v, &ring, &options(100));
        assert_eq!(sink.0.lock().unwrap().concat(), b"6789abcdef", "only what the ring still holds is sent");
        assert_eq!((v.sent, v.acked), (16, 6), "the skipped bytes count as drawn, the sent ones do not");
    }
}
