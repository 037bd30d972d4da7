//! SPEC K2: the review scopes. `review` starts at the last "mark reviewed"; `turn` is what the
//! agent changed in its last turn (turn-base -> turn, moved at each reported turn end).

use grove_engine::review::{DiffScope, DiffSummary};

use super::support::{Session, lines, within};

fn paths(summary: &DiffSummary) -> Vec<&str> {
    summary.files.iter().map(|f| f.path.as_str()).collect()
}

#[tokio::test]
async fn k2_branch_scope_is_everything_since_the_merge_base() {
    let s = Session::new(&[("a.txt", b"a\n")]);
    s.write("b.txt", b"b\n");
    s.commit_all("b");
    s.write("c.txt", b"c\n");
    let summary = within("summary", s.ops().diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    assert_eq!(paths(&summary), ["b.txt", "c.txt"]);
    assert_eq!((summary.ahead, summary.uncommitted), (1, 1));
}

#[tokio::test]
async fn k2_review_scope_starts_at_the_last_mark_reviewed() {
    let s = Session::new(&[("a.txt", b"a\n")]);
    let ops = s.ops();
    s.write("b.txt", b"b\n");
    let before = within("summary", ops.diff_summary(&s.id, DiffScope::Review)).await.unwrap();
    assert!(!before.scope_available && before.files.is_empty(), "no review done yet: {before:?}");

    within("mark", ops.mark_reviewed(&s.id)).await.unwrap();
    let after = within("summary", ops.diff_summary(&s.id, DiffScope::Review)).await.unwrap();
    assert!(after.scope_available);
    assert!(after.files.is_empty(), "nothing changed since the review: {after:?}");

    s.write("c.txt", b"c\n");
    s.write("b.txt", b"b changed\n");
    let later = within("summary", ops.diff_summary(&s.id, DiffScope::Review)).await.unwrap();
    assert_eq!(paths(&later), ["b.txt", "c.txt"]);
    assert_eq!(later.files[0].additions, Some(1), "only the change since the review, not all of b.txt's history");
    let branch = within("summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    assert_eq!(paths(&branch), ["b.txt", "c.txt"]);
    assert_eq!(s.git(&["rev-parse", "--verify", "refs/grove/proj-1/reviewed"]), after.base_commit);
}

#[tokio::test]
async fn k2_turn_scope_shows_what_the_last_turn_changed() {
    let s = Session::new(&[("a.txt", lines(5).as_bytes())]);
    let ops = s.ops();
    let none = within("summary", ops.diff_summary(&s.id, DiffScope::Turn)).await.unwrap();
    assert!(!none.scope_available, "no turn ended yet");

    // Turn 1 adds b.txt; its base is the merge base.
    s.write("b.txt", b"b\n");
    within("turn end", ops.record_turn_end(&s.id)).await.unwrap();
    let first = within("summary", ops.diff_summary(&s.id, DiffScope::Turn)).await.unwrap();
    assert_eq!(paths(&first), ["b.txt"]);

    // The same turn end reported twice, or a turn that changed nothing, moves nothing.
    within("turn end", ops.record_turn_end(&s.id)).await.unwrap();
    let again = within("summary", ops.diff_summary(&s.id, DiffScope::Turn)).await.unwrap();
    assert_eq!(again, first);

    // Turn 2 changes a.txt and commits: the turn scope shows only that, the branch both.
    s.write("a.txt", lines(6).as_bytes());
    s.commit_all("turn 2");
    within("turn end", ops.record_turn_end(&s.id)).await.unwrap();
    let second = within("summary", ops.diff_summary(&s.id, DiffScope::Turn)).await.unwrap();
    assert_eq!(paths(&second), ["a.txt"]);
    assert_eq!(second.base_label, "the turn before");
    // Work after the last turn end is not part of it.
    s.write("c.txt", b"c\n");
    let still = within("summary", ops.diff_summary(&s.id, DiffScope::Turn)).await.unwrap();
    assert_eq!(paths(&still), ["a.txt"]);
    let page = within("page", ops.file_diff(&s.id, DiffScope::Turn, "a.txt", 0, 50)).await.unwrap();
    assert_eq!(page.rows.iter().filter(|r| r.kind == grove_engine::review::RowKind::Add).count(), 1);
    let branch = within("summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    assert_eq!(paths(&branch), ["a.txt", "b.txt", "c.txt"]);
}
