//! What the reactor needs from outside, as traits so tests can stand in for them: a way to send
//! text to an agent ([`AgentSender`], implemented for [`Ops`]) and the PR facts a message quotes
//! ([`PrFactSource`], for `scm` to implement with `gh`). Both are async because both run programs.
//! The facts are `scm`'s own types, so its implementation only has to find the repository.

use std::future::Future;
use std::pin::Pin;

use crate::ids::SessionId;
use crate::ops::Ops;
use crate::scm::{CheckLog, ReviewComment};
use crate::session::{PrInfo, SessionRecord};

/// A boxed future, so the ports can live behind `Arc<dyn ...>`.
pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why PR facts could not be read; the message is then sent without them, saying so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FactsError(pub String);

/// Where the failing checks' logs and the review comments come from (`scm` reads them with `gh`).
/// Implementations bound their own calls; the reactor also puts a deadline on each.
pub trait PrFactSource: Send + Sync {
    /// The failing checks of `pr` (the PR of `session`, as `pr.failed_checks` lists them), each
    /// with an excerpt of its log or why there is none; `Err` when none could be read at all.
    fn failed_check_logs<'a>(
        &'a self,
        session: &'a SessionRecord,
        pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<CheckLog>, FactsError>>;

    /// The review comments on `pr` that are not resolved yet, oldest first.
    fn review_comments<'a>(
        &'a self,
        session: &'a SessionRecord,
        pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<ReviewComment>, FactsError>>;
}

/// PR facts for when no source is wired (no forge configured): every read fails, so messages
/// carry the check names from the record and a link to the PR, nothing more.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrFacts;

impl PrFactSource for NoPrFacts {
    fn failed_check_logs<'a>(
        &'a self,
        _session: &'a SessionRecord,
        _pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<CheckLog>, FactsError>> {
        Box::pin(async { Err(FactsError("no source of check logs is configured".into())) })
    }

    fn review_comments<'a>(
        &'a self,
        _session: &'a SessionRecord,
        _pr: &'a PrInfo,
    ) -> PortFuture<'a, Result<Vec<ReviewComment>, FactsError>> {
        Box::pin(async { Err(FactsError("no source of review comments is configured".into())) })
    }
}

/// How a reaction's message reaches an agent.
pub trait AgentSender: Send + Sync {
    /// Delivers `message` to the agent of `session`; the error says why it could not.
    fn send_to_agent<'a>(&'a self, session: &'a SessionId, message: &'a str) -> PortFuture<'a, Result<(), String>>;
}

impl AgentSender for Ops {
    /// Through [`Ops::send_with`] (SPEC F2, F2a): a paste buffer, never a shell, the 10 000
    /// character limit; never into a dialog, and never restoring a session that is no longer live.
    fn send_to_agent<'a>(&'a self, session: &'a SessionId, message: &'a str) -> PortFuture<'a, Result<(), String>> {
        let options = crate::ops::SendOptions { force: false, revive: false };
        Box::pin(async move { self.send_with(session, message, options).await.map(drop).map_err(|e| e.to_string()) })
    }
}
