//! The live feed (SPEC E1-E3): one snapshot per subscriber, then patches with sequence numbers,
//! fed by the store watcher, enrichment results and operations. `message` fixes the wire types the
//! webview receives; the rest is filled in by the dashboard issue.
//!
//! - [`Feed`] (`handle`) owns the task and the watcher; [`Feed::subscribe`] gives a
//!   [`Subscription`] (`hub`): snapshot, then patches numbered one after another, and a fresh
//!   snapshot after a lag or on [`Subscription::resync`].
//! - `watcher` turns store file events into "the disk changed" and quarantines; `inbox` holds
//!   them for the task; `coalesce` gathers a burst into one round; `task` reads and publishes.
//! - `state` holds what subscribers were told and merges new readings into it; `health` counts
//!   failures (SPEC E3); `config` is what the sidebar needs from the config; `policy` the numbers.
//!
//! Membership: a new session is sent as a patch that contains it in full (the UI, seeing an id it
//! does not know, asks for a snapshot per SPEC E4, or simply adds it); a deleted one is listed in
//! `removed`. A change of the project list, which patches cannot carry, is sent to every
//! subscriber as a new snapshot in the same sequence.

mod coalesce;
mod config;
mod handle;
mod health;
mod hub;
mod inbox;
mod message;
mod policy;
mod state;
mod task;
mod watcher;

pub use config::{ConfiguredProject, FeedConfig};
pub use handle::Feed;
pub use hub::Subscription;
pub use message::{FeedEvent, FeedProject, FeedSession, FeedWarning, Patch, Snapshot, WarningSource};
pub use policy::{
    FEED_COALESCE, FEED_COALESCE_MAX, FEED_ERRORS_BEFORE_WARNING, FEED_PASS_GAP, FEED_RECONCILE_EVERY,
    FEED_SUBSCRIBER_CAPACITY, FeedOptions,
};
