//! What is never said (SPEC H2): nothing for the session the user is looking at in a focused
//! window, nothing for a muted project; both dropped, not delayed. And priorities follow the
//! config's reactions.

use grove_engine::config::{Config, Priority, ReactionKey, ReactionOverride};
use grove_engine::react::Signal;

use super::support::{Driver, key, obs, project, project_entry, titles};

#[test]
fn focus_silences_only_the_open_session_in_a_focused_window() {
    // (open session, window focused, session entering needs-you, notified)
    let cases = [
        (Some("api-7"), true, "api-7", false),
        (Some("api-7"), true, "api-8", true),
        (Some("api-7"), false, "api-7", true),
        (None, true, "api-7", true),
        (None, false, "api-7", true),
    ];
    for (open, window, entering, notified) in cases {
        let mut d = Driver::started_with(vec![obs("api-7", &[]), obs("api-8", &[])]);
        d.policy.set_focus(open.map(key), window);
        d.observe(vec![obs(entering, &[Signal::NeedsYou])]);
        let out = d.flush();
        assert_eq!(out.len(), usize::from(notified), "open {open:?}, window focused {window}, {entering}: {out:?}");
    }
}

#[test]
fn what_focus_silenced_is_not_replayed_when_the_user_looks_away() {
    let mut d = Driver::started_with(vec![obs("api-7", &[])]);
    d.policy.set_focus(Some(key("api-7")), true);
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    assert!(d.flush().is_empty());
    d.policy.set_focus(None, false);
    d.observe(vec![obs("api-7", &[Signal::NeedsYou])]);
    assert!(d.flush().is_empty(), "the user saw it enter; staying in it is not news");
    assert_eq!(d.policy.next_deadline(), None);
}

#[test]
fn opening_a_session_while_its_notification_is_gathered_drops_it() {
    let mut d = Driver::started_with(vec![obs("api-7", &[]), obs("api-8", &[])]);
    d.observe(vec![obs("api-7", &[Signal::NeedsYou]), obs("api-8", &[Signal::CiFailing])]);
    d.policy.set_focus(Some(key("api-7")), true);
    assert_eq!(titles(&d.flush()), [("api-8: CI failing".into(), Priority::Warning)]);
}

#[test]
fn a_muted_project_says_nothing_and_unmuting_replays_nothing() {
    let mut d = Driver::started_with(vec![obs("api-1", &[]), obs("api-2", &[]), obs("web-1", &[])]);
    d.policy.set_muted(project("api"), true);
    assert!(d.policy.is_muted(&project("api")));
    d.observe(vec![obs("api-1", &[Signal::NeedsYou]), obs("api-2", &[Signal::NeedsYou])]);
    d.observe(vec![obs("web-1", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("web-1 needs you".into(), Priority::Urgent)], "muted ones do not make a summary");

    d.policy.set_muted(project("api"), false);
    assert!(!d.policy.is_muted(&project("api")));
    d.observe(vec![obs("api-1", &[Signal::NeedsYou])]);
    assert!(d.flush().is_empty(), "unmuting does not replay what was muted");
    d.observe(vec![obs("api-1", &[])]);
    d.observe(vec![obs("api-1", &[Signal::NeedsYou])]);
    assert_eq!(d.flush().len(), 1, "a new transition after unmuting notifies");
}

#[test]
fn muting_while_a_burst_is_gathered_drops_its_part() {
    let mut d = Driver::empty();
    d.observe(vec![obs("api-1", &[Signal::MergeReady]), obs("api-2", &[Signal::MergeReady])]);
    d.observe(vec![obs("web-1", &[Signal::MergeReady])]);
    d.policy.set_muted(project("api"), true);
    assert_eq!(titles(&d.flush()), [("web-1 is ready to merge".into(), Priority::Action)]);
}

#[test]
fn priorities_follow_the_reactions_config_then_project() {
    let mut config = Config::default();
    let urgent = ReactionOverride { priority: Some(Priority::Urgent), ..Default::default() };
    config.reactions.insert(ReactionKey::CiFailed, urgent);
    let mut web = project_entry("web");
    let info = ReactionOverride { priority: Some(Priority::Info), ..Default::default() };
    web.reactions.insert(ReactionKey::CiFailed, info);
    config.projects.insert(project("web"), web);
    config.projects.insert(project("api"), project_entry("api"));

    let mut d = Driver::empty();
    let builtin = [
        (Signal::NeedsYou, Priority::Urgent),
        (Signal::CiFailing, Priority::Warning),
        (Signal::ChangesRequested, Priority::Warning),
        (Signal::MergeConflicts, Priority::Warning),
        (Signal::MergeReady, Priority::Action),
    ];
    for (signal, priority) in builtin {
        assert_eq!(d.policy.priority(&project("api"), signal), priority, "built-in {signal:?}");
    }
    d.policy.configure(&config);
    assert_eq!(d.policy.priority(&project("api"), Signal::CiFailing), Priority::Urgent, "config level");
    assert_eq!(d.policy.priority(&project("other"), Signal::CiFailing), Priority::Urgent, "undeclared project");
    assert_eq!(d.policy.priority(&project("web"), Signal::CiFailing), Priority::Info, "project level");
    assert_eq!(d.policy.priority(&project("web"), Signal::MergeReady), Priority::Action, "untouched");

    d.observe(vec![obs("web-1", &[Signal::CiFailing]), obs("api-1", &[Signal::CiFailing])]);
    let out = titles(&d.flush());
    assert_eq!(out, [("api-1: CI failing".into(), Priority::Urgent), ("web-1: CI failing".into(), Priority::Info)]);
}

#[test]
fn a_project_muted_in_its_config_says_nothing_while_the_others_do() {
    let mut config = Config::default();
    let mut muted = project_entry("api");
    muted.mute_notifications = true;
    config.projects.insert(project("api"), muted);
    config.projects.insert(project("web"), project_entry("web"));
    let mut d = Driver::started_with(vec![obs("api-1", &[]), obs("web-1", &[])]);
    d.policy.configure(&config);
    assert!(d.policy.is_muted(&project("api")), "mute_notifications = true mutes api");
    d.observe(vec![obs("api-1", &[Signal::NeedsYou]), obs("web-1", &[Signal::NeedsYou])]);
    assert_eq!(titles(&d.flush()), [("web-1 needs you".into(), Priority::Urgent)], "only the unmuted project notifies");
}
