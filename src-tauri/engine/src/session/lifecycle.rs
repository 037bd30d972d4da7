//! The persisted lifecycle of a session (SPEC A1): three independent parts, each a state and the
//! reason it was entered. The flat status the UI shows is derived from these (`status.rs`), never
//! stored, so the three parts are the only truth on disk.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::record::RuntimeKind;
use super::wire_enum::wire_enum;
use crate::process_identity::ProcessIdentity;

wire_enum! {
    /// What the session itself is doing (SPEC A1).
    pub enum SessionState {
        /// Spawn requested; the agent has not acknowledged yet.
        NotStarted = "not_started",
        /// The agent is working on its task.
        Working = "working",
        /// The agent finished a turn and waits for something external.
        Idle = "idle",
        /// The agent asked the user something.
        NeedsInput = "needs_input",
        /// No progress for too long.
        Stuck = "stuck",
        /// Evidence is contradictory; the next probes decide.
        Detecting = "detecting",
        /// The task is finished.
        Done = "done",
        /// The session has ended; the reason says how.
        Terminated = "terminated",
    }
}

wire_enum! {
    /// Why the session entered its state (SPEC A1).
    pub enum SessionReason {
        /// A spawn was requested.
        SpawnRequested = "spawn_requested",
        /// The agent answered its first prompt.
        AgentAcknowledged = "agent_acknowledged",
        /// The agent is working on the task.
        TaskInProgress = "task_in_progress",
        /// The agent opened a PR.
        PrCreated = "pr_created",
        /// The agent is fixing failing CI.
        FixingCi = "fixing_ci",
        /// The agent is addressing review comments.
        ResolvingReviewComments = "resolving_review_comments",
        /// The agent waits for the user.
        AwaitingUserInput = "awaiting_user_input",
        /// The agent waits for a reviewer.
        AwaitingExternalReview = "awaiting_external_review",
        /// A research task produced its answer.
        ResearchComplete = "research_complete",
        /// The PR merged; the user decides what happens next.
        MergedWaitingDecision = "merged_waiting_decision",
        /// The user killed the session.
        ManuallyKilled = "manually_killed",
        /// Stopped by stop/quit, to be restored later.
        StoppedForRestore = "stopped_for_restore",
        /// Ended because its PR merged.
        PrMerged = "pr_merged",
        /// Ended by automatic cleanup.
        AutoCleanup = "auto_cleanup",
        /// Its runtime disappeared.
        RuntimeLost = "runtime_lost",
        /// The agent process exited.
        AgentProcessExited = "agent_process_exited",
        /// Probing the session failed.
        ProbeFailure = "probe_failure",
        /// The agent reported an error.
        ErrorInProcess = "error_in_process",
        /// Its work landed in the base branch, locally or through a merged PR (SPEC K4-K6).
        Landed = "landed",
    }
}

wire_enum! {
    /// The state of the session's pull request (SPEC A1).
    pub enum PrState {
        /// No PR.
        None = "none",
        /// Open.
        Open = "open",
        /// Merged.
        Merged = "merged",
        /// Closed without merging.
        Closed = "closed",
    }
}

wire_enum! {
    /// Why the PR part is in its state (SPEC A1).
    pub enum PrReason {
        /// No PR was created yet.
        NotCreated = "not_created",
        /// Open, nothing decided yet.
        InProgress = "in_progress",
        /// CI fails.
        CiFailing = "ci_failing",
        /// Waiting for a review.
        ReviewPending = "review_pending",
        /// A reviewer asked for changes.
        ChangesRequested = "changes_requested",
        /// Approved.
        Approved = "approved",
        /// Approved, green and mergeable.
        MergeReady = "merge_ready",
        /// Merged.
        Merged = "merged",
        /// Closed without merging.
        ClosedUnmerged = "closed_unmerged",
        /// A merged or closed PR was let go when the session was restored (SPEC F4).
        ClearedOnRestore = "cleared_on_restore",
    }
}

wire_enum! {
    /// The state of the session's runtime (tmux session or process) (SPEC A1).
    pub enum RuntimeState {
        /// Not probed yet.
        Unknown = "unknown",
        /// Running.
        Alive = "alive",
        /// The process exited.
        Exited = "exited",
        /// The runtime is gone (tmux session or process not found).
        Missing = "missing",
        /// The probe itself failed or timed out (SPEC D2).
        ProbeFailed = "probe_failed",
    }
}

