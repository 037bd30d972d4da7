//! The background task that runs cache passes (SPEC D6, D8), owned by a [`Refresher`] handle:
//! dropping the handle stops the task, mid-pass if need be (the probes' flights belong to their
//! tables and end at their own deadlines).

use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::time::{Instant, sleep_until};

use super::cache::Cache;
use super::enrich::Enricher;

/// Owns the refresh task; dropping it stops the task.
#[derive(Debug)]
pub(crate) struct Refresher {
    /// Dropped to tell the task to stop (a closed channel is the signal).
    _stop: oneshot::Sender<()>,
}

impl Refresher {
    /// Starts the task on the current tokio runtime.
    pub fn spawn(enricher: Arc<Enricher>, cache: Arc<Cache>) -> Self {
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(run(enricher, cache, stopped));
        Self { _stop: stop }
    }
}

/// Waits for a request or a due retry, runs one pass, and repeats until stopped.
async fn run(enricher: Arc<Enricher>, cache: Arc<Cache>, mut stopped: oneshot::Receiver<()>) {
    loop {
        let retry_at = cache.retry_at();
        tokio::select! {
            _ = &mut stopped => return,
            () = cache.wake.notified() => {}
            () = sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() => {}
        }
        tokio::select! {
            _ = &mut stopped => return,
            () = cache.pass(&enricher) => {}
        }
    }
}
