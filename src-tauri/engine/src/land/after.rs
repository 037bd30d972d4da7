//! After a landing (SPEC K6) and Reclaim (SPEC K7). `after_land = "keep"` does nothing;
//! `"stop"` stops the agent; `"clean"` stops it, runs the project's archive step, removes the
//! worktree only when nothing in it is uncommitted or unlanded, and deletes the local branch only
//! when it landed. Reclaim removes a landed session's worktree on request, under the same rule,
//! and keeps the record. Nothing with unlanded work is ever deleted.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::LandRefusal;
use super::git;
use crate::config::{AfterLand, Project};
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops, provably_ours, uncommitted_entries};
use crate::session::{LandCleanup, LandedBy, Landing, RuntimeReason, RuntimeState, SessionReason, SessionRecord};

/// What a reclaim did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReclaimOutcome {
    /// The session.
    pub session: SessionId,
    /// The worktree was removed now (false: it was already gone).
    pub removed: bool,
    /// Bytes on disk the worktree held, measured just before removing it.
    #[ts(type = "number")]
    pub bytes_freed: u64,
}

impl Ops {
    /// Marks the session landed, applies the project's `after_land`, and records what it did.
    /// The landed state is written before the cleanup, so an interrupted cleanup still leaves a
    /// landed session.
    pub(super) async fn record_landing(
        &self,
        record: &SessionRecord,
        project: &Project,
        method: LandedBy,
        commit: String,
        head: Option<String>,
    ) -> Result<Landing, Cause> {
        let now = self.now();
        let mut landing = Landing {
            at: now,
            method,
            base: project.default_branch.clone(),
            commit,
            head,
            cleanup: LandCleanup::Kept,
            cleanup_note: None,
            extra: Default::default(),
        };
        let first = landing.clone();
        self.update(&record.project_id, &record.id, move |r| {
            r.lifecycle.land(now);
            r.landing = Some(first);
        })
        .await?;
        let (cleanup, note, runtime) = self.after_land(record, project, &landing).await;
        landing.cleanup = cleanup;
        landing.cleanup_note = note;
        let written = landing.clone();
        self.update(&record.project_id, &record.id, move |r| {
            if let Some(reason) = runtime {
                r.lifecycle.runtime.state = RuntimeState::Exited;
                r.lifecycle.runtime.reason = reason;
            }
            r.landing = Some(written);
        })
        .await?;
        Ok(landing)
    }

