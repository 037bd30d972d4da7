//! What the policy sees of one session at one moment: its signals and the words a notification
//! about them needs. Built from a [`SessionView`], or by hand (tests, callers without views).

use crate::manager::{Enrichment, SessionKey, SessionView};
use crate::react::Signal;
use crate::react::signals::signals_resolved;
use crate::session::{AttentionLevel, is_terminal};

/// One session as observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The session.
    pub key: SessionKey,
    /// What titles call it: the session id ("api-7"), short and the same as in the sidebar.
    pub name: String,
    /// The signals it shows now.
    pub signals: Vec<Signal>,
    /// What it needs from its human, in a sentence ("waiting for permission to run `cargo test`").
    pub detail: Option<String>,
    /// Its PR's facts, for the PR signals' bodies.
    pub pr: Option<PrFacts>,
    /// Whether the live fields were probed (or need none). Views read from disk only lack the
    /// activity, so a session that waits for its human shows it only once probed; at app start the
    /// policy waits for that before taking what the session shows as already known.
    pub settled: bool,
}

/// The PR facts notification bodies quote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrFacts {
    /// The PR number, once there is a PR.
    pub number: Option<u32>,
    /// Names of the checks that fail.
    pub failed_checks: Vec<String>,
    /// Review threads not resolved yet.
    pub unresolved_threads: u32,
}

impl Observation {
    /// `key` showing `signals`, named by its id, settled, with no detail or PR facts.
    pub fn new(key: SessionKey, signals: impl IntoIterator<Item = Signal>) -> Self {
        let name = key.id.to_string();
        Self { key, name, signals: signals.into_iter().collect(), detail: None, pr: None, settled: true }
    }

    /// The observation of `view`: its signals (as the dashboard derives them), what it needs and
    /// its PR facts.
    pub fn of(view: &SessionView) -> Self {
        let record = &view.record;
        let pr_part = &record.lifecycle.pr;
        let info = record.pr_info.as_ref();
        let pr = (pr_part.number.is_some() || info.is_some()).then(|| PrFacts {
            number: pr_part.number.or(info.map(|i| i.number)),
            failed_checks: info.map(|i| i.failed_checks.iter().map(|c| c.name.clone()).collect()).unwrap_or_default(),
            unresolved_threads: info.map_or(0, |i| i.unresolved_threads),
        });
        // Terminal sessions are never probed, so a disk-only view of one is all there will be.
        let settled = !matches!(view.enrichment, Enrichment::Stored) || is_terminal(&record.lifecycle);
        let resolved = view.resolve();
        Self {
            key: view.key(),
            name: record.id.to_string(),
            signals: signals_resolved(view, &resolved),
            // Why it needs its human, in the resolver's words: the agent's own ("waiting for
            // permission to run `rm -rf target`") when a probe has them, else the cause. The words
            // let the user decide from the notification alone.
            detail: (resolved.attention == AttentionLevel::Respond).then_some(resolved.reason),
            pr,
            settled,
        }
    }

    /// This observation with `detail`.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// This observation with `pr`.
    pub fn with_pr(mut self, pr: PrFacts) -> Self {
        self.pr = Some(pr);
        self
    }

    /// This observation named `name`.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// This observation marked as read from disk only (not probed yet).
    pub fn unsettled(mut self) -> Self {
        self.settled = false;
        self
    }
}