wire_enum! {
    /// Why the runtime part is in its state (SPEC A1).
    pub enum RuntimeReason {
        /// Spawn has not finished starting the runtime.
        SpawnIncomplete = "spawn_incomplete",
        /// The process runs.
        ProcessRunning = "process_running",
        /// The process is not there.
        ProcessMissing = "process_missing",
        /// The tmux session is not there.
        TmuxMissing = "tmux_missing",
        /// The user asked to kill it.
        ManualKillRequested = "manual_kill_requested",
        /// Stopped by stop/quit, to be restored later.
        StoppedForRestore = "stopped_for_restore",
        /// Stopped because its PR merged.
        PrMergedCleanup = "pr_merged_cleanup",
        /// Stopped by automatic cleanup.
        AutoCleanup = "auto_cleanup",
        /// The probe returned an error.
        ProbeError = "probe_error",
    }
}

/// The whole persisted lifecycle. Unknown keys at this level and in each part are kept in `extra`
/// so a newer writer's additions survive a rewrite by this version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    /// The session part.
    pub session: SessionPart,
    /// The PR part; absent in a hand-written record means "no PR yet".
    #[serde(default)]
    pub pr: PrPart,
    /// The runtime part; absent in a hand-written record means "not probed yet".
    #[serde(default)]
    pub runtime: RuntimePart,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

/// The session part of the lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionPart {
    /// Current state.
    pub state: SessionState,
    /// Why it entered that state.
    pub reason: SessionReason,
    /// When the agent started working; `null` until then.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub started_at: Option<DateTime<Utc>>,
    /// When state or reason last changed.
    #[ts(type = "string")]
    pub last_transition_at: DateTime<Utc>,
    /// When the session ended; `null` while it has not.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub terminated_at: Option<DateTime<Utc>>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

/// The PR part of the lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrPart {
    /// Current state.
    pub state: PrState,
    /// Why it is in that state.
    pub reason: PrReason,
    /// The PR number, once there is a PR.
    #[serde(default)]
    pub number: Option<u32>,
    /// The PR's web address, once there is a PR.
    #[serde(default)]
    pub url: Option<String>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

impl Default for PrPart {
    /// No PR yet.
    fn default() -> Self {
        Self { state: PrState::None, reason: PrReason::NotCreated, number: None, url: None, extra: Map::new() }
    }
}

/// The runtime part of the lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimePart {
    /// Current state.
    pub state: RuntimeState,
    /// Why it is in that state.
    pub reason: RuntimeReason,
    /// How to reach the runtime, once it was started.
    #[serde(default)]
    pub handle: Option<RuntimeHandle>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

impl Default for RuntimePart {
    /// Not started, not probed.
    fn default() -> Self {
        Self { state: RuntimeState::Unknown, reason: RuntimeReason::SpawnIncomplete, handle: None, extra: Map::new() }
    }
}

/// How to reach a runtime: a tmux session name on Grove's socket, or a process id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeHandle {
    /// Which runtime the id belongs to.
    pub kind: RuntimeKind,
    /// The tmux session name, or the process id as text.
    pub id: String,
    /// The runtime's own process as it was started, with its start time (SPEC D11a, F8): the
    /// pane's process for tmux, the group leader for a process runtime. It lets a probe that
    /// reaches no tmux server still tell a live session from a dead one, and keeps Grove from
    /// signalling a pid that now names another process. Absent in records of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub process: Option<ProcessIdentity>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

impl RuntimeHandle {
    /// A handle of `kind` with id `id` and no recorded process (the shape older records have).
    pub fn new(kind: RuntimeKind, id: impl Into<String>) -> Self {
        Self { kind, id: id.into(), process: None, extra: Map::new() }
    }

    /// The same handle, recording `process` as the runtime's process.
    pub fn with_process(mut self, process: Option<ProcessIdentity>) -> Self {
        self.process = process;
        self
    }
}

impl Lifecycle {
    /// Ends the session at `at` for `reason`, its runtime exited for `runtime`: what a kill, a
    /// stop and a crash found at start each write, so they say it the same way.
    pub fn end(&mut self, reason: SessionReason, runtime: RuntimeReason, at: DateTime<Utc>) {
        self.session.state = SessionState::Terminated;
        self.session.reason = reason;
        self.session.last_transition_at = at;
        self.session.terminated_at = Some(at);
        self.runtime.state = RuntimeState::Exited;
        self.runtime.reason = runtime;
    }

    /// Marks the session landed (SPEC K6): done, reason `landed`. The runtime part is left alone,
    /// since a landed session's agent may still run (`after_land = "keep"`).
    pub fn land(&mut self, at: DateTime<Utc>) {
        self.session.state = SessionState::Done;
        self.session.reason = SessionReason::Landed;
        self.session.last_transition_at = at;
        self.session.terminated_at.get_or_insert(at);
    }

