//! What the read paths return: a session as stored plus its live fields and how fresh they are
//! (ARCHITECTURE §4: `enrichment: stored | enriched{at} | failed{at, error} | timed_out{at}`).
//! These types go to the UI, so they serialise camelCase and have TypeScript declarations.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::ids::{ProjectId, SessionId};
use crate::probe::{ActivitySource, AgentInfo, Confidence};
use crate::session::{Activity, LiveSigns, Resolved, SessionRecord, resolve};
use crate::store::StoreWarning;

/// Identifies a session across projects: the pair under which probes are single-flighted and
/// cooldowns are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionKey {
    /// The project the session belongs to.
    pub project: ProjectId,
    /// The session id.
    pub id: SessionId,
}

impl SessionKey {
    /// The key of a record.
    pub fn of(record: &SessionRecord) -> Self {
        Self { project: record.project_id.clone(), id: record.id.clone() }
    }
}

impl std::fmt::Display for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.project, self.id)
    }
}

/// How fresh a session's live fields are.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Enrichment {
    /// Disk only: no probe answered for this view (not probed yet, or a terminal session).
    Stored,
    /// Every probe asked answered at `at`.
    Enriched {
        /// When the answers were combined.
        #[ts(type = "string")]
        at: DateTime<Utc>,
    },
    /// A probe failed (it could not start, errored, or answered nonsense); the stored fields are
    /// shown and nothing was written to disk (SPEC D11).
    Failed {
        /// When the failure was seen.
        #[ts(type = "string")]
        at: DateTime<Utc>,
        /// What failed, for the UI to show.
        error: String,
    },
    /// A probe missed its deadline (SPEC D2), or the session is cooling down after one (D4).
    TimedOut {
        /// When the deadline was missed.
        #[ts(type = "string")]
        at: DateTime<Utc>,
    },
}

/// The live facts probes add to a record. Never persisted as truth (SPEC A4), except what the
/// merge-back writes (runtime part, runtime_lost, the agent's session id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LiveFields {
    /// The agent's activity; `None` when not probed, `unknown` when the probe failed or timed out.
    pub activity: Option<Activity>,
    /// Where the activity came from, when a probe answered.
    pub activity_source: Option<ActivitySource>,
    /// What the activity is about ("waiting for permission to run `cargo test`").
    pub activity_detail: Option<String>,
    /// How far the activity can be trusted.
    pub activity_confidence: Option<Confidence>,
    /// When the evidence behind the activity appeared (the UI shows "12 s ago").
    #[ts(type = "string | null")]
    pub activity_since: Option<DateTime<Utc>>,
    /// When the agent last did something, if its files say.
    #[ts(type = "string | null")]
    pub last_activity_at: Option<DateTime<Utc>>,
    /// The error the agent reported, when it is blocked.
    pub agent_error: Option<String>,
    /// Summary, tokens and cost; on passive passes the last answer is reused (SPEC D9).
    pub info: Option<AgentInfo>,
    /// The agent's process id, when the runtime probe knows it.
    pub pid: Option<u32>,
    /// The dialog on the agent's screen, with its options, while it waits on one (SPEC I2b).
    pub dialog: Option<crate::probe::agents::Dialog>,
}

/// One session as a read path returns it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The record, with the merge-back applied. When a probe failed or timed out, its runtime part
    /// says `probe_failed` here only; the file on disk is unchanged.
    pub record: SessionRecord,
    /// What the probes added.
    pub live: LiveFields,
    /// How fresh `live` is.
    pub enrichment: Enrichment,
}

impl SessionView {
    /// A view of the record as stored, with nothing live.
    pub fn stored(record: SessionRecord) -> Self {
        Self { record, live: LiveFields::default(), enrichment: Enrichment::Stored }
    }

    /// The key of the session.
    pub fn key(&self) -> SessionKey {
        SessionKey::of(&self.record)
    }

    /// What every surface shows for this session (SPEC A2a): the one resolver, fed with the
    /// live fields and whether the last probe failed.
    pub fn resolve(&self) -> Resolved {
        let live = LiveSigns {
            activity: self.live.activity,
            activity_detail: self.live.activity_detail.as_deref(),
            agent_error: self.live.agent_error.as_deref(),
            probe_failed: matches!(self.enrichment, Enrichment::Failed { .. } | Enrichment::TimedOut { .. }),
            dialog: self.live.dialog.as_ref(),
        };
        resolve(&self.record, live)
    }
}

/// A listing: the sessions, and the record files the store skipped (each says why).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    /// Sessions ordered by project, creation time, then id (the store's order).
    pub sessions: Vec<SessionView>,
    /// Files that were not listed, and why.
    pub warnings: Vec<StoreWarning>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrichment_serialises_as_architecture_section_4_says() {
        let at: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().unwrap();
        let cases = [
            (Enrichment::Stored, serde_json::json!({"kind": "stored"})),
            (Enrichment::Enriched { at }, serde_json::json!({"kind": "enriched", "at": "2025-01-02T03:04:05Z"})),
            (
                Enrichment::Failed { at, error: "tmux failed".into() },
                serde_json::json!({"kind": "failed", "at": "2025-01-02T03:04:05Z", "error": "tmux failed"}),
            ),
            (Enrichment::TimedOut { at }, serde_json::json!({"kind": "timed_out", "at": "2025-01-02T03:04:05Z"})),
        ];
        for (value, expected) in cases {
            assert_eq!(serde_json::to_value(&value).unwrap(), expected, "wire form of {value:?}");
        }
    }

    #[test]
    fn typescript_declarations_use_the_wire_names() {
        let enrichment = Enrichment::decl(&ts_rs::Config::default());
        for text in ["\"kind\": \"timed_out\"", "at: string", "error: string"] {
            assert!(enrichment.contains(text), "Enrichment TS lacks {text:?}: {enrichment}");
        }
        let live = LiveFields::decl(&ts_rs::Config::default());
        for text in ["activitySource:", "lastActivityAt: string | null", "agentError:"] {
            assert!(live.contains(text), "LiveFields TS lacks {text:?}: {live}");
        }
    }
}
