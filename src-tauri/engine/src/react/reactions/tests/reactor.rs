//! The reactor end to end without tmux: a temp store, a sender that records (or fails), and PR
//! facts from memory. Also the conditions read from views and the texts.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::{Config, Priority, Project, ReactionAction, ReactionKey, ReactionOverride, Runtime};
use crate::home::GroveHome;
use crate::ids::{ProjectId, SessionId};
use crate::manager::{LiveFields, SessionView};
use crate::ops::MAX_MESSAGE_CHARS;
use crate::react::Signal;
use crate::react::reactions::text::{self, PrRef};
use crate::react::reactions::{AgentSender, FactsError, PortFuture, PrFactSource, Reactor, conditions_of};
use crate::scm::{CheckLog, ReviewComment};
use crate::session::{
    Activity, CiState, FailedCheck, Lifecycle, Mergeability, PrInfo, PrReason, PrState, REACTION_LOG_LIMIT,
    RECORD_VERSION, ReactionEntry, ReactionOutcome, ReviewDecision, RuntimeKind, RuntimeReason, RuntimeState,
    SessionKind, SessionReason, SessionRecord, SessionState,
};
use crate::store::Store;

fn at(minutes: i64) -> DateTime<Utc> {
    "2025-03-04T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

fn project() -> ProjectId {
    ProjectId::new("api").unwrap()
}

/// A working session with an open PR #12 whose CI passes.
fn record(id: &str) -> SessionRecord {
    let mut lifecycle = Lifecycle::spawning(at(-60));
    lifecycle.session.state = SessionState::Working;
    lifecycle.session.reason = SessionReason::PrCreated;
    lifecycle.runtime.state = RuntimeState::Alive;
    lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
    lifecycle.pr.state = PrState::Open;
    lifecycle.pr.reason = PrReason::InProgress;
    lifecycle.pr.number = Some(12);
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new(id).unwrap(),
        project_id: project(),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: format!("/w/{id}").into(),
        created_at: at(-60),
        display_name: None,
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle,
        pr_info: Some(PrInfo {
            number: 12,
            url: "https://example.invalid/pr/12".into(),
            title: "Add export".into(),
            draft: false,
            ci: CiState::Passing,
            failed_checks: Vec::new(),
            review: ReviewDecision::ReviewRequired,
            mergeable: Mergeability::Mergeable,
            unresolved_threads: 0,
            additions: 1,
            deletions: 1,
            checked_at: at(-1),
        }),
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// `record` with CI in `ci`; failing means the check `test`.
fn with_ci(mut record: SessionRecord, ci: CiState) -> SessionRecord {
    let info = record.pr_info.as_mut().unwrap();
    info.ci = ci;
    info.failed_checks =
        if ci == CiState::Failing { vec![FailedCheck { name: "test".into(), url: None }] } else { Vec::new() };
    record.lifecycle.pr.reason = if ci == CiState::Failing { PrReason::CiFailing } else { PrReason::InProgress };
    record
}

#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<String>>,
    fail_with: Mutex<Option<String>>,
}

impl AgentSender for Recorder {
    fn send_to_agent<'a>(&'a self, _session: &'a SessionId, message: &'a str) -> PortFuture<'a, Result<(), String>> {
        let failure = self.fail_with.lock().unwrap().clone();
        if failure.is_none() {
            self.sent.lock().unwrap().push(message.to_owned());
        }
        Box::pin(async move { failure.map_or(Ok(()), Err) })
    }
}

struct Facts;

impl PrFactSource for Facts {
    fn failed_check_logs<'a>(
        &'a self,
        _session: &'a SessionRecord,
        _pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<CheckLog>, FactsError>> {
        let log = CheckLog { name: "test".into(), url: None, excerpt: Ok("assertion failed: left == right".into()) };
        Box::pin(async move { Ok(vec![log]) })
    }

    fn review_comments<'a>(
        &'a self,
        _session: &'a SessionRecord,
        _pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<ReviewComment>, FactsError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

struct Setup {
    _tmp: tempfile::TempDir,
    store: Store,
    sender: Arc<Recorder>,
}

impl Setup {
    fn new(record: &SessionRecord) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(GroveHome::at(tmp.path()));
        store.create(record).unwrap();
        Self { _tmp: tmp, store, sender: Arc::default() }
    }

