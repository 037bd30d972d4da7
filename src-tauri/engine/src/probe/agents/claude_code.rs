//! The `claude-code` adapter (SPEC I1): the tail of Claude Code's JSONL transcript under
//! `<config>/projects/<encoded cwd>/<session id>.jsonl` (agent-formats §1).
//!
//! What a transcript cannot tell: Claude writes nothing when it opens a permission dialog, so a
//! pending `tool_use` reads `active` whether the tool runs or waits for the user's approval. The
//! hook and pane layers (SPEC I0) resolve that; this layer reports what the file shows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::claude_usage::{Usage, UsageLedger};
use super::{
    AgentActivity, Tail, TailReader, TranscriptPaths, blocking, by_age, decay_ready, io_failed, modified_at,
    summary_line,
};
use crate::probe::{ActivitySource, AgentInfo, AgentProbe, Confidence, ProbeError, ProbeFuture};
use crate::session::{Activity, SessionRecord};

/// The name used in probe errors.
const PROBE: &str = "claude-code";

/// Claude shortens encoded directory names longer than this and appends a hash that differs
/// between its builds, so longer names are matched by this prefix plus `-` (agent-formats §1.1).
const MAX_ENCODED_LEN: usize = 200;

/// Tools that always wait for the user: a pending one is a question, not work (agent-formats §6.2
/// row 5).
const ASKING_TOOLS: [&str; 2] = ["AskUserQuestion", "ExitPlanMode"];

/// Claude's marker for an interrupted turn (Esc, or a denied permission); no Stop hook follows it.
const INTERRUPTED: &str = "[Request interrupted by user";

/// Claude Code's directory name for a working directory: every UTF-16 unit outside
/// `[A-Za-z0-9]` becomes `-` (Claude replaces on JavaScript strings, so a character outside the
/// BMP becomes two dashes). The caller canonicalises the path first, as Claude does; names over
/// 200 characters are returned in full and matched by prefix. Claude also NFC-normalises the
/// path; Grove does not, so a decomposed non-ASCII path may not be found (it is read as
/// "no transcript yet", never as an error).
pub fn encode_claude_project_dir(cwd: &Path) -> String {
    let mut out = String::new();
    for c in cwd.to_string_lossy().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('-', c.len_utf16()));
        }
    }
    out
}

/// Reads Claude Code transcripts under one config root.
#[derive(Debug)]
pub struct ClaudeCodeProbe {
    config_root: PathBuf,
    tail: Arc<TailReader>,
    /// Found transcripts, with the `agentSessionId` they were found for. Shared with the
    /// blocking task that looks them up.
    paths: Arc<TranscriptPaths<Option<String>>>,
    /// Shared with the blocking task that updates it.
    usage: Arc<UsageLedger>,
}

/// What one blocking read found: the transcript, its tail, and (for `info`) its usage totals.
struct Read {
    path: PathBuf,
    tail: Tail,
    usage: Option<Usage>,
}

impl ClaudeCodeProbe {
    /// An adapter reading `<config_root>/projects/`; every tail read goes through `tail`.
    pub fn new(config_root: PathBuf, tail: Arc<TailReader>) -> Self {
        Self { config_root, tail, paths: Arc::default(), usage: Arc::default() }
    }

    /// Finds the session's transcript and reads its tail (and usage, with `with_usage`) off the
    /// async threads. `None` while Claude has not written its first entry.
    async fn read(&self, session: &SessionRecord, with_usage: bool) -> Result<Option<Read>, ProbeError> {
        let (root, paths, tail, usage) =
            (self.config_root.clone(), self.paths.clone(), self.tail.clone(), self.usage.clone());
        let session = session.clone();
        blocking(PROBE, move || {
            let Some(path) = find_transcript(&root, &paths, &session) else { return Ok(None) };
            let read_tail = tail.read(&path).map_err(|e| io_failed(PROBE, &path, &e))?;
            let usage = match with_usage {
                true => Some(usage.totals(&path).map_err(|e| io_failed(PROBE, &path, &e))?),
                false => None,
            };
            Ok(Some(Read { path, tail: read_tail, usage }))
        })
        .await
    }
}

