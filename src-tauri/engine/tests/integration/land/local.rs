//! SPEC K4: landing locally with squash, merge and rebase; conflicts, a dirty base checkout and
//! uncommitted work refused with nothing touched.

use grove_engine::config::{AfterLand, LandMethod};
use grove_engine::land::{LandOptions, LandRefusal};
use grove_engine::session::{LandCleanup, LandedBy, SessionReason, SessionState};

use super::support::{commit, fixture, git, refusal, rev, session_with, snapshot, stored, within};

const COMMITS: &[(&str, &str, &str)] = &[("src/a.txt", "alpha\n", "Add alpha"), ("src/b.txt", "beta\n", "Add beta")];

fn with(method: LandMethod) -> LandOptions {
    LandOptions { method: Some(method), ..LandOptions::default() }
}

#[tokio::test]
async fn k4_squash_lands_one_commit_on_base_and_the_checkout_matches() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Teach the parser alpha and beta\nmore words", COMMITS).await;
    commit(&fx.repo, "other.txt", "meanwhile\n", "Meanwhile on main");
    let old = rev(&fx.repo, "main");

    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert_eq!((check.ahead, check.behind, check.can_land), (2, 1, true), "{check:?}");
    assert!(check.conflicts.is_empty() && check.blockers.is_empty(), "{check:?}");

    let out = within("land", ops.land(&record.id, with(LandMethod::Squash))).await.expect("land");
    assert_eq!(out.commit, rev(&fx.repo, "main"), "the outcome names the new tip");
    assert_eq!(rev(&fx.repo, "main^"), old, "one new commit on the old tip");
    assert_eq!(git(&fx.repo, &["rev-list", "--count", "--parents", "-1", "main"]).split(' ').count(), 1);
    let message = git(&fx.repo, &["log", "-1", "--format=%B", "main"]);
    assert!(message.starts_with("Teach the parser alpha and beta\n"), "{message}");
    assert!(message.contains("* Add alpha") && message.contains("* Add beta"), "{message}");
    assert_eq!(git(&fx.repo, &["status", "--porcelain"]), "", "the base checkout shows no change either way");
    assert_eq!(std::fs::read_to_string(fx.repo.join("src/b.txt")).unwrap(), "beta\n", "its files follow");

    let after = stored(&fx, &ops, &record);
    assert_eq!(
        (after.lifecycle.session.state, after.lifecycle.session.reason),
        (SessionState::Done, SessionReason::Landed)
    );
    let landing = after.landing.expect("landing recorded");
    assert_eq!(
        (landing.method, landing.cleanup, landing.commit.as_str()),
        (LandedBy::Squash, LandCleanup::Kept, out.commit.as_str())
    );

    let again = within("land", ops.land(&record.id, with(LandMethod::Squash))).await.expect_err("landed twice");
    assert_eq!(refusal(&again), &LandRefusal::AlreadyLanded);
}

#[tokio::test]
async fn k4_merge_makes_a_merge_commit_of_base_and_branch() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Merge me", COMMITS).await;
    commit(&fx.repo, "other.txt", "meanwhile\n", "Meanwhile on main");
    let (old, tip) = (rev(&fx.repo, "main"), rev(&fx.repo, &record.branch));
    within("land", ops.land(&record.id, with(LandMethod::Merge))).await.expect("land");
    assert_eq!(git(&fx.repo, &["show", "-s", "--format=%P", "main"]), format!("{old} {tip}"));
    assert_eq!(git(&fx.repo, &["status", "--porcelain"]), "");
    assert!(fx.repo.join("src/a.txt").exists() && fx.repo.join("other.txt").exists());
}

#[tokio::test]
async fn k4_rebase_replays_each_commit_and_fast_forwards_base() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Rebase me", COMMITS).await;
    commit(&fx.repo, "other.txt", "meanwhile\n", "Meanwhile on main");
    let old = rev(&fx.repo, "main");
    let worktree_head = rev(&record.worktree, "HEAD");
    within("land", ops.land(&record.id, with(LandMethod::Rebase))).await.expect("land");
    assert_eq!(git(&fx.repo, &["log", "--format=%s", "-3", "main"]), "Add beta\nAdd alpha\nMeanwhile on main");
    assert_eq!(rev(&fx.repo, "main~2"), old, "replayed on the old tip");
    assert_eq!(git(&fx.repo, &["rev-list", "--merges", "--count", "main"]), "0", "linear history");
    assert_eq!(git(&fx.repo, &["status", "--porcelain"]), "");
    assert_eq!(rev(&record.worktree, "HEAD"), worktree_head, "the session's worktree is not touched");
    assert_eq!(git(&record.worktree, &["status", "--porcelain"]), "");
}

