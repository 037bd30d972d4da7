//! The `codex` adapter (SPEC I2): the tail of Codex's rollout file
//! `<codex home>/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`, found by the `cwd` in its
//! first line (`session_meta`) and cached per session (agent-formats §2).
//!
//! What a rollout cannot tell: Codex leaves approval requests and final errors out of it by
//! design, so a tool call waiting for approval reads `active`. The notify hook and the pane
//! (SPEC I0) resolve that; this layer reports what the file shows.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    AgentActivity, TailReader, TranscriptPaths, blocking, by_age, decay_ready, io_failed, modified_at, summary_line,
};
use crate::probe::{ActivitySource, AgentInfo, AgentProbe, Confidence, ProbeError, ProbeFuture};
use crate::session::{Activity, SessionRecord};

/// The name used in probe errors.
const PROBE: &str = "codex";

/// `sessions/YYYY/MM/DD/file`: deeper entries are not rollouts.
const MAX_SCAN_DEPTH: usize = 4;

/// The most read of a rollout's first line. `session_meta` can carry the base instructions
/// (tens of KB); a first line longer than this is not one Grove can match.
const MAX_META_LINE: u64 = 1024 * 1024;

/// Reads Codex rollouts under one Codex home.
#[derive(Debug)]
pub struct CodexProbe {
    codex_home: PathBuf,
    tail: Arc<TailReader>,
    /// Found rollouts, with the Codex session id from their `session_meta` (which the tail of a
    /// long rollout no longer contains).
    paths: Arc<TranscriptPaths<String>>,
}

impl CodexProbe {
    /// An adapter reading `<codex_home>/sessions/`; every tail read goes through `tail`.
    pub fn new(codex_home: PathBuf, tail: Arc<TailReader>) -> Self {
        Self { codex_home, tail, paths: Arc::default() }
    }
}

/// The session's rollout and Codex's id for it, from the cache or a scan of `codex_home`
/// (blocking).
fn find_rollout(
    codex_home: &Path,
    paths: &TranscriptPaths<String>,
    session: &SessionRecord,
) -> Option<(PathBuf, String)> {
    if let Some(hit) = paths.get(&session.id) {
        return Some(hit);
    }
    let mut wanted = vec![session.worktree.clone()];
    if let Ok(real) = std::fs::canonicalize(&session.worktree) {
        wanted.push(real);
    }
    // A rollout of this session was written after the session was created: older files
    // cannot match, and skipping them keeps the scan short in a long-used Codex home.
    let created = SystemTime::from(session.created_at);
    let mut candidates = Vec::new();
    collect_rollouts(&codex_home.join("sessions"), 0, created, &mut candidates);
    // Newest first: when several rollouts ran in the worktree, the latest is the live one.
    candidates.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    let in_worktree: Vec<(PathBuf, String)> = candidates
        .into_iter()
        .filter_map(|(_, path)| session_meta(&path).filter(|(cwd, _)| wanted.contains(cwd)).map(|(_, id)| (path, id)))
        .collect();
    // The recorded thread's rollout; else the newest in the worktree: a recorded id that names no
    // rollout of the worktree is wrong (an older Grove took a side thread's id from a notify).
    let recorded = session.agent_session_id.as_deref();
    let found = match in_worktree.iter().position(|(_, id)| Some(id.as_str()) == recorded) {
        Some(i) => in_worktree[i].clone(),
        None => in_worktree.into_iter().next()?,
    };
    paths.insert(session.id.clone(), found.0.clone(), found.1.clone());
    Some(found)
}

/// A found rollout and what its tail says.
struct Rollout {
    path: PathBuf,
    /// Codex's session id, from `session_meta`.
    id: String,
    lines: Vec<Value>,
    modified: Option<SystemTime>,
}

/// Every `rollout-*.jsonl` under `dir` modified at or after `since`, with its modification time.
fn collect_rollouts(dir: &Path, depth: usize, since: SystemTime, out: &mut Vec<(SystemTime, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if meta.is_dir() && depth < MAX_SCAN_DEPTH {
            collect_rollouts(&entry.path(), depth + 1, since, out);
        } else if meta.is_file()
            && name.starts_with("rollout-")
            && name.ends_with(".jsonl")
            && let Some(modified) = meta.modified().ok().filter(|m| *m >= since)
        {
            out.push((modified, entry.path()));
        }
    }
}

/// The `cwd` and `id` of a rollout's `session_meta` line.
fn session_meta(path: &Path) -> Option<(PathBuf, String)> {
    let mut line = String::new();
    BufReader::new(File::open(path).ok()?.take(MAX_META_LINE)).read_line(&mut line).ok()?;
    let first: Value = serde_json::from_str(&line).ok()?;
    if first["type"] != "session_meta" {
        return None;
    }
    let payload = &first["payload"];
    Some((PathBuf::from(payload["cwd"].as_str()?), payload["id"].as_str()?.to_owned()))
}

