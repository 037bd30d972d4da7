//! The script: what the model answers, decided by rules on the request, the same for every API.
//!
//! - A side request (a title, a commit message) gets a short fixed answer.
//! - A request whose last input is a tool's result gets a short final text: the turn ends.
//! - A prompt with `RUN:<command>` gets a call of the agent's shell tool with that command, one the
//!   agent asks permission for.
//! - A prompt with `FILE:<name>` gets a whole-file edit creating `<name>` (Aider asks before creating).
//! - Anything else gets a short text.
//!
//! `DELAY:<ms>` anywhere in the turn's prompt delays every answer of that turn, so a test can see
//! the agent working.

use std::time::Duration;

/// The text of the final answer after a tool ran.
pub const FINAL_TEXT: &str = "Done: the command ran.";
/// The answer to a prompt without a marker.
pub const PLAIN_TEXT: &str = "OK, noted.";
/// The title of every session.
pub const TITLE: &str = "Scripted title";
/// The message of every commit Aider makes.
pub const COMMIT_MESSAGE: &str = "Scripted commit";
/// What the file of a `FILE:` edit holds.
pub const FILE_CONTENT: &str = "hello from the scripted model";

/// What a request asks, as far as the script cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A title for the session: some APIs want it as JSON `{"title": ...}`.
    Title { json: bool },
    /// A commit message (Aider).
    CommitMessage,
    /// A turn's request: the prompt of the turn, and whether the last input is a tool's result.
    Turn { prompt: String, after_tool: bool },
}

/// What the model answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Plain text.
    Text(String),
    /// A call of the agent's shell tool.
    Run { command: String },
    /// A whole-file edit that creates `path`.
    CreateFile { path: String },
}

impl Reply {
    /// The text an answer in Aider's whole-file format carries.
    pub fn as_chat_text(&self) -> String {
        match self {
            Reply::Text(t) => t.clone(),
            // Aider's whole format: a fenced block is a file, so a command is text only.
            Reply::Run { command } => format!("Please run `{command}` yourself."),
            Reply::CreateFile { path } => format!("I will create it.\n\n{path}\n```\n{FILE_CONTENT}\n```\n"),
        }
    }
}

/// The answer to `ask`, and how long to wait before sending it.
pub fn decide(ask: &Ask) -> (Reply, Duration) {
    match ask {
        Ask::Title { json: true } => (Reply::Text(serde_json::json!({ "title": TITLE }).to_string()), Duration::ZERO),
        Ask::Title { json: false } => (Reply::Text(TITLE.to_owned()), Duration::ZERO),
        Ask::CommitMessage => (Reply::Text(COMMIT_MESSAGE.to_owned()), Duration::ZERO),
        Ask::Turn { prompt, after_tool } => {
            let delay =
                marker(prompt, "DELAY:").and_then(|ms| ms.parse().ok()).map(Duration::from_millis).unwrap_or_default();
            let reply = if *after_tool {
                Reply::Text(FINAL_TEXT.to_owned())
            } else if let Some(command) = marker_line(prompt, "RUN:") {
                Reply::Run { command }
            } else if let Some(path) = marker(prompt, "FILE:") {
                Reply::CreateFile { path }
            } else {
                Reply::Text(PLAIN_TEXT.to_owned())
            };
            (reply, delay)
        }
    }
}

/// The word after `tag` in `text`.
fn marker(text: &str, tag: &str) -> Option<String> {
    let rest = &text[text.find(tag)? + tag.len()..];
    let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    (!word.is_empty()).then_some(word)
}

/// The rest of the line after `tag` in `text`, up to a ` DELAY:` marker.
fn marker_line(text: &str, tag: &str) -> Option<String> {
    let rest = &text[text.find(tag)? + tag.len()..];
    let line = rest.lines().next().unwrap_or_default();
    let line = line.split(" DELAY:").next().unwrap_or_default().trim();
    (!line.is_empty()).then(|| line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_choose_the_reply() {
        let turn = |p: &str, after_tool| Ask::Turn { prompt: p.into(), after_tool };
        let cases = [
            (turn("please RUN:touch a.txt DELAY:250", false), Reply::Run { command: "touch a.txt".into() }, 250),
            (turn("RUN:touch a.txt", true), Reply::Text(FINAL_TEXT.into()), 0),
            (turn("FILE:notes.md please", false), Reply::CreateFile { path: "notes.md".into() }, 0),
            (turn("hello", false), Reply::Text(PLAIN_TEXT.into()), 0),
            (Ask::CommitMessage, Reply::Text(COMMIT_MESSAGE.into()), 0),
        ];
        for (ask, reply, ms) in cases {
            assert_eq!(decide(&ask), (reply, Duration::from_millis(ms)), "answer to {ask:?}");
        }
    }
}
