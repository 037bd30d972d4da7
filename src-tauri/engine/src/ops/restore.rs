//! Restore (SPEC F4): restart a stopped or killed session in its own worktree, resuming the
//! agent's own session when the adapter can.

use std::path::Path;

use super::error::{Cause, OpError, OpKind, OpStep};
use super::files::prompt_file;
use super::kill::provably_ours;
use super::launch::{LaunchMode, plan_launch};
use super::runtime::Launch;
use super::{Ops, git};
use crate::config::Project;
use crate::ids::SessionId;
use crate::session::{
    PrReason, PrState, RuntimeReason, RuntimeState, SessionReason, SessionRecord, SessionState, display_status,
    is_restorable, is_terminal,
};

impl Ops {
    /// Restores a session: it must be restorable (SPEC A3). The existing worktree is reused; if
    /// its directory is gone it is re-added from the branch; a directory that exists is never
    /// deleted. The agent is started with its resume command when the record has what it needs,
    /// else afresh (without replaying the first prompt). The lifecycle goes back to working, and
    /// a merged or closed PR is let go (`none/cleared_on_restore`).
    ///
    /// Restores of one session run one at a time, across processes (SPEC F4a): one that waited
    /// for another finds the session live and returns it, instead of ending the agent the other
    /// just started. The agent must still run after the grace period, else the restore fails
    /// with `agent_exited` and the record says the session crashed.
    ///
    /// Interrupted ([`Ops::with_interrupt`]) before the record says the agent runs, it ends the
    /// runtime it started and leaves the session as it was; after that, it completes.
    pub async fn restore(&self, session: &SessionId) -> Result<SessionRecord, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Restore, session: session.clone(), step, cause };
        let found = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let (project, id) = (found.project_id.clone(), session.clone());
        let _flight = self
            .blocking(move |store| store.operation_lock(&project, &id))
            .await
            .map_err(|c| fail(OpStep::CheckState, c))?;
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        if is_terminal(&found.lifecycle) && !is_terminal(&record.lifecycle) {
            // Another restore finished while this one waited: its outcome is this one's.
            return Ok(record);
        }
        if !is_restorable(&record.lifecycle) {
            let status = display_status(&record.lifecycle);
            return Err(fail(
                OpStep::CheckState,
                Cause::Invalid(format!("a session that is {status} cannot be restored")),
            ));
        }
        let project = self
            .config
            .project(&record.project_id)
            .ok_or_else(|| {
                fail(OpStep::CheckState, Cause::Invalid(format!("project {} is not in the config", record.project_id)))
            })?
            .clone();
        // An interrupt (SPEC F7) is honoured between steps, never inside one: a worktree re-add
        // or a tmux start cut halfway would leave exactly the half-made state F7 forbids, and
        // each is bounded by its command's deadline.
        self.check_interrupt().map_err(|c| fail(OpStep::CheckState, c))?;
        self.ensure_worktree(&project, &record).await.map_err(|c| fail(OpStep::Worktree, c))?;
        self.check_interrupt().map_err(|c| fail(OpStep::Worktree, c))?;

        // A runtime of this name left on Grove's socket (a probe wrongly saw it gone, say) would
        // make new-session fail; it is Grove's own session for this very id, so it is ended.
        if let Some(handle) = provably_ours(&record) {
            self.stop_runtime(&handle).await.map_err(|c| fail(OpStep::Runtime, c))?;
        }
        let mode = LaunchMode::Resume { agent_session_id: record.agent_session_id.as_deref() };
        let wiring = self.hook_wiring(&record.agent).await;
        let plan = plan_launch(&self.config, &record.agent, mode, &wiring, || uuid::Uuid::new_v4().to_string())
            .map_err(|e| fail(OpStep::Runtime, e.into()))?;
        let prompt = prompt_file(self.store.home(), &record.project_id, &record.id);
        let launch = Launch {
            session: &record.id,
            project: &record.project_id,
            agent: &record.agent,
            cwd: &record.worktree,
            plan: &plan,
            prompt_file: prompt.exists().then_some(prompt.as_path()),
            kind: record.runtime,
        };
        let handle = self.start_runtime(&launch).await.map_err(|c| fail(OpStep::Runtime, c))?;
        if let Err(cause) = self.check_interrupt() {
            // Not recorded yet: ended again, the session stays as it was (stopped, restorable).
            let _ = self.stop_runtime(&handle).await;
            return Err(fail(OpStep::Runtime, cause));
        }

        let now = (self.now)();
        let agent_session_id = plan.agent_session_id.clone();
        let written = handle.clone();
        let updated = self
            .update(&record.project_id, session, move |r| {
                let session = &mut r.lifecycle.session;
                session.state = SessionState::Working;
                session.reason = SessionReason::AgentAcknowledged;
                session.started_at = Some(now);
                session.last_transition_at = now;
                session.terminated_at = None;
                r.lifecycle.runtime.state = RuntimeState::Alive;
                r.lifecycle.runtime.reason = RuntimeReason::ProcessRunning;
                r.lifecycle.runtime.handle = Some(written);
                if matches!(r.lifecycle.pr.state, PrState::Merged | PrState::Closed) {
                    r.lifecycle.pr.state = PrState::None;
                    r.lifecycle.pr.reason = PrReason::ClearedOnRestore;
                    r.lifecycle.pr.number = None;
                    r.lifecycle.pr.url = None;
                }
                // A fresh Claude start chose a new id; a resume keeps the recorded one.
                if agent_session_id.is_some() {
                    r.agent_session_id = agent_session_id;
                }
                // A new run: how the last one ended is history.
                r.exit = None;
            })
            .await;
        match updated {
            Ok(record) => {
                self.confirm_started(&record).await.map_err(|c| fail(OpStep::Confirm, c))?;
                Ok(record)
            }
            Err(cause) => {
                // Without a record saying it runs, the runtime would be invisible to Grove.
                let _ = self.stop_runtime(&handle).await;
                Err(fail(OpStep::Record, cause))
            }
        }
    }

    /// Makes sure the session's worktree is there: reuse it if its directory exists and git knows
    /// it, re-add it from the branch if the directory is gone.
    async fn ensure_worktree(&self, project: &Project, record: &SessionRecord) -> Result<(), Cause> {
        let path: &Path = &record.worktree;
        if path.exists() {
            if git::is_registered_worktree(&project.path, path).await? {
                return Ok(());
            }
            // Never deleted or taken over: it is not what the record says it is.
            return Err(Cause::Invalid(format!(
                "{} exists but is not a worktree of {}; it is left as it is",
                path.display(),
                project.path.display()
            )));
        }
        if !git::branch_exists(&project.path, &record.branch).await? {
            return Err(Cause::Invalid(format!(
                "the worktree is gone and branch {:?} no longer exists to re-add it from",
                record.branch
            )));
        }
        // The gone directory is still registered; prune forgets it so it can be added again.
        git::prune_worktrees(&project.path).await?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Cause::io("create directory", parent, e))?;
        }
        git::add_worktree_existing(&project.path, path, &record.branch).await?;
        Ok(())
    }
}
