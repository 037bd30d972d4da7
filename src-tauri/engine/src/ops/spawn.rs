//! Spawn (SPEC F1): validate, reserve the id, add the worktree, run `post_create`, write the
//! prompt file, start the runtime, and write the record last. A failing step rolls back every
//! earlier one in reverse and the error names the step ([`SpawnStep`]).

use std::path::Path;
use std::time::Duration;

use super::command::Cmd;
use super::error::{Cause, SpawnError, SpawnStep};
use super::files::{prompt_file, write_private};
use super::launch::{LaunchMode, plan_launch};
use super::runtime::Launch;
use super::undo::{Undo, UndoAction};
use super::{Ops, check_length, git};
use crate::config::{Project, Runtime};
use crate::ids::{ProjectId, SessionId};
use crate::session::{
    Lifecycle, RECORD_VERSION, RuntimeHandle, RuntimeKind, RuntimePart, RuntimeReason, RuntimeState, SessionKind,
    SessionReason, SessionRecord, SessionState,
};
use crate::store::Reservation;

/// Deadline of each `post_create` command. They install dependencies (`npm ci`, `cargo fetch`),
/// which takes minutes on a cold cache; ten minutes allows that and still ends a hung hook.
pub const POST_CREATE_TIMEOUT: Duration = Duration::from_secs(600);

/// The longest display name taken from a prompt's first line: what fits a dashboard row.
const DISPLAY_NAME_CHARS: usize = 80;

/// The longest branch name part derived from an issue id or URL.
const ISSUE_SLUG_CHARS: usize = 60;

/// What to spawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnRequest {
    /// The project (must be in config).
    pub project: ProjectId,
    /// The agent; the project's agent when `None`.
    pub agent: Option<String>,
    /// The branch; derived from the issue or the session id when `None`.
    pub branch: Option<String>,
    /// The task, at most 10,000 characters.
    pub prompt: Option<String>,
    /// The tracker issue (id or URL) the session works on.
    pub issue: Option<String>,
}

impl SpawnRequest {
    /// A request in `project` with everything else defaulted.
    pub fn new(project: ProjectId) -> Self {
        Self { project, agent: None, branch: None, prompt: None, issue: None }
    }
}

/// Called as a spawn enters each step, with the session id once it is reserved; the app shows
/// it on the spawning row, so a slow `post_create` is visibly slow rather than stuck.
pub type SpawnObserver<'a> = &'a (dyn Fn(SpawnStep, Option<&SessionId>) + Send + Sync);

/// How far a spawn got: the step it is in, what to undo, and the reserved id.
struct Progress<'a> {
    step: SpawnStep,
    undo: Undo,
    reservation: Option<Reservation>,
    observer: SpawnObserver<'a>,
}

impl Ops {
    /// Spawns a session and returns its record (SPEC F1).
    pub async fn spawn(&self, request: SpawnRequest) -> Result<SessionRecord, SpawnError> {
        self.spawn_observed(request, &|_, _| {}).await
    }

    /// [`Ops::spawn`], telling `observer` each step as it starts.
    pub async fn spawn_observed(
        &self,
        request: SpawnRequest,
        observer: SpawnObserver<'_>,
    ) -> Result<SessionRecord, SpawnError> {
        let mut progress = Progress { step: SpawnStep::Validate, undo: Undo::default(), reservation: None, observer };
        match self.spawn_steps(&request, &mut progress).await {
            Ok(record) => {
                // The record stays: an agent that ended at once is a crash to see and restore, and
                // its worktree is kept (SPEC F4a).
                // An interrupt here stops the watch but undoes nothing: the record is written and
                // other processes may already act on the session, so it is reported, not removed.
                (progress.observer)(SpawnStep::Confirm, Some(&record.id));
                match self.interruptible(self.confirm_started(&record)).await {
                    Ok(()) => Ok(record),
                    Err(cause) => Err(SpawnError {
                        step: SpawnStep::Confirm,
                        session: Some(record.id.clone()),
                        cause,
                        rolled_back: Vec::new(),
                        rollback_failures: Vec::new(),
                    }),
                }
            }
            Err(cause) => {
                let session = progress.reservation.as_ref().map(|r| r.id().clone());
                // The rollback never watches the interrupt: a second Ctrl-C must not cut it short.
                let rollback = progress.undo.run(self).await;
                let mut rolled_back = rollback.undone;
                // Released last, after the worktree is gone: `reserve_id` also skips numbers that
                // have a worktree directory, so no other spawn could take the id mid-rollback.
                if let Some(reservation) = progress.reservation.take() {
                    rolled_back.push(format!("id {}", reservation.id()));
                }
                Err(SpawnError {
                    step: progress.step,
                    session,
                    cause,
                    rolled_back,
                    rollback_failures: rollback.failures,
                })
            }
        }
    }

