//! What stands between a session and landing (SPEC K4): the base branch, how far the branch is
//! ahead and behind, uncommitted work in its worktree, a dirty checkout of the base branch, and
//! the files it conflicts in, all found without touching any worktree; plus whether a pull
//! request could be created or merged (SPEC K5). Also "Resolve conflicts": the conflicts sent to
//! the agent as one message.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::git::{self, TreeMerge};
use super::{LandMethod, LandRefusal};
use crate::config::Project;
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops, SendOptions, SendOutcome, uncommitted_entries};
use crate::session::{SessionReason, SessionRecord};

/// Whether the session can land now, and if not, why (the UI's land bar; `grove land` checks
/// the same before it writes anything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LandCheck {
    /// The method a land would use (the project's `land`).
    pub method: LandMethod,
    /// The base branch.
    pub base: String,
    /// Commits on the branch the base lacks.
    pub ahead: u64,
    /// Commits on the base the branch lacks.
    pub behind: u64,
    /// Uncommitted entries in the session's worktree, untracked files included.
    pub uncommitted: u32,
    /// The checkout of the base branch has uncommitted changes to tracked files.
    pub base_dirty: bool,
    /// The files the branch conflicts in with the base, sorted.
    pub conflicts: Vec<String>,
    /// No blocker: a local land would go ahead.
    pub can_land: bool,
    /// What stands in the way, each with a sentence.
    pub blockers: Vec<LandBlocker>,
    /// What a land through GitHub could do.
    pub pr: PrReadiness,
    /// The worktree's size on disk when measured ([`crate::disk`]).
    #[ts(type = "number | null")]
    pub disk_bytes: Option<u64>,
}

/// One reason a land would be refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LandBlocker {
    /// `base_dirty`, `uncommitted`, `conflicts`, `nothing_to_land`, `landed` or `no_base`.
    #[ts(type = "\"base_dirty\" | \"uncommitted\" | \"conflicts\" | \"nothing_to_land\" | \"landed\" | \"no_base\"")]
    pub code: String,
    /// The sentence to show.
    pub message: String,
}

impl From<&LandRefusal> for LandBlocker {
    fn from(refusal: &LandRefusal) -> Self {
        let text = refusal.to_string();
        let message = text.split_once(": ").map_or(text.as_str(), |(_, m)| m).to_owned();
        Self { code: refusal.code().to_owned(), message }
    }
}

/// What a land through GitHub could do (SPEC K5, F6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrReadiness {
    /// A PR can be created (the project has a GitHub repository and none exists yet).
    pub can_create: bool,
    /// The existing PR is open and mergeable.
    pub can_merge: bool,
    /// Why not, when either is false.
    pub why: Option<String>,
    /// The PR's number, when one exists.
    pub number: Option<u32>,
    /// The PR's address, when one exists.
    pub url: Option<String>,
}

/// Everything a check and a land decide on, read once.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub repo: PathBuf,
    pub base: String,
    pub base_tip: Option<String>,
    pub branch: String,
    pub branch_tip: String,
    pub ahead: u64,
    pub behind: u64,
    pub uncommitted: usize,
    /// The checkout of the base branch and its tracked changes.
    pub checkout: Option<(PathBuf, usize)>,
    /// The merge of the branch into the base, computed in the object store.
    pub merge: Option<TreeMerge>,
    /// The base tip's tree: a merge giving it back has nothing to land (a squash already landed).
    pub base_tree: Option<String>,
    pub already_landed: bool,
}

impl Facts {
    /// The refusals, in the order a person would deal with them.
    pub(super) fn refusals(&self) -> Vec<LandRefusal> {
        let Some(_) = &self.base_tip else { return vec![LandRefusal::NoBase { base: self.base.clone() }] };
        if self.already_landed {
            return vec![LandRefusal::AlreadyLanded];
        }
        let mut out = Vec::new();
        if let Some((checkout, entries)) = &self.checkout
            && *entries > 0
        {
            let checkout = checkout.display().to_string();
            out.push(LandRefusal::BaseDirty { base: self.base.clone(), checkout, entries: *entries });
        }
        if self.uncommitted > 0 {
            out.push(LandRefusal::Uncommitted { entries: self.uncommitted });
        }
        let changes_nothing = self.merge.as_ref().is_some_and(|m| Some(&m.tree) == self.base_tree.as_ref());
        if (self.ahead == 0 || changes_nothing) && self.uncommitted == 0 {
            out.push(LandRefusal::NothingToLand { base: self.base.clone() });
        }
        if let Some(merge) = self.merge.as_ref().filter(|m| !m.conflicts.is_empty()) {
            out.push(LandRefusal::Conflicts { base: self.base.clone(), files: merge.conflicts.clone() });
        }
        out
    }
}

