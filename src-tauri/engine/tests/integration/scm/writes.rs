//! What a pass writes: nothing when nothing changed (no write storm for file watchers), and only
//! the PR fields, decided on the record as it is under its lock, so another writer's changes made
//! while `gh` was answering survive.

use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use grove_engine::session::{PrReason, PrState};
use serde_json::json;

use super::support::{Bench, WAIT, session};

/// Identity of a record file: inode (an atomic write renames a new file over it), mtime, bytes.
fn file_state(bench: &Bench, id: &str) -> (u64, i64, i64, Vec<u8>) {
    let path = bench.record_file(id);
    let meta = std::fs::metadata(&path).expect("the record exists");
    (meta.ino(), meta.mtime(), meta.mtime_nsec(), std::fs::read(&path).unwrap())
}

#[tokio::test]
async fn a_pass_that_finds_nothing_new_writes_nothing() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    bench.add_session("app-2", "session/app-2");
    let mut poller = bench.poller();
    assert_eq!(poller.pass(&bench.projects()).await.updated, 2);
    let before = (file_state(&bench, "app-1"), file_state(&bench, "app-2"));

    // Coarse file systems store mtime in whole seconds or less; make any rewrite visible.
    std::thread::sleep(Duration::from_millis(20));
    let again = poller.pass(&bench.projects()).await;
    assert_eq!((again.gh_calls, again.updated), (1, 0));
    assert_eq!((file_state(&bench, "app-1"), file_state(&bench, "app-2")), before, "unchanged PRs were rewritten");

    // One PR changes: exactly its record is written.
    bench.set_state(json!({"scenario": "open_passing", "branches": {"session/app-2": "ci_failing"}}));
    let changed = poller.pass(&bench.projects()).await;
    assert_eq!(changed.updated, 1);
    assert_eq!(file_state(&bench, "app-1"), before.0);
    assert_eq!(bench.record("app-2").lifecycle.pr.reason, PrReason::CiFailing);
}

/// Starts a pass that the fake gh holds once it was called; returns the running pass.
async fn held_pass(
    bench: &Bench,
    scenario: &str,
) -> (tokio::task::JoinHandle<grove_engine::scm::PassReport>, std::path::PathBuf) {
    let hold = bench.tmp.path().join("hold");
    std::fs::create_dir_all(&hold).unwrap();
    bench.set_state(json!({"scenario": scenario, "hold": hold}));
    let (mut poller, projects) = (bench.poller(), bench.projects());
    let pass = tokio::spawn(async move { poller.pass(&projects).await });
    let started = hold.join("started");
    let deadline = tokio::time::Instant::now() + WAIT;
    while !started.exists() {
        assert!(tokio::time::Instant::now() < deadline, "the fake gh was never called");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (pass, hold)
}

#[tokio::test]
async fn fields_another_writer_changed_during_the_pass_are_kept() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    let (pass, hold) = held_pass(&bench, "ci_failing").await;

    // The record was listed before the call; now someone else changes it.
    let theirs = bench
        .store
        .update(&bench.project, &session("app-1"), |r| {
            r.display_name = Some("Renamed by the user".into());
            r.agent_session_id = Some("c0ffee".into());
            r.lifecycle.pr.extra.insert("note".into(), json!("kept"));
            r.extra.insert("futureField".into(), json!({"a": 1}));
        })
        .unwrap();
    std::fs::write(hold.join("release"), "").unwrap();
    let report = pass.await.unwrap();
    assert_eq!(report.updated, 1);

    let record = bench.record("app-1");
    assert_eq!(record.display_name.as_deref(), Some("Renamed by the user"));
    assert_eq!(record.agent_session_id.as_deref(), Some("c0ffee"));
    assert_eq!(record.lifecycle.pr.extra.get("note"), Some(&json!("kept")));
    assert_eq!(record.extra.get("futureField"), Some(&json!({"a": 1})));
    assert_eq!((record.lifecycle.pr.state, record.lifecycle.pr.reason), (PrState::Open, PrReason::CiFailing));
    let mut expected = theirs.clone();
    expected.lifecycle.pr = record.lifecycle.pr.clone();
    expected.pr_info = record.pr_info.clone();
    assert_eq!(record, expected, "only the PR part and pr_info may change");
}

#[tokio::test]
async fn a_restore_during_the_pass_wins_over_the_merged_pr_it_cleared() {
    let bench = Bench::new();
    bench.add_session("app-1", "session/app-1");
    bench.scenario("merged");
    bench.poller().pass(&bench.projects()).await;
    assert_eq!(bench.record("app-1").lifecycle.pr.state, PrState::Merged);

    // The loop lists the record as merged... (a test-only shortcut: mark it live again so the
    // loop queries it, as if the listing happened just before a restore).
    bench
        .store
        .update(&bench.project, &session("app-1"), |r| {
            r.lifecycle.pr.state = PrState::Open;
            r.lifecycle.pr.reason = PrReason::ReviewPending;
        })
        .unwrap();
    let (pass, hold) = held_pass(&bench, "merged").await;
    // ...and restore clears the PR while gh answers (SPEC F4).
    let restored = bench
        .store
        .update(&bench.project, &session("app-1"), |r| {
            r.lifecycle.pr.state = PrState::None;
            r.lifecycle.pr.reason = PrReason::ClearedOnRestore;
            r.lifecycle.pr.number = None;
            r.lifecycle.pr.url = None;
        })
        .unwrap();
    std::fs::write(hold.join("release"), "").unwrap();
    let report = pass.await.unwrap();
    assert_eq!((report.gh_calls, report.updated), (1, 0));
    assert_eq!(bench.record("app-1"), restored, "the decision is made again on the record under its lock");
}
