//! What the demo agent is told: its session, task file, worktree, pace, and when it asks questions.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::events::HookEnv;
// Spawn owns these names: it sets them for every agent it launches.
use crate::ops::{PROMPT_FILE_ENV, SESSION_ENV};

/// Pause between the agent's steps when run for real: long enough to watch a session go through
/// "working" on the dashboard, short enough that a turn takes a few seconds, not minutes.
pub const DEFAULT_STEP_DELAY: Duration = Duration::from_millis(700);

/// A seeded agent asks on one turn in this many: with two, a fleet of demo sessions shows about as
/// many "waiting for you" as "working", so both halves of the dashboard have something in them.
const ASK_ONE_TURN_IN: u64 = 2;

/// When the agent stops to ask the user a question during a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Questions {
    /// Every turn asks (tests of the waiting path).
    Always,
    /// No turn asks (tests of the straight path).
    Never,
    /// Some turns ask, chosen by the seed and the turn number, so the same session behaves the
    /// same way every time while different sessions differ.
    Seeded(u64),
}

impl Questions {
    /// Whether turn `turn` (1-based) asks a question.
    pub fn asks(self, turn: u64) -> bool {
        match self {
            Questions::Always => true,
            Questions::Never => false,
            Questions::Seeded(seed) => mix(seed ^ turn).is_multiple_of(ASK_ONE_TURN_IN),
        }
    }
}

/// How a demo agent runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAgentOptions {
    /// The session id (shown in the banner; seeds [`Questions::Seeded`]).
    pub session_id: Option<String>,
    /// The file holding the first task; a default task is used when it is unset or unreadable.
    pub prompt_file: Option<PathBuf>,
    /// The worktree the agent edits and commits in.
    pub cwd: PathBuf,
    /// Pause between steps; zero in tests so they never sleep.
    pub step_delay: Duration,
    /// When to ask questions.
    pub questions: Questions,
    /// Where to report its state, as a hooked agent does (`None`: it does not report).
    pub report_to: Option<HookEnv>,
}

impl DemoAgentOptions {
    /// Options for a demo agent started by spawn: session and task from [`SESSION_ENV`] and
    /// [`PROMPT_FILE_ENV`], the current directory as the worktree, [`DEFAULT_STEP_DELAY`], and
    /// questions seeded by the session id.
    pub fn from_env() -> io::Result<Self> {
        let session_id = std::env::var(SESSION_ENV).ok().filter(|s| !s.is_empty());
        let prompt_file = std::env::var_os(PROMPT_FILE_ENV).filter(|p| !p.is_empty()).map(PathBuf::from);
        let seed = session_id.as_deref().map_or(0, |s| fnv1a(s.as_bytes()));
        Ok(Self {
            session_id,
            prompt_file,
            cwd: std::env::current_dir()?,
            step_delay: DEFAULT_STEP_DELAY,
            questions: Questions::Seeded(seed),
            report_to: HookEnv::from_vars(|k| std::env::var(k).ok()).ok(),
        })
    }
}

/// FNV-1a: stable across Rust releases (unlike `DefaultHasher`), so a session keeps its behaviour.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// SplitMix64's finaliser: spreads consecutive turn numbers over all bits, so "one in two" does
/// not degenerate into "every other turn" for every session alike.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_policies_ignore_the_turn() {
        assert!((1..50).all(|t| Questions::Always.asks(t)), "Always must ask on every turn");
        assert!((1..50).all(|t| !Questions::Never.asks(t)), "Never must never ask");
    }

    #[test]
    fn seeded_policy_is_deterministic_and_mixes_both_paths() {
        let seeded = Questions::Seeded(fnv1a(b"demo-1"));
        let first: Vec<bool> = (1..=40).map(|t| seeded.asks(t)).collect();
        let again: Vec<bool> = (1..=40).map(|t| seeded.asks(t)).collect();
        assert_eq!(first, again, "the same seed must give the same turns");
        let asked = first.iter().filter(|a| **a).count();
        assert!((8..=32).contains(&asked), "about half of 40 turns should ask, got {asked}");
        // Across sessions, the first turn must not always go the same way, or a demo fleet would
        // show only one kind of session.
        let first_turns: Vec<bool> =
            (1..=20).map(|n| Questions::Seeded(fnv1a(format!("demo-{n}").as_bytes())).asks(1)).collect();
        assert!(first_turns.contains(&true) && first_turns.contains(&false), "{first_turns:?}");
    }
}
