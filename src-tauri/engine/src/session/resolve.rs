//! The one resolver (SPEC A2a; UI §1.5 rule 2): what a session *is*, decided once here and read by
//! every surface — the dashboard row and detail panel (through the feed), the tray counts, the
//! window title, notifications and `grove ls` / `grove show`. Before it, the list decided in
//! TypeScript while the tray, the quit sheet and the CLI each counted for themselves, and they
//! disagreed (a dead agent was "killed" in one place and "exited unexpectedly" in another).
//!
//! Ranked like the dashboard reads it: what the record says decisively (spawning, asks the user,
//! crashed, ended) first, then a mergeable PR, then live signs that the agent needs its human,
//! then the PR's review states, then the live activity. Live fields not known yet read
//! "checking", never "exited" or "unknown" (SPEC E5). Pure and clock-free: nothing here depends on
//! the time, so a resolved value only changes when the session does, and ages stay the view's.

use serde::Serialize;
use ts_rs::TS;

use super::activity::Activity;
use super::agent_exit::AgentExit;
use super::attention::{AttentionLevel, PrSignals, attention_level};
use super::landing::{LandCleanup, Landing};
use super::lifecycle::{RuntimeState, SessionReason};
use super::record::SessionRecord;
use super::status::{DisplayStatus, display_status};
use super::terminal::{is_restorable, is_terminal};
use super::wire_enum::wire_enum;
use crate::probe::agents::{Dialog, DialogKind};

wire_enum! {
    /// The concrete state a session shows (UI §1.5): one glyph and tone each. Finer than the
    /// attention level (a working agent can fail CI), and unlike [`DisplayStatus`] it includes
    /// what the probes say (waiting, blocked, checking).
    pub enum ShownState {
        /// Spawn under way.
        Spawning = "spawning",
        /// The agent is working.
        Working = "working",
        /// The agent finished its turn (ready) or has been idle a while.
        Idle = "idle",
        /// A question, a permission or a stuck agent waits for the user.
        NeedsInput = "needs_input",
        /// The record's evidence is contradictory; a person should look.
        Detecting = "detecting",
        /// The agent hit an error it cannot get past alone.
        Blocked = "blocked",
        /// The agent or its runtime went away without Grove ending it (SPEC A2a).
        Crashed = "crashed",
        /// Ended by an error.
        Errored = "errored",
        /// The PR's CI fails.
        CiFailing = "ci_failing",
        /// A reviewer asked for changes.
        ChangesRequested = "changes_requested",
        /// The PR conflicts with its base branch.
        Conflicts = "conflicts",
        /// Waiting for reviewers.
        Pending = "pending",
        /// The PR can be merged.
        MergeReady = "merge_ready",
        /// Stopped for a later restore.
        Stopped = "stopped",
        /// Ended: done, killed, cleaned up.
        Done = "done",
        /// Its PR merged.
        Merged = "merged",
        /// Not probed yet (SPEC E5).
        Checking = "checking",
        /// The probe failed or could not tell.
        ProbeFailed = "probe_failed",
    }
}

wire_enum! {
    /// The dashboard group a session sits in (UI §1.3): its attention level, with the restorable
    /// stops split from Done because Restore is an action.
    pub enum DashboardGroup {
        /// Needs you.
        Respond = "respond",
        /// Ready to merge.
        Merge = "merge",
        /// Review.
        Review = "review",
        /// Pending.
        Pending = "pending",
        /// Working.
        Working = "working",
        /// Stopped, restorable.
        Stopped = "stopped",
        /// Done.
        Done = "done",
    }
}

wire_enum! {
    /// The first thing a person would do with the session (UI §1.5's "primary action").
    pub enum PrimaryAction {
        /// Reply to the agent (focus the composer).
        Answer = "answer",
        /// Restart it in its worktree (SPEC F4).
        Restore = "restore",
        /// Merge its PR.
        Merge = "merge",
        /// Send the failing checks or the review to the agent.
        Review = "review",
        /// Look at it: the terminal, or the summary of an ended session.
        Open = "open",
        /// Nothing to do yet.
        None = "none",
    }
}

