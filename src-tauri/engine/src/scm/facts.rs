//! The PR facts reactions quote (SPEC H3), read with `gh`: the failing checks' log excerpts and
//! the unresolved review comments of a session's PR. The repository is the project's `repo`
//! from config, else its `origin`.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Gh, RepoSlug, ScmProject, failed_check_logs, project_repo, review_comments};
use crate::config::Config;
use crate::react::reactions::{FactsError, PortFuture, PrFactSource};
use crate::scm::{CheckLog, ReviewComment};
use crate::session::{PrInfo, SessionRecord};

/// Reads PR facts through `gh` for the projects of the config in force.
#[derive(Debug, Clone)]
pub struct GhPrFacts {
    config: watch::Receiver<Arc<Config>>,
    gh: Gh,
}

impl GhPrFacts {
    /// Facts for the projects `config` declares, read with `gh` from `PATH`.
    pub fn new(config: watch::Receiver<Arc<Config>>) -> Self {
        Self { config, gh: Gh::new() }
    }

    /// The same facts read with `gh` as configured here (a fake in tests).
    pub fn with_gh(mut self, gh: Gh) -> Self {
        self.gh = gh;
        self
    }

    /// The GitHub repository of `session`'s project.
    async fn repo(&self, session: &SessionRecord) -> Result<RepoSlug, FactsError> {
        let project = self.config.borrow().project(&session.project_id).cloned();
        let project = project.ok_or_else(|| FactsError(format!("project {} is not configured", session.project_id)))?;
        let project = ScmProject { id: project.id, path: project.path, repo: project.repo };
        project_repo(std::path::Path::new("git"), &project).await.map_err(FactsError)
    }
}

impl PrFactSource for GhPrFacts {
    fn failed_check_logs<'a>(
        &'a self,
        session: &'a SessionRecord,
        pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<CheckLog>, FactsError>> {
        Box::pin(async move {
            let repo = self.repo(session).await?;
            Ok(failed_check_logs(&self.gh, &repo, &pr.failed_checks).await)
        })
    }

    fn review_comments<'a>(
        &'a self,
        session: &'a SessionRecord,
        pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<ReviewComment>, FactsError>> {
        Box::pin(async move {
            let repo = self.repo(session).await?;
            review_comments(&self.gh, &repo, pr.number).await.map_err(|e| FactsError(e.to_string()))
        })
    }
}
