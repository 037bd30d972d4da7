//! Routing: a notification goes to the notifiers its priority is routed to; names that are not
//! declared are dropped with a warning, never a panic.

use grove_engine::config::{Config, NotifierConfig, Priority};
use grove_engine::react::Notification;
use grove_engine::react::policy::{Route, RouteWarning, route};

use super::support::key;

fn notification(priority: Priority) -> Notification {
    Notification {
        session: Some(key("api-7")),
        sessions: vec![key("api-7")],
        signal: None,
        priority,
        title: "api-7 needs you".into(),
        body: String::new(),
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn routes_by_priority_with_defaults_dedup_and_unknown_names_dropped() {
    let mut config = Config::default();
    config.notifiers.insert("hook".into(), NotifierConfig::Webhook { url: "https://example.test/h".into() });
    let script = NotifierConfig::Command { command: "/usr/bin/true".into(), args: vec![] };
    config.notifiers.insert("script".into(), script);
    config.notification_routing.insert(Priority::Urgent, names(&["desktop", "hook", "desktop", "script"]));
    config.notification_routing.insert(Priority::Action, names(&["ghost", "hook"]));
    config.notification_routing.insert(Priority::Info, Vec::new());
    config.defaults.notifiers = names(&["script"]);

    // (priority, notifiers, unknown names)
    let cases: &[(Priority, &[&str], &[&str])] = &[
        (Priority::Urgent, &["desktop", "hook", "script"], &[]),
        (Priority::Action, &["hook"], &["ghost"]),
        (Priority::Warning, &["script"], &[]),
        (Priority::Info, &[], &[]),
    ];
    for (priority, expected, unknown) in cases {
        let got = route(&notification(*priority), &config);
        let warnings: Vec<RouteWarning> = unknown
            .iter()
            .map(|name| RouteWarning::UnknownNotifier { name: (*name).into(), priority: *priority })
            .collect();
        assert_eq!(got, Route { notifiers: names(expected), warnings }, "{priority}");
    }
    let warning = &route(&notification(Priority::Action), &config).warnings[0];
    assert!(warning.to_string().contains("`ghost`"), "{warning}");
}

#[test]
fn an_empty_config_routes_everything_to_the_desktop() {
    for priority in Priority::ALL {
        assert_eq!(route(&notification(*priority), &Config::default()).notifiers, ["desktop"], "{priority}");
    }
}
