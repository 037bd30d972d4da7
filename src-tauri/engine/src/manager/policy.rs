//! The numbers of SPEC §J that govern enrichment, as named constants with their reason, gathered
//! in [`EnrichmentPolicy`] so the app, the CLI, tests and benchmarks use one set of defaults and
//! can change one field on purpose.

use std::time::Duration;

/// `get(id, deadline)` from the UI's detail view (SPEC J): long enough for a healthy tmux and a
/// transcript tail, short enough that the detail pane never looks frozen.
pub const DETAIL_DEADLINE: Duration = Duration::from_secs(3);

/// Per-session bound in `list_fresh` and in background passes (SPEC J): AO's 10 s discovery plus
/// 2 s of margin, so one stalled session cannot hold a whole listing for longer.
pub const FRESH_DEADLINE: Duration = Duration::from_secs(12);

/// After a probe timeout no read path probes that session for this long (SPEC D4), so a stalled
/// agent is not re-probed on every 3 s poll, piling up hung children and log noise.
pub const TIMEOUT_COOLDOWN: Duration = Duration::from_secs(15);

/// How long a background refresh stays fresh in `list_cached` (SPEC J): the dashboard's data is
/// at most this old before a read starts the next refresh.
pub const CACHE_FRESH_FOR: Duration = Duration::from_secs(35);

/// Delays before retrying a failed background refresh (SPEC D8): quick at first, for a blip, then
/// slower; after the last one the normal cadence ([`CACHE_FRESH_FOR`]) takes over.
pub const REFRESH_BACKOFF: [Duration; 3] = [Duration::from_secs(2), Duration::from_secs(5), Duration::from_secs(15)];

/// Background passes call the expensive `AgentProbe::info` on every this-many-th pass per session
/// (SPEC D9): it may read a whole transcript, and summaries change slowly.
pub const INFO_EVERY_NTH_PASS: u64 = 4;

/// Probes running at once across the whole fleet (SPEC D11). A probe process holds about four
/// file descriptors (three pipes and the exec), so 64 stay far below the usual 1,024 limit that
/// made AO's one-probe-per-session-at-once fail at 1,000 sessions.
pub const MAX_CONCURRENT_PROBES: usize = 64;

/// The timings and bounds of enrichment. `Default` gives SPEC §J; tests keep the defaults and
/// pause tokio's clock instead of shortening them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrichmentPolicy {
    /// Default deadline for `get` when the caller has no reason to choose one.
    pub detail_deadline: Duration,
    /// Per-session deadline in `list_fresh` and in background passes.
    pub fresh_deadline: Duration,
    /// Cooldown after a probe timeout.
    pub timeout_cooldown: Duration,
    /// Freshness of the `list_cached` snapshot; also the retry cadence once backoff is spent.
    pub cache_fresh_for: Duration,
    /// Retry delays after a failed background refresh, in order.
    pub refresh_backoff: Vec<Duration>,
    /// Agent info is probed on every this-many-th background pass (at least 1).
    pub info_every_nth_pass: u64,
    /// Probes running at once (at least 1).
    pub max_concurrent_probes: usize,
}

impl Default for EnrichmentPolicy {
    fn default() -> Self {
        Self {
            detail_deadline: DETAIL_DEADLINE,
            fresh_deadline: FRESH_DEADLINE,
            timeout_cooldown: TIMEOUT_COOLDOWN,
            cache_fresh_for: CACHE_FRESH_FOR,
            refresh_backoff: REFRESH_BACKOFF.to_vec(),
            info_every_nth_pass: INFO_EVERY_NTH_PASS,
            max_concurrent_probes: MAX_CONCURRENT_PROBES,
        }
    }
}

impl EnrichmentPolicy {
    /// The delay before retry number `failures` (1 for the first failure in a row): the backoff
    /// list in order, then the normal cadence.
    pub fn retry_delay(&self, failures: u32) -> Duration {
        let index = failures.saturating_sub(1) as usize;
        self.refresh_backoff.get(index).copied().unwrap_or(self.cache_fresh_for)
    }

    /// Whether background pass number `pass` (0 for a session's first) probes agent info. The
    /// first pass does, so a session has a summary as soon as it is first listed.
    pub fn pass_probes_info(&self, pass: u64) -> bool {
        pass.is_multiple_of(self.info_every_nth_pass.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_follow_the_backoff_then_the_normal_cadence() {
        let policy = EnrichmentPolicy::default();
        let delays: Vec<u64> = (1..=5).map(|n| policy.retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 5, 15, 35, 35], "SPEC D8: 2 s, 5 s, 15 s, then the 35 s cadence");
    }

    #[test]
    fn info_is_probed_on_the_first_and_every_fourth_pass() {
        let policy = EnrichmentPolicy::default();
        let probing: Vec<u64> = (0..9).filter(|p| policy.pass_probes_info(*p)).collect();
        assert_eq!(probing, [0, 4, 8], "SPEC D9: every 4th background pass, starting with the first");
        let every = EnrichmentPolicy { info_every_nth_pass: 0, ..policy };
        assert!(every.pass_probes_info(3), "a zero setting must mean every pass, not a division by zero");
    }
}
