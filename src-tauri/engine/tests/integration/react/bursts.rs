//! Bursts (SPEC H2): notifications due within the coalescing window are gathered; up to two go
//! out as they are, three or more as one summary at the highest priority among them.

use std::collections::BTreeSet;
use std::time::Duration;

use grove_engine::config::Priority;
use grove_engine::react::Signal;
use grove_engine::react::policy::{COALESCE_WINDOW, Observation};

use super::support::{Driver, key, obs, titles};

/// `n` sessions `api-1`..`api-n`, all entering `signal`, spread evenly over the window.
fn burst(d: &mut Driver, n: usize, signal: Signal) {
    let step = COALESCE_WINDOW / u32::try_from(n + 1).unwrap();
    for i in 1..=n {
        d.observe(vec![obs(&format!("api-{i}"), &[signal])]);
        d.advance(step);
    }
}

#[test]
fn one_and_two_go_out_as_they_are_three_or_more_as_one_summary() {
    let cases: &[(usize, &[&str])] = &[
        (1, &["api-1 needs you"]),
        (2, &["api-1 needs you", "api-2 needs you"]),
        (3, &["3 sessions need you"]),
        (10, &["10 sessions need you"]),
    ];
    for (n, expected) in cases {
        let mut d = Driver::empty();
        burst(&mut d, *n, Signal::NeedsYou);
        let out = d.flush();
        let got: Vec<&str> = out.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(got, *expected, "{n} within the window");
        assert!(out.iter().all(|n| n.priority == Priority::Urgent));
        let covered: BTreeSet<_> = out.iter().flat_map(|n| n.sessions.clone()).collect();
        let all: BTreeSet<_> = (1..=*n).map(|i| key(&format!("api-{i}"))).collect();
        assert_eq!(out.iter().map(|n| n.sessions.len()).sum::<usize>(), *n, "none twice");
        assert_eq!(covered, all, "every session is covered, once");
        if *n >= 3 {
            let summary = &out[0];
            assert_eq!((summary.session.as_ref(), summary.signal), (None, Some(Signal::NeedsYou)));
        }
    }
}

#[test]
fn a_summary_lists_the_sessions_and_counts_each_signal_most_urgent_first() {
    let mut d = Driver::empty();
    d.observe(vec![
        obs("api-1", &[Signal::CiFailing]),
        obs("api-2", &[Signal::NeedsYou]),
        obs("api-3", &[Signal::CiFailing]),
        obs("api-4", &[Signal::NeedsYou]),
        obs("api-5", &[Signal::NeedsYou]),
    ]);
    let out = d.flush();
    assert_eq!(titles(&out), [("3 need you, 2 failing CI".into(), Priority::Urgent)]);
    let summary = &out[0];
    assert_eq!(summary.signal, None, "a mixed summary is about no single signal");
    let order = ["api-2", "api-4", "api-5", "api-1", "api-3"];
    assert_eq!(summary.sessions, order.map(key), "the most urgent sessions first");
    assert_eq!(summary.body, "api-2, api-4, api-5, api-1, api-3");
}

#[test]
fn a_summary_takes_the_highest_priority_and_names_at_most_eight() {
    let mut d = Driver::empty();
    let mut batch: Vec<Observation> = (1..=9).map(|i| obs(&format!("api-{i}"), &[Signal::CiFailing])).collect();
    batch.push(obs("api-10", &[Signal::MergeReady]));
    d.observe(batch);
    let out = d.flush();
    assert_eq!(titles(&out), [("1 ready to merge, 9 failing CI".into(), Priority::Action)]);
    assert_eq!(out[0].sessions.len(), 10);
    assert_eq!(out[0].body, "api-10, api-1, api-2, api-3, api-4, api-5, api-6, api-7 and 2 more");
}

#[test]
fn two_windows_are_judged_separately() {
    let mut d = Driver::empty();
    burst(&mut d, 3, Signal::CiFailing);
    assert_eq!(titles(&d.flush()), [("3 sessions failing CI".into(), Priority::Warning)]);
    d.observe(vec![obs("web-1", &[Signal::MergeReady]), obs("web-2", &[Signal::ChangesRequested])]);
    let second = d.flush();
    assert_eq!(
        titles(&second),
        [("web-1 is ready to merge".into(), Priority::Action), ("web-2: changes requested".into(), Priority::Warning)],
        "two in the next window go out as they are"
    );
}

#[test]
fn the_window_is_fixed_from_its_first_entry_so_a_stream_cannot_hold_it_open() {
    let mut d = Driver::empty();
    d.observe(vec![obs("api-1", &[Signal::NeedsYou])]);
    d.advance(COALESCE_WINDOW - Duration::from_millis(1));
    d.observe(vec![obs("api-2", &[Signal::NeedsYou])]);
    d.advance(Duration::from_millis(1));
    assert_eq!(d.policy.due(d.now).len(), 2, "the burst goes out 2 s after its first entry");
    d.observe(vec![obs("api-3", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("api-3 needs you".into(), Priority::Urgent)], "a later one opens a new window");
}

#[test]
fn a_session_with_several_new_signals_counts_once_toward_the_threshold() {
    let mut d = Driver::empty();
    d.observe(vec![obs("api-1", &[Signal::CiFailing, Signal::ChangesRequested, Signal::MergeConflicts])]);
    d.observe(vec![obs("api-2", &[Signal::NeedsYou])]);
    let out = d.flush();
    assert_eq!(
        titles(&out),
        [("api-2 needs you".into(), Priority::Urgent), ("api-1: CI failing".into(), Priority::Warning)],
        "two sessions are two notifications, the more urgent first"
    );
    assert_eq!(out[1].body, "CI failing\nchanges requested on its PR\nits PR conflicts with its base branch");
}
