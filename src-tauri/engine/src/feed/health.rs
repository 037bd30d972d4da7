//! Consecutive failures of one source (SPEC E3): a source that fails keeps the last good state on
//! screen, and only a run of [`FEED_ERRORS_BEFORE_WARNING`] failures becomes a visible warning,
//! which the next success clears.

use super::message::{FeedWarning, WarningSource};
use super::policy::FEED_ERRORS_BEFORE_WARNING;

/// The failure run of one source.
#[derive(Debug, Clone)]
pub(crate) struct Streak {
    /// What the source is, for the warning ("reading the session store").
    what: &'static str,
    failures: u32,
    last_error: Option<String>,
}

impl Streak {
    /// A healthy source described as `what`.
    pub fn new(what: &'static str) -> Self {
        Self { what, failures: 0, last_error: None }
    }

    /// The source failed with `error`.
    pub fn fail(&mut self, error: String) {
        self.failures = self.failures.saturating_add(1);
        if self.failures == FEED_ERRORS_BEFORE_WARNING {
            tracing::warn!(failures = self.failures, "feed: {} keeps failing: {error}", self.what);
        } else {
            tracing::debug!(failures = self.failures, "feed: {} failed: {error}", self.what);
        }
        self.last_error = Some(error);
    }

    /// The source answered: the run is over.
    pub fn succeed(&mut self) {
        if self.failures >= FEED_ERRORS_BEFORE_WARNING {
            tracing::info!("feed: {} works again", self.what);
        }
        self.failures = 0;
        self.last_error = None;
    }

    /// Whether the last attempt failed.
    pub fn is_failing(&self) -> bool {
        self.failures > 0
    }

    /// The warning to show, once the run is long enough.
    pub fn warning(&self) -> Option<FeedWarning> {
        if self.failures < FEED_ERRORS_BEFORE_WARNING {
            return None;
        }
        let error = self.last_error.as_deref().unwrap_or("unknown error");
        Some(FeedWarning {
            source: WarningSource::Feed,
            message: format!(
                "{} failed {} times in a row ({error}); the dashboard shows the last good state",
                self.what, self.failures
            ),
            file: None,
            line: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_appears_only_after_three_failures_in_a_row_and_clears_on_success() {
        let mut streak = Streak::new("reading the session store");
        streak.fail("EIO".into());
        streak.fail("EIO".into());
        assert_eq!(streak.warning(), None, "two failures must not show an error (SPEC E3)");
        streak.succeed();
        streak.fail("EIO".into());
        streak.fail("EIO".into());
        assert_eq!(streak.warning(), None, "a success in between restarts the count");
        streak.fail("EACCES".into());
        let warning = streak.warning().expect("the third failure in a row must show an error");
        assert_eq!(warning.source, WarningSource::Feed);
        assert!(warning.message.contains("EACCES"), "the warning names the last error: {}", warning.message);
        assert!(warning.message.contains("3 times"), "the warning says how often: {}", warning.message);
        streak.succeed();
        assert_eq!(streak.warning(), None, "the next success clears the error");
    }
}
