//! Which changes notify (SPEC H2): entering a signal does, once; staying never does again;
//! leaving is silent; re-entering notifies again. App start is not news.

use std::time::Duration;

use grove_engine::config::Priority;
use grove_engine::react::Signal;
use grove_engine::react::policy::{COALESCE_WINDOW, STARTUP_SETTLE};

use super::support::{ALL_SIGNALS, Driver, key, obs, titles};

/// The title and priority a single notification about api-7 entering `signal` has.
fn expected(signal: Signal) -> (&'static str, Priority) {
    match signal {
        Signal::NeedsYou => ("api-7 needs you", Priority::Urgent),
        Signal::CiFailing => ("api-7: CI failing", Priority::Warning),
        Signal::ChangesRequested => ("api-7: changes requested", Priority::Warning),
        Signal::MergeConflicts => ("api-7: merge conflicts", Priority::Warning),
        Signal::MergeReady => ("api-7 is ready to merge", Priority::Action),
    }
}

#[test]
fn every_signal_notifies_on_entering_only() {
    // (case, whether api-7 shows the signal at each observation, notifications after each one)
    let cases: &[(&str, &[bool], &[usize])] = &[
        ("enter", &[false, true], &[0, 1]),
        ("stay", &[false, true, true, true], &[0, 1, 0, 0]),
        ("leave", &[false, true, false], &[0, 1, 0]),
        ("stay out", &[false, false, false], &[0, 0, 0]),
        ("re-enter", &[false, true, false, true], &[0, 1, 0, 1]),
        ("re-enter twice", &[false, true, false, true, true, false, true], &[0, 1, 0, 1, 0, 0, 1]),
    ];
    for signal in ALL_SIGNALS {
        for (case, shows, counts) in cases {
            let mut d = Driver::started_with(vec![obs("api-7", &[])]);
            for (step, (shows, count)) in shows.iter().zip(*counts).enumerate() {
                let signals: &[Signal] = if *shows { &[signal] } else { &[] };
                d.observe(vec![obs("api-7", signals)]);
                let out = d.flush();
                assert_eq!(out.len(), *count, "{signal:?} {case}, step {step}: {out:?}");
                if let [n] = out.as_slice() {
                    let (title, priority) = expected(signal);
                    assert_eq!((n.title.as_str(), n.priority), (title, priority), "{signal:?} {case}");
                    assert_eq!((n.session.as_ref(), n.signal), (Some(&key("api-7")), Some(signal)));
                    assert_eq!(n.sessions, [key("api-7")]);
                }
            }
        }
    }
}

#[test]
fn moving_from_one_signal_to_another_notifies_for_the_new_one() {
    let mut d = Driver::started_with(vec![obs("api-7", &[Signal::CiFailing])]);
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("api-7 needs you".into(), Priority::Urgent)]);
    d.observe(vec![obs("api-7", &[Signal::MergeReady])]);
    assert_eq!(titles(&d.flush()), [("api-7 is ready to merge".into(), Priority::Action)]);
}

#[test]
fn signals_entered_together_make_one_notification_titled_by_the_most_urgent() {
    let mut d = Driver::empty();
    let o = obs("api-7", &[Signal::CiFailing, Signal::NeedsYou]).with_detail("waiting for permission to run `ls`");
    d.observe(vec![o]);
    let out = d.flush();
    assert_eq!(titles(&out), [("api-7 needs you".into(), Priority::Urgent)]);
    assert_eq!(out[0].body, "waiting for permission to run `ls`\nCI failing");
}

#[test]
fn a_signal_left_before_the_window_closes_is_dropped_and_a_flicker_notifies_once() {
    let mut d = Driver::started_with(vec![obs("api-7", &[]), obs("api-8", &[])]);
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    d.advance(Duration::from_millis(500));
    d.observe(vec![obs("api-7", &[])]);
    assert!(d.flush().is_empty(), "api-7 no longer needs anyone when the window closes");
    assert_eq!(d.policy.next_deadline(), None, "nothing is left gathered");

    for shows in [true, false, true] {
        let signals: &[Signal] = if shows { &[Signal::NeedsYou] } else { &[] };
        d.observe(vec![obs("api-8", signals)]);
        d.advance(Duration::from_millis(300));
    }
    assert_eq!(titles(&d.flush()), [("api-8 needs you".into(), Priority::Urgent)], "one per transition");
}

