//! `running.json` (SPEC B5, F8): which Grove app is live. Written at startup under its lock, so a
//! second instance sees the first and does not start; removed on exit. A record whose process is
//! gone is stale (the app crashed or was killed) and ignored: its pid is dead, or it now names
//! another process (its start time differs from the recorded one, as after a reboot).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Store;
use super::error::StoreError;
use super::home_file;
use crate::ids::ProjectId;
use crate::process_identity::{ProcessIdentity, ProcessStart};

/// The live app's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningRecord {
    /// The app's process id.
    pub pid: u32,
    /// When that process started (SPEC F8), so a pid reused after a crash or a reboot is not
    /// taken for the app. Absent in files of older versions: then the pid alone decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid_start: Option<ProcessStart>,
    /// The config file the app was started with (the "running" config layer, SPEC C1).
    pub config_path: PathBuf,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Grove's version ([`crate::VERSION`]).
    pub version: String,
    /// The projects it serves.
    pub projects: Vec<ProjectId>,
}

impl RunningRecord {
    /// The registered process: its pid and start time.
    pub fn process(&self) -> ProcessIdentity {
        ProcessIdentity { pid: self.pid, start: self.pid_start.clone() }
    }

    /// Whether the registered process is provably gone (dead, or its pid reused by another
    /// process), so the record means nothing.
    pub fn is_stale(&self) -> bool {
        self.process().presence().is_gone()
    }
}

impl Store {
    /// The live app's registration; `None` if there is none or it is stale. A file that does not
    /// parse is moved aside and reported as `Corrupt` (the next read then finds none).
    pub fn read_running(&self) -> Result<Option<RunningRecord>, StoreError> {
        let record: Option<RunningRecord> = home_file::read(&self.home.running_file(), &self.lock_policy)?;
        Ok(record.filter(|r| {
            let stale = r.is_stale();
            if stale {
                tracing::debug!(pid = r.pid, "ignoring running.json of a dead process");
            }
            !stale
        }))
    }

    /// Registers `record` as the running app, unless another live process is registered, in which
    /// case it fails with `AlreadyRunning` naming that pid. Check and write happen under one lock,
    /// so of two apps starting together exactly one registers. A stale or corrupt file is replaced
    /// (the corrupt one is kept under its quarantine name).
    pub fn register_running(&self, record: &RunningRecord) -> Result<(), StoreError> {
        let path = self.home.running_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        match home_file::read_locked::<RunningRecord>(&path) {
            Ok(Some(existing)) if existing.pid != record.pid && !existing.is_stale() => {
                return Err(StoreError::AlreadyRunning { pid: existing.pid, path });
            }
            Ok(_) => {}
            Err(e @ StoreError::Corrupt { .. }) => tracing::warn!("replacing unreadable running.json: {e}"),
            Err(e) => return Err(e),
        }
        home_file::write_locked(&path, record)
    }

    /// Rewrites the registration (for instance when the served projects change).
    pub fn write_running(&self, record: &RunningRecord) -> Result<(), StoreError> {
        let path = self.home.running_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        home_file::write_locked(&path, record)
    }

    /// Removes `running.json` if it registers `pid` or is stale; a live registration of another
    /// process (say, the app this second instance deferred to) is left alone. Returns whether a
    /// file was removed.
    pub fn remove_running(&self, pid: u32) -> Result<bool, StoreError> {
        let path = self.home.running_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        match home_file::read_locked::<RunningRecord>(&path)? {
            Some(existing) if existing.pid == pid || existing.is_stale() => home_file::remove_locked(&path),
            _ => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::home::GroveHome;

    fn record(pid: u32) -> RunningRecord {
        RunningRecord {
            pid,
            pid_start: None,
            config_path: PathBuf::from("/etc/grove/config.toml"),
            started_at: DateTime::UNIX_EPOCH,
            version: crate::VERSION.to_owned(),
            projects: vec![ProjectId::new("api").unwrap()],
        }
    }

    #[test]
    fn json_shape_follows_architecture_3_2() {
        let json = serde_json::to_value(record(42)).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["pid", "configPath", "startedAt", "version", "projects"], "without a start time");
        let with_start = RunningRecord { pid_start: ProcessIdentity::current().start, ..record(42) };
        let json = serde_json::to_value(with_start).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["pid", "pidStart", "configPath", "startedAt", "version", "projects"]);
    }

    #[test]
    fn second_live_instance_is_refused_and_a_stale_one_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(GroveHome::at(dir.path()));
        let me = std::process::id();
        assert_eq!(store.read_running().unwrap(), None, "a fresh home has no running app");
        store.register_running(&record(me)).unwrap();
        assert_eq!(store.read_running().unwrap(), Some(record(me)));

        // Another process claiming to start while we (alive) are registered.
        let err = store.register_running(&record(me + 1)).expect_err("a second live app must be refused");
        assert!(matches!(err, StoreError::AlreadyRunning { pid, .. } if pid == me), "got {err}");
        assert!(!store.remove_running(me + 1).unwrap(), "another pid must not remove our registration");
        assert!(store.remove_running(me).unwrap(), "the owner removes its registration");
        assert!(!store.home().running_file().exists(), "running.json must be gone after removal");

        let dead = {
            let mut child = std::process::Command::new("true").spawn().unwrap();
            let pid = child.id();
            child.wait().unwrap();
            pid
        };
        store.write_running(&record(dead)).unwrap();
        assert_eq!(store.read_running().unwrap(), None, "a dead pid's record is stale and ignored");
        store.register_running(&record(me)).expect("a stale registration must not block startup");
        assert_eq!(store.read_running().unwrap(), Some(record(me)));
    }

    #[test]
    fn a_live_pid_with_another_start_time_does_not_block_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(GroveHome::at(dir.path()));
        let mut other = std::process::Command::new("sleep").arg("30").spawn().expect("start sleep");
        let live = RunningRecord { pid_start: ProcessIdentity::of(other.id()).start, ..record(other.id()) };
        store.write_running(&live).unwrap();
        let me = RunningRecord { pid_start: ProcessIdentity::current().start, ..record(std::process::id()) };
        let err = store.register_running(&me).expect_err("a live app with its own start time must block");
        assert!(matches!(err, StoreError::AlreadyRunning { .. }), "got {err}");

        // The same live pid, recorded with a start time it does not have: the pid was reused.
        let reused = RunningRecord { pid_start: Some(ProcessStart::from("linux:another-boot:1".to_owned())), ..live };
        store.write_running(&reused).unwrap();
        assert_eq!(store.read_running().unwrap(), None, "a reused pid's record is stale and ignored");
        store.register_running(&me).expect("a reused pid's registration must not block startup");
        assert_eq!(store.read_running().unwrap(), Some(me), "the new app replaced the stale registration");
        let _ = other.kill();
        let _ = other.wait();
    }

    #[test]
    fn corrupt_file_is_reported_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(GroveHome::at(dir.path()));
        std::fs::write(store.home().running_file(), "{not json").unwrap();
        let err = store.read_running().expect_err("a corrupt running.json is an error the caller sees");
        let StoreError::Corrupt { quarantined_as: Some(kept), .. } = &err else {
            panic!("expected Corrupt with a quarantine name, got {err}");
        };
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "{not json", "the bytes must be kept");
        assert_eq!(store.read_running().unwrap(), None, "once moved aside it is not reported again");
    }
}
