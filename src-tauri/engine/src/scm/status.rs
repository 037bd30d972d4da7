//! How the PR loop is doing, for the UI ("GitHub rate limit: checking again at 14:05"), and the
//! backoff it keeps while GitHub refuses it.

use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use ts_rs::TS;

/// First wait after a rate limit. GitHub's secondary limits ask for "a few minutes"; a minute
/// is the shortest wait that does not make the refusal worse.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(60);

/// Longest wait between tries while rate limited: the primary limit resets hourly, and a
/// quarter of an hour lets PR state catch up soon after without spending calls meanwhile.
pub const BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);

/// The state of the PR loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScmStatus {
    /// The last pass got its answers (or had nothing to ask).
    Ok,
    /// GitHub refused for a rate limit; no call is made before `until`.
    RateLimited {
        /// When the loop tries again.
        #[ts(type = "string")]
        until: DateTime<Utc>,
    },
    /// The last pass failed for another reason (gh missing, not logged in, network, ...).
    Failing {
        /// What went wrong, for a person.
        error: String,
    },
}

impl ScmStatus {
    /// A one-line message for the UI, or `None` when all is well.
    pub fn message(&self) -> Option<String> {
        match self {
            ScmStatus::Ok => None,
            ScmStatus::RateLimited { until } => {
                Some(format!("GitHub rate limit: checking again at {}", until.with_timezone(&Local).format("%H:%M")))
            }
            ScmStatus::Failing { error } => Some(format!("GitHub PR status unavailable: {error}")),
        }
    }
}

/// Exponential backoff: [`BACKOFF_FIRST`] after the first refusal, doubling on each further one
/// up to [`BACKOFF_MAX`], back to the start after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    current: Option<Duration>,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(BACKOFF_FIRST, BACKOFF_MAX)
    }
}

impl Backoff {
    /// A backoff from `first` doubling up to `max`.
    pub fn new(first: Duration, max: Duration) -> Self {
        Self { first, max: max.max(first), current: None }
    }

    /// The wait after one more refusal.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.current.map_or(self.first, |d| d.saturating_mul(2).min(self.max));
        self.current = Some(delay);
        delay
    }

    /// Forgets the refusals: the next one waits `first` again.
    pub fn reset(&mut self) {
        self.current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_minute_to_fifteen_and_resets() {
        let mut backoff = Backoff::default();
        let minutes: Vec<u64> = (0..7).map(|_| backoff.next_delay().as_secs() / 60).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 15, 15, 15]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), BACKOFF_FIRST);
    }

    #[test]
    fn status_serialises_with_a_kind_tag_and_says_when_it_retries() {
        let until = DateTime::parse_from_rfc3339("2025-01-02T14:05:00Z").unwrap().with_timezone(&Utc);
        let json = serde_json::to_value(ScmStatus::RateLimited { until }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "rate_limited", "until": "2025-01-02T14:05:00Z"}));
        let message = ScmStatus::RateLimited { until }.message().unwrap();
        let local = until.with_timezone(&Local).format("%H:%M").to_string();
        assert_eq!(message, format!("GitHub rate limit: checking again at {local}"));
        assert_eq!(ScmStatus::Ok.message(), None);
    }
}