    fn reactor(&self, config: Config) -> Reactor {
        Reactor::new(self.store.clone(), Arc::new(config), Arc::clone(&self.sender) as _, Arc::new(Facts))
    }

    fn log(&self, id: &str) -> Vec<ReactionEntry> {
        self.store.load(&project(), &SessionId::new(id).unwrap()).unwrap().reactions
    }
}

fn view(record: SessionRecord) -> SessionView {
    SessionView::stored(record)
}

fn outcomes(log: &[ReactionEntry]) -> Vec<(ReactionKey, ReactionOutcome, u32)> {
    log.iter().map(|e| (e.key, e.outcome, e.attempt)).collect()
}

#[tokio::test]
async fn ci_failures_are_sent_then_escalated_and_logged_in_order() {
    let base = record("api-1");
    let setup = Setup::new(&base);
    let reactor = setup.reactor(Config::default());
    let failing = view(with_ci(base.clone(), CiState::Failing));
    let pending = view(with_ci(base, CiState::Pending));

    let first = reactor.observe(&failing, at(0)).await;
    assert_eq!(first.len(), 1, "{first:?}");
    let message = first[0].message.as_deref().unwrap();
    assert!(message.contains("CI is failing on PR #12") && message.contains("assertion failed"), "{message}");
    assert!(reactor.observe(&failing, at(1)).await.is_empty(), "staying failing sends nothing");
    assert!(reactor.observe(&pending, at(2)).await.is_empty());
    assert_eq!(reactor.observe(&failing, at(3)).await[0].entry.attempt, 2);
    assert!(reactor.observe(&pending, at(4)).await.is_empty());
    let third = reactor.observe(&failing, at(5)).await;
    let note = third[0].notification.as_ref().expect("the third failure notifies");
    assert_eq!((note.priority, note.signal), (Priority::Warning, Some(Signal::CiFailing)));
    assert!(note.title.contains("api-1 needs you"), "{note:?}");

    assert_eq!(setup.sender.sent.lock().unwrap().len(), 2, "two sends, then the user");
    let ci = ReactionKey::CiFailed;
    assert_eq!(
        outcomes(&setup.log("api-1")),
        [
            (ci, ReactionOutcome::SentToAgent, 1),
            (ci, ReactionOutcome::SentToAgent, 2),
            (ci, ReactionOutcome::Escalated, 3)
        ]
    );
}

#[tokio::test]
async fn a_failed_send_is_logged_with_its_error_and_counts() {
    let failing = with_ci(record("api-1"), CiState::Failing);
    let setup = Setup::new(&failing);
    *setup.sender.fail_with.lock().unwrap() = Some("tmux: no server".into());
    let reactor = setup.reactor(Config::default());
    let done = reactor.observe(&view(failing.clone()), at(0)).await;
    assert_eq!(done[0].entry.outcome, ReactionOutcome::Failed);
    assert!(done[0].entry.detail.contains("tmux: no server"), "{:?}", done[0].entry);

    *setup.sender.fail_with.lock().unwrap() = None;
    let retried = reactor.observe(&view(failing), at(1)).await;
    assert_eq!((retried[0].entry.outcome, retried[0].entry.attempt), (ReactionOutcome::SentToAgent, 2));
}

#[tokio::test]
async fn a_new_reactor_rebuilds_from_the_log_and_does_not_repeat() {
    let failing = with_ci(record("api-1"), CiState::Failing);
    let setup = Setup::new(&failing);
    setup.reactor(Config::default()).observe(&view(failing.clone()), at(0)).await;

    let restarted = setup.reactor(Config::default());
    let on_disk = setup.store.load(&project(), &failing.id).unwrap();
    assert!(restarted.observe(&view(on_disk.clone()), at(1)).await.is_empty(), "no second send after a restart");
    assert_eq!(setup.sender.sent.lock().unwrap().len(), 1);
    restarted.observe(&view(with_ci(on_disk.clone(), CiState::Passing)), at(2)).await;
    let again = restarted.observe(&view(on_disk), at(3)).await;
    assert_eq!(again[0].entry.attempt, 2, "the attempt count survives the restart");
}

