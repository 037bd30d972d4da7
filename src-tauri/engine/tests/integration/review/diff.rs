//! SPEC K1: the diff of a session against the merge base with its base branch, covering commits,
//! staged, unstaged and untracked changes, with renames, binaries, modes, type changes and
//! deletions; per file, paged, clipped.

use grove_engine::ids::SessionId;
use grove_engine::ops::{Cause, OpStep};
use grove_engine::review::{ChangeStatus, DiffScope, FileChange, MAX_ROW_CHARS, RowKind};
use grove_engine::store::StoreError;

use super::support::{Session, git, lines, within};

const ODD_NAME: &str = "sp ace\nnl.txt";

fn file<'a>(files: &'a [FileChange], path: &str) -> &'a FileChange {
    files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path:?} missing from {files:#?}"))
}

/// A session with one of every kind of change; returns it and the bytes of its index before.
fn every_kind_of_change() -> Session {
    let s = Session::new(&[
        ("a.txt", lines(10).as_bytes()),
        ("bin.dat", b"bin\0ary\0one"),
        ("run.sh", b"echo hi\n"),
        ("gone.txt", b"bye\n"),
        ("move-me.txt", lines(20).as_bytes()),
        ("link.txt", b"a file that becomes a symlink\n"),
    ]);
    // Committed: a modification and a rename.
    s.write("a.txt", lines(10).replace("line 5\n", "line five\n").as_bytes());
    s.git(&["mv", "move-me.txt", "moved.txt"]);
    s.commit_all("work");
    // Staged: a mode change. Unstaged: a binary change, a deletion, a type change. Untracked: two.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(s.wt.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    s.git(&["add", "run.sh"]);
    s.write("bin.dat", b"bin\0ary\0two");
    std::fs::remove_file(s.wt.join("gone.txt")).unwrap();
    std::fs::remove_file(s.wt.join("link.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", s.wt.join("link.txt")).unwrap();
    s.write(ODD_NAME, b"odd\n");
    s.write("new/deep.txt", b"deep\n");
    // The base moves on: the session is one commit behind.
    git(&s.fx.repo, &["commit", "-q", "--allow-empty", "-m", "elsewhere"]);
    s
}

#[tokio::test]
async fn k1_summary_covers_commits_staged_unstaged_untracked_with_renames_binaries_modes_and_types() {
    let s = every_kind_of_change();
    let index = std::path::PathBuf::from(git(&s.wt, &["rev-parse", "--path-format=absolute", "--git-path", "index"]));
    assert!(index.exists(), "the worktree's index {index:?}");
    // `git status` may refresh the index itself, so it runs first, and without optional locks.
    let status_before = s.git(&["--no-optional-locks", "status", "--porcelain=v1", "-z"]);
    let index_before = std::fs::read(&index).unwrap();

    let ops = s.ops();
    let summary = within("diff_summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.expect("summary");

    assert!(summary.scope_available);
    assert_eq!((summary.ahead, summary.behind), (1, 1), "one commit of work, one on main since");
    assert_eq!(summary.base_label, "main");
    let files = &summary.files;
    assert_eq!(file(files, "a.txt").status, ChangeStatus::Modified);
    assert_eq!((file(files, "a.txt").additions, file(files, "a.txt").deletions), (Some(1), Some(1)));
    let moved = file(files, "moved.txt");
    assert_eq!((moved.status, moved.old_path.as_deref()), (ChangeStatus::Renamed, Some("move-me.txt")));
    let bin = file(files, "bin.dat");
    assert!(bin.binary && bin.additions.is_none() && bin.deletions.is_none(), "{bin:?}");
    let run = file(files, "run.sh");
    assert_eq!((run.old_mode.as_deref(), run.new_mode.as_deref()), (Some("100644"), Some("100755")));
    assert_eq!(file(files, "gone.txt").status, ChangeStatus::Deleted);
    assert_eq!(file(files, "link.txt").status, ChangeStatus::TypeChanged);
    assert_eq!(file(files, ODD_NAME).status, ChangeStatus::Added);
    assert_eq!(file(files, "new/deep.txt").status, ChangeStatus::Added);
    assert_eq!(files.len(), 8, "{files:#?}");
    // Uncommitted: run.sh (staged), bin.dat, gone.txt, link.txt, and the two untracked files.
    assert_eq!(summary.uncommitted, 6);
    assert_eq!(summary.additions, files.iter().filter_map(|f| f.additions).sum::<u32>());

    // The user's index and worktree are untouched by the snapshot.
    assert!(std::fs::read(&index).unwrap() == index_before, "the worktree's index must not change");
    assert_eq!(s.git(&["--no-optional-locks", "status", "--porcelain=v1", "-z"]), status_before);
}

/// The snapshot's private index is kept between reviews (so untracked files are not hashed on
/// every opening); what the worktree holds later must still be what the next summary shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k1_later_summaries_follow_the_worktree_and_concurrent_ones_agree() {
    let s = Session::new(&[("a.txt", lines(5).as_bytes()), ("b.txt", b"b\n")]);
    s.write("new.txt", b"untracked\n");
    let ops = s.ops();
    let paths = |files: &[FileChange]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    let first = within("first summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.expect("summary");
    assert_eq!(paths(&first.files), ["new.txt"]);

    // Every kind of later change, one of them committed by the agent meanwhile.
    s.write("a.txt", lines(5).replace("line 2\n", "line two\n").as_bytes());
    std::fs::remove_file(s.wt.join("b.txt")).unwrap();
    std::fs::remove_file(s.wt.join("new.txt")).unwrap();
    s.write("later.txt", b"later\n");
    s.git(&["add", "a.txt"]);
    s.commit_all("agent work");
    s.write("c.txt", b"after the commit\n");

    let (x, y) = tokio::join!(ops.diff_summary(&s.id, DiffScope::Branch), ops.diff_summary(&s.id, DiffScope::Branch));
    let (x, y) = (x.expect("one of two concurrent summaries"), y.expect("the other concurrent summary"));
    assert_eq!(paths(&x.files), ["a.txt", "b.txt", "c.txt", "later.txt"], "what the worktree holds now: {x:#?}");
    assert_eq!(file(&x.files, "b.txt").status, ChangeStatus::Deleted);
    assert_eq!(file(&x.files, "a.txt").additions, Some(1));
    assert_eq!(paths(&y.files), paths(&x.files), "two summaries at once see the same worktree");
    assert_eq!(x.head_commit, y.head_commit, "the same state gives the same snapshot commit");

    // A kept index that git cannot read (a crash, a disk error) costs a slower snapshot, not a
    // wrong or failed review.
    let index = std::path::PathBuf::from(git(&s.wt, &["rev-parse", "--path-format=absolute", "--git-path", "index"]));
    let kept = index.with_file_name("grove-review.index");
    assert!(kept.exists(), "the snapshot index is kept beside the worktree's index at {kept:?}");
    std::fs::write(&kept, b"not an index").unwrap();
    let z =
        within("summary over a broken kept index", ops.diff_summary(&s.id, DiffScope::Branch)).await.expect("summary");
    assert_eq!(paths(&z.files), paths(&x.files));
    assert_eq!(z.head_commit, x.head_commit);
}

#[tokio::test]
async fn k1_file_diff_gives_paged_rows_with_both_line_numbers() {
    let s = every_kind_of_change();
    let ops = s.ops();
    let page = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "a.txt", 0, 100)).await.unwrap();
    let got: Vec<_> = page.rows.iter().map(|r| (r.kind, r.old, r.new, r.text.as_str())).collect();
    assert_eq!(got[0].0, RowKind::Hunk);
    assert!(got.contains(&(RowKind::Del, Some(5), None, "line 5")), "{got:?}");
    assert!(got.contains(&(RowKind::Add, None, Some(5), "line five")), "{got:?}");
    assert!(got.contains(&(RowKind::Context, Some(4), Some(4), "line 4")), "{got:?}");
    assert_eq!(page.total_rows as usize, got.len());
    // A later page is the rest of the same rows.
    let rest = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "a.txt", 2, 3)).await.unwrap();
    assert_eq!((rest.offset, rest.rows.len(), rest.total_rows), (2, 3, page.total_rows));
    assert_eq!(rest.rows[..], page.rows[2..5]);

    // A pure rename has no rows; an odd file name works; a binary has no rows and says so.
    let moved = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "moved.txt", 0, 100)).await.unwrap();
    assert_eq!(moved.total_rows, 0, "a rename without changes is not a whole file added: {moved:?}");
    let odd = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, ODD_NAME, 0, 100)).await.unwrap();
    assert_eq!(odd.rows.last().map(|r| (r.kind, r.new, r.text.as_str())), Some((RowKind::Add, Some(1), "odd")));
    let bin = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "bin.dat", 0, 100)).await.unwrap();
    assert!(bin.binary && bin.rows.is_empty(), "{bin:?}");
    let gone = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "gone.txt", 0, 100)).await.unwrap();
    assert_eq!(gone.rows.last().map(|r| (r.kind, r.old)), Some((RowKind::Del, Some(1))));
}

