//! The session record as stored in `projects/<p>/sessions/<id>.json` (ARCHITECTURE §3.4): camelCase
//! JSON, pretty-printed, with a format `version`. Keys this version does not know are kept in
//! `extra` and written back unchanged, so an older Grove (or a script) rewriting a record never
//! strips what a newer one added.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::agent_exit::AgentExit;
use super::landing::Landing;
use super::lifecycle::Lifecycle;
use super::pr_info::PrInfo;
use super::reaction_log::ReactionEntry;
use super::wire_enum::wire_enum;
use crate::ids::{ProjectId, SessionId};

/// The record format this version writes. A record with a higher version was written by a newer
/// Grove; the store leaves it alone instead of guessing (or quarantining it).
pub const RECORD_VERSION: u32 = 1;

/// The version assumed when a record has no `version` key: the first format, which is what a
/// hand-written record most likely follows.
const UNVERSIONED_RECORD: u32 = 1;

wire_enum! {
    /// What the session is for.
    pub enum SessionKind {
        /// Works on one task in its own worktree.
        Worker = "worker",
        /// Coordinates the workers of a project.
        Orchestrator = "orchestrator",
    }
}

impl Default for SessionKind {
    /// A record without `kind` is a worker: orchestrators are always written by Grove itself.
    fn default() -> Self {
        Self::Worker
    }
}

wire_enum! {
    /// Where the agent runs.
    pub enum RuntimeKind {
        /// A tmux session on Grove's own socket.
        Tmux = "tmux",
        /// A plain child process.
        Process = "process",
    }
}

/// One session, as persisted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    /// Record format version ([`RECORD_VERSION`] when this version writes it).
    #[serde(default = "unversioned")]
    pub version: u32,
    /// The session id; equals the file name without `.json`.
    pub id: SessionId,
    /// The project; equals the `projects/<p>/` directory the record lives in.
    pub project_id: ProjectId,
    /// Worker or orchestrator.
    #[serde(default)]
    pub kind: SessionKind,
    /// The agent name (`claude-code`, `codex`, `aider`, `shell` or a custom one from config).
    pub agent: String,
    /// The runtime the agent runs in.
    pub runtime: RuntimeKind,
    /// The git branch of the worktree.
    pub branch: String,
    /// The worktree path (absolute).
    pub worktree: PathBuf,
    /// When the session was created.
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// A short human name (issue title or first prompt line); the UI falls back to the id.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The prompt the session was started with, if it was started from a prompt.
    #[serde(default)]
    pub prompt: Option<String>,
    /// The tracker issue (id or URL) the session works on, if any.
    #[serde(default)]
    pub issue: Option<String>,
    /// The agent's own session id, used to resume it (SPEC F4).
    #[serde(default)]
    pub agent_session_id: Option<String>,
    /// The persisted lifecycle (SPEC A1).
    pub lifecycle: Lifecycle,
    /// What the PR loop last read of the session's pull request (SPEC H4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pr_info: Option<PrInfo>,
    /// What reactions did for the session, oldest first (SPEC H3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<ReactionEntry>,
    /// How the agent ended when Grove did not end it (SPEC A2a): written by the probe that finds it
    /// gone, shown as "exited unexpectedly" with the status and the pane's last lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<AgentExit>,
    /// How its work landed and what the after-land cleanup did (SPEC K4-K6); absent until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing: Option<Landing>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

