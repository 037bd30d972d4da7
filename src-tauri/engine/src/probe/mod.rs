//! Probes: how Grove learns live facts about sessions (SPEC D1, I0-I4). Each kind of probe is a
//! small trait so the enrichment layer can be tested with probes that hang, fail or count calls.
//!
//! A probe reports only what it saw. Deadlines, single flight, cooldowns and what to persist are
//! the enrichment layer's business (`manager`), not the probe's. A probe must be cancel-safe:
//! dropping its future kills any child process it started (their process group, `kill_on_drop`).

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::session::{Activity, RuntimeHandle, SessionRecord};

/// A boxed probe future, so probes can live behind `Arc<dyn ...>`.
pub type ProbeFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProbeError>> + Send + 'a>>;

/// Why a probe gave no answer. None of these is evidence that a session is dead (SPEC D11).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The probe could not run at all: binary missing, EMFILE, EAGAIN, permission denied.
    #[error("{probe} could not start: {reason}")]
    CannotStart { probe: &'static str, reason: String },
    /// It ran and failed (non-zero exit, I/O error reading a transcript).
    #[error("{probe} failed: {reason}")]
    Failed { probe: &'static str, reason: String },
    /// It answered with something Grove cannot read.
    #[error("{probe} answered with output Grove cannot read: {reason}")]
    Unreadable { probe: &'static str, reason: String },
}

/// What a runtime probe knows about one handle. Only positive evidence of absence gives
/// `Missing` (SPEC D11): tmux answered and does not list the session, or the pid does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    /// The runtime exists; `pid` is the agent's process (the pane's process for tmux) when known.
    Alive { pid: Option<u32> },
    /// The runtime exists but its process has ended (a tmux pane kept open after its command
    /// exited).
    Exited,
    /// Positive evidence that the runtime does not exist.
    Missing,
    /// This runtime could not be judged although the probe ran (no tmux server answers and the
    /// record names no pane process to check, SPEC D11a): not evidence either way.
    Unknown {
        /// Why, for the enrichment error shown beside the session.
        reason: String,
    },
}

/// Runtime liveness (SPEC D1). One call answers for every handle given: for tmux that is one
/// `tmux -S <socket> list-panes -a` invocation however many sessions there are.
pub trait RuntimeProbe: Send + Sync {
    /// Liveness of each handle, keyed by `RuntimeHandle::id`. Every handle given gets an answer
    /// when the call succeeds.
    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>>;

    /// How the agent behind `handle` ended, for a runtime found exited whose runtime keeps that
    /// (tmux's dead pane: exit status, signal, last lines; SPEC A2a). `None` when unknown.
    fn ended<'a>(&'a self, handle: &'a RuntimeHandle) -> ProbeFuture<'a, Option<crate::session::AgentExit>> {
        let _ = handle;
        Box::pin(async { Ok(None) })
    }
}

/// Where an activity reading came from, strongest first (SPEC I0). Shown in the UI beside the
/// activity so a user can tell a hook-reported wait from a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActivitySource {
    /// The process check: the agent process is gone.
    Process,
    /// An event the agent reported itself (hooks, notify program).
    Hook,
    /// The tail of the agent's transcript.
    Transcript,
    /// A scrape of the terminal pane (confirms a waiting prompt).
    Pane,
    /// Age of the terminal's last output (the `shell` adapter).
    Output,
    /// Grove sent the agent input after it asked (`grove send`): the answer, until the agent or
    /// its screen says otherwise.
    Input,
}

/// How far an activity reading can be trusted (SPEC I0): the agent's own report, or a pane that
/// confirms it, is `high`; a transcript read or a screen seen alone is `medium`; output age is a
/// guess, `low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The agent said so, or two layers agree.
    High,
    /// One indirect layer says so.
    Medium,
    /// Inferred from timing alone.
    Low,
}

/// What an agent adapter read from the agent's own files (cheap: tail only).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentActivity {
    /// The activity, per SPEC A4 (`ready` decays to `idle` after 5 minutes; the adapter applies it
    /// with the `now` it is given).
    pub activity: Activity,
    /// Where the reading came from.
    pub source: ActivitySource,
    /// When the agent last did something, if the files say.
    #[ts(type = "string | null")]
    pub last_activity_at: Option<DateTime<Utc>>,
    /// The agent's own session id, for resume (SPEC F4), when found.
    pub agent_session_id: Option<String>,
    /// The last error the agent reported, when the activity is `blocked`.
    pub error: Option<String>,
    /// What the activity is about, for a person: "waiting for permission to run `cargo test`".
    pub detail: Option<String>,
    /// How far the reading can be trusted.
    pub confidence: Confidence,
    /// When the deciding evidence appeared (the hook event, the transcript entry, the screen).
    #[ts(type = "string | null")]
    pub evidence_at: Option<DateTime<Utc>>,
    /// The agent itself reported `agent_session_id` as its current session (a hook; it changes on
    /// `/clear`), so it replaces the recorded one instead of only filling a gap.
    pub session_rebound: bool,
    /// The dialog on the agent's screen while it waits on one (SPEC I2b).
    pub dialog: Option<agents::Dialog>,
}

/// Expensive agent facts (SPEC D9): read on every 4th background pass and on fresh reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentInfo {
    /// A one-line summary of what the agent is doing or last said.
    pub summary: Option<String>,
    /// Tokens used so far (input + output), when the transcript records them.
    #[ts(type = "number | null")]
    pub tokens: Option<u64>,
    /// Cost so far in US dollars, when the transcript records it.
    pub cost_usd: Option<f64>,
    /// The transcript file the adapter reads.
    #[ts(type = "string | null")]
    pub transcript: Option<PathBuf>,
}

/// An agent adapter (SPEC I1-I4): reads what the agent itself writes.
pub trait AgentProbe: Send + Sync {
    /// Activity from the tail of the agent's transcript or events; `now` comes from the caller
    /// so time can be paused in tests.
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity>;
    /// Summary, tokens and cost; may read more than the tail.
    fn info<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo>;
}

// Implementations (tmux, process, agent adapters) are declared below this line.

pub mod agents;
pub mod child;
mod pid;
mod revive;
mod runtime;
mod tmux;

pub use agents::{AgentAdapters, AgentDirs, LastOutput, TmuxLastOutput};
pub use pid::{PidProbe, pid_liveness};
pub(crate) use revive::revive_socket;
pub use runtime::RuntimeProbes;
pub use tmux::TmuxProbe;
pub(crate) use tmux::says_no_server;
