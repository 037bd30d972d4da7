//! What a found PR means for a session record: the lifecycle's `pr` part (state and reason, SPEC
//! A1) and the display facts in `pr_info`. Pure, so the pass can decide once on the listed record
//! (to skip unchanged sessions without taking a lock) and again under the record's lock on what
//! is on disk then (so a newer writer's changes, such as a restore clearing the PR, win).

use chrono::{DateTime, Utc};

use super::query::FoundPr;
use crate::session::{CiState, Mergeability, PrInfo, PrReason, PrState, ReviewDecision, SessionRecord};

/// The reason of an open PR, by priority: failing CI, then requested changes, then approved
/// (merge ready when also green and mergeable), then waiting for review, else in progress.
///
/// Conflicts have no reason of their own in SPEC A1: they only keep an approved PR from being
/// merge ready, and `pr_info.mergeable` says `conflicting` (attention level A5 reads it there).
/// A draft is not waiting for review even when a review will be required.
pub fn open_reason(info: &PrInfo) -> PrReason {
    // A repository without checks has nothing to wait for, so no checks counts as green.
    let green = matches!(info.ci, CiState::Passing | CiState::None);
    match info.review {
        _ if info.ci == CiState::Failing => PrReason::CiFailing,
        ReviewDecision::ChangesRequested => PrReason::ChangesRequested,
        ReviewDecision::Approved if green && info.mergeable == Mergeability::Mergeable => PrReason::MergeReady,
        ReviewDecision::Approved => PrReason::Approved,
        ReviewDecision::ReviewRequired if !info.draft => PrReason::ReviewPending,
        _ => PrReason::InProgress,
    }
}

/// The lifecycle `pr` state and reason for `found`.
pub fn pr_state_and_reason(found: &FoundPr, info: &PrInfo) -> (PrState, PrReason) {
    match found.state {
        PrState::Open => (PrState::Open, open_reason(info)),
        PrState::Merged => (PrState::Merged, PrReason::Merged),
        // `None` never comes out of a query; treat it like a closed PR rather than panic.
        PrState::Closed | PrState::None => (PrState::Closed, PrReason::ClosedUnmerged),
    }
}

/// Whether `record` takes `found` as its PR. An open PR always is. A merged or closed one is not
/// when it is history rather than this session's work, because adopting it would end the session:
/// - the session was restored and its PR cleared (SPEC F4) and `found` is that same old PR;
/// - `found` was opened before the session existed and the session never recorded it (a branch
///   name reused, say `session/app-3` after an earlier `app-3` was deleted).
pub fn adopts(record: &SessionRecord, found: &FoundPr) -> bool {
    if found.state == PrState::Open {
        return true;
    }
    let pr = &record.lifecycle.pr;
    if pr.reason == PrReason::ClearedOnRestore && pr.number.is_none() {
        return record.pr_info.as_ref().is_some_and(|info| info.number != found.number);
    }
    let known = pr.number == Some(found.number);
    known || found.created_at.is_none_or(|opened| opened >= record.created_at)
}

/// Whether two readings say the same: every fact but when it was read. Comparing this way is
/// what keeps an unchanged PR from rewriting its record every pass.
pub fn same_facts(a: &PrInfo, b: &PrInfo) -> bool {
    PrInfo { checked_at: b.checked_at, ..a.clone() } == *b
}

/// Applies `found` to `record` if it adopts it: sets the `pr` part's state, reason, number and
/// url (unknown keys kept) and `pr_info` when a fact changed. Returns whether anything changed;
/// `now` becomes `pr_info.checked_at` only then, so it says when the facts last changed.
pub fn apply_found(record: &mut SessionRecord, found: &FoundPr, now: DateTime<Utc>) -> bool {
    if !adopts(record, found) {
        return false;
    }
    let info = PrInfo {
        number: found.number,
        url: found.url.clone(),
        title: found.title.clone(),
        draft: found.draft,
        ci: found.ci,
        failed_checks: found.failed_checks.clone(),
        review: found.review,
        mergeable: found.mergeable,
        unresolved_threads: found.unresolved_threads,
        additions: found.additions,
        deletions: found.deletions,
        checked_at: now,
    };
    let (state, reason) = pr_state_and_reason(found, &info);
    let pr = &mut record.lifecycle.pr;
    let pr_changed = pr.state != state
        || pr.reason != reason
        || pr.number != Some(found.number)
        || pr.url.as_deref() != Some(found.url.as_str());
    if pr_changed {
        pr.state = state;
        pr.reason = reason;
        pr.number = Some(found.number);
        pr.url = Some(found.url.clone());
    }
    let info_changed = !record.pr_info.as_ref().is_some_and(|old| same_facts(old, &info));
    if info_changed {
        record.pr_info = Some(info);
    }
    pr_changed || info_changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(ci: CiState, review: ReviewDecision, mergeable: Mergeability) -> PrInfo {
        PrInfo {
            number: 1,
            url: String::new(),
            title: String::new(),
            draft: false,
            ci,
            failed_checks: Vec::new(),
            review,
            mergeable,
            unresolved_threads: 0,
            additions: 0,
            deletions: 0,
            checked_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn open_reasons_follow_the_priority_order() {
        use {CiState as C, Mergeability as M, PrReason as R, ReviewDecision as D};
        let cases = [
            (C::Failing, D::ChangesRequested, M::Conflicting, R::CiFailing),
            (C::Failing, D::Approved, M::Mergeable, R::CiFailing),
            (C::Passing, D::ChangesRequested, M::Mergeable, R::ChangesRequested),
            (C::Passing, D::Approved, M::Mergeable, R::MergeReady),
            (C::None, D::Approved, M::Mergeable, R::MergeReady),
            (C::Passing, D::Approved, M::Conflicting, R::Approved),
            (C::Passing, D::Approved, M::Unknown, R::Approved),
            (C::Pending, D::Approved, M::Mergeable, R::Approved),
            (C::Passing, D::ReviewRequired, M::Mergeable, R::ReviewPending),
            (C::Passing, D::ReviewRequired, M::Conflicting, R::ReviewPending),
            (C::Pending, D::None, M::Mergeable, R::InProgress),
        ];
        for (ci, review, mergeable, expected) in cases {
            assert_eq!(open_reason(&info(ci, review, mergeable)), expected, "{ci:?} {review:?} {mergeable:?}");
        }
        let draft = PrInfo { draft: true, ..info(C::Passing, D::ReviewRequired, M::Mergeable) };
        assert_eq!(open_reason(&draft), R::InProgress, "a draft is not waiting for review");
    }

    #[test]
    fn same_facts_ignores_only_the_time_of_reading() {
        let a = info(CiState::Passing, ReviewDecision::None, Mergeability::Mergeable);
        let later = PrInfo { checked_at: Utc::now(), ..a.clone() };
        assert!(same_facts(&a, &later));
        assert!(!same_facts(&a, &PrInfo { additions: 1, ..later }));
    }
}
