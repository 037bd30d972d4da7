//! Where the feed's sources leave what they saw until the feed's task takes it: the watcher's
//! callback (on notify's thread) and operations calling
//! [`Feed::notify_changed`](super::Feed::notify_changed). Flags and a short list, not a queue, so
//! a storm of events costs no memory: a thousand writes before the task runs are one "the disk
//! changed".

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use super::health::Streak;

/// What arrived since the task last looked.
#[derive(Debug, Default)]
pub(crate) struct Arrived {
    /// Records were created, changed or removed (or a project directory appeared).
    pub disk: bool,
    /// Files seen moved aside as `<name>.corrupt-<ms>` (SPEC B3).
    pub quarantined: Vec<PathBuf>,
}

/// The inbox.
#[derive(Debug)]
pub(crate) struct Inbox {
    // std mutex: sections are a few assignments, and one side is notify's own thread.
    arrived: Mutex<Arrived>,
    watcher: Mutex<Streak>,
    /// Wakes the task. `Notify` keeps one permit, so an arrival while the task is busy is seen
    /// when it next waits.
    pub wake: Notify,
}

impl Inbox {
    /// An empty inbox.
    pub fn new() -> Self {
        Self {
            arrived: Mutex::new(Arrived::default()),
            watcher: Mutex::new(Streak::new("watching the session store")),
            wake: Notify::new(),
        }
    }

    fn arrived(&self) -> MutexGuard<'_, Arrived> {
        self.arrived.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records changed on disk.
    pub fn disk_changed(&self) {
        self.arrived().disk = true;
        self.wake.notify_one();
    }

    /// A record was quarantined (moved to `moved_to`); the directory changed too.
    pub fn quarantined(&self, moved_to: PathBuf) {
        let mut arrived = self.arrived();
        arrived.disk = true;
        arrived.quarantined.push(moved_to);
        drop(arrived);
        self.wake.notify_one();
    }

    /// The watcher delivered an event. Wakes the task only when that ends a failure run, so
    /// events the watcher ignores cost nothing.
    pub fn watcher_ok(&self) {
        let mut streak = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        if streak.is_failing() {
            streak.succeed();
            drop(streak);
            self.wake.notify_one();
        }
    }

    /// The watcher reported an error.
    pub fn watcher_failed(&self, error: String) {
        self.watcher.lock().unwrap_or_else(PoisonError::into_inner).fail(error);
        self.wake.notify_one();
    }

    /// The watcher's failure run, as a warning once it is long enough.
    pub fn watcher_warning(&self) -> Option<super::message::FeedWarning> {
        self.watcher.lock().unwrap_or_else(PoisonError::into_inner).warning()
    }

    /// Everything that arrived, leaving the inbox empty.
    pub fn take(&self) -> Arrived {
        std::mem::take(&mut *self.arrived())
    }
}
