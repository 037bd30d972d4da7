//! What the feed last told its subscribers, and how a new reading changes it. Pure: no I/O, no
//! clock, so every rule here is unit-tested.
//!
//! The merge rule: a reading from disk (`enrichment = stored`) has no live fields. Showing it as
//! is would flash every known session back to "checking" on each record write and undo the
//! view-only `probe_failed` a probe found (SPEC D2, E3). So a stored reading of a live session
//! keeps the live fields already held, and only a record that differs from the last one read
//! from disk replaces the held record. A probed reading, or a terminal session (never probed),
//! is taken as it is.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::config::FeedConfig;
use super::message::{FeedProject, FeedSession, FeedWarning, Snapshot, WarningSource};
use crate::manager::{Enrichment, SessionKey, SessionList, SessionView};
use crate::session::{SessionRecord, is_terminal};
use crate::store::StoreWarning;

/// Quarantine warnings kept (oldest dropped first). Each stays until the app restarts, as SPEC
/// B3 reports a quarantine once; a runaway writer must not grow the list without bound.
const MAX_QUARANTINE_WARNINGS: usize = 100;

/// One session as held.
#[derive(Debug, Clone)]
struct Held {
    session: FeedSession,
    /// The record as last read from disk, to tell a changed file from an unchanged one.
    disk: Option<SessionRecord>,
}

/// Sessions that changed in one reading.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Delta {
    /// Added or changed, in no particular order.
    pub changed: Vec<SessionKey>,
    /// No longer listed, sorted.
    pub removed: Vec<SessionKey>,
}

/// The feed's state.
#[derive(Debug, Default)]
pub(crate) struct FeedState {
    sessions: HashMap<SessionKey, Held>,
    /// Warnings of the last listing, except quarantines: those files stay as they are, so the
    /// next listing reports them again or, once fixed, no longer.
    listing: Vec<FeedWarning>,
    /// Quarantines seen so far, by the name the file was moved to.
    quarantines: Vec<(PathBuf, FeedWarning)>,
    config: FeedConfig,
    /// Failing sources (SPEC E3).
    failing: Vec<FeedWarning>,
}

impl FeedState {
    /// Takes a listing in: sessions it holds are merged (see the module doc), sessions it lacks
    /// are removed, its warnings replace those of the previous listing.
    pub fn apply_list(&mut self, list: &SessionList) -> Delta {
        let mut delta = Delta::default();
        let mut listed = HashSet::with_capacity(list.sessions.len());
        for incoming in &list.sessions {
            let key = incoming.key();
            let held = self.sessions.get(&key);
            let (view, disk) = merge(held, incoming);
            let session = feed_session(view);
            if held.is_none_or(|h| h.session != session) {
                delta.changed.push(key.clone());
            }
            listed.insert(key.clone());
            self.sessions.insert(key, Held { session, disk });
        }
        delta.removed = self.sessions.keys().filter(|k| !listed.contains(*k)).cloned().collect();
        delta.removed.sort();
        for key in &delta.removed {
            self.sessions.remove(key);
        }
        self.listing.clear();
        for warning in &list.warnings {
            match warning {
                StoreWarning::Quarantined { quarantined_as, .. } => {
                    self.add_quarantine(quarantined_as.clone(), store_warning(warning));
                }
                other => self.listing.push(store_warning(other)),
            }
        }
        delta
    }

    /// A record was quarantined by someone (seen as `<name>.corrupt-<ms>` appearing). Ignored when
    /// a listing already reported it.
    pub fn quarantined(&mut self, moved_to: &Path) {
        let name = moved_to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let original = name.split(".corrupt-").next().unwrap_or(&name).to_owned();
        let warning = FeedWarning {
            source: WarningSource::Store,
            message: format!("{original} is not a valid session record; moved to {}", moved_to.display()),
            file: Some(moved_to.display().to_string()),
            line: None,
        };
        self.add_quarantine(moved_to.to_owned(), warning);
    }

    fn add_quarantine(&mut self, moved_to: PathBuf, warning: FeedWarning) {
        if self.quarantines.iter().any(|(known, _)| *known == moved_to) {
            return;
        }
        if self.quarantines.len() == MAX_QUARANTINE_WARNINGS {
            self.quarantines.remove(0);
        }
        self.quarantines.push((moved_to, warning));
    }

