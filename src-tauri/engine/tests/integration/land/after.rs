//! SPEC K6 (after_land keep / stop / clean, never deleting unlanded work), K7 (reclaim), and
//! K4's "Resolve conflicts" message to the agent.

use grove_engine::config::AfterLand;
use grove_engine::land::{LandOptions, LandRefusal};
use grove_engine::session::{LandCleanup, SessionReason};

use super::support::{commit, fixture, refusal, session_with, stored, within};

use super::support::COMMITS_ONE as COMMITS;

#[tokio::test]
async fn k6_keep_leaves_the_agent_and_the_worktree() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Keep", COMMITS).await;
    let out = within("land", ops.land(&record.id, LandOptions::default())).await.expect("land");
    assert_eq!((out.cleanup, out.cleanup_note), (LandCleanup::Kept, None));
    assert!(fx.has_session(&record.id), "the agent still runs");
    assert!(record.worktree.is_dir());
}

#[tokio::test]
async fn k6_stop_stops_the_agent_and_keeps_the_worktree() {
    let fx = fixture(AfterLand::Stop);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Stop", COMMITS).await;
    let out = within("land", ops.land(&record.id, LandOptions::default())).await.expect("land");
    assert_eq!(out.cleanup, LandCleanup::Stopped);
    assert!(!fx.has_session(&record.id), "the agent was stopped");
    assert!(record.worktree.is_dir(), "stop keeps the worktree");
    assert_eq!(stored(&fx, &ops, &record).lifecycle.session.reason, SessionReason::Landed, "still reads landed");
}

#[tokio::test]
async fn k6_clean_removes_a_clean_worktree_and_deletes_the_landed_branch() {
    let fx = fixture(AfterLand::Clean);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Clean", COMMITS).await;
    let out = within("land", ops.land(&record.id, LandOptions::default())).await.expect("land");
    assert_eq!((out.cleanup, out.cleanup_note.as_deref()), (LandCleanup::Cleaned, None));
    assert!(!fx.has_session(&record.id), "the agent was stopped");
    assert!(!record.worktree.exists(), "the clean worktree was removed");
    assert!(!fx.branch_exists(&record.branch), "the squash-landed branch was deleted");
    let after = stored(&fx, &ops, &record);
    assert_eq!(after.landing.map(|l| l.cleanup), Some(LandCleanup::Cleaned));
}

#[tokio::test]
async fn k6_clean_keeps_a_worktree_with_new_uncommitted_work_and_says_why() {
    // A PR merged on GitHub (seen by the PR loop) while the agent left a file uncommitted.
    let fx = fixture(AfterLand::Clean);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Merged elsewhere", COMMITS).await;
    std::fs::write(record.worktree.join("scratch.txt"), "not committed\n").unwrap();
    let landing = within("merged", ops.land_merged_pr(&record.id)).await.expect("landed by PR");
    assert_eq!(landing.cleanup, LandCleanup::CleanSkipped);
    assert_eq!(landing.cleanup_note.as_deref(), Some("1 uncommitted file"));
    assert!(record.worktree.join("scratch.txt").exists(), "nothing unlanded is deleted");
    assert!(fx.branch_exists(&record.branch), "the branch stays with its worktree");
    let resolved = grove_engine::session::resolve(&stored(&fx, &ops, &record), Default::default());
    assert_eq!(resolved.reason, "landed · worktree kept: 1 uncommitted file");
}

#[tokio::test]
async fn k6_clean_keeps_a_branch_with_commits_made_after_landing() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Later commits", COMMITS).await;
    within("land", ops.land(&record.id, LandOptions::default())).await.expect("land");
    commit(&record.worktree, "late.txt", "late\n", "A commit after landing");
    let err = within("reclaim", ops.reclaim(&record.id)).await.expect_err("unlanded commit");
    assert!(matches!(refusal(&err), LandRefusal::WouldLoseWork { what } if what.contains("did not land")), "{err}");
    assert!(record.worktree.join("late.txt").exists());
}

#[tokio::test]
async fn k7_reclaim_removes_a_landed_worktree_keeps_the_record_and_reports_bytes() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Reclaim", COMMITS).await;
    let early = within("reclaim", ops.reclaim(&record.id)).await.expect_err("not landed yet");
    assert_eq!(refusal(&early), &LandRefusal::NotLanded);
    within("land", ops.land(&record.id, LandOptions::default())).await.expect("land");

    std::fs::write(record.worktree.join("dirty.txt"), "x\n").unwrap();
    let dirty = within("reclaim", ops.reclaim(&record.id)).await.expect_err("uncommitted");
    assert!(matches!(refusal(&dirty), LandRefusal::WouldLoseWork { what } if what == "1 uncommitted file"), "{dirty}");
    std::fs::remove_file(record.worktree.join("dirty.txt")).unwrap();

    let out = within("reclaim", ops.reclaim(&record.id)).await.expect("reclaim");
    assert!(out.removed && out.bytes_freed > 0, "{out:?}");
    assert!(!record.worktree.exists());
    assert!(!fx.has_session(&record.id), "the agent in it was stopped");
    let after = stored(&fx, &ops, &record);
    assert_eq!(after.lifecycle.session.reason, SessionReason::Landed, "the record is kept");
    assert_eq!(after.landing.map(|l| l.cleanup), Some(LandCleanup::Cleaned));
}

#[tokio::test]
async fn k4_resolve_conflicts_sends_the_base_and_the_files_to_the_agent() {
    let fx = fixture(AfterLand::Keep);
    let ops = fx.ops();
    let record = session_with(&fx, &ops, "Conflict", &[("README.md", "theirs\n", "Change README")]).await;
    fx.wait_for_output(&record.id, "ready").await;
    commit(&fx.repo, "README.md", "ours\n", "Change README on main");
    within("ask", ops.ask_resolve_conflicts(&record.id)).await.expect("sent");
    fx.wait_for_output(&record.id, "conflicts with `main` in 1 file(s)").await;
    fx.wait_for_output(&record.id, "- README.md").await;
}

#[tokio::test]
async fn k7_the_refresher_measures_worktrees_in_the_background_and_land_check_reports_it() {
    use grove_engine::disk::{DiskCache, DiskRefresher, RefreshOptions};
    let fx = fixture(AfterLand::Keep);
    let cache = DiskCache::new();
    let ops = fx.ops().with_disk_cache(cache.clone());
    let record = session_with(&fx, &ops, "Measure me", COMMITS).await;
    let options = RefreshOptions { every: std::time::Duration::from_secs(3600), ..RefreshOptions::default() };
    let refresher = DiskRefresher::spawn(ops.store().clone(), cache.clone(), options);
    let first = crate::ops::support::poll("a first measurement", || cache.get(&record.id)).await;
    assert!(first.bytes > 0 && first.complete, "{first:?}");

    // A turn end: the worktree grew; a poke measures it again without waiting for the interval.
    std::fs::write(record.worktree.join("build.bin"), vec![1u8; 256 * 1024]).unwrap();
    refresher.poke(&record.id);
    let grown = crate::ops::support::poll("a new measurement", || {
        cache.get(&record.id).filter(|u| u.bytes >= first.bytes + 256 * 1024)
    })
    .await;
    let check = within("check", ops.land_check(&record.id)).await.expect("check");
    assert!(check.disk_bytes.is_some_and(|b| b >= grown.bytes), "{:?} vs {grown:?}", check.disk_bytes);
    within("stop", refresher.stop()).await;
}
