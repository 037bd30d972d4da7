//! Disk use of each session's worktree (SPEC K7): bytes allocated on disk (blocks, so sparse and
//! small files count what they really take), ignored build output included, symlinks never
//! followed, hard links counted once. A walk is bounded (entries and time) and cancellable; the
//! results sit in a small cache keyed by session with the time they were measured, and a
//! background refresher re-measures one worktree at a time when a value is older than its
//! maximum age or was invalidated (after a turn end).
//!
//! How the app uses it: make one [`DiskCache`], hand it to [`crate::ops::Ops::with_disk_cache`]
//! (so `land_check` reports `diskBytes` and `reclaim` forgets what it removed) and to
//! [`DiskRefresher::spawn`]; read [`DiskCache::get`] where a session is put together for the UI;
//! call [`DiskRefresher::poke`] when an agent reports a turn end; [`DiskRefresher::stop`] on quit.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::ids::SessionId;
use crate::store::Store;

/// Most entries one walk visits before it stops and reports what it counted (`complete: false`).
pub const MAX_ENTRIES: u64 = 5_000_000;
/// Longest one walk runs before it stops and reports what it counted.
pub const MAX_WALK: Duration = Duration::from_secs(120);
/// How old a measurement may get before the refresher measures again.
pub const MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How often the refresher looks for stale measurements when nothing pokes it.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// Bounds of one walk.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Stop after this many entries.
    pub max_entries: u64,
    /// Stop after this long.
    pub max_time: Duration,
    /// Set to stop the walk at once ([`DiskError::Cancelled`]).
    pub cancel: Arc<AtomicBool>,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_entries: MAX_ENTRIES, max_time: MAX_WALK, cancel: Arc::new(AtomicBool::new(false)) }
    }
}

/// One measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiskUsage {
    /// Bytes allocated on disk.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Entries visited.
    #[ts(type = "number")]
    pub entries: u64,
    /// False when a limit stopped the walk: `bytes` is then a lower bound.
    pub complete: bool,
    /// When it was measured.
    #[ts(type = "string")]
    pub measured_at: DateTime<Utc>,
}

/// Why a walk gave no size.
#[derive(Debug, thiserror::Error)]
pub enum DiskError {
    /// The walk was cancelled.
    #[error("the measurement was cancelled")]
    Cancelled,
    /// The root could not be read.
    #[error("could not read {path}: {source}")]
    Io {
        /// The root.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Bytes on disk of the tree at `root` (blocking; run it on a blocking thread). Entries that
/// vanish or cannot be read during the walk are skipped; only an unreadable root is an error.
pub fn measure(root: &Path, limits: &Limits) -> Result<DiskUsage, DiskError> {
    let started = Instant::now();
    let root_meta =
        std::fs::symlink_metadata(root).map_err(|source| DiskError::Io { path: root.display().to_string(), source })?;
    let mut seen_links: HashSet<(u64, u64)> = HashSet::new();
    let mut usage = DiskUsage { bytes: 0, entries: 0, complete: true, measured_at: Utc::now() };
    let mut pending = vec![(root.to_owned(), root_meta)];
    while let Some((path, meta)) = pending.pop() {
        if limits.cancel.load(Ordering::Relaxed) {
            return Err(DiskError::Cancelled);
        }
        if usage.entries >= limits.max_entries || started.elapsed() >= limits.max_time {
            usage.complete = false;
            break;
        }
        usage.entries += 1;
        usage.bytes += allocated(&meta, &mut seen_links);
        // `symlink_metadata`: a symlink is itself, never its target, so loops cannot form.
        if meta.is_dir() {
            let Ok(children) = std::fs::read_dir(&path) else { continue };
            for child in children.flatten() {
                if let Ok(child_meta) = std::fs::symlink_metadata(child.path()) {
                    pending.push((child.path(), child_meta));
                }
            }
        }
    }
    usage.measured_at = Utc::now();
    Ok(usage)
}

/// What one entry takes on disk; a file with several hard links only the first time.
#[cfg(unix)]
fn allocated(meta: &std::fs::Metadata, seen: &mut HashSet<(u64, u64)>) -> u64 {
    use std::os::unix::fs::MetadataExt;
    if !meta.is_dir() && meta.nlink() > 1 && !seen.insert((meta.dev(), meta.ino())) {
        return 0;
    }
    meta.blocks() * 512
}

#[cfg(not(unix))]
fn allocated(meta: &std::fs::Metadata, _seen: &mut HashSet<(u64, u64)>) -> u64 {
    meta.len()
}

/// "1.4 GB": bytes for people (powers of 1000, like file managers).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// The latest measurement per session. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct DiskCache {
    inner: Arc<Mutex<HashMap<SessionId, Entry>>>,
}

#[derive(Debug, Clone)]
struct Entry {
    usage: DiskUsage,
    /// Marked for re-measuring (a turn ended) while the old value is still shown.
    stale: bool,
}

impl DiskCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The latest measurement of `session`'s worktree, if any.
    pub fn get(&self, session: &SessionId) -> Option<DiskUsage> {
        self.lock().get(session).map(|e| e.usage.clone())
    }

    /// Stores a measurement.
    pub fn put(&self, session: &SessionId, usage: DiskUsage) {
        self.lock().insert(session.clone(), Entry { usage, stale: false });
    }

    /// Marks `session`'s value for re-measuring; it is still shown until then.
    pub fn invalidate(&self, session: &SessionId) {
        if let Some(entry) = self.lock().get_mut(session) {
            entry.stale = true;
        }
    }

