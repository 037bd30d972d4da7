//! What a session shows that may deserve its human (SPEC H2): derived from its view, so the
//! notification policy and the reactions agree with the dashboard's attention levels.

use serde::Serialize;
use ts_rs::TS;

use crate::manager::SessionView;
use crate::session::{
    AttentionLevel, CiState, Mergeability, PrReason, PrSignals, PrState, ReviewDecision, attention_level,
};

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
    let record = &view.record;
    let info = record.pr_info.as_ref();
    let pr = PrSignals {
        has_conflicts: info.is_some_and(|i| i.mergeable == Mergeability::Conflicting),
        has_unresolved_threads: info.is_some_and(|i| i.unresolved_threads > 0),
    };
    let level = attention_level(&record.lifecycle, view.live.activity, pr);
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
