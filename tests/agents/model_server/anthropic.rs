//! Anthropic's Messages API, as Claude Code uses it: `POST /v1/messages` with `stream: true`,
//! answered with server-sent events (`message_start`, `content_block_start/delta/stop` per block,
//! `message_delta` with the stop reason, `message_stop`). Non-streamed requests get the same
//! message as one JSON document.

use std::io;
use std::net::TcpStream;

use serde_json::{Value, json};

use super::http::{EventStream, write_json};
use super::script::{Ask, Reply};

/// What a Messages request asks. Claude sends every prompt's title request without tools; a
/// turn's request carries the tools. Claude puts `<system-reminder>` blocks in user messages; they
/// are not the user's words.
pub fn ask(body: &Value) -> Ask {
    let no_tools = body["tools"].as_array().is_none_or(Vec::is_empty);
    if no_tools {
        let json = body["output_config"]["format"]["type"] == "json_schema";
        return Ask::Title { json };
    }
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let users: Vec<&Value> = messages.iter().filter(|m| m["role"] == "user").collect();
    let after_tool = users.last().is_some_and(|m| blocks(m).iter().any(|b| b["type"] == "tool_result"));
    let prompt = users.iter().rev().find_map(|m| user_words(m)).unwrap_or_default();
    Ask::Turn { prompt, after_tool }
}

fn blocks(message: &Value) -> Vec<Value> {
    match &message["content"] {
        Value::Array(items) => items.clone(),
        Value::String(text) => vec![json!({"type": "text", "text": text})],
        _ => Vec::new(),
    }
}

/// The user's own text in a message, if it has any.
fn user_words(message: &Value) -> Option<String> {
    let words: Vec<String> = blocks(message)
        .iter()
        .filter(|b| b["type"] == "text")
        .filter_map(|b| b["text"].as_str())
        .filter(|t| !t.trim_start().starts_with("<system-reminder>"))
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then(|| words.join("\n"))
}

/// The content blocks of `reply`: Claude's shell tool is `Bash`.
fn content(reply: &Reply, id: u64) -> Vec<Value> {
    match reply {
        Reply::Text(text) => vec![json!({"type": "text", "text": text})],
        Reply::Run { command } => vec![
            json!({"type": "text", "text": "I will run it."}),
            json!({"type": "tool_use", "id": format!("toolu_{id:08}"), "name": "Bash",
                   "input": {"command": command, "description": "Run the requested command"}}),
        ],
        Reply::CreateFile { path } => vec![
            json!({"type": "text", "text": "I will create it."}),
            json!({"type": "tool_use", "id": format!("toolu_{id:08}"), "name": "Write",
                   "input": {"file_path": path, "content": super::script::FILE_CONTENT}}),
        ],
    }
}

fn usage() -> Value {
    json!({"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
}

/// Sends `reply` as the answer to a request with body `body`.
pub fn respond(stream: &mut TcpStream, body: &Value, reply: &Reply, id: u64) -> io::Result<()> {
    let blocks = content(reply, id);
    let stop_reason = if blocks.iter().any(|b| b["type"] == "tool_use") { "tool_use" } else { "end_turn" };
    let model = body["model"].clone();
    let message_id = format!("msg_{id:08}");
    if body["stream"] != true {
        let message = json!({"id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": blocks, "stop_reason": stop_reason, "stop_sequence": null, "usage": usage()});
        return write_json(stream, 200, &message);
    }
    let mut events = EventStream::start(stream)?;
    events.json(
        "message_start",
        json!({"type": "message_start", "message": {"id": message_id, "type": "message", "role": "assistant",
            "model": model, "content": [], "stop_reason": null, "stop_sequence": null, "usage": usage()}}),
    )?;
    for (index, block) in blocks.iter().enumerate() {
        let (start, delta) = match block["type"].as_str() {
            Some("tool_use") => (
                json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}),
                json!({"type": "input_json_delta", "partial_json": block["input"].to_string()}),
            ),
            _ => (json!({"type": "text", "text": ""}), json!({"type": "text_delta", "text": block["text"]})),
        };
        events.json(
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": start}),
        )?;
        events.json("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": delta}))?;
        events.json("content_block_stop", json!({"type": "content_block_stop", "index": index}))?;
    }
    events.json(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
               "usage": {"output_tokens": 5}}),
    )?;
    events.json("message_stop", json!({"type": "message_stop"}))
}
