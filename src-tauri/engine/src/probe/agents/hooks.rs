//! What the events an agent reported say about its state (SPEC I0 layer 2, agent-formats §1.5,
//! §2.5, §3, §6.2). Pure: the events of the current run in, one reading out.
//!
//! Claude Code reports every step through hooks, so its events alone decide most states; the
//! rules that matter are the way back out of a wait (any later sign of progress clears it, so a
//! late or stale notification never sticks, AO #3738) and the notifications that are not waits
//! (`idle_prompt` fires a minute after a finished turn). Codex reports only finished turns
//! (`notify`) and Aider only "waiting for input" (its notifications command, which also fires
//! before a yes/no question): both are turn boundaries that the transcript and the pane refine.

use chrono::{DateTime, Utc};

use crate::events::{AgentEvent, Via};
use crate::session::Activity;

/// What the events of the current run say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookReading {
    /// The state the last deciding event put the agent in.
    pub activity: Activity,
    /// When that event arrived.
    pub at: DateTime<Utc>,
    /// What it was about, for a person ("waiting for permission to run `cargo test`").
    pub detail: Option<String>,
    /// The error, when the agent is blocked.
    pub error: Option<String>,
    /// The agent's own session id as of the last event that carried one (it changes on `/clear`).
    pub session_id: Option<String>,
}

/// Claude's notification types that mean "a person must answer" (agent-formats §1.5).
const WAITING_NOTIFICATIONS: [&str; 2] = ["permission_prompt", "elicitation_dialog"];

/// The reading of `events` (oldest first, the current run only) reported by `agent`; `None`
/// when no event says anything about the state. Any other agent (the demo, a custom command)
/// may report through `grove hook <name>` in Claude Code's hook format, read the same way.
/// `own_thread` is Codex's thread of the session (SPEC I2a); the other agents ignore it.
pub fn read_events(agent: &str, events: &[AgentEvent], own_thread: Option<&str>) -> Option<HookReading> {
    match agent {
        "codex" => read_codex(events, own_thread?),
        "aider" => read_aider(events),
        _ => read_claude(events),
    }
}

/// A wait in progress: the tool call it is for, if the event named one.
struct Wait {
    tool_use_id: Option<String>,
}

fn read_claude(events: &[AgentEvent]) -> Option<HookReading> {
    let mut reading: Option<HookReading> = None;
    let mut wait: Option<Wait> = None;
    let mut session_id = None;
    for event in events.iter().filter(|e| e.via == Via::Hook) {
        if let Some(id) = event.str("session_id") {
            session_id = Some(id.to_owned());
        }
        let tool_use_id = event.str("tool_use_id").map(str::to_owned);
        let set = |activity, detail: Option<String>, error: Option<String>| {
            Some(HookReading { activity, at: event.at, detail, error, session_id: None })
        };
        let next = match event.event.as_str() {
            "SessionStart" => set(Activity::Ready, None, None),
            "UserPromptSubmit" | "PreCompact" | "PostCompact" | "SubagentStart" | "SubagentStop" => {
                set(Activity::Active, None, None)
            }
            // A new tool call: the model moved on from any earlier question.
            "PreToolUse" if wait.as_ref().is_some_and(|w| same_call(w, &tool_use_id)) => None,
            "PreToolUse" => set(Activity::Active, tool_detail("running", event), None),
            // The end of a call: clears a wait for that call (or for an unnamed one); another
            // call finishing in parallel says nothing about the one still waiting.
            "PostToolUse" | "PostToolUseFailure" => match &wait {
                Some(w) if !same_call(w, &tool_use_id) && w.tool_use_id.is_some() && tool_use_id.is_some() => None,
                _ => set(Activity::Active, None, None),
            },
            "PermissionRequest" => {
                let detail = match event.str("tool_name") {
                    // The question itself, as the row should say it ("Should I also note this in
                    // CHANGELOG.md?"); its input holds a `questions` array.
                    Some("AskUserQuestion") => {
                        Some(question_of(event).unwrap_or_else(|| "asking a question".to_owned()))
                    }
                    Some("ExitPlanMode") => Some("waiting for approval of its plan".to_owned()),
                    _ => tool_detail("waiting for permission to", event),
                };
                set(Activity::WaitingInput, detail, None)
            }
            "Elicitation" => set(Activity::WaitingInput, Some("an MCP server is asking a question".into()), None),
            "Notification" => match event.str("notification_type") {
                // A wait already known (from PermissionRequest) keeps its better detail.
                Some(kind) if WAITING_NOTIFICATIONS.contains(&kind) => match &reading {
                    Some(r) if r.activity == Activity::WaitingInput => None,
                    _ => set(Activity::WaitingInput, event.str("message").map(str::to_owned), None),
                },
                // "waiting for your input" a minute after a turn ended: ready, never a wait, and
                // not activity either (the idle clock keeps running; a failure stays shown).
                Some("idle_prompt") => match &reading {
                    Some(_) => None,
                    None => set(Activity::Ready, None, None),
                },
                _ => None,
            },
            "Stop" => set(Activity::Ready, None, None),
            "StopFailure" => {
                let kind = event.str("error_type").unwrap_or("unknown");
                let text = event.str("error_message").or_else(|| event.str("error")).unwrap_or("the request failed");
                set(Activity::Blocked, None, Some(format!("{kind}: {text}")))
            }
            // `/clear` ends one conversation and a SessionStart begins the next.
            "SessionEnd" if event.str("reason") == Some("clear") => None,
            "SessionEnd" => set(Activity::Exited, Some("the agent ended its session".into()), None),
            _ => None,
        };
        if let Some(next) = next {
            wait = (next.activity == Activity::WaitingInput).then(|| Wait { tool_use_id: tool_use_id.clone() });
            reading = Some(next);
        }
    }
    reading.map(|r| HookReading { session_id, ..r })
}

