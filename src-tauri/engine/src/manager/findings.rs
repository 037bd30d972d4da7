//! What the probes of one session found (SPEC D5, D10, D11, D11a, I0): the live fields for the
//! view, the conclusion to write back, and how the enrichment went, gathered before anything is
//! written.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::flight::Landing;
use super::merge::Conclusion;
use super::view::{Enrichment, LiveFields};
use crate::probe::{ActivitySource, AgentActivity, AgentInfo, Confidence, Liveness, ProbeError};
use crate::session::{Activity, SessionRecord};

/// One runtime batch's answer, shared by every session it covers.
pub(super) type LivenessMap = Arc<HashMap<String, Liveness>>;

/// What the probes of one session found, gathered before anything is written.
pub(super) struct Findings<'a> {
    base: &'a SessionRecord,
    at: DateTime<Utc>,
    pub live: LiveFields,
    pub conclusion: Conclusion,
    pub runtime_failed: bool,
    answered: bool,
    timed_out: bool,
    error: Option<ProbeError>,
}

impl<'a> Findings<'a> {
    pub fn new(base: &'a SessionRecord, at: DateTime<Utc>) -> Self {
        Self {
            base,
            at,
            live: LiveFields::default(),
            conclusion: Conclusion::default(),
            runtime_failed: false,
            answered: false,
            timed_out: false,
            error: None,
        }
    }

    /// Notes a landing that was not an answer; true if it was one.
    fn landed<T>(&mut self, landing: Landing<T>) -> Option<T> {
        match landing {
            Landing::Answered(value) => {
                self.answered = true;
                return Some(value);
            }
            Landing::Failed(e) => {
                self.error.get_or_insert(e);
            }
            Landing::TimedOut => self.timed_out = true,
        }
        None
    }

    pub fn runtime(&mut self, landing: Option<Landing<LivenessMap>>) {
        let Some(landing) = landing else { return };
        let handle = self.base.lifecycle.runtime.handle.as_ref().map_or("", |h| h.id.as_str());
        let liveness = match self.landed(landing) {
            Some(answers) => answers.get(handle).cloned(),
            None => {
                self.runtime_failed = true;
                return;
            }
        };
        let Some(liveness) = liveness else {
            let reason = format!("its answer does not mention {handle}");
            self.error.get_or_insert(ProbeError::Unreadable { probe: "runtime", reason });
            self.runtime_failed = true;
            return;
        };
        self.conclusion = Conclusion::from_liveness(self.base, &liveness, self.at);
        match liveness {
            Liveness::Alive { pid } => self.live.pid = pid,
            // The process check is the strongest evidence of `exited` (SPEC I0).
            Liveness::Exited => self.exited(),
            Liveness::Missing if self.conclusion.lost_at.is_some() => self.exited(),
            Liveness::Missing => {}
            // The probe ran but could not judge this runtime (SPEC D11a): a failed probe.
            Liveness::Unknown { reason } => {
                self.error.get_or_insert(ProbeError::Failed { probe: "runtime", reason });
                self.runtime_failed = true;
            }
        }
    }

    fn exited(&mut self) {
        self.live.activity = Some(Activity::Exited);
        self.live.activity_source = Some(ActivitySource::Process);
        self.live.activity_confidence = Some(Confidence::High);
        self.live.activity_detail = Some("the agent's process is gone".into());
        self.live.activity_since = Some(self.at);
    }

    pub fn activity(&mut self, landing: Option<Landing<AgentActivity>>) {
        let Some(landing) = landing else { return };
        let Some(reading) = self.landed(landing) else {
            self.live.activity.get_or_insert(Activity::Unknown);
            return;
        };
        if self.live.activity.is_none() {
            self.live.activity = Some(reading.activity);
            self.live.activity_source = Some(reading.source);
            self.live.activity_detail = reading.detail;
            self.live.activity_confidence = Some(reading.confidence);
            self.live.activity_since = reading.evidence_at;
            self.live.dialog = reading.dialog;
        }
        self.live.last_activity_at = reading.last_activity_at;
        self.live.agent_error = reading.error;
        let rebound = reading.session_rebound && reading.agent_session_id != self.base.agent_session_id;
        if self.base.agent_session_id.is_none() || rebound {
            self.conclusion.agent_session_id = reading.agent_session_id;
            self.conclusion.rebind_session = rebound;
        }
    }

    pub fn info(&mut self, landing: Landing<AgentInfo>, last: Option<AgentInfo>) {
        self.live.info = self.landed(landing).or(last);
    }

    /// A timeout outranks a failure, which outranks an answer: the UI shows the worst news.
    pub fn enrichment(&self) -> Enrichment {
        if self.timed_out {
            Enrichment::TimedOut { at: self.at }
        } else if let Some(e) = &self.error {
            Enrichment::Failed { at: self.at, error: e.to_string() }
        } else if self.answered {
            Enrichment::Enriched { at: self.at }
        } else {
            Enrichment::Stored
        }
    }
}
