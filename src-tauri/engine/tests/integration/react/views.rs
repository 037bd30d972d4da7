//! Views into observations, end to end through the policy: the words a notification carries come
//! from the probe's detail and the PR loop's facts.

use chrono::{DateTime, Utc};
use grove_engine::ids::SessionId;
use grove_engine::manager::{Enrichment, LiveFields, SessionView};
use grove_engine::react::Signal;
use grove_engine::react::policy::{Observation, PrFacts};
use grove_engine::session::{
    Activity, AgentExit, CiState, FailedCheck, Lifecycle, Mergeability, PrInfo, PrReason, PrState, RECORD_VERSION,
    ReviewDecision, RuntimeKind, RuntimeReason, RuntimeState, SessionKind, SessionReason, SessionRecord, SessionState,
};

use super::support::{Driver, project};

fn at() -> DateTime<Utc> {
    "2025-01-02T03:04:05Z".parse().expect("valid time")
}

/// A working session api-7, probed, doing `activity`.
fn view(state: SessionState, activity: Option<Activity>) -> SessionView {
    let mut lifecycle = Lifecycle::spawning(at());
    lifecycle.session.state = state;
    lifecycle.session.reason = SessionReason::TaskInProgress;
    let record = SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new("api-7").expect("valid id"),
        project_id: project("api"),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: RuntimeKind::Tmux,
        branch: "session/api-7".into(),
        worktree: "/grove/worktrees/api-7".into(),
        created_at: at(),
        display_name: Some("Fix the login page".into()),
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    };
    let live = LiveFields { activity, ..LiveFields::default() };
    SessionView { record, live, enrichment: Enrichment::Enriched { at: at() } }
}

/// `v` with an open PR #12 in `reason`, CI `ci` with `failed` checks, `threads` unresolved.
fn with_pr(mut v: SessionView, reason: PrReason, ci: CiState, failed: &[&str], threads: u32) -> SessionView {
    let pr = &mut v.record.lifecycle.pr;
    (pr.state, pr.reason, pr.number) = (PrState::Open, reason, Some(12));
    v.record.pr_info = Some(PrInfo {
        number: 12,
        url: "https://example.test/pr/12".into(),
        title: "Fix login".into(),
        draft: false,
        ci,
        failed_checks: failed.iter().map(|n| FailedCheck { name: (*n).into(), url: None }).collect(),
        review: if reason == PrReason::ChangesRequested {
            ReviewDecision::ChangesRequested
        } else {
            ReviewDecision::ReviewRequired
        },
        mergeable: Mergeability::Mergeable,
        unresolved_threads: threads,
        additions: 1,
        deletions: 1,
        checked_at: at(),
    });
    v
}

/// The one notification api-7 entering what `v` shows makes: (title, body).
fn notified(v: &SessionView) -> (String, String) {
    let mut d = Driver::started_with(vec![super::support::obs("api-7", &[])]);
    d.observe(vec![Observation::of(v)]);
    let out = d.flush();
    assert_eq!(out.len(), 1, "{out:?}");
    (out[0].title.clone(), out[0].body.clone())
}

#[test]
fn needs_you_says_what_the_agent_waits_for() {
    let mut v = view(SessionState::Working, Some(Activity::WaitingInput));
    v.live.activity_detail = Some("waiting for permission to run `cargo test`".into());
    assert_eq!(Observation::of(&v).signals, [Signal::NeedsYou]);
    assert_eq!(notified(&v), ("api-7 needs you".into(), "waiting for permission to run `cargo test`".into()));

    let mut blocked = view(SessionState::Working, Some(Activity::Blocked));
    blocked.live.agent_error = Some("API rate limit reached".into());
    assert_eq!(notified(&blocked).1, "API rate limit reached", "the agent's error when it has no detail");
}

#[test]
fn without_the_agents_words_the_cause_is_named() {
    let cases = [
        (view(SessionState::Stuck, None), "it has made no progress for a while"),
        (view(SessionState::NeedsInput, None), "waiting for your input"),
        (view(SessionState::Working, Some(Activity::WaitingInput)), "waiting for your input"),
        (view(SessionState::Working, Some(Activity::Exited)), "exited unexpectedly"),
        (view(SessionState::Working, Some(Activity::Blocked)), "its agent is blocked"),
    ];
    for (v, body) in cases {
        assert_eq!(notified(&v), ("api-7 needs you".into(), body.into()), "{:?}", v.live.activity);
    }
}