    /// The config as it is now.
    pub fn set_config(&mut self, config: FeedConfig) {
        self.config = config;
    }

    /// The warnings of the sources that currently fail (SPEC E3).
    pub fn set_failing(&mut self, failing: Vec<FeedWarning>) {
        self.failing = failing;
    }

    /// Every warning: config, store (listing, then quarantines), feed.
    pub fn warnings(&self) -> Vec<FeedWarning> {
        let mut all = self.config.warnings();
        all.extend(self.listing.iter().cloned());
        all.extend(self.quarantines.iter().map(|(_, w)| w.clone()));
        all.extend(self.failing.iter().cloned());
        all
    }

    /// Configured projects (flagged when the config names them in an error) and projects that
    /// only have records (named by their id), by id.
    pub fn projects(&self) -> Vec<FeedProject> {
        let mut projects: Vec<FeedProject> = self
            .config
            .projects
            .iter()
            .map(|p| FeedProject { id: p.id.to_string(), name: p.name.clone(), config_error: self.config.has_error(p) })
            .collect();
        let mut on_disk: Vec<&str> = self.sessions.keys().map(|k| k.project.as_str()).collect();
        on_disk.sort_unstable();
        on_disk.dedup();
        for id in on_disk {
            if !projects.iter().any(|p| p.id == id) {
                projects.push(FeedProject { id: id.to_owned(), name: id.to_owned(), config_error: false });
            }
        }
        projects.sort_by(|a, b| a.id.cmp(&b.id));
        projects
    }

    /// The held session, if any.
    pub fn session(&self, key: &SessionKey) -> Option<&FeedSession> {
        self.sessions.get(key).map(|h| &h.session)
    }

    /// `keys`' sessions in the store's order (project, creation time, id).
    pub fn sessions_in_order<'a>(&self, keys: impl IntoIterator<Item = &'a SessionKey>) -> Vec<FeedSession> {
        let mut sessions: Vec<FeedSession> = keys.into_iter().filter_map(|k| self.session(k)).cloned().collect();
        sessions.sort_by(|a, b| order(&a.view.record).cmp(&order(&b.view.record)));
        sessions
    }

    /// Everything, as a snapshot numbered `seq`.
    pub fn snapshot(&self, seq: u64) -> Snapshot {
        Snapshot {
            seq,
            sessions: self.sessions_in_order(self.sessions.keys()),
            projects: self.projects(),
            warnings: self.warnings(),
        }
    }
}

fn order(record: &SessionRecord) -> (&str, chrono::DateTime<chrono::Utc>, &str) {
    (record.project_id.as_str(), record.created_at, record.id.as_str())
}

/// The view to hold for `incoming`, and the disk record to remember (see the module doc).
fn merge(held: Option<&Held>, incoming: &SessionView) -> (SessionView, Option<SessionRecord>) {
    let stored = incoming.enrichment == Enrichment::Stored;
    if !stored {
        return (incoming.clone(), held.and_then(|h| h.disk.clone()));
    }
    let disk = Some(incoming.record.clone());
    match held {
        _ if is_terminal(&incoming.record.lifecycle) => (incoming.clone(), disk),
        None => (incoming.clone(), disk),
        Some(h) if h.disk.as_ref() == Some(&incoming.record) => (h.session.view.clone(), disk),
        Some(h) => {
            let kept = &h.session.view;
            let view = SessionView {
                record: incoming.record.clone(),
                live: kept.live.clone(),
                enrichment: kept.enrichment.clone(),
            };
            (view, disk)
        }
    }
}

/// A view with what the resolver makes of it (SPEC A2a).
fn feed_session(view: SessionView) -> FeedSession {
    FeedSession::of(view)
}

fn store_warning(warning: &StoreWarning) -> FeedWarning {
    let file = match warning {
        StoreWarning::Quarantined { quarantined_as, .. } => quarantined_as,
        StoreWarning::Corrupt { file, .. } | StoreWarning::NewerVersion { file, .. } => file,
        StoreWarning::Unreadable { path, .. } => path,
    };
    FeedWarning {
        source: WarningSource::Store,
        message: warning.to_string(),
        file: Some(file.display().to_string()),
        line: None,
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
