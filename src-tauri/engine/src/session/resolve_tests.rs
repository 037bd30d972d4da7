//! The resolver as tables: every lifecycle and activity combination a surface distinguishes, each
//! row citing the SPEC rule it holds.

use super::*;
use crate::probe::agents::{Dialog, DialogKind};
use crate::session::lifecycle::{PrReason, PrState, RuntimeReason, SessionReason, SessionState};
use crate::session::pr_info::{CiState, FailedCheck, Mergeability, PrInfo, ReviewDecision};
use crate::session::test_support::{lifecycle, with_runtime};
use crate::session::{Lifecycle, RuntimeKind, SessionKind};

fn record(lc: Lifecycle) -> SessionRecord {
    SessionRecord {
        version: 1,
        id: crate::ids::SessionId::new("api-7").unwrap(),
        project_id: crate::ids::ProjectId::new("api").unwrap(),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: RuntimeKind::Tmux,
        branch: "session/api-7".into(),
        worktree: "/grove/worktrees/api-7".into(),
        created_at: chrono::DateTime::UNIX_EPOCH,
        display_name: None,
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle: lc,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: Default::default(),
    }
}

fn session(state: SessionState, reason: SessionReason) -> SessionRecord {
    record(lifecycle(state, reason, PrState::None, PrReason::NotCreated))
}

fn pr(reason: PrReason) -> SessionRecord {
    record(lifecycle(SessionState::Working, SessionReason::PrCreated, PrState::Open, reason))
}

fn probed(activity: Activity) -> LiveSigns<'static> {
    LiveSigns { activity: Some(activity), ..LiveSigns::default() }
}

const UNPROBED: LiveSigns<'static> =
    LiveSigns { activity: None, activity_detail: None, agent_error: None, probe_failed: false, dialog: None };

