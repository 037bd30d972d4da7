//! The notification policy (SPEC H2): which changes of a session deserve its human, and how to
//! tell them without noise. Pure: no I/O and no clock; callers pass the time in, call
//! [`NotificationPolicy::due`] at [`NotificationPolicy::next_deadline`], and route what comes out.
//!
//! The rules, each answering a complaint users make of peers (shared/reference/peers.md §2.6):
//! - A session notifies when it *enters* a signal; staying in it never notifies again, leaving and
//!   re-entering does.
//! - App start is not news: the sessions of the first observation are taken as they are. Their
//!   disk-only views lack the activity, so until a session's first probed observation (or
//!   [`STARTUP_SETTLE`]) what it shows is absorbed too. A session first seen later is new and
//!   everything it shows notifies.
//! - Nothing for the session the user is looking at in a focused window, and nothing for a muted
//!   project: dropped, not delayed, so unfocusing or unmuting never replays old news.
//! - Notifications due within [`COALESCE_WINDOW`] are gathered: a session's signals become one
//!   notification, up to two sessions go out as they are, three or more as one summary. A signal
//!   the session left again before the window closed is dropped: it no longer needs anyone.

mod observation;
mod route;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub use observation::{Observation, PrFacts};
pub use route::{Route, RouteWarning, route};

use crate::config::{Config, Priority, Reaction, ReactionKey};
use crate::ids::ProjectId;
use crate::manager::SessionKey;
use crate::react::{Notification, Signal};

/// How long notifications are gathered before going out: long enough to catch the burst a PR
/// pass or a fleet-wide prompt causes, short enough that "needs you" still feels immediate.
pub const COALESCE_WINDOW: Duration = Duration::from_secs(2);
/// A burst of this many sessions or more goes out as one summary; two still read as two.
pub const SUMMARY_THRESHOLD: usize = 3;
/// How long after the first observation a session seen then may stay disk-only before what it
/// shows counts as news: longer than a list's per-session probe deadline (SPEC J: 12 s).
pub const STARTUP_SETTLE: Duration = Duration::from_secs(15);

/// The policy's state: what each session showed last, the user's focus and mutes, and the
/// burst being gathered.
#[derive(Debug, Default)]
pub struct NotificationPolicy {
    tracked: BTreeMap<SessionKey, Tracked>,
    /// When the first observation came; `None` before it.
    started: Option<Instant>,
    focus: Option<SessionKey>,
    window_focused: bool,
    muted: BTreeSet<ProjectId>,
    /// Projects whose config says `mute_notifications = true`.
    config_muted: BTreeSet<ProjectId>,
    priorities: Priorities,
    burst: Option<Burst>,
}

/// One session as last observed.
#[derive(Debug)]
struct Tracked {
    last: Observation,
    signals: BTreeSet<Signal>,
    /// Seen at app start and not probed yet: what it shows is still absorbed silently.
    settling: bool,
}

/// Signals entered since the burst's first one, by session.
#[derive(Debug)]
struct Burst {
    deadline: Instant,
    entered: BTreeMap<SessionKey, BTreeSet<Signal>>,
}

/// Notification priority per signal: the priority of the reaction answering it (SPEC H3), so
/// `[reactions.ci_failed] priority = "urgent"` raises CI notifications too, per project.
#[derive(Debug, Default)]
struct Priorities {
    config: BTreeMap<Signal, Priority>,
    projects: BTreeMap<ProjectId, BTreeMap<Signal, Priority>>,
}

/// The reaction whose priority a signal's notification takes.
fn reaction_key(signal: Signal) -> ReactionKey {
    match signal {
        Signal::NeedsYou => ReactionKey::AgentNeedsInput,
        Signal::CiFailing => ReactionKey::CiFailed,
        Signal::ChangesRequested => ReactionKey::ChangesRequested,
        Signal::MergeConflicts => ReactionKey::MergeConflicts,
        Signal::MergeReady => ReactionKey::ApprovedAndGreen,
    }
}

