//! The `desktop` notifier (SPEC H2): an OS notification per notification the policy lets through;
//! clicking it shows the window and opens the session.
//!
//! On Linux the notification goes straight through `notify-rust` (which Tauri's notification
//! plugin uses underneath) because the plugin drops the handle a click arrives on: its desktop
//! side has no click events. The freedesktop `default` action is what a body click invokes; a
//! thread waits for it. Elsewhere the plugin shows the notification, without click handling.

use grove_engine::manager::SessionKey;
use grove_engine::react::{Notification, Notifier, NotifyError, NotifyFuture};
use tauri::{AppHandle, Emitter, Runtime};

/// Event telling the page to open a session (payload: `"<project>/<id>"`).
pub const OPEN_SESSION_EVENT: &str = "open-session";

/// Shows notifications for one app.
pub struct DesktopNotifier<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> DesktopNotifier<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> Notifier for DesktopNotifier<R> {
    fn notify<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        let (app, notification) = (self.app.clone(), notification.clone());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || show(app, notification))
                .await
                .map_err(|e| failed(format!("notifier task failed: {e}")))?
        })
    }
}

fn failed(reason: String) -> NotifyError {
    NotifyError::Failed { notifier: "desktop".into(), reason }
}

/// Brings the window up and tells the page to open `session` (the whole list for a summary).
fn open<R: Runtime>(app: &AppHandle<R>, session: Option<&SessionKey>) {
    crate::app::focus_main_window(app);
    let key = session.map(|k| format!("{}/{}", k.project, k.id));
    let _ = app.emit(OPEN_SESSION_EVENT, key);
}

#[cfg(target_os = "linux")]
fn show<R: Runtime>(app: AppHandle<R>, notification: Notification) -> Result<(), NotifyError> {
    use grove_engine::config::Priority;
    use notify_rust::{Notification as Os, Urgency};

    let urgency = match notification.priority {
        Priority::Urgent => Urgency::Critical,
        Priority::Action | Priority::Warning => Urgency::Normal,
        Priority::Info => Urgency::Low,
    };
    let handle = Os::new()
        .appname("Grove")
        .summary(&notification.title)
        .body(&notification.body)
        .action("default", "Open")
        .urgency(urgency)
        .show()
        .map_err(|e| failed(e.to_string()))?;
    // `wait_for_action` blocks until the notification is clicked or closed; one short-lived
    // thread per notification shown.
    std::thread::spawn(move || {
        handle.wait_for_action(|action| {
            if action == "default" {
                open(&app, notification.session.as_ref());
            }
        });
    });
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn show<R: Runtime>(app: AppHandle<R>, notification: Notification) -> Result<(), NotifyError> {
    use tauri_plugin_notification::NotificationExt;

    let _ = open::<R>; // clicks are not delivered by the plugin on this platform
    app.notification()
        .builder()
        .title(&notification.title)
        .body(&notification.body)
        .show()
        .map_err(|e| failed(e.to_string()))
}
