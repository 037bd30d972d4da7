//! The words of notifications: a title that says who and what in a glance ("api-7 needs you"), a
//! body with the facts to act on, and summaries that count by signal ("3 need you, 2 failing CI").

use super::observation::{Observation, PrFacts};
use crate::react::Signal;

/// Most failing checks a body names; the rest are counted, so a 40-check matrix stays one line.
const MAX_CHECKS_NAMED: usize = 5;
/// Most sessions a summary's body names; the notification's `sessions` lists them all.
const MAX_SESSIONS_NAMED: usize = 8;

/// The title of a notification about one session whose most urgent new signal is `signal`.
pub(super) fn title(name: &str, signal: Signal) -> String {
    match signal {
        Signal::NeedsYou => format!("{name} needs you"),
        Signal::CiFailing => format!("{name}: CI failing"),
        Signal::ChangesRequested => format!("{name}: changes requested"),
        Signal::MergeConflicts => format!("{name}: merge conflicts"),
        Signal::MergeReady => format!("{name} is ready to merge"),
    }
}

/// One line of body for `signal` of the session `obs` describes.
pub(super) fn body_line(obs: &Observation, signal: Signal) -> String {
    let pr = obs.pr.as_ref();
    let number = pr.and_then(|p| p.number);
    let the_pr = || number.map_or_else(|| "its PR".to_owned(), |n| format!("PR #{n}"));
    match signal {
        Signal::NeedsYou => obs.detail.clone().unwrap_or_else(|| "waiting for you".to_owned()),
        Signal::CiFailing => match pr.map(|p| p.failed_checks.as_slice()).unwrap_or_default() {
            [] => "CI failing".to_owned(),
            checks => format!("CI failing: {}", named_list(checks, MAX_CHECKS_NAMED)),
        },
        Signal::ChangesRequested => {
            let threads = pr.map_or(0, |p: &PrFacts| p.unresolved_threads);
            let mut line = format!("changes requested on {}", the_pr());
            if threads > 0 {
                let s = if threads == 1 { "" } else { "s" };
                line.push_str(&format!(" ({threads} unresolved thread{s})"));
            }
            line
        }
        Signal::MergeConflicts => format!("{} conflicts with its base branch", the_pr()),
        Signal::MergeReady => format!("{} is approved and green", the_pr()),
    }
}

/// The title of a summary: one count per signal, most urgent first (`counts` is in that order).
/// When every entry shares one signal it says "sessions": "5 sessions need you".
pub(super) fn summary_title(counts: &[(Signal, usize)]) -> String {
    if let [(signal, n)] = counts {
        return format!("{n} sessions {}", phrase(*signal, *n));
    }
    counts.iter().map(|(signal, n)| format!("{n} {}", phrase(*signal, *n))).collect::<Vec<_>>().join(", ")
}

/// The body of a summary: the sessions it covers, by name.
pub(super) fn summary_body(names: &[String]) -> String {
    named_list(names, MAX_SESSIONS_NAMED)
}

/// What `n` sessions with `signal` are, after the number.
fn phrase(signal: Signal, n: usize) -> &'static str {
    match signal {
        Signal::NeedsYou if n == 1 => "needs you",
        Signal::NeedsYou => "need you",
        Signal::CiFailing => "failing CI",
        Signal::ChangesRequested => "with changes requested",
        Signal::MergeConflicts => "with merge conflicts",
        Signal::MergeReady => "ready to merge",
    }
}

/// `items` joined with commas, at most `max` of them, the rest counted.
fn named_list(items: &[String], max: usize) -> String {
    let mut text = items.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > max {
        text.push_str(&format!(" and {} more", items.len() - max));
    }
    text
}
