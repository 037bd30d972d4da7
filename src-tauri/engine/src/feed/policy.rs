//! The feed's numbers (SPEC E2, E3, §J), each with why it has that value, and [`FeedOptions`] to
//! change them (tests shorten them; the app uses the defaults).

use std::time::Duration;

/// Quiet time that ends a burst (SPEC E2, §J "~50 ms"). The first change after this long without
/// a round goes out at once (the leading edge: an isolated change waits for nothing); changes
/// within it of a round are gathered until this long passes without one. An operation often
/// writes several records; 50 ms gathers the rest of those into one more patch while staying well
/// under what a person notices on a dashboard.
pub const FEED_COALESCE: Duration = Duration::from_millis(50);

/// The longest a burst is held back, however busy the writers. Without a cap, a writer that
/// never pauses for 50 ms (a thousand sessions saving in turn) would keep the dashboard frozen.
pub const FEED_COALESCE_MAX: Duration = Duration::from_millis(250);

/// How often the whole store is read again as a safety net for watcher events the OS dropped
/// (inotify queue overflow, a directory created between two reads). It is the feed's only timer;
/// changes normally arrive through the watcher within the coalescing window.
pub const FEED_RECONCILE_EVERY: Duration = Duration::from_secs(30);

/// The least time between two enrichment passes the feed starts because the disk changed. One
/// change starts a pass at once (a new session gets its live fields without waiting), but a storm
/// of writes (a thousand sessions saving in turn) must not re-probe every live session on every
/// write: measured with 1,000 sessions of which 350 live and a write every 120 ms, a pass per
/// write took the webview's p99 latency from 85 ms (no live sessions) to 166 ms, a 2 s gap to
/// 106 ms. Five seconds is still far fresher than the 35 s the cached read allows otherwise, and
/// live fields already shown stay shown meanwhile (SPEC E3).
pub const FEED_PASS_GAP: Duration = Duration::from_secs(5);

/// Consecutive failures of one source before the UI shows a feed error (SPEC E3): single slow or
/// failed reads are normal on a busy machine and must not flash errors.
pub const FEED_ERRORS_BEFORE_WARNING: u32 = 3;

/// Messages held for a subscriber that reads slowly. A webview that falls this far behind is
/// better served by one fresh snapshot than by replaying hundreds of patches, so a full buffer
/// resyncs the subscriber instead of growing without bound.
pub const FEED_SUBSCRIBER_CAPACITY: usize = 256;

/// The feed's timings and limits. `Default` gives the constants above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOptions {
    /// Quiet time that ends a burst ([`FEED_COALESCE`]).
    pub coalesce: Duration,
    /// The longest a burst is held back ([`FEED_COALESCE_MAX`]).
    pub coalesce_max: Duration,
    /// Period of the reconciliation read ([`FEED_RECONCILE_EVERY`]).
    pub reconcile_every: Duration,
    /// The least time between two enrichment passes started by disk changes ([`FEED_PASS_GAP`]).
    pub pass_gap: Duration,
    /// Messages buffered per subscriber before it is resynced ([`FEED_SUBSCRIBER_CAPACITY`]).
    pub subscriber_capacity: usize,
    /// Whether to watch the store's directories. Off, changes arrive only through
    /// [`Feed::notify_changed`](super::Feed::notify_changed), [`Feed::refresh`](super::Feed::refresh)
    /// and reconciliation: tests of the timers use that to keep the OS out of the picture.
    pub watch_store: bool,
}

impl Default for FeedOptions {
    fn default() -> Self {
        Self {
            coalesce: FEED_COALESCE,
            coalesce_max: FEED_COALESCE_MAX,
            reconcile_every: FEED_RECONCILE_EVERY,
            pass_gap: FEED_PASS_GAP,
            subscriber_capacity: FEED_SUBSCRIBER_CAPACITY,
            watch_store: true,
        }
    }
}
