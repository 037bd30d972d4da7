//! What a session shows that may deserve its human (SPEC H2): derived from its view through the
//! one resolver (`session::resolve`), so the notification policy and the reactions agree with the
//! dashboard: a crash is `respond` and notifies, a kill is done and does not (SPEC A2a).

use serde::Serialize;
use ts_rs::TS;

use crate::manager::SessionView;
use crate::session::{AttentionLevel, CiState, PrReason, PrSignals, PrState, Resolved, ReviewDecision};

/// A condition a session is in that a notification or a reaction may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// It needs its human: a question, a permission, an error, or it exited unexpectedly.
    NeedsYou,
    /// Its PR's CI fails.
    CiFailing,
    /// A reviewer requested changes.
    ChangesRequested,
    /// Its PR conflicts with the base branch.
    MergeConflicts,
    /// Its PR is approved and green: it can be merged.
    MergeReady,
}

/// The signals `view` shows now.
pub fn signals_of(view: &SessionView) -> Vec<Signal> {
    signals_resolved(view, &view.resolve())
}

/// The signals `view` shows, given what the resolver made of it.
pub(crate) fn signals_resolved(view: &SessionView, resolved: &Resolved) -> Vec<Signal> {
    let record = &view.record;
    let info = record.pr_info.as_ref();
    let pr = PrSignals::of(record);
    let level = resolved.attention;
    let open = record.lifecycle.pr.state == PrState::Open;
    let reason = record.lifecycle.pr.reason;
    let mut signals = Vec::new();
    if level == AttentionLevel::Respond {
        signals.push(Signal::NeedsYou);
    }
    if open && (reason == PrReason::CiFailing || info.is_some_and(|i| i.ci == CiState::Failing)) {
        signals.push(Signal::CiFailing);
    }
    if open
        && (reason == PrReason::ChangesRequested || info.is_some_and(|i| i.review == ReviewDecision::ChangesRequested))
    {
        signals.push(Signal::ChangesRequested);
    }
    if open && pr.has_conflicts {
        signals.push(Signal::MergeConflicts);
    }
    if level == AttentionLevel::Merge {
        signals.push(Signal::MergeReady);
    }
    signals
}
