//! Session operations (SPEC §F): spawn, send, kill, restore and stop one session. [`Ops`] is the
//! facade the app and the CLI call.
//!
//! Rules every operation keeps:
//! - User text never goes through a shell: git and tmux get argv words, the agent's command is
//!   handed to tmux as separate words after `--` (tmux executes them directly), and prompts and
//!   messages travel in 0600 files.
//! - tmux always runs on Grove's own socket (`tmux -S <path>`, SPEC D11a); the user's server is never
//!   addressed. Processes are signalled only as groups Grove started and recorded (SPEC G4).
//! - The record is the last thing a spawn writes, so a reader never sees a half-made session;
//!   a failing step rolls back the earlier ones and the error names the step.
//! - Store calls block on file I/O and lock backoff, so they run on `spawn_blocking`.
//!
//! Files: `spawn` (F1) with `undo` (its rollback), `launch` (agent argv, I1-I4), `send` (F2),
//! `kill` (F3, F5), `worktree` (what kill does with the worktree), `restore` (F4), `fleet` (stop
//! of many sessions and restore of the last stop, G1-G5), `runtime`
//! (starting and ending tmux sessions and processes), `tmux`, `git`, `process`, `files` and
//! `command` (bounded child processes).

mod agent_hooks;
mod cli_binary;
mod command;
mod confirm;
mod error;
mod files;
mod fleet;
mod git;
mod group;
mod interrupt;
mod keys;
mod kill;
mod launch;
mod process;
mod restore;
mod runtime;
mod send;
mod spawn;
mod tmux;
mod undo;
mod worktree;

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use agent_hooks::{
    ClaudeVersion, aider_notifications_command, claude_hook_events, claude_settings, codex_notify_override,
    codex_user_notify, parse_claude_version, shell_quote,
};
pub use cli_binary::grove_cli_binary;
pub(crate) use command::{Cmd, kill_group};
pub use command::{CommandError, CommandOutput};
pub use confirm::START_GRACE;
pub use error::{Cause, OpError, OpKind, OpStep, SpawnError, SpawnStep};
pub use files::prompt_file;
pub use fleet::{
    ConfigNote, FailedSession, FleetError, FleetRestoreReport, FleetStopReport, RestoreProgress, RestoreStep,
    STOP_CONCURRENCY, STOP_DEADLINE, SessionFailure, SessionRef, StopLimits,
};
pub use git::GIT_TIMEOUT;
pub(crate) use git::uncommitted_entries;
pub use group::{DROP_GRACE, wait_dropped_groups};
pub use interrupt::{Interrupt, Interrupter};
pub use keys::{Key, MAX_KEYS, UnknownKey};
pub(crate) use kill::provably_ours;
pub use kill::{KillOptions, KillOutcome};
pub use launch::{
    AGENT_SESSION_ID_PLACEHOLDER, Adapter, HookWiring, LaunchError, LaunchMode, LaunchPlan, agent_program, plan_launch,
};
pub use process::KILL_STEP;
pub use send::{SendOptions, SendOutcome};
pub use spawn::{POST_CREATE_TIMEOUT, SpawnObserver, SpawnRequest};
pub use tmux::{TMUX_TIMEOUT, Tmux};
pub use worktree::{KeptReason, WorktreeOutcome};

use crate::config::Config;
use crate::ids::{ProjectId, SessionId};
use crate::session::SessionRecord;
use crate::store::{Store, StoreError};

/// The longest prompt or message, in characters (SPEC F2, §J): longer text is refused rather
/// than cut, so an agent never works from half a message.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// Environment variable naming the session, set in every agent's environment.
pub const SESSION_ENV: &str = "GROVE_SESSION";
/// Environment variable naming the session's project.
pub const PROJECT_ENV: &str = "GROVE_PROJECT";
/// Environment variable holding the path of the session's prompt file, when it has a prompt.
pub const PROMPT_FILE_ENV: &str = "GROVE_PROMPT_FILE";

/// The operations of one Grove home under one config. Cheap to clone.
#[derive(Clone)]
pub struct Ops {
    store: Store,
    config: Arc<Config>,
    tmux: Tmux,
    /// The `grove` binary agents run to report events (`grove hook`); `None`: agents are started
    /// without hooks and their state comes from transcripts and screens only.
    hook_program: Option<std::path::PathBuf>,
    fail_at: Option<SpawnStep>,
    now: fn() -> DateTime<Utc>,
    /// How long a started agent must keep running to count as started (SPEC F4a).
    start_grace: std::time::Duration,
    /// Fired by the CLI's signal handlers (SPEC F7): spawn and restore stop and roll back.
    interrupt: Interrupt,
    /// The GitHub CLI landing through a pull request runs (SPEC K5).
    gh: crate::scm::Gh,
    /// Worktree sizes the app measures in the background (SPEC K7), when it shares them.
    disk: Option<crate::disk::DiskCache>,
}

impl std::fmt::Debug for Ops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops").field("home", self.store.home()).field("fail_at", &self.fail_at).finish_non_exhaustive()
    }
}