    /// Enters `step`, failing there if a failure was injected for it. An interrupt that came
    /// while the previous step could not be dropped (a store write) fails that step instead.
    fn enter(&self, progress: &mut Progress<'_>, step: SpawnStep) -> Result<(), Cause> {
        self.check_interrupt()?;
        progress.step = step;
        (progress.observer)(step, progress.reservation.as_ref().map(|r| r.id()));
        if self.fail_at == Some(step) { Err(Cause::Injected) } else { Ok(()) }
    }

    async fn spawn_steps(&self, request: &SpawnRequest, progress: &mut Progress<'_>) -> Result<SessionRecord, Cause> {
        self.enter(progress, SpawnStep::Validate)?;
        let project = self
            .config
            .project(&request.project)
            .ok_or_else(|| Cause::UnknownProject(request.project.clone()))?
            .clone();
        let agent = request.agent.clone().unwrap_or_else(|| project.agent.clone());
        if !self.config.has_agent(&agent) {
            return Err(Cause::Invalid(format!(
                "unknown agent {agent:?}: not built in and not declared under [agents]"
            )));
        }
        // Everything the request carries is checked before anything is reserved or written.
        for text in [&request.prompt, &request.issue].into_iter().flatten() {
            check_length(text)?;
        }
        if let Some(branch) = &request.branch
            && branch.chars().any(char::is_control)
        {
            return Err(Cause::Invalid(format!("{branch:?} is not a valid branch name: it holds control characters")));
        }
        if let Some(branch) = &request.branch
            && !self.interruptible(git::check_branch_name(&project.path, branch)).await?
        {
            return Err(Cause::Invalid(format!("{branch:?} is not a valid branch name")));
        }
        let task = task_text(request);

        self.enter(progress, SpawnStep::ReserveId)?;
        let (project_id, prefix) = (project.id.clone(), project.session_prefix.clone());
        let reservation = self.blocking(move |store| store.reserve_id(&project_id, &prefix)).await?;
        let id = reservation.id().clone();
        progress.reservation = Some(reservation);

        self.enter(progress, SpawnStep::Worktree)?;
        let branch = choose_branch(request, &id);
        if !self.interruptible(git::check_branch_name(&project.path, &branch)).await? {
            return Err(Cause::Invalid(format!("derived branch {branch:?} is not a valid branch name")));
        }
        let worktree = self.store.home().worktree_dir(&project.id, &id);
        self.interruptible(add_worktree(&project, &worktree, &branch, &mut progress.undo)).await?;

        self.enter(progress, SpawnStep::PostCreate)?;
        for command in &project.post_create {
            // The user wrote these as shell commands in config; `sh -c` is what they mean.
            // Interruptible: dropping the command ends its whole process group (SPEC F7).
            let post_create = Cmd::new("sh", POST_CREATE_TIMEOUT).args(["-c", command]).cwd(&worktree);
            self.interruptible(post_create.run()).await?;
        }

        self.enter(progress, SpawnStep::PromptFile)?;
        let prompt_path = task.as_ref().map(|_| prompt_file(self.store.home(), &project.id, &id));
        if let (Some(text), Some(path)) = (&task, &prompt_path) {
            // Pushed first, so even a partly written file is removed on failure.
            progress.undo.push(UndoAction::File(path.clone()));
            let (text, path) = (text.clone(), path.clone());
            tokio::task::spawn_blocking(move || write_private(&path, &text))
                .await
                .map_err(|e| Cause::Task(e.to_string()))??;
        }

        self.enter(progress, SpawnStep::Runtime)?;
        let wiring = self.interruptible(async { Ok::<_, Cause>(self.hook_wiring(&agent).await) }).await?;
        let plan = plan_launch(&self.config, &agent, LaunchMode::Fresh { prompt: task.as_deref() }, &wiring, || {
            uuid::Uuid::new_v4().to_string()
        })?;
        let kind = match project.runtime {
            Runtime::Tmux => RuntimeKind::Tmux,
            Runtime::Process => RuntimeKind::Process,
        };
        let launch = Launch {
            session: &id,
            project: &project.id,
            agent: &agent,
            cwd: &worktree,
            plan: &plan,
            prompt_file: prompt_path.as_deref(),
            kind,
        };
        let handle = if kind == RuntimeKind::Tmux {
            // Pushed before the start, so an interrupt mid-start still ends the tmux session (its
            // name is the id; ending one that never started is a no-op).
            progress.undo.push(UndoAction::Runtime(RuntimeHandle::new(kind, id.to_string())));
            self.interruptible(self.start_runtime(&launch)).await?
        } else {
            // A process runtime starts without awaiting, so no interrupt can land halfway.
            let handle = self.start_runtime(&launch).await?;
            progress.undo.push(UndoAction::Runtime(handle.clone()));
            handle
        };

        self.enter(progress, SpawnStep::Record)?;
        let now = (self.now)();
        let mut lifecycle = Lifecycle::spawning(now);
        // The record is written only once the agent runs, so no reader ever sees a spawn in
        // progress; `not_started` would then have nobody to end it.
        lifecycle.session.state = SessionState::Working;
        lifecycle.session.reason = SessionReason::AgentAcknowledged;
        lifecycle.session.started_at = Some(now);
        lifecycle.runtime = RuntimePart {
            state: RuntimeState::Alive,
            reason: RuntimeReason::ProcessRunning,
            handle: Some(handle),
            extra: Default::default(),
        };
        let record = SessionRecord {
            version: RECORD_VERSION,
            id: id.clone(),
            project_id: project.id.clone(),
            kind: SessionKind::Worker,
            agent,
            runtime: kind,
            branch,
            worktree,
            created_at: now,
            display_name: display_name(request),
            prompt: request.prompt.clone(),
            issue: request.issue.clone(),
            agent_session_id: plan.agent_session_id,
            lifecycle,
            pr_info: None,
            reactions: Vec::new(),
            exit: None,
            landing: None,
            extra: Default::default(),
        };
        let reservation = progress.reservation.take().ok_or_else(|| Cause::Invalid("id reservation lost".into()))?;
        let written = record.clone();
        self.blocking(move |store| store.create_reserved(reservation, &written)).await?;
        Ok(record)
    }
}

