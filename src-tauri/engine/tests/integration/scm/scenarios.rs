//! Each recorded PR scenario, mapped into the lifecycle's `pr` part and `pr_info` (SPEC A1, H4),
//! and the PRs a session must not adopt.

use grove_engine::scm::GhError;
use grove_engine::session::{
    CiState, DisplayStatus, Mergeability, PrReason, PrState, ReviewDecision, display_status, is_terminal,
};
use serde_json::json;

use super::support::{Bench, at};

/// What a scenario must produce.
struct Expected {
    scenario: &'static str,
    state: PrState,
    reason: PrReason,
    number: u32,
    ci: CiState,
    review: ReviewDecision,
    mergeable: Mergeability,
    failed: &'static [&'static str],
    unresolved: u32,
    status: DisplayStatus,
}

const EXPECTED: [Expected; 7] = [
    Expected {
        scenario: "open_passing",
        state: PrState::Open,
        reason: PrReason::ReviewPending,
        number: 42,
        ci: CiState::Passing,
        review: ReviewDecision::ReviewRequired,
        mergeable: Mergeability::Mergeable,
        failed: &[],
        unresolved: 0,
        status: DisplayStatus::ReviewPending,
    },
    Expected {
        scenario: "ci_failing",
        state: PrState::Open,
        reason: PrReason::CiFailing,
        number: 43,
        ci: CiState::Failing,
        review: ReviewDecision::ReviewRequired,
        mergeable: Mergeability::Mergeable,
        failed: &["test", "lint"],
        unresolved: 0,
        status: DisplayStatus::CiFailed,
    },
    Expected {
        scenario: "approved_green",
        state: PrState::Open,
        reason: PrReason::MergeReady,
        number: 44,
        ci: CiState::Passing,
        review: ReviewDecision::Approved,
        mergeable: Mergeability::Mergeable,
        failed: &[],
        unresolved: 0,
        status: DisplayStatus::Mergeable,
    },
    Expected {
        scenario: "changes_requested",
        state: PrState::Open,
        reason: PrReason::ChangesRequested,
        number: 45,
        ci: CiState::Passing,
        review: ReviewDecision::ChangesRequested,
        mergeable: Mergeability::Mergeable,
        failed: &[],
        unresolved: 2,
        status: DisplayStatus::ChangesRequested,
    },
    Expected {
        scenario: "merged",
        state: PrState::Merged,
        reason: PrReason::Merged,
        number: 46,
        ci: CiState::Passing,
        review: ReviewDecision::Approved,
        mergeable: Mergeability::Unknown,
        failed: &[],
        unresolved: 0,
        status: DisplayStatus::Merged,
    },
    Expected {
        scenario: "closed",
        state: PrState::Closed,
        reason: PrReason::ClosedUnmerged,
        number: 47,
        ci: CiState::None,
        review: ReviewDecision::None,
        mergeable: Mergeability::Mergeable,
        failed: &[],
        unresolved: 0,
        status: DisplayStatus::Working,
    },
    // Conflicts have no reason of their own: approved stays approved (never merge ready) and
    // pr_info says conflicting.
    Expected {
        scenario: "conflicting",
        state: PrState::Open,
        reason: PrReason::Approved,
        number: 48,
        ci: CiState::Passing,
        review: ReviewDecision::Approved,
        mergeable: Mergeability::Conflicting,
        failed: &[],
        unresolved: 0,
        status: DisplayStatus::Approved,
    },
];

#[tokio::test]
async fn every_scenario_maps_to_its_lifecycle_and_pr_info_in_one_call() {
    let bench = Bench::new();
    let mut branches = serde_json::Map::new();
    for (i, expected) in EXPECTED.iter().enumerate() {
        let branch = format!("session/app-{i}");
        bench.add_session(&format!("app-{i}"), &branch);
        branches.insert(branch, expected.scenario.into());
    }
    bench.add_session("app-none", "session/app-none");
    branches.insert("session/app-none".into(), "no_pr".into());
    bench.set_state(json!({"scenario": "open_passing", "branches": branches}));

    let before = chrono::Utc::now();
    let report = bench.poller().pass(&bench.projects()).await;
    assert_eq!(report.problem, None);
    assert_eq!((report.gh_calls, bench.calls()), (1, 1), "8 sessions of one repository: one call");
    assert_eq!((report.sessions, report.updated), (8, 7), "the session without a PR is not written");

    for (i, e) in EXPECTED.iter().enumerate() {
        let record = bench.record(&format!("app-{i}"));
        let pr = &record.lifecycle.pr;
        let what = e.scenario;
        assert_eq!((pr.state, pr.reason), (e.state, e.reason), "{what}: lifecycle pr part");
        assert_eq!(pr.number, Some(e.number), "{what}");
        assert_eq!(pr.url.as_deref(), Some(format!("https://github.com/acme/app/pull/{}", e.number).as_str()));
        let info = record.pr_info.as_ref().unwrap_or_else(|| panic!("{what}: pr_info must be written"));
        assert_eq!((info.number, info.ci, info.review, info.mergeable), (e.number, e.ci, e.review, e.mergeable));
        let failed: Vec<&str> = info.failed_checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(failed, e.failed, "{what}: failed checks");
        assert_eq!(info.unresolved_threads, e.unresolved, "{what}: unresolved threads");
        assert!(info.checked_at >= before, "{what}: checked_at is when it was read");
        assert_eq!(display_status(&record.lifecycle), e.status, "{what}: the status the dashboard shows");
    }

    let failing = bench.record("app-1").pr_info.unwrap();
    assert_eq!(failing.title, "Add rate limiting to the login endpoint");
    assert_eq!((failing.additions, failing.deletions, failing.draft), (310, 12, false));
    let urls: Vec<Option<&str>> = failing.failed_checks.iter().map(|c| c.url.as_deref()).collect();
    assert_eq!(
        urls,
        [
            Some("https://github.com/acme/app/actions/runs/9001/job/7011"),
            Some("https://github.com/acme/app/actions/runs/9001/job/7012")
        ]
    );
    assert!(bench.record("app-5").pr_info.unwrap().draft, "the closed PR was a draft");

    let none = bench.record("app-none");
    assert_eq!((none.lifecycle.pr.state, none.lifecycle.pr.reason), (PrState::None, PrReason::NotCreated));
    assert_eq!(none.pr_info, None);
}

