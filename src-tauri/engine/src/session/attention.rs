//! Attention levels (SPEC A5): how much a session needs its human. The dashboard groups by it and
//! the tray counts `respond`.

use super::activity::Activity;
use super::lifecycle::{Lifecycle, PrReason, PrState};
use super::pr_info::Mergeability;
use super::record::SessionRecord;
use super::status::{DisplayStatus, display_status};
use super::terminal::is_terminal;
use super::wire_enum::wire_enum;

wire_enum! {
    /// How much a session needs its human, most urgent decided first.
    pub enum AttentionLevel {
        /// Finished; nothing to do.
        Done = "done",
        /// The PR can be merged.
        Merge = "merge",
        /// The agent waits for an answer or has failed.
        Respond = "respond",
        /// The PR needs work: CI fails, changes were requested, or it conflicts.
        Review = "review",
        /// Waiting for reviewers.
        Pending = "pending",
        /// The agent is working; nothing to do yet.
        Working = "working",
    }
}

/// PR facts A5 weighs that the lifecycle does not hold; the PR enrichment knows them, a record
/// read from disk alone does not (then use `PrSignals::default()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrSignals {
    /// The PR conflicts with its base branch.
    pub has_conflicts: bool,
    /// Review threads are still unresolved.
    pub has_unresolved_threads: bool,
}

impl PrSignals {
    /// What the PR loop's last reading (`prInfo`) says, when it is about the lifecycle's open PR;
    /// nothing otherwise, so a stale reading of an earlier PR never raises the level.
    pub fn of(record: &SessionRecord) -> Self {
        let pr = &record.lifecycle.pr;
        let current = record
            .pr_info
            .as_ref()
            .filter(|info| pr.state == PrState::Open && pr.number.is_none_or(|n| n == info.number));
        Self {
            has_conflicts: current.is_some_and(|i| i.mergeable == Mergeability::Conflicting),
            has_unresolved_threads: current.is_some_and(|i| i.unresolved_threads > 0),
        }
    }
}