/// Adds the session's worktree at `path` on `branch`: creates the branch from the project's
/// default branch with `-b` if it does not exist, else checks it out as it is. Never `-B`, which
/// would reset an existing branch and lose its commits.
async fn add_worktree(project: &Project, path: &Path, branch: &str, undo: &mut Undo) -> Result<(), Cause> {
    let repo = &project.path;
    if path.exists() {
        return Err(Cause::Invalid(format!("{} already exists; Grove never takes over a directory", path.display())));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Cause::io("create directory", parent, e))?;
    }
    let worktree_undo = UndoAction::Worktree { repo: repo.clone(), path: path.to_owned() };
    if git::branch_exists(repo, branch).await? {
        // Pushed before the add: a failed add may leave a directory behind, and removing a
        // worktree that is not there is a no-op.
        undo.push(worktree_undo);
        return Ok(git::add_worktree_existing(repo, path, branch).await?);
    }
    let base = git::resolve_base(repo, &project.default_branch).await?.ok_or_else(|| {
        Cause::Invalid(format!("default branch {:?} exists neither locally nor on origin", project.default_branch))
    })?;
    // Both pushed before `worktree add -b` runs, so an interrupt that drops it halfway (branch
    // made, checkout not) still undoes both. The branch did not exist before this spawn, so
    // deleting it loses nothing of the user's; the worktree is undone first, since git refuses
    // to delete a checked-out branch.
    undo.push(UndoAction::Branch { repo: repo.clone(), branch: branch.to_owned() });
    undo.push(worktree_undo);
    Ok(git::add_worktree_new_branch(repo, path, branch, &base).await?)
}

