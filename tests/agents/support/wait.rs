//! Waiting for what a user would notice, through `grove show ID --json`, polled against a deadline.
//! No sleep stands in for synchronisation: every wait ends when the thing is seen or fails when its
//! timeout passes, saying what Grove showed last and what was on the agent's screen.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::world::World;

/// The bound of every wait: generous (the machine may be loaded), only there to turn a hang into a
/// failure that says what was being waited for.
pub const WAIT: Duration = Duration::from_secs(60);

/// How often Grove is asked.
const POLL: Duration = Duration::from_millis(100);

/// What Grove says about a session, in the words of its JSON.
pub struct Shown(pub Value);

impl Shown {
    pub fn attention(&self) -> &str {
        self.0["attention"].as_str().unwrap_or("")
    }
    pub fn activity(&self) -> &str {
        self.0["live"]["activity"].as_str().unwrap_or("")
    }
    pub fn status(&self) -> &str {
        self.0["status"].as_str().unwrap_or("")
    }
    /// Grove says the session needs you: attention `respond`, the agent waiting for input.
    pub fn needs_you(&self) -> bool {
        self.attention() == "respond" && self.activity() == "waiting_input"
    }
    /// The agent finished its turn and waits for the next prompt.
    pub fn ready(&self) -> bool {
        self.activity() == "ready" && self.attention() != "respond"
    }
    /// The agent is at work (not waiting for anybody).
    pub fn working(&self) -> bool {
        self.activity() == "active" && self.attention() != "respond"
    }
    /// The dialog Grove sees on the agent's screen (`.live.dialog`), if any.
    pub fn dialog_kind(&self) -> Option<&str> {
        self.0["live"]["dialog"]["kind"].as_str()
    }
    /// A one-line summary for failure messages.
    pub fn summary(&self) -> String {
        format!(
            "status={} attention={} activity={} dialog={} resolved={}",
            self.status(),
            self.attention(),
            self.activity(),
            self.0["live"]["dialog"],
            self.0["resolved"]
        )
    }
}

impl World {
    /// Polls `grove show ID --json` until `done` holds; returns that JSON and when it was seen.
    pub fn wait_for(&self, id: &str, what: &str, done: impl Fn(&Shown) -> bool) -> (Shown, Instant) {
        self.wait_for_within(id, what, WAIT, done)
    }

    pub fn wait_for_within(
        &self,
        id: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Shown) -> bool,
    ) -> (Shown, Instant) {
        let deadline = Instant::now() + timeout;
        let mut last = Shown(Value::Null);
        loop {
            if let Some(shown) = self.show(id) {
                let (seen, shown) = (Instant::now(), Shown(shown));
                if done(&shown) {
                    return (shown, seen);
                }
                last = shown;
            }
            if Instant::now() > deadline {
                panic!(
                    "{agent} session {id}: {what} was not seen within {timeout:?}.\nGrove last said: {}\n\
                     The agent's screen ended with:\n{}",
                    last.summary(),
                    self.pane_tail(id, 25),
                    agent = self.agent.grove_name(),
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Polls `done` for up to `timeout`; whether it came to hold (a step that may be retried).
    pub fn holds_within(&self, timeout: Duration, done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while !done() {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(POLL);
        }
        true
    }

    /// Waits until `done` holds for a condition outside Grove (a file, the model's log).
    pub fn wait_until(&self, id: &str, what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done() {
            if Instant::now() > deadline {
                let last = self.show(id).map(|v| Shown(v).summary()).unwrap_or_default();
                panic!(
                    "{agent} session {id}: {what} did not happen within {WAIT:?}.\nGrove says: {last}\n\
                     The agent's screen ended with:\n{}",
                    self.pane_tail(id, 25),
                    agent = self.agent.grove_name(),
                );
            }
            std::thread::sleep(POLL);
        }
    }
}
