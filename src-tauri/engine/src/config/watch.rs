//! Hot reload (SPEC C6): a file watcher on the config files' directories; after a burst of changes
//! settles, the config is loaded strictly. A valid edit replaces the config, an invalid one keeps
//! the last good config and reports the errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::error::{ConfigError, ConfigErrors};
use super::layer::{self, LOCAL_FILE_NAME};
use super::load::{ConfigSources, Loaded, load_strict};

/// Quiet time before reloading: editors save in several steps (write a temp file, rename it over,
/// touch metadata); waiting for the burst to end reads the finished file once.
pub const RELOAD_DEBOUNCE: Duration = Duration::from_millis(200);
/// Events buffered for a slow receiver; each carries a whole config, so a few are plenty.
const EVENT_CAPACITY: usize = 8;

/// What a reload found.
#[derive(Debug, Clone)]
pub enum ConfigEvent {
    /// The files changed and load cleanly: this is the config now.
    Reloaded(Arc<Loaded>),
    /// The files changed and are invalid: the previous config stays in force.
    Invalid(ConfigErrors),
}

/// Watches the config files while alive; dropping it stops the watcher and its task.
pub struct ConfigWatcher {
    task: JoinHandle<()>,
    // std mutex: held only to swap or clone an `Arc`, never across an await.
    current: Arc<Mutex<Arc<Loaded>>>,
}

impl ConfigWatcher {
    /// Starts watching the files of `sources` (and the `grove.toml` of each project of `initial`)
    /// with `initial` as the last good config. Must be called inside a tokio runtime.
    pub fn spawn(
        sources: ConfigSources,
        initial: Arc<Loaded>,
    ) -> Result<(ConfigWatcher, mpsc::Receiver<ConfigEvent>), notify::Error> {
        let (raw_tx, raw_rx) = mpsc::unbounded_channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            // Our own reads show up as access events; reacting to them would reload forever.
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(event) => {
                let _ = raw_tx.send(event.paths);
            }
            Err(e) => tracing::warn!("config watcher: {e}"),
        })?;
        let (tx, rx) = mpsc::channel(EVENT_CAPACITY);
        let current = Arc::new(Mutex::new(initial.clone()));
        let mut state = WatchState { sources, watcher, watched_dirs: BTreeSet::new(), files: BTreeSet::new() };
        state.sync(&initial);
        let task = tokio::spawn(run(state, raw_rx, tx, current.clone()));
        Ok((ConfigWatcher { task, current }, rx))
    }

    /// The last good config: the initial one, or the latest valid reload.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for ConfigWatcher {
    fn drop(&mut self) {
        // The task owns the notify watcher; aborting it drops the watcher too.
        self.task.abort();
    }
}

struct WatchState {
    sources: ConfigSources,
    watcher: notify::RecommendedWatcher,
    watched_dirs: BTreeSet<PathBuf>,
    /// The files whose changes trigger a reload, under their watched (canonical) directory.
    files: BTreeSet<PathBuf>,
}

impl WatchState {
    /// Watches the directories of the config files and of the projects' `grove.toml` files in
    /// `loaded`. Directories are watched rather than files so that a save by rename, or a file
    /// created later, is seen.
    fn sync(&mut self, loaded: &Loaded) {
        let mut wanted: Vec<PathBuf> = vec![layer::absolute(&self.sources.global)];
        wanted.extend(self.sources.running.iter().map(|r| layer::absolute(r)));
        wanted.extend(loaded.config.projects.values().map(|p| p.path.join(LOCAL_FILE_NAME)));
        self.files.clear();
        let mut dirs = BTreeSet::new();
        for file in wanted {
            let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
                continue;
            };
            let Ok(dir) = std::fs::canonicalize(dir) else {
                tracing::debug!("config watcher: {} does not exist; not watched", dir.display());
                continue;
            };
            self.files.insert(dir.join(name));
            dirs.insert(dir);
        }
        for gone in self.watched_dirs.difference(&dirs) {
            let _ = self.watcher.unwatch(gone);
        }
        for dir in &dirs {
            if !self.watched_dirs.contains(dir)
                && let Err(e) = self.watcher.watch(dir, RecursiveMode::NonRecursive)
            {
                tracing::warn!("config watcher: cannot watch {}: {e}", dir.display());
            }
        }
        self.watched_dirs = dirs;
    }

    /// Whether an event is about one of our files. Event paths are the watched (canonical)
    /// directory joined with the file name, as `files` holds them.
    fn concerns(&self, paths: &[PathBuf]) -> bool {
        paths.iter().any(|p| self.files.contains(p))
    }
}

async fn run(
    mut state: WatchState,
    mut raw: mpsc::UnboundedReceiver<Vec<PathBuf>>,
    tx: mpsc::Sender<ConfigEvent>,
    current: Arc<Mutex<Arc<Loaded>>>,
) {
    let mut showing_error = false;
    while let Some(paths) = raw.recv().await {
        if !state.concerns(&paths) {
            continue;
        }
        // Debounce: wait until no event has arrived for RELOAD_DEBOUNCE.
        loop {
            match tokio::time::timeout(RELOAD_DEBOUNCE, raw.recv()).await {
                Ok(Some(_)) => continue,
                Ok(None) => return,
                Err(_) => break,
            }
        }
        let sources = state.sources.clone();
        let result = match tokio::task::spawn_blocking(move || load_strict(&sources)).await {
            Ok(result) => result,
            Err(e) => Err(join_error(&state.sources.global, &e)),
        };
        let event = match result {
            Ok(loaded) => {
                let last = current.lock().unwrap_or_else(PoisonError::into_inner).clone();
                if !showing_error && *last == loaded {
                    continue; // touched, not changed
                }
                showing_error = false;
                let loaded = Arc::new(loaded);
                state.sync(&loaded);
                *current.lock().unwrap_or_else(PoisonError::into_inner) = loaded.clone();
                ConfigEvent::Reloaded(loaded)
            }
            Err(errors) => {
                showing_error = true;
                tracing::warn!("config reload failed; keeping the last good config:\n{errors}");
                ConfigEvent::Invalid(errors)
            }
        };
        if tx.send(event).await.is_err() {
            return; // nobody listens any more
        }
    }
}

fn join_error(file: &Path, e: &tokio::task::JoinError) -> ConfigErrors {
    ConfigErrors::single(ConfigError::whole_file(file, format!("config reload did not finish: {e}")))
}
