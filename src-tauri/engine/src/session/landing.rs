//! What a session's landing did (SPEC K4-K6), kept on the record: how and where its work landed,
//! the new base tip (or the PR), and what the after-land cleanup did or why it kept the worktree.
//! Records written before landing existed have none.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::wire_enum::wire_enum;

wire_enum! {
    /// How the work landed: one of the local methods, or a merged pull request.
    pub enum LandedBy {
        /// One squashed commit on the base branch.
        Squash = "squash",
        /// A merge commit.
        Merge = "merge",
        /// The commits replayed on the base branch.
        Rebase = "rebase",
        /// A pull request merged on GitHub.
        Pr = "pr",
    }
}

wire_enum! {
    /// What the after-land policy (SPEC K6) did.
    pub enum LandCleanup {
        /// Nothing (`after_land = "keep"`).
        Kept = "kept",
        /// The agent was stopped; the worktree stays.
        Stopped = "stopped",
        /// The agent was stopped and the worktree removed.
        Cleaned = "cleaned",
        /// A clean was asked for but the worktree was kept; the note says why.
        CleanSkipped = "clean_skipped",
    }
}

/// The record's `landing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Landing {
    /// When it landed.
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// How.
    pub method: LandedBy,
    /// The base branch it landed in.
    pub base: String,
    /// The new tip of the base branch, or the PR's address.
    pub commit: String,
    /// The tip of the session's branch that landed: the branch counts as landed (its worktree
    /// and branch may be removed) only while it still points there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// What the after-land policy did.
    pub cleanup: LandCleanup,
    /// Why a clean kept the worktree, or what else the cleanup has to say.
    #[serde(default)]
    pub cleanup_note: Option<String>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

impl Landing {
    /// "landed · worktree removed", "landed · worktree kept: 2 uncommitted files": the row's and
    /// the CLI's words for what happened.
    pub fn summary(&self) -> String {
        let what = match self.cleanup {
            LandCleanup::Kept => "worktree kept".to_owned(),
            LandCleanup::Stopped => "agent stopped".to_owned(),
            LandCleanup::Cleaned => "worktree removed".to_owned(),
            LandCleanup::CleanSkipped => "worktree kept".to_owned(),
        };
        match &self.cleanup_note {
            Some(note) if !note.is_empty() => format!("landed · {what}: {note}"),
            _ => format!("landed · {what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_the_contract_names_and_keeps_unknown_keys() {
        let json = serde_json::json!({
            "at": "2025-01-02T03:04:05Z", "method": "squash", "base": "main", "commit": "abc",
            "head": "def", "cleanup": "clean_skipped", "cleanupNote": "2 uncommitted files", "future": 1
        });
        let landing: Landing = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(landing.cleanup, LandCleanup::CleanSkipped);
        assert_eq!(landing.summary(), "landed · worktree kept: 2 uncommitted files");
        assert_eq!(serde_json::to_value(&landing).unwrap(), json);
    }
}