/// The project directory Claude uses for `worktree`, if it exists.
fn project_dir(config_root: &Path, worktree: &Path) -> Option<PathBuf> {
    let cwd = std::fs::canonicalize(worktree).unwrap_or_else(|_| worktree.to_path_buf());
    let encoded = encode_claude_project_dir(&cwd);
    let projects = config_root.join("projects");
    if encoded.len() <= MAX_ENCODED_LEN {
        let dir = projects.join(&encoded);
        return dir.is_dir().then_some(dir);
    }
    // The encoding is ASCII, so byte 200 is a character boundary.
    let prefix = format!("{}-", &encoded[..MAX_ENCODED_LEN]);
    std::fs::read_dir(&projects)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
}

/// The session's transcript (blocking): `<agentSessionId>.jsonl` when the record has the id, else
/// the newest main transcript in the directory. A cached path is reused while its file exists and
/// the record's id is the one it was found for, so an id learnt later (a hook, `/clear`) switches
/// to the right file.
fn find_transcript(
    config_root: &Path,
    paths: &TranscriptPaths<Option<String>>,
    session: &SessionRecord,
) -> Option<PathBuf> {
    if let Some((path, id)) = paths.get(&session.id)
        && id == session.agent_session_id
    {
        return Some(path);
    }
    let dir = project_dir(config_root, &session.worktree)?;
    let path = match &session.agent_session_id {
        // An id with a path separator cannot be a file name here; fall back to the newest file.
        Some(id) if !id.contains(['/', '\\']) => Some(dir.join(format!("{id}.jsonl"))).filter(|p| p.is_file()),
        _ => newest_transcript(&dir),
    }?;
    paths.insert(session.id.clone(), path.clone(), session.agent_session_id.clone());
    Some(path)
}

