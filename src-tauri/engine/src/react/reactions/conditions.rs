//! Which reaction conditions a session's view shows. The PR conditions come from the same
//! [`signals_of`] the notification policy reads, so a reaction and a notification never disagree
//! about whether CI fails; `agent_stuck` and "approved and green" add what the signals leave out.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::machine::{Conditions, Holding};
use crate::config::ReactionKey;
use crate::manager::SessionView;
use crate::react::{Signal, signals_of};
use crate::session::{Activity, CiState};

/// What `view` shows at `now`. `stuck_after` is `agent_stuck`'s threshold: an agent reported
/// `active` whose last activity is at least that old is stuck, until its activity moves.
pub fn conditions_of(view: &SessionView, stuck_after: Duration, now: DateTime<Utc>) -> Conditions {
    let record = &view.record;
    let signals = signals_of(view);
    let has = |s: Signal| signals.contains(&s);
    let mut seen = Conditions {
        pr: record.pr_info.as_ref().map(|i| i.number).or(record.lifecycle.pr.number),
        holding: Default::default(),
    };
    let pr_conditions = [
        (Signal::CiFailing, ReactionKey::CiFailed),
        (Signal::ChangesRequested, ReactionKey::ChangesRequested),
        (Signal::MergeConflicts, ReactionKey::MergeConflicts),
    ];
    for (signal, key) in pr_conditions {
        if has(signal) {
            seen.holding.insert(key, Holding::default());
        }
    }
    // The merge signal also covers "approved" while checks still run; green means none pending
    // or failing, as far as the PR loop read them.
    let green = !has(Signal::CiFailing)
        && !has(Signal::MergeConflicts)
        && record.pr_info.as_ref().is_none_or(|i| matches!(i.ci, CiState::Passing | CiState::None));
    if has(Signal::MergeReady) && green {
        seen.holding.insert(ReactionKey::ApprovedAndGreen, Holding::default());
    }
    if let Some(stuck_at) = stuck_at(view, stuck_after, now) {
        seen.holding.insert(ReactionKey::AgentStuck, Holding { mark: Some(stuck_at) });
    }
    seen
}

/// The last activity an agent reported `active` is stuck at, when it is older than `threshold`.
fn stuck_at(view: &SessionView, threshold: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if view.live.activity != Some(Activity::Active) {
        return None;
    }
    let last = view.live.last_activity_at?;
    let quiet = (now - last).to_std().ok()?;
    (quiet >= threshold).then_some(last)
}
