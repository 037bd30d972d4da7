//! Agent activity (SPEC A4): live data from probes, never persisted as truth. Derivations take it
//! as an `Option<Activity>` so "not probed yet" can never be mistaken for a probed value.

use super::wire_enum::wire_enum;

wire_enum! {
    /// What the agent is doing right now, as far as the probes can tell.
    pub enum Activity {
        /// Working now (activity within the last 30 s).
        Active = "active",
        /// Finished a turn, alive, waiting for the next prompt.
        Ready = "ready",
        /// Ready for longer than 5 minutes.
        Idle = "idle",
        /// A permission or question prompt waits for the user.
        WaitingInput = "waiting_input",
        /// The agent hit an error it cannot get past alone.
        Blocked = "blocked",
        /// The agent process is gone.
        Exited = "exited",
        /// Probed, but the probe could not tell.
        Unknown = "unknown",
    }
}

impl Activity {
    /// Whether this activity means a human has to act (SPEC A5 `respond`): a prompt is waiting, the
    /// agent is stuck on an error, or it exited while its session was not finished.
    pub const fn needs_human(self) -> bool {
        matches!(self, Self::WaitingInput | Self::Blocked | Self::Exited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_spec_a4() {
        let names: Vec<&str> = Activity::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names, ["active", "ready", "idle", "waiting_input", "blocked", "exited", "unknown"]);
    }

    #[test]
    fn only_waiting_blocked_and_exited_need_a_human() {
        let table = [
            (Activity::Active, false),
            (Activity::Ready, false),
            (Activity::Idle, false),
            (Activity::WaitingInput, true),
            (Activity::Blocked, true),
            (Activity::Exited, true),
            (Activity::Unknown, false),
        ];
        assert_eq!(table.len(), Activity::ALL.len(), "the table must cover every activity");
        for (activity, expected) in table {
            assert_eq!(activity.needs_human(), expected, "needs_human({activity})");
        }
    }
}
