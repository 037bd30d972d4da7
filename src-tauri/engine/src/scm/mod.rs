//! PR and CI state from the `gh` CLI (SPEC H4), read in a background loop and written into the
//! session records, so UI reads never touch the network.
//!
//! Files:
//! - `gh`: running `gh` (bounded, no shell) and telling its failures apart: missing, not logged
//!   in, rate limited, anything else.
//! - `repo`: `owner/name` of a project's repository, from config or from `origin` (the pass
//!   caches it per project).
//! - `query`: the one batched GraphQL query per repository per pass (aliases `b0..b49`, branch
//!   names as GraphQL variables), and parsing its answer into [`FoundPr`]s.
//! - `mapping`: what a found PR means for a record (the lifecycle's `pr` part and `pr_info`),
//!   pure; decided again under the record's lock so a newer writer's changes win.
//! - `pass`: one pass over every live session ([`PrPoller`]).
//! - `status`: [`ScmStatus`] and the rate-limit [`Backoff`].
//! - `pr_loop`: the loop task and its handle ([`PrLoop`]): cadence, `poke`, backoff.
//! - `checks`, `reviews`: what reactions send to agents (failed check logs, unresolved review
//!   comments), each one `gh` call; `facts`: [`GhPrFacts`], the reactions' source of both.

/// The bounded child-process runner `ops` uses, so `gh` and `git` run the same way.
mod command {
    pub(super) use crate::ops::{Cmd, CommandError, CommandOutput};
}

mod checks;
mod facts;
mod gh;
mod mapping;
mod pass;
mod pr_loop;
mod query;
mod repo;
mod reviews;
mod status;

pub use checks::{ActionsRun, CheckLog, LOG_EXCERPT_BYTES, failed_check_logs, failed_run_log, log_excerpt};
pub use facts::GhPrFacts;
pub use gh::{GH_TIMEOUT, Gh, GhError, GqlVar};
pub use mapping::{adopts, apply_found, open_reason, pr_state_and_reason, same_facts};
pub use pass::{PassReport, PrPoller};
pub use pr_loop::{MIN_POKE_GAP, PASS_INTERVAL, PassSummary, PrLoop, PrLoopOptions};
pub use query::{BATCH_SIZE, FoundPr, batch_query, parse_batch};
pub use repo::{RepoSlug, ScmProject, origin_slug, project_repo};
pub use reviews::{ReviewComment, review_comments};
pub use status::{BACKOFF_FIRST, BACKOFF_MAX, Backoff, ScmStatus};
