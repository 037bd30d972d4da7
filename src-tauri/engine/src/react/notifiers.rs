//! Notifiers (SPEC H2): where notifications go. The engine runs `command` and `webhook`
//! notifiers itself; `desktop` ones are OS notifications, which only the app can show, so the app
//! passes them in. [`Notifiers`] holds them all by name, built from the config.

mod command;
mod webhook;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use command::{COMMAND_TIMEOUT, CommandNotifier};
pub use webhook::{WEBHOOK_TIMEOUT, WebhookNotifier};

use crate::config::{Config, DESKTOP_NOTIFIER, NotifierConfig};
use crate::react::{Notification, Notifier, NotifyError};

/// What builds a desktop notifier: given the notifier's `sound` setting, the app's OS notifier,
/// or `None` where there is no desktop (the CLI, tests).
pub type DesktopFactory<'a> = &'a dyn Fn(bool) -> Option<Arc<dyn Notifier>>;

/// A declared notifier that could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifierWarning {
    /// Its name.
    pub name: String,
    /// Why it is unavailable.
    pub reason: String,
}

impl fmt::Display for NotifierWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "notifier `{}` is unavailable: {}", self.name, self.reason)
    }
}

/// The notifiers by name. Rebuild it when the config changes.
#[derive(Clone, Default)]
pub struct Notifiers {
    by_name: BTreeMap<String, Arc<dyn Notifier>>,
    warnings: Vec<NotifierWarning>,
}

impl fmt::Debug for Notifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifiers").field("names", &self.names()).field("warnings", &self.warnings).finish()
    }
}

impl Notifiers {
    /// Every notifier `config` declares, plus the implicit `desktop` one; desktop ones come from
    /// `desktop`. One that cannot be built is left out with a warning, never a panic: the others
    /// still deliver.
    pub fn from_config(config: &Config, desktop: DesktopFactory<'_>) -> Self {
        let mut notifiers = Self::default();
        let names = config.notifiers.keys().map(String::as_str).chain([DESKTOP_NOTIFIER]);
        for name in names {
            if notifiers.by_name.contains_key(name) {
                continue;
            }
            let built = match config.notifier(name) {
                Some(NotifierConfig::Desktop { sound }) => {
                    desktop(sound).ok_or_else(|| "this process cannot show desktop notifications".to_owned())
                }
                Some(NotifierConfig::Command { command, args }) => {
                    Ok(Arc::new(CommandNotifier::new(name, command, args)) as Arc<dyn Notifier>)
                }
                Some(NotifierConfig::Webhook { url }) => {
                    WebhookNotifier::new(name, url).map(|w| Arc::new(w) as Arc<dyn Notifier>).map_err(|e| e.to_string())
                }
                None => Err("not declared".to_owned()),
            };
            match built {
                Ok(notifier) => notifiers.insert(name, notifier),
                Err(reason) => notifiers.warnings.push(NotifierWarning { name: name.to_owned(), reason }),
            }
        }
        notifiers
    }

    /// Adds or replaces the notifier called `name`.
    pub fn insert(&mut self, name: impl Into<String>, notifier: Arc<dyn Notifier>) {
        self.by_name.insert(name.into(), notifier);
    }

    /// The notifier called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn Notifier>> {
        self.by_name.get(name).cloned()
    }

    /// The names of the available notifiers, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.by_name.keys().map(String::as_str).collect()
    }

    /// The declared notifiers that could not be built.
    pub fn warnings(&self) -> &[NotifierWarning] {
        &self.warnings
    }

    /// Sends `notification` to the notifiers called `names` (a route), all at once so a slow one
    /// does not delay the rest, and returns what failed. A name without a notifier is a failure.
    pub async fn deliver(&self, notification: &Notification, names: &[String]) -> Vec<NotifyError> {
        let shared = Arc::new(notification.clone());
        let mut errors = Vec::new();
        let mut sends = tokio::task::JoinSet::new();
        let mut names_by_task = BTreeMap::new();
        for name in names {
            let Some(notifier) = self.get(name) else {
                errors.push(NotifyError::Failed { notifier: name.clone(), reason: "no such notifier".into() });
                continue;
            };
            let shared = shared.clone();
            let task = sends.spawn(async move { notifier.notify(&shared).await });
            names_by_task.insert(task.id(), name.clone());
        }
        while let Some(joined) = sends.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(e),
                Err(e) => {
                    let notifier = names_by_task.get(&e.id()).cloned().unwrap_or_default();
                    errors.push(NotifyError::Failed { notifier, reason: format!("delivery task failed: {e}") });
                }
            }
        }
        errors
    }
}
