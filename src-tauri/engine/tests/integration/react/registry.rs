//! The registry: notifiers by name from the config, `desktop` from the app, and delivery to a
//! route that reports what failed.

use std::sync::{Arc, Mutex};

use grove_engine::config::{Config, NotifierConfig};
use grove_engine::react::notifiers::Notifiers;
use grove_engine::react::{Notification, Notifier, NotifyError, NotifyFuture};

use super::support::needs_you;

/// A notifier that records what it was given, or fails.
#[derive(Default)]
struct Fake {
    got: Mutex<Vec<Notification>>,
    fail: bool,
}

impl Notifier for Fake {
    fn notify<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(async move {
            self.got.lock().unwrap().push(notification.clone());
            if self.fail {
                return Err(NotifyError::Failed { notifier: "broken".into(), reason: "it always fails".into() });
            }
            Ok(())
        })
    }
}

fn config() -> Config {
    let mut config = Config::default();
    config.notifiers.insert("hook".into(), NotifierConfig::Webhook { url: "http://127.0.0.1:9/h".into() });
    config.notifiers.insert("bad-hook".into(), NotifierConfig::Webhook { url: "ftp://example.test".into() });
    let script = NotifierConfig::Command { command: "/bin/true".into(), args: vec![] };
    config.notifiers.insert("script".into(), script);
    config.notifiers.insert("quiet".into(), NotifierConfig::Desktop { sound: false });
    config
}

#[test]
fn builds_every_declared_notifier_and_takes_desktop_ones_from_the_app() {
    let sounds = Mutex::new(Vec::new());
    let desktop = |sound: bool| {
        sounds.lock().unwrap().push(sound);
        Some(Arc::new(Fake::default()) as Arc<dyn Notifier>)
    };
    let notifiers = Notifiers::from_config(&config(), &desktop);
    assert_eq!(notifiers.names(), ["desktop", "hook", "quiet", "script"]);
    let mut sounds = sounds.into_inner().unwrap();
    sounds.sort();
    assert_eq!(sounds, [false, true], "`quiet` without sound, the implicit desktop with");
    let warnings: Vec<String> = notifiers.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`bad-hook`") && warnings[0].contains("http://"), "{warnings:?}");

    let headless = Notifiers::from_config(&config(), &|_| None);
    assert!(headless.get("desktop").is_none() && headless.get("script").is_some());
    let mut unavailable: Vec<&str> = headless.warnings().iter().map(|w| w.name.as_str()).collect();
    unavailable.sort_unstable();
    assert_eq!(unavailable, ["bad-hook", "desktop", "quiet"], "no desktop here: said, not panicked");
}

#[tokio::test]
async fn delivers_to_every_routed_notifier_and_reports_each_failure() {
    let (good, broken) = (Arc::new(Fake::default()), Arc::new(Fake { fail: true, ..Fake::default() }));
    let mut notifiers = Notifiers::default();
    notifiers.insert("good", good.clone());
    notifiers.insert("broken", broken.clone());
    let route = ["good".to_owned(), "broken".to_owned(), "ghost".to_owned()];
    let errors = notifiers.deliver(&needs_you(), &route).await;
    let mut said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    said.sort();
    assert_eq!(said, ["broken: it always fails", "ghost: no such notifier"]);
    assert_eq!(*good.got.lock().unwrap(), [needs_you()]);
    assert_eq!(broken.got.lock().unwrap().len(), 1);
}
