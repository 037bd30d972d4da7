//! The layers of SPEC I0 put together for one session: what the agent reported (events), what its
//! transcript shows, and, when those say "waiting" or cannot tell, what its screen shows. The
//! process layer (`exited`) is applied above this, by enrichment, from the runtime probe.
//!
//! Rules, each a test below:
//! - The newer of the event reading and the transcript reading decides: a transcript that moved
//!   on after a reported wait is progress, and progress clears a wait.
//! - Input Grove sent after a wait is progress too, unless the screen still shows the dialog.
//! - The screen confirms a wait (confidence high), reveals one nothing else reported, or clears
//!   one that is no longer on screen. A wait reported less than [`FRESH`] ago is never cleared
//!   by the screen: the agent runs its hook before it draws the dialog.
//! - `ready` decays to `idle` after 5 minutes without activity (SPEC A4).

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::hooks::{HookReading, read_events};
use super::pane::{PaneBatcher, PaneVerdict, classify_pane, reads_pane};
use super::{AgentActivity, TailReader, blocking, decay_ready};
use crate::events::{AgentEvent, INPUT_EVENT, Via, since_launch};
use crate::home::GroveHome;
use crate::probe::{ActivitySource, AgentInfo, AgentProbe, Confidence, ProbeFuture};
use crate::session::{Activity, RuntimeKind, SessionRecord};

/// A reported wait younger than this is kept whatever the screen shows (see the module doc).
pub const FRESH: TimeDelta = TimeDelta::seconds(2);

/// A transcript that says "working" but has not moved for this long may be a tool waiting behind
/// a permission dialog: the screen is asked (agent-formats §6.2 row 6).
pub const STALLED: TimeDelta = TimeDelta::seconds(5);

/// What the events of the current run hold for the layers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reported {
    /// The agent's own reading.
    pub hooks: Option<HookReading>,
    /// When Grove last sent the agent input.
    pub input_at: Option<DateTime<Utc>>,
}

impl Reported {
    /// What `agent`'s events (oldest first, current run) say.
    pub fn of(agent: &str, events: &[AgentEvent]) -> Self {
        let input_at = events.iter().rev().find(|e| e.via == Via::Grove && e.event == INPUT_EVENT).map(|e| e.at);
        Self { hooks: read_events(agent, events), input_at }
    }
}

/// The reading from the events and the transcript, before the screen is asked. `transcript` is
/// `None` when the transcript layer failed or has nothing; `record_session_id` is the id on
/// record, to tell whether the agent reported a new one.
pub fn combine(
    reported: &Reported,
    transcript: Option<AgentActivity>,
    record_session_id: Option<&str>,
) -> Option<AgentActivity> {
    let from_hooks = reported.hooks.as_ref().map(|h| AgentActivity {
        activity: h.activity,
        source: ActivitySource::Hook,
        last_activity_at: Some(h.at),
        agent_session_id: h.session_id.clone(),
        error: h.error.clone(),
        detail: h.detail.clone(),
        confidence: Confidence::High,
        evidence_at: Some(h.at),
        session_rebound: h.session_id.is_some() && h.session_id.as_deref() != record_session_id,
    });
    let transcript = transcript.map(|t| AgentActivity { evidence_at: t.evidence_at.or(t.last_activity_at), ..t });
    let mut reading = match (from_hooks, transcript) {
        (None, None) => return None,
        (Some(h), None) => h,
        (None, Some(t)) => t,
        (Some(h), Some(t)) => {
            let newer = t.activity != Activity::Unknown
                // Output age is a guess; an agent that reports its own state is not second-guessed
                // by it (its last lines come after its report).
                && t.source != ActivitySource::Output
                && t.last_activity_at.zip(h.evidence_at).is_some_and(|(t, h)| t > h)
                // Another tool call finishing in parallel moves the transcript but does not
                // answer the prompt; the answer shows in the hooks or on screen.
                && !(h.activity == Activity::WaitingInput && t.activity == Activity::Active);
            // A turn that failed stays failed when the agent then reports it is at its prompt
            // (Aider rings its notifications command after a failed request too).
            let failed = t.activity == Activity::Blocked && h.activity == Activity::Ready;
            let newer = newer || failed;
            let last = t.last_activity_at.max(h.last_activity_at);
            let session_id = h.agent_session_id.clone().or_else(|| t.agent_session_id.clone());
            let rebound = h.session_rebound;
            let mut chosen = if newer { t } else { h };
            chosen.last_activity_at = last;
            chosen.agent_session_id = session_id;
            chosen.session_rebound = rebound;
            chosen
        }
    };
    if let Some(input_at) = reported.input_at
        && reading.activity == Activity::WaitingInput
        && reading.evidence_at.is_some_and(|at| input_at > at)
    {
        reading.activity = Activity::Active;
        reading.source = ActivitySource::Input;
        reading.confidence = Confidence::Medium;
        reading.detail = Some("answered from Grove".into());
        reading.evidence_at = Some(input_at);
        reading.last_activity_at = reading.last_activity_at.max(Some(input_at));
    }
    Some(reading)
}

/// Whether `agent`'s screen should be read to settle `reading` at `now`.
pub fn wants_pane(agent: &str, reading: &AgentActivity, now: DateTime<Utc>) -> bool {
    if !reads_pane(agent) {
        return false;
    }
    let stalled = reading.evidence_at.is_none_or(|at| now - at >= STALLED);
    match reading.activity {
        Activity::WaitingInput | Activity::Unknown => true,
        Activity::Active => stalled || reading.source == ActivitySource::Input,
        // Aider's "ready" may be a yes/no question: only its screen tells.
        Activity::Ready | Activity::Idle => agent == "aider",
        Activity::Blocked | Activity::Exited => false,
    }
}