/// SPEC K1: a 10 MB one-line file never becomes a 10 MB row.
#[tokio::test]
async fn k1_a_ten_megabyte_one_line_file_is_one_clipped_row() {
    let s = Session::new(&[]);
    s.write("big.min.js", &vec![b'x'; 10 * 1024 * 1024]);
    let ops = s.ops();
    let summary = within("diff_summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    assert_eq!(summary.files[0].additions, Some(1));
    assert!(summary.files[0].huge, "a 10 MB file must collapse in the summary, though it is one changed line");
    assert_eq!(summary.files[0].new_size, Some(10 * 1024 * 1024), "the summary tells the new side's size");
    assert_eq!(summary.files[0].old_size, None, "an added file has no old side");
    let page = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "big.min.js", 0, 50)).await.unwrap();
    assert!(page.huge, "10 MB of diff is huge");
    assert_eq!(
        page.rows.len(),
        3,
        "hunk, the line, no newline: {:?}",
        page.rows.iter().map(|r| r.kind).collect::<Vec<_>>()
    );
    assert!(page.rows.iter().all(|r| r.text.chars().count() <= MAX_ROW_CHARS));
    assert!(page.rows[1].clipped);
}

#[tokio::test]
async fn k1_a_page_never_exceeds_the_row_cap() {
    let s = Session::new(&[]);
    s.write("long.txt", lines(5_000).as_bytes());
    let ops = s.ops();
    let page = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "long.txt", 0, u32::MAX)).await.unwrap();
    assert_eq!(page.total_rows, 5_001);
    assert_eq!(page.rows.len(), grove_engine::review::MAX_PAGE_ROWS as usize);
}