impl Ops {
    /// Operations on `store`'s home with `config`, using tmux from `PATH` on the home's socket.
    pub fn new(store: Store, config: Config) -> Self {
        let tmux = Tmux::for_home(store.home());
        Self {
            store,
            config: Arc::new(config),
            tmux,
            hook_program: grove_cli_binary(),
            fail_at: None,
            now: Utc::now,
            start_grace: START_GRACE,
            interrupt: Interrupt::never(),
            gh: crate::scm::Gh::new(),
            disk: None,
        }
    }

    /// The same operations running `gh` as given (a fake in tests) when landing through a PR.
    pub fn with_gh(mut self, gh: crate::scm::Gh) -> Self {
        self.gh = gh;
        self
    }

    /// The same operations reading worktree sizes from `cache` (SPEC K7): `land_check` reports
    /// them and `reclaim` forgets what it removed.
    pub fn with_disk_cache(mut self, cache: crate::disk::DiskCache) -> Self {
        self.disk = Some(cache);
        self
    }

    /// The worktree sizes, when the app shares them.
    pub(crate) fn disk_cache(&self) -> Option<&crate::disk::DiskCache> {
        self.disk.as_ref()
    }

    /// The GitHub CLI landing uses.
    pub(crate) fn gh(&self) -> &crate::scm::Gh {
        &self.gh
    }

    /// The operations' clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.now)()
    }

    /// The same operations with agents reporting their events through `program hook <agent>`
    /// (`None`: no hooks). By default the running binary, when it is `grove`.
    pub fn with_hook_program(mut self, program: Option<std::path::PathBuf>) -> Self {
        self.hook_program = program;
        self
    }

    /// The same operations running `program` as the tmux client (a full path, or a wrapper in
    /// tests); the socket stays the home's, so the user's server is still never addressed.
    pub fn with_tmux_program(mut self, program: impl Into<std::path::PathBuf>) -> Self {
        self.tmux = self.tmux.with_program(program);
        self
    }

    /// The same operations with another clock, for records with predictable times.
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// The same operations counting an agent as started after `grace` instead of [`START_GRACE`]
    /// (zero: as soon as it is started). Tests that are not about the grace period use it.
    pub fn with_start_grace(mut self, grace: std::time::Duration) -> Self {
        self.start_grace = grace;
        self
    }

    /// The same operations, interrupted when `interrupt` fires (SPEC F7): a spawn drops the step
    /// it is in (killing the process group of any command it runs) and rolls back every earlier
    /// step; a restore stops before its agent is recorded as running. The error names the step,
    /// with cause [`Cause::Interrupted`].
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// Fault injection: every spawn fails at `step`, before the step does anything, as if that
    /// step's own command had failed. Tests use it to prove the rollback of every earlier step;
    /// nothing else should.
    pub fn failing_at(mut self, step: SpawnStep) -> Self {
        self.fail_at = Some(step);
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The tmux server sessions run on.
    pub fn tmux(&self) -> &Tmux {
        &self.tmux
    }

    /// `Err(Interrupted)` if the operation was interrupted. Checked between steps that must not
    /// be dropped halfway (blocking store writes, which run to their end anyway).
    fn check_interrupt(&self) -> Result<(), Cause> {
        self.interrupt.reason().map_or(Ok(()), |why| Err(Cause::Interrupted(why)))
    }

    /// Runs `work` unless the operation is interrupted first; on an interrupt `work` is dropped,
    /// which ends the process group of any command it runs. Only for work whose every effect is
    /// already on the undo list, or that has none.
    async fn interruptible<T, E: Into<Cause>>(&self, work: impl Future<Output = Result<T, E>>) -> Result<T, Cause> {
        tokio::select! {
            biased;
            why = self.interrupt.interrupted() => Err(Cause::Interrupted(why)),
            done = work => done.map_err(Into::into),
        }
    }

    /// Runs a blocking store call on the blocking pool.
    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, Cause> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || call(&store)).await {
            Ok(result) => result.map_err(Cause::Store),
            Err(e) => Err(Cause::Task(e.to_string())),
        }
    }

    /// Reads the record of `session` in whichever project holds it.
    pub(crate) async fn find(&self, session: &SessionId) -> Result<SessionRecord, Cause> {
        let id = session.clone();
        self.blocking(move |store| store.find(&id)).await
    }

    /// Read-modify-write of one record under its lock (SPEC B2).
    pub(crate) async fn update(
        &self,
        project: &ProjectId,
        session: &SessionId,
        change: impl FnOnce(&mut SessionRecord) + Send + 'static,
    ) -> Result<SessionRecord, Cause> {
        let (project, id) = (project.clone(), session.clone());
        self.blocking(move |store| store.update(&project, &id, change)).await
    }
}

/// Refuses text over [`MAX_MESSAGE_CHARS`] characters.
fn check_length(text: &str) -> Result<(), Cause> {
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS { Err(Cause::TooLong { chars, max: MAX_MESSAGE_CHARS }) } else { Ok(()) }
}
