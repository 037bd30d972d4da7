//! Landing locally (SPEC K4): the result commit is built in the object store (squash: one commit
//! on the base tip with the merged tree; merge: a merge commit; rebase: each commit replayed
//! with `merge-tree --merge-base`, no worktree involved), then the base branch is moved by a
//! compare-and-swap and its checkout, if any, follows like a fast-forward. A failure before the
//! swap leaves the base untouched; a checkout that cannot follow makes the swap roll back.

use super::check::Facts;
use super::git;
use super::{LandMethod, LandOptions, LandOutcome, LandRefusal};
use crate::ids::SessionId;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops};
use crate::session::{LandedBy, SessionRecord};

impl Ops {
    /// Lands `session`'s branch in its project's base branch (SPEC K4), or through a GitHub pull
    /// request with `options.pr` (SPEC K5), then applies the project's `after_land` (SPEC K6) and
    /// records the landing. Every refusal ([`Cause::Land`]) comes before anything is written.
    pub async fn land(&self, session: &SessionId, options: LandOptions) -> Result<LandOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Land, session: session.clone(), step, cause };
        let record = self.find(session).await.map_err(|c| fail(OpStep::LoadRecord, c))?;
        let project = self.land_project(&record).map_err(|c| fail(OpStep::CheckState, c))?;
        let method = options.method.unwrap_or(project.land);
        let mut facts = self.land_facts(&record, &project).await.map_err(|c| fail(OpStep::LandCheck, c))?;
        if options.commit_uncommitted && facts.uncommitted > 0 {
            // Refusals that committing would not change come first: nothing is committed for a
            // land that would be refused anyway.
            let early = facts.refusals().into_iter().find(|r| {
                matches!(r, LandRefusal::NoBase { .. } | LandRefusal::AlreadyLanded)
                    || (!options.pr && matches!(r, LandRefusal::BaseDirty { .. }))
            });
            if let Some(refusal) = early {
                return Err(fail(OpStep::LandCheck, Cause::Land(refusal)));
            }
            let message = uncommitted_message(&record);
            git::commit_all(&record.worktree, &message).await.map_err(|e| fail(OpStep::Commit, e.into()))?;
            facts = self.land_facts(&record, &project).await.map_err(|c| fail(OpStep::LandCheck, c))?;
        }
        if options.pr {
            return self.land_through_pr(&record, &project, method, &facts).await;
        }
        if let Some(refusal) = facts.refusals().into_iter().next() {
            return Err(fail(OpStep::LandCheck, Cause::Land(refusal)));
        }
        let new = match build_commit(method, &facts, &record).await {
            Ok(new) => new,
            Err(cause) => return Err(fail(OpStep::Land, cause)),
        };
        write_base(&facts, &new, session).await.map_err(|c| fail(OpStep::Land, c))?;
        let landed_by = match method {
            LandMethod::Squash => LandedBy::Squash,
            LandMethod::Merge => LandedBy::Merge,
            LandMethod::Rebase => LandedBy::Rebase,
        };
        let landing = self
            .record_landing(&record, &project, landed_by, new.clone(), Some(facts.branch_tip.clone()))
            .await
            .map_err(|c| fail(OpStep::Record, c))?;
        Ok(LandOutcome {
            method,
            base: facts.base,
            commit: new,
            cleanup: landing.cleanup,
            cleanup_note: landing.cleanup_note,
            pr_url: None,
        })
    }
}

/// The commit the base branch moves to. Builds objects only; no ref or file changes.
async fn build_commit(method: LandMethod, facts: &Facts, record: &SessionRecord) -> Result<String, Cause> {
    let repo = &facts.repo;
    let base_tip = facts.base_tip.as_deref().ok_or_else(|| Cause::Invalid("the base branch vanished".into()))?;
    let merge = facts.merge.as_ref().ok_or_else(|| Cause::Invalid("no merge was computed".into()))?;
    match method {
        LandMethod::Squash => {
            let subjects = git::subjects(repo, base_tip, &facts.branch_tip).await?;
            let message = squash_message(record, &subjects);
            Ok(git::commit_tree(repo, &merge.tree, &[base_tip], &message, &[]).await?)
        }
        LandMethod::Merge => {
            let message = format!(
                "Merge branch '{}' into {}\n\n{}\n\nLanded by Grove from session {}.",
                facts.branch,
                facts.base,
                title(record),
                record.id
            );
            Ok(git::commit_tree(repo, &merge.tree, &[base_tip, &facts.branch_tip], &message, &[]).await?)
        }
        LandMethod::Rebase => replay(facts, base_tip).await,
    }
}

