//! Session store on disk (SPEC §B). The disk is the source of truth: every writer (the app, the
//! CLI, agents calling the CLI) goes through these functions, so all of them write atomically
//! (B1), serialise read-modify-writes with lock files (B2), quarantine what does not parse (B3)
//! and reserve ids race-free (B4). `running.json` (B5) and `last-stop.json` (B6) live here too.
//!
//! Layout under `GROVE_HOME` (ARCHITECTURE §3.2): `projects/<p>/sessions/<id>.json`, beside them
//! Grove's transient `.<name>.lock` and `.<name>.<pid>.<n>.tmp` files (see
//! [`is_grove_temp_file`]) and quarantined `<name>.corrupt-<unix-ms>` files.
//!
//! Every function here blocks on file I/O (and, when a lock is contended, on backoff sleeps), so
//! async code calls it through `tokio::task::spawn_blocking`.

mod atomic;
mod error;
mod home_file;
mod last_stop;
mod list;
mod lock;
mod pid;
mod quarantine;
mod records;
mod reserve;
mod running;

pub use atomic::is_grove_temp_file;
pub(crate) use atomic::{encode_pretty, write_atomic};
pub use error::{StoreError, StoreWarning};
pub use last_stop::{LAST_STOP_VERSION, LastStop, StopScope, StoppedProject};
pub use list::{StoredSessions, list_stored, list_stored_project};
pub(crate) use lock::FileLock;
pub use lock::{LOCK_FIRST_BACKOFF, LOCK_GIVE_UP_AFTER, LOCK_MAX_BACKOFF, LOCK_STALE_AFTER, LockPolicy, lock_file_for};
pub use pid::pid_is_dead;
pub(crate) use quarantine::quarantine;
pub use records::OperationLock;
pub use reserve::Reservation;
pub use running::RunningRecord;

use crate::home::GroveHome;

/// The store of one `GROVE_HOME`. Cheap to clone; holds no open files, so any number of stores
/// (in any number of processes) can work on the same home at once.
#[derive(Debug, Clone)]
pub struct Store {
    home: GroveHome,
    lock_policy: LockPolicy,
}

impl Store {
    /// A store over `home` with the lock timings of SPEC B2.
    pub fn new(home: GroveHome) -> Self {
        Self { home, lock_policy: LockPolicy::default() }
    }

    /// The same store with other lock timings (tests use short ones instead of waiting seconds).
    pub fn with_lock_policy(mut self, lock_policy: LockPolicy) -> Self {
        self.lock_policy = lock_policy;
        self
    }

    /// The home this store works in.
    pub fn home(&self) -> &GroveHome {
        &self.home
    }

    /// The lock timings in use.
    pub fn lock_policy(&self) -> &LockPolicy {
        &self.lock_policy
    }
}
