//! What Grove last read of a session's pull request (SPEC H4): written into the record by the PR
//! loop (`scm`), shown by the UI, and read by reactions. The lifecycle's `pr` part keeps the state
//! and reason the status derivation needs; this keeps the facts a person reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The combined state of a PR's checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CiState {
    /// Every check passed (or was skipped).
    Passing,
    /// At least one check failed.
    Failing,
    /// Checks are still running or queued, none failed yet.
    Pending,
    /// The PR has no checks.
    None,
}

/// The PR's review decision, as GitHub computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Approved by the required reviewers.
    Approved,
    /// A reviewer asked for changes.
    ChangesRequested,
    /// A review is required and none decided yet.
    ReviewRequired,
    /// No review policy applies.
    None,
}

/// Whether the PR can merge into its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mergeability {
    /// It merges cleanly.
    Mergeable,
    /// It conflicts with its base.
    Conflicting,
    /// GitHub has not computed it yet.
    Unknown,
}

/// One check that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FailedCheck {
    /// The check's name ("test", "lint").
    pub name: String,
    /// Its page, when GitHub gives one.
    #[serde(default)]
    pub url: Option<String>,
}

/// The PR facts the loop read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrInfo {
    /// The PR number.
    pub number: u32,
    /// Its web address.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Whether it is a draft.
    #[serde(default)]
    pub draft: bool,
    /// The combined check state.
    pub ci: CiState,
    /// The checks that failed, by name.
    #[serde(default)]
    pub failed_checks: Vec<FailedCheck>,
    /// The review decision.
    pub review: ReviewDecision,
    /// Whether it merges cleanly.
    pub mergeable: Mergeability,
    /// Review threads not resolved yet.
    #[serde(default)]
    pub unresolved_threads: u32,
    /// Lines added and removed.
    #[serde(default)]
    pub additions: u32,
    /// Lines removed.
    #[serde(default)]
    pub deletions: u32,
    /// When the loop read it.
    #[ts(type = "string")]
    pub checked_at: DateTime<Utc>,
}
