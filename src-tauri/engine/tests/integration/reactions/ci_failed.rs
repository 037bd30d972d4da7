//! ci_failed end to end: the PR loop's facts written into the record, the reactor observing the
//! session, real `Ops::send` into the demo agent's terminal. Two failures reach the agent once
//! each; the third escalates to a notification; the record's log holds the three in order.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use grove_engine::config::{Priority, ReactionKey};
use grove_engine::demo::DEMO_SCREEN;
use grove_engine::ids::SessionId;
use grove_engine::manager::SessionView;
use grove_engine::react::Signal;
use grove_engine::react::reactions::{FactsError, PortFuture, PrFactSource, Reacted, Reactor};
use grove_engine::scm::{CheckLog, ReviewComment};
use grove_engine::session::{
    CiState, FailedCheck, Mergeability, PrInfo, PrReason, PrState, ReactionOutcome, ReviewDecision, SessionRecord,
};
use grove_engine::store::Store;

use super::support::{DemoFixture, within};

/// The first line of the built-in ci_failed message for PR #7, as the demo agent acknowledges it.
const ACK: &str = "Working on: CI is failing on PR #7.";

fn at(minutes: i64) -> DateTime<Utc> {
    "2025-03-04T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

/// A log line whose marker sits past the demo agent's 60-character summary, so the marker shows
/// in the pane only where the terminal echoes the delivered line: once per delivery.
fn marker(check: &str) -> String {
    format!("[log of {check}]")
}

/// Check logs from memory: one line per failing check, ending in its [`marker`].
struct Logs;

impl PrFactSource for Logs {
    fn failed_check_logs<'a>(
        &'a self,
        _session: &'a SessionRecord,
        pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<CheckLog>, FactsError>> {
        let logs = pr
            .failed_checks
            .iter()
            .map(|c| CheckLog {
                name: c.name.clone(),
                url: c.url.clone(),
                excerpt: Ok(format!(
                    "E   AssertionError: expected 3 rows, got 4; see the export test {}",
                    marker(&c.name)
                )),
            })
            .collect();
        Box::pin(async move { Ok(logs) })
    }

    fn review_comments<'a>(
        &'a self,
        _session: &'a SessionRecord,
        _pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<ReviewComment>, FactsError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// Writes what the PR loop would after reading PR #7 with CI in `ci` (`failing` naming the failed
/// check), and returns the session's view as the read paths would give it.
fn write_ci(store: &Store, fx: &DemoFixture, id: &SessionId, ci: CiState, failing: Option<&str>) -> SessionView {
    let record = store
        .update(&fx.project, id, |r| {
            r.lifecycle.pr.state = PrState::Open;
            r.lifecycle.pr.reason = if ci == CiState::Failing { PrReason::CiFailing } else { PrReason::ReviewPending };
            r.lifecycle.pr.number = Some(7);
            r.lifecycle.pr.url = Some("https://example.invalid/demo/pull/7".into());
            r.pr_info = Some(PrInfo {
                number: 7,
                url: "https://example.invalid/demo/pull/7".into(),
                title: "Add a done command".into(),
                draft: false,
                ci,
                failed_checks: failing.map(|name| FailedCheck { name: name.into(), url: None }).into_iter().collect(),
                review: ReviewDecision::ReviewRequired,
                mergeable: Mergeability::Mergeable,
                unresolved_threads: 0,
                additions: 3,
                deletions: 0,
                checked_at: Utc::now(),
            });
        })
        .expect("the record takes the PR facts");
    SessionView::stored(record)
}

/// Lines of `message` the demo agent takes as messages (it skips blank ones): one turn each.
fn turns(message: &str) -> usize {
    message.lines().filter(|l| !l.trim().is_empty()).count()
}

/// The single action of an observation, with the message it sent.
fn single(done: Vec<Reacted>) -> Reacted {
    assert_eq!(done.len(), 1, "exactly one action: {done:?}");
    done.into_iter().next().unwrap()
}

#[tokio::test]
async fn ci_failures_reach_the_demo_agent_once_each_then_escalate() {
    let fx = DemoFixture::new();
    let ops = fx.ops();
    let store = ops.store().clone();
    let record = within("spawn", ops.spawn(fx.request("Add a done command"))).await.expect("spawn");
    let id = record.id.clone();
    let turn_done = |n: usize| move |pane: &str| pane.matches(DEMO_SCREEN.turn_complete).count() >= n;
    fx.wait_for_pane(&id, "the first turn", turn_done(1)).await;
    let reactor = Reactor::new(store.clone(), Arc::new(fx.config.clone()), Arc::new(ops.clone()), Arc::new(Logs));

    // Attempt 1: CI enters failing.
    let failing = write_ci(&store, &fx, &id, CiState::Failing, Some("unit-tests"));
    let first = single(within("observe", reactor.observe(&failing, at(0))).await);
    assert_eq!((first.entry.outcome, first.entry.attempt), (ReactionOutcome::SentToAgent, 1), "{first:?}");
    let sent = first.message.expect("the sent text is returned");
    let mut expected_turns = 1 + turns(&sent);
    let pane = fx.wait_for_pane(&id, "the agent working through the message", turn_done(expected_turns)).await;
    assert_eq!(pane.matches(ACK).count(), 1, "the message reached the agent once:\n{pane}");
    assert_eq!(pane.matches(&marker("unit-tests")).count(), 1, "the log excerpt arrived once:\n{pane}");
    assert!(pane.contains("Failing checks: unit-tests"), "{pane}");

    // Still failing: nothing is sent again.
    assert!(within("observe", reactor.observe(&failing, at(1))).await.is_empty(), "staying failing sends nothing");

    // Attempt 2: failing -> pending -> failing.
    let pending = write_ci(&store, &fx, &id, CiState::Pending, None);
    assert!(within("observe", reactor.observe(&pending, at(2))).await.is_empty());
    let failing = write_ci(&store, &fx, &id, CiState::Failing, Some("lint"));
    let second = single(within("observe", reactor.observe(&failing, at(3))).await);
    assert_eq!((second.entry.outcome, second.entry.attempt), (ReactionOutcome::SentToAgent, 2), "{second:?}");
    expected_turns += turns(&second.message.expect("sent text"));
    let pane = fx.wait_for_pane(&id, "the agent working through attempt 2", turn_done(expected_turns)).await;
    assert_eq!(pane.matches(ACK).count(), 2, "attempt 2 arrived once:\n{pane}");
    assert_eq!(pane.matches(&marker("lint")).count(), 1, "{pane}");

    // Attempt 3: retries (2) are spent, so the user is notified instead.
    let pending = write_ci(&store, &fx, &id, CiState::Pending, None);
    assert!(within("observe", reactor.observe(&pending, at(4))).await.is_empty());
    let failing = write_ci(&store, &fx, &id, CiState::Failing, Some("e2e"));
    let third = single(within("observe", reactor.observe(&failing, at(5))).await);
    assert_eq!((third.entry.outcome, third.entry.attempt), (ReactionOutcome::Escalated, 3), "{third:?}");
    assert!(third.message.is_none(), "an escalation sends nothing to the agent");
    let note = third.notification.expect("an escalation notifies");
    assert_eq!((note.priority, note.signal), (Priority::Warning, Some(Signal::CiFailing)), "{note:?}");
    assert!(note.title.contains(id.as_str()) && note.body.contains("e2e"), "{note:?}");

    let pane = fx.pane(&id);
    assert_eq!(pane.matches(ACK).count(), 2, "no third delivery:\n{pane}");
    assert_eq!(pane.matches(DEMO_SCREEN.turn_complete).count(), expected_turns, "no turn beyond the two messages");
    assert!(!pane.contains(&marker("e2e")), "{pane}");

    let log = store.load(&fx.project, &id).expect("the record").reactions;
    let summary: Vec<_> = log.iter().map(|e| (e.key, e.outcome, e.attempt)).collect();
    let ci = ReactionKey::CiFailed;
    assert_eq!(
        summary,
        [
            (ci, ReactionOutcome::SentToAgent, 1),
            (ci, ReactionOutcome::SentToAgent, 2),
            (ci, ReactionOutcome::Escalated, 3)
        ],
        "the record's log holds the three actions in order"
    );
    assert!(log[0].detail.contains("unit-tests") && log[1].detail.contains("lint"), "{log:?}");
}
