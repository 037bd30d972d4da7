//! Reactions and the notification policy (SPEC H2, H3): what deserves a human, and what Grove
//! does by itself about a PR's failing CI or a reviewer's comments before asking one.
//!
//! - `signals`: what a session shows that may need attention, derived from its view.
//! - `policy`: which signal changes notify, coalesced, muted, and suppressed for the session the
//!   user is looking at (pure).
//! - `notifiers`: where notifications go (`command`, `webhook`; the desktop one is the app's).
//! - `reactions`: per-session reaction state (attempts, escalation), recorded in the record.

pub mod notifiers;
pub mod policy;
pub mod reactions;
mod signals;
mod watch;

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use ts_rs::TS;

pub use signals::{Signal, signals_of};
pub use watch::{Attention, AttentionSources, Desktop, Focus, OnNotified};

use crate::config::Priority;
use crate::manager::SessionKey;

/// A boxed future, so notifiers can live behind `Arc<dyn Notifier>`.
pub type NotifyFuture<'a> = Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;

/// One notification to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The session it is about; `None` for a summary of several.
    pub session: Option<SessionKey>,
    /// Every session it covers (one, or the sessions a summary gathers).
    pub sessions: Vec<SessionKey>,
    /// What changed, when it is about one signal.
    pub signal: Option<Signal>,
    /// How urgent it is; routing picks the notifiers by it.
    #[ts(type = "string")]
    pub priority: Priority,
    /// The title line: "api-7 needs you".
    pub title: String,
    /// The body: what it needs, in a sentence.
    pub body: String,
}

/// Why a notifier could not deliver.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The notifier's program or endpoint could not be reached or failed.
    #[error("{notifier}: {reason}")]
    Failed {
        /// The notifier's name.
        notifier: String,
        /// What went wrong.
        reason: String,
    },
}

/// Somewhere notifications go.
pub trait Notifier: Send + Sync {
    /// Delivers `notification`, within the notifier's own deadline.
    fn notify<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a>;
}
