//! A viewer that collects what an attachment sends, and waits on it with deadlines.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use grove_engine::ids::SessionId;
use grove_engine::ops::Tmux;
use grove_engine::terminal::{TermSize, TerminalOptions, TerminalSink, TerminalStatus, Terminals, ViewerId};
use tokio::sync::Notify;

pub use crate::probe::support::{TmuxServer, script};

/// Every wait in these tests gives up after this long.
pub const DEADLINE: Duration = Duration::from_secs(15);

pub const SIZE: TermSize = TermSize { cols: 80, rows: 24 };

/// What one viewer received.
#[derive(Default)]
pub struct Seen {
    pub output: Vec<u8>,
    pub statuses: Vec<TerminalStatus>,
    /// Bytes received and not yet acknowledged by the test.
    pub unacked: u32,
}

/// A viewer's sink: records everything and wakes waiters.
#[derive(Default)]
pub struct Viewer {
    pub seen: Mutex<Seen>,
    changed: Notify,
}

impl TerminalSink for Viewer {
    fn output(&self, bytes: Vec<u8>) -> bool {
        let mut seen = self.seen.lock().unwrap();
        seen.unacked += u32::try_from(bytes.len()).unwrap();
        seen.output.extend_from_slice(&bytes);
        drop(seen);
        self.changed.notify_waiters();
        true
    }

    fn status(&self, status: &TerminalStatus) -> bool {
        self.seen.lock().unwrap().statuses.push(status.clone());
        self.changed.notify_waiters();
        true
    }
}

impl Viewer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap().output).into_owned()
    }

    pub fn statuses(&self) -> Vec<TerminalStatus> {
        self.seen.lock().unwrap().statuses.clone()
    }

    pub fn received(&self) -> usize {
        self.seen.lock().unwrap().output.len()
    }

    /// Waits until `done` holds for what was seen; when `ack` names the viewer, everything
    /// received is acknowledged as it arrives (a viewer that draws as fast as it gets).
    pub async fn wait_until(&self, what: &str, ack: Option<(&Terminals, ViewerId)>, done: impl Fn(&Seen) -> bool) {
        let waited = tokio::time::timeout(DEADLINE, async {
            loop {
                let notified = self.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                // The sink is called under the attachment's lock: never hold `seen` while
                // calling into the attachment, or the two locks can wait on each other.
                let unacked = std::mem::take(&mut self.seen.lock().unwrap().unacked);
                if let Some((terminals, viewer)) = ack
                    && unacked > 0
                {
                    let _ = terminals.ack(viewer, unacked);
                } else {
                    self.seen.lock().unwrap().unacked += unacked;
                }
                if done(&self.seen.lock().unwrap()) {
                    return;
                }
                // Output may also be waiting on an ack sent just now; wake up to look again.
                let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
            }
        })
        .await;
        if waited.is_err() {
            let seen = self.seen.lock().unwrap();
            panic!(
                "timed out after {DEADLINE:?} waiting for {what}; statuses {:?}; last output {:?}",
                seen.statuses,
                tail(&seen.output)
            );
        }
    }

    /// Waits for `needle` in the output, acknowledging as it goes.
    pub async fn wait_for_text(&self, needle: &str, terminals: &Terminals, viewer: ViewerId) {
        self.wait_until(&format!("{needle:?} in the output"), Some((terminals, viewer)), |s| {
            String::from_utf8_lossy(&s.output).contains(needle)
        })
        .await;
    }

    pub async fn wait_for_status(&self, what: &str, pred: impl Fn(&TerminalStatus) -> bool) {
        self.wait_until(what, None, |s| s.statuses.iter().any(&pred)).await;
    }
}

fn tail(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(400)..]).into_owned()
}

/// A tmux server whose session `name` runs `program` (a shell command line).
pub fn server(tag: &str, name: &str, program: &str) -> (TmuxServer, SessionId) {
    let server = TmuxServer::start(tag, &[name.to_owned()], program);
    (server, SessionId::new(name).expect("valid session id"))
}

pub fn terminals(server: &TmuxServer, options: TerminalOptions) -> Terminals {
    Terminals::new(Tmux::new(server.socket.clone()), options)
}

/// `tmux -S <socket> <args>`'s standard output, trimmed.
pub fn tmux_out(server: &TmuxServer, args: &[&str]) -> String {
    let out = std::process::Command::new("tmux").arg("-S").arg(&server.socket).args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The clients attached to session `name` (their pids).
pub fn clients(server: &TmuxServer, name: &str) -> Vec<u32> {
    tmux_out(server, &["list-clients", "-t", &format!("={name}"), "-F", "#{client_pid}"])
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Polls `check` (a question to tmux or the OS) every 20 ms until it holds or the deadline passes.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let found = tokio::time::timeout(DEADLINE, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(found.is_ok(), "timed out after {DEADLINE:?} waiting for {what}");
}

/// Whether process `pid` exists (a zombie counts: it was not reaped).
pub fn process_exists(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// A program that prints `ready`, then answers each line it reads.
pub const ECHO_AGENT: &str = "printf 'ready\\n'; while read line; do echo \"answer: $line\"; done";

pub fn viewer() -> Arc<Viewer> {
    Arc::new(Viewer::default())
}
