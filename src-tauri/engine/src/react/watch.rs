//! The attention task (SPEC H2, H3): follows the live feed like the dashboard does, lets the
//! reactions act on each changed session, asks the notification policy what deserves a human,
//! and delivers that to the routed notifiers. Owned by [`Attention`]: dropping it stops the task.
//!
//! Signals a project's reactions handle by themselves (CI failing, changes requested, conflicts
//! answered by a message to the agent) are hidden from the policy: the user hears of them only
//! when the reaction escalates, so one failure is one notice, not two.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, sleep_until};

use super::notifiers::Notifiers;
use super::policy::{NotificationPolicy, Observation, route};
use super::reactions::Reactor;
use super::{Notification, Notifier, Signal};
use crate::config::{Config, ReactionKey};
use crate::feed::{Feed, FeedEvent, FeedSession};
use crate::manager::{SessionKey, SessionView};

/// Where the user's attention is: the session the detail panel shows, and whether Grove's window
/// has the focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    /// The session on screen.
    pub session: Option<SessionKey>,
    /// Whether the window has the keyboard focus.
    pub window_focused: bool,
}

impl Default for Focus {
    fn default() -> Self {
        Self { session: None, window_focused: true }
    }
}

/// Told of every notification delivered (the app badges the sessions it names).
pub type OnNotified = Arc<dyn Fn(&Notification) + Send + Sync>;

/// Makes the `desktop` notifier for a `sound` setting; the engine cannot show OS notifications.
pub type Desktop = Arc<dyn Fn(bool) -> Option<Arc<dyn Notifier>> + Send + Sync>;

/// What the task needs.
pub struct AttentionSources {
    /// The config in force, replaced on reload.
    pub config: watch::Receiver<Arc<Config>>,
    /// The user's focus.
    pub focus: watch::Receiver<Focus>,
    /// Makes the `desktop` notifier (the app's), per `sound` setting.
    pub desktop: Desktop,
    /// Runs the reactions.
    pub reactor: Arc<Reactor>,
    /// Told of each delivery.
    pub on_notified: OnNotified,
}

/// Owns the task.
#[derive(Debug)]
pub struct Attention {
    _stop: oneshot::Sender<()>,
}

impl Attention {
    /// Starts following `feed` on the current runtime.
    pub fn spawn(feed: &Feed, sources: AttentionSources) -> Self {
        let (stop, stopped) = oneshot::channel();
        let subscription = feed.subscribe();
        tokio::spawn(run(subscription, sources, stopped));
        Self { _stop: stop }
    }
}

async fn run(mut feed: crate::feed::Subscription, mut sources: AttentionSources, mut stopped: oneshot::Receiver<()>) {
    let mut policy = NotificationPolicy::new();
    let config = sources.config.borrow_and_update().clone();
    policy.configure(&config);
    let mut notifiers = Arc::new(Notifiers::from_config(&config, &*sources.desktop));
    let focus = sources.focus.borrow_and_update().clone();
    policy.set_focus(focus.session, focus.window_focused);
    let mut views: HashMap<SessionKey, SessionView> = HashMap::new();
    loop {
        let deadline = policy.next_deadline().map(Instant::from_std);
        tokio::select! {
            _ = &mut stopped => return,
            event = feed.recv() => {
                let Some(event) = event else { return };
                let changed = apply(&mut views, event, &mut policy, &sources.reactor);
                let config = sources.config.borrow().clone();
                observe(&changed, &mut policy, &sources.reactor, &config);
                react(changed, &sources, &notifiers);
            }
            changed = sources.config.changed() => {
                if changed.is_err() {
                    continue;
                }
                let config = sources.config.borrow_and_update().clone();
                policy.configure(&config);
                sources.reactor.set_config(config.clone());
                notifiers = Arc::new(Notifiers::from_config(&config, &*sources.desktop));
            }
            changed = sources.focus.changed() => {
                if changed.is_ok() {
                    let focus = sources.focus.borrow_and_update().clone();
                    policy.set_focus(focus.session, focus.window_focused);
                }
            }
            () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                let due = policy.due(Instant::now().into_std());
                let config = sources.config.borrow().clone();
                for notification in due {
                    deliver(notification, &config, &notifiers, &sources.on_notified);
                }
            }
        }
    }
}

/// Applies a feed message to the held views; returns the views that changed.
fn apply(
    views: &mut HashMap<SessionKey, SessionView>,
    event: FeedEvent,
    policy: &mut NotificationPolicy,
    reactor: &Reactor,
) -> Vec<SessionView> {
    let sessions: Vec<FeedSession> = match event {
        FeedEvent::Snapshot(snapshot) => {
            let listed: std::collections::HashSet<SessionKey> =
                snapshot.sessions.iter().map(|s| s.view.key()).collect();
            for gone in views.keys().filter(|k| !listed.contains(*k)).cloned().collect::<Vec<_>>() {
                views.remove(&gone);
                policy.remove(&gone);
                reactor.forget(&gone);
            }
            snapshot.sessions
        }
        FeedEvent::Patch(patch) => {
            for gone in &patch.removed {
                views.remove(gone);
                policy.remove(gone);
                reactor.forget(gone);
            }
            patch.sessions
        }
    };
    sessions
        .into_iter()
        .map(|s| {
            views.insert(s.view.key(), s.view.clone());
            s.view
        })
        .collect()
}

/// Tells the policy what the changed sessions show, minus what their reactions handle: those sent
/// to the agent (until they escalate), and merge-ready, which its own reaction announces.
fn observe(changed: &[SessionView], policy: &mut NotificationPolicy, reactor: &Reactor, config: &Config) {
    let observations = changed.iter().map(|view| {
        let project = &view.record.project_id;
        let announced = config.reaction(project, ReactionKey::ApprovedAndGreen).enabled;
        let mut observation = Observation::of(view);
        let handled =
            |signal: &Signal| reactor.handles(project, *signal) || (announced && *signal == Signal::MergeReady);
        observation.signals.retain(|signal| !handled(signal));
        observation
    });
    policy.observe(observations, Instant::now().into_std());
}

/// Lets the reactions act on the changed sessions, off the task (a send may take seconds);
/// what they escalate is delivered at once.
fn react(changed: Vec<SessionView>, sources: &AttentionSources, notifiers: &Arc<Notifiers>) {
    for view in changed {
        let (reactor, notifiers, config) =
            (sources.reactor.clone(), notifiers.clone(), sources.config.borrow().clone());
        let on_notified = sources.on_notified.clone();
        tokio::spawn(async move {
            for reacted in reactor.observe(&view, Utc::now()).await {
                if let Some(notification) = reacted.notification {
                    deliver(notification, &config, &notifiers, &on_notified);
                }
            }
        });
    }
}

/// Routes `notification` and delivers it to every routed notifier, off the task.
fn deliver(notification: Notification, config: &Config, notifiers: &Arc<Notifiers>, on_notified: &OnNotified) {
    let routed = route(&notification, config);
    for warning in &routed.warnings {
        tracing::warn!("notification routing: {warning}");
    }
    on_notified(&notification);
    let notifiers = notifiers.clone();
    tokio::spawn(async move {
        for error in notifiers.deliver(&notification, &routed.notifiers).await {
            tracing::warn!("notification not delivered: {error}");
        }
    });
}
