//! A per-session cache of where an agent's transcript is, so finding it (a directory listing, or
//! a scan of `~/.codex/sessions`) happens once per session rather than once per probe.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::ids::SessionId;

/// Transcript locations by session, with the value `T` the finder learnt alongside (a Codex
/// session id, say). An entry whose file has vanished is dropped on lookup, so a deleted or
/// rotated transcript is searched for again instead of read forever.
#[derive(Debug)]
pub struct TranscriptPaths<T> {
    // A std mutex: held only for a map lookup or insert, never across an await.
    found: Mutex<HashMap<SessionId, (PathBuf, T)>>,
}

impl<T> Default for TranscriptPaths<T> {
    fn default() -> Self {
        Self { found: Mutex::new(HashMap::new()) }
    }
}

impl<T: Clone> TranscriptPaths<T> {
    /// The cached location for `session`, if its file still exists.
    pub fn get(&self, session: &SessionId) -> Option<(PathBuf, T)> {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let hit = found.get(session)?.clone();
        if hit.0.is_file() {
            Some(hit)
        } else {
            found.remove(session);
            None
        }
    }

    /// Remembers where `session`'s transcript is.
    pub fn insert(&self, session: SessionId, path: PathBuf, extra: T) {
        self.found.lock().unwrap_or_else(|e| e.into_inner()).insert(session, (path, extra));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vanished_file_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, "x").unwrap();
        let cache = TranscriptPaths::default();
        let id = SessionId::new("s-1").unwrap();
        cache.insert(id.clone(), path.clone(), 7u8);
        assert_eq!(cache.get(&id), Some((path.clone(), 7)), "an existing file is a hit");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(cache.get(&id), None, "a vanished file must not be returned");
        std::fs::write(&path, "x").unwrap();
        assert_eq!(cache.get(&id), None, "the entry must have been dropped, not kept for later");
    }
}
