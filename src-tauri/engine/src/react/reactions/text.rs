//! What reactions say: the messages sent to agents, the notifications for the user, and the one
//! line each leaves in the reaction log. A custom `message` replaces the built-in opening text;
//! the facts (failing checks, review comments) are always appended, since they are the point.

use std::time::Duration;

use super::machine::Why;
use super::ports::FactsError;
use crate::config::{HumanDuration, Priority, ReactionKey};
use crate::manager::SessionKey;
use crate::ops::MAX_MESSAGE_CHARS;
use crate::react::{Notification, Signal};
use crate::scm::{CheckLog, ReviewComment};
use crate::session::PrInfo;

/// Most lines of a check's log quoted: the end of a log is where the error is, and this many
/// lines of it let an agent find the failing test without drowning the message.
pub const LOG_EXCERPT_LINES: usize = 80;
/// Most characters of a check's log quoted, so one verbose check cannot crowd out the others;
/// as much as `scm` keeps of a log (4 KiB), so its excerpt normally arrives whole.
pub const LOG_EXCERPT_CHARS: usize = 4_000;
/// Most characters of one review comment quoted; longer ones are cut, marked `[...]`.
pub const COMMENT_CHARS: usize = 1_000;
/// Appended when a message had to be cut to Grove's message limit (SPEC F2).
const CUT_NOTE: &str = "\n[... cut to fit Grove's message limit; see the PR for the rest]";

/// The PR a text is about.
#[derive(Debug, Clone, Copy)]
pub struct PrRef<'a> {
    /// What the PR loop last read, if anything.
    pub info: Option<&'a PrInfo>,
    /// The PR number, from the record's info or lifecycle.
    pub number: Option<u32>,
}

impl PrRef<'_> {
    fn label(&self) -> String {
        self.number.map_or_else(|| "the PR".to_owned(), |n| format!("PR #{n}"))
    }

    fn check_names(&self) -> Vec<String> {
        self.info.map(|i| i.failed_checks.iter().map(|c| c.name.clone()).collect()).unwrap_or_default()
    }

    fn link(&self) -> String {
        self.info.map_or_else(|| "the PR page".to_owned(), |i| i.url.clone())
    }
}

/// A message for the agent and the log line saying what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text, within [`MAX_MESSAGE_CHARS`].
    pub text: String,
    /// For the reaction log: "2 failing checks (test, lint)".
    pub summary: String,
}

/// The failing checks, with the end of each log when `logs` could be read.
pub fn ci_failed(custom: Option<&str>, pr: PrRef<'_>, logs: &Result<Vec<CheckLog>, FactsError>) -> Message {
    let mut checks: Vec<CheckLog> = logs.clone().unwrap_or_default();
    if checks.is_empty() {
        // No logs: the names the PR loop recorded still tell the agent where to look.
        checks =
            pr.check_names().into_iter().map(|name| CheckLog { name, url: None, excerpt: Ok(String::new()) }).collect();
    }
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    let opening = custom.map_or_else(
        || {
            format!(
                "CI is failing on {}. Read the failing checks below, fix the cause, run them locally and push.",
                pr.label()
            )
        },
        str::to_owned,
    );
    let mut text =
        format!("{opening}\n\nFailing checks: {}", if names.is_empty() { "unknown".into() } else { names.join(", ") });
    if let Err(e) = logs {
        text.push_str(&format!("\n(Grove could not read the check logs: {e}. See {}.)", pr.link()));
    }
    for check in &checks {
        let url = check.url.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        text.push_str(&format!("\n\n--- {}{url} ---", check.name));
        let excerpt = match &check.excerpt {
            Ok(log) => tail(log),
            Err(why) => format!("(no log: {why})"),
        };
        if !excerpt.is_empty() {
            text.push('\n');
            text.push_str(&excerpt);
        }
    }
    let summary = format!("{} failing check{} ({})", names.len(), plural(names.len()), names.join(", "));
    Message { text: fit(text), summary }
}

/// The unresolved review comments: author, file:line, body.
pub fn changes_requested(
    custom: Option<&str>,
    pr: PrRef<'_>,
    comments: &Result<Vec<ReviewComment>, FactsError>,
) -> Message {
    let opening = custom.map_or_else(
        || format!("A reviewer requested changes on {}. Address each unresolved comment below, then push.", pr.label()),
        str::to_owned,
    );
    let mut text = opening;
    let count = match comments {
        Ok(list) if !list.is_empty() => {
            text.push('\n');
            for c in list {
                text.push_str(&format!("\n- {} on {}: {}", c.author, place(c), indent(&cut(&c.body, COMMENT_CHARS))));
            }
            list.len()
        }
        Ok(_) => {
            text.push_str(&format!("\n\n(No unresolved comments were found; read the review on {}.)", pr.link()));
            0
        }
        Err(e) => {
            text.push_str(&format!("\n\n(Grove could not read the review comments: {e}. Read them on {}.)", pr.link()));
            0
        }
    };
    Message { text: fit(text), summary: format!("{count} review comment{}", plural(count)) }
}

