//! Builders shared by the derivation tests, so each table says only what it varies.

use chrono::{DateTime, Utc};

use super::lifecycle::{Lifecycle, PrReason, PrState, RuntimeReason, RuntimeState, SessionReason, SessionState};

/// A fixed instant: derivations never read the clock, so any time will do.
fn epoch() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

/// A lifecycle with the given session and PR parts and an unprobed runtime.
pub fn lifecycle(state: SessionState, reason: SessionReason, pr: PrState, pr_reason: PrReason) -> Lifecycle {
    let mut lc = Lifecycle::spawning(epoch());
    lc.session.state = state;
    lc.session.reason = reason;
    lc.pr.state = pr;
    lc.pr.reason = pr_reason;
    lc
}

/// `lc` with its runtime part replaced.
pub fn with_runtime(mut lc: Lifecycle, state: RuntimeState, reason: RuntimeReason) -> Lifecycle {
    lc.runtime.state = state;
    lc.runtime.reason = reason;
    lc
}