const ALL_SIGNALS: [Signal; 5] =
    [Signal::NeedsYou, Signal::CiFailing, Signal::ChangesRequested, Signal::MergeConflicts, Signal::MergeReady];

/// A session's part of a flushed burst: its entered signals still held, most urgent first.
struct Entry<'a> {
    key: SessionKey,
    obs: &'a Observation,
    held: Vec<(Priority, Signal)>,
}

impl NotificationPolicy {
    /// A policy that has observed nothing, with built-in priorities, no focus and no mutes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the priorities from `config`'s reactions (config level, then per project). Call on
    /// load and on every reload.
    pub fn configure(&mut self, config: &Config) {
        self.config_muted = config.projects.values().filter(|p| p.mute_notifications).map(|p| p.id.clone()).collect();
        let config_level = |signal: Signal| {
            let key = reaction_key(signal);
            let builtin = Reaction::builtin(key);
            config.reactions.get(&key).map_or(builtin.priority, |o| builtin.with(o).priority)
        };
        self.priorities.config = ALL_SIGNALS.iter().map(|s| (*s, config_level(*s))).collect();
        self.priorities.projects = config
            .projects
            .keys()
            .map(|id| {
                let table = ALL_SIGNALS.iter().map(|s| (*s, config.reaction(id, reaction_key(*s)).priority)).collect();
                (id.clone(), table)
            })
            .collect();
    }

    /// The priority of a notification about `signal` in `project`.
    pub fn priority(&self, project: &ProjectId, signal: Signal) -> Priority {
        let from_project = self.priorities.projects.get(project).and_then(|t| t.get(&signal));
        from_project
            .or_else(|| self.priorities.config.get(&signal))
            .copied()
            .unwrap_or_else(|| Reaction::builtin(reaction_key(signal)).priority)
    }

    /// What the user looks at: the open session, if any, and whether Grove's window has focus.
    pub fn set_focus(&mut self, session: Option<SessionKey>, window_focused: bool) {
        self.focus = session;
        self.window_focused = window_focused;
    }

    /// Mutes or unmutes `project`. Muting drops what it would notify, including what is gathered.
    pub fn set_muted(&mut self, project: ProjectId, muted: bool) {
        if muted {
            self.muted.insert(project);
        } else {
            self.muted.remove(&project);
        }
    }

    /// Whether `project` is muted, by [`set_muted`](Self::set_muted) or by its config.
    pub fn is_muted(&self, project: &ProjectId) -> bool {
        self.muted.contains(project) || self.config_muted.contains(project)
    }

    /// Takes in what `observations` show at `now`. They may be the whole fleet or only the
    /// sessions that changed; a session left out keeps what it showed last.
    pub fn observe(&mut self, observations: impl IntoIterator<Item = Observation>, now: Instant) {
        let first = self.started.is_none();
        let started = *self.started.get_or_insert(now);
        let may_settle = now.saturating_duration_since(started) < STARTUP_SETTLE;
        for obs in observations {
            let key = obs.key.clone();
            let signals: BTreeSet<Signal> = obs.signals.iter().copied().collect();
            let entered = match self.tracked.get_mut(&key) {
                Some(t) => {
                    let absorbing = t.settling && may_settle;
                    t.settling = absorbing && !obs.settled;
                    let entered =
                        if absorbing { BTreeSet::new() } else { signals.difference(&t.signals).copied().collect() };
                    t.signals = signals;
                    t.last = obs;
                    entered
                }
                None => {
                    // At app start what a session shows was true before Grove looked; later, a
                    // session Grove has not seen is new and all it shows is news.
                    let entered = if first { BTreeSet::new() } else { signals.clone() };
                    let settling = first && !obs.settled;
                    self.tracked.insert(key.clone(), Tracked { last: obs, signals, settling });
                    entered
                }
            };
            if entered.is_empty() || self.suppressed(&key) {
                continue;
            }
            let burst =
                self.burst.get_or_insert_with(|| Burst { deadline: now + COALESCE_WINDOW, entered: BTreeMap::new() });
            burst.entered.entry(key).or_default().extend(entered);
        }
    }

