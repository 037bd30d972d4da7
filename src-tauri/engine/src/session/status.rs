//! The flat display status (SPEC A2, A2a): derived from the lifecycle by one pure function, never
//! stored, so the UI, the CLI and notifications can never disagree about what a session is doing.
//! `session::resolve` builds everything a surface shows on top of it.

use super::lifecycle::{Lifecycle, PrReason, PrState, RuntimeReason, RuntimeState, SessionReason, SessionState};
use super::wire_enum::wire_enum;

wire_enum! {
    /// What the dashboard shows for a session.
    pub enum DisplayStatus {
        /// Spawn requested, agent not started yet.
        Spawning = "spawning",
        /// The agent is working, no PR.
        Working = "working",
        /// The agent is idle, no PR.
        Idle = "idle",
        /// The agent asked the user something.
        NeedsInput = "needs_input",
        /// No progress for too long.
        Stuck = "stuck",
        /// The task is finished.
        Done = "done",
        /// Evidence is contradictory; probes will decide.
        Detecting = "detecting",
        /// Ended by a person or by Grove's own kill (`manually_killed`).
        Killed = "killed",
        /// Its runtime or agent went away without Grove ending it (SPEC A2a): needs its human.
        Crashed = "crashed",
        /// Stopped by stop/quit; restorable.
        Stopped = "stopped",
        /// Ended by cleanup (after a merge or automatically).
        Cleanup = "cleanup",
        /// Ended by an error.
        Errored = "errored",
        /// Ended for another reason.
        Terminated = "terminated",
        /// Its PR merged.
        Merged = "merged",
        /// Its PR's CI fails.
        CiFailed = "ci_failed",
        /// A reviewer asked for changes.
        ChangesRequested = "changes_requested",
        /// Its PR waits for a review.
        ReviewPending = "review_pending",
        /// Its PR is approved.
        Approved = "approved",
        /// Its PR is approved, green and mergeable.
        Mergeable = "mergeable",
        /// Its PR is open, nothing decided yet.
        PrOpen = "pr_open",
    }
}

/// Derives the display status from the lifecycle (SPEC A2, in the order it lists, with A2a's
/// crashed).
pub fn display_status(lifecycle: &Lifecycle) -> DisplayStatus {
    let session = &lifecycle.session;
    if runtime_vanished(lifecycle) {
        return DisplayStatus::Crashed;
    }
    match session.state {
        SessionState::NotStarted => DisplayStatus::Spawning,
        SessionState::NeedsInput => DisplayStatus::NeedsInput,
        SessionState::Stuck => DisplayStatus::Stuck,
        SessionState::Done => DisplayStatus::Done,
        SessionState::Detecting => DisplayStatus::Detecting,
        SessionState::Terminated => terminated_status(session.reason),
        SessionState::Working | SessionState::Idle => match lifecycle.pr.state {
            PrState::Merged => DisplayStatus::Merged,
            PrState::Open => open_pr_status(lifecycle.pr.reason),
            // A closed PR no longer describes the session; it shows as if there were none.
            PrState::None | PrState::Closed if session.state == SessionState::Idle => DisplayStatus::Idle,
            PrState::None | PrState::Closed => DisplayStatus::Working,
        },
    }
}

/// A session whose record still says it runs, while its runtime is known gone for a reason that
/// is not one of Grove's own endings (kill, stop, cleanup): the probe saw it die before the
/// session part caught up (SPEC A2a, D10). A merged PR is the end of the story, not a crash.
fn runtime_vanished(lifecycle: &Lifecycle) -> bool {
    let runtime = &lifecycle.runtime;
    let ended_by_grove = matches!(
        runtime.reason,
        RuntimeReason::ManualKillRequested
            | RuntimeReason::StoppedForRestore
            | RuntimeReason::PrMergedCleanup
            | RuntimeReason::AutoCleanup
    );
    !matches!(lifecycle.session.state, SessionState::Done | SessionState::Terminated)
        && lifecycle.pr.state != PrState::Merged
        && matches!(runtime.state, RuntimeState::Missing | RuntimeState::Exited)
        && !ended_by_grove
}

