//! Reactions (SPEC H3): what Grove does by itself about a session's PR before asking its human.
//!
//! - ci_failed: on CI entering failing, send the agent the failing checks with the end of their
//!   logs; each new failure is another attempt; after `retries` the next failure notifies instead.
//! - changes_requested / merge_conflicts: on entering, send the review comments / ask for a
//!   rebase; still there after `escalate_after`, notify once.
//! - agent_stuck: reported active with no new activity for `threshold`: notify once, until its
//!   activity moves again.
//! - approved_and_green: on entering merge-ready, notify once (`auto_merge` is recorded as not
//!   supported yet, and notifies too).
//!
//! [`Reactor::observe`] is called with each fresh view of a session and the time; it decides with
//! the pure state machine in `machine`, carries the actions out through the injected
//! [`AgentSender`] and [`PrFactSource`], appends one [`ReactionEntry`] per action to the session's
//! record, and returns what it did. Notifications are returned, not delivered: the caller routes
//! them like every other notification. The log in the record is also the reactor's memory: a new
//! reactor (after a restart) rebuilds each session's state from it, so nothing is sent twice.

mod conditions;
mod machine;
mod ports;
#[cfg(test)]
mod tests;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use conditions::conditions_of;
pub use machine::{
    Act, Conditions, Decision, FAILED_SENDS_BEFORE_ESCALATING, Holding, REACTOR_KEYS, SessionReactions, Why,
};
pub use ports::{AgentSender, FactsError, NoPrFacts, PortFuture, PrFactSource};
pub use text::{COMMENT_CHARS, LOG_EXCERPT_CHARS, LOG_EXCERPT_LINES};

use self::text::{Message, PrRef};
use super::{Notification, Signal};
use crate::config::{Config, DEFAULT_BRANCH, HumanDuration, Reaction, ReactionAction, ReactionKey};
use crate::ids::ProjectId;
use crate::manager::{SessionKey, SessionView};
use crate::session::{REACTION_LOG_LIMIT, ReactionEntry, ReactionOutcome, is_terminal};
use crate::store::Store;

/// Deadline for reading check logs or review comments: longer than `scm`'s own per-log limit, so
/// a slow but working read is not cut, yet a hung source cannot hold the session's reactions
/// forever; the message then goes without the facts, saying so.
pub const FACTS_DEADLINE: Duration = Duration::from_secs(120);

/// One thing a reaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reacted {
    /// The entry appended to the session's reaction log.
    pub entry: ReactionEntry,
    /// The notification for the user, for the caller to deliver (notify, escalation).
    pub notification: Option<Notification>,
    /// The text sent (or tried) to the agent.
    pub message: Option<String>,
}

/// Runs the reactions of every session it observes. Cheap to share (`Arc`); sessions are
/// observed concurrently, each one's reactions one observation at a time.
pub struct Reactor {
    store: Store,
    config: RwLock<Arc<Config>>,
    sender: Arc<dyn AgentSender>,
    facts: Arc<dyn PrFactSource>,
    sessions: Mutex<HashMap<SessionKey, Arc<tokio::sync::Mutex<Option<SessionReactions>>>>>,
}

impl std::fmt::Debug for Reactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reactor").field("home", self.store.home()).finish_non_exhaustive()
    }
}

impl Reactor {
    /// A reactor writing its log through `store`, reading reactions from `config`, sending with
    /// `sender` (usually [`Ops`](crate::ops::Ops)) and quoting PR facts from `facts`.
    pub fn new(store: Store, config: Arc<Config>, sender: Arc<dyn AgentSender>, facts: Arc<dyn PrFactSource>) -> Self {
        Self { store, config: RwLock::new(config), sender, facts, sessions: Mutex::new(HashMap::new()) }
    }

    /// Uses `config` from now on (after a reload); the sessions' states are kept.
    pub fn set_config(&self, config: Arc<Config>) {
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
    }

    fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Whether `project`'s reactions answer `signal` by themselves (an enabled `send_to_agent`
    /// reaction), so the notification policy can stay quiet about it: the reactor notifies when
    /// it escalates.
    pub fn handles(&self, project: &ProjectId, signal: Signal) -> bool {
        handles(&self.config(), project, signal)
    }

    /// Forgets the in-memory state of a session (removed, or no longer listed). Its log stays in
    /// its record, so observing it again rebuilds the same state.
    pub fn forget(&self, session: &SessionKey) {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(session);
    }

    /// Observes `view` at `now`: decides, acts, records each action in the session's log and
    /// returns what was done. Ended sessions are left alone (a send would restore them).
    pub async fn observe(&self, view: &SessionView, now: DateTime<Utc>) -> Vec<Reacted> {
        if is_terminal(&view.record.lifecycle) {
            return Vec::new();
        }
        let config = self.config();
        let reactions = reactions_of(&config, &view.record.project_id);
        let stuck_after = reactions[&ReactionKey::AgentStuck].threshold.unwrap_or_default();
        let seen = conditions_of(view, stuck_after, now);
        let key = view.key();
        let slot = Arc::clone(self.sessions.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_default());
        // Held across the actions, so a second observation of this session waits for the first
        // one's outcome instead of sending the same message again.
        let mut guard = slot.lock().await;
        let state = guard.get_or_insert_with(|| SessionReactions::from_log(&view.record.reactions));
        let decisions = state.decide(&reactions, &seen, now);
        let mut done = Vec::with_capacity(decisions.len());
        for decision in decisions {
            let reaction = &reactions[&decision.key];
            let reacted = self.act(&config, view, reaction, &decision, stuck_after, now).await;
            state.record(&decision, reacted.entry.outcome);
            done.push(reacted);
        }
        if !done.is_empty() {
            // Still under the session's lock, so concurrent observations log in the order they acted.
            self.append_log(view, done.iter().map(|r| r.entry.clone()).collect()).await;
        }
        drop(guard);
        done
    }

    /// Carries out one decision.
    async fn act(
        &self,
        config: &Config,
        view: &SessionView,
        reaction: &Reaction,
        decision: &Decision,
        stuck_after: Duration,
        now: DateTime<Utc>,
    ) -> Reacted {
        let record = &view.record;
        let pr = PrRef {
            info: record.pr_info.as_ref(),
            number: record.pr_info.as_ref().map(|i| i.number).or(record.lifecycle.pr.number),
        };
        let entry = |outcome, detail: String| ReactionEntry {
            key: decision.key,
            at: now,
            outcome,
            attempt: decision.attempt,
            detail,
        };
        let custom = reaction.message.as_deref();
        let notify =
            |why| text::notification(decision.key, &view.key(), reaction.priority, pr, why, custom, stuck_after);
        match decision.act {
            Act::Send => {
                let message = self.message(config, view, decision.key, custom, pr).await;
                let (outcome, detail) = match self.sender.send_to_agent(&record.id, &message.text).await {
                    Ok(()) => (ReactionOutcome::SentToAgent, format!("sent {}", message.summary)),
                    Err(e) => (ReactionOutcome::Failed, format!("could not send {}: {e}", message.summary)),
                };
                Reacted { entry: entry(outcome, detail), notification: None, message: Some(message.text) }
            }
            Act::Notify => {
                let n = notify(None);
                let detail = format!("notified: {}", n.title);
                Reacted { entry: entry(ReactionOutcome::Notified, detail), notification: Some(n), message: None }
            }
            Act::AutoMergeUnsupported => {
                let mut n = notify(None);
                n.body.push_str(" Auto-merge is configured but Grove does not merge by itself yet; merge it yourself.");
                let detail = "auto_merge is not supported yet; notified instead of merging".to_owned();
                Reacted { entry: entry(ReactionOutcome::Notified, detail), notification: Some(n), message: None }
            }
            Act::Escalate(why) => {
                let detail = match why {
                    Why::RetriesSpent { attempts } => format!("retries spent after {attempts} attempts; notified"),
                    Why::TooLong(limit) => {
                        format!("still there after {}; notified", HumanDuration::new(limit))
                    }
                    Why::Unreachable { failed } => format!("{failed} sends failed; notified"),
                };
                Reacted {
                    entry: entry(ReactionOutcome::Escalated, detail),
                    notification: Some(notify(Some(why))),
                    message: None,
                }
            }
        }
    }