    /// A session whose PR was seen merged (by the PR loop, or a person): recorded as landed
    /// through the PR, and the project's `after_land` applied (SPEC K6). The app calls it when the
    /// PR loop reports a merge; a session already landed is left alone.
    pub async fn land_merged_pr(&self, session: &SessionId) -> Result<Landing, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Land, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        if let Some(landing) =
            record.landing.clone().filter(|_| record.lifecycle.session.reason == SessionReason::Landed)
        {
            return Ok(landing);
        }
        let project = self.land_project(&record).map_err(|c| fail(OpStep::CheckState, c))?;
        let url = record.lifecycle.pr.url.clone().unwrap_or_else(|| "the pull request".into());
        let tip = git::commit_of(&project.path, &format!("refs/heads/{}", record.branch)).await.ok().flatten();
        self.record_landing(&record, &project, LandedBy::Pr, url, tip).await.map_err(|c| fail(OpStep::Record, c))
    }

    /// Removes a landed session's worktree (SPEC K7), keeping its record: only when nothing in
    /// it is uncommitted and its branch landed; otherwise refused saying what would be lost. The
    /// agent, if it still runs there, is stopped first.
    pub async fn reclaim(&self, session: &SessionId) -> Result<ReclaimOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Reclaim, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let landing = match (&record.landing, record.lifecycle.session.reason) {
            (Some(landing), SessionReason::Landed) => landing.clone(),
            _ => return Err(fail(OpStep::CheckState, Cause::Land(LandRefusal::NotLanded))),
        };
        let project = self.land_project(&record).map_err(|c| fail(OpStep::CheckState, c))?;
        if !record.worktree.exists() {
            return Ok(ReclaimOutcome { session: session.clone(), removed: false, bytes_freed: 0 });
        }
        if let Err(what) = self.removable(&record, &project, &landing).await {
            return Err(fail(OpStep::CheckState, Cause::Land(LandRefusal::WouldLoseWork { what })));
        }
        let path = record.worktree.clone();
        let bytes = tokio::task::spawn_blocking(move || crate::disk::measure(&path, &crate::disk::Limits::default()))
            .await
            .map_err(|e| fail(OpStep::Cleanup, Cause::Task(e.to_string())))?
            .map(|usage| usage.bytes)
            .unwrap_or(0);
        if let Some(handle) = provably_ours(&record) {
            self.stop_runtime(&handle).await.map_err(|c| fail(OpStep::Runtime, c))?;
        }
        self.remove_worktree_of(&record, &project, &landing)
            .await
            .map_err(|e| fail(OpStep::Cleanup, Cause::Invalid(e)))?;
        let note = Some(format!("worktree reclaimed ({})", crate::disk::human_bytes(bytes)));
        self.update(&record.project_id, session, move |r| {
            r.lifecycle.runtime.state = RuntimeState::Exited;
            r.lifecycle.runtime.reason = RuntimeReason::AutoCleanup;
            if let Some(l) = r.landing.as_mut() {
                l.cleanup = LandCleanup::Cleaned;
                l.cleanup_note = note;
            }
        })
        .await
        .map_err(|c| fail(OpStep::Record, c))?;
        if let Some(cache) = self.disk_cache() {
            cache.forget(session);
        }
        Ok(ReclaimOutcome { session: session.clone(), removed: true, bytes_freed: bytes })
    }

    /// The project's `after_land`: what it did, a note when it kept something, and the runtime
    /// reason to record when it stopped the agent.
    async fn after_land(
        &self,
        record: &SessionRecord,
        project: &Project,
        landing: &Landing,
    ) -> (LandCleanup, Option<String>, Option<RuntimeReason>) {
        if project.after_land == AfterLand::Keep {
            return (LandCleanup::Kept, None, None);
        }
        if let Some(handle) = provably_ours(record)
            && let Err(e) = self.stop_runtime(&handle).await
        {
            let note = format!("the agent could not be stopped: {e}");
            return (LandCleanup::Kept, Some(note), None);
        }
        let (reason, stopped) = match project.after_land {
            AfterLand::Stop => (RuntimeReason::StoppedForRestore, LandCleanup::Stopped),
            _ => (RuntimeReason::AutoCleanup, LandCleanup::Cleaned),
        };
        if project.after_land == AfterLand::Stop {
            return (stopped, None, Some(reason));
        }
        if let Err(e) = run_archive_step(project, record).await {
            return (LandCleanup::CleanSkipped, Some(format!("the archive step failed: {e}")), Some(reason));
        }
        if !record.worktree.exists() {
            return (LandCleanup::Cleaned, None, Some(reason));
        }
        if let Err(why) = self.removable(record, project, landing).await {
            return (LandCleanup::CleanSkipped, Some(why), Some(reason));
        }
        if let Err(why) = self.remove_worktree_of(record, project, landing).await {
            return (LandCleanup::CleanSkipped, Some(why), Some(reason));
        }
        (LandCleanup::Cleaned, None, Some(reason))
    }

    /// `Ok` when removing the session's worktree loses nothing: it is Grove's own, nothing in it
    /// is uncommitted, and its branch landed. Otherwise what would be lost.
    async fn removable(&self, record: &SessionRecord, project: &Project, landing: &Landing) -> Result<(), String> {
        let own = self.store().home().worktree_dir(&record.project_id, &record.id);
        if !same_place(&record.worktree, &own) {
            return Err(format!("{} is not a worktree Grove created", record.worktree.display()));
        }
        let entries = uncommitted_entries(&record.worktree).await.map_err(|e| format!("could not check it: {e}"))?;
        if entries > 0 {
            return Err(format!("{entries} uncommitted file{}", if entries == 1 { "" } else { "s" }));
        }
        if !branch_landed(&project.path, record, landing).await {
            return Err(format!("branch `{}` has commits that did not land", record.branch));
        }
        Ok(())
    }

    /// Removes the worktree (git refuses by itself if it changed since the check) and then the
    /// branch, when it landed.
    async fn remove_worktree_of(
        &self,
        record: &SessionRecord,
        project: &Project,
        landing: &Landing,
    ) -> Result<(), String> {
        git::git(&project.path)
            .args(["worktree", "remove"])
            .args([&record.worktree])
            .run()
            .await
            .map_err(|e| format!("git refused to remove it: {e}"))?;
        if branch_landed(&project.path, record, landing).await {
            // The branch may be kept for other reasons (checked out elsewhere); that loses nothing.
            let deleted =
                git::git(&project.path).args(["branch", "-D", "--end-of-options", &record.branch]).run().await;
            if let Err(e) = deleted {
                tracing::info!(session = %record.id, "kept the landed branch: {e}");
            }
        }
        Ok(())
    }
}

/// Whether everything on the session's branch landed: its tip is in the base branch, or it is
/// the very tip that landed (a squash or rebase landed it as new commits, or a merged PR).
async fn branch_landed(repo: &Path, record: &SessionRecord, landing: &Landing) -> bool {
    let Ok(Some(tip)) = git::commit_of(repo, &format!("refs/heads/{}", record.branch)).await else {
        // No branch left: nothing on it to lose.
        return true;
    };
    if landing.head.as_deref() == Some(tip.as_str()) {
        return true;
    }
    git::is_ancestor(repo, &tip, &format!("refs/heads/{}", landing.base)).await.unwrap_or(false)
}

/// Whether two paths name the same existing directory.
fn same_place(a: &Path, b: &Path) -> bool {
    a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b)
}

/// The project's archive step before a clean removes a worktree (SPEC K6 with L3). Projects
/// have no archive script yet (worktree environments, SPEC L, add it); this is where it runs.
async fn run_archive_step(_project: &Project, _record: &SessionRecord) -> Result<(), String> {
    Ok(())
}