/// The first question of an AskUserQuestion call, on one line.
/// The events file keeps it as `tool_input.question` (see `events::slim_payload`).
fn question_of(event: &AgentEvent) -> Option<String> {
    let text = event.payload.get("tool_input")?.get("question")?.as_str()?;
    Some(first_line(text)).filter(|q| !q.trim().is_empty())
}

fn same_call(wait: &Wait, id: &Option<String>) -> bool {
    wait.tool_use_id.is_some() && wait.tool_use_id == *id
}

/// "running `cargo test`", "waiting for permission to edit src/main.rs": what a tool call is
/// about, from the fields its input keeps.
fn tool_detail(prefix: &str, event: &AgentEvent) -> Option<String> {
    let tool = event.str("tool_name")?;
    let input = event.payload.get("tool_input");
    let field = |k: &str| input.and_then(|i| i.get(k)).and_then(|v| v.as_str()).map(first_line);
    let what = match tool {
        "Bash" => field("command").map(|c| format!("run `{c}`")),
        "Edit" | "MultiEdit" => field("file_path").map(|p| format!("edit {p}")),
        "Write" => field("file_path").map(|p| format!("write {p}")),
        "Read" => field("file_path").map(|p| format!("read {p}")),
        "WebFetch" => field("url").map(|u| format!("fetch {u}")),
        _ => None,
    }
    .unwrap_or_else(|| format!("use {tool}"));
    Some(match prefix {
        "running" => format!("{prefix} {}", what.strip_prefix("run ").unwrap_or(&what)),
        _ => format!("{prefix} {what}"),
    })
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 80 || text.lines().nth(1).is_some() {
        let mut short: String = line.chars().take(80).collect();
        short.push('…');
        return short;
    }
    line.to_owned()
}

/// Codex's `notify` runs only when a turn completes (agent-formats §2.5), and for side turns in
/// other threads too: the thread-title generation of a first prompt completes while the real
/// turn may still wait for an approval. Only the session's own thread counts (SPEC I2a), and a
/// notify never names the session's thread: the rollout whose `cwd` is the worktree does.
fn read_codex(events: &[AgentEvent], own_thread: &str) -> Option<HookReading> {
    let event =
        events.iter().rev().find(|e| e.event == "agent-turn-complete" && e.str("thread-id") == Some(own_thread))?;
    let summary = event.str("last-assistant-message").and_then(super::summary_line);
    Some(HookReading {
        activity: Activity::Ready,
        at: event.at,
        detail: summary.map(|s| format!("finished: {s}")),
        error: None,
        session_id: None,
    })
}

/// Aider's notifications command runs when it waits for input: at its prompt, or before a yes/no
/// question. Only the pane tells which; this reading says "ready" and the pane refines it.
fn read_aider(events: &[AgentEvent]) -> Option<HookReading> {
    let event = events.iter().rev().find(|e| e.event == "ready")?;
    Some(HookReading { activity: Activity::Ready, at: event.at, detail: None, error: None, session_id: None })
}
