//! What reactions read through `gh` (SPEC H3): failed checks' logs (one call per failed job,
//! bounded excerpts) and the comments of unresolved review threads (one call), plus the login check.

use grove_engine::scm::{
    ActionsRun, GhError, LOG_EXCERPT_BYTES, RepoSlug, failed_check_logs, failed_run_log, review_comments,
};
use grove_engine::session::FailedCheck;
use serde_json::json;

use super::support::Bench;

fn acme() -> RepoSlug {
    RepoSlug::parse("acme/app").unwrap()
}

/// The failed checks the loop recorded for the `ci_failing` scenario, plus one outside Actions.
async fn recorded_failed_checks(bench: &Bench) -> Vec<FailedCheck> {
    bench.add_session("app-1", "session/app-1");
    bench.scenario("ci_failing");
    bench.poller().pass(&bench.projects()).await;
    bench.record("app-1").pr_info.expect("the loop recorded the PR").failed_checks
}

#[tokio::test]
async fn failed_check_logs_read_each_failed_job_once() {
    let bench = Bench::new();
    let mut checks = recorded_failed_checks(&bench).await;
    checks.push(FailedCheck { name: "ci/external".into(), url: Some("https://ci.example.com/b/1".into()) });
    checks.push(checks[0].clone());
    let calls_before = bench.calls();

    let logs = failed_check_logs(&bench.gh(), &acme(), &checks).await;
    assert_eq!(bench.calls() - calls_before, 2, "one call per distinct job, none for a check outside Actions");
    let names: Vec<&str> = logs.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["test", "lint", "ci/external", "test"]);

    let test = logs[0].excerpt.as_ref().expect("the test job's log");
    assert!(test.contains("assertion `left == right` failed: the query string was dropped"), "{test}");
    assert!(test.ends_with("test\tRun cargo test\t##[error]Process completed with exit code 101."), "{test}");
    assert!(!test.contains("2025-01-02T") && !test.contains('\u{1b}'), "timestamps and colours are dropped: {test}");
    assert!(logs[1].excerpt.as_ref().unwrap().contains("this `if` statement can be collapsed"));
    assert!(logs[2].excerpt.as_ref().unwrap_err().contains("not a GitHub Actions check"));
    assert_eq!(logs[3], logs[0]);

    let call = &bench.call_log()[calls_before];
    assert_eq!(call, &["run", "view", "--job", "7011", "--log-failed", "-R", "acme/app"]);
}

#[tokio::test]
async fn a_large_log_is_cut_to_its_last_four_kilobytes() {
    let bench = Bench::new();
    bench.set_state(json!({"scenario": "open_passing", "log_repeat": 500}));
    let log = failed_run_log(&bench.gh(), &acme(), ActionsRun { run: 9001, job: Some(7011) }).await.unwrap();
    assert!(log.len() <= LOG_EXCERPT_BYTES + "…\n".len(), "{} bytes", log.len());
    assert!(log.starts_with("…\n"), "a cut is marked");
    assert!(log.ends_with("exit code 101."), "the end of the log is kept: {log}");

    let missing = failed_run_log(&bench.gh(), &acme(), ActionsRun { run: 1, job: None }).await.unwrap_err();
    assert!(matches!(&missing, GhError::Failed { message } if message.contains("HTTP 404")), "{missing:?}");
}

#[tokio::test]
async fn review_comments_are_those_of_unresolved_threads_in_one_call() {
    let bench = Bench::new();
    let comments = review_comments(&bench.gh(), &acme(), 45).await.expect("the review threads");
    assert_eq!(bench.calls(), 1);
    let summary: Vec<(&str, &str, Option<u32>)> =
        comments.iter().map(|c| (c.author.as_str(), c.path.as_str(), c.line)).collect();
    assert_eq!(
        summary,
        [
            ("octo-reviewer", "src/auth/middleware.rs", Some(42)),
            ("grove-agent", "src/auth/middleware.rs", Some(42)),
            ("ghost", "src/auth/token.rs", Some(17)),
        ],
        "the resolved thread is left out; an outdated comment keeps its original line"
    );
    assert_eq!(comments[0].body, "This check runs after the handler; it has to run before it.");
    assert_eq!(comments[2].url.as_deref(), Some("https://github.com/acme/app/pull/45#discussion_r1004"));
    let call = &bench.call_log()[0];
    let number = call.iter().position(|w| w == "number=45").expect("the PR number is a variable");
    assert_eq!(call[number - 1], "-F", "an integer variable");

    bench.scenario("rate_limited");
    let limited = review_comments(&bench.gh(), &acme(), 45).await.unwrap_err();
    assert!(matches!(limited, GhError::RateLimited { .. }), "{limited:?}");
}

#[tokio::test]
async fn auth_status_tells_a_logged_in_gh_from_a_logged_out_or_missing_one() {
    let bench = Bench::new();
    assert_eq!(bench.gh().auth_status().await, Ok(()));
    bench.scenario("unauthenticated");
    let error = bench.gh().auth_status().await.unwrap_err();
    assert!(matches!(error, GhError::NotAuthenticated { .. }) && error.to_string().contains("gh auth login"));
    let missing = bench.gh().with_program("/nonexistent/gh").auth_status().await.unwrap_err();
    assert!(matches!(missing, GhError::Missing { .. }) && missing.is_fatal(), "{missing:?}");
}