/// A request to rebase onto `base` and resolve the conflicts.
pub fn merge_conflicts(custom: Option<&str>, pr: PrRef<'_>, base: &str) -> Message {
    let text = custom.map_or_else(
        || {
            format!(
                "{} conflicts with its base branch `{base}`. Fetch, rebase onto `origin/{base}` (or merge it in), \
                 resolve the conflicts, run the tests and push.",
                pr.label()
            )
        },
        str::to_owned,
    );
    Message { text: fit(text), summary: format!("asked to resolve the conflicts with {base}") }
}

/// A notification about `key`'s condition on `session`; `why` is set for an escalation.
/// `custom` replaces the body of a plain notification (action `notify`), never an escalation's,
/// which must say why the user is asked.
pub fn notification(
    key: ReactionKey,
    session: &SessionKey,
    priority: Priority,
    pr: PrRef<'_>,
    why: Option<Why>,
    custom: Option<&str>,
    stuck_after: Duration,
) -> Notification {
    let (what, mut body) = condition(key, pr, stuck_after);
    let title = match why {
        Some(_) => format!("{} needs you: {what}", session.id),
        None => format!("{}: {what}", session.id),
    };
    match why {
        Some(Why::RetriesSpent { attempts }) => {
            body.push_str(&format!(
                " The agent was asked {attempts} time{} and it came back.",
                plural(attempts as usize)
            ));
        }
        Some(Why::TooLong(limit)) => {
            body.push_str(&format!(" It has lasted {} since the agent was asked.", HumanDuration::new(limit)));
        }
        Some(Why::Unreachable { failed }) => {
            body.push_str(&format!(" Grove could not reach the agent ({failed} failed sends)."));
        }
        None => {
            if let Some(custom) = custom {
                body = custom.to_owned();
            }
        }
    }
    Notification {
        session: Some(session.clone()),
        sessions: vec![session.clone()],
        signal: signal_of(key),
        priority,
        title,
        body,
    }
}

/// The signal a reaction answers, for notifications about it.
pub fn signal_of(key: ReactionKey) -> Option<Signal> {
    match key {
        ReactionKey::CiFailed => Some(Signal::CiFailing),
        ReactionKey::ChangesRequested => Some(Signal::ChangesRequested),
        ReactionKey::MergeConflicts => Some(Signal::MergeConflicts),
        ReactionKey::ApprovedAndGreen => Some(Signal::MergeReady),
        _ => None,
    }
}

/// A short name of the condition and a sentence describing it.
fn condition(key: ReactionKey, pr: PrRef<'_>, stuck_after: Duration) -> (&'static str, String) {
    let label = pr.label();
    match key {
        ReactionKey::CiFailed => {
            let names = pr.check_names();
            let checks = if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) };
            ("CI failing", format!("Checks fail on {label}{checks}."))
        }
        ReactionKey::ChangesRequested => ("changes requested", format!("A reviewer requested changes on {label}.")),
        ReactionKey::MergeConflicts => ("merge conflicts", format!("{label} conflicts with its base branch.")),
        ReactionKey::AgentStuck => (
            "agent stuck",
            format!("Its agent reports working but has shown no progress for {}.", HumanDuration::new(stuck_after)),
        ),
        ReactionKey::ApprovedAndGreen => ("ready to merge", format!("{label} is approved and its checks pass.")),
        other => ("attention", format!("{other} on {label}.")),
    }
}

/// "src/lib.rs:42", "src/lib.rs", or "the PR" for a comment on no file.
fn place(c: &ReviewComment) -> String {
    match (c.path.as_str(), c.line) {
        ("", _) => "the PR".to_owned(),
        (path, Some(line)) => format!("{path}:{line}"),
        (path, None) => path.to_owned(),
    }
}

/// Continuation lines of a list item, indented so they read as part of it.
fn indent(text: &str) -> String {
    text.trim().replace('\n', "\n  ")
}

/// The last [`LOG_EXCERPT_LINES`] lines of `log`, at most [`LOG_EXCERPT_CHARS`] characters.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.trim_end().lines().collect();
    let kept = lines[lines.len().saturating_sub(LOG_EXCERPT_LINES)..].join("\n");
    let chars = kept.chars().count();
    if chars <= LOG_EXCERPT_CHARS {
        return kept;
    }
    let rest: String = kept.chars().skip(chars - LOG_EXCERPT_CHARS).collect();
    format!("[...]{rest}")
}

/// `text` cut to `max` characters, marked when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept} [...]")
}

/// `text` within [`MAX_MESSAGE_CHARS`], so a long log never gets the whole message refused.
fn fit(text: String) -> String {
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return text;
    }
    let room = MAX_MESSAGE_CHARS - CUT_NOTE.chars().count();
    let mut kept: String = text.chars().take(room).collect();
    kept.push_str(CUT_NOTE);
    kept
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
