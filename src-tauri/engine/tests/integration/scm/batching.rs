//! The cost of a pass: one `gh` call per repository per 50 branches, whatever the number of
//! sessions; nothing for sessions that cannot have a PR to read.

use grove_engine::ids::ProjectId;
use grove_engine::scm::ScmProject;
use grove_engine::session::{PrState, SessionState};

use super::support::{Bench, git_repo, session};

/// The branch variables (`bN=<branch>`) of one call, in order.
fn branch_vars(call: &[String]) -> Vec<String> {
    let vars = call.iter().filter(|w| w.starts_with('b') && w.contains('='));
    vars.filter(|w| w[1..w.find('=').unwrap()].chars().all(|c| c.is_ascii_digit())).cloned().collect()
}

#[tokio::test]
async fn thirty_sessions_cost_one_call_per_pass() {
    let bench = Bench::new();
    for i in 1..=30 {
        bench.add_session(&format!("app-{i}"), &format!("session/app-{i}"));
    }
    let mut poller = bench.poller();
    let first = poller.pass(&bench.projects()).await;
    assert_eq!((first.gh_calls, first.sessions, first.updated), (1, 30, 30));
    assert_eq!(bench.calls(), 1, "30 sessions in one repository must cost one call, not 30");
    let second = poller.pass(&bench.projects()).await;
    assert_eq!((second.gh_calls, bench.calls()), (1, 2), "and one more per pass");
    for i in 1..=30 {
        assert_eq!(bench.record(&format!("app-{i}")).lifecycle.pr.state, PrState::Open, "app-{i}");
    }
    let call = &bench.call_log()[0];
    assert_eq!(&call[..2], ["api", "graphql"]);
    assert!(call.contains(&"owner=acme".to_owned()) && call.contains(&"name=app".to_owned()), "{call:?}");
    assert_eq!(branch_vars(call).len(), 30);
}

#[tokio::test]
async fn sixty_sessions_cost_two_calls_of_fifty_and_ten_branches() {
    let bench = Bench::new();
    for i in 1..=60 {
        bench.add_session(&format!("app-{i}"), &format!("session/app-{i:02}"));
    }
    let report = bench.poller().pass(&bench.projects()).await;
    assert_eq!((report.problem, report.gh_calls, report.updated), (None, 2, 60));
    let calls = bench.call_log();
    let sizes: Vec<usize> = calls.iter().map(|c| branch_vars(c).len()).collect();
    assert_eq!(sizes, [50, 10]);
    assert_eq!(branch_vars(&calls[1])[0], "b0=session/app-51", "each call numbers its aliases from b0");
}

#[tokio::test]
async fn sessions_sharing_a_branch_or_a_repository_share_the_call() {
    let bench = Bench::new();
    // A second project on a clone of the same GitHub repository (ssh remote this time).
    let other = ProjectId::new("app-clone").unwrap();
    let clone = bench.tmp.path().join("clone");
    git_repo(&clone, "git@github.com:acme/app.git");
    let mut projects = bench.projects();
    projects.push(ScmProject { id: other.clone(), path: clone, repo: None });
    bench.add_session("app-1", "session/shared");
    bench.add_session("app-2", "session/shared");
    bench.add_session_in(&other, "clone-1", "session/clone-1");

    let report = bench.poller().pass(&projects).await;
    assert_eq!((report.gh_calls, report.sessions, report.updated), (1, 3, 3));
    assert_eq!(branch_vars(&bench.call_log()[0]), ["b0=session/clone-1", "b1=session/shared"]);
    let clone = bench.store.load(&other, &session("clone-1")).unwrap();
    assert_eq!(clone.lifecycle.pr.number, Some(42));
}

#[tokio::test]
async fn ended_sessions_and_projects_off_github_cost_nothing() {
    let bench = Bench::new();
    let mut done = super::support::live_record(&bench.project, "app-1", "session/app-1");
    done.lifecycle.session.state = SessionState::Done;
    bench.store.create(&done).unwrap();
    bench.add_session("app-2", "");

    let gitlab = ProjectId::new("lab").unwrap();
    let lab_repo = bench.tmp.path().join("lab");
    git_repo(&lab_repo, "https://gitlab.com/acme/app.git");
    bench.add_session_in(&gitlab, "lab-1", "session/lab-1");
    let unconfigured = ProjectId::new("gone").unwrap();
    bench.add_session_in(&unconfigured, "gone-1", "session/gone-1");

    let mut projects = bench.projects();
    projects.push(ScmProject { id: gitlab, path: lab_repo, repo: None });
    let report = bench.poller().pass(&projects).await;
    assert_eq!((report.gh_calls, report.sessions, report.problem), (0, 0, None));
    assert_eq!(bench.calls(), 0, "done, branchless, non-GitHub and unconfigured sessions need no call");
}

#[tokio::test]
async fn the_configured_repo_wins_over_origin() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    let projects = vec![ScmProject {
        id: bench.project.clone(),
        path: bench.tmp.path().join("no-such-repo"),
        repo: Some("acme-corp/app-mirror".into()),
    }];
    let report = bench.poller().pass(&projects).await;
    assert_eq!((report.gh_calls, report.updated), (1, 1));
    let call = &bench.call_log()[0];
    assert!(call.contains(&"owner=acme-corp".to_owned()) && call.contains(&"name=app-mirror".to_owned()));
}