#[tokio::test]
async fn the_log_keeps_only_the_newest_entries() {
    let mut failing = with_ci(record("api-1"), CiState::Failing);
    failing.reactions = (1..=u32::try_from(REACTION_LOG_LIMIT).unwrap())
        .map(|n| ReactionEntry {
            key: ReactionKey::AgentNeedsInput,
            at: at(-10),
            outcome: ReactionOutcome::Notified,
            attempt: n,
            detail: String::new(),
        })
        .collect();
    let setup = Setup::new(&failing);
    setup.reactor(Config::default()).observe(&view(failing), at(0)).await;
    let log = setup.log("api-1");
    assert_eq!(log.len(), REACTION_LOG_LIMIT);
    assert_eq!(log[0].attempt, 2, "the oldest entry was dropped");
    assert_eq!(log.last().unwrap().key, ReactionKey::CiFailed);
}

#[tokio::test]
async fn ended_sessions_are_left_alone() {
    let mut ended = with_ci(record("api-1"), CiState::Failing);
    ended.lifecycle.session.state = SessionState::Terminated;
    ended.lifecycle.session.reason = SessionReason::ManuallyKilled;
    let setup = Setup::new(&ended);
    assert!(setup.reactor(Config::default()).observe(&view(ended), at(0)).await.is_empty());
    assert!(setup.sender.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_notify_action_with_a_custom_message_notifies_with_that_text() {
    let failing = with_ci(record("api-1"), CiState::Failing);
    let setup = Setup::new(&failing);
    let over = ReactionOverride {
        action: Some(ReactionAction::Notify),
        message: Some("CI broke, have a look".into()),
        priority: Some(Priority::Urgent),
        ..Default::default()
    };
    let done = setup.reactor(config_with(ReactionKey::CiFailed, over)).observe(&view(failing), at(0)).await;
    let note = done[0].notification.as_ref().unwrap();
    assert_eq!((note.body.as_str(), note.priority), ("CI broke, have a look", Priority::Urgent));
    assert!(setup.sender.sent.lock().unwrap().is_empty(), "notify never sends");
}

/// A config with project `api` whose `key` reaction has `over`.
fn config_with(key: ReactionKey, over: ReactionOverride) -> Config {
    let mut config = Config::default();
    config.projects.insert(
        project(),
        Project {
            id: project(),
            name: "api".into(),
            path: "/r/api".into(),
            repo: None,
            default_branch: "trunk".into(),
            session_prefix: "api".into(),
            agent: "claude-code".into(),
            runtime: Runtime::Tmux,
            post_create: Vec::new(),
            agent_rules_file: None,
            mute_notifications: false,
            land: crate::config::LandMethod::Squash,
            after_land: crate::config::AfterLand::Keep,
            reactions: BTreeMap::from([(key, over)]),
            declared_in: "/r/config.toml".into(),
            local_file: None,
        },
    );
    config
}

#[test]
fn handles_means_an_enabled_send_to_agent_reaction_of_that_project() {
    let defaults = Config::default();
    let p = project();
    let table = [
        (Signal::CiFailing, true),
        (Signal::ChangesRequested, true),
        (Signal::MergeConflicts, true),
        (Signal::NeedsYou, false),
        (Signal::MergeReady, false),
    ];
    for (signal, expected) in table {
        assert_eq!(super::super::handles(&defaults, &p, signal), expected, "defaults: {signal:?}");
    }
    let off = config_with(ReactionKey::CiFailed, ReactionOverride { enabled: Some(false), ..Default::default() });
    assert!(!super::super::handles(&off, &p, Signal::CiFailing), "disabled in the project");
    assert!(super::super::handles(&off, &ProjectId::new("web").unwrap(), Signal::CiFailing), "other projects keep it");
    let notify = config_with(
        ReactionKey::CiFailed,
        ReactionOverride { action: Some(ReactionAction::Notify), ..Default::default() },
    );
    assert!(!super::super::handles(&notify, &p, Signal::CiFailing), "a notify reaction leaves it to the policy");
}

#[test]
fn conditions_come_from_the_view() {
    let ten_min = Duration::from_secs(600);
    let stuck = |activity, last_min| {
        let live =
            LiveFields { activity: Some(activity), last_activity_at: Some(at(last_min)), ..LiveFields::default() };
        let v = SessionView { live, ..view(record("api-1")) };
        conditions_of(&v, ten_min, at(20)).holding.get(&ReactionKey::AgentStuck).map(|h| h.mark)
    };
    assert_eq!(
        stuck(Activity::Active, 10),
        Some(Some(at(10))),
        "active and quiet for 10 min: stuck at its last activity"
    );
    assert_eq!(stuck(Activity::Active, 11), None, "quiet for 9 min only");
    assert_eq!(stuck(Activity::Ready, 0), None, "a ready agent is waiting, not stuck");

    let mut ready = record("api-1");
    ready.lifecycle.pr.reason = PrReason::MergeReady;
    let green = |ci| conditions_of(&view(with_ci_only(ready.clone(), ci)), ten_min, at(0));
    assert!(green(CiState::Passing).holding.contains_key(&ReactionKey::ApprovedAndGreen));
    assert!(!green(CiState::Pending).holding.contains_key(&ReactionKey::ApprovedAndGreen), "checks still running");
    let failing = conditions_of(&view(with_ci(record("api-1"), CiState::Failing)), ten_min, at(0));
    assert_eq!(failing.holding.keys().collect::<Vec<_>>(), [&ReactionKey::CiFailed]);
    assert_eq!(failing.pr, Some(12));
}

/// `record` with only the PR info's CI changed (the lifecycle kept).
fn with_ci_only(mut record: SessionRecord, ci: CiState) -> SessionRecord {
    record.pr_info.as_mut().unwrap().ci = ci;
    record
}

#[test]
fn texts_quote_the_facts_and_fit_the_message_limit() {
    let failing = with_ci(record("api-1"), CiState::Failing);
    let pr = PrRef { info: failing.pr_info.as_ref(), number: Some(12) };
    let logs = Ok(vec![
        CheckLog { name: "lint".into(), url: Some("https://ci/1".into()), excerpt: Ok("warning: x".into()) },
        CheckLog { name: "e2e".into(), url: None, excerpt: Err("not a GitHub Actions check".into()) },
    ]);
    let custom = text::ci_failed(Some("Fix the build, please."), pr, &logs);
    assert!(
        custom.text.starts_with("Fix the build, please.") && !custom.text.contains("CI is failing"),
        "{}",
        custom.text
    );
    assert!(custom.text.contains("--- lint (https://ci/1) ---\nwarning: x"), "checks still appended: {}", custom.text);
    assert!(custom.text.contains("--- e2e ---\n(no log: not a GitHub Actions check)"), "{}", custom.text);
    assert_eq!(custom.summary, "2 failing checks (lint, e2e)");

    let unread = text::ci_failed(None, pr, &Err(FactsError("gh: not logged in".into())));
    assert!(
        unread.text.contains("Failing checks: test") && unread.text.contains("gh: not logged in"),
        "{}",
        unread.text
    );

    let huge: Vec<CheckLog> = (0..20)
        .map(|i| CheckLog { name: format!("check-{i}"), url: None, excerpt: Ok("x".repeat(80).repeat(100)) })
        .collect();
    let long = text::ci_failed(None, pr, &Ok(huge));
    assert!(long.text.chars().count() <= MAX_MESSAGE_CHARS, "the message must never be refused for its length");

    let comments = Ok(vec![
        ReviewComment {
            author: "alice".into(),
            path: "src/lib.rs".into(),
            line: Some(42),
            body: "Rename this.\nIt is unclear.".into(),
            url: None,
        },
        ReviewComment { author: "bob".into(), path: String::new(), line: None, body: "Add a test.".into(), url: None },
    ]);
    let review = text::changes_requested(None, pr, &comments);
    assert!(review.text.contains("- alice on src/lib.rs:42: Rename this.\n  It is unclear."), "{}", review.text);
    assert!(review.text.contains("- bob on the PR: Add a test."), "{}", review.text);
    assert_eq!(review.summary, "2 review comments");
    let conflicts = text::merge_conflicts(None, pr, "trunk");
    assert!(conflicts.text.contains("origin/trunk"), "{}", conflicts.text);
}

#[test]
fn the_reactor_can_be_shared_and_observing_spawned() {
    fn shared<T: Send + Sync>() {}
    fn spawnable<T: Send>(_: &T) {}
    shared::<Reactor>();
    let base = record("api-1");
    let setup = Setup::new(&base);
    let reactor = setup.reactor(Config::default());
    let view = view(base);
    spawnable(&reactor.observe(&view, at(0)));
}
