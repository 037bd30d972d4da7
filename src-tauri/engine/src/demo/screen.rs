//! What the demo agent prints, and the writer that prints it: one line at a time, flushed at once,
//! so the pane (and Grove's scrape of it) always shows the agent's current state.

use std::io::{self, Write};
use std::time::Duration;

/// The lines the demo agent prints, for the pane-confirmation table (SPEC I0 layer 4, I4).
///
/// Every line is plain text (no colour) and starts with one of these prefixes. The agent is
/// waiting for the user exactly when the last line it printed is a question: it starts with
/// [`question_prefix`](Self::question_prefix) and ends with [`question_suffix`](Self::question_suffix);
/// whatever the user types then appears on the lines below it (the terminal echoes input). It is
/// ready for a new message (turn over, SPEC A4 `ready`) when the last line it printed starts with
/// [`turn_complete`](Self::turn_complete).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenPatterns {
    /// A step in progress: `● Reading README.md`.
    pub progress_prefix: &'static str,
    /// A step that succeeded: `✓ Committed ...`.
    pub success_prefix: &'static str,
    /// A step that failed (the agent carries on): `✗ git commit failed: ...`.
    pub failure_prefix: &'static str,
    /// A further line of a multi-line message, echoed under "Working on": `  | src/a.rs:3`.
    pub message_prefix: &'static str,
    /// Start of a question the agent waits on.
    pub question_prefix: &'static str,
    /// End of a question the agent waits on.
    pub question_suffix: &'static str,
    /// Start of the line printed when a turn is over and the agent waits for the next message.
    pub turn_complete: &'static str,
    /// The last line before the agent exits on `exit` or end of input.
    pub goodbye: &'static str,
}

/// The demo agent's patterns.
pub const DEMO_SCREEN: ScreenPatterns = ScreenPatterns {
    progress_prefix: "● ",
    success_prefix: "✓ ",
    failure_prefix: "✗ ",
    message_prefix: "  | ",
    question_prefix: "? ",
    question_suffix: "[y/n]",
    turn_complete: "✓ Turn complete",
    goodbye: "● Bye.",
};

/// Prints the agent's lines, pausing after each step so a human can follow it.
pub(crate) struct Screen<W> {
    out: W,
    step_delay: Duration,
}

impl<W: Write> Screen<W> {
    pub(crate) fn new(out: W, step_delay: Duration) -> Self {
        Self { out, step_delay }
    }

    /// A line as is, flushed at once.
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")?;
        self.out.flush()
    }

    /// A step in progress, then the pause that makes the agent look busy.
    pub(crate) fn step(&mut self, text: &str) -> io::Result<()> {
        self.line(&format!("{}{text}", DEMO_SCREEN.progress_prefix))?;
        self.pause();
        Ok(())
    }

    /// A step that succeeded.
    pub(crate) fn success(&mut self, text: &str) -> io::Result<()> {
        self.line(&format!("{}{text}", DEMO_SCREEN.success_prefix))
    }

    /// A step that failed; the agent carries on, as a real one would after a failed command.
    pub(crate) fn failure(&mut self, text: &str) -> io::Result<()> {
        self.line(&format!("{}{text}", DEMO_SCREEN.failure_prefix))
    }

    /// A question; the caller then waits for the answer.
    pub(crate) fn question(&mut self, text: &str) -> io::Result<()> {
        self.line(&format!("{}{text} {}", DEMO_SCREEN.question_prefix, DEMO_SCREEN.question_suffix))
    }

    fn pause(&self) {
        // Zero in tests: they never sleep.
        if !self.step_delay.is_zero() {
            std::thread::sleep(self.step_delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_the_documented_patterns() {
        let mut screen = Screen::new(Vec::new(), Duration::ZERO);
        screen.step("Reading README.md").unwrap();
        screen.success("Committed").unwrap();
        screen.failure("git failed").unwrap();
        screen.question("Go on?").unwrap();
        let text = String::from_utf8(screen.out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, ["● Reading README.md", "✓ Committed", "✗ git failed", "? Go on? [y/n]"]);
        let question = lines[3];
        assert!(
            question.starts_with(DEMO_SCREEN.question_prefix) && question.ends_with(DEMO_SCREEN.question_suffix),
            "a question must match the documented waiting pattern: {question:?}"
        );
    }
}
