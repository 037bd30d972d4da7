//! The PR loop (SPEC H4): a background task that runs a pass at start, then every
//! [`PASS_INTERVAL`], sooner when poked, and backs off while GitHub rate-limits it. It is owned
//! by a [`PrLoop`] handle; dropping the handle stops it. Its state is published through `watch`
//! channels, so the UI reads it without ever waiting on the network.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::gh::{Gh, GhError};
use super::pass::{PassReport, PrPoller};
use super::query::BATCH_SIZE;
use super::repo::ScmProject;
use super::status::{BACKOFF_FIRST, BACKOFF_MAX, Backoff, ScmStatus};
use crate::store::Store;

/// Time between passes. PR and CI state change on a scale of minutes; one batched call per
/// repository per minute spends about 60 of GitHub's 5,000 hourly points.
pub const PASS_INTERVAL: Duration = Duration::from_secs(60);

/// Shortest time between the end of a pass and a pass a poke asks for: a burst of pokes
/// (several agents opening PRs at once) becomes one pass, and GitHub needs a few seconds to
/// compute a new PR's mergeability anyway.
pub const MIN_POKE_GAP: Duration = Duration::from_secs(5);

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct PrLoopOptions {
    /// Time between passes.
    pub interval: Duration,
    /// Shortest gap before a poked pass.
    pub min_poke_gap: Duration,
    /// First wait after a rate limit.
    pub backoff_first: Duration,
    /// Longest wait while rate limited.
    pub backoff_max: Duration,
    /// How `gh` is run.
    pub gh: Gh,
    /// The `git` program (for `origin`).
    pub git: PathBuf,
    /// Branches per query.
    pub batch_size: usize,
}

impl Default for PrLoopOptions {
    fn default() -> Self {
        Self {
            interval: PASS_INTERVAL,
            min_poke_gap: MIN_POKE_GAP,
            backoff_first: BACKOFF_FIRST,
            backoff_max: BACKOFF_MAX,
            gh: Gh::new(),
            git: PathBuf::from("git"),
            batch_size: BATCH_SIZE,
        }
    }
}

/// What the last pass did, published after every pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassSummary {
    /// How many passes have finished (0 before the first).
    pub passes: u64,
    /// The last pass's report.
    pub report: PassReport,
}

/// Where the projects come from: called at the start of every pass, so config reloads apply.
type Projects = Arc<dyn Fn() -> Vec<ScmProject> + Send + Sync>;

/// The running PR loop. Dropping it stops the loop (a `gh` call in flight is killed).
pub struct PrLoop {
    task: JoinHandle<()>,
    poke: watch::Sender<u64>,
    status: watch::Receiver<ScmStatus>,
    passes: watch::Receiver<PassSummary>,
}

impl PrLoop {
    /// Starts the loop over `store`'s records for the projects `projects` returns. The first pass
    /// starts at once. Must be called inside a tokio runtime.
    pub fn spawn(
        store: Store,
        projects: impl Fn() -> Vec<ScmProject> + Send + Sync + 'static,
        options: PrLoopOptions,
    ) -> PrLoop {
        let (poke, poked) = watch::channel(0);
        let (status_tx, status) = watch::channel(ScmStatus::Ok);
        let (passes_tx, passes) = watch::channel(PassSummary::default());
        let poller = PrPoller::new(store, options.gh.clone())
            .with_git_program(options.git.clone())
            .with_batch_size(options.batch_size);
        let state = LoopState { poller, projects: Arc::new(projects), options, poked, status_tx, passes_tx };
        PrLoop { task: tokio::spawn(state.run()), poke, status, passes }
    }

    /// Asks for a pass soon (after [`PrLoopOptions::min_poke_gap`] from the last one). Ignored
    /// while rate limited: the pass at the end of the backoff covers it.
    pub fn poke(&self) {
        self.poke.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The loop's state; changes when it does.
    pub fn status(&self) -> watch::Receiver<ScmStatus> {
        self.status.clone()
    }

    /// The summary of the last pass; changes after every pass.
    pub fn passes(&self) -> watch::Receiver<PassSummary> {
        self.passes.clone()
    }
}

impl Drop for PrLoop {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct LoopState {
    poller: PrPoller,
    projects: Projects,
    options: PrLoopOptions,
    poked: watch::Receiver<u64>,
    status_tx: watch::Sender<ScmStatus>,
    passes_tx: watch::Sender<PassSummary>,
}

impl LoopState {
    async fn run(mut self) {
        let mut backoff = Backoff::new(self.options.backoff_first, self.options.backoff_max);
        let mut passes = 0u64;
        loop {
            // Pokes made before this pass starts are answered by it.
            self.poked.borrow_and_update();
            let projects = (self.projects)();
            let report = self.poller.pass(&projects).await;
            passes += 1;
            let ended = Instant::now();
            let (status, wait) = match &report.problem {
                Some(GhError::RateLimited { .. }) => {
                    let wait = backoff.next_delay();
                    (ScmStatus::RateLimited { until: Utc::now() + chrono_duration(wait) }, Some(wait))
                }
                Some(error) => {
                    backoff.reset();
                    (ScmStatus::Failing { error: error.to_string() }, None)
                }
                None => {
                    backoff.reset();
                    (ScmStatus::Ok, None)
                }
            };
            self.publish(status, PassSummary { passes, report });
            match wait {
                // No call at all until the backoff ends, pokes or not.
                Some(wait) => tokio::time::sleep_until(ended + wait).await,
                None => self.wait_for_next(ended).await,
            }
        }
    }

    /// Waits for the interval to pass or for a poke (then for the poke gap).
    async fn wait_for_next(&mut self, ended: Instant) {
        let next = ended + self.options.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            poked = self.poked.changed() => {
                let soon = (ended + self.options.min_poke_gap).min(next);
                // A closed channel means the handle is gone; the task is being aborted anyway.
                tokio::time::sleep_until(if poked.is_ok() { soon } else { next }).await;
            }
        }
    }

    /// Publishes the pass; the status only when it changed, and logged then, so a failure that
    /// lasts is one line in the log, not one a minute.
    fn publish(&self, status: ScmStatus, summary: PassSummary) {
        self.status_tx.send_if_modified(|current| {
            if *current == status {
                return false;
            }
            match &status {
                ScmStatus::Ok => tracing::info!("PR status: GitHub answers again"),
                ScmStatus::RateLimited { until } => tracing::warn!(%until, "PR status: GitHub rate limit"),
                ScmStatus::Failing { error } => tracing::warn!("PR status: {error}"),
            }
            *current = status;
            true
        });
        self.passes_tx.send_replace(summary);
    }
}

/// `d` as a chrono duration; waits here are minutes, far from chrono's limits.
fn chrono_duration(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX)
}
