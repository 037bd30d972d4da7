//! The live feed (SPEC E1-E3): one snapshot per subscriber, then patches with sequence numbers,
//! fed by the store watcher, enrichment results and operations. `message` fixes the wire types the
//! webview receives; the rest is filled in by the dashboard issue.

mod message;

pub use message::{FeedEvent, FeedProject, FeedSession, FeedWarning, Patch, Snapshot, WarningSource};