/// What every surface shows for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Resolved {
    /// How much it needs its human (SPEC A5, A2a); the tray counts `respond`.
    pub attention: AttentionLevel,
    /// The dashboard group.
    pub group: DashboardGroup,
    /// The concrete state (glyph and tone).
    pub state: ShownState,
    /// The row's reason chip: "permission", "exited unexpectedly", "stopped · restorable".
    pub label: String,
    /// The same in a sentence for the detail panel, notifications and the CLI:
    /// "waiting for permission to run `cargo test`", "exited unexpectedly (exit 1): Error: boom".
    pub reason: String,
    /// The first thing to do.
    pub action: PrimaryAction,
    /// Ended (SPEC A3): stop and quit have nothing to do with it.
    pub ended: bool,
    /// Can be restored in its worktree (SPEC A3).
    pub restorable: bool,
}

/// The live facts the resolver weighs (SPEC A4); all absent for a disk-only read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveSigns<'a> {
    /// The agent's activity; `None` when not probed.
    pub activity: Option<Activity>,
    /// What the activity is about ("waiting for permission to run `cargo test`").
    pub activity_detail: Option<&'a str>,
    /// The error the agent reported.
    pub agent_error: Option<&'a str>,
    /// The last probe failed or timed out, so what is not known stays unknown.
    pub probe_failed: bool,
    /// The dialog on the agent's screen (SPEC I2b): what it asks is the reason it waits.
    pub dialog: Option<&'a Dialog>,
}

/// The chip's budget for an error kind: the 176 px reason track holds about this after "blocked · ".
const CHIP_ERROR_CHARS: usize = 16;
/// The longest last line a crash reason quotes: enough to name the error, short enough for a
/// notification body.
const REASON_LINE_CHARS: usize = 160;

/// Resolves `record` with what the probes said of it.
pub fn resolve(record: &SessionRecord, live: LiveSigns<'_>) -> Resolved {
    let lifecycle = &record.lifecycle;
    let status = display_status(lifecycle);
    let attention = attention_level(lifecycle, live.activity, PrSignals::of(record));
    let ended = is_terminal(lifecycle);
    // A landed session whose worktree was removed has nothing left to resume in (SPEC K6, A3).
    let cleaned = record.landing.as_ref().is_some_and(|l| l.cleanup == LandCleanup::Cleaned);
    let restorable = is_restorable(lifecycle) && !cleaned;
    let (state, label, reason) = shown(record, status, attention, live);
    let group = match attention {
        AttentionLevel::Done if status == DisplayStatus::Stopped => DashboardGroup::Stopped,
        AttentionLevel::Done => DashboardGroup::Done,
        AttentionLevel::Merge => DashboardGroup::Merge,
        AttentionLevel::Respond => DashboardGroup::Respond,
        AttentionLevel::Review => DashboardGroup::Review,
        AttentionLevel::Pending => DashboardGroup::Pending,
        AttentionLevel::Working => DashboardGroup::Working,
    };
    let action = primary_action(state, ended, restorable);
    Resolved { attention, group, state, label: label.into(), reason, action, ended, restorable }
}

/// A label: a fixed word, or words built from what the agent said.
type Label = std::borrow::Cow<'static, str>;