fn unversioned() -> u32 {
    UNVERSIONED_RECORD
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lifecycle::{PrState, SessionState};

    fn full_record_json() -> Value {
        serde_json::json!({
            "version": 1,
            "id": "api-7",
            "projectId": "api",
            "kind": "orchestrator",
            "agent": "claude-code",
            "runtime": "tmux",
            "branch": "session/api-7",
            "worktree": "/home/u/.local/share/grove/projects/api/worktrees/api-7",
            "createdAt": "2025-01-02T03:04:05Z",
            "displayName": "Fix the login bug",
            "prompt": "Fix the login bug",
            "issue": null,
            "agentSessionId": "0b7e4c1e",
            "lifecycle": {
                "session": {"state": "working", "reason": "pr_created", "startedAt": "2025-01-02T03:04:06Z",
                            "lastTransitionAt": "2025-01-02T04:00:00Z", "terminatedAt": null},
                "pr": {"state": "open", "reason": "review_pending", "number": 42,
                       "url": "https://github.com/o/r/pull/42"},
                "runtime": {"state": "alive", "reason": "process_running", "handle": {"kind": "tmux", "id": "api-7"}}
            }
        })
    }

    #[test]
    fn full_record_round_trips_byte_for_byte_as_json_value() {
        let json = full_record_json();
        let rec: SessionRecord = serde_json::from_value(json.clone()).expect("a complete record parses");
        assert_eq!(rec.kind, SessionKind::Orchestrator);
        assert_eq!(rec.lifecycle.session.state, SessionState::Working);
        assert_eq!(rec.lifecycle.pr.state, PrState::Open);
        assert_eq!(rec.lifecycle.pr.number, Some(42));
        assert_eq!(serde_json::to_value(&rec).unwrap(), json, "writing must give back the same document");
    }

    #[test]
    fn minimal_hand_written_record_parses_with_defaults() {
        let json = serde_json::json!({
            "id": "api-1", "projectId": "api", "agent": "shell", "runtime": "process",
            "branch": "main", "worktree": "/tmp/w", "createdAt": "2025-01-02T03:04:05Z",
            "lifecycle": {"session": {"state": "idle", "reason": "awaiting_user_input",
                                      "lastTransitionAt": "2025-01-02T03:04:05Z"}}
        });
        let rec: SessionRecord = serde_json::from_value(json).expect("optional fields may be absent");
        assert_eq!(rec.version, UNVERSIONED_RECORD, "a record without version is the first format");
        assert_eq!(rec.kind, SessionKind::Worker, "a record without kind is a worker");
        assert_eq!((rec.display_name, rec.prompt, rec.issue, rec.agent_session_id), (None, None, None, None));
    }

    #[test]
    fn unknown_top_level_keys_are_written_back() {
        let mut json = full_record_json();
        json["prEnrichment"] = serde_json::json!({"title": "t", "ciChecks": [1, 2]});
        json["restoredAt"] = "2025-02-01T00:00:00Z".into();
        let rec: SessionRecord = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(rec.extra.len(), 2, "both unknown keys belong in extra: {:?}", rec.extra);
        assert_eq!(serde_json::to_value(&rec).unwrap(), json, "unknown keys were lost on rewrite");
    }

    #[test]
    fn exit_round_trips_and_an_older_record_has_none() {
        let mut json = full_record_json();
        let rec: SessionRecord = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(rec.exit, None, "a record without `exit` has no exit");
        assert!(serde_json::to_value(&rec).unwrap().get("exit").is_none(), "no exit, no key written");
        json["exit"] =
            serde_json::json!({"status": 1, "signal": null, "lastLines": ["boom"], "at": "2025-01-02T05:00:00Z"});
        let rec: SessionRecord = serde_json::from_value(json.clone()).unwrap();
        let exit = rec.exit.as_ref().expect("exit parses");
        assert_eq!((exit.status, exit.last_lines.as_slice()), (Some(1), &["boom".to_owned()][..]));
        assert!(rec.extra.is_empty(), "exit is a known key, not an extra: {:?}", rec.extra);
        assert_eq!(serde_json::to_value(&rec).unwrap(), json, "exit must be written back unchanged");
    }

    #[test]
    fn invalid_ids_inside_a_record_do_not_parse() {
        for (key, bad) in [("id", "../x"), ("projectId", ""), ("id", "café")] {
            let mut json = full_record_json();
            json[key] = bad.into();
            assert!(
                serde_json::from_value::<SessionRecord>(json).is_err(),
                "{key} = {bad:?} must be rejected when reading a record"
            );
        }
    }

    #[test]
    fn typescript_declaration_uses_the_json_names() {
        let decl = SessionRecord::decl(&ts_rs::Config::default());
        for field in ["projectId:", "agentSessionId:", "createdAt: string", "lifecycle: Lifecycle"] {
            assert!(decl.contains(field), "TS declaration lacks {field:?}: {decl}");
        }
        assert!(!decl.contains("extra"), "extra is an implementation detail, not a UI field: {decl}");
    }
}