/// Derives the attention level, in the order SPEC A5 gives. `activity` is `None` when the agent
/// has not been probed, which never raises the level.
///
/// One refinement of "done (terminal)": an errored or crashed session is terminal too, but SPEC
/// A5 lists `errored` under `respond`, A2a makes a crash `respond`, and a session that died
/// without being asked to does need its human, so neither is folded into `done`.
pub fn attention_level(lifecycle: &Lifecycle, activity: Option<Activity>, pr: PrSignals) -> AttentionLevel {
    let status = display_status(lifecycle);
    let died = matches!(status, DisplayStatus::Errored | DisplayStatus::Crashed);
    if is_terminal(lifecycle) && !died {
        return AttentionLevel::Done;
    }
    // A crash outranks even a mergeable PR: SPEC A2a makes it `respond` without condition, and a
    // dead agent is news the person must see before anything it left behind.
    if status == DisplayStatus::Crashed {
        return AttentionLevel::Respond;
    }
    let open_pr = lifecycle.pr.state == PrState::Open;
    let pr_reason = lifecycle.pr.reason;
    if open_pr && matches!(pr_reason, PrReason::Approved | PrReason::MergeReady) {
        return AttentionLevel::Merge;
    }
    let status_needs_human = matches!(
        status,
        DisplayStatus::NeedsInput
            | DisplayStatus::Stuck
            | DisplayStatus::Errored
            | DisplayStatus::Crashed
            | DisplayStatus::Detecting
    );
    if status_needs_human || activity.is_some_and(Activity::needs_human) {
        return AttentionLevel::Respond;
    }
    if open_pr && (matches!(pr_reason, PrReason::CiFailing | PrReason::ChangesRequested) || pr.has_conflicts) {
        return AttentionLevel::Review;
    }
    if open_pr && (pr_reason == PrReason::ReviewPending || pr.has_unresolved_threads) {
        return AttentionLevel::Pending;
    }
    AttentionLevel::Working
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lifecycle::{RuntimeReason, RuntimeState, SessionReason, SessionState};
    use crate::session::test_support::{lifecycle, with_runtime};

    const NONE: PrSignals = PrSignals { has_conflicts: false, has_unresolved_threads: false };

    fn working_with_pr(pr: PrState, reason: PrReason) -> Lifecycle {
        lifecycle(SessionState::Working, SessionReason::TaskInProgress, pr, reason)
    }

    #[test]
    fn session_states_without_pr_or_activity() {
        use AttentionLevel as A;
        use SessionState as S;
        let table = [
            (S::NotStarted, A::Working),
            (S::Working, A::Working),
            (S::Idle, A::Working),
            (S::NeedsInput, A::Respond),
            (S::Stuck, A::Respond),
            (S::Detecting, A::Respond),
            (S::Done, A::Done),
        ];
        assert_eq!(table.len() + 1, S::ALL.len(), "every state but terminated (tested by reason) is listed");
        for (state, expected) in table {
            for reason in SessionReason::ALL {
                let lc = lifecycle(state, *reason, PrState::None, PrReason::NotCreated);
                assert_eq!(attention_level(&lc, None, NONE), expected, "{state}/{reason}, no PR");
            }
        }
    }

    #[test]
    fn terminated_is_done_unless_it_errored_or_crashed() {
        for reason in SessionReason::ALL {
            let lc = lifecycle(SessionState::Terminated, *reason, PrState::None, PrReason::NotCreated);
            // SPEC A5 (errored) and A2a (runtime_lost, agent_process_exited: crashed) need a human.
            let errored = matches!(
                reason,
                SessionReason::ErrorInProcess
                    | SessionReason::ProbeFailure
                    | SessionReason::RuntimeLost
                    | SessionReason::AgentProcessExited
            );
            let expected = if errored { AttentionLevel::Respond } else { AttentionLevel::Done };
            for activity in Activity::ALL.iter().copied().map(Some).chain([None]) {
                assert_eq!(
                    attention_level(&lc, activity, NONE),
                    expected,
                    "terminated/{reason}, activity {activity:?}"
                );
            }
        }
    }

    #[test]
    fn open_pr_reasons_on_a_working_session() {
        use AttentionLevel as A;
        use PrReason as P;
        let table = [
            (P::NotCreated, A::Working),
            (P::InProgress, A::Working),
            (P::CiFailing, A::Review),
            (P::ReviewPending, A::Pending),
            (P::ChangesRequested, A::Review),
            (P::Approved, A::Merge),
            (P::MergeReady, A::Merge),
            (P::Merged, A::Working),
            (P::ClosedUnmerged, A::Working),
            (P::ClearedOnRestore, A::Working),
        ];
        assert_eq!(table.len(), P::ALL.len(), "the table must list every PR reason");
        for (reason, expected) in table {
            let lc = working_with_pr(PrState::Open, reason);
            assert_eq!(attention_level(&lc, None, NONE), expected, "working, PR open/{reason}");
        }
    }

    #[test]
    fn pr_that_is_not_open_asks_for_nothing() {
        for pr in [PrState::None, PrState::Closed] {
            for reason in PrReason::ALL {
                let lc = working_with_pr(pr, *reason);
                assert_eq!(attention_level(&lc, None, NONE), AttentionLevel::Working, "working, PR {pr}/{reason}");
            }
        }
        for reason in PrReason::ALL {
            let lc = working_with_pr(PrState::Merged, *reason);
            assert_eq!(attention_level(&lc, None, NONE), AttentionLevel::Done, "a merged PR is terminal");
        }
    }

    #[test]
    fn activity_on_a_working_session() {
        use Activity as Ac;
        use AttentionLevel as A;
        let table = [
            (None, A::Working),
            (Some(Ac::Active), A::Working),
            (Some(Ac::Ready), A::Working),
            (Some(Ac::Idle), A::Working),
            (Some(Ac::WaitingInput), A::Respond),
            (Some(Ac::Blocked), A::Respond),
            (Some(Ac::Exited), A::Respond),
            (Some(Ac::Unknown), A::Working),
        ];
        assert_eq!(table.len(), Ac::ALL.len() + 1, "the table must list every activity and None");
        let lc = working_with_pr(PrState::None, PrReason::NotCreated);
        for (activity, expected) in table {
            assert_eq!(attention_level(&lc, activity, NONE), expected, "working, activity {activity:?}");
        }
    }

    #[test]
    fn conflicts_and_threads_count_only_on_an_open_pr() {
        let conflicts = PrSignals { has_conflicts: true, ..NONE };
        let threads = PrSignals { has_unresolved_threads: true, ..NONE };
        let open = working_with_pr(PrState::Open, PrReason::InProgress);
        assert_eq!(attention_level(&open, None, conflicts), AttentionLevel::Review, "conflicts need review");
        assert_eq!(attention_level(&open, None, threads), AttentionLevel::Pending, "unresolved threads are pending");
        let pending = working_with_pr(PrState::Open, PrReason::ReviewPending);
        assert_eq!(attention_level(&pending, None, conflicts), AttentionLevel::Review, "review outranks pending");
        let none = working_with_pr(PrState::None, PrReason::NotCreated);
        assert_eq!(attention_level(&none, None, conflicts), AttentionLevel::Working, "no PR, no conflicts");
        assert_eq!(attention_level(&none, None, threads), AttentionLevel::Working, "no PR, no threads");
    }

    #[test]
    fn order_of_evaluation() {
        let approved_needs_input =
            lifecycle(SessionState::NeedsInput, SessionReason::AwaitingUserInput, PrState::Open, PrReason::Approved);
        assert_eq!(attention_level(&approved_needs_input, None, NONE), AttentionLevel::Merge, "merge outranks respond");
        let ci_failing = working_with_pr(PrState::Open, PrReason::CiFailing);
        assert_eq!(
            attention_level(&ci_failing, Some(Activity::WaitingInput), NONE),
            AttentionLevel::Respond,
            "respond outranks review"
        );
        let cleaned_up = with_runtime(
            working_with_pr(PrState::Open, PrReason::MergeReady),
            RuntimeState::Exited,
            RuntimeReason::AutoCleanup,
        );
        assert_eq!(attention_level(&cleaned_up, None, NONE), AttentionLevel::Done, "terminal outranks merge");
        let crashed = with_runtime(
            working_with_pr(PrState::Open, PrReason::MergeReady),
            RuntimeState::Exited,
            RuntimeReason::ProcessMissing,
        );
        assert_eq!(attention_level(&crashed, None, NONE), AttentionLevel::Respond, "a crash needs its human (A2a)");
    }
}
