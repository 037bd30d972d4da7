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
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};

use super::notifiers::Notifiers;
use super::policy::{COALESCE_WINDOW, NotificationPolicy, Observation, SUMMARY_THRESHOLD, route};
use super::reactions::Reactor;
use super::{Notification, Notifier};
use crate::config::{Config, Priority, ReactionKey};
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
    let (escalated_tx, mut escalated_rx) = mpsc::unbounded_channel::<Notification>();
    let mut escalated = Gathered::default();
    loop {
        let deadline = policy.next_deadline().map(Instant::from_std);
        let gathered = escalated.due;
        tokio::select! {
            _ = &mut stopped => return,
            event = feed.recv() => {
                let Some(event) = event else { return };
                let changed = apply(&mut views, event, &mut policy, &sources.reactor);
                observe(&changed, &mut policy, &sources.reactor);
                react(changed, &sources, &escalated_tx);
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
            Some(notification) = escalated_rx.recv() => escalated.add(notification),
            () = sleep_until(gathered.unwrap_or_else(Instant::now)), if gathered.is_some() => {
                let config = sources.config.borrow().clone();
                for notification in escalated.take() {
                    deliver(notification, &config, &notifiers, &sources.on_notified);
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

/// Tells the policy what the changed sessions show, minus what their reactions send to the agent
/// (the user hears of those when a reaction escalates).
fn observe(changed: &[SessionView], policy: &mut NotificationPolicy, reactor: &Reactor) {
    let observations = changed.iter().map(|view| {
        let mut observation = Observation::of(view);
        observation.signals.retain(|signal| !reactor.handles(&view.record.project_id, *signal));
        observation
    });
    policy.observe(observations, Instant::now().into_std());
}

/// Lets the reactions act on the changed sessions, off the task (a send may take seconds). What
/// they escalate goes back to the task to be gathered; merge-ready is the policy's to announce
/// (with its start-up and burst rules), so that reaction's own notice is not sent twice.
fn react(changed: Vec<SessionView>, sources: &AttentionSources, escalated: &mpsc::UnboundedSender<Notification>) {
    for view in changed {
        let (reactor, escalated) = (sources.reactor.clone(), escalated.clone());
        tokio::spawn(async move {
            for reacted in reactor.observe(&view, Utc::now()).await {
                let announced_by_policy = reacted.entry.key == ReactionKey::ApprovedAndGreen;
                if let Some(notification) = reacted.notification.filter(|_| !announced_by_policy) {
                    let _ = escalated.send(notification);
                }
            }
        });
    }
}

/// Escalations gathered over the policy's coalescing window: up to two go out as they are, more
/// as one summary, so a fleet of failing sessions is one notice.
#[derive(Debug, Default)]
struct Gathered {
    pending: Vec<Notification>,
    due: Option<Instant>,
}

impl Gathered {
    fn add(&mut self, notification: Notification) {
        self.due.get_or_insert_with(|| Instant::now() + COALESCE_WINDOW);
        self.pending.push(notification);
    }

    fn take(&mut self) -> Vec<Notification> {
        self.due = None;
        let pending = std::mem::take(&mut self.pending);
        if pending.len() < SUMMARY_THRESHOLD {
            return pending;
        }
        // Priority::ALL lists the most urgent first.
        let rank = |p: &Priority| Priority::ALL.iter().position(|q| q == p).unwrap_or(usize::MAX);
        let priority = pending.iter().map(|n| n.priority).min_by_key(rank).unwrap_or(Priority::Warning);
        let sessions: Vec<SessionKey> = pending.iter().flat_map(|n| n.sessions.clone()).collect();
        let body = pending.iter().map(|n| n.title.as_str()).collect::<Vec<_>>().join("\n");
        let title = format!("{} sessions need your attention", sessions.len());
        vec![Notification { session: None, sessions, signal: None, priority, title, body }]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ProjectId, SessionId};

    fn escalation(id: &str, priority: Priority) -> Notification {
        let key = SessionKey { project: ProjectId::new("api").unwrap(), id: SessionId::new(id).unwrap() };
        Notification {
            session: Some(key.clone()),
            sessions: vec![key],
            signal: None,
            priority,
            title: format!("{id}: CI still failing"),
            body: String::new(),
        }
    }

    #[test]
    fn two_escalations_go_out_as_they_are_three_as_one_summary() {
        let mut gathered = Gathered::default();
        gathered.add(escalation("api-1", Priority::Warning));
        gathered.add(escalation("api-2", Priority::Warning));
        assert!(gathered.due.is_some(), "a window is open");
        assert_eq!(gathered.take().len(), 2, "two stay two");
        assert_eq!(gathered.due, None, "taking closes the window");

        for (id, priority) in [("api-1", Priority::Warning), ("api-2", Priority::Urgent), ("api-3", Priority::Info)] {
            gathered.add(escalation(id, priority));
        }
        let out = gathered.take();
        assert_eq!(out.len(), 1, "three become one summary: {out:?}");
        assert_eq!(out[0].title, "3 sessions need your attention");
        assert_eq!(out[0].priority, Priority::Urgent, "at the most urgent of them");
        assert_eq!(out[0].sessions.len(), 3);
        assert!(out[0].body.contains("api-2: CI still failing"), "{}", out[0].body);
    }
}
