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
    /// you, answers yes, and waits for the file and for the agent to be ready. Returns the time
    /// from the model's asking reply being complete to Grove first saying "needs you".
    pub fn asking_turn(&self, id: &str, tag: &str) -> Duration {
        let latency = self.ask_and_answer(id, tag);
        self.wait_for(id, &format!("ready after creating {}", made_file(tag)), Shown::ready);
        latency
    }

    /// Like `asking_turn`, but done once the file exists and Grove no longer says "needs you"
    /// (the agent may still be finishing its turn): what the latency runs need between turns.
    pub fn ask_and_answer(&self, id: &str, tag: &str) -> Duration {
        let file = made_file(tag);
        let (_, seen) = self.wait_for(id, &format!("\"needs you\" for the question about {file}"), Shown::needs_you);
        let asked = self
            .server
            .last_turn(&file, |r| matches!(r, Reply::Run { .. } | Reply::CreateFile { .. }))
            .unwrap_or_else(|| panic!("Grove said {id} needs you, but the model was never asked about {file}"));
        let latency = seen.saturating_duration_since(asked.finished);
        let path = self.worktree(id).join(&file);
        assert!(!path.exists(), "{file} exists before the user answered: the agent did not ask first");
        self.keys(id, self.agent.yes_keys());
        self.wait_until(id, &format!("the agent creating {file} once allowed"), || path.exists());
        self.wait_for(id, &format!("\"needs you\" gone once {file} was allowed"), |s| s.attention() != "respond");
        latency
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