#[tokio::test]
async fn paths_outside_the_worktree_and_unknown_sessions_are_refused_before_any_work() {
    let s = Session::new(&[("a.txt", b"a\n")]);
    let ops = s.ops();
    for bad in ["../a.txt", "/etc/passwd", "x/../../a.txt", ""] {
        let err = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, bad, 0, 10)).await.unwrap_err();
        assert_eq!(err.step, OpStep::Validate, "{bad:?}: {err}");
        let err = within("set_viewed", ops.set_viewed(&s.id, bad, true)).await.unwrap_err();
        assert_eq!(err.step, OpStep::Validate, "{bad:?}: {err}");
    }
    assert!(SessionId::new("../proj-1").is_err(), "an id with ../ is not an id");
    let unknown = SessionId::new("proj-99").unwrap();
    let err = within("diff_summary", ops.diff_summary(&unknown, DiffScope::Branch)).await.unwrap_err();
    assert!(matches!(err.cause, Cause::Store(StoreError::NotFound { .. })), "{err}");
    let err = within("file_diff", ops.file_diff(&s.id, DiffScope::Branch, "not-changed.txt", 0, 10)).await.unwrap_err();
    assert!(err.to_string().contains("not part of"), "{err}");
}

/// SPEC K1: small files stay expandable; a file just over the byte bound on its old side only
/// (shrunk to a few lines) still collapses, since its removed side is the 4 MB one.
#[tokio::test]
async fn k1_a_file_over_the_byte_bound_on_either_side_is_huge_and_small_ones_are_not() {
    let big = vec![b'y'; grove_engine::review::HUGE_BYTES as usize + 1];
    let s = Session::new(&[("shrunk.txt", &big), ("small.txt", b"a\n")]);
    s.write("shrunk.txt", b"short now\n");
    s.write("small.txt", b"b\n");
    let ops = s.ops();
    let summary = within("diff_summary", ops.diff_summary(&s.id, DiffScope::Branch)).await.unwrap();
    let shrunk = file(&summary.files, "shrunk.txt");
    assert!(shrunk.huge, "the old side is over the bound: {shrunk:?}");
    assert_eq!((shrunk.old_size, shrunk.new_size), (Some(big.len() as u64), Some(10)));
    let small = file(&summary.files, "small.txt");
    assert!(!small.huge, "a two-byte file is not huge: {small:?}");
    assert_eq!((small.old_size, small.new_size), (Some(2), Some(2)));
}
