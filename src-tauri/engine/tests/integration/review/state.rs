//! SPEC K2, K3: viewed marks that clear when the agent changes the file again; comments anchored
//! by snippet, outdated when it moves or changes; sending them as one message through F2; the
//! state file's corruption named, never silently lost.

use grove_engine::ops::OpStep;
use grove_engine::review::{DiffScope, NewComment, Side};

use super::support::{Session, lines, poll, within};
use crate::ops::support::{Fixture, RECORDER_AGENT};

fn comment(path: &str, line: u32, end_line: u32, side: Side, body: &str) -> NewComment {
    NewComment { path: path.into(), line, end_line, side, body: body.into() }
}

#[tokio::test]
async fn k2_a_viewed_file_is_unmarked_when_it_changes_again() {
    let s = Session::new(&[]);
    s.write("a.txt", b"one\n");
    s.write("b.txt", b"b\n");
    let ops = s.ops();
    within("view", ops.set_viewed(&s.id, "a.txt", true)).await.unwrap();
    within("view", ops.set_viewed(&s.id, "b.txt", true)).await.unwrap();
    let summary = within("summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    assert!(summary.files.iter().all(|f| f.viewed), "{summary:?}");
    assert_eq!(within("state", ops.review_state(&s.id)).await.unwrap().viewed, ["a.txt", "b.txt"]);

    s.write("a.txt", b"two\n");
    let summary = within("summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    let viewed: Vec<_> = summary.files.iter().map(|f| (f.path.as_str(), f.viewed)).collect();
    assert_eq!(viewed, [("a.txt", false), ("b.txt", true)]);
    assert_eq!(within("state", ops.review_state(&s.id)).await.unwrap().viewed, ["b.txt"]);

    within("unview", ops.set_viewed(&s.id, "b.txt", false)).await.unwrap();
    assert!(within("state", ops.review_state(&s.id)).await.unwrap().viewed.is_empty());
}

#[tokio::test]
async fn k3_comments_are_outdated_when_their_snippet_moves_or_changes() {
    let s = Session::new(&[("a.txt", lines(10).as_bytes())]);
    s.write("a.txt", lines(12).as_bytes());
    let ops = s.ops();
    let new = within("comment", ops.add_comment(&s.id, comment("a.txt", 11, 12, Side::New, "why?"))).await.unwrap();
    assert_eq!(new.snippet, "line 11\nline 12");
    let old = within("comment", ops.add_comment(&s.id, comment("a.txt", 2, 2, Side::Old, "old"))).await.unwrap();
    assert_eq!(old.snippet, "line 2");
    let err = within("comment", ops.add_comment(&s.id, comment("a.txt", 40, 41, Side::New, "x"))).await.unwrap_err();
    assert_eq!(err.step, OpStep::Validate, "lines the file does not have: {err}");
    let state = within("state", ops.review_state(&s.id)).await.unwrap();
    assert_eq!(state.comments.iter().map(|c| c.outdated).collect::<Vec<_>>(), [false, false]);

    // A line inserted above moves the snippet: outdated. The old side (the base) did not change.
    s.write("a.txt", format!("top\n{}", lines(12)).as_bytes());
    let state = within("state", ops.review_state(&s.id)).await.unwrap();
    assert_eq!(state.comments.iter().map(|c| c.outdated).collect::<Vec<_>>(), [true, false]);
    // Back in place: current again. Changed in place: outdated.
    s.write("a.txt", lines(12).as_bytes());
    assert!(!within("state", ops.review_state(&s.id)).await.unwrap().comments[0].outdated);
    s.write("a.txt", lines(12).replace("line 12", "line twelve").as_bytes());
    assert!(within("state", ops.review_state(&s.id)).await.unwrap().comments[0].outdated);

    within("delete", ops.delete_comment(&s.id, &new.id)).await.unwrap();
    let state = within("state", ops.review_state(&s.id)).await.unwrap();
    assert_eq!(state.comments.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [old.id.as_str()]);
    assert!(within("delete", ops.delete_comment(&s.id, "../x")).await.is_err());
}

/// SPEC K3 + F2: two comments reach the agent as one message with both locations, then are sent.
#[tokio::test]
async fn k3_send_comments_delivers_one_message_through_send_and_marks_them_sent() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(RECORDER_AGENT, "record"))).await.expect("spawn");
    fx.wait_for_output(&record.id, "ready").await;
    super::support::write(&record.worktree, "src/lib.rs", lines(3).as_bytes());
    let c1 = within("comment", ops.add_comment(&record.id, comment("src/lib.rs", 2, 2, Side::New, "Rename this.")));
    let c2 = within("comment", ops.add_comment(&record.id, comment("src/lib.rs", 1, 3, Side::New, "Add tests.")));
    let (c1, c2) = (c1.await.unwrap(), c2.await.unwrap());

    let outcome = within("send", ops.send_comments(&record.id)).await.expect("send the comments");
    assert!(!outcome.restored);
    let expected = grove_engine::review::comments_message(&[c1.clone(), c2.clone()]);
    assert!(expected.contains("src/lib.rs:2\n> line 2\nRename this.") && expected.contains("src/lib.rs:1-3\n"));
    let received = poll("the agent to receive the comments", || {
        std::fs::read_to_string(fx.received()).ok().filter(|got| got.contains("Add tests."))
    })
    .await;
    assert_eq!(received.trim_end(), expected.trim_end(), "one message with both comments");
    let state = within("state", ops.review_state(&record.id)).await.unwrap();
    assert!(state.comments.iter().all(|c| c.sent_at.is_some()), "{state:?}");
    let err = within("send", ops.send_comments(&record.id)).await.unwrap_err();
    assert!(err.to_string().contains("no unsent comments"), "{err}");
}

#[tokio::test]
async fn k3_a_batch_over_the_send_limit_is_refused_and_nothing_is_marked_sent() {
    let s = Session::new(&[]);
    s.write("a.txt", lines(3).as_bytes());
    let ops = s.ops();
    for _ in 0..3 {
        let body = "x".repeat(grove_engine::review::MAX_COMMENT_CHARS);
        within("comment", ops.add_comment(&s.id, comment("a.txt", 1, 1, Side::New, &body))).await.unwrap();
    }
    let err = within("send", ops.send_comments(&s.id)).await.unwrap_err();
    assert_eq!(err.step, OpStep::Validate);
    assert!(err.to_string().contains("3 unsent comments"), "{err}");
    let state = within("state", ops.review_state(&s.id)).await.unwrap();
    assert!(state.comments.iter().all(|c| c.sent_at.is_none()));
}

#[tokio::test]
async fn a_corrupt_review_file_is_named_and_kept_aside() {
    let s = Session::new(&[]);
    let path = s.fx.home.review_file(&s.fx.project, &s.id);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{\"version\": 1, \"comments\": [").unwrap();
    let err = within("state", s.ops().review_state(&s.id)).await.unwrap_err();
    assert_eq!(err.step, OpStep::ReviewState);
    assert!(err.to_string().contains("reviews/proj-1.json"), "{err}");
    let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("proj-1.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the corrupt file is kept aside");
}
