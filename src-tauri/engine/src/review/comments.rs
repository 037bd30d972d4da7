//! Comments (SPEC K3): anchored by file, line range, side and the snippet those lines held when
//! the comment was made. A comment is outdated when its snippet no longer sits at its lines (the
//! lines moved or changed), computed on every read rather than stored, so it can never go stale.
//! Sending turns the unsent comments into one message for the agent (F2).

use std::path::Path;

use super::lines::read_lines;
use super::types::{Comment, Side};
use super::{MAX_COMMENT_CHARS, MAX_COMMENT_LINES};
use crate::ops::{Cause, MAX_MESSAGE_CHARS};

/// The most characters a snippet keeps; longer ones are cut (and compared cut, so the anchor
/// still works).
pub(crate) const MAX_SNIPPET_CHARS: usize = 2_000;

/// Checks a new comment's lines and body before any git or disk work.
pub(crate) fn check_new(line: u32, end_line: u32, body: &str) -> Result<(), Cause> {
    if line == 0 || end_line < line {
        return Err(Cause::Invalid(format!("lines {line}-{end_line} are not a range of lines (they count from 1)")));
    }
    if end_line - line >= MAX_COMMENT_LINES {
        return Err(Cause::Invalid(format!("a comment covers at most {MAX_COMMENT_LINES} lines")));
    }
    let chars = body.chars().count();
    if body.trim().is_empty() {
        return Err(Cause::Invalid("the comment is empty".into()));
    }
    if chars > MAX_COMMENT_CHARS {
        return Err(Cause::TooLong { chars, max: MAX_COMMENT_CHARS });
    }
    Ok(())
}

/// Lines `line..=end_line` of `path` in `commit`, joined by newlines and cut to
/// [`MAX_SNIPPET_CHARS`]; `None` when the file does not exist there or is shorter. Streams the
/// blob and stops after the last wanted line, so a huge file costs only its first lines.
pub(crate) async fn lines_at(
    dir: &Path,
    commit: &str,
    path: &str,
    line: u32,
    end_line: u32,
) -> Result<Option<String>, Cause> {
    let Ok(read) = read_lines(dir, &format!("{commit}:{path}"), line, end_line).await else {
        // No such file in that commit (deleted, or a path git does not know).
        return Ok(None);
    };
    if read.lines.len() as u32 != end_line - line + 1 {
        return Ok(None);
    }
    let text = read.lines.iter().map(|l| String::from_utf8_lossy(&l.bytes).into_owned()).collect::<Vec<_>>().join("\n");
    Ok(Some(cut(&text, MAX_SNIPPET_CHARS)))
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// `path:12` or `path:12-14`.
pub(crate) fn location(comment: &Comment) -> String {
    if comment.end_line == comment.line {
        format!("{}:{}", comment.path, comment.line)
    } else {
        format!("{}:{}-{}", comment.path, comment.line, comment.end_line)
    }
}

/// The one message that delivers `comments` to the agent (SPEC K3): each as its location (lines of
/// the old side say so), the snippet quoted line by line, and the comment's text.
pub fn comments_message(comments: &[Comment]) -> String {
    let n = comments.len();
    let mut out = format!("Review comments ({n}) on your changes; please address each one:\n");
    for comment in comments {
        out.push('\n');
        out.push_str(&location(comment));
        if comment.side == Side::Old {
            out.push_str(" (removed lines)");
        }
        out.push('\n');
        for line in comment.snippet.split('\n') {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(comment.body.trim_end());
        out.push('\n');
    }
    out
}

/// Refuses a batch whose message would be over the send limit, saying how to fix it.
pub(crate) fn check_batch(message: &str, count: usize) -> Result<(), Cause> {
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(Cause::Invalid(format!(
            "the {count} unsent comments make a message of {chars} characters, over the {MAX_MESSAGE_CHARS} a send \
             allows; delete or shorten some and send again"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(path: &str, line: u32, end_line: u32, side: Side, snippet: &str, body: &str) -> Comment {
        Comment {
            id: "c".into(),
            path: path.into(),
            line,
            end_line,
            side,
            snippet: snippet.into(),
            body: body.into(),
            created_at: String::new(),
            sent_at: None,
            outdated: false,
        }
    }

    /// SPEC K3: one message listing file:line, the snippet and the comment, for every comment.
    #[test]
    fn k3_the_message_lists_each_location_snippet_and_body() {
        let message = comments_message(&[
            comment("src/a.rs", 12, 12, Side::New, "let x = 1;", "Rename x to count."),
            comment("docs/b d.md", 3, 4, Side::Old, "one\ntwo", "Why remove these?\n"),
        ]);
        let expected = "Review comments (2) on your changes; please address each one:\n\
                        \nsrc/a.rs:12\n> let x = 1;\nRename x to count.\n\
                        \ndocs/b d.md:3-4 (removed lines)\n> one\n> two\nWhy remove these?\n";
        assert_eq!(message, expected);
    }

    #[test]
    fn k3_ranges_and_bodies_are_bounded() {
        assert!(check_new(0, 1, "x").is_err(), "lines count from 1");
        assert!(check_new(5, 4, "x").is_err(), "an inverted range");
        assert!(check_new(1, MAX_COMMENT_LINES + 1, "x").is_err(), "too many lines");
        assert!(check_new(1, 1, "  ").is_err(), "an empty body");
        assert!(check_new(1, 1, &"x".repeat(MAX_COMMENT_CHARS + 1)).is_err(), "a body too long");
        assert!(check_new(1, 3, "fine").is_ok());
        let long = "y".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(check_batch(&long, 3).unwrap_err().to_string().contains("3 unsent comments"));
    }
}
