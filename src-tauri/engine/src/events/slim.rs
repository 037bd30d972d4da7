//! Slimming a payload before it is stored. Hook payloads carry whole tool outputs (a
//! `PostToolUse` for a file read holds the file) and Codex's notify carries every input message:
//! the events file needs the fields that tell a state, bounded, not a second transcript.

use serde_json::{Map, Value};

/// The longest string kept from a payload, in characters; longer ones are cut and marked.
pub const MAX_STRING_CHARS: usize = 400;

/// The longest line written to an events file. A line that would be longer keeps only its event
/// name, so one event can never make the file unreadable.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// Top-level keys dropped outright: bulky, and they tell nothing about the agent's state.
const DROPPED: [&str; 4] = ["tool_response", "permission_suggestions", "input-messages", "custom_instructions"];

/// The keys of `tool_input` kept: the ones a person needs to recognise the request ("run
/// `cargo test`", "edit src/main.rs").
const TOOL_INPUT_KEPT: [&str; 7] = ["command", "description", "file_path", "path", "pattern", "url", "query"];

/// The payload with bulky keys dropped, `tool_input` reduced to what identifies the request,
/// nested objects other than that flattened away, and every string cut to
/// [`MAX_STRING_CHARS`].
pub fn slim_payload(payload: Value) -> Value {
    let Value::Object(map) = payload else { return Value::Null };
    let mut out = Map::new();
    for (key, value) in map {
        if DROPPED.contains(&key.as_str()) {
            continue;
        }
        let kept = match (key.as_str(), value) {
            ("tool_input", Value::Object(input)) => {
                // AskUserQuestion's first question is what the user must answer: kept as one string.
                let question = input
                    .get("questions")
                    .and_then(|q| q.get(0))
                    .and_then(|q| q.get("question"))
                    .filter(|q| q.is_string())
                    .cloned();
                let mut kept: Map<String, Value> = input
                    .into_iter()
                    .filter(|(k, v)| TOOL_INPUT_KEPT.contains(&k.as_str()) && v.is_string())
                    .map(|(k, v)| (k, cut(v)))
                    .collect();
                if let Some(question) = question {
                    kept.insert("question".into(), cut(question));
                }
                Value::Object(kept)
            }
            // AskUserQuestion's questions: the first question's text is what the user must answer.
            ("tool_input", other) => cut(other),
            (_, Value::String(s)) => cut(Value::String(s)),
            (_, v @ (Value::Bool(_) | Value::Number(_) | Value::Null)) => v,
            // Other nested values are not needed to tell a state.
            _ => continue,
        };
        out.insert(key, kept);
    }
    Value::Object(out)
}

fn cut(value: Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > MAX_STRING_CHARS => {
            let mut short: String = s.chars().take(MAX_STRING_CHARS).collect();
            short.push('…');
            Value::String(short)
        }
        Value::String(s) => Value::String(s),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bulky_fields_go_and_identifying_ones_stay() {
        let payload = json!({
            "session_id": "s-1",
            "hook_event_name": "PostToolUse",
            "tool_name": "Read",
            "tool_input": {"file_path": "src/main.rs", "limit": 2000, "content": {"x": 1}},
            "tool_response": {"file": {"content": "x".repeat(100_000)}},
            "permission_suggestions": [{"type": "addRules"}],
            "stop_hook_active": false,
        });
        let slim = slim_payload(payload);
        assert_eq!(
            slim,
            json!({
                "session_id": "s-1",
                "hook_event_name": "PostToolUse",
                "tool_name": "Read",
                "tool_input": {"file_path": "src/main.rs"},
                "stop_hook_active": false,
            })
        );
    }

    #[test]
    fn long_strings_are_cut_and_non_objects_carry_nothing() {
        let slim = slim_payload(json!({"message": "m".repeat(5_000)}));
        let message = slim["message"].as_str().unwrap();
        assert_eq!(message.chars().count(), MAX_STRING_CHARS + 1, "400 characters and …");
        assert_eq!(slim_payload(json!(["not", "an", "object"])), Value::Null);
        assert_eq!(slim_payload(json!("text")), Value::Null);
    }
}