/// `agent`'s `reading` settled by what its screen shows at `now`.
pub fn confirm(agent: &str, reading: AgentActivity, verdict: &PaneVerdict, now: DateTime<Utc>) -> AgentActivity {
    let waiting = reading.activity == Activity::WaitingInput;
    let fresh = reading.evidence_at.is_some_and(|at| now - at < FRESH);
    let seen = |activity, detail: Option<String>| AgentActivity {
        activity,
        source: ActivitySource::Pane,
        confidence: Confidence::Medium,
        detail,
        evidence_at: Some(now),
        ..reading.clone()
    };
    // A question on screen is strong evidence where the agent has no other way to say so (Aider),
    // or where it explains a tool that stalled (Claude); elsewhere the wording may have changed.
    let sure = agent == "aider" || (agent == "claude-code" && reading.activity == Activity::Active);
    match verdict {
        PaneVerdict::Waiting(_) if waiting => AgentActivity { confidence: Confidence::High, ..reading },
        PaneVerdict::Waiting(line) if sure => AgentActivity {
            confidence: Confidence::High,
            ..seen(Activity::WaitingInput, Some(format!("on screen: {line}")))
        },
        PaneVerdict::Waiting(line) => seen(Activity::WaitingInput, Some(format!("on screen: {line}"))),
        PaneVerdict::Working if waiting && !fresh => seen(Activity::Active, Some("the prompt was answered".into())),
        PaneVerdict::Working if reading.source == ActivitySource::Input => {
            AgentActivity { confidence: Confidence::High, ..reading }
        }
        PaneVerdict::AtPrompt if (waiting && !fresh) || reading.activity == Activity::Unknown => {
            seen(Activity::Ready, None)
        }
        _ => reading,
    }
}

/// An agent adapter wrapped in the event and screen layers: what enrichment calls for every
/// session of a built-in agent.
pub struct Layered {
    /// The built-in agent, or `None` for the adapter every other agent shares (named by the
    /// session).
    agent: Option<&'static str>,
    transcript: Arc<dyn AgentProbe>,
    home: GroveHome,
    tail: Arc<TailReader>,
    panes: Arc<PaneBatcher>,
}

impl Layered {
    /// `transcript` (the adapter of `agent`) with the events of sessions under `home` read
    /// through `tail`, and screens captured through `panes`.
    pub fn new(
        agent: Option<&'static str>,
        transcript: Arc<dyn AgentProbe>,
        home: GroveHome,
        tail: Arc<TailReader>,
        panes: Arc<PaneBatcher>,
    ) -> Self {
        Self { agent, transcript, home, tail, panes }
    }

    /// The events of the session's current run; none when the file does not exist yet or cannot
    /// be read (the other layers still answer).
    async fn events(&self, session: &SessionRecord) -> Vec<AgentEvent> {
        let path = self.home.events_file(&session.project_id, &session.id);
        let tail = self.tail.clone();
        let read = blocking("events", move || match tail.read(&path) {
            Ok(t) => Ok(since_launch(&t.lines)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => {
                tracing::debug!("cannot read {}: {e}", path.display());
                Ok(Vec::new())
            }
        });
        read.await.unwrap_or_default()
    }
}

impl AgentProbe for Layered {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            let agent = self.agent.unwrap_or(session.agent.as_str());
            let reported = Reported::of(agent, &self.events(session).await);
            // The agent's latest session id (after `/clear`) names the transcript to read.
            let hook_id = reported.hooks.as_ref().and_then(|h| h.session_id.clone());
            let transcript = match hook_id.filter(|id| session.agent_session_id.as_deref() != Some(id)) {
                Some(id) => {
                    let rebound = SessionRecord { agent_session_id: Some(id), ..session.clone() };
                    self.transcript.activity(&rebound, now).await
                }
                None => self.transcript.activity(session, now).await,
            };
            let transcript = match transcript {
                Ok(t) => Some(t),
                // With the agent's own report the transcript is not needed; without it, say why.
                Err(e) if reported.hooks.is_none() => return Err(e),
                Err(_) => None,
            };
            let Some(mut reading) = combine(&reported, transcript, session.agent_session_id.as_deref()) else {
                return Ok(unknown(session));
            };
            let handle = session.lifecycle.runtime.handle.as_ref().filter(|h| h.kind == RuntimeKind::Tmux);
            if let Some(handle) = handle
                && wants_pane(agent, &reading, now)
                && let Ok(Some(screen)) = self.panes.screen(&handle.id).await
            {
                reading = confirm(agent, reading, &classify_pane(agent, &screen), now);
            }
            reading.activity = decay_ready(reading.activity, reading.last_activity_at, now);
            Ok(reading)
        })
    }

    fn info<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        self.transcript.info(session)
    }
}

fn unknown(session: &SessionRecord) -> AgentActivity {
    AgentActivity {
        activity: Activity::Unknown,
        source: ActivitySource::Transcript,
        last_activity_at: None,
        agent_session_id: session.agent_session_id.clone(),
        error: None,
        detail: None,
        confidence: Confidence::Low,
        evidence_at: None,
        session_rebound: false,
    }
}