#[test]
fn pr_signals_quote_the_pr_facts() {
    let working = || view(SessionState::Working, Some(Activity::Active));
    let ci = with_pr(working(), PrReason::CiFailing, CiState::Failing, &["test", "lint"], 0);
    assert_eq!(notified(&ci), ("api-7: CI failing".into(), "CI failing: test, lint".into()));
    let review = with_pr(working(), PrReason::ChangesRequested, CiState::Passing, &[], 3);
    let expected = ("api-7: changes requested".into(), "changes requested on PR #12 (3 unresolved threads)".into());
    assert_eq!(notified(&review), expected);
    let ready = with_pr(working(), PrReason::MergeReady, CiState::Passing, &[], 0);
    assert_eq!(notified(&ready), ("api-7 is ready to merge".into(), "PR #12 is approved and green".into()));
    let mut conflicts = with_pr(working(), PrReason::InProgress, CiState::Passing, &[], 0);
    conflicts.record.pr_info.as_mut().unwrap().mergeable = Mergeability::Conflicting;
    assert_eq!(notified(&conflicts), ("api-7: merge conflicts".into(), "PR #12 conflicts with its base branch".into()));
    let o = Observation::of(&ci);
    let facts = PrFacts { number: Some(12), failed_checks: vec!["test".into(), "lint".into()], unresolved_threads: 0 };
    assert_eq!(o.pr, Some(facts));
}

#[test]
fn many_failing_checks_are_named_up_to_five() {
    let checks = ["a", "b", "c", "d", "e", "f", "g"];
    let v = with_pr(view(SessionState::Working, None), PrReason::CiFailing, CiState::Failing, &checks, 0);
    assert_eq!(notified(&v).1, "CI failing: a, b, c, d, e and 2 more");
}

#[test]
fn a_disk_only_view_is_settled_only_when_the_session_has_ended() {
    let mut live = view(SessionState::Working, None);
    live.enrichment = Enrichment::Stored;
    assert!(!Observation::of(&live).settled, "a live session read from disk lacks its activity");
    let mut ended = view(SessionState::Done, None);
    ended.enrichment = Enrichment::Stored;
    assert!(Observation::of(&ended).settled, "an ended session is never probed; its record is all there is");
    let failed = Enrichment::Failed { at: at(), error: "tmux failed".into() };
    let probed = SessionView { enrichment: failed, ..view(SessionState::Working, None) };
    assert!(Observation::of(&probed).settled, "a failed probe answered too");
    assert_eq!(Observation::of(&probed).name, "api-7", "titles use the id, as the sidebar does");
}

/// `v` ended as `reason` says, its runtime gone, read from disk (terminal sessions are not probed).
fn ended(mut v: SessionView, reason: SessionReason, runtime: RuntimeReason) -> SessionView {
    v.record.lifecycle.session.state = SessionState::Terminated;
    v.record.lifecycle.session.reason = reason;
    v.record.lifecycle.runtime.state = RuntimeState::Exited;
    v.record.lifecycle.runtime.reason = runtime;
    v.live = LiveFields::default();
    v.enrichment = Enrichment::Stored;
    v
}

/// SPEC A2a, H2: an agent that died without Grove ending it enters `respond` and notifies, saying
/// how it ended; a session someone killed is done and notifies nobody. Before the resolver, both
/// were filed under Done as killed and neither notified.
#[test]
fn a_crash_notifies_and_a_kill_does_not() {
    let working = || view(SessionState::Working, Some(Activity::Active));
    let mut crashed = ended(working(), SessionReason::RuntimeLost, RuntimeReason::TmuxMissing);
    crashed.record.exit =
        Some(AgentExit { status: Some(1), signal: None, last_lines: vec!["Error: API key revoked".into()], at: at() });
    assert_eq!(Observation::of(&crashed).signals, [Signal::NeedsYou], "a crash needs its human");
    let expected = ("api-7 needs you".to_owned(), "exited unexpectedly (exit 1): Error: API key revoked".to_owned());
    assert_eq!(notified(&crashed), expected);
    let exited = ended(working(), SessionReason::AgentProcessExited, RuntimeReason::ProcessMissing);
    assert_eq!(notified(&exited).1, "exited unexpectedly", "the agent process exiting on its own is a crash too");

    let killed = ended(working(), SessionReason::ManuallyKilled, RuntimeReason::ManualKillRequested);
    assert!(Observation::of(&killed).signals.is_empty(), "a kill someone asked for is not news");
    let mut d = Driver::started_with(vec![Observation::of(&working())]);
    d.observe(vec![Observation::of(&killed)]);
    assert!(d.flush().is_empty(), "killing a session must not notify");
    let stopped = ended(working(), SessionReason::StoppedForRestore, RuntimeReason::StoppedForRestore);
    assert!(Observation::of(&stopped).signals.is_empty(), "a stop is not news either");
}
