//! Landing through GitHub (SPEC K5, F6): push the branch, `gh pr create` unless a PR exists,
//! then `gh pr merge` with the project's method only when the PR is open and mergeable; else a
//! refusal saying why (checks failing, review required, conflicts, behind). All `gh` calls are
//! argv words through the bounded runner, in the project's repository, with `-R owner/name` when
//! the project names its repository.

use std::ffi::OsString;

use serde::Deserialize;

use super::check::{Facts, PrReadiness};
use super::git;
use super::local::{squash_message, title};
use super::{LandMethod, LandOutcome, LandRefusal};
use crate::config::Project;
use crate::ops::{Cause, OpError, OpKind, OpStep, Ops};
use crate::scm::GH_TIMEOUT;
use crate::session::{LandedBy, SessionRecord};

/// The fields `gh pr view --json` is asked for.
const VIEW_FIELDS: &str = "number,url,state,isDraft,mergeable,mergeStateStatus,reviewDecision,statusCheckRollup";

/// A pull request as `gh pr view --json` prints it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PrView {
    pub number: u32,
    pub url: String,
    pub state: String,
    #[serde(default)]
    pub is_draft: bool,
    #[serde(default)]
    pub mergeable: String,
    #[serde(default)]
    pub merge_state_status: String,
    #[serde(default)]
    pub review_decision: Option<String>,
    #[serde(default)]
    pub status_check_rollup: Vec<CheckView>,
}

/// One check or status of the PR's head commit.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct CheckView {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

/// Why the PR may not be merged now, or `None` when it may (SPEC F6).
pub(super) fn not_mergeable(pr: &PrView) -> Option<String> {
    if pr.state != "OPEN" {
        return Some(format!("the PR is {}", pr.state.to_lowercase()));
    }
    if pr.is_draft {
        return Some("the PR is a draft".into());
    }
    if pr.mergeable == "CONFLICTING" || pr.merge_state_status == "DIRTY" {
        return Some("the PR conflicts with its base branch".into());
    }
    let name = |c: &CheckView| c.name.clone().or_else(|| c.context.clone()).unwrap_or_else(|| "a check".into());
    let failing: Vec<String> = pr
        .status_check_rollup
        .iter()
        .filter(|c| {
            let bad = |v: &Option<String>| {
                matches!(v.as_deref(), Some("FAILURE" | "ERROR" | "CANCELLED" | "TIMED_OUT" | "ACTION_REQUIRED"))
            };
            bad(&c.conclusion) || bad(&c.state)
        })
        .map(name)
        .collect();
    if !failing.is_empty() {
        return Some(format!("checks failing: {}", failing.join(", ")));
    }
    let running = pr.status_check_rollup.iter().any(|c| {
        matches!(c.status.as_deref(), Some("QUEUED" | "IN_PROGRESS" | "PENDING" | "WAITING"))
            || matches!(c.state.as_deref(), Some("PENDING" | "EXPECTED"))
    });
    if running {
        return Some("checks are still running".into());
    }
    match pr.review_decision.as_deref() {
        Some("REVIEW_REQUIRED") => return Some("a review is required".into()),
        Some("CHANGES_REQUESTED") => return Some("a reviewer requested changes".into()),
        _ => {}
    }
    match pr.merge_state_status.as_str() {
        "BEHIND" => Some("the PR is behind its base branch".into()),
        "BLOCKED" => Some("branch protection blocks the merge".into()),
        _ if pr.mergeable == "UNKNOWN" => Some("GitHub has not finished checking whether it can be merged".into()),
        _ => None,
    }
}

impl Ops {
    /// SPEC K5: push, create the PR unless one exists, merge it only when mergeable.
    pub(super) async fn land_through_pr(
        &self,
        record: &SessionRecord,
        project: &Project,
        method: LandMethod,
        facts: &Facts,
    ) -> Result<LandOutcome, OpError> {
        let fail = |step, cause| OpError { op: OpKind::Land, session: record.id.clone(), step, cause };
        let refusal = facts.refusals().into_iter().find(|r| {
            matches!(r, LandRefusal::NoBase { .. } | LandRefusal::AlreadyLanded | LandRefusal::Uncommitted { .. })
                || (facts.ahead == 0 && matches!(r, LandRefusal::NothingToLand { .. }))
        });
        if let Some(refusal) = refusal {
            return Err(fail(OpStep::LandCheck, Cause::Land(refusal)));
        }
        git::git(&project.path)
            .args(["push", "-u", "origin", "--end-of-options", &facts.branch])
            .run()
            .await
            .map_err(|e| fail(OpStep::Push, e.into()))?;
        let pr = match self.pr_view(project, &facts.branch).await.map_err(|c| fail(OpStep::PullRequest, c))? {
            Some(pr) => pr,
            None => {
                self.pr_create(project, record, facts).await.map_err(|c| fail(OpStep::PullRequest, c))?;
                self.pr_view(project, &facts.branch)
                    .await
                    .map_err(|c| fail(OpStep::PullRequest, c))?
                    .ok_or_else(|| fail(OpStep::PullRequest, Cause::Invalid("the new PR cannot be found".into())))?
            }
        };
        if pr.state != "MERGED" {
            if let Some(reason) = not_mergeable(&pr) {
                let refusal = LandRefusal::PrNotMergeable { url: pr.url.clone(), reason };
                return Err(fail(OpStep::PullRequest, Cause::Land(refusal)));
            }
            let flag = format!("--{}", method.as_str());
            let number = pr.number.to_string();
            self.gh_run(project, &["pr", "merge", &number, &flag]).await.map_err(|c| fail(OpStep::PullRequest, c))?;
        }
        let landing = self
            .record_landing(record, project, LandedBy::Pr, pr.url.clone(), Some(facts.branch_tip.clone()))
            .await
            .map_err(|c| fail(OpStep::Record, c))?;
        Ok(LandOutcome {
            method,
            base: facts.base.clone(),
            commit: pr.url.clone(),
            cleanup: landing.cleanup,
            cleanup_note: landing.cleanup_note,
            pr_url: Some(pr.url),
        })
    }