fn shown(
    record: &SessionRecord,
    status: DisplayStatus,
    attention: AttentionLevel,
    live: LiveSigns<'_>,
) -> (ShownState, Label, String) {
    use ShownState as S;
    let fixed = |state, label: &'static str, reason: &str| (state, Label::Borrowed(label), reason.to_owned());
    match status {
        DisplayStatus::Spawning => return fixed(S::Spawning, "spawning", "starting the agent"),
        // A dialog on screen is the agent's own question: it says what a needs-input, stuck or
        // detecting record only guesses at (SPEC I2b).
        DisplayStatus::NeedsInput | DisplayStatus::Stuck | DisplayStatus::Detecting if live.dialog.is_some() => {
            return by_activity(record, live);
        }
        DisplayStatus::NeedsInput if live.activity == Some(Activity::WaitingInput) => return by_activity(record, live),
        DisplayStatus::NeedsInput => return fixed(S::NeedsInput, "needs input", "waiting for your input"),
        DisplayStatus::Stuck => return fixed(S::NeedsInput, "stuck", "it has made no progress for a while"),
        DisplayStatus::Detecting => return fixed(S::Detecting, "detecting", "its state is unclear; take a look"),
        DisplayStatus::Crashed => {
            return (S::Crashed, "exited unexpectedly".into(), crash_reason(record.exit.as_ref()));
        }
        DisplayStatus::Errored => {
            let reason = live.agent_error.unwrap_or("it stopped with an error");
            return fixed(S::Errored, "errored", reason);
        }
        DisplayStatus::Stopped => {
            return fixed(S::Stopped, "stopped · restorable", "stopped; its worktree is kept and it can be restored");
        }
        DisplayStatus::Done if lifecycle_landed(record) => {
            let reason = record.landing.as_ref().map_or_else(|| "landed".to_owned(), Landing::summary);
            return (S::Done, "landed".into(), reason);
        }
        DisplayStatus::Done => return fixed(S::Done, "done", "its task is finished"),
        DisplayStatus::Killed => return fixed(S::Done, "killed", "killed"),
        DisplayStatus::Cleanup => return fixed(S::Done, "cleaned up", "ended by cleanup"),
        DisplayStatus::Terminated => return fixed(S::Done, "terminated", "ended"),
        DisplayStatus::Merged => return fixed(S::Merged, "merged", "its PR merged"),
        DisplayStatus::Working
        | DisplayStatus::Idle
        | DisplayStatus::CiFailed
        | DisplayStatus::ChangesRequested
        | DisplayStatus::ReviewPending
        | DisplayStatus::Approved
        | DisplayStatus::Mergeable
        | DisplayStatus::PrOpen => {}
    }
    // Terminal by its runtime while the session part still says working, ended by Grove (A3).
    if attention == AttentionLevel::Done {
        return fixed(S::Done, "ended", "its runtime was ended");
    }
    match status {
        DisplayStatus::Mergeable => return fixed(S::MergeReady, "merge ready", "its PR is approved and green"),
        DisplayStatus::Approved => return fixed(S::MergeReady, "approved", "its PR is approved"),
        _ => {}
    }
    if live.activity.is_some_and(Activity::needs_human) {
        return by_activity(record, live);
    }
    match status {
        DisplayStatus::CiFailed => return (S::CiFailing, "CI failing".into(), ci_reason(record)),
        DisplayStatus::ChangesRequested => {
            return fixed(S::ChangesRequested, "changes requested", "a reviewer asked for changes");
        }
        _ if attention == AttentionLevel::Review => {
            return fixed(S::Conflicts, "conflicts", "its PR conflicts with its base branch");
        }
        DisplayStatus::ReviewPending => return fixed(S::Pending, "review pending", "waiting for a review"),
        _ => {}
    }
    by_activity(record, live)
}

/// Whether the session's work landed (SPEC K4-K6).
fn lifecycle_landed(record: &SessionRecord) -> bool {
    record.lifecycle.session.reason == SessionReason::Landed
}

/// What the live activity shows: the glyph of a working, idle or unprobed session, and the wait,
/// block or exit of one that needs its human.
fn by_activity(record: &SessionRecord, live: LiveSigns<'_>) -> (ShownState, Label, String) {
    use ShownState as S;
    let fixed = |state, label: &'static str, reason: &str| (state, Label::Borrowed(label), reason.to_owned());
    let probe_failed = live.probe_failed || record.lifecycle.runtime.state == RuntimeState::ProbeFailed;
    // The probe reports a dialog only with a wait; until it is answered, the dialog is what the
    // agent is doing. An exited agent's screen is a leftover.
    if let Some(dialog) = live.dialog
        && live.activity != Some(Activity::Exited)
    {
        return asks(dialog, live);
    }
    match live.activity {
        Some(Activity::WaitingInput) => {
            (S::NeedsInput, waiting_chip(live), live.activity_detail.unwrap_or("waiting for your input").to_owned())
        }
        Some(Activity::Blocked) => {
            let reason = live.agent_error.or(live.activity_detail).unwrap_or("its agent is blocked");
            (S::Blocked, blocked_chip(live.agent_error), reason.to_owned())
        }
        Some(Activity::Exited) => (S::Crashed, "exited unexpectedly".into(), crash_reason(record.exit.as_ref())),
        Some(Activity::Active) => fixed(S::Working, "working", live.activity_detail.unwrap_or("working")),
        Some(Activity::Ready) => fixed(S::Idle, "ready", "finished its turn; ready for the next prompt"),
        Some(Activity::Idle) => fixed(S::Idle, "idle", "idle"),
        Some(Activity::Unknown) => {
            fixed(S::ProbeFailed, "status unavailable", "the probe could not tell what the agent is doing")
        }
        None if probe_failed => fixed(S::ProbeFailed, "status unavailable", "the last probe failed; retrying"),
        None => fixed(S::Checking, "checking…", "not probed yet"),
    }
}

