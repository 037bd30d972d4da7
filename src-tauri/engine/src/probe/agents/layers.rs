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

/// How long input Grove typed may take to show on screen before the screen's prompt is believed
/// over it: an agent redraws within milliseconds of reading a key.
pub const SETTLE: TimeDelta = TimeDelta::seconds(1);

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
    /// What `agent`'s events (oldest first, current run) say; `own_thread` is Codex's thread of
    /// the session, when its rollout has been found (SPEC I2a).
    pub fn of(agent: &str, events: &[AgentEvent], own_thread: Option<&str>) -> Self {
        let input_at = events.iter().rev().find(|e| e.via == Via::Grove && e.event == INPUT_EVENT).map(|e| e.at);
        Self { hooks: read_events(agent, events, own_thread), input_at }
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
        dialog: None,
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
            let rebound = h.session_rebound || t.session_rebound;
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
    // A question asked after a turn shows within minutes of it; a turn long over is not re-read.
    match decay_ready(reading.activity, reading.last_activity_at, now) {
        Activity::WaitingInput | Activity::Unknown => true,
        // Aider reports nothing while it works or asks; its screen is its only reliable signal
        // (agent-formats §3, SPEC I3a). Codex never reports an approval it waits on (SPEC I2a).
        Activity::Active => stalled || reading.source == ActivitySource::Input || matches!(agent, "aider" | "codex"),
        // A finished turn may end in a question: Claude's post-turn dialogs, Codex's approval
        // after another thread's turn completed, Aider's yes/no (SPEC I2b).
        Activity::Ready => true,
        Activity::Idle => agent == "aider",
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
    // Aider at its `>` prompt is not working, whatever the age of its history says (SPEC I3a):
    // it draws the prompt only once a reply and every question are done. Codex likewise: while
    // it works its screen says so ("esc to interrupt"), and a turn cut short (a killed agent
    // resumed) leaves its rollout looking busy forever. An answer Grove just
    // typed may not have been drawn yet, so that one is given a moment.
    let settled = reading.source != ActivitySource::Input || reading.evidence_at.is_none_or(|at| now - at >= SETTLE);
    match verdict {
        PaneVerdict::Waiting(dialog) if waiting => AgentActivity {
            confidence: Confidence::High,
            detail: reading.detail.clone().or_else(|| Some(dialog.title.clone())),
            dialog: Some(dialog.clone()),
            ..reading
        },
        // Claude asks permission only inside a turn: after its Stop hook, a permission menu on
        // screen is a leftover, while a post-turn or trust question is real.
        PaneVerdict::Waiting(dialog)
            if agent == "claude-code"
                && reading.activity == Activity::Ready
                && dialog.kind == super::DialogKind::Permission =>
        {
            reading
        }
        PaneVerdict::Waiting(dialog) => {
            let mut seen = seen(Activity::WaitingInput, Some(dialog.title.clone()));
            seen.dialog = Some(dialog.clone());
            if sure {
                seen.confidence = Confidence::High;
            }
            seen
        }
        PaneVerdict::Working if waiting && !fresh => seen(Activity::Active, Some("the prompt was answered".into())),
        PaneVerdict::Working if reading.source == ActivitySource::Input => {
            AgentActivity { confidence: Confidence::High, ..reading }
        }
        PaneVerdict::AtPrompt if (waiting && !fresh) || reading.activity == Activity::Unknown => {
            seen(Activity::Ready, None)
        }
        PaneVerdict::AtPrompt
            if matches!(agent, "aider" | "codex") && reading.activity == Activity::Active && settled =>
        {
            AgentActivity { confidence: Confidence::High, ..seen(Activity::Ready, None) }
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
            let events = self.events(session).await;
            let (reported, transcript) = if agent == "codex" {
                // The rollout names the session's own thread; only that thread's events count.
                let transcript = self.transcript.activity(session, now).await;
                let own = transcript.as_ref().ok().and_then(|t| t.agent_session_id.clone());
                (Reported::of(agent, &events, own.as_deref()), transcript)
            } else {
                let reported = Reported::of(agent, &events, None);
                // The agent's latest session id (after `/clear`) names the transcript to read.
                let hook_id = reported.hooks.as_ref().and_then(|h| h.session_id.clone());
                let transcript = match hook_id.filter(|id| session.agent_session_id.as_deref() != Some(id)) {
                    Some(id) => {
                        let rebound = SessionRecord { agent_session_id: Some(id), ..session.clone() };
                        self.transcript.activity(&rebound, now).await
                    }
                    None => self.transcript.activity(session, now).await,
                };
                (reported, transcript)
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
        dialog: None,
    }
}
