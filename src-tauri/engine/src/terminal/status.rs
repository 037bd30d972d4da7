//! What a terminal viewer is told and what it may ask: the attachment's state, sizes, limits and
//! errors. Plain data, shared by the engine, the app's commands and the generated bindings.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::SessionId;
use crate::ops::CommandError;

/// The state of a session's attachment, sent to each of its viewers when it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum TerminalStatus {
    /// `tmux attach` is starting.
    Attaching,
    /// Attached: output flows and input reaches the agent.
    Attached,
    /// The attach client ended while the session still runs; trying again after `delay_ms`.
    Reattaching { attempt: u32, max_attempts: u32, delay_ms: u32, reason: String },
    /// The session's tmux session is gone: the agent exited or was killed. Output stays readable.
    Ended { reason: String },
    /// Attaching failed `max_attempts` times in a row; opening the view again starts over.
    Failed { message: String },
}

/// A terminal's size in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TermSize {
    pub cols: u16,
    pub rows: u16,
}

impl TermSize {
    /// The smallest size accepted; tmux cannot draw a usable pane below it.
    pub const MIN: TermSize = TermSize { cols: 2, rows: 2 };
    /// The largest size accepted: far beyond any screen, small enough that a typo is caught.
    pub const MAX: TermSize = TermSize { cols: 1000, rows: 500 };

    /// The size, if both sides are within [`TermSize::MIN`] and [`TermSize::MAX`].
    pub fn checked(cols: u16, rows: u16) -> Result<TermSize, TerminalError> {
        let ok = (Self::MIN.cols..=Self::MAX.cols).contains(&cols) && (Self::MIN.rows..=Self::MAX.rows).contains(&rows);
        if ok { Ok(TermSize { cols, rows }) } else { Err(TerminalError::BadSize { cols, rows }) }
    }
}

/// A viewer of one session's terminal; ids are never reused while the app runs.
pub type ViewerId = u32;

/// Limits and timings of attachments. The defaults are the product's; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct TerminalOptions {
    /// Bytes of recent output kept per session and replayed to a viewer that opens late.
    pub ring_bytes: usize,
    /// The most a viewer is sent in one message. A viewer has one message at a time: the next
    /// goes once it has drawn this one, carrying everything that arrived meanwhile. So a flood
    /// costs one message per frame the viewer draws, not one per read, and once a viewer's
    /// backlog would overflow the ring the attachment stops reading: tmux then holds the output
    /// (it drops what a slow client cannot take and redraws later) and the agent never waits.
    pub message_bytes: usize,
    /// Largest single input; pastes beyond it arrive in pieces.
    pub max_input_bytes: usize,
    /// A viewer that acknowledges nothing for this long no longer holds the others back.
    pub stall_after: Duration,
    /// Waits before the 2nd, 3rd... try after an attach client ended; its length is the number
    /// of tries in a row after the first (3 tries in all by default).
    pub backoff: Vec<Duration>,
    /// An attachment that lasted this long counts as a success: the tries start over.
    pub stable_after: Duration,
    /// Detached sessions whose recent output is kept for a reopen (each up to `ring_bytes`).
    pub recent_sessions: usize,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        Self {
            ring_bytes: 64 * 1024,
            message_bytes: 16 * 1024,
            max_input_bytes: 64 * 1024,
            stall_after: Duration::from_secs(10),
            backoff: vec![Duration::from_millis(250), Duration::from_secs(1)],
            stable_after: Duration::from_secs(5),
            recent_sessions: 16,
        }
    }
}

impl TerminalOptions {
    /// Tries in a row before giving up: the first and one per backoff step.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.backoff.len()).unwrap_or(u32::MAX).saturating_add(1)
    }
}

/// Why a terminal request was refused.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("no terminal viewer {0} is open (it was closed, or the page reloaded)")]
    UnknownViewer(ViewerId),
    #[error("session {0} has no tmux session on Grove's server (its agent has exited); restore it to get a terminal")]
    NoSession(SessionId),
    #[error("session {0} runs as a plain process, which has no terminal to attach to")]
    NotTmux(SessionId),
    #[error("terminal input of {len} bytes is over the {max}-byte limit of one call; send it in pieces")]
    InputTooLarge { len: usize, max: usize },
    #[error("the terminal of session {0} is not attached right now; wait for it to reattach, or reopen it")]
    NotAttached(SessionId),
    #[error("the agent's terminal is not taking input (its attach client is stuck); try again in a moment")]
    InputBackedUp,
    #[error("a terminal of {cols}x{rows} is outside 2x2..1000x500")]
    BadSize { cols: u16, rows: u16 },
    #[error("could not ask tmux about session {session}: {source}")]
    Tmux {
        session: SessionId,
        #[source]
        source: CommandError,
    },
}