/// What a person does first with a session in `state`.
fn primary_action(state: ShownState, ended: bool, restorable: bool) -> PrimaryAction {
    use ShownState as S;
    if ended {
        return if restorable { PrimaryAction::Restore } else { PrimaryAction::Open };
    }
    match state {
        // An agent that exited while its record says it runs: restore refuses until the record
        // catches up (a live record is not restorable), so the terminal is what there is to see.
        S::Crashed | S::Errored | S::Stopped | S::Done | S::Merged | S::Working => PrimaryAction::Open,
        S::NeedsInput | S::Detecting | S::Blocked | S::Idle => PrimaryAction::Answer,
        S::MergeReady => PrimaryAction::Merge,
        S::CiFailing | S::ChangesRequested | S::Conflicts => PrimaryAction::Review,
        S::Spawning | S::Pending | S::Checking | S::ProbeFailed => PrimaryAction::None,
    }
}

/// "exited unexpectedly (exit 1): Error: boom": the exit and the last thing the agent printed,
/// when the record knows them (SPEC A2a).
pub fn crash_reason(exit: Option<&AgentExit>) -> String {
    let mut reason = "exited unexpectedly".to_owned();
    let Some(exit) = exit else { return reason };
    if let Some(summary) = exit.summary() {
        reason.push_str(&format!(" ({summary})"));
    }
    if let Some(line) = exit.last_lines.iter().rev().map(|l| l.trim()).find(|l| !l.is_empty()) {
        reason.push_str(": ");
        reason.push_str(&cut(line, REASON_LINE_CHARS));
    }
    reason
}

/// "CI failing: test, lint" when the PR loop named the checks.
fn ci_reason(record: &SessionRecord) -> String {
    let names: Vec<&str> =
        record.pr_info.iter().flat_map(|info| info.failed_checks.iter().map(|c| c.name.as_str())).collect();
    if names.is_empty() { "CI fails on its PR".to_owned() } else { format!("CI failing: {}", names.join(", ")) }
}

/// A dialog waiting for its answer (SPEC I2b): the chip names its kind, the reason says what it
/// asks, in the agent's words ("Do you want to proceed?", "Should I also note this in
/// CHANGELOG.md?"); a trust screen says so plainly, since its own title is a paragraph.
fn asks(dialog: &Dialog, live: LiveSigns<'_>) -> (ShownState, Label, String) {
    let title = dialog.title.trim();
    let (label, fallback) = match dialog.kind {
        DialogKind::Permission => ("permission", "asks for permission"),
        DialogKind::Trust => return (ShownState::NeedsInput, "trust".into(), "asks to trust this folder".to_owned()),
        DialogKind::Question | DialogKind::PostTurn => ("question", "asks a question"),
    };
    // A permission dialog's own title is generic ("Do you want to proceed?"); the agent's hook
    // names the tool and its input ("waiting for permission to run `cargo test`"), which says more.
    let detail = live.activity_detail.filter(|d| !d.trim().is_empty() && *d != title);
    let reason = match (dialog.kind, detail) {
        (DialogKind::Permission, Some(detail)) => detail,
        _ if title.is_empty() => detail.unwrap_or(fallback),
        _ => title,
    };
    (ShownState::NeedsInput, label.into(), cut(reason, REASON_LINE_CHARS))
}

/// The chip of a wait: "permission", "question" or "needs input".
fn waiting_chip(live: LiveSigns<'_>) -> Label {
    let detail = live.activity_detail.unwrap_or("");
    if detail.starts_with("waiting for permission") {
        "permission".into()
    } else if asks_a_question(detail) {
        "question".into()
    } else {
        "needs input".into()
    }
}

/// A plan waiting to be approved is a question put to the user, not a tool's permission.
fn asks_a_question(detail: &str) -> bool {
    let lower = detail.to_lowercase();
    let plan = lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == "plan");
    // A question from the model is its own text ("Which parser should I fix first?").
    detail.ends_with("asking a question") || detail.trim_end().ends_with('?') || (plan && lower.contains("approv"))
}

/// "blocked · rate_limit": the error's kind, cut to fit the chip.
fn blocked_chip(error: Option<&str>) -> Label {
    let Some(error) = error.map(str::trim).filter(|e| !e.is_empty()) else { return "blocked".into() };
    let kind = error.split(':').next().map(str::trim).filter(|k| !k.is_empty()).unwrap_or(error);
    format!("blocked · {}", cut(kind, CHIP_ERROR_CHARS)).into()
}

/// `text` cut to `max` characters, the cut marked with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
