//! What a feed subscriber receives (ARCHITECTURE §4, SPEC E1-E4). These types cross IPC to the
//! webview, so their TypeScript twins are generated (ui/src/ipc/bindings.ts).
//!
//! Rules a subscriber keeps (SPEC E1, E4): `seq` grows by exactly one per message; a gap means
//! something was lost and the subscriber asks for a new snapshot. A patch only updates sessions the
//! subscriber already knows; a patch naming an unknown session, or removing one, is a membership
//! change, and the subscriber asks for a new snapshot too.

use serde::Serialize;
use ts_rs::TS;

use crate::manager::{SessionKey, SessionView};
use crate::session::{AttentionLevel, DisplayStatus, Resolved};

/// One message on the feed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedEvent {
    /// Everything, replacing what the subscriber held.
    Snapshot(Snapshot),
    /// Changes since the previous message.
    Patch(Patch),
}

impl FeedEvent {
    /// The message's sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            FeedEvent::Snapshot(s) => s.seq,
            FeedEvent::Patch(p) => p.seq,
        }
    }
}

/// The whole fleet at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Sequence number; the next patch has `seq + 1`.
    #[ts(type = "number")]
    pub seq: u64,
    /// Every session, in the store's order (project, creation time, id).
    pub sessions: Vec<FeedSession>,
    /// Every project known from config or from records on disk.
    pub projects: Vec<FeedProject>,
    /// Problems the user should see (config errors, quarantined records, feed errors).
    pub warnings: Vec<FeedWarning>,
}

/// Changes since the previous message (coalesced over about 50 ms, SPEC E2).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Patch {
    /// Sequence number: the previous message's plus one.
    #[ts(type = "number")]
    pub seq: u64,
    /// Sessions whose record or live fields changed, in full.
    pub sessions: Vec<FeedSession>,
    /// Sessions that no longer exist (their record was deleted).
    pub removed: Vec<SessionKey>,
    /// The full list of warnings, when it changed; absent when it did not.
    pub warnings: Option<Vec<FeedWarning>>,
}

/// One session as the dashboard shows it: the view plus what Grove resolves from it, so every
/// surface (row, detail, tray, title, notifications) reads the same answer (SPEC A2a).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedSession {
    /// Record, live fields and how fresh they are.
    pub view: SessionView,
    /// The flat display status (SPEC A2); kept beside `resolved` for readers that want it.
    pub status: DisplayStatus,
    /// The attention level (SPEC A5); the same as `resolved.attention`.
    pub attention: AttentionLevel,
    /// What every surface shows: group, state, label, reason, primary action.
    pub resolved: Resolved,
}

impl FeedSession {
    /// `view` with its status and resolution.
    pub fn of(view: SessionView) -> Self {
        let resolved = view.resolve();
        let status = crate::session::display_status(&view.record.lifecycle);
        Self { view, status, attention: resolved.attention, resolved }
    }
}

/// A project in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedProject {
    /// The project id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Whether its config entry currently has an error (the sidebar shows a "config" chip).
    pub config_error: bool,
}

/// Where a warning comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WarningSource {
    /// A config file failed to load or validate (SPEC C6).
    Config,
    /// A record was quarantined or skipped (SPEC B3).
    Store,
    /// The feed itself failed three times in a row (SPEC E3).
    Feed,
    /// GitHub, through the PR loop: rate limited, `gh` missing or not logged in (SPEC H4).
    Github,
}

/// One problem, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedWarning {
    /// Where it comes from.
    pub source: WarningSource,
    /// What happened, naming the file (and line, for config) when there is one.
    pub message: String,
    /// The file concerned, when there is one.
    pub file: Option<String>,
    /// The line in that file, for config errors.
    pub line: Option<u32>,
}
