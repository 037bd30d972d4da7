//! What reactions did for a session (SPEC H3), kept in its record so the detail panel can show the
//! history and a restart does not repeat or forget an attempt.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::ReactionKey;

/// The most entries a record keeps; older ones are dropped first.
pub const REACTION_LOG_LIMIT: usize = 50;

/// What a reaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReactionOutcome {
    /// Sent its message to the agent.
    SentToAgent,
    /// Notified the user.
    Notified,
    /// Gave up on the agent and notified the user (retries spent, or too long).
    Escalated,
    /// Could not act (the send failed); says why in `detail`.
    Failed,
}

/// One thing a reaction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReactionEntry {
    /// Which reaction.
    #[ts(type = "string")]
    pub key: ReactionKey,
    /// When.
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// What it did.
    pub outcome: ReactionOutcome,
    /// The attempt number for repeated sends (1-based).
    pub attempt: u32,
    /// A line for a person: "sent 2 failing checks (test, lint)", "retries spent".
    pub detail: String,
}