/// The activity the last decisive rollout lines show, before ready decays to idle, and the
/// error text when blocked.
fn classify(lines: &[Value], last_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (Activity, Option<String>) {
    for line in lines.iter().rev() {
        let payload = &line["payload"];
        let kind = payload["type"].as_str().unwrap_or_default();
        match line["type"].as_str() {
            Some("event_msg") => match kind {
                // `turn_*` are accepted aliases of the `task_*` wire names (agent-formats §2.2).
                "task_complete" | "turn_complete" | "turn_aborted" => return (Activity::Ready, None),
                "task_started" | "turn_started" | "user_message" | "agent_reasoning" => {
                    return (Activity::Active, None);
                }
                "patch_apply_end" | "mcp_tool_call_end" | "web_search_end" => return (Activity::Active, None),
                // Not persisted by current versions; older ones and other writers may.
                "error" | "stream_error" => {
                    return (Activity::Blocked, payload["message"].as_str().map(|m| m.trim().to_owned()));
                }
                // Versions that did not persist task events end a turn with the agent's message.
                "agent_message" => return (by_age(last_at, now), None),
                // token_count follows every response, inside a turn or at its end: not decisive.
                _ => {}
            },
            Some("response_item") => match kind {
                "function_call"
                | "custom_tool_call"
                | "local_shell_call"
                | "function_call_output"
                | "custom_tool_call_output"
                | "web_search_call"
                | "reasoning" => return (Activity::Active, None),
                "message" if payload["role"] == "assistant" => return (by_age(last_at, now), None),
                "message" if payload["role"] == "user" => return (Activity::Active, None),
                _ => {}
            },
            Some("turn_context") => return (Activity::Active, None),
            _ => {}
        }
    }
    (Activity::Unknown, None)
}

fn timestamp(line: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(line["timestamp"].as_str()?).ok().map(|t| t.with_timezone(&Utc))
}

fn parse_lines(lines: &[String]) -> Vec<Value> {
    lines.iter().filter_map(|l| serde_json::from_str::<Value>(l).ok()).filter(Value::is_object).collect()
}

/// The agent's last words in the tail: the last agent message, task completion message, or
/// assistant output text.
fn last_agent_text(lines: &[Value]) -> Option<String> {
    lines.iter().rev().find_map(|line| {
        let p = &line["payload"];
        match (line["type"].as_str()?, p["type"].as_str()?) {
            ("event_msg", "agent_message") => summary_line(p["message"].as_str()?),
            ("event_msg", "task_complete") => summary_line(p["last_agent_message"].as_str()?),
            ("response_item", "message") if p["role"] == "assistant" => {
                p["content"].as_array()?.iter().rev().find_map(|c| summary_line(c["text"].as_str()?))
            }
            _ => None,
        }
    })
}

/// Total tokens from the last `token_count` event, which carries the session's running total.
fn total_tokens(lines: &[Value]) -> Option<u64> {
    lines.iter().rev().find_map(|line| {
        let p = &line["payload"];
        if line["type"] != "event_msg" || p["type"] != "token_count" {
            return None;
        }
        let total = &p["info"]["total_token_usage"];
        total["total_tokens"]
            .as_u64()
            .or_else(|| Some(total["input_tokens"].as_u64()?.saturating_add(total["output_tokens"].as_u64()?)))
    })
}

impl CodexProbe {
    /// The rollout (found off the async threads), Codex's session id and the tail lines.
    async fn read(&self, session: &SessionRecord) -> Result<Option<Rollout>, ProbeError> {
        let (tail, paths, home) = (self.tail.clone(), self.paths.clone(), self.codex_home.clone());
        let session = session.clone();
        blocking(PROBE, move || {
            let Some((path, id)) = find_rollout(&home, &paths, &session) else { return Ok(None) };
            let read = tail.read(&path).map_err(|e| io_failed(PROBE, &path, &e))?;
            Ok(Some(Rollout { path, id, lines: parse_lines(&read.lines), modified: read.modified }))
        })
        .await
    }
}

impl AgentProbe for CodexProbe {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move {
            let Some(Rollout { id, lines, modified, .. }) = self.read(session).await? else {
                // No rollout, no thread: the recorded id is not confirmed, so none is given (the
                // events layer counts only the thread a rollout names, SPEC I2a).
                return Ok(AgentActivity {
                    activity: Activity::Unknown,
                    source: ActivitySource::Transcript,
                    last_activity_at: None,
                    agent_session_id: None,
                    error: None,
                    detail: None,
                    confidence: Confidence::Medium,
                    evidence_at: None,
                    session_rebound: false,
                    dialog: None,
                });
            };
            let last_at = lines.iter().filter_map(timestamp).max().or_else(|| modified_at(modified));
            let (activity, error) = classify(&lines, last_at, now);
            // The worktree's rollout is the session's thread: it replaces a recorded id that
            // names another one.
            let rebound = session.agent_session_id.as_deref().is_some_and(|known| known != id);
            Ok(AgentActivity {
                activity: decay_ready(activity, last_at, now),
                source: ActivitySource::Transcript,
                last_activity_at: last_at,
                agent_session_id: Some(id),
                error,
                detail: None,
                confidence: Confidence::Medium,
                evidence_at: None,
                session_rebound: rebound,
                dialog: None,
            })
        })
    }

    fn info<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async move {
            let Some(Rollout { path, lines, .. }) = self.read(session).await? else { return Ok(AgentInfo::default()) };
            // Codex records tokens but no price; cost would be a guess at the model's rates.
            Ok(AgentInfo {
                summary: last_agent_text(&lines),
                tokens: total_tokens(&lines),
                cost_usd: None,
                transcript: Some(path),
            })
        })
    }
}