/// The most recently modified `*.jsonl` in `dir` that is not a sub-agent transcript.
fn newest_transcript(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".jsonl") && !name.starts_with("agent-")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// The activity the last decisive transcript entries show, before ready decays to idle, and the
/// error text when blocked.
fn classify(entries: &[Value], last_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (Activity, Option<String>) {
    for entry in entries.iter().rev().filter(|e| e["isSidechain"] != true && e["isMeta"] != true) {
        match entry["type"].as_str() {
            Some("system") => match entry["subtype"].as_str() {
                Some("turn_duration") => return (Activity::Ready, None),
                // Written on each retry: the request is still being made.
                Some("api_error") => return (Activity::Active, None),
                _ => {}
            },
            Some("assistant") => {
                let message = &entry["message"];
                let text = texts(message).next().unwrap_or_default().trim().to_owned();
                if entry["isApiErrorMessage"] == true || (is_synthetic(message) && text.starts_with("API Error")) {
                    return (Activity::Blocked, Some(text));
                }
                if let Some(tool) = tool_uses(message).last() {
                    // A pending tool: running, or waiting behind a permission dialog (see the
                    // module doc). Only the asking tools are known to wait.
                    let waits = ASKING_TOOLS.contains(&tool);
                    return (if waits { Activity::WaitingInput } else { Activity::Active }, None);
                }
                return match message["stop_reason"].as_str() {
                    // A text block of a response whose tool call is still to be written.
                    Some("tool_use") => (Activity::Active, None),
                    Some(_) => (Activity::Ready, None),
                    _ if is_synthetic(message) => (Activity::Ready, None),
                    // No stop reason: a block of a response still streaming (or a version that
                    // leaves it out); only its age tells.
                    None => (by_age(last_at, now), None),
                };
            }
            Some("user") => {
                let interrupted = match &entry["message"]["content"] {
                    Value::String(s) => s.starts_with(INTERRUPTED),
                    Value::Array(blocks) => {
                        blocks.iter().any(|b| b["text"].as_str().is_some_and(|t| t.starts_with(INTERRUPTED)))
                    }
                    _ => false,
                };
                // A prompt or a tool result: the model is working on the answer, however long.
                return (if interrupted { Activity::Ready } else { Activity::Active }, None);
            }
            // summary, file-history-snapshot, queue-operation and newer kinds say nothing of state.
            _ => {}
        }
    }
    (Activity::Unknown, None)
}

fn is_synthetic(message: &Value) -> bool {
    message["model"] == "<synthetic>"
}

/// The text blocks of a message, last first.
fn texts(message: &Value) -> impl Iterator<Item = &str> {
    let blocks = message["content"].as_array().map(Vec::as_slice).unwrap_or_default();
    blocks.iter().rev().filter(|b| b["type"] == "text").filter_map(|b| b["text"].as_str())
}

/// The names of the tools a message calls, in order.
fn tool_uses(message: &Value) -> impl Iterator<Item = &str> {
    let blocks = message["content"].as_array().map(Vec::as_slice).unwrap_or_default();
    blocks.iter().filter(|b| b["type"] == "tool_use").map(|b| b["name"].as_str().unwrap_or(""))
}

fn timestamp(entry: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(entry["timestamp"].as_str()?).ok().map(|t| t.with_timezone(&Utc))
}

/// Parses tail lines, skipping what is not JSON (a garbage line, a line cut mid-write).
fn parse_lines(lines: &[String]) -> Vec<Value> {
    lines.iter().filter_map(|l| serde_json::from_str::<Value>(l).ok()).filter(Value::is_object).collect()
}

impl AgentProbe for ClaudeCodeProbe {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            let Some(read) = self.read(session, false).await? else {
                return Ok(AgentActivity {
                    activity: Activity::Unknown,
                    source: ActivitySource::Transcript,
                    last_activity_at: None,
                    agent_session_id: session.agent_session_id.clone(),
                    error: None,
                    detail: None,
                    confidence: Confidence::Medium,
                    evidence_at: None,
                    session_rebound: false,
                    dialog: None,
                });
            };
            let entries = parse_lines(&read.tail.lines);
            let last_at = entries.iter().filter_map(timestamp).max().or_else(|| modified_at(read.tail.modified));
            let (activity, error) = classify(&entries, last_at, now);
            // Every entry carries the session id; the file is named after it when none survived.
            let agent_session_id = entries
                .iter()
                .rev()
                .find_map(|e| e["sessionId"].as_str().map(str::to_owned))
                .or_else(|| read.path.file_stem().map(|s| s.to_string_lossy().into_owned()));
            Ok(AgentActivity {
                activity: decay_ready(activity, last_at, now),
                source: ActivitySource::Transcript,
                last_activity_at: last_at,
                agent_session_id,
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
            let Some(read) = self.read(session, true).await? else { return Ok(AgentInfo::default()) };
            let summary = parse_lines(&read.tail.lines)
                .iter()
                .rev()
                .filter(|e| e["type"] == "assistant" && e["isSidechain"] != true && !is_synthetic(&e["message"]))
                .find_map(|e| texts(&e["message"]).find_map(summary_line));
            let usage = read.usage.unwrap_or_default();
            Ok(AgentInfo { summary, tokens: usage.tokens, cost_usd: usage.cost_usd, transcript: Some(read.path) })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_replaces_every_non_alphanumeric_unit() {
        let cases = [
            ("/home/ann/wt/feat_x.2", "-home-ann-wt-feat-x-2"),
            ("/tmp/a b:c", "-tmp-a-b-c"),
            ("/home/zoë", "-home-zo-"),
            ("/x/🌲", "-x---"),
        ];
        for (path, want) in cases {
            assert_eq!(encode_claude_project_dir(Path::new(path)), want, "encoding of {path}");
        }
    }
}