    /// What a land through GitHub could do now, for [`super::LandCheck`]. Never fails: what
    /// cannot be learned is the reason.
    pub(super) async fn pr_readiness(&self, project: &Project, record: &SessionRecord) -> PrReadiness {
        let has_remote = git::git(&project.path).args(["remote", "get-url", "origin"]).output().await;
        if project.repo.is_none() && !has_remote.is_ok_and(|o| o.status.success()) {
            return PrReadiness { why: Some("the project has no GitHub repository".into()), ..PrReadiness::default() };
        }
        match self.pr_view(project, &record.branch).await {
            Err(e) => PrReadiness { why: Some(e.to_string()), ..PrReadiness::default() },
            Ok(None) => PrReadiness { can_create: true, ..PrReadiness::default() },
            Ok(Some(pr)) => {
                let why = not_mergeable(&pr);
                PrReadiness {
                    can_create: false,
                    can_merge: why.is_none(),
                    why,
                    number: Some(pr.number),
                    url: Some(pr.url),
                }
            }
        }
    }

    /// The PR whose head is `branch`, if any.
    async fn pr_view(&self, project: &Project, branch: &str) -> Result<Option<PrView>, Cause> {
        let out = self
            .gh_command(project, &["pr", "view", branch, "--json", VIEW_FIELDS])
            .output()
            .await
            .map_err(Cause::Command)?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
            if stderr.contains("no pull requests found") {
                return Ok(None);
            }
            return Err(Cause::Invalid(format!("`gh pr view` failed: {}", out.stderr_excerpt())));
        }
        let pr: PrView = serde_json::from_slice(&out.stdout)
            .map_err(|e| Cause::Invalid(format!("`gh pr view` gave an unexpected answer: {e}")))?;
        Ok(Some(pr))
    }

    /// `gh pr create` with the session's title and a body: what it did and its commits.
    async fn pr_create(&self, project: &Project, record: &SessionRecord, facts: &Facts) -> Result<(), Cause> {
        let base_tip = facts.base_tip.as_deref().unwrap_or(&facts.base);
        let subjects = git::subjects(&project.path, base_tip, &facts.branch_tip).await?;
        let body = pr_body(record, &subjects);
        let title = title(record);
        let args = ["pr", "create", "--head", &facts.branch, "--base", &facts.base, "--title", &title, "--body", &body];
        self.gh_run(project, &args).await
    }

    async fn gh_run(&self, project: &Project, args: &[&str]) -> Result<(), Cause> {
        let out = self.gh_command(project, args).output().await.map_err(Cause::Command)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Cause::Invalid(format!("`gh {}` failed: {}", args[..2].join(" "), out.stderr_excerpt())))
        }
    }

    fn gh_command(&self, project: &Project, args: &[&str]) -> crate::ops::Cmd {
        let mut words: Vec<OsString> = args.iter().map(OsString::from).collect();
        if let Some(repo) = &project.repo {
            words.extend([OsString::from("-R"), OsString::from(repo)]);
        }
        self.gh().command(words, GH_TIMEOUT).cwd(&project.path)
    }
}

/// The PR body: the summary, then the commits.
fn pr_body(record: &SessionRecord, subjects: &[String]) -> String {
    let mut body = String::new();
    if let Some(prompt) = record.prompt.as_deref().filter(|p| !p.trim().is_empty()) {
        let summary: String = prompt.chars().take(2_000).collect();
        body.push_str(&format!("{summary}\n\n"));
    }
    let _ = squash_message;
    body.push_str(&format!("Commits on `{}` (Grove session {}):\n", record.branch, record.id));
    for subject in subjects {
        body.push_str(&format!("\n- {subject}"));
    }
    body
}
