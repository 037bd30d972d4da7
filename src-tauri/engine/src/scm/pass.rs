//! One pass of the PR loop: list the records from disk, find the PR of every live session with a
//! branch, and write what changed. The cost is one `gh` call per repository per
//! [`BATCH_SIZE`](super::BATCH_SIZE) branches, however many sessions share them; a record is
//! written only when its PR facts changed, so an idle fleet causes no disk writes at all.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use tokio::time::Instant;

use super::gh::{Gh, GhError, GqlVar};
use super::mapping::apply_found;
use super::query::{BATCH_SIZE, FoundPr, batch_query, parse_batch};
use super::repo::{RepoSlug, ScmProject, project_repo};
use crate::ids::{ProjectId, SessionId};
use crate::session::PrState;
use crate::session::{SessionRecord, is_terminal};
use crate::store::{Store, StoreError};

/// How long a project whose repository could not be determined (no `origin`, not GitHub) is left
/// alone before `git` is asked again: the remote rarely changes, and asking every pass would
/// log the same warning every minute.
const REPO_RETRY: Duration = Duration::from_secs(10 * 60);

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// `gh` calls made.
    pub gh_calls: u32,
    /// Live sessions with a branch in a GitHub repository that were looked up.
    pub sessions: usize,
    /// Records written because their PR facts changed.
    pub updated: usize,
    /// Sessions whose PR this pass found newly merged: the app lands them
    /// (`Ops::land_merged_pr`), which applies the project's `after_land` (SPEC K6).
    pub merged: Vec<SessionId>,
    /// What kept the pass from getting every answer: a rate limit (the pass stopped there),
    /// `gh` missing or logged out (likewise), or the first other failure.
    pub problem: Option<GhError>,
}

/// A project's repository as last determined.
struct CachedRepo {
    path: PathBuf,
    configured: Option<String>,
    slug: Result<RepoSlug, String>,
    at: Instant,
}

/// Runs passes, remembering each project's repository between them.
pub struct PrPoller {
    store: Store,
    gh: Gh,
    git: PathBuf,
    batch_size: usize,
    repos: HashMap<ProjectId, CachedRepo>,
}

/// The sessions on one branch of one repository: they share one alias of the query.
type Branches = BTreeMap<String, Vec<SessionRecord>>;

impl PrPoller {
    /// Passes over `store`'s records, asking `gh`; `git` from `PATH`, [`BATCH_SIZE`] branches per call.
    pub fn new(store: Store, gh: Gh) -> Self {
        Self { store, gh, git: PathBuf::from("git"), batch_size: BATCH_SIZE, repos: HashMap::new() }
    }

    /// The same with another `git` program.
    pub fn with_git_program(mut self, git: impl Into<PathBuf>) -> Self {
        self.git = git.into();
        self
    }

    /// The same with another number of branches per call (at least 1).
    pub fn with_batch_size(mut self, size: usize) -> Self {
        self.batch_size = size.max(1);
        self
    }

    /// One pass over every live session of `projects`.
    pub async fn pass(&mut self, projects: &[ScmProject]) -> PassReport {
        let mut report = PassReport::default();
        let store = self.store.clone();
        let listed = match tokio::task::spawn_blocking(move || store.list_stored()).await {
            Ok(listed) => listed.sessions,
            Err(e) => {
                report.problem = Some(GhError::Failed { message: format!("listing the sessions failed: {e}") });
                return report;
            }
        };
        for (slug, branches) in self.group(listed, projects).await {
            report.sessions += branches.values().map(Vec::len).sum::<usize>();
            let branches: Vec<(String, Vec<SessionRecord>)> = branches.into_iter().collect();
            for chunk in branches.chunks(self.batch_size) {
                report.gh_calls += 1;
                match self.query(&slug, chunk).await {
                    Ok(found) => {
                        let (written, merged) = self.write(chunk, found).await;
                        report.updated += written;
                        report.merged.extend(merged);
                    }
                    Err(error) => {
                        let stop = error.is_fatal() || matches!(error, GhError::RateLimited { .. });
                        tracing::debug!(repo = %slug, "PR query failed: {error}");
                        report.problem = Some(error);
                        if stop {
                            return report;
                        }
                        // Another chunk of this repository would most likely fail the same way.
                        break;
                    }
                }
            }
        }
        report
    }

