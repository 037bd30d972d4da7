//! Effective reactions (SPEC H3): built-in defaults, overridden per key by the global config and
//! then by the project, field by field.

use std::time::Duration;

use super::types::{Priority, ReactionAction, ReactionKey, ReactionOverride};

/// `ci_failed`: attempts at sending the failing checks to the agent before notifying (SPEC H3).
pub const CI_FAILED_RETRIES: u32 = 2;
/// `changes_requested`: time the agent gets to address a review before the user is told (SPEC H3).
pub const CHANGES_REQUESTED_ESCALATE_AFTER: Duration = Duration::from_secs(30 * 60);
/// `merge_conflicts`: conflicts block the merge, so the user hears sooner than for a review.
pub const MERGE_CONFLICTS_ESCALATE_AFTER: Duration = Duration::from_secs(15 * 60);
/// `agent_stuck`: no progress for this long counts as stuck (SPEC H3).
pub const AGENT_STUCK_THRESHOLD: Duration = Duration::from_secs(10 * 60);

/// A reaction with every field decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// Whether it runs.
    pub enabled: bool,
    /// What it does.
    pub action: ReactionAction,
    /// Custom text, if any; otherwise the built-in text for the event.
    pub message: Option<String>,
    /// Priority of its notifications.
    pub priority: Priority,
    /// `send_to_agent` attempts before escalating; `None` means no attempt limit.
    pub retries: Option<u32>,
    /// Escalate after the condition has lasted this long; `None` means no time limit.
    pub escalate_after: Option<Duration>,
    /// How long the condition must last before the reaction fires; `None` means at once.
    pub threshold: Option<Duration>,
}

impl Reaction {
    /// The built-in reaction for `key`: what Grove does when the config says nothing.
    pub fn builtin(key: ReactionKey) -> Reaction {
        let base = |action, priority| Reaction {
            enabled: true,
            action,
            message: None,
            priority,
            retries: None,
            escalate_after: None,
            threshold: None,
        };
        match key {
            ReactionKey::CiFailed => {
                Reaction { retries: Some(CI_FAILED_RETRIES), ..base(ReactionAction::SendToAgent, Priority::Warning) }
            }
            ReactionKey::ChangesRequested => Reaction {
                escalate_after: Some(CHANGES_REQUESTED_ESCALATE_AFTER),
                ..base(ReactionAction::SendToAgent, Priority::Warning)
            },
            ReactionKey::MergeConflicts => Reaction {
                escalate_after: Some(MERGE_CONFLICTS_ESCALATE_AFTER),
                ..base(ReactionAction::SendToAgent, Priority::Warning)
            },
            ReactionKey::AgentStuck => {
                Reaction { threshold: Some(AGENT_STUCK_THRESHOLD), ..base(ReactionAction::Notify, Priority::Urgent) }
            }
            ReactionKey::AgentNeedsInput | ReactionKey::AgentExited => base(ReactionAction::Notify, Priority::Urgent),
            // Auto-merge is off by default: merging is the user's call unless they opt in.
            ReactionKey::ApprovedAndGreen | ReactionKey::PrClosed => base(ReactionAction::Notify, Priority::Action),
        }
    }

    /// This reaction with `o`'s set fields applied.
    pub fn with(mut self, o: &ReactionOverride) -> Reaction {
        self.enabled = o.enabled.unwrap_or(self.enabled);
        self.action = o.action.unwrap_or(self.action);
        if o.message.is_some() {
            self.message.clone_from(&o.message);
        }
        self.priority = o.priority.unwrap_or(self.priority);
        self.retries = o.retries.or(self.retries);
        self.escalate_after = o.escalate_after.map(Into::into).or(self.escalate_after);
        self.threshold = o.threshold.map(Into::into).or(self.threshold);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::duration::HumanDuration;

    #[test]
    fn builtins_follow_spec_h3() {
        let ci = Reaction::builtin(ReactionKey::CiFailed);
        assert_eq!((ci.action, ci.retries), (ReactionAction::SendToAgent, Some(2)), "ci_failed: send, 2 retries");
        let cr = Reaction::builtin(ReactionKey::ChangesRequested);
        assert_eq!(
            (cr.action, cr.escalate_after),
            (ReactionAction::SendToAgent, Some(Duration::from_secs(1800))),
            "changes_requested: send, escalate after 30 min"
        );
        let stuck = Reaction::builtin(ReactionKey::AgentStuck);
        assert_eq!(
            (stuck.action, stuck.threshold),
            (ReactionAction::Notify, Some(Duration::from_secs(600))),
            "agent_stuck: notify after 10 min"
        );
        let green = Reaction::builtin(ReactionKey::ApprovedAndGreen);
        assert_eq!(green.action, ReactionAction::Notify, "approved_and_green notifies; auto-merge is off by default");
        assert!(ReactionKey::ALL.iter().all(|k| Reaction::builtin(*k).enabled), "all built-ins start enabled");
    }

    #[test]
    fn an_override_changes_only_what_it_sets() {
        let o = ReactionOverride {
            retries: Some(4),
            escalate_after: Some(HumanDuration::new(Duration::from_secs(60))),
            ..Default::default()
        };
        let r = Reaction::builtin(ReactionKey::CiFailed).with(&o);
        assert_eq!(r.retries, Some(4));
        assert_eq!(r.escalate_after, Some(Duration::from_secs(60)));
        assert_eq!(r.action, ReactionAction::SendToAgent, "action was not overridden and must stay");
    }
}