    /// Drops `session`'s value (its worktree is gone).
    pub fn forget(&self, session: &SessionId) {
        self.lock().remove(session);
    }

    /// Whether `session` needs measuring at `now`: never measured, invalidated, or older than
    /// `max_age`.
    pub fn needs_measure(&self, session: &SessionId, now: DateTime<Utc>, max_age: Duration) -> bool {
        match self.lock().get(session) {
            None => true,
            Some(entry) => {
                let age = (now - entry.usage.measured_at).to_std().unwrap_or(Duration::ZERO);
                entry.stale || age >= max_age
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Entry>> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// How the refresher runs.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// Re-measure values older than this.
    pub max_age: Duration,
    /// Look for stale values this often when not poked.
    pub every: Duration,
    /// Bounds of each walk.
    pub max_entries: u64,
    /// Bounds of each walk.
    pub max_time: Duration,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self { max_age: MAX_AGE, every: REFRESH_EVERY, max_entries: MAX_ENTRIES, max_time: MAX_WALK }
    }
}

/// The background task measuring worktrees, one walk at a time.
#[derive(Debug)]
pub struct DiskRefresher {
    task: tokio::task::JoinHandle<()>,
    wake: Arc<tokio::sync::Notify>,
    cancel: Arc<AtomicBool>,
    cache: DiskCache,
}

impl DiskRefresher {
    /// Starts the refresher over every session `store` lists, filling `cache`.
    pub fn spawn(store: Store, cache: DiskCache, options: RefreshOptions) -> Self {
        let wake = Arc::new(tokio::sync::Notify::new());
        let cancel = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(refresh_loop(store, cache.clone(), options, wake.clone(), cancel.clone()));
        Self { task, wake, cancel, cache }
    }

    /// Measure `session` again soon (its agent ended a turn).
    pub fn poke(&self, session: &SessionId) {
        self.cache.invalidate(session);
        self.wake.notify_one();
    }

    /// Stops the task, cancelling a walk in progress, and waits for it.
    pub async fn stop(self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.wake.notify_one();
        let _ = self.task.await;
    }
}

async fn refresh_loop(
    store: Store,
    cache: DiskCache,
    options: RefreshOptions,
    wake: Arc<tokio::sync::Notify>,
    cancel: Arc<AtomicBool>,
) {
    while !cancel.load(Ordering::Relaxed) {
        let listing = store.clone();
        let sessions = tokio::task::spawn_blocking(move || listing.list_stored().sessions).await.unwrap_or_default();
        for record in sessions {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            if !cache.needs_measure(&record.id, Utc::now(), options.max_age) {
                continue;
            }
            if !record.worktree.is_dir() {
                cache.forget(&record.id);
                continue;
            }
            let limits =
                Limits { max_entries: options.max_entries, max_time: options.max_time, cancel: cancel.clone() };
            let path = record.worktree.clone();
            match tokio::task::spawn_blocking(move || measure(&path, &limits)).await {
                Ok(Ok(usage)) => cache.put(&record.id, usage),
                Ok(Err(e)) => tracing::debug!(session = %record.id, "could not measure the worktree: {e}"),
                Err(e) => tracing::debug!(session = %record.id, "the worktree measurement failed: {e}"),
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(options.every) => {}
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlink_loops_are_not_followed_and_hard_links_count_once() {
        // SPEC K7
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/big.bin"), vec![7u8; 64 * 1024]).unwrap();
        let alone = measure(&root, &Limits::default()).unwrap();
        std::os::unix::fs::symlink(&root, root.join("a/b/loop")).unwrap();
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        std::fs::hard_link(root.join("a/big.bin"), root.join("a/b/same.bin")).unwrap();
        let usage = measure(&root, &Limits::default()).unwrap();
        assert!(usage.complete, "{usage:?}");
        assert!(alone.bytes >= 64 * 1024, "blocks of the 64 KiB file are counted: {alone:?}");
        // Two symlinks and one more directory entry at most; never the 64 KiB file twice.
        assert!(
            usage.bytes < alone.bytes + 32 * 1024,
            "the hard link was counted twice or a link followed: {alone:?} {usage:?}"
        );
        assert_eq!(usage.entries, alone.entries + 3, "each link is one entry, its target never walked");
    }

    #[test]
    fn a_cancelled_walk_stops_and_a_bounded_one_says_it_is_partial() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("f{i}")), "x").unwrap();
        }
        let limits = Limits { max_entries: 5, ..Limits::default() };
        let partial = measure(dir.path(), &limits).unwrap();
        assert_eq!((partial.entries, partial.complete), (5, false));
        let cancelled = Limits::default();
        cancelled.cancel.store(true, Ordering::Relaxed);
        assert!(matches!(measure(dir.path(), &cancelled), Err(DiskError::Cancelled)));
    }

    #[test]
    fn the_cache_marks_old_and_invalidated_values_for_measuring() {
        let cache = DiskCache::new();
        let id = SessionId::new("p-1").unwrap();
        let now = Utc::now();
        assert!(cache.needs_measure(&id, now, MAX_AGE));
        cache.put(&id, DiskUsage { bytes: 10, entries: 1, complete: true, measured_at: now });
        assert!(!cache.needs_measure(&id, now, MAX_AGE));
        assert!(cache.needs_measure(&id, now + chrono::Duration::minutes(11), MAX_AGE));
        cache.invalidate(&id);
        assert!(cache.needs_measure(&id, now, MAX_AGE));
        assert_eq!(cache.get(&id).map(|u| u.bytes), Some(10), "the old value shows until re-measured");
        assert_eq!(human_bytes(1_400_000_000), "1.4 GB");
    }
}
