//! The per-session reaction state machine (SPEC H3). Pure: observations, reactions and the time
//! are passed in, and what an action did is fed back with [`SessionReactions::record`], so every
//! rule here is tested without tmux, a store or a clock.
//!
//! Each reaction key has a tracker: how many attempts it made on this PR, and the current
//! *episode* (the condition holding since it was first seen). A reaction acts once per episode:
//! it sends (or notifies) on entering, and for `send_to_agent` escalates to the user when the
//! attempts run out (`retries`) or the episode lasts too long (`escalate_after`), once.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{Reaction, ReactionAction, ReactionKey};
use crate::session::{ReactionEntry, ReactionOutcome};

/// The reactions the reactor runs. The others (needs input, exited, PR closed) only notify, and
/// the notification policy already does that for their signals.
pub const REACTOR_KEYS: [ReactionKey; 5] = [
    ReactionKey::CiFailed,
    ReactionKey::ChangesRequested,
    ReactionKey::MergeConflicts,
    ReactionKey::AgentStuck,
    ReactionKey::ApprovedAndGreen,
];

/// Failed sends in one episode after which a reaction with no `retries` limit tells the user:
/// the agent cannot be reached, and waiting for `escalate_after` would only hide that.
pub const FAILED_SENDS_BEFORE_ESCALATING: u32 = 3;

/// One condition that holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holding {
    /// Tells occurrences apart: the condition holding with another mark is a new occurrence even
    /// if no observation saw it end (`agent_stuck`: the `last_activity_at` it is stuck at).
    pub mark: Option<DateTime<Utc>>,
}

/// What one observation of a session says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// The PR the session has, when known; a different PR starts the attempts afresh.
    pub pr: Option<u32>,
    /// The conditions that hold, by the reaction that answers them.
    pub holding: BTreeMap<ReactionKey, Holding>,
}

/// Why a reaction hands over to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Every allowed attempt was made (`retries`), and the condition came back.
    RetriesSpent {
        /// Attempts made before this one.
        attempts: u32,
    },
    /// The condition has lasted `escalate_after`.
    TooLong(Duration),
    /// Sends kept failing.
    Unreachable {
        /// Failed sends in a row.
        failed: u32,
    },
}

/// What a reaction is to do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Send its message to the agent.
    Send,
    /// Notify the user (the reaction's action is `notify`).
    Notify,
    /// Notify the user that the agent did not manage.
    Escalate(Why),
    /// The action is `auto_merge`, which Grove does not do yet: notify and say so.
    AutoMergeUnsupported,
}

/// One thing to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The reaction.
    pub key: ReactionKey,
    /// What to do.
    pub act: Act,
    /// The attempt number to record (1-based, counted per PR).
    pub attempt: u32,
}

/// Where an episode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not acted yet (threshold not reached), or the last send failed and is to be tried again.
    Waiting,
    /// Sent or notified; only a time escalation may follow.
    Acted,
    /// Handed to the user; nothing more until the condition ends.
    Escalated,
}

/// The condition holding, from `since` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Episode {
    since: DateTime<Utc>,
    mark: Option<DateTime<Utc>>,
    /// Rebuilt from the log after a restart: the condition was last acted on before the restart,
    /// and if it holds at the first observation it is taken as the same episode (its mark, not
    /// kept in the log, is adopted), so a restart never repeats a send.
    presumed: bool,
    phase: Phase,
    failed: u32,
}

