//! The app's side of notifications (SPEC H2): what the user is looking at. The policy, reactions
//! and the PR loop run in the engine; this holds the window's focus for them.

use std::sync::Arc;

use grove_engine::manager::SessionKey;
use tokio::sync::watch;

/// Where the user's attention is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// The session the detail panel shows.
    pub session: Option<SessionKey>,
    /// Whether Grove's window has the keyboard focus.
    pub window_focused: bool,
}

/// Shared focus, updated by the page (`set_focus`) and the window's focus events.
#[derive(Debug, Clone)]
pub struct FocusState(Arc<watch::Sender<Focus>>);

impl Default for FocusState {
    fn default() -> Self {
        Self(Arc::new(watch::channel(Focus { session: None, window_focused: true }).0))
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
