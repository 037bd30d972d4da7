//! The store watcher (SPEC E2, I0): notify watches `projects/`, each `projects/<p>/`, each
//! `projects/<p>/sessions/` and each `projects/<p>/events/`, each non-recursively. Not one recursive watch on `projects/`:
//! `projects/<p>/worktrees/` holds the sessions' git worktrees, where agents build and install
//! dependencies, and watching them would spend an inotify watch per directory and wake the feed
//! on every compile. New project and `sessions` directories are added by [`StoreWatcher::sync`],
//! which the feed calls before each reading, so a directory is watched before it is read.
//!
//! Events are sorted on notify's thread: Grove's own temp and lock files are ignored (an atomic
//! write is seen once, as its rename onto `<id>.json`), `*.json` is a record change, a
//! `<name>.corrupt-<ms>` appearing is a quarantine, a directory appearing or going is a change of
//! membership, an events file growing is news from that session's agent (it is probed again at
//! once); anything else (editor backups, `.DS_Store`) is not the store's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use notify::{EventKind, RecursiveMode, Watcher};

use super::inbox::Inbox;
use crate::ids::{ProjectId, SessionId};
use crate::manager::SessionKey;
use crate::store::is_grove_temp_file;

/// What SPEC B3 names a quarantined record: `<id>.json.corrupt-<unix-ms>`.
const QUARANTINE_MARK: &str = ".json.corrupt-";

/// The directory of records inside a project directory (ARCHITECTURE §3.2).
const SESSIONS_DIR: &str = "sessions";

/// The directory of the agents' events files inside a project directory.
const EVENTS_DIR: &str = "events";

/// Told which session's agent reported something; called on notify's thread.
pub(crate) type OnReport = Arc<dyn Fn(SessionKey) + Send + Sync>;

/// Watches the store while alive; dropping it stops the OS watches.
pub(crate) struct StoreWatcher {
    watcher: notify::RecommendedWatcher,
    projects_dir: PathBuf,
    inbox: Arc<Inbox>,
    watched: BTreeSet<PathBuf>,
}

impl std::fmt::Debug for StoreWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreWatcher").field("watched", &self.watched).finish_non_exhaustive()
    }
}

impl StoreWatcher {
    /// Starts watching `projects_dir` (created if missing, so that the first project's directory
    /// is seen appearing), reporting to `inbox`.
    pub fn start(projects_dir: PathBuf, inbox: Arc<Inbox>, on_report: OnReport) -> Result<Self, String> {
        std::fs::create_dir_all(&projects_dir).map_err(|e| format!("cannot create {}: {e}", projects_dir.display()))?;
        let sink = inbox.clone();
        let root = projects_dir.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) => {
                sort(&root, &event, &sink, &on_report);
                sink.watcher_ok();
            }
            Err(e) => sink.watcher_failed(e.to_string()),
        })
        .map_err(|e| format!("cannot start a file watcher: {e}"))?;
        let mut this = Self { watcher, projects_dir, inbox, watched: BTreeSet::new() };
        this.watch(this.projects_dir.clone()).map_err(|e| format!("cannot watch the store: {e}"))?;
        Ok(this)
    }

    /// Watches every project directory and `sessions` directory that exists now and is not
    /// watched yet. Directories that disappeared lost their OS watch with them and are forgotten.
    pub fn sync(&mut self) {
        self.watched.retain(|dir| dir.is_dir());
        let Ok(entries) = std::fs::read_dir(&self.projects_dir) else {
            return; // the reading that follows reports an unreadable store
        };
        for project in entries.filter_map(Result::ok).filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
            let project = project.path();
            let (sessions, events) = (project.join(SESSIONS_DIR), project.join(EVENTS_DIR));
            for dir in [project, sessions, events] {
                if !self.watched.contains(&dir)
                    && dir.is_dir()
                    && let Err(e) = self.watch(dir.clone())
                {
                    self.inbox.watcher_failed(format!("cannot watch {}: {e}", dir.display()));
                }
            }
        }
    }

    fn watch(&mut self, dir: PathBuf) -> notify::Result<()> {
        self.watcher.watch(&dir, RecursiveMode::NonRecursive)?;
        self.watched.insert(dir);
        Ok(())
    }
}

