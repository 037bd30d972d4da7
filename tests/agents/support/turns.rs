//! One asking turn as a user lives it: the agent stops to ask (a command to run, a file to create),
//! Grove says the session needs you, you answer yes, the agent does it and is ready again.

use std::time::{Duration, Instant};

use super::clis::Agent;
use super::wait::Shown;
use super::world::World;
use crate::model_server::script::Reply;

impl Agent {
    /// The keys that answer the agent's question with yes (see
    /// tests/fixtures/agent-screens/README.md): Claude's permission dialog takes `1` at once,
    /// Codex's approval `y`, Aider's question `y` and Enter.
    pub fn yes_keys(self) -> &'static [&'static str] {
        match self {
            Agent::Claude => &["1"],
            Agent::Codex => &["y"],
            Agent::Aider => &["y", "Enter"],
        }
    }
}

/// The file the asking prompt tagged `tag` makes the agent create.
pub fn made_file(tag: &str) -> String {
    format!("made-{tag}.txt")
}

impl World {
    /// After the asking prompt tagged `tag` was given: waits until Grove says the session needs
    /// you, answers yes, and returns once the file exists and Grove no longer says "needs you" (the
    /// agent may still be finishing its turn). Returns the time from the model's asking reply being
    /// complete to Grove first saying "needs you".
    pub fn ask_and_answer(&self, id: &str, tag: &str) -> Duration {
        let (_, latency) = self.await_question(id, tag);
        self.answer_yes(id, tag);
        latency
    }

    /// Waits until Grove says the session needs you about the asking prompt tagged `tag`; returns
    /// what Grove said and how long after the model's asking reply it said so.
    pub fn await_question(&self, id: &str, tag: &str) -> (Shown, Duration) {
        let file = made_file(tag);
        let (shown, seen) =
            self.wait_for(id, &format!("\"needs you\" for the question about {file}"), Shown::needs_you);
        let asked = self
            .server
            .last_turn(&file, |r| matches!(r, Reply::Run { .. } | Reply::CreateFile { .. }))
            .unwrap_or_else(|| panic!("Grove said {id} needs you, but the model was never asked about {file}"));
        let path = self.worktree(id).join(&file);
        assert!(!path.exists(), "{file} exists before the user answered: the agent did not ask first");
        (shown, seen.saturating_duration_since(asked.finished))
    }

    /// Answers the question about the prompt tagged `tag` with yes; returns once the file exists
    /// and Grove no longer says "needs you".
    pub fn answer_yes(&self, id: &str, tag: &str) {
        let file = made_file(tag);
        let path = self.worktree(id).join(&file);
        // The agent reports its question (Claude's PermissionRequest hook) before it draws the
        // dialog, and a key pressed before the dialog is on screen is lost (seen once in 60 turns
        // in CI): answer once Grove reads the dialog, as a person answers what they see.
        self.wait_for(id, &format!("the dialog about {file} read from the screen"), |s| {
            !s.0["live"]["dialog"].is_null()
        });
        // Claude draws its dialog a moment before it listens for keys, and a key pressed in
        // between is dropped while the dialog stays (seen once in the clean-clone run, at the
        // first turn). A person whose answer did nothing presses again; so does the test, but
        // only while the dialog is still on screen: a key the dialog took closes it, so a second
        // press can never land in the prompt instead.
        const ANSWER_TAKEN: Duration = Duration::from_secs(5);
        for _ in 0..3 {
            self.keys(id, self.agent.yes_keys());
            let still_asking = || self.show(id).is_some_and(|v| !v["live"]["dialog"].is_null());
            if self.holds_within(ANSWER_TAKEN, || path.exists() || !still_asking()) {
                break;
            }
        }
        self.wait_until(id, &format!("the agent creating {file} once allowed"), || path.exists());
        self.wait_for(id, &format!("\"needs you\" gone once {file} was allowed"), |s| s.attention() != "respond");
    }

    /// Sends `text` as the next prompt and waits until the model has answered it and the agent is
    /// ready again. Returns the body of the model request that carried it: the conversation the
    /// agent replayed, so a caller can tell whether it is the same conversation.
    pub fn plain_turn(&self, id: &str, text: &str) -> String {
        let since = Instant::now();
        self.send(id, text);
        self.wait_until(id, &format!("the model receiving {text:?}"), || {
            self.server.exchanges().iter().any(|e| e.finished >= since && e.prompt().contains(text))
        });
        self.wait_for(id, &format!("ready after {text:?}"), Shown::ready);
        let exchanges = self.server.exchanges();
        let carried = exchanges.iter().rev().find(|e| e.prompt().contains(text)).expect("seen above");
        carried.body.clone()
    }
}