    /// The live sessions with a branch, by repository and branch.
    async fn group(&mut self, listed: Vec<SessionRecord>, projects: &[ScmProject]) -> BTreeMap<RepoSlug, Branches> {
        let mut by_project: BTreeMap<ProjectId, Vec<SessionRecord>> = BTreeMap::new();
        for record in listed {
            if !is_terminal(&record.lifecycle) && !record.branch.trim().is_empty() {
                by_project.entry(record.project_id.clone()).or_default().push(record);
            }
        }
        let mut by_repo: BTreeMap<RepoSlug, Branches> = BTreeMap::new();
        for (project_id, records) in by_project {
            let Some(project) = projects.iter().find(|p| p.id == project_id) else { continue };
            let Some(slug) = self.slug(project).await else { continue };
            let branches = by_repo.entry(slug).or_default();
            for record in records {
                branches.entry(record.branch.clone()).or_default().push(record);
            }
        }
        by_repo
    }

    /// The repository of `project`, from the cache when its path and config are unchanged.
    async fn slug(&mut self, project: &ScmProject) -> Option<RepoSlug> {
        if let Some(cached) = self.repos.get(&project.id) {
            let same = cached.path == project.path && cached.configured == project.repo;
            if same && (cached.slug.is_ok() || cached.at.elapsed() < REPO_RETRY) {
                return cached.slug.as_ref().ok().cloned();
            }
        }
        let slug = project_repo(&self.git, project).await;
        if let Err(reason) = &slug {
            tracing::warn!(project = %project.id, "PR status is not read for this project: {reason}");
        }
        let cached = CachedRepo {
            path: project.path.clone(),
            configured: project.repo.clone(),
            slug: slug.clone(),
            at: Instant::now(),
        };
        self.repos.insert(project.id.clone(), cached);
        slug.ok()
    }

    /// One batched query for `chunk`'s branches.
    async fn query(
        &self,
        slug: &RepoSlug,
        chunk: &[(String, Vec<SessionRecord>)],
    ) -> Result<Vec<Option<FoundPr>>, GhError> {
        let names: Vec<String> = (0..chunk.len()).map(|i| format!("b{i}")).collect();
        let mut vars = vec![("owner", GqlVar::Str(&slug.owner)), ("name", GqlVar::Str(&slug.name))];
        vars.extend(names.iter().zip(chunk).map(|(name, (branch, _))| (name.as_str(), GqlVar::Str(branch))));
        let data = self.gh.graphql(&batch_query(chunk.len()), &vars).await?;
        parse_batch(&data, chunk.len()).map_err(|reason| GhError::BadResponse { reason: format!("{slug}: {reason}") })
    }

    /// Writes the found PRs into the records whose facts they change; returns how many were
    /// written and the sessions whose PR became merged. The listed copy only decides whether to
    /// take the lock; what is written is decided again on the record as it is under the lock.
    async fn write(
        &self,
        chunk: &[(String, Vec<SessionRecord>)],
        found: Vec<Option<FoundPr>>,
    ) -> (usize, Vec<SessionId>) {
        let now = Utc::now();
        let mut changes: Vec<(ProjectId, SessionId, FoundPr)> = Vec::new();
        for ((_, records), found) in chunk.iter().zip(found) {
            let Some(found) = found else { continue };
            for record in records {
                if apply_found(&mut record.clone(), &found, now) {
                    changes.push((record.project_id.clone(), record.id.clone(), found.clone()));
                }
            }
        }
        if changes.is_empty() {
            return (0, Vec::new());
        }
        let store = self.store.clone();
        let written = tokio::task::spawn_blocking(move || {
            let (mut written, mut merged) = (0, Vec::new());
            for (project, id, found) in changes {
                let (mut changed, mut was_merged) = (false, false);
                let apply = |record: &mut SessionRecord| {
                    was_merged = record.lifecycle.pr.state == PrState::Merged;
                    changed = apply_found(record, &found, now);
                };
                match store.update(&project, &id, apply) {
                    Ok(record) => {
                        written += usize::from(changed);
                        if changed && !was_merged && record.lifecycle.pr.state == PrState::Merged {
                            merged.push(id);
                        }
                    }
                    // Removed since the listing: nothing to tell it any more.
                    Err(StoreError::NotFound { .. }) => {}
                    Err(e) => tracing::warn!(session = %id, "could not record PR state: {e}"),
                }
            }
            (written, merged)
        });
        written.await.unwrap_or_default()
    }
}
