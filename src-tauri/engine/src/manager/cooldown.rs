//! Per-session cooldown after a probe timeout (SPEC D4). One table shared by every read path, so a
//! stalled session backs off once for all of them (AO kept one per call site and could time out
//! three times before every caller backed off: ao-domain §4.19 issue 2).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::time::{Duration, Instant};

use super::flight::ProbeKind;
use super::view::SessionKey;

/// A session in cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cooling {
    /// No probe before this instant.
    pub until: Instant,
    /// When the timeout happened, for `enrichment = timed_out{at}`.
    pub timed_out_at: DateTime<Utc>,
    /// Which probe timed out: only a success of the same kind ends the cooldown early, so a quick
    /// activity answer does not hide a runtime probe that hangs.
    pub kind: ProbeKind,
}

/// The cooldown table. A std mutex: every section is a map operation, never held across `.await`.
#[derive(Debug)]
pub(crate) struct Cooldowns {
    length: Duration,
    cooling: Mutex<HashMap<SessionKey, Cooling>>,
}

impl Cooldowns {
    /// A table whose cooldowns last `length`.
    pub fn new(length: Duration) -> Self {
        Self { length, cooling: Mutex::new(HashMap::new()) }
    }

    /// The cooldown `key` is in at `now`, if any. Expired entries are dropped here, lazily.
    pub fn get(&self, key: &SessionKey, now: Instant) -> Option<Cooling> {
        let mut cooling = self.cooling.lock().unwrap_or_else(|p| p.into_inner());
        match cooling.get(key) {
            Some(c) if c.until > now => Some(*c),
            Some(_) => {
                cooling.remove(key);
                None
            }
            None => None,
        }
    }

    /// A `kind` probe of `key` timed out at `now` (`at` on the wall clock).
    pub fn start(&self, key: &SessionKey, kind: ProbeKind, now: Instant, at: DateTime<Utc>) {
        let entry = Cooling { until: now + self.length, timed_out_at: at, kind };
        self.cooling.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), entry);
    }

    /// A `kind` probe of `key` succeeded: a cooldown started by the same kind of probe ends.
    pub fn succeeded(&self, key: &SessionKey, kind: ProbeKind) {
        let mut cooling = self.cooling.lock().unwrap_or_else(|p| p.into_inner());
        if cooling.get(key).is_some_and(|c| c.kind == kind) {
            cooling.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ProjectId, SessionId};

    fn key() -> SessionKey {
        SessionKey { project: ProjectId::new("api").unwrap(), id: SessionId::new("api-1").unwrap() }
    }

    #[test]
    fn a_cooldown_lasts_its_length_and_then_expires() {
        let (cooldowns, now, at) = (Cooldowns::new(Duration::from_secs(15)), Instant::now(), Utc::now());
        cooldowns.start(&key(), ProbeKind::Runtime, now, at);
        let cooling = cooldowns.get(&key(), now + Duration::from_millis(14_999)).expect("still cooling at 14.999 s");
        assert_eq!(cooling.timed_out_at, at, "the timeout's wall time is kept for the views");
        assert_eq!(cooldowns.get(&key(), now + Duration::from_secs(15)), None, "over at 15 s");
    }

    #[test]
    fn only_a_success_of_the_probe_kind_that_timed_out_ends_a_cooldown() {
        let (cooldowns, now) = (Cooldowns::new(Duration::from_secs(15)), Instant::now());
        cooldowns.start(&key(), ProbeKind::Runtime, now, Utc::now());
        cooldowns.succeeded(&key(), ProbeKind::Activity);
        assert!(cooldowns.get(&key(), now).is_some(), "an activity answer says nothing about a hung runtime probe");
        cooldowns.succeeded(&key(), ProbeKind::Runtime);
        assert_eq!(cooldowns.get(&key(), now), None, "a runtime answer ends the runtime cooldown");
    }
}
