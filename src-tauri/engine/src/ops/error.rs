//! What can go wrong in an operation. Every error names the operation, the step it was in and
//! the session, so a user (or the CLI's stderr) learns what failed and where without a log.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::command::CommandError;
use super::launch::LaunchError;
use crate::ids::SessionId;
use crate::store::StoreError;

/// The steps of a spawn (SPEC F1), in the order they run. A failed spawn names the step that
/// failed; every earlier step has been rolled back. The dashboard shows the current one on the
/// spawning row ("spawning · worktree 3/7").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SpawnStep {
    /// Checking the request: project, agent, branch name, prompt length.
    Validate,
    /// Reserving the session id (SPEC B4).
    ReserveId,
    /// `git worktree add` of the session's branch.
    Worktree,
    /// The project's `post_create` commands, run in the new worktree.
    PostCreate,
    /// Writing the prompt file (0600).
    PromptFile,
    /// Starting the tmux session or process that runs the agent.
    Runtime,
    /// Writing the session record.
    Record,
    /// Watching the agent for the grace period: it must still run at its end (SPEC F4a).
    Confirm,
}

impl SpawnStep {
    /// Every step, in the order a spawn runs them.
    pub const ALL: [SpawnStep; 8] = [
        SpawnStep::Validate,
        SpawnStep::ReserveId,
        SpawnStep::Worktree,
        SpawnStep::PostCreate,
        SpawnStep::PromptFile,
        SpawnStep::Runtime,
        SpawnStep::Record,
        SpawnStep::Confirm,
    ];

    /// Its place in [`SpawnStep::ALL`], counting from 1.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).map_or(0, |i| i + 1)
    }
}

impl fmt::Display for SpawnStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpawnStep::Validate => "validate",
            SpawnStep::ReserveId => "reserve id",
            SpawnStep::Worktree => "worktree",
            SpawnStep::PostCreate => "post_create",
            SpawnStep::PromptFile => "prompt file",
            SpawnStep::Runtime => "runtime",
            SpawnStep::Record => "record",
            SpawnStep::Confirm => "confirm",
        })
    }
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    /// The request or the session's state does not allow the operation.
    #[error("{0}")]
    Invalid(String),
    /// The request names a project the config does not have.
    #[error("project {0} is not in the config")]
    UnknownProject(crate::ids::ProjectId),
    /// A message or prompt over the limit (SPEC F2).
    #[error("the text is {chars} characters long; at most {max} are allowed")]
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An outside program (git, tmux, a post_create command) failed.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The agent's launch command could not be built.
    #[error(transparent)]
    Launch(#[from] LaunchError),
    /// A file operation failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// Restoring the session first (before a send) failed.
    #[error(transparent)]
    Restore(Box<OpError>),
    /// The agent shows a dialog that would swallow pasted text (SPEC F2a): answer it with keys,
    /// or send with `--force`.
    #[error("dialog_open: the agent shows {}; answer it with keys ({}) or send with --force", dialog_name(.0), dialog_keys(.0))]
    DialogOpen(crate::probe::agents::Dialog),
    /// The agent ended within the grace period after it was started (SPEC F4a).
    #[error("agent_exited: the agent ended right after it started ({}){}", .0.summary().unwrap_or_else(|| "no exit status known".into()), last_lines_note(.0))]
    AgentExited(crate::session::AgentExit),
    /// The operation was interrupted (SPEC F7: Ctrl-C, SIGTERM, a closed terminal) in this step;
    /// the step was stopped, its commands' process groups killed, and earlier steps rolled back.
    #[error("interrupted by {0}")]
    Interrupted(String),
    /// A failure injected on purpose ([`super::Ops::failing_at`]), to test rollback.
    #[error("failure injected for testing")]
    Injected,
    /// Landing (SPEC K4-K7) refused, saying why; nothing was changed.
    #[error("{0}")]
    Land(crate::land::LandRefusal),
    /// A blocking task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
}

/// "the permission dialog “Do you want to proceed?”".
fn dialog_name(dialog: &crate::probe::agents::Dialog) -> String {
    let kind = match dialog.kind {
        crate::probe::agents::DialogKind::Permission => "permission dialog",
        crate::probe::agents::DialogKind::Trust => "trust screen",
        crate::probe::agents::DialogKind::Question => "question",
        crate::probe::agents::DialogKind::PostTurn => "post-turn question",
    };
    if dialog.title.is_empty() { format!("a {kind}") } else { format!("the {kind} \u{201c}{}\u{201d}", dialog.title) }
}

/// The agent's last lines, indented under the error, when known.
fn last_lines_note(exit: &crate::session::AgentExit) -> String {
    if exit.last_lines.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = exit.last_lines.iter().map(|l| format!("  | {l}")).collect();
    format!("; its last lines:\n{}", lines.join("\n"))
}