#[tokio::test]
async fn k4_a_conflicting_branch_is_listed_and_nothing_is_touched() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Conflict", &[("README.md", "theirs\n", "Change README")]).await;
    commit(&fx.repo, "README.md", "ours\n", "Change README on main");
    let before = snapshot(&fx, &record);
    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert_eq!(check.conflicts, ["README.md"]);
    assert!(!check.can_land && check.blockers.iter().any(|b| b.code == "conflicts"), "{check:?}");
    for method in LandMethod::ALL {
        let err = within("land", ops.land(&record.id, with(*method))).await.expect_err("conflicts refuse");
        assert_eq!(refusal(&err), &LandRefusal::Conflicts { base: "main".into(), files: vec!["README.md".into()] });
        assert_eq!(snapshot(&fx, &record), before, "{method}: a ref or a worktree changed");
    }
    assert!(err_text(&ops, &record.id).await.contains("\nREADME.md"), "the message lists each file on a line");
}

async fn err_text(ops: &grove_engine::ops::Ops, id: &grove_engine::ids::SessionId) -> String {
    ops.land(id, LandOptions::default()).await.expect_err("refused").to_string()
}

#[tokio::test]
async fn k4_a_dirty_base_checkout_is_refused_and_nothing_is_touched() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Dirty base", COMMITS).await;
    std::fs::write(fx.repo.join("README.md"), "edited, not committed\n").unwrap();
    let before = snapshot(&fx, &record);
    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert!(check.base_dirty && !check.can_land, "{check:?}");
    let err = within("land", ops.land(&record.id, LandOptions::default())).await.expect_err("dirty base");
    assert!(matches!(refusal(&err), LandRefusal::BaseDirty { entries: 1, .. }), "{err}");
    assert_eq!(snapshot(&fx, &record), before);
    assert_eq!(std::fs::read_to_string(fx.repo.join("README.md")).unwrap(), "edited, not committed\n");
}

#[tokio::test]
async fn k4_uncommitted_work_is_refused_unless_committed_on_request() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Uncommitted", COMMITS).await;
    std::fs::write(record.worktree.join("notes.txt"), "untracked\n").unwrap();
    let before = snapshot(&fx, &record);
    let err = within("land", ops.land(&record.id, LandOptions::default())).await.expect_err("uncommitted");
    assert_eq!(refusal(&err), &LandRefusal::Uncommitted { entries: 1 });
    assert_eq!(snapshot(&fx, &record), before);

    let options = LandOptions { commit_uncommitted: true, ..LandOptions::default() };
    within("land", ops.land(&record.id, options)).await.expect("land with commit");
    assert_eq!(std::fs::read_to_string(fx.repo.join("notes.txt")).unwrap(), "untracked\n", "the untracked file landed");
    assert_eq!(git(&record.worktree, &["status", "--porcelain"]), "");
}

#[tokio::test]
async fn k4_nothing_to_land_is_refused() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Nothing", &[]).await;
    let err = within("land", ops.land(&record.id, LandOptions::default())).await.expect_err("nothing");
    assert_eq!(refusal(&err), &LandRefusal::NothingToLand { base: "main".into() });
}

#[tokio::test]
async fn k4_a_checkout_that_cannot_follow_puts_the_base_branch_back() {
    // An untracked file in the base checkout where the landed commit adds one: the fast-forward
    // of the checkout refuses, and the base branch is swapped back (interrupt-safe, SPEC K4).
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Collide", COMMITS).await;
    std::fs::create_dir_all(fx.repo.join("src")).unwrap();
    std::fs::write(fx.repo.join("src/a.txt"), "mine, untracked\n").unwrap();
    let before = snapshot(&fx, &record);
    let err = within("land", ops.land(&record.id, LandOptions::default())).await.expect_err("cannot follow");
    assert!(err.to_string().contains("was put back"), "{err}");
    assert_eq!(snapshot(&fx, &record), before, "the base ref and both checkouts are as they were");
    assert_eq!(std::fs::read_to_string(fx.repo.join("src/a.txt")).unwrap(), "mine, untracked\n");
    assert_ne!(stored(&fx, &ops, &record).lifecycle.session.reason, SessionReason::Landed);
}

#[tokio::test]
async fn k4_a_rebase_that_conflicts_on_one_commit_is_refused_and_nothing_is_touched() {
    // The branch's whole change merges cleanly (its second commit undoes the first), but
    // replaying its first commit on the new base conflicts: the replay stops, base untouched.
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let commits = [
        ("README.md", "theirs\n", "Change README"),
        ("README.md", "hello\n", "Undo README"),
        ("c.txt", "c\n", "Add c"),
    ];
    let record = session_with(&fx, &ops, "Replay conflict", &commits).await;
    commit(&fx.repo, "README.md", "ours\n", "Change README on main");
    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert!(check.conflicts.is_empty(), "the whole change merges: {check:?}");
    let before = snapshot(&fx, &record);
    let err = within("land", ops.land(&record.id, with(LandMethod::Rebase))).await.expect_err("replay conflicts");
    assert_eq!(refusal(&err), &LandRefusal::Conflicts { base: "main".into(), files: vec!["README.md".into()] });
    assert_eq!(snapshot(&fx, &record), before);
    within("land", ops.land(&record.id, with(LandMethod::Squash))).await.expect("a squash of the same branch lands");
}