    /// The message `key` sends, with the PR facts it quotes (read within [`FACTS_DEADLINE`]).
    async fn message(
        &self,
        config: &Config,
        view: &SessionView,
        key: ReactionKey,
        custom: Option<&str>,
        pr: PrRef<'_>,
    ) -> Message {
        let record = &view.record;
        let unread = |what: &str| FactsError(format!("no PR {what} recorded yet"));
        let late = || FactsError(format!("no answer within {}", HumanDuration::new(FACTS_DEADLINE)));
        match key {
            ReactionKey::CiFailed => {
                let logs = match pr.info {
                    Some(info) => tokio::time::timeout(FACTS_DEADLINE, self.facts.failed_check_logs(record, info))
                        .await
                        .unwrap_or_else(|_| Err(late())),
                    None => Err(unread("checks")),
                };
                text::ci_failed(custom, pr, &logs)
            }
            ReactionKey::ChangesRequested => {
                let comments = match pr.info {
                    Some(info) => tokio::time::timeout(FACTS_DEADLINE, self.facts.review_comments(record, info))
                        .await
                        .unwrap_or_else(|_| Err(late())),
                    None => Err(unread("review")),
                };
                text::changes_requested(custom, pr, &comments)
            }
            _ => {
                let base = config.project(&record.project_id).map_or(DEFAULT_BRANCH, |p| p.default_branch.as_str());
                text::merge_conflicts(custom, pr, base)
            }
        }
    }

    /// Appends `entries` to the session's log, keeping the newest [`REACTION_LOG_LIMIT`]. A failed
    /// write is logged: the in-memory state already knows, so this process will not repeat it.
    async fn append_log(&self, view: &SessionView, entries: Vec<ReactionEntry>) {
        let (store, project, id) = (self.store.clone(), view.record.project_id.clone(), view.record.id.clone());
        let write = tokio::task::spawn_blocking(move || {
            store.update(&project, &id, |record| {
                record.reactions.extend(entries);
                let excess = record.reactions.len().saturating_sub(REACTION_LOG_LIMIT);
                record.reactions.drain(..excess);
            })
        })
        .await;
        match write {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(session = %view.key(), "could not record reactions: {e}"),
            Err(e) => tracing::warn!(session = %view.key(), "could not record reactions: {e}"),
        }
    }
}

/// Whether `project`'s reactions answer `signal` by themselves (see [`Reactor::handles`]).
pub fn handles(config: &Config, project: &ProjectId, signal: Signal) -> bool {
    let key = match signal {
        Signal::CiFailing => ReactionKey::CiFailed,
        Signal::ChangesRequested => ReactionKey::ChangesRequested,
        Signal::MergeConflicts => ReactionKey::MergeConflicts,
        // Needing the user and being mergeable are the user's to hear about, whatever reacts.
        Signal::NeedsYou | Signal::MergeReady => return false,
    };
    let reaction = config.reaction(project, key);
    reaction.enabled && reaction.action == ReactionAction::SendToAgent
}

/// The effective reactions the reactor runs, for `project`.
fn reactions_of(config: &Config, project: &ProjectId) -> BTreeMap<ReactionKey, Reaction> {
    REACTOR_KEYS.iter().map(|key| (*key, config.reaction(project, *key))).collect()
}