impl Episode {
    fn new(since: DateTime<Utc>, mark: Option<DateTime<Utc>>) -> Self {
        Self { since, mark, presumed: false, phase: Phase::Waiting, failed: 0 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Tracker {
    attempts: u32,
    episode: Option<Episode>,
}

/// The reaction state of one session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionReactions {
    pr: Option<u32>,
    trackers: BTreeMap<ReactionKey, Tracker>,
}

impl SessionReactions {
    /// The state a session's reaction log implies, so a restarted Grove neither repeats nor
    /// forgets an attempt. Per key, the last entry gives the attempt count and how far its
    /// episode got; failed sends just before it belong to the same episode.
    pub fn from_log(log: &[ReactionEntry]) -> Self {
        let mut trackers = BTreeMap::new();
        for key in REACTOR_KEYS {
            let entries: Vec<&ReactionEntry> = log.iter().filter(|e| e.key == key).collect();
            let Some((last, before)) = entries.split_last() else { continue };
            let retries: Vec<&&ReactionEntry> =
                before.iter().rev().take_while(|e| e.outcome == ReactionOutcome::Failed).collect();
            let since = retries.last().map_or(last.at, |e| e.at);
            let (phase, failed) = match last.outcome {
                ReactionOutcome::SentToAgent | ReactionOutcome::Notified => (Phase::Acted, 0),
                ReactionOutcome::Escalated => (Phase::Escalated, 0),
                ReactionOutcome::Failed => (Phase::Waiting, count(retries.len() + 1)),
            };
            let episode = Episode { since, mark: None, presumed: true, phase, failed };
            trackers.insert(key, Tracker { attempts: last.attempt, episode: Some(episode) });
        }
        Self { pr: None, trackers }
    }

    /// What to do after observing `seen` at `now`, with the project's effective `reactions`.
    /// Updates the episodes (entered, still holding, ended); what the actions did is fed back
    /// with [`record`](Self::record). A disabled reaction still notices episodes ending but starts
    /// none, so enabling it again mid-episode neither repeats nor skips what it should do.
    pub fn decide(
        &mut self,
        reactions: &BTreeMap<ReactionKey, Reaction>,
        seen: &Conditions,
        now: DateTime<Utc>,
    ) -> Vec<Decision> {
        if seen.pr.is_some() && self.pr.is_some() && seen.pr != self.pr {
            // Another PR: its CI and reviews are new, so are the attempts at them. Being stuck is
            // about the agent, not the PR, and carries over.
            self.trackers.retain(|key, _| *key == ReactionKey::AgentStuck);
        }
        self.pr = seen.pr.or(self.pr);
        let mut decisions = Vec::new();
        for key in REACTOR_KEYS {
            let tracker = self.trackers.entry(key).or_default();
            let Some(holding) = seen.holding.get(&key) else {
                tracker.episode = None;
                continue;
            };
            let Some(reaction) = reactions.get(&key).filter(|r| r.enabled) else { continue };
            let episode = match &mut tracker.episode {
                Some(ep) if ep.presumed => {
                    ep.presumed = false;
                    ep.mark = holding.mark;
                    *ep
                }
                Some(ep) if ep.mark == holding.mark => *ep,
                slot => *slot.insert(Episode::new(now, holding.mark)),
            };
            if let Some((act, attempt)) = next_act(key, reaction, &episode, tracker.attempts, now) {
                decisions.push(Decision { key, act, attempt });
            }
        }
        decisions
    }

    /// Feeds back what `decision` did. A failed send counts as an attempt and is tried again at
    /// the next observation while the condition holds.
    pub fn record(&mut self, decision: &Decision, outcome: ReactionOutcome) {
        let tracker = self.trackers.entry(decision.key).or_default();
        tracker.attempts = tracker.attempts.max(decision.attempt);
        let Some(episode) = tracker.episode.as_mut() else { return };
        match outcome {
            ReactionOutcome::SentToAgent | ReactionOutcome::Notified => episode.phase = Phase::Acted,
            ReactionOutcome::Escalated => episode.phase = Phase::Escalated,
            ReactionOutcome::Failed => {
                episode.phase = Phase::Waiting;
                episode.failed += 1;
            }
        }
    }

    /// Attempts made by `key` on the current PR.
    pub fn attempts(&self, key: ReactionKey) -> u32 {
        self.trackers.get(&key).map_or(0, |t| t.attempts)
    }
}

/// What `reaction` does now in `episode`, with `attempts` made before; with the attempt number.
fn next_act(
    key: ReactionKey,
    reaction: &Reaction,
    episode: &Episode,
    attempts: u32,
    now: DateTime<Utc>,
) -> Option<(Act, u32)> {
    // A clock that went backwards counts as no time passed.
    let elapsed = (now - episode.since).to_std().unwrap_or_default();
    let too_long = reaction.escalate_after.filter(|limit| elapsed >= *limit);
    let sends = reaction.action == ReactionAction::SendToAgent;
    match episode.phase {
        Phase::Escalated => None,
        Phase::Acted => too_long.filter(|_| sends).map(|limit| (Act::Escalate(Why::TooLong(limit)), attempts)),
        Phase::Waiting => {
            // agent_stuck's threshold is its condition (no progress for that long), applied
            // when observing; for the others it is how long the condition must last first.
            let threshold = if key == ReactionKey::AgentStuck { None } else { reaction.threshold };
            if threshold.is_some_and(|t| elapsed < t) {
                return None;
            }
            match reaction.action {
                ReactionAction::Notify => Some((Act::Notify, attempts + 1)),
                ReactionAction::AutoMerge => Some((Act::AutoMergeUnsupported, attempts + 1)),
                ReactionAction::SendToAgent => Some(if let Some(limit) = too_long {
                    (Act::Escalate(Why::TooLong(limit)), attempts)
                } else if reaction.retries.is_some_and(|retries| attempts >= retries) {
                    (Act::Escalate(Why::RetriesSpent { attempts }), attempts + 1)
                } else if reaction.retries.is_none() && episode.failed >= FAILED_SENDS_BEFORE_ESCALATING {
                    (Act::Escalate(Why::Unreachable { failed: episode.failed }), attempts)
                } else {
                    (Act::Send, attempts + 1)
                }),
            }
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