/// The branch's commits replayed on `base_tip`, each with its own author and message. A branch
/// already on top of the base is taken as it is (a plain fast-forward).
async fn replay(facts: &Facts, base_tip: &str) -> Result<String, Cause> {
    let repo = &facts.repo;
    if facts.behind == 0 {
        return Ok(facts.branch_tip.clone());
    }
    let commits = git::commits_to_replay(repo, base_tip, &facts.branch_tip).await?;
    if commits.is_empty() {
        return Err(Cause::Land(LandRefusal::NothingToLand { base: facts.base.clone() }));
    }
    let mut current = base_tip.to_owned();
    for commit in commits {
        let parent = format!("{commit}^");
        let merged = git::merge_tree(repo, &current, &commit, Some(&parent)).await?;
        if !merged.conflicts.is_empty() {
            return Err(Cause::Land(LandRefusal::Conflicts { base: facts.base.clone(), files: merged.conflicts }));
        }
        let author = git::author_of(repo, &commit).await?;
        let message = git::message_of(repo, &commit).await?;
        current = git::commit_tree(repo, &merged.tree, &[&current], &message, &author).await?;
    }
    Ok(current)
}

/// Moves the base branch from its tip to `new` (compare and swap), then its checkout, if any,
/// with it. When the checkout cannot follow, the branch is swapped back and nothing changed.
async fn write_base(facts: &Facts, new: &str, session: &SessionId) -> Result<(), Cause> {
    let old = facts.base_tip.as_deref().ok_or_else(|| Cause::Invalid("the base branch vanished".into()))?;
    let base_ref = format!("refs/heads/{}", facts.base);
    let why = format!("grove land {session}");
    if let Err(e) = git::swap_ref(&facts.repo, &base_ref, new, old, &why).await {
        let why = format!("`{}` moved while landing, so nothing was changed; check again ({e})", facts.base);
        return Err(Cause::Invalid(why));
    }
    let Some((checkout, _)) = &facts.checkout else { return Ok(()) };
    if let Err(e) = git::move_checkout(checkout, old, new).await {
        let rollback =
            git::swap_ref(&facts.repo, &base_ref, old, new, &format!("grove land {session}: rolled back")).await;
        let undone = match rollback {
            Ok(()) => "the base branch was put back".to_owned(),
            Err(r) => format!("putting the base branch back failed too: {r}"),
        };
        let why = format!(
            "the checkout of `{}` in {} could not be moved to the landed commit ({e}); {undone}",
            facts.base,
            checkout.display()
        );
        return Err(Cause::Invalid(why));
    }
    Ok(())
}

/// The session's title: its display name, else its prompt's first line, else its issue, else
/// its branch.
pub(super) fn title(record: &SessionRecord) -> String {
    let first_line = |text: &String| text.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned);
    record
        .display_name
        .as_ref()
        .and_then(first_line)
        .or_else(|| record.prompt.as_ref().and_then(first_line))
        .or_else(|| record.issue.as_ref().map(|i| format!("Issue {i}")))
        .unwrap_or_else(|| format!("Land {}", record.branch))
        .chars()
        .take(72)
        .collect()
}

/// A squash commit's message: the title, then the branch's commit subjects.
pub(super) fn squash_message(record: &SessionRecord, subjects: &[String]) -> String {
    let mut message = title(record);
    message.push_str(&format!("\n\nSquashed from branch {} (Grove session {}):\n", record.branch, record.id));
    for subject in subjects {
        message.push_str(&format!("\n* {subject}"));
    }
    message
}

/// The message of the commit `commit_uncommitted` makes.
fn uncommitted_message(record: &SessionRecord) -> String {
    format!(
        "Uncommitted work of session {}\n\nCommitted by Grove before landing, as asked: every changed and \
         untracked file in the worktree.",
        record.id
    )
}
