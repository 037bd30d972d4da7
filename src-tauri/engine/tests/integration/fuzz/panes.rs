//! Agent screens (SPEC I0 layer 4): `classify_pane` on what `tmux capture-pane` shows, which is
//! whatever the agent, the shell and the user put on the terminal.
//!
//! A screen gives a verdict, never a panic; a waiting line is one bounded line; and only the
//! bottom of the screen counts, so a dialog answered long ago and scrolled up never reads as a
//! wait now.

use grove_engine::probe::agents::PaneVerdict;
use grove_engine::probe::agents::pane::{PANE_LINES, classify_pane};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::support::{byte_mutation, cases, hostile_bytes, seed};

/// The agents Grove has screen wording for, and one it has none for.
const AGENTS: [&str; 4] = ["claude-code", "codex", "aider", "my-agent"];

/// The longest waiting line a verdict quotes.
const MAX_WAITING_CHARS: usize = 120;

/// A real screen, damaged, or hostile text, as a screen.
fn screen() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => seed("panes").prop_flat_map(|(_, b)| byte_mutation(b)),
        1 => hostile_bytes(),
    ]
    .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn assert_sane(verdict: &PaneVerdict, screen: &str) {
    if let PaneVerdict::Waiting(dialog) = verdict {
        let line = &dialog.title;
        assert!(!line.contains('\n'), "a dialog title spans lines: {line:?}");
        assert!(line.chars().count() <= MAX_WAITING_CHARS, "a dialog title of {} chars", line.chars().count());
        assert!(screen.contains(line.trim()), "the dialog title {line:?} is not on the screen");
        for option in &dialog.options {
            assert!(!option.label.contains('\n'), "an option label spans lines: {option:?}");
            assert!(!option.keys.is_empty(), "every option says which keys choose it: {option:?}");
        }
    }
}

/// A verdict without what a dialog may read from above its options (title, kind).
fn verdict_shape(verdict: PaneVerdict) -> (std::mem::Discriminant<PaneVerdict>, Vec<(String, Vec<String>)>) {
    let options = match &verdict {
        PaneVerdict::Waiting(dialog) => dialog.options.iter().map(|o| (o.label.clone(), o.keys.clone())).collect(),
        _ => Vec::new(),
    };
    (std::mem::discriminant(&verdict), options)
}

proptest! {
    #![proptest_config(cases(96))]

    /// Any screen gives a verdict, and a waiting verdict quotes a bounded line that is on it.
    #[test]
    fn any_screen_gives_a_sane_verdict(screen in screen(), agent in select(AGENTS.to_vec())) {
        assert_sane(&classify_pane(agent, &screen), &screen);
    }

    /// What scrolled above the bottom lines does not change the verdict: waiting or not, and the
    /// options with the keys that answer them. A dialog's title and kind may come from higher up
    /// by design (Claude's trust screen asks its question 13 lines above its options).
    #[test]
    fn only_the_bottom_of_the_screen_counts(
        above in prop_oneof![screen(), seed("panes").prop_map(|(_, b)| String::from_utf8_lossy(&b).into_owned())],
        bottom in vec("[a-z>$❯│─-][a-z >$❯│─-]{0,29}", PANE_LINES..PANE_LINES + 4),
        tail in seed("panes"),
        agent in select(AGENTS.to_vec()),
    ) {
        // The bottom: some plain lines, then the end of a real screen (its last lines).
        let real = String::from_utf8_lossy(&tail.1).into_owned();
        let real_end: Vec<&str> = real.lines().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let bottom = [bottom.join("\n"), real_end.join("\n")].join("\n");
        let alone = classify_pane(agent, &bottom);
        let below_history = classify_pane(agent, &format!("{above}\n{bottom}"));
        prop_assert_eq!(
            verdict_shape(below_history),
            verdict_shape(alone),
            "lines scrolled above the bottom {} changed the verdict",
            PANE_LINES
        );
    }
}