/// How a terminated session ended, by its reason. Only what a person or Grove asked for is
/// `killed`; a runtime that vanished or an agent that exited on its own crashed (SPEC A2a).
fn terminated_status(reason: SessionReason) -> DisplayStatus {
    match reason {
        SessionReason::ManuallyKilled => DisplayStatus::Killed,
        SessionReason::RuntimeLost | SessionReason::AgentProcessExited => DisplayStatus::Crashed,
        SessionReason::StoppedForRestore => DisplayStatus::Stopped,
        SessionReason::AutoCleanup | SessionReason::PrMerged => DisplayStatus::Cleanup,
        SessionReason::ErrorInProcess | SessionReason::ProbeFailure => DisplayStatus::Errored,
        _ => DisplayStatus::Terminated,
    }
}

/// What an open PR says about a working or idle session.
fn open_pr_status(reason: PrReason) -> DisplayStatus {
    match reason {
        PrReason::CiFailing => DisplayStatus::CiFailed,
        PrReason::ChangesRequested => DisplayStatus::ChangesRequested,
        PrReason::ReviewPending => DisplayStatus::ReviewPending,
        PrReason::Approved => DisplayStatus::Approved,
        PrReason::MergeReady => DisplayStatus::Mergeable,
        _ => DisplayStatus::PrOpen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lifecycle::{PrState, SessionState};
    use crate::session::test_support::lifecycle;

    /// Every PR state combined with every PR reason, for checks that must hold whatever the PR says.
    fn every_pr() -> impl Iterator<Item = (PrState, PrReason)> {
        PrState::ALL.iter().flat_map(|s| PrReason::ALL.iter().map(move |r| (*s, *r)))
    }

    #[test]
    fn states_with_their_own_status_ignore_reason_and_pr() {
        let table = [
            (SessionState::NotStarted, DisplayStatus::Spawning),
            (SessionState::NeedsInput, DisplayStatus::NeedsInput),
            (SessionState::Stuck, DisplayStatus::Stuck),
            (SessionState::Done, DisplayStatus::Done),
            (SessionState::Detecting, DisplayStatus::Detecting),
        ];
        for (state, expected) in table {
            for reason in SessionReason::ALL {
                for (pr, pr_reason) in every_pr() {
                    let lc = lifecycle(state, *reason, pr, pr_reason);
                    assert_eq!(display_status(&lc), expected, "{state}/{reason} with PR {pr}/{pr_reason}");
                }
            }
        }
    }

    #[test]
    fn terminated_maps_every_reason() {
        use DisplayStatus as D;
        use SessionReason as R;
        let table = [
            (R::SpawnRequested, D::Terminated),
            (R::AgentAcknowledged, D::Terminated),
            (R::TaskInProgress, D::Terminated),
            (R::PrCreated, D::Terminated),
            (R::FixingCi, D::Terminated),
            (R::ResolvingReviewComments, D::Terminated),
            (R::AwaitingUserInput, D::Terminated),
            (R::AwaitingExternalReview, D::Terminated),
            (R::ResearchComplete, D::Terminated),
            (R::MergedWaitingDecision, D::Terminated),
            (R::ManuallyKilled, D::Killed),
            (R::StoppedForRestore, D::Stopped),
            (R::PrMerged, D::Cleanup),
            (R::AutoCleanup, D::Cleanup),
            (R::RuntimeLost, D::Crashed),
            (R::AgentProcessExited, D::Crashed),
            (R::ProbeFailure, D::Errored),
            (R::ErrorInProcess, D::Errored),
            (R::Landed, D::Terminated),
        ];
        assert_eq!(table.len(), R::ALL.len(), "the table must list every session reason once");
        for (reason, expected) in table {
            for (pr, pr_reason) in every_pr() {
                let lc = lifecycle(SessionState::Terminated, reason, pr, pr_reason);
                assert_eq!(display_status(&lc), expected, "terminated/{reason} with PR {pr}/{pr_reason}");
            }
        }
    }

    #[test]
    fn working_and_idle_follow_the_pr() {
        use DisplayStatus as D;
        use PrReason as P;
        let open = [
            (P::NotCreated, D::PrOpen),
            (P::InProgress, D::PrOpen),
            (P::CiFailing, D::CiFailed),
            (P::ReviewPending, D::ReviewPending),
            (P::ChangesRequested, D::ChangesRequested),
            (P::Approved, D::Approved),
            (P::MergeReady, D::Mergeable),
            (P::Merged, D::PrOpen),
            (P::ClosedUnmerged, D::PrOpen),
            (P::ClearedOnRestore, D::PrOpen),
        ];
        assert_eq!(open.len(), P::ALL.len(), "the open-PR table must list every PR reason once");
        for (state, without_pr) in [(SessionState::Working, D::Working), (SessionState::Idle, D::Idle)] {
            for reason in SessionReason::ALL {
                for pr_reason in P::ALL {
                    let merged = lifecycle(state, *reason, PrState::Merged, *pr_reason);
                    assert_eq!(display_status(&merged), D::Merged, "{state}/{reason}, PR merged/{pr_reason}");
                    for pr in [PrState::None, PrState::Closed] {
                        let lc = lifecycle(state, *reason, pr, *pr_reason);
                        assert_eq!(display_status(&lc), without_pr, "{state}/{reason}, PR {pr}/{pr_reason}");
                    }
                }
                for (pr_reason, expected) in open {
                    let lc = lifecycle(state, *reason, PrState::Open, pr_reason);
                    assert_eq!(display_status(&lc), expected, "{state}/{reason}, PR open/{pr_reason}");
                }
            }
        }
    }

    /// SPEC A2a: a runtime gone for a reason Grove did not cause is a crash, whatever the session
    /// part still says; Grove's own endings, a finished session and a merged PR are not.
    #[test]
    fn a_runtime_gone_on_its_own_is_crashed() {
        use crate::session::test_support::with_runtime;
        use RuntimeReason as RR;
        let working =
            || lifecycle(SessionState::Working, SessionReason::TaskInProgress, PrState::None, PrReason::NotCreated);
        for state in [RuntimeState::Missing, RuntimeState::Exited] {
            for reason in [RR::ProcessMissing, RR::TmuxMissing, RR::SpawnIncomplete, RR::ProbeError] {
                let lc = with_runtime(working(), state, reason);
                assert_eq!(display_status(&lc), DisplayStatus::Crashed, "working, runtime {state}/{reason}");
            }
            for reason in [RR::ManualKillRequested, RR::StoppedForRestore, RR::PrMergedCleanup, RR::AutoCleanup] {
                let lc = with_runtime(working(), state, reason);
                assert_ne!(display_status(&lc), DisplayStatus::Crashed, "Grove ended it: runtime {state}/{reason}");
            }
        }
        let done = lifecycle(SessionState::Done, SessionReason::ResearchComplete, PrState::None, PrReason::NotCreated);
        let done = with_runtime(done, RuntimeState::Exited, RR::ProcessMissing);
        assert_eq!(display_status(&done), DisplayStatus::Done, "a finished agent may exit");
        let merged = lifecycle(SessionState::Working, SessionReason::PrCreated, PrState::Merged, PrReason::Merged);
        let merged = with_runtime(merged, RuntimeState::Missing, RR::TmuxMissing);
        assert_eq!(display_status(&merged), DisplayStatus::Merged, "a merged PR ends the story");
        let alive = with_runtime(working(), RuntimeState::ProbeFailed, RR::ProbeError);
        assert_eq!(display_status(&alive), DisplayStatus::Working, "a failed probe is no evidence of death (D11)");
    }

    #[test]
    fn every_display_status_is_reachable() {
        let mut seen = std::collections::HashSet::new();
        for state in SessionState::ALL {
            for reason in SessionReason::ALL {
                for (pr, pr_reason) in every_pr() {
                    seen.insert(display_status(&lifecycle(*state, *reason, pr, pr_reason)));
                }
            }
        }
        let missing: Vec<_> = DisplayStatus::ALL.iter().filter(|s| !seen.contains(s)).collect();
        assert!(missing.is_empty(), "statuses no lifecycle produces: {missing:?}");
    }
}