    /// Forgets a session that no longer exists (its record was deleted), with anything gathered
    /// for it. Seen again later, it counts as new.
    pub fn remove(&mut self, key: &SessionKey) {
        self.tracked.remove(key);
        if let Some(burst) = &mut self.burst {
            burst.entered.remove(key);
        }
    }

    /// When the gathered burst is due; `None` when nothing is gathered.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.burst.as_ref().map(|b| b.deadline)
    }

    /// The notifications due at `now`: the burst whose window has closed, as single notifications
    /// (at most [`SUMMARY_THRESHOLD`] - 1) or one summary. Empty before the deadline.
    ///
    /// Observations made after the deadline but before this call join the burst: the window
    /// bounds how long a notification waits, not which ones a summary may hold.
    pub fn due(&mut self, now: Instant) -> Vec<Notification> {
        if self.burst.as_ref().is_none_or(|b| b.deadline > now) {
            return Vec::new();
        }
        let Some(burst) = self.burst.take() else { return Vec::new() };
        let mut entries = Vec::new();
        for (key, entered) in burst.entered {
            // Focus and mutes are checked again: the user may have opened the session or muted
            // its project while the burst was gathered.
            let Some(tracked) = self.tracked.get(&key).filter(|_| !self.suppressed(&key)) else { continue };
            let mut held: Vec<(Priority, Signal)> = entered
                .into_iter()
                .filter(|s| tracked.signals.contains(s))
                .map(|s| (self.priority(&key.project, s), s))
                .collect();
            held.sort();
            if !held.is_empty() {
                entries.push(Entry { key, obs: &tracked.last, held });
            }
        }
        entries.sort_by(|a, b| (a.held[0], &a.key).cmp(&(b.held[0], &b.key)));
        if entries.len() < SUMMARY_THRESHOLD { entries.iter().map(single).collect() } else { vec![summary(&entries)] }
    }

    /// Whether notifications about `key` are dropped now.
    fn suppressed(&self, key: &SessionKey) -> bool {
        self.is_muted(&key.project) || (self.window_focused && self.focus.as_ref() == Some(key))
    }
}

/// One session's notification: titled by its most urgent signal, a body line per signal.
fn single(entry: &Entry<'_>) -> Notification {
    let (priority, signal) = entry.held[0];
    let lines: Vec<String> = entry.held.iter().map(|(_, s)| text::body_line(entry.obs, *s)).collect();
    Notification {
        session: Some(entry.key.clone()),
        sessions: vec![entry.key.clone()],
        signal: Some(signal),
        priority,
        title: text::title(&entry.obs.name, signal),
        body: lines.join("\n"),
    }
}

/// One notification for a burst: counts per signal, the sessions named, at the highest priority.
fn summary(entries: &[Entry<'_>]) -> Notification {
    let mut by_signal: BTreeMap<Signal, (Priority, usize)> = BTreeMap::new();
    for (priority, signal) in entries.iter().flat_map(|e| e.held.iter().copied()) {
        let slot = by_signal.entry(signal).or_insert((priority, 0));
        slot.0 = slot.0.min(priority);
        slot.1 += 1;
    }
    let mut counts: Vec<(Priority, Signal, usize)> = by_signal.into_iter().map(|(s, (p, n))| (p, s, n)).collect();
    counts.sort();
    let titled: Vec<(Signal, usize)> = counts.iter().map(|(_, s, n)| (*s, *n)).collect();
    let names: Vec<String> = entries.iter().map(|e| e.obs.name.clone()).collect();
    Notification {
        session: None,
        sessions: entries.iter().map(|e| e.key.clone()).collect(),
        signal: if let [(signal, _)] = titled.as_slice() { Some(*signal) } else { None },
        priority: counts.first().map_or(Priority::Info, |(p, _, _)| *p),
        title: text::summary_title(&titled),
        body: text::summary_body(&names),
    }
}
