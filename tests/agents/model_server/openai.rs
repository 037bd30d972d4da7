//! OpenAI's APIs as the agents use them:
//! - Responses (`POST /v1/responses`, Codex): streamed `response.created`, per output item
//!   `response.output_item.added` / `response.output_text.delta` / `response.output_item.done`, then
//!   `response.completed` with the usage Codex reads.
//! - Chat Completions (`POST /v1/chat/completions`, Aider through litellm): streamed chunks ending
//!   with `[DONE]`, or one JSON document when not streamed.

use std::io;
use std::net::TcpStream;

use serde_json::{Value, json};

use super::http::{EventStream, write_json};
use super::script::{Ask, Reply};

/// The start of the prompt Codex sends for the title of a new thread.
const CODEX_TITLE_PROMPT: &str = "Generate a concise, single-line task title";

/// What a Responses request asks. Codex's title request has no tools and wants JSON.
pub fn responses_ask(body: &Value) -> Ask {
    let input = body["input"].as_array().cloned().unwrap_or_default();
    let users: Vec<String> = input
        .iter()
        .filter(|i| i["type"] == "message" && i["role"] == "user")
        .map(|i| text_of(&i["content"]))
        .filter(|t| !t.trim_start().starts_with('<'))
        .collect();
    let no_tools = body["tools"].as_array().is_none_or(Vec::is_empty);
    if no_tools || users.last().is_some_and(|t| t.starts_with(CODEX_TITLE_PROMPT)) {
        return Ask::Title { json: body["text"]["format"]["type"] == "json_schema" };
    }
    let after_tool = input.last().is_some_and(|i| i["type"] == "function_call_output");
    Ask::Turn { prompt: users.last().cloned().unwrap_or_default(), after_tool }
}

/// The text of a message's content (a string or a list of typed parts).
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

/// The output item of `reply`: Codex's shell tool is `exec_command`, and it asks the user only when
/// the call requests to leave the sandbox, with a justification.
fn responses_item(reply: &Reply, id: u64) -> Value {
    match reply {
        Reply::Run { command } => {
            let arguments = json!({"cmd": command, "sandbox_permissions": "require_escalated",
                "justification": "The scripted test needs to run this command."});
            json!({"type": "function_call", "id": format!("fc_{id:08}"), "call_id": format!("call_{id:08}"),
                   "name": "exec_command", "arguments": arguments.to_string()})
        }
        other => json!({"type": "message", "role": "assistant", "id": format!("msg_{id:08}"),
            "content": [{"type": "output_text", "text": other.as_chat_text(), "annotations": []}]}),
    }
}

/// Sends `reply` as the answer to a Responses request.
pub fn respond_responses(stream: &mut TcpStream, reply: &Reply, id: u64) -> io::Result<()> {
    let item = responses_item(reply, id);
    let response_id = format!("resp_{id:08}");
    let mut events = EventStream::start(stream)?;
    events.json("response.created", json!({"type": "response.created", "response": {"id": response_id}}))?;
    events.json(
        "response.output_item.added",
        json!({"type": "response.output_item.added", "output_index": 0, "item": item}),
    )?;
    if let Some(text) = item["content"][0]["text"].as_str() {
        events.json(
            "response.output_text.delta",
            json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0,
                   "item_id": item["id"], "delta": text}),
        )?;
    }
    events.json(
        "response.output_item.done",
        json!({"type": "response.output_item.done", "output_index": 0, "item": item}),
    )?;
    let usage = json!({"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
                       "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15});
    events.json(
        "response.completed",
        json!({"type": "response.completed", "response": {"id": response_id, "usage": usage}}),
    )
}

/// What a Chat Completions request asks. Aider's commit-message request says so in its system
/// prompt; Aider appends its format instructions to the user's words, which the markers ignore.
pub fn chat_ask(body: &Value) -> Ask {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let system = messages.iter().filter(|m| m["role"] == "system").map(|m| text_of(&m["content"])).collect::<String>();
    if system.contains("commit message") {
        return Ask::CommitMessage;
    }
    let prompt = messages.iter().rev().find(|m| m["role"] == "user").map(|m| text_of(&m["content"]));
    Ask::Turn { prompt: prompt.unwrap_or_default(), after_tool: false }
}

/// Sends `reply` as the answer to a Chat Completions request with body `body`.
pub fn respond_chat(stream: &mut TcpStream, body: &Value, reply: &Reply, id: u64) -> io::Result<()> {
    let text = reply.as_chat_text();
    let (chat_id, model) = (format!("chatcmpl-{id:08}"), body["model"].clone());
    let usage = json!({"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15});
    if body["stream"] != true {
        let answer = json!({"id": chat_id, "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": usage});
        return write_json(stream, 200, &answer);
    }
    let chunk = |delta: Value, finish: Value| {
        json!({"id": chat_id, "object": "chat.completion.chunk", "created": 0, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let mut events = EventStream::start(stream)?;
    events.event(None, &chunk(json!({"role": "assistant", "content": text}), Value::Null).to_string())?;
    let mut last = chunk(json!({}), json!("stop"));
    last["usage"] = usage;
    events.event(None, &last.to_string())?;
    events.event(None, "[DONE]")
}