#[tokio::test]
async fn a_merged_pr_ends_the_session_and_it_is_not_asked_about_again() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    bench.scenario("merged");
    let mut poller = bench.poller();
    let first = poller.pass(&bench.projects()).await;
    assert!(is_terminal(&bench.record("app-1").lifecycle), "a merged PR makes the session terminal (SPEC A3)");
    assert_eq!(first.merged, [super::support::session("app-1")], "the pass names the newly merged session (SPEC K6)");
    let report = poller.pass(&bench.projects()).await;
    assert!(report.merged.is_empty(), "a merge is reported once");
    assert_eq!((report.gh_calls, report.sessions, bench.calls()), (0, 0, 1), "terminal sessions are not queried");
}

#[tokio::test]
async fn an_old_merged_pr_of_a_reused_branch_name_is_not_adopted() {
    let bench = Bench::new();
    let mut record = super::support::live_record(&bench.project, "app-1", "session/app-1");
    record.created_at = at("2025-06-01T00:00:00Z");
    bench.store.create(&record).unwrap();
    bench.scenario("merged");
    let report = bench.poller().pass(&bench.projects()).await;
    assert_eq!((report.gh_calls, report.updated), (1, 0));
    assert_eq!(bench.record("app-1"), record, "a PR merged before the session existed is history, not its PR");

    // The same branch with an open PR (the session pushed to an existing PR's branch) is adopted.
    bench.scenario("open_passing");
    bench.poller().pass(&bench.projects()).await;
    assert_eq!(bench.record("app-1").lifecycle.pr.state, PrState::Open);
}

#[tokio::test]
async fn a_pr_cleared_on_restore_stays_cleared_until_a_new_pr_appears() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    bench.scenario("merged");
    bench.poller().pass(&bench.projects()).await;
    // What restore does (SPEC F4): the session lives again and lets the merged PR go.
    let cleared = bench
        .store
        .update(&bench.project, &super::support::session("app-1"), |r| {
            r.lifecycle.pr.state = PrState::None;
            r.lifecycle.pr.reason = PrReason::ClearedOnRestore;
            r.lifecycle.pr.number = None;
            r.lifecycle.pr.url = None;
        })
        .unwrap();
    let report = bench.poller().pass(&bench.projects()).await;
    assert_eq!((report.gh_calls, report.updated), (1, 0));
    assert_eq!(bench.record("app-1"), cleared, "the PR restore cleared must not come back");

    bench.scenario("ci_failing");
    bench.poller().pass(&bench.projects()).await;
    let pr = bench.record("app-1").lifecycle.pr;
    assert_eq!((pr.state, pr.reason, pr.number), (PrState::Open, PrReason::CiFailing, Some(43)), "a new PR is");
}

#[tokio::test]
async fn branch_names_reach_github_verbatim_as_variables() {
    let bench = Bench::new();
    // A number (which `-F` would turn into an integer), quotes, `$(...)` and a leading `@`
    // (which `-F` would read as a file name).
    let branches = ["123", "fix/it's-\"quoted\"-$(touch pwned)", "@etc/passwd", "feat/a=b"];
    for (i, branch) in branches.iter().enumerate() {
        bench.add_session(&format!("app-{i}"), branch);
    }
    let report = bench.poller().pass(&bench.projects()).await;
    assert_eq!((report.problem, report.updated), (None, 4));
    let call = &bench.call_log()[0];
    for branch in branches {
        let word = call.iter().position(|w| w.ends_with(&format!("={branch}"))).expect("the branch was sent");
        assert_eq!(call[word - 1], "-f", "{branch:?} must go as a raw string field");
        assert!(!call.iter().any(|w| w.starts_with("query=") && w.contains(branch)), "never inside the query");
    }
    assert!(!bench.tmp.path().join("pwned").exists() && !std::path::Path::new("pwned").exists());
}

#[tokio::test]
async fn not_logged_in_and_rate_limits_are_reported_and_stop_the_pass() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    for (scenario, expect) in [
        ("unauthenticated", "not logged in"),
        ("rate_limited", "API rate limit exceeded"),
        ("rate_limited_rest", "(HTTP 403)"),
    ] {
        bench.scenario(scenario);
        let report = bench.poller().pass(&bench.projects()).await;
        let problem = report.problem.unwrap_or_else(|| panic!("{scenario} must be reported"));
        let rate = matches!(problem, GhError::RateLimited { .. });
        assert_eq!(rate, scenario.starts_with("rate"), "{scenario}: {problem:?}");
        assert!(problem.to_string().contains(expect), "{scenario}: {problem}");
        assert_eq!((report.gh_calls, report.updated), (1, 0));
    }
    assert_eq!(bench.record("app-1").pr_info, None, "nothing is written from a failed call");
}