#[test]
fn app_start_is_not_news_but_a_session_first_seen_later_is() {
    let mut d = Driver::started_with(vec![obs("api-1", &[Signal::NeedsYou, Signal::CiFailing])]);
    assert_eq!(d.policy.next_deadline(), None, "nothing gathered at app start");
    d.observe(vec![obs("api-1", &[Signal::NeedsYou, Signal::CiFailing])]);
    assert!(d.flush().is_empty(), "staying in what it showed at start is not news");
    d.observe(vec![obs("api-1", &[Signal::CiFailing])]);
    d.observe(vec![obs("api-1", &[Signal::CiFailing, Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("api-1 needs you".into(), Priority::Urgent)], "re-entering after start is");

    d.observe(vec![obs("api-2", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("api-2 needs you".into(), Priority::Urgent)], "a session spawned later");
}

#[test]
fn a_disk_only_view_at_start_settles_silently_at_its_first_probe() {
    // At start the feed has read the records only; the probe then reveals the agent was already
    // waiting before Grove started. That is not news either.
    let mut d = Driver::started_with(vec![obs("api-1", &[]).unsettled(), obs("api-2", &[]).unsettled()]);
    d.advance(Duration::from_secs(1));
    d.observe(vec![obs("api-1", &[]).unsettled()]);
    d.observe(vec![obs("api-1", &[Signal::NeedsYou])]);
    assert!(d.flush().is_empty(), "the first probed view of a session seen at start is its baseline");
    d.observe(vec![obs("api-1", &[])]);
    d.observe(vec![obs("api-1", &[Signal::NeedsYou])]);
    assert_eq!(d.flush().len(), 1, "after that, entering notifies");

    // A session never probed within the settle time is no longer given the benefit of the doubt.
    d.advance(STARTUP_SETTLE);
    d.observe(vec![obs("api-2", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("api-2 needs you".into(), Priority::Urgent)]);
}

#[test]
fn a_new_session_notifies_even_from_a_disk_only_view() {
    let mut d = Driver::empty();
    d.observe(vec![obs("api-3", &[Signal::NeedsYou]).unsettled()]);
    assert_eq!(d.flush().len(), 1, "only sessions seen at app start are settled silently");
}

#[test]
fn a_removed_session_drops_what_was_gathered_and_is_new_when_seen_again() {
    let mut d = Driver::started_with(vec![obs("api-7", &[Signal::NeedsYou])]);
    d.observe(vec![obs("api-8", &[Signal::NeedsYou])]);
    d.policy.remove(&key("api-8"));
    assert!(d.flush().is_empty(), "a deleted session's news goes with it");
    d.policy.remove(&key("api-7"));
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    assert_eq!(d.flush().len(), 1, "seen again after removal, it is a new session");
}

#[test]
fn due_waits_for_the_window_and_the_deadline_says_when() {
    let mut d = Driver::empty();
    assert_eq!(d.policy.next_deadline(), None);
    let first = d.now;
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    assert_eq!(d.policy.next_deadline(), Some(first + COALESCE_WINDOW));
    d.advance(Duration::from_millis(1500));
    d.observe(vec![obs("api-8", &[Signal::NeedsYou])]);
    assert_eq!(d.policy.next_deadline(), Some(first + COALESCE_WINDOW), "a later entry does not extend it");
    assert!(d.policy.due(d.now).is_empty(), "not due before the deadline");
    assert_eq!(d.policy.due(first + COALESCE_WINDOW).len(), 2, "due at the deadline");
    assert_eq!(d.policy.next_deadline(), None);
    assert!(d.policy.due(d.now + COALESCE_WINDOW).is_empty(), "each notification goes out once");
}
