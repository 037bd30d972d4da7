//! C6: hot reload through `ConfigWatcher`, on real file edits, every wait under a timeout.

use std::sync::Arc;
use std::time::Duration;

use grove_engine::config::{self, ConfigEvent, ConfigWatcher, Runtime};

use super::{Files, write};

/// Upper bound for a watcher event; generous because the machine is shared with other builds.
const EVENT_TIMEOUT: Duration = Duration::from_secs(20);

async fn next_event(rx: &mut tokio::sync::mpsc::Receiver<ConfigEvent>, after: &str) -> ConfigEvent {
    tokio::time::timeout(EVENT_TIMEOUT, rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no config event within {EVENT_TIMEOUT:?} after {after}"))
        .unwrap_or_else(|| panic!("the watcher stopped after {after}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_reload_replaces_on_a_valid_edit_and_keeps_the_last_good_on_an_invalid_one() {
    let files = Files::new();
    write(&files.global, "[defaults]\nagent = \"codex\"\n");
    let sources = files.global_only();
    let initial = Arc::new(config::load_strict(&sources).unwrap());
    let (watcher, mut rx) = ConfigWatcher::spawn(sources, initial).unwrap();

    write(&files.global, "[defaults]\nagent = \"aider\"\n");
    match next_event(&mut rx, "a valid edit").await {
        ConfigEvent::Reloaded(loaded) => assert_eq!(loaded.config.defaults.agent, "aider", "new value not loaded"),
        ConfigEvent::Invalid(e) => panic!("a valid edit was reported invalid: {e}"),
    }
    assert_eq!(watcher.current().config.defaults.agent, "aider", "the valid edit must replace the config");

    write(&files.global, "[defaults]\nagent = \"aider\"\nrntime = \"tmux\"\n");
    match next_event(&mut rx, "an invalid edit").await {
        ConfigEvent::Invalid(errors) => {
            let e = errors.first();
            assert_eq!((e.file.as_path(), e.line), (files.global.as_path(), 3), "error must point at the edit: {e}");
            assert!(e.message.contains("did you mean `runtime`?"), "{e}");
        }
        ConfigEvent::Reloaded(_) => panic!("an invalid edit must not replace the config"),
    }
    assert_eq!(watcher.current().config.defaults.agent, "aider", "an invalid edit keeps the last good config");

    write(&files.global, "[defaults]\nagent = \"aider\"\nruntime = \"process\"\n");
    match next_event(&mut rx, "fixing the edit").await {
        ConfigEvent::Reloaded(loaded) => {
            assert_eq!(loaded.config.defaults.runtime, Runtime::Process)
        }
        ConfigEvent::Invalid(e) => panic!("the fixed file was reported invalid: {e}"),
    }
    drop(watcher);
    assert!(
        tokio::time::timeout(EVENT_TIMEOUT, rx.recv())
            .await
            .expect("dropping the watcher closes the channel")
            .is_none(),
        "no events after the watcher is dropped"
    );
}
