//! SPEC K5 / F6: landing through GitHub against the fake `gh`: push, create the PR, merge it
//! only when mergeable; otherwise the reason, and no merge call.

use std::path::Path;

use grove_engine::config::AfterLand;
use grove_engine::land::{LandOptions, LandRefusal};
use grove_engine::ops::Ops;
use grove_engine::scm::Gh;
use grove_engine::session::{LandedBy, SessionReason};
use serde_json::json;

use super::support::{COMMITS_ONE, Fixture, fake_gh, fixture, git, refusal, session_with, stored, within};

/// A fixture with a bare `origin` and operations running the fake gh with `state`.
fn github(state: serde_json::Value) -> (Fixture, Ops, std::path::PathBuf) {
    let fx = fixture(AfterLand::Keep);
    let origin = fx.tmp.path().join("origin.git");
    git(fx.tmp.path(), &["init", "-q", "--bare", origin.to_str().unwrap()]);
    git(&fx.repo, &["remote", "add", "origin", origin.to_str().unwrap()]);
    let state_file = fx.tmp.path().join("gh-state.json");
    std::fs::write(&state_file, state.to_string()).unwrap();
    let log = fx.tmp.path().join("gh-log.jsonl");
    let gh = Gh::new().with_program(fake_gh()).with_env("FAKE_GH_STATE", &state_file).with_env("FAKE_GH_LOG", &log);
    let ops = fx.ops().with_gh(gh);
    (fx, ops, log)
}

fn calls(log: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn pr() -> LandOptions {
    LandOptions { pr: true, ..LandOptions::default() }
}

#[tokio::test]
async fn k5_creates_the_pr_then_merges_it_when_mergeable() {
    let (fx, ops, log) = github(json!({"pr": {"exists": false, "view": "mergeable"}}));
    let record = session_with(&fx, &ops, "Ship the cache\nBody text", COMMITS_ONE).await;
    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert!(check.pr.can_create && !check.pr.can_merge, "{:?}", check.pr);

    let out = within("land", ops.land(&record.id, pr())).await.expect("landed through the PR");
    assert_eq!(out.pr_url.as_deref(), Some("https://github.com/acme/app/pull/45"));
    let calls = calls(&log);
    let create = calls.iter().find(|c| c[..2] == ["pr", "create"]).expect("gh pr create was called");
    let title = create.iter().position(|w| w == "--title").map(|i| create[i + 1].clone());
    assert_eq!(title.as_deref(), Some("Ship the cache"), "{create:?}");
    let body = create.iter().position(|w| w == "--body").map(|i| create[i + 1].clone()).unwrap();
    assert!(body.contains("- Add alpha"), "the body lists the commits: {body}");
    let merge = calls.iter().find(|c| c[..2] == ["pr", "merge"]).expect("gh pr merge was called");
    assert_eq!(merge[2..4], ["45", "--squash"], "{merge:?}");
    assert!(
        git(fx.tmp.path(), &["--git-dir", "origin.git", "branch", "--list", &record.branch]).contains(&record.branch),
        "pushed"
    );
    let after = stored(&fx, &ops, &record);
    assert_eq!(after.lifecycle.session.reason, SessionReason::Landed);
    assert_eq!(after.landing.map(|l| l.method), Some(LandedBy::Pr));
}

#[tokio::test]
async fn f6_a_pr_that_is_not_mergeable_is_refused_with_the_reason_and_never_merged() {
    for (view, reason) in [
        ("checks_failing", "checks failing: test"),
        ("review_required", "a review is required"),
        ("conflicting", "the PR conflicts with its base branch"),
        ("behind", "the PR is behind its base branch"),
    ] {
        let (fx, ops, log) = github(json!({"pr": {"exists": true, "view": view}}));
        let record = session_with(&fx, &ops, "Not yet", COMMITS_ONE).await;
        let check = within("check", ops.land_check(&record.id)).await.expect("check");
        assert_eq!((check.pr.can_merge, check.pr.why.as_deref()), (false, Some(reason)), "{view}");
        let err = within("land", ops.land(&record.id, pr())).await.expect_err("not mergeable");
        assert_eq!(
            refusal(&err),
            &LandRefusal::PrNotMergeable { url: "https://github.com/acme/app/pull/45".into(), reason: reason.into() },
            "{view}"
        );
        assert!(!calls(&log).iter().any(|c| c[..2] == ["pr", "merge"] || c[..2] == ["pr", "create"]), "{view}");
        assert_ne!(stored(&fx, &ops, &record).lifecycle.session.reason, SessionReason::Landed, "{view}");
    }
}