/// (attention, group, state, label, action) of a resolution, for compact tables.
type Row = (AttentionLevel, DashboardGroup, ShownState, &'static str, PrimaryAction);

fn row(r: &Resolved) -> (AttentionLevel, DashboardGroup, ShownState, String, PrimaryAction) {
    (r.attention, r.group, r.state, r.label.clone(), r.action)
}

fn check(what: &str, rec: &SessionRecord, live: LiveSigns<'_>, expected: Row) {
    let r = resolve(rec, live);
    let (a, g, s, l, p) = expected;
    assert_eq!(row(&r), (a, g, s, l.to_owned(), p), "{what}: resolved {r:#?}");
}

#[test]
fn ended_sessions_by_reason() {
    use AttentionLevel as A;
    use DashboardGroup as G;
    use PrimaryAction as P;
    use SessionReason as R;
    use ShownState as S;
    let table: [(&str, SessionReason, Row); 7] = [
        // SPEC A2a: only a kill someone asked for is killed; it is Done and not news.
        ("A2a killed", R::ManuallyKilled, (A::Done, G::Done, S::Done, "killed", P::Restore)),
        // SPEC A2a: a runtime gone or an agent exited on its own is crashed, respond, restorable.
        ("A2a runtime lost", R::RuntimeLost, (A::Respond, G::Respond, S::Crashed, "exited unexpectedly", P::Restore)),
        (
            "A2a agent exited",
            R::AgentProcessExited,
            (A::Respond, G::Respond, S::Crashed, "exited unexpectedly", P::Restore),
        ),
        // SPEC A2a, F5: a stop stays stopped, in its own group, restorable.
        ("A2a stop", R::StoppedForRestore, (A::Done, G::Stopped, S::Stopped, "stopped · restorable", P::Restore)),
        // SPEC A2, A5: errored needs its human.
        ("A5 errored", R::ErrorInProcess, (A::Respond, G::Respond, S::Errored, "errored", P::Restore)),
        ("A2 cleanup", R::AutoCleanup, (A::Done, G::Done, S::Done, "cleaned up", P::Restore)),
        ("A2 terminated", R::ResearchComplete, (A::Done, G::Done, S::Done, "terminated", P::Restore)),
    ];
    for (what, reason, expected) in table {
        let rec = session(SessionState::Terminated, reason);
        // Terminal sessions are never probed; whatever the activity says, the record decides.
        for live in [UNPROBED, probed(Activity::Exited), probed(Activity::Active)] {
            check(what, &rec, live, expected);
        }
        let r = resolve(&rec, UNPROBED);
        assert!(r.ended && r.restorable, "{what}: ended and restorable (A3)");
    }
}

#[test]
fn a_crash_says_how_the_agent_ended() {
    let mut rec = session(SessionState::Terminated, SessionReason::RuntimeLost);
    assert_eq!(resolve(&rec, UNPROBED).reason, "exited unexpectedly", "nothing known of the exit");
    rec.exit = Some(AgentExit {
        status: Some(1),
        signal: None,
        last_lines: vec!["compiling".into(), "Error: out of credits".into(), "   ".into()],
        at: chrono::DateTime::UNIX_EPOCH,
    });
    let r = resolve(&rec, UNPROBED);
    assert_eq!(r.reason, "exited unexpectedly (exit 1): Error: out of credits", "status and last non-blank line");
    rec.exit =
        Some(AgentExit { status: None, signal: Some("SIGSEGV".into()), last_lines: vec![], ..rec.exit.unwrap() });
    assert_eq!(resolve(&rec, UNPROBED).reason, "exited unexpectedly (SIGSEGV)");
}

#[test]
fn a_runtime_gone_under_a_working_record_is_a_crash_not_done() {
    // SPEC A2a, D10: the probe saw the runtime die before the session part caught up. Today's code
    // filed this under Done; it needs its human.
    let lc = lifecycle(SessionState::Working, SessionReason::TaskInProgress, PrState::None, PrReason::NotCreated);
    let rec = record(with_runtime(lc, RuntimeState::Missing, RuntimeReason::TmuxMissing));
    let r = resolve(&rec, UNPROBED);
    assert_eq!(
        (r.attention, r.group, r.state, r.action),
        (AttentionLevel::Respond, DashboardGroup::Respond, ShownState::Crashed, PrimaryAction::Restore)
    );
    // Grove ended the runtime itself (cleanup): ended, not crashed.
    let lc = lifecycle(SessionState::Working, SessionReason::TaskInProgress, PrState::None, PrReason::NotCreated);
    let rec = record(with_runtime(lc, RuntimeState::Exited, RuntimeReason::AutoCleanup));
    check(
        "A3 ended by Grove",
        &rec,
        UNPROBED,
        (AttentionLevel::Done, DashboardGroup::Done, ShownState::Done, "ended", PrimaryAction::Restore),
    );
}

#[test]
fn live_record_states_ignore_activity() {
    use AttentionLevel as A;
    use DashboardGroup as G;
    use PrimaryAction as P;
    use ShownState as S;
    let table: [(&str, SessionState, Row); 4] = [
        ("A2 spawning", SessionState::NotStarted, (A::Working, G::Working, S::Spawning, "spawning", P::None)),
        ("A5 stuck", SessionState::Stuck, (A::Respond, G::Respond, S::NeedsInput, "stuck", P::Answer)),
        ("A5 detecting", SessionState::Detecting, (A::Respond, G::Respond, S::Detecting, "detecting", P::Answer)),
        ("A2 done", SessionState::Done, (A::Done, G::Done, S::Done, "done", P::Restore)),
    ];
    for (what, state, expected) in table {
        check(what, &session(state, SessionReason::TaskInProgress), UNPROBED, expected);
    }
    let needs = session(SessionState::NeedsInput, SessionReason::AwaitingUserInput);
    let expected = (A::Respond, G::Respond, S::NeedsInput, "needs input", P::Answer);
    check("A5 needs input", &needs, UNPROBED, expected);
    check("A5 needs input, blocked probe keeps the record's word", &needs, probed(Activity::Blocked), expected);
}

#[test]
fn activity_of_a_working_session() {
    use AttentionLevel as A;
    use DashboardGroup as G;
    use PrimaryAction as P;
    use ShownState as S;
    let table: [(Option<Activity>, Row); 8] = [
        (Some(Activity::Active), (A::Working, G::Working, S::Working, "working", P::Open)),
        (Some(Activity::Ready), (A::Working, G::Working, S::Idle, "ready", P::Answer)),
        (Some(Activity::Idle), (A::Working, G::Working, S::Idle, "idle", P::Answer)),
        (Some(Activity::WaitingInput), (A::Respond, G::Respond, S::NeedsInput, "needs input", P::Answer)),
        (Some(Activity::Blocked), (A::Respond, G::Respond, S::Blocked, "blocked", P::Answer)),
        // A2a: the agent exited while the record says it runs; restore waits for the record.
        (Some(Activity::Exited), (A::Respond, G::Respond, S::Crashed, "exited unexpectedly", P::Open)),
        (Some(Activity::Unknown), (A::Working, G::Working, S::ProbeFailed, "status unavailable", P::None)),
        // E5: not probed yet is "checking", never "exited" or "unknown".
        (None, (A::Working, G::Working, S::Checking, "checking…", P::None)),
    ];
    assert_eq!(table.len(), Activity::ALL.len() + 1, "every activity and None");
    for state in [SessionState::Working, SessionState::Idle] {
        let rec = session(state, SessionReason::TaskInProgress);
        for (activity, expected) in table {
            let live = LiveSigns { activity, ..LiveSigns::default() };
            check(&format!("A4 {state} / {activity:?}"), &rec, live, expected);
        }
    }
}

#[test]
fn a_failed_probe_is_no_evidence() {
    // SPEC D11, E5: unknown stays unknown; the session keeps its group.
    let rec = session(SessionState::Working, SessionReason::TaskInProgress);
    let live = LiveSigns { probe_failed: true, ..LiveSigns::default() };
    let r = resolve(&rec, live);
    assert_eq!((r.state, r.attention), (ShownState::ProbeFailed, AttentionLevel::Working));
    let lc = with_runtime(rec.lifecycle.clone(), RuntimeState::ProbeFailed, RuntimeReason::ProbeError);
    assert_eq!(resolve(&record(lc), UNPROBED).state, ShownState::ProbeFailed, "runtime probe failed");
}

#[test]
fn waits_and_blocks_say_what_they_are_about() {
    let rec = session(SessionState::Working, SessionReason::TaskInProgress);
    let cases = [
        (Activity::WaitingInput, Some("waiting for permission to run `cargo test`"), None, "permission"),
        (Activity::WaitingInput, Some("asking a question"), None, "question"),
        (Activity::WaitingInput, Some("Should I also note this in CHANGELOG.md?"), None, "question"),
        (Activity::WaitingInput, Some("waiting for approval of its plan"), None, "question"),
        (Activity::WaitingInput, Some("on screen: something"), None, "needs input"),
        (Activity::Blocked, None, Some("rate_limit: You have hit your limit"), "blocked · rate_limit"),
        (Activity::Blocked, None, Some("an_error_kind_far_too_long: x"), "blocked · an_error_kind_f…"),
        (Activity::WaitingInput, Some("an MCP server is asking a question"), None, "question"),
        (Activity::Blocked, None, Some("overloaded"), "blocked · overloaded"),
        (Activity::Blocked, None, Some(": odd"), "blocked · : odd"),
    ];
    for (activity, detail, error, label) in cases {
        let live =
            LiveSigns { activity: Some(activity), activity_detail: detail, agent_error: error, ..LiveSigns::default() };
        let r = resolve(&rec, live);
        assert_eq!(r.label, label, "{activity} {detail:?} {error:?}");
        let reason = detail.or(error).unwrap();
        assert_eq!(r.reason, reason, "the sentence is the agent's own words (H2)");
    }
    for error in [None, Some("  ")] {
        let live = LiveSigns { agent_error: error, ..probed(Activity::Blocked) };
        assert_eq!(resolve(&rec, live).label, "blocked", "no error kind to name: {error:?}");
    }
    let stuck = session(SessionState::Stuck, SessionReason::TaskInProgress);
    let live =
        LiveSigns { activity_detail: Some("waiting for permission to run `ls`"), ..probed(Activity::WaitingInput) };
    assert_eq!(resolve(&stuck, live).label, "stuck", "a stuck record keeps its own word");
}

fn dialog(kind: DialogKind, title: &str) -> Dialog {
    Dialog { kind, title: title.into(), options: Vec::new() }
}

#[test]
fn a_dialog_on_screen_says_what_it_asks() {
    use AttentionLevel as A;
    use DashboardGroup as G;
    use PrimaryAction as P;
    use ShownState as S;
    const HOOK: &str = "waiting for permission to run `cargo test`";
    let hook = Some(HOOK);
    // SPEC I2b: each kind of dialog is a wait for the user, its reason what is asked, its action answer.
    let table: [(&str, Dialog, Option<&str>, &str, &str); 7] = [
        // The hook names the tool; the permission dialog's own title is generic.
        ("permission", dialog(DialogKind::Permission, "Do you want to proceed?"), hook, "permission", HOOK),
        (
            "permission with no hook",
            dialog(DialogKind::Permission, "Would you like to run the following command?"),
            None,
            "permission",
            "Would you like to run the following command?",
        ),
        (
            "question",
            dialog(DialogKind::Question, "Should I also note this in CHANGELOG.md?"),
            None,
            "question",
            "Should I also note this in CHANGELOG.md?",
        ),
        (
            "trust",
            dialog(DialogKind::Trust, "Do you trust the files in this folder?"),
            None,
            "trust",
            "asks to trust this folder",
        ),
        (
            "post-turn",
            dialog(DialogKind::PostTurn, "Make auto mode your default?"),
            None,
            "question",
            "Make auto mode your default?",
        ),
        ("untitled permission", dialog(DialogKind::Permission, "  "), hook, "permission", HOOK),
        ("untitled question", dialog(DialogKind::Question, ""), None, "question", "asks a question"),
    ];
    let working = session(SessionState::Working, SessionReason::TaskInProgress);
    let stuck = session(SessionState::Stuck, SessionReason::TaskInProgress);
    let needs = session(SessionState::NeedsInput, SessionReason::AwaitingUserInput);
    let ci = pr(PrReason::CiFailing);
    for (what, on_screen, detail, label, reason) in &table {
        for (record_says, rec) in
            [("working", &working), ("stuck", &stuck), ("needs input", &needs), ("CI failing", &ci)]
        {
            let live =
                LiveSigns { activity_detail: *detail, dialog: Some(on_screen), ..probed(Activity::WaitingInput) };
            let r = resolve(rec, live);
            let expected = (A::Respond, G::Respond, S::NeedsInput, *label, P::Answer);
            check(&format!("I2b {what} dialog, record {record_says}"), rec, live, expected);
            assert_eq!(r.reason, *reason, "I2b {what} dialog, record {record_says}: the reason is what it asks");
        }
    }
    let long = "why ".repeat(100);
    let live = LiveSigns { dialog: Some(&dialog(DialogKind::Question, &long)), ..probed(Activity::WaitingInput) };
    assert!(resolve(&working, live).reason.chars().count() <= 160, "a paragraph of a title is cut for a notification");
}

#[test]
fn a_dialog_never_outranks_the_record_or_a_mergeable_pr() {
    let on_screen = dialog(DialogKind::PostTurn, "Make auto mode your default?");
    let live = LiveSigns { dialog: Some(&on_screen), ..probed(Activity::WaitingInput) };
    // SPEC A5: merge outranks an agent waiting; the panel still offers the dialog's options.
    let r = resolve(&pr(PrReason::MergeReady), live);
    assert_eq!((r.state, r.action), (ShownState::MergeReady, PrimaryAction::Merge), "A5 merge first: {r:#?}");
    // SPEC A3: an ended session's last screen is not a question to answer.
    let stopped = session(SessionState::Terminated, SessionReason::StoppedForRestore);
    assert_eq!(resolve(&stopped, live).state, ShownState::Stopped, "a stopped session's dialog is a leftover");
    // An exited agent's screen is a leftover too.
    let working = session(SessionState::Working, SessionReason::TaskInProgress);
    let exited = LiveSigns { dialog: Some(&on_screen), ..probed(Activity::Exited) };
    assert_eq!(resolve(&working, exited).state, ShownState::Crashed, "the exit wins over the dialog it left");
}

#[test]
fn pr_states_of_a_working_session() {
    use AttentionLevel as A;
    use DashboardGroup as G;
    use PrimaryAction as P;
    use ShownState as S;
    let table: [(PrReason, Row); 5] = [
        (PrReason::MergeReady, (A::Merge, G::Merge, S::MergeReady, "merge ready", P::Merge)),
        (PrReason::Approved, (A::Merge, G::Merge, S::MergeReady, "approved", P::Merge)),
        (PrReason::CiFailing, (A::Review, G::Review, S::CiFailing, "CI failing", P::Review)),
        (PrReason::ChangesRequested, (A::Review, G::Review, S::ChangesRequested, "changes requested", P::Review)),
        (PrReason::ReviewPending, (A::Pending, G::Pending, S::Pending, "review pending", P::None)),
    ];
    for (reason, expected) in table {
        check(&format!("A5 PR {reason}"), &pr(reason), probed(Activity::Active), expected);
    }
    // A5's order: merge outranks an agent waiting, an agent waiting outranks review.
    assert_eq!(resolve(&pr(PrReason::MergeReady), probed(Activity::WaitingInput)).state, ShownState::MergeReady);
    assert_eq!(resolve(&pr(PrReason::CiFailing), probed(Activity::WaitingInput)).state, ShownState::NeedsInput);
    // A2a: a crash outranks a mergeable PR.
    let mut crashed = pr(PrReason::MergeReady);
    crashed.lifecycle.runtime.state = RuntimeState::Missing;
    crashed.lifecycle.runtime.reason = RuntimeReason::TmuxMissing;
    assert_eq!(resolve(&crashed, UNPROBED).attention, AttentionLevel::Respond);
}

#[test]
fn the_pr_loops_reading_names_checks_and_conflicts() {
    let info = |mergeable| PrInfo {
        number: 12,
        url: "https://example.test/pr/12".into(),
        title: "Fix".into(),
        draft: false,
        ci: CiState::Failing,
        failed_checks: vec![
            FailedCheck { name: "test".into(), url: None },
            FailedCheck { name: "lint".into(), url: None },
        ],
        review: ReviewDecision::ReviewRequired,
        mergeable,
        unresolved_threads: 0,
        additions: 1,
        deletions: 1,
        checked_at: chrono::DateTime::UNIX_EPOCH,
    };
    let mut ci = pr(PrReason::CiFailing);
    ci.pr_info = Some(info(Mergeability::Mergeable));
    assert_eq!(resolve(&ci, probed(Activity::Active)).reason, "CI failing: test, lint");
    let mut conflicts = pr(PrReason::InProgress);
    conflicts.pr_info = Some(info(Mergeability::Conflicting));
    let r = resolve(&conflicts, probed(Activity::Active));
    assert_eq!(
        (r.attention, r.state, r.action),
        (AttentionLevel::Review, ShownState::Conflicts, PrimaryAction::Review)
    );
    conflicts.lifecycle.pr.number = Some(11);
    let r = resolve(&conflicts, probed(Activity::Active));
    assert_eq!(r.attention, AttentionLevel::Working, "a reading of another PR is stale and raises nothing");
}

#[test]
fn merged_sessions_are_done() {
    let merged = record(lifecycle(SessionState::Working, SessionReason::PrCreated, PrState::Merged, PrReason::Merged));
    let r = resolve(&merged, UNPROBED);
    assert_eq!(
        (r.attention, r.group, r.state, r.label.as_str()),
        (AttentionLevel::Done, DashboardGroup::Done, ShownState::Merged, "merged")
    );
}

#[test]
fn wire_shape_is_camel_case() {
    let r = resolve(&session(SessionState::Terminated, SessionReason::RuntimeLost), UNPROBED);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "attention": "respond", "group": "respond", "state": "crashed", "label": "exited unexpectedly",
            "reason": "exited unexpectedly", "action": "restore", "ended": true, "restorable": true
        })
    );
}