    /// The lifecycle of a session whose spawn was just requested: `not_started/spawn_requested`,
    /// no PR, runtime not started (the same starting point AO used, ao-domain §2.2). `now` is passed
    /// in so callers and tests control the clock.
    pub fn spawning(now: DateTime<Utc>) -> Self {
        Self {
            session: SessionPart {
                state: SessionState::NotStarted,
                reason: SessionReason::SpawnRequested,
                started_at: None,
                last_transition_at: now,
                terminated_at: None,
                extra: Map::new(),
            },
            pr: PrPart::default(),
            runtime: RuntimePart::default(),
            extra: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names exactly as SPEC A1 lists them, in order: (part, states, reasons).
    const SPEC_A1: [(&str, &str, &str); 3] = [
        (
            "session",
            "not_started working idle needs_input stuck detecting done terminated",
            "spawn_requested agent_acknowledged task_in_progress pr_created fixing_ci \
             resolving_review_comments awaiting_user_input awaiting_external_review research_complete \
             merged_waiting_decision manually_killed stopped_for_restore pr_merged auto_cleanup \
             runtime_lost agent_process_exited probe_failure error_in_process landed",
        ),
        (
            "pr",
            "none open merged closed",
            "not_created in_progress ci_failing review_pending changes_requested approved merge_ready \
             merged closed_unmerged cleared_on_restore",
        ),
        (
            "runtime",
            "unknown alive exited missing probe_failed",
            "spawn_incomplete process_running process_missing tmux_missing manual_kill_requested \
             stopped_for_restore pr_merged_cleanup auto_cleanup probe_error",
        ),
    ];

    fn names<T: Copy + Serialize>(all: &[T]) -> Vec<String> {
        all.iter().map(|v| serde_json::to_value(v).expect("unit enum").as_str().expect("a string").to_owned()).collect()
    }

    #[test]
    fn every_state_and_reason_has_exactly_the_spec_name() {
        let ours = [
            (names(SessionState::ALL), names(SessionReason::ALL)),
            (names(PrState::ALL), names(PrReason::ALL)),
            (names(RuntimeState::ALL), names(RuntimeReason::ALL)),
        ];
        for ((part, states, reasons), (our_states, our_reasons)) in SPEC_A1.into_iter().zip(ours) {
            let split = |names: &str| names.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
            assert_eq!(our_states, split(states), "{part} states differ from SPEC A1");
            assert_eq!(our_reasons, split(reasons), "{part} reasons differ from SPEC A1");
        }
    }

    #[test]
    fn spawning_lifecycle_round_trips_with_camel_case_keys() {
        let now = DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z").unwrap().with_timezone(&Utc);
        let lc = Lifecycle::spawning(now);
        let json = serde_json::to_value(&lc).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "session": {
                    "state": "not_started", "reason": "spawn_requested", "startedAt": null,
                    "lastTransitionAt": "2025-01-02T03:04:05Z", "terminatedAt": null
                },
                "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
                "runtime": {"state": "unknown", "reason": "spawn_incomplete", "handle": null}
            }),
            "the on-disk shape must follow ARCHITECTURE §3.4"
        );
        let back: Lifecycle = serde_json::from_value(json).unwrap();
        assert_eq!(back, lc);
    }

    #[test]
    fn missing_optional_parts_default_and_unknown_keys_survive() {
        let json = serde_json::json!({
            "session": {"state": "working", "reason": "task_in_progress",
                        "lastTransitionAt": "2025-01-02T03:04:05Z", "completedAt": "kept"},
            "futureKey": {"a": 1}
        });
        let lc: Lifecycle = serde_json::from_value(json).expect("pr and runtime may be absent");
        assert_eq!(lc.pr, PrPart::default(), "absent pr part means no PR");
        assert_eq!(lc.runtime, RuntimePart::default(), "absent runtime part means not probed");
        let out = serde_json::to_value(&lc).unwrap();
        assert_eq!(out["session"]["completedAt"], "kept", "unknown key in a part was dropped: {out}");
        assert_eq!(out["futureKey"]["a"], 1, "unknown key in the lifecycle was dropped: {out}");
    }

    #[test]
    fn unknown_state_is_rejected_rather_than_guessed() {
        let json = serde_json::json!({
            "session": {"state": "paused", "reason": "task_in_progress", "lastTransitionAt": "2025-01-02T03:04:05Z"}
        });
        let err = serde_json::from_value::<Lifecycle>(json).expect_err("an unknown state must not parse");
        assert!(err.to_string().contains("paused"), "the error should name the bad value: {err}");
    }
}
