//! UI §1.12 (SPEC K1): hunks expand for context. The expanders' rows are unchanged lines of the
//! new side, numbered on both sides, cut where the file ends, and refused for ranges, paths and
//! files that have no such lines.

use grove_engine::ops::OpStep;
use grove_engine::review::{ContextLines, DiffScope, RowKind};

use super::support::{Session, lines, within};

/// 100 numbered lines on `main`; the session changes line 10, inserts two lines after line 30
/// and changes line 60, so old and new numbers differ by two between the second and third hunk.
fn edited() -> Session {
    let s = Session::new(&[("f.txt", lines(100).as_bytes()), ("gone.txt", b"bye\n")]);
    let mut new: Vec<String> = lines(100).lines().map(str::to_owned).collect();
    new[9] = "line 10 changed".into();
    new[59] = "line 60 changed".into();
    new.insert(30, "inserted a".into());
    new.insert(31, "inserted b".into());
    s.write("f.txt", format!("{}\n", new.join("\n")).as_bytes());
    std::fs::remove_file(s.wt.join("gone.txt")).unwrap();
    s
}

fn range(from: u32, to: u32, old_from: u32) -> ContextLines {
    ContextLines { from, to, old_from }
}

#[tokio::test]
async fn context_rows_between_hunks_carry_both_line_numbers() {
    let s = edited();
    let ops = s.ops();
    let ctx = within("file_context", ops.file_context(&s.id, DiffScope::Branch, "f.txt", range(40, 45, 38)))
        .await
        .expect("lines between the second and third hunk");
    let got: Vec<_> = ctx.rows.iter().map(|r| (r.kind, r.old, r.new, r.text.as_str())).collect();
    let want: Vec<_> =
        (0..6u32).map(|k| (RowKind::Context, Some(38 + k), Some(40 + k), format!("line {}", 38 + k))).collect();
    let want: Vec<_> = want.iter().map(|(k, o, n, t)| (*k, *o, *n, t.as_str())).collect();
    assert_eq!(got, want, "new lines 40-45 are old lines 38-43, two were inserted above");
    assert!(!ctx.end_of_file, "the file goes on below line 45");
}

#[tokio::test]
async fn a_range_past_the_end_is_cut_there_and_says_so() {
    let s = edited();
    let ops = s.ops();
    let ask = |r| ops.file_context(&s.id, DiffScope::Branch, "f.txt", r);
    let tail = within("file_context", ask(range(100, 119, 98))).await.unwrap();
    let news: Vec<_> = tail.rows.iter().map(|r| r.new).collect();
    assert_eq!(news, [Some(100), Some(101), Some(102)], "the new file has 102 lines");
    assert_eq!(tail.rows[2].text, "line 100");
    assert!(tail.end_of_file, "the expander below the last hunk must learn the file ended");
    let last = within("file_context", ask(range(101, 102, 99))).await.unwrap();
    assert_eq!(last.rows.len(), 2);
    assert!(last.end_of_file, "exactly the last two lines: nothing follows them");
    let beyond = within("file_context", ask(range(200, 210, 198))).await.unwrap();
    assert!(beyond.rows.is_empty() && beyond.end_of_file, "past the end: no rows, end of file");
}

#[tokio::test]
async fn bad_ranges_paths_and_files_without_a_new_side_are_refused() {
    let s = edited();
    let ops = s.ops();
    let ask = |path: &'static str, r| ops.file_context(&s.id, DiffScope::Branch, path, r);
    for (what, r) in [("line 0", range(0, 3, 1)), ("inverted", range(9, 3, 9)), ("too long", range(1, 1_000, 1))] {
        let err = within("file_context", ask("f.txt", r)).await.unwrap_err();
        assert_eq!(err.step, OpStep::Validate, "{what}: refused before any git runs: {err}");
    }
    for bad in ["../f.txt", "/etc/passwd", "a/../../f.txt"] {
        let err = within("file_context", ask(bad, range(1, 3, 1))).await.unwrap_err();
        assert_eq!(err.step, OpStep::Validate, "{bad:?} must be refused before any git runs: {err}");
    }
    let err = within("file_context", ask("unchanged.txt", range(1, 3, 1))).await.unwrap_err();
    assert!(err.to_string().contains("not part of"), "{err}");
    let err = within("file_context", ask("gone.txt", range(1, 1, 1))).await.unwrap_err();
    assert!(err.to_string().contains("deleted"), "{err}");
}
