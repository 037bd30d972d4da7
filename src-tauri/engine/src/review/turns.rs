//! Turn ends (SPEC K2): the app moves a session's `turn` refs each time its agent reports the end
//! of a turn (Claude's `Stop` hook, Codex's notify, Aider's notification), which the probes turn
//! into the activity `ready`. [`TurnEnds`] follows the live feed like the attention task does and
//! calls [`Ops::record_turn_end`] once per turn end; `grove hook` itself stays a one-line append.
//!
//! A turn end is the activity becoming `ready` or `idle` from anything else, or a new `ready`
//! (its evidence time moved on: a second turn whose `active` the coalesced feed never showed).
//! A session is only remembered on first sight, so starting the app records no turn. A spurious
//! call is harmless: `record_turn_end` moves nothing when the worktree did not change. After
//! each turn end the branch diff is computed once in the background, so the review opens warm.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::types::DiffScope;
use crate::feed::{Feed, FeedEvent, FeedSession};
use crate::ids::SessionId;
use crate::ops::Ops;
use crate::session::Activity;

/// What the tracker remembers of a session: its activity and when that activity's evidence
/// appeared.
type Seen = (Option<Activity>, Option<DateTime<Utc>>);

/// Finds turn ends in a stream of session views. Pure, so the rule is tested without a feed.
#[derive(Debug, Default)]
pub struct TurnTracker {
    seen: HashMap<SessionId, Seen>,
}

impl TurnTracker {
    /// Takes the newest activity of `session`; true when it means the agent just ended a turn.
    pub fn observe(&mut self, session: &SessionId, activity: Option<Activity>, since: Option<DateTime<Utc>>) -> bool {
        let resting = |a: Option<Activity>| matches!(a, Some(Activity::Ready | Activity::Idle));
        let Some((before, before_since)) = self.seen.insert(session.clone(), (activity, since)) else {
            return false;
        };
        if !resting(activity) {
            return false;
        }
        let newly_resting = !resting(before);
        let another_ready = activity == Some(Activity::Ready) && since.is_some() && since != before_since;
        newly_resting || another_ready
    }

    /// Forgets a session that no longer exists.
    pub fn forget(&mut self, session: &SessionId) {
        self.seen.remove(session);
    }
}

/// The task that records turn ends; dropping it stops the task.
#[derive(Debug)]
pub struct TurnEnds {
    _stop: oneshot::Sender<()>,
}

/// Makes the operations a turn end runs with (the config in force at that moment).
pub type MakeOps = Arc<dyn Fn() -> Ops + Send + Sync>;

impl TurnEnds {
    /// Starts following `feed` on the current runtime.
    pub fn spawn(feed: &Feed, ops: MakeOps) -> Self {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let mut subscription = feed.subscribe();
        tokio::spawn(async move {
            let mut tracker = TurnTracker::default();
            loop {
                let event = tokio::select! {
                    _ = &mut stopped => return,
                    event = subscription.recv() => event,
                };
                let Some(event) = event else { return };
                for id in turn_ends(&mut tracker, event) {
                    let ops = ops();
                    // One task per turn end: a slow snapshot of one worktree never delays another's.
                    tokio::spawn(async move {
                        if let Err(e) = ops.record_turn_end(&id).await {
                            tracing::warn!(session = %id, "could not record the turn end for review: {e}");
                            return;
                        }
                        // Warms the diff cache for the state the agent left: opening the review
                        // panel after a turn is then a cache hit (its cost is the snapshot only).
                        if let Err(e) = ops.diff_summary(&id, DiffScope::Branch).await {
                            tracing::debug!(session = %id, "could not prepare the review after a turn end: {e}");
                        }
                    });
                }
            }
        });
        Self { _stop: stop }
    }
}

/// The sessions of one feed message whose agent just ended a turn.
fn turn_ends(tracker: &mut TurnTracker, event: FeedEvent) -> Vec<SessionId> {
    let sessions: Vec<FeedSession> = match event {
        FeedEvent::Snapshot(snapshot) => snapshot.sessions,
        FeedEvent::Patch(patch) => {
            for key in &patch.removed {
                tracker.forget(&key.id);
            }
            patch.sessions
        }
    };
    sessions
        .into_iter()
        .filter(|s| {
            let live = &s.view.live;
            tracker.observe(&s.view.record.id, live.activity, live.activity_since)
        })
        .map(|s| s.view.record.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(s, 0)
    }

    /// SPEC K2: one turn end per reported end, none on first sight (app start), none while the
    /// agent works or waits on a dialog.
    #[test]
    fn k2_a_turn_ends_when_the_agent_comes_to_rest_or_reports_ready_again() {
        let id = SessionId::new("p-1").unwrap();
        let mut t = TurnTracker::default();
        assert!(!t.observe(&id, Some(Activity::Ready), at(1)), "first sight is not a turn end");
        assert!(!t.observe(&id, Some(Activity::Active), at(2)));
        assert!(!t.observe(&id, Some(Activity::WaitingInput), at(3)), "a permission dialog is mid-turn");
        assert!(!t.observe(&id, Some(Activity::Active), at(4)));
        assert!(t.observe(&id, Some(Activity::Ready), at(5)), "active -> ready ends the turn");
        assert!(!t.observe(&id, Some(Activity::Ready), at(5)), "the same reading again is the same turn end");
        assert!(!t.observe(&id, Some(Activity::Idle), at(5)), "ready going idle is not another turn");
        assert!(t.observe(&id, Some(Activity::Ready), at(9)), "a new ready whose active the feed never showed");
        t.forget(&id);
        assert!(!t.observe(&id, Some(Activity::Ready), at(10)), "a forgotten session starts over");
    }
}