/// "1 = Yes, 2 = No": each option with the keys that choose it.
fn dialog_keys(dialog: &crate::probe::agents::Dialog) -> String {
    if dialog.options.is_empty() {
        return "its options could not be read".into();
    }
    let option = |o: &crate::probe::agents::DialogOption| format!("{} = {}", o.keys.join(" "), o.label);
    dialog.options.iter().map(option).collect::<Vec<_>>().join(", ")
}

impl Cause {
    /// An I/O failure of `action` on `path`.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io { action, path: path.into(), source }
    }
}

/// A spawn that failed at `step`. Everything earlier was rolled back in reverse order; anything
/// the rollback could not undo is listed in `rollback_failures` (and logged), never hidden.
#[derive(Debug, thiserror::Error)]
#[error("spawn failed at step {step}{}: {cause}{}", session_note(session.as_ref()), rollback_note(rollback_failures))]
pub struct SpawnError {
    /// The step that failed.
    pub step: SpawnStep,
    /// The id reserved before the failure, if the spawn got that far (it is released again).
    pub session: Option<SessionId>,
    /// What went wrong.
    pub cause: Cause,
    /// What the rollback undid, last made first, ending with the released id ("runtime proj-1",
    /// "worktree <path>", "branch session/proj-1", "id proj-1").
    pub rolled_back: Vec<String>,
    /// Undo actions that themselves failed, each saying what is left behind.
    pub rollback_failures: Vec<String>,
}

fn session_note(session: Option<&SessionId>) -> String {
    session.map(|s| format!(" (session {s})")).unwrap_or_default()
}

fn rollback_note(failures: &[String]) -> String {
    if failures.is_empty() { String::new() } else { format!("; rollback left behind: {}", failures.join("; ")) }
}

/// The operations on an existing session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// Send a message (SPEC F2).
    Send,
    /// Kill the session (SPEC F3).
    Kill,
    /// Restore a stopped session (SPEC F4).
    Restore,
    /// Stop one session for a later restore (SPEC F5).
    Stop,
    /// Read or change a session's review: diff, viewed files, comments, review refs (SPEC K1-K3).
    Review,
    /// Land the session's work in the base branch (SPEC K4-K6).
    Land,
    /// Remove a landed session's worktree (SPEC K7).
    Reclaim,
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OpKind::Send => "send",
            OpKind::Kill => "kill",
            OpKind::Restore => "restore",
            OpKind::Stop => "stop",
            OpKind::Review => "review",
            OpKind::Land => "land",
            OpKind::Reclaim => "reclaim",
        })
    }
}

/// Where an operation on an existing session was when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpStep {
    /// Checking the request (message length).
    Validate,
    /// Reading the session record.
    LoadRecord,
    /// Checking that the session's state allows the operation.
    CheckState,
    /// Restoring a stopped session before sending to it.
    Restore,
    /// Finding or re-adding the worktree.
    Worktree,
    /// Starting or stopping the runtime.
    Runtime,
    /// Handing the text to the agent's terminal.
    Deliver,
    /// Writing the session record.
    Record,
    /// Watching the restarted agent for the grace period (SPEC F4a).
    Confirm,
    /// Taking a snapshot of the worktree or moving a review ref (SPEC K2).
    Snapshot,
    /// Running and reading git's diff (SPEC K1).
    Diff,
    /// Reading or writing the review state file (SPEC K2, K3).
    ReviewState,
    /// Checking whether and how the work can land (SPEC K4).
    LandCheck,
    /// Committing the worktree's uncommitted work before landing.
    Commit,
    /// Writing the base branch and its checkout.
    Land,
    /// Pushing the branch (SPEC K5).
    Push,
    /// Creating or merging the pull request (SPEC K5, F6).
    PullRequest,
    /// The after-land policy or a reclaim (SPEC K6, K7).
    Cleanup,
}

impl fmt::Display for OpStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OpStep::Validate => "validate",
            OpStep::LoadRecord => "load record",
            OpStep::CheckState => "check state",
            OpStep::Restore => "restore",
            OpStep::Worktree => "worktree",
            OpStep::Runtime => "runtime",
            OpStep::Deliver => "deliver",
            OpStep::Record => "record",
            OpStep::Confirm => "confirm",
            OpStep::Snapshot => "snapshot",
            OpStep::Diff => "diff",
            OpStep::ReviewState => "review state",
            OpStep::LandCheck => "land check",
            OpStep::Commit => "commit",
            OpStep::Land => "land",
            OpStep::Push => "push",
            OpStep::PullRequest => "pull request",
            OpStep::Cleanup => "cleanup",
        })
    }
}

/// An operation on an existing session that failed.
#[derive(Debug, thiserror::Error)]
#[error("{op} {session} failed at step {step}: {cause}")]
pub struct OpError {
    /// The operation.
    pub op: OpKind,
    /// The session it was for.
    pub session: SessionId,
    /// The step that failed.
    pub step: OpStep,
    /// What went wrong.
    pub cause: Cause,
}
