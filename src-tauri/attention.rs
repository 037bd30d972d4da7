//! The app's side of notifications (SPEC H2): what the user is looking at, and starting the
//! engine's attention task (policy, reactions, notifiers) once the app can show notifications.

use std::sync::Arc;

use grove_engine::manager::SessionKey;
use grove_engine::react::{Desktop, Focus, Notification, Notifier, OnNotified};
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::watch;

use crate::backend::BackendCell;
use crate::desktop_notifier::DesktopNotifier;

/// Event telling the page which sessions a notification was about (they get an unread badge).
pub const NOTIFIED_EVENT: &str = "notified";

/// Shared focus, updated by the page (`set_focus`) and the window's focus events.
#[derive(Debug, Clone)]
pub struct FocusState(Arc<watch::Sender<Focus>>);

impl Default for FocusState {
    fn default() -> Self {
        Self(Arc::new(watch::channel(Focus::default()).0))
    }
}

impl FocusState {
    pub fn set_session(&self, session: Option<SessionKey>) {
        self.0.send_if_modified(|f| std::mem::replace(&mut f.session, session.clone()) != session);
    }

    pub fn set_window_focused(&self, focused: bool) {
        self.0.send_if_modified(|f| std::mem::replace(&mut f.window_focused, focused) != focused);
    }

    pub fn subscribe(&self) -> watch::Receiver<Focus> {
        self.0.subscribe()
    }
}

/// Starts notifications and reactions once the engine is up: desktop notifications through this
/// app, and a `notified` event to the page for each one delivered.
pub fn start<R: Runtime>(app: &AppHandle<R>, cell: BackendCell, focus: &FocusState) {
    let (app, focus) = (app.clone(), focus.subscribe());
    tauri::async_runtime::spawn(async move {
        let Some(backend) = cell.get().await else { return };
        let notifier: Arc<dyn Notifier> = Arc::new(DesktopNotifier::new(app.clone()));
        let desktop: Desktop = Arc::new(move |_sound| Some(notifier.clone()));
        let emitter = app.clone();
        let on_notified: OnNotified = Arc::new(move |n: &Notification| {
            let _ = emitter.emit(NOTIFIED_EVENT, n.clone());
        });
        backend.start_attention(desktop, focus, on_notified);
    });
}
