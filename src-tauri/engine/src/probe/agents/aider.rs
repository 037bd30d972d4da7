//! The `aider` adapter (SPEC I3): the tail of `.aider.chat.history.md` in the worktree, and the
//! modification time of `.aider.input.history` (agent-formats §3).
//!
//! What the history cannot tell: Aider writes a confirmation question only after the user
//! answers it, so while a `(Y)es/(N)o` prompt waits, the file just ends with the subject
//! (a command, a file name), like any other tool output. The pane layer (SPEC I0) confirms
//! that wait; this layer reads it by age.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{AgentActivity, TailReader, blocking, by_age, decay_ready, io_failed, modified_at, summary_line};
use crate::probe::{ActivitySource, AgentInfo, AgentProbe, Confidence, ProbeError, ProbeFuture};
use crate::session::{Activity, SessionRecord};

/// The name used in probe errors.
const PROBE: &str = "aider";

/// Aider's default chat history file, in the repository root (the worktree).
pub const CHAT_HISTORY: &str = ".aider.chat.history.md";

/// Aider's default input history file (prompt_toolkit `FileHistory`), beside it.
pub const INPUT_HISTORY: &str = ".aider.input.history";

/// The start of a user input line in the chat history.
const USER_INPUT: &str = "#### ";

/// Starts of the tool-error lines Aider writes when the model API fails (litellm exceptions and
/// Aider's own explanation after them). Aider has no structured error field, so these texts are
/// the only evidence; a retry notice after them means it is still trying.
const ERROR_STARTS: [&str; 3] = ["litellm.", "The API provider ", "API Error"];

/// What Aider writes while it retries a failed request.
const RETRYING: &str = "Retrying in ";

/// The start of Aider's usage report after each reply: `Tokens: … Cost: $x message, $y session.`
const USAGE_REPORT: &str = "Tokens: ";

/// Reads Aider's history files in a session's worktree.
#[derive(Debug)]
pub struct AiderProbe {
    tail: Arc<TailReader>,
}

impl AiderProbe {
    /// An adapter whose chat history reads go through `tail`.
    pub fn new(tail: Arc<TailReader>) -> Self {
        Self { tail }
    }

    /// The tail of the chat history and the last write to either history file, or `None` when
    /// Aider has not written a chat history yet. The input history is written the moment the
    /// user submits a line, so its time counts as activity too.
    async fn read(&self, session: &SessionRecord) -> Result<Option<(Vec<String>, Option<DateTime<Utc>>)>, ProbeError> {
        let chat: PathBuf = session.worktree.join(CHAT_HISTORY);
        let input = session.worktree.join(INPUT_HISTORY);
        let tail = self.tail.clone();
        blocking(PROBE, move || {
            if !chat.is_file() {
                return Ok(None);
            }
            let read = tail.read(&chat).map_err(|e| io_failed(PROBE, &chat, &e))?;
            let input_at = std::fs::metadata(&input).ok().and_then(|m| m.modified().ok());
            let last = modified_at(read.modified.max(input_at));
            Ok(Some((read.lines, last)))
        })
        .await
    }
}

/// The text of a blockquote line (`> text`), or `None` for other lines.
fn quoted(line: &str) -> Option<&str> {
    line.strip_prefix("> ").or_else(|| (line == ">").then_some(""))
}

/// The activity the end of the chat history shows, and the error text when blocked.
fn classify(lines: &[String], last_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (Activity, Option<String>) {
    let Some(last) = lines.last() else { return (Activity::Unknown, None) };
    // Aider writes the reply only once it has streamed in full, so a user input as the last line
    // means the model is still answering, however long that takes.
    if last.starts_with(USER_INPUT) {
        return (Activity::Active, None);
    }
    // The last blockquote run: where tool output, warnings and errors go.
    let quote: Vec<&str> = lines.iter().rev().map_while(|l| quoted(l)).collect();
    if quote.first().is_some_and(|l| l.starts_with(RETRYING)) {
        return (Activity::Active, None);
    }
    if let Some(error) = quote.iter().rev().find(|l| ERROR_STARTS.iter().any(|s| l.starts_with(s))) {
        return (Activity::Blocked, Some(error.trim().to_owned()));
    }
    (by_age(last_at, now), None)
}

/// The first line of the last assistant reply: plain text after the last user input.
fn last_reply(lines: &[String]) -> Option<String> {
    let after_input = lines.iter().rposition(|l| l.starts_with(USER_INPUT)).map_or(0, |i| i + 1);
    lines[after_input..].iter().filter(|l| quoted(l).is_none() && !l.starts_with('#')).find_map(|l| summary_line(l))
}

/// The session cost from the last usage report (`Cost: $0.02 message, $0.15 session.`). Aider
/// reports tokens only per message, so there is no session token total to give.
fn session_cost(lines: &[String]) -> Option<f64> {
    let report = lines.iter().rev().filter_map(|l| quoted(l)).find(|l| l.starts_with(USAGE_REPORT))?;
    let (_, after) = report.split_once(" message, $")?;
    // `parse` takes "NaN", "inf" and negatives; a cost is none of those.
    after.split_whitespace().next()?.parse().ok().filter(|cost: &f64| cost.is_finite() && *cost >= 0.0)
}

impl AgentProbe for AiderProbe {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            let (activity, error, last_at) = match self.read(session).await? {
                Some((lines, last_at)) => {
                    let (activity, error) = classify(&lines, last_at, now);
                    (decay_ready(activity, last_at, now), error, last_at)
                }
                None => (Activity::Unknown, None, None),
            };
            // Aider has no session id; `--restore-chat-history` resumes from the file.
            Ok(AgentActivity {
                activity,
                source: ActivitySource::Transcript,
                last_activity_at: last_at,
                agent_session_id: None,
                error,
                detail: None,
                confidence: Confidence::Medium,
                evidence_at: None,
                session_rebound: false,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async move {
            let Some((lines, _)) = self.read(session).await? else { return Ok(AgentInfo::default()) };
            Ok(AgentInfo {
                summary: last_reply(&lines),
                tokens: None,
                cost_usd: session_cost(&lines),
                transcript: Some(session.worktree.join(CHAT_HISTORY)),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn session_cost_comes_from_the_last_usage_report() {
        let text = "> Tokens: 2.1k sent, 150 received. Cost: $0.01 message, $0.03 session.\n\nok\n\n> Tokens: 3k sent, 9 received. Cost: $0.02 message, $0.05 session.";
        assert_eq!(session_cost(&lines(text)), Some(0.05), "the last report holds the running session cost");
        assert_eq!(session_cost(&lines("#### hi")), None, "no report, no cost");
    }
}
