//! Terminal and restorable sessions (SPEC A3). Stop and shutdown act only on non-terminal
//! sessions; restore offers only restorable ones.

use super::lifecycle::{Lifecycle, PrState, RuntimeReason, RuntimeState, SessionReason, SessionState};

/// Whether the session has ended: session `done` or `terminated`, or PR `merged`, or runtime
/// `missing` or `exited`.
pub fn is_terminal(lifecycle: &Lifecycle) -> bool {
    matches!(lifecycle.session.state, SessionState::Done | SessionState::Terminated)
        || lifecycle.pr.state == PrState::Merged
        || matches!(lifecycle.runtime.state, RuntimeState::Missing | RuntimeState::Exited)
}

/// Whether the session can be restarted in its worktree: terminal, and not merged-and-cleaned-up
/// (after a merge, cleanup may have removed the worktree and there is nothing left to resume).
pub fn is_restorable(lifecycle: &Lifecycle) -> bool {
    is_terminal(lifecycle) && !merged_and_cleaned_up(lifecycle)
}

/// The PR merged and cleanup ended the session or its runtime.
fn merged_and_cleaned_up(lifecycle: &Lifecycle) -> bool {
    let session_cleaned = lifecycle.session.state == SessionState::Terminated
        && matches!(lifecycle.session.reason, SessionReason::PrMerged | SessionReason::AutoCleanup);
    let runtime_cleaned =
        matches!(lifecycle.runtime.reason, RuntimeReason::PrMergedCleanup | RuntimeReason::AutoCleanup);
    lifecycle.pr.state == PrState::Merged && (session_cleaned || runtime_cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lifecycle::PrReason;
    use crate::session::test_support::{lifecycle, with_runtime};

    #[test]
    fn terminal_by_session_state() {
        let table = [
            (SessionState::NotStarted, false),
            (SessionState::Working, false),
            (SessionState::Idle, false),
            (SessionState::NeedsInput, false),
            (SessionState::Stuck, false),
            (SessionState::Detecting, false),
            (SessionState::Done, true),
            (SessionState::Terminated, true),
        ];
        assert_eq!(table.len(), SessionState::ALL.len(), "the table must list every session state");
        for (state, expected) in table {
            for reason in SessionReason::ALL {
                let lc = lifecycle(state, *reason, PrState::None, PrReason::NotCreated);
                assert_eq!(is_terminal(&lc), expected, "session {state}/{reason}, no PR, runtime unknown");
            }
        }
    }

    #[test]
    fn terminal_by_pr_state() {
        let table = [(PrState::None, false), (PrState::Open, false), (PrState::Merged, true), (PrState::Closed, false)];
        assert_eq!(table.len(), PrState::ALL.len(), "the table must list every PR state");
        for (pr, expected) in table {
            for pr_reason in PrReason::ALL {
                let lc = lifecycle(SessionState::Working, SessionReason::TaskInProgress, pr, *pr_reason);
                assert_eq!(is_terminal(&lc), expected, "working session with PR {pr}/{pr_reason}");
            }
        }
    }

    #[test]
    fn terminal_by_runtime_state() {
        let table = [
            (RuntimeState::Unknown, false),
            (RuntimeState::Alive, false),
            (RuntimeState::Exited, true),
            (RuntimeState::Missing, true),
            (RuntimeState::ProbeFailed, false),
        ];
        assert_eq!(table.len(), RuntimeState::ALL.len(), "the table must list every runtime state");
        for (runtime, expected) in table {
            for reason in RuntimeReason::ALL {
                let working = lifecycle(
                    SessionState::Working,
                    SessionReason::TaskInProgress,
                    PrState::None,
                    PrReason::NotCreated,
                );
                let lc = with_runtime(working, runtime, *reason);
                assert_eq!(is_terminal(&lc), expected, "working session with runtime {runtime}/{reason}");
            }
        }
    }

    #[test]
    fn restorable_is_terminal_minus_merged_and_cleaned_up() {
        let working =
            || lifecycle(SessionState::Working, SessionReason::TaskInProgress, PrState::None, PrReason::NotCreated);
        let terminated = |reason, pr| lifecycle(SessionState::Terminated, reason, pr, PrReason::NotCreated);
        let cases = [
            (working(), false, "a live session is not terminal, so not restorable"),
            (terminated(SessionReason::StoppedForRestore, PrState::None), true, "stopped for restore"),
            (terminated(SessionReason::ManuallyKilled, PrState::Open), true, "killed with an open PR"),
            (terminated(SessionReason::ErrorInProcess, PrState::None), true, "errored"),
            (terminated(SessionReason::AutoCleanup, PrState::Closed), true, "cleaned up without a merge"),
            (terminated(SessionReason::PrMerged, PrState::Merged), false, "merged and cleaned up by the merge"),
            (terminated(SessionReason::AutoCleanup, PrState::Merged), false, "merged and cleaned up automatically"),
            (
                terminated(SessionReason::ManuallyKilled, PrState::Merged),
                true,
                "merged but killed by hand, worktree kept",
            ),
            (
                with_runtime(working(), RuntimeState::Exited, RuntimeReason::ProcessMissing),
                true,
                "runtime exited on its own",
            ),
            (
                with_runtime(
                    lifecycle(
                        SessionState::Idle,
                        SessionReason::MergedWaitingDecision,
                        PrState::Merged,
                        PrReason::Merged,
                    ),
                    RuntimeState::Missing,
                    RuntimeReason::PrMergedCleanup,
                ),
                false,
                "runtime removed by merge cleanup",
            ),
            (
                lifecycle(SessionState::Idle, SessionReason::MergedWaitingDecision, PrState::Merged, PrReason::Merged),
                true,
                "merged, waiting for a decision, nothing cleaned yet",
            ),
        ];
        for (lc, expected, why) in cases {
            assert_eq!(is_restorable(&lc), expected, "{why}");
        }
    }
}