#[test]
fn a_landed_session_is_done_and_says_what_the_cleanup_did() {
    // SPEC K6: landed shows in the done group, labelled "landed", the cleanup as its reason.
    use crate::session::{LandCleanup, LandedBy, Landing};
    let mut rec = session(SessionState::Done, SessionReason::Landed);
    let landing = |cleanup, note: Option<&str>| Landing {
        at: chrono::DateTime::UNIX_EPOCH,
        method: LandedBy::Squash,
        base: "main".into(),
        commit: "abc".into(),
        head: None,
        cleanup,
        cleanup_note: note.map(str::to_owned),
        extra: Default::default(),
    };
    rec.landing = Some(landing(LandCleanup::Cleaned, None));
    let r = resolve(&rec, UNPROBED);
    assert_eq!((r.group, r.state, r.label.as_str()), (DashboardGroup::Done, ShownState::Done, "landed"), "{r:#?}");
    assert_eq!(r.reason, "landed · worktree removed");
    assert!(!r.restorable, "a cleaned-up landed session has no worktree to restore in");
    assert_eq!(r.action, PrimaryAction::Open);
    rec.landing = Some(landing(LandCleanup::CleanSkipped, Some("2 uncommitted files")));
    let r = resolve(&rec, UNPROBED);
    assert_eq!((r.group, r.label.as_str()), (DashboardGroup::Done, "landed"));
    assert_eq!(r.reason, "landed · worktree kept: 2 uncommitted files");
    assert!(r.restorable, "its worktree is still there");
    rec.landing = None;
    assert_eq!(resolve(&rec, UNPROBED).label, "landed", "a record without landing still reads landed");
}
