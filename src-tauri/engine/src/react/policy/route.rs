//! Routing: which notifiers a notification goes to, by its priority (`[notification_routing]`,
//! else `[defaults] notifiers`).

use std::fmt;

use crate::config::{Config, Priority};
use crate::react::Notification;

/// Where a notification goes, and the routed names that could not be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    /// Notifier names, in the order the config lists them, each once.
    pub notifiers: Vec<String>,
    /// Names the routing lists that no notifier answers to.
    pub warnings: Vec<RouteWarning>,
}

/// A routed name that was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteWarning {
    /// `[notification_routing]` or `[defaults] notifiers` names a notifier that is not declared.
    UnknownNotifier {
        /// The name.
        name: String,
        /// The priority whose routing lists it.
        priority: Priority,
    },
}

impl fmt::Display for RouteWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownNotifier { name, priority } => {
                write!(f, "notifications of priority {priority} are routed to `{name}`, which is not declared")
            }
        }
    }
}

/// The notifiers `notification` goes to under `config`. Validation rejects unknown names in a
/// checked config, but stop-time fallbacks and hand-built configs are not checked, and a
/// notification must never be lost to a panic, so unknown names are dropped with a warning.
pub fn route(notification: &Notification, config: &Config) -> Route {
    let priority = notification.priority;
    let mut route = Route::default();
    for name in config.notifiers_for(priority) {
        if route.notifiers.contains(name) {
            continue;
        }
        if config.notifier(name).is_some() {
            route.notifiers.push(name.clone());
        } else {
            route.warnings.push(RouteWarning::UnknownNotifier { name: name.clone(), priority });
        }
    }
    route
}
