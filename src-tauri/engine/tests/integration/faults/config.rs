//! The config made invalid while the app runs (SPEC C1, C5, C6, E3): the last good config stays in
//! force, the error is shown with its file and line, the sessions stay on screen, a fix clears it,
//! and a restart with the broken file still shows everything.

use std::path::Path;
use std::time::Instant as StdInstant;

use grove_engine::feed::{FeedOptions, WarningSource};
use grove_engine::manager::EnrichmentPolicy;
use grove_engine::session::RuntimeKind;
use grove_engine::store::Store;

use super::support::{App, Behaviour, FakeRuntime, Model, WAIT, fake_probes, live_record, worktree_with_work};

const GOOD: &str = "[projects.api]\npath = \"repo-api\"\n\n[projects.web]\npath = \"repo-web\"\n";

/// The config warnings shown, as (line, message).
fn config_errors(m: &Model) -> Vec<(Option<u32>, String)> {
    m.warnings_from(WarningSource::Config).iter().map(|w| (w.line, w.message.clone())).collect()
}

/// Whether a config warning names `file` at `line`.
fn shows_error(m: &Model, file: &Path, line: u32) -> bool {
    m.warnings_from(WarningSource::Config).iter().any(|w| w.file.as_deref() == file.to_str() && w.line == Some(line))
}

async fn start(home: &Path, config: &Path) -> App {
    let probes = fake_probes(FakeRuntime::new(Behaviour::Answer), FakeRuntime::new(Behaviour::Answer));
    App::start(home, config, probes, EnrichmentPolicy::default(), FeedOptions::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_made_invalid_while_the_app_runs_keeps_the_last_good_config_and_shows_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for repo in ["repo-api", "repo-web"] {
        std::fs::create_dir_all(root.join(repo)).unwrap();
    }
    let config = root.join("config.toml");
    std::fs::write(&config, GOOD).unwrap();
    let home = root.join("home");
    let store = Store::new(grove_engine::home::GroveHome::at(&home));
    for id in ["api-1", "api-2"] {
        let worktree = worktree_with_work(&home.join("projects/api"), id);
        store.create(&live_record("api", id, &worktree, RuntimeKind::Tmux, id)).unwrap();
    }
    let app = start(&home, &config).await;
    let mut viewer = app.viewer();
    let healthy = |m: &Model| m.enriched("api", "api-1") && m.enriched("api", "api-2");
    viewer.until("both sessions enriched", WAIT, healthy).await;
    assert_eq!(viewer.model.project_ids(), ["api", "web"], "both configured projects are shown");
    assert!(config_errors(&viewer.model).is_empty(), "a good config shows no error");

    // A half-saved edit: the table header lost its bracket.
    let started = StdInstant::now();
    std::fs::write(&config, "[projects.api\npath = \"repo-api\"\n").unwrap();
    viewer.until("the syntax error", WAIT, |m| shows_error(m, &config, 1)).await;
    let shown = started.elapsed();
    assert_eq!(viewer.model.project_ids(), ["api", "web"], "SPEC C6: the last good config stays in force");
    assert!(healthy(&viewer.model), "the sessions stay on screen, live");

    // A valid file with a bad value on line 3, then bytes that are not text at all.
    std::fs::write(&config, "[projects.api]\npath = \"repo-api\"\nagent = 7\n").unwrap();
    viewer.until("the bad value", WAIT, |m| shows_error(m, &config, 3) && !shows_error(m, &config, 1)).await;
    std::fs::write(&config, b"\xff\xfe\x00[projects\x00").unwrap();
    viewer.until("the unreadable file", WAIT, |m| !shows_error(m, &config, 3) && !config_errors(m).is_empty()).await;
    assert_eq!(viewer.model.project_ids(), ["api", "web"], "still the last good config");
    assert_eq!(viewer.model.ids(), ["api-1", "api-2"], "still every session");

    // A restart with the broken file: the sessions and the error are shown.
    drop(viewer);
    drop(app);
    let app = start(&home, &config).await;
    let mut viewer = app.viewer();
    viewer.until("the snapshot after a restart", WAIT, |m| m.seq.is_some()).await;
    assert_eq!(viewer.model.ids(), ["api-1", "api-2"], "a broken config never hides sessions");
    assert!(!config_errors(&viewer.model).is_empty(), "the restart shows the config error");

    // Fixed (and web dropped): the error clears and the new config is in force.
    std::fs::write(&config, "[projects.api]\npath = \"repo-api\"\n").unwrap();
    viewer.until("the fixed config", WAIT, |m| config_errors(m).is_empty() && m.project_ids() == ["api"]).await;
    viewer.until("both sessions enriched", WAIT, healthy).await;
    println!("faults: config made invalid: error shown with file and line in {shown:?}, sessions kept");
}