impl Ops {
    /// Whether `session` can land now (SPEC K4), and what a PR could do (SPEC K5). Reads only.
    pub async fn land_check(&self, session: &SessionId) -> Result<LandCheck, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Land, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let project = self.land_project(&record).map_err(|c| fail(OpStep::CheckState, c))?;
        let facts = self.land_facts(&record, &project).await.map_err(|c| fail(OpStep::LandCheck, c))?;
        let pr = self.pr_readiness(&project, &record).await;
        let blockers: Vec<LandBlocker> = facts.refusals().iter().map(LandBlocker::from).collect();
        Ok(LandCheck {
            method: project.land,
            base: facts.base.clone(),
            ahead: facts.ahead,
            behind: facts.behind,
            uncommitted: u32::try_from(facts.uncommitted).unwrap_or(u32::MAX),
            base_dirty: facts.checkout.as_ref().is_some_and(|(_, n)| *n > 0),
            conflicts: facts.merge.map(|m| m.conflicts).unwrap_or_default(),
            can_land: blockers.is_empty(),
            blockers,
            pr,
            disk_bytes: self.disk_cache().and_then(|c| c.get(session)).map(|u| u.bytes),
        })
    }

    /// Sends the conflicts with the base branch to the agent as one message (SPEC K4, "Resolve
    /// conflicts"), through the ordinary send (SPEC F2). Refused when there are none.
    pub async fn ask_resolve_conflicts(&self, session: &SessionId) -> Result<SendOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Send, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let project = self.land_project(&record).map_err(|c| fail(OpStep::CheckState, c))?;
        let facts = self.land_facts(&record, &project).await.map_err(|c| fail(OpStep::LandCheck, c))?;
        let files = facts.merge.map(|m| m.conflicts).unwrap_or_default();
        if files.is_empty() {
            let why = format!("the branch does not conflict with `{}`", facts.base);
            return Err(fail(OpStep::CheckState, Cause::Invalid(why)));
        }
        self.send_with(session, &conflict_message(&facts.base, &files), SendOptions::default()).await
    }

    /// The session's project, with a base branch git accepts.
    pub(super) fn land_project(&self, record: &SessionRecord) -> Result<Project, Cause> {
        let project = self
            .config()
            .project(&record.project_id)
            .ok_or_else(|| Cause::UnknownProject(record.project_id.clone()))?;
        Ok(project.clone())
    }

    /// Reads everything a check or a land decides on. Touches no worktree.
    pub(super) async fn land_facts(&self, record: &SessionRecord, project: &Project) -> Result<Facts, Cause> {
        let repo = project.path.clone();
        let (base, branch) = (project.default_branch.clone(), record.branch.clone());
        for name in [&base, &branch] {
            if !git::valid_branch(&repo, name).await? {
                return Err(Cause::Invalid(format!("`{name}` is not a valid branch name")));
            }
        }
        let base_ref = format!("refs/heads/{base}");
        let branch_tip = git::commit_of(&repo, &format!("refs/heads/{branch}"))
            .await?
            .ok_or_else(|| Cause::Invalid(format!("the session's branch `{branch}` does not exist")))?;
        let uncommitted = uncommitted_in(&record.worktree).await?;
        let already_landed = record.lifecycle.session.reason == SessionReason::Landed
            && record.landing.as_ref().and_then(|l| l.head.as_deref()) == Some(branch_tip.as_str());
        let Some(base_tip) = git::commit_of(&repo, &base_ref).await? else {
            let facts = Facts {
                repo,
                base,
                base_tip: None,
                branch,
                branch_tip,
                ahead: 0,
                behind: 0,
                uncommitted,
                checkout: None,
                merge: None,
                base_tree: None,
                already_landed,
            };
            return Ok(facts);
        };
        let ahead = git::count_not_in(&repo, &branch_tip, &base_tip).await?;
        let behind = git::count_not_in(&repo, &base_tip, &branch_tip).await?;
        let checkout = match git::checkout_of(&repo, &base).await? {
            Some(dir) => {
                let changes = git::tracked_changes(&dir).await?;
                Some((dir, changes))
            }
            None => None,
        };
        let base_tree = Some(git::tree_of(&repo, &base_tip).await?);
        let merge = if ahead > 0 { Some(git::merge_tree(&repo, &base_tip, &branch_tip, None).await?) } else { None };
        Ok(Facts {
            repo,
            base,
            base_tip: Some(base_tip),
            branch,
            branch_tip,
            ahead,
            behind,
            uncommitted,
            checkout,
            merge,
            base_tree,
            already_landed,
        })
    }
}

/// Uncommitted entries in `worktree`; none when it is gone.
pub(super) async fn uncommitted_in(worktree: &Path) -> Result<usize, Cause> {
    if !worktree.is_dir() {
        return Ok(0);
    }
    Ok(uncommitted_entries(worktree).await?)
}

/// The most conflicting files the message lists, so it stays under the send limit (SPEC F2).
const MAX_LISTED_CONFLICTS: usize = 100;

/// The message "Resolve conflicts" sends: the base branch, the files, and what to do.
pub(super) fn conflict_message(base: &str, files: &[String]) -> String {
    let mut text = format!("Your branch conflicts with `{base}` in {} file(s):\n", files.len());
    for file in files.iter().take(MAX_LISTED_CONFLICTS) {
        text.push_str(&format!("- {file}\n"));
    }
    if files.len() > MAX_LISTED_CONFLICTS {
        text.push_str(&format!("- … and {} more\n", files.len() - MAX_LISTED_CONFLICTS));
    }
    text.push_str(&format!(
        "Please merge or rebase your branch onto `{base}`, resolve these conflicts, make sure the build \
         and tests pass, and commit the result."
    ));
    text
}