/// Explicit branch, else one for the issue, else `session/<id>` (SPEC F1).
fn choose_branch(request: &SpawnRequest, id: &SessionId) -> String {
    if let Some(branch) = &request.branch {
        return branch.clone();
    }
    match request.issue.as_deref().map(issue_slug) {
        Some(slug) if !slug.is_empty() => format!("issue/{slug}"),
        _ => format!("session/{id}"),
    }
}

/// The part of an issue id or URL usable in a branch name: the last path segment (`42` of
/// `https://github.com/o/r/issues/42`), other characters than letters, digits, `.`, `_` and `-`
/// replaced by `-`.
fn issue_slug(issue: &str) -> String {
    let last = issue.trim().trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let slug: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .take(ISSUE_SLUG_CHARS)
        .collect();
    slug.trim_matches(|c| c == '-' || c == '.').to_owned()
}

/// The text the agent starts from: the prompt, else a request to work on the issue.
fn task_text(request: &SpawnRequest) -> Option<String> {
    request.prompt.clone().or_else(|| request.issue.as_ref().map(|issue| format!("Work on issue {issue}.")))
}

/// The prompt's first non-empty line, shortened, else the issue.
fn display_name(request: &SpawnRequest) -> Option<String> {
    let from_prompt = request
        .prompt
        .as_deref()
        .and_then(|p| p.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|line| line.chars().take(DISPLAY_NAME_CHARS).collect());
    from_prompt.or_else(|| request.issue.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> SpawnRequest {
        SpawnRequest::new(ProjectId::new("api").unwrap())
    }

    #[test]
    fn branch_is_explicit_then_issue_then_session() {
        let id = SessionId::new("api-3").unwrap();
        let explicit = SpawnRequest { branch: Some("feat/x".into()), issue: Some("9".into()), ..request() };
        assert_eq!(choose_branch(&explicit, &id), "feat/x", "an explicit branch wins");
        let issue = SpawnRequest { issue: Some("https://github.com/o/r/issues/42/".into()), ..request() };
        assert_eq!(choose_branch(&issue, &id), "issue/42", "an issue URL gives its number");
        let odd = SpawnRequest { issue: Some("PROJ 7: fix ~it~".into()), ..request() };
        assert_eq!(choose_branch(&odd, &id), "issue/PROJ-7--fix--it", "characters git rejects are replaced");
        let empty = SpawnRequest { issue: Some("///".into()), ..request() };
        assert_eq!(choose_branch(&empty, &id), "session/api-3", "an unusable issue falls back to the session");
        assert_eq!(choose_branch(&request(), &id), "session/api-3");
    }

    #[test]
    fn display_name_and_task_text() {
        let prompted = SpawnRequest { prompt: Some("\n  Fix the login bug  \nmore".into()), ..request() };
        assert_eq!(display_name(&prompted).as_deref(), Some("Fix the login bug"));
        assert_eq!(task_text(&prompted).as_deref(), Some("\n  Fix the login bug  \nmore"), "the prompt is sent as is");
        let issue = SpawnRequest { issue: Some("42".into()), ..request() };
        assert_eq!(display_name(&issue).as_deref(), Some("42"));
        assert_eq!(task_text(&issue).as_deref(), Some("Work on issue 42."));
        assert_eq!(task_text(&request()), None, "no prompt and no issue: the agent starts without a task");
    }
}