/// Sorts one event into the inbox (see the module doc).
fn sort(projects_dir: &Path, event: &notify::Event, inbox: &Inbox, on_report: &OnReport) {
    if matches!(event.kind, EventKind::Access(_)) {
        return; // our own reads
    }
    // A rescan means the OS dropped events: read everything again.
    if event.need_rescan() {
        inbox.disk_changed();
        return;
    }
    for path in &event.paths {
        match classify(projects_dir, path, &event.kind) {
            Seen::Record | Seen::Directory => inbox.disk_changed(),
            Seen::Quarantine => inbox.quarantined(path.clone()),
            Seen::Reported(key) => on_report(key),
            Seen::Nothing => {}
        }
    }
}

#[derive(Debug, PartialEq)]
enum Seen {
    Record,
    Reported(SessionKey),
    Quarantine,
    Directory,
    Nothing,
}

fn classify(projects_dir: &Path, path: &Path, kind: &EventKind) -> Seen {
    if is_grove_temp_file(path) {
        return Seen::Nothing;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Seen::Nothing;
    };
    let parent = path.parent();
    let in_project = parent.and_then(Path::parent) == Some(projects_dir);
    if parent == Some(projects_dir) || ((name == SESSIONS_DIR || name == EVENTS_DIR) && in_project) {
        return Seen::Directory;
    }
    let in_events = parent.and_then(Path::file_name).is_some_and(|d| d == EVENTS_DIR)
        && parent.and_then(Path::parent).and_then(Path::parent) == Some(projects_dir);
    if in_events {
        return reported(parent, name, kind);
    }
    if name.ends_with(".json") {
        return Seen::Record;
    }
    // The quarantine's new name appearing; its disappearing (a user cleaning up) changes nothing.
    if name.contains(QUARANTINE_MARK) && !matches!(kind, EventKind::Remove(_)) {
        return Seen::Quarantine;
    }
    Seen::Nothing
}

/// An events file that grew or appeared: news from the session's agent. Its removal is not.
fn reported(events_dir: Option<&Path>, name: &str, kind: &EventKind) -> Seen {
    let project = events_dir.and_then(Path::parent).and_then(Path::file_name).and_then(|p| p.to_str());
    let session = name.strip_suffix(".jsonl");
    match (project.map(ProjectId::new), session.map(SessionId::new), kind) {
        (_, _, EventKind::Remove(_)) => Seen::Nothing,
        (Some(Ok(project)), Some(Ok(id)), _) => Seen::Reported(SessionKey { project, id }),
        _ => Seen::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};

    use super::*;

    #[test]
    fn grove_files_and_strangers_are_ignored_records_quarantines_and_directories_are_not() {
        let root = Path::new("/h/projects");
        let created = EventKind::Create(CreateKind::Any);
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let removed = EventKind::Remove(RemoveKind::Any);
        let cases = [
            ("/h/projects/api/sessions/api-1.json", renamed, Seen::Record, "a record renamed into place"),
            ("/h/projects/api/sessions/api-1.json", removed, Seen::Record, "a record deleted"),
            ("/h/projects/api/sessions/.api-1.json.41.0.tmp", created, Seen::Nothing, "the temp file of a write"),
            ("/h/projects/api/sessions/.api-1.json.lock", created, Seen::Nothing, "a record's lock"),
            ("/h/projects/api/sessions/api-1.json.corrupt-17", renamed, Seen::Quarantine, "a quarantine"),
            ("/h/projects/api/sessions/api-1.json.corrupt-17", removed, Seen::Nothing, "a quarantine cleaned up"),
            ("/h/projects/api/sessions/notes.txt", created, Seen::Nothing, "a stranger's file"),
            ("/h/projects/web", created, Seen::Directory, "a new project"),
            ("/h/projects/web/sessions", created, Seen::Directory, "a new sessions directory"),
            ("/h/projects/web/worktrees", created, Seen::Nothing, "the worktrees directory"),
            ("/h/projects/web/events", created, Seen::Directory, "a new events directory"),
            ("/h/projects/web/events/web-1.jsonl", removed, Seen::Nothing, "an events file removed"),
            ("/h/projects/web/events/web-1.jsonl.1", renamed, Seen::Nothing, "an events file moved aside"),
            ("/h/projects/web/events/..jsonl", created, Seen::Nothing, "not a session id"),
        ];
        for (path, kind, expected, why) in cases {
            assert_eq!(classify(root, Path::new(path), &kind), expected, "{why}: {path}");
        }
        let key = SessionKey { project: ProjectId::new("web").unwrap(), id: SessionId::new("web-1").unwrap() };
        let modified = EventKind::Modify(ModifyKind::Any);
        let grown = classify(root, Path::new("/h/projects/web/events/web-1.jsonl"), &modified);
        assert_eq!(grown, Seen::Reported(key), "an events file that grew is news from web-1's agent");
    }
}
