//! The coalescing window, reconciliation and failure counting in tokio's paused time, with the
//! watcher off so that only the feed's own timers decide when a patch goes out.

use std::time::Duration;

use grove_engine::feed::{
    FEED_COALESCE, FEED_COALESCE_MAX, FEED_RECONCILE_EVERY, FeedEvent, FeedOptions, Patch, WarningSource,
};
use tokio::time::Instant;

use super::support::{Home, Model, key, next};

fn unwatched() -> FeedOptions {
    FeedOptions { watch_store: false, ..FeedOptions::default() }
}

/// Far beyond any timer of the feed; in paused time it costs nothing.
const LONG: Duration = Duration::from_secs(600);

async fn patch(sub: &mut grove_engine::feed::Subscription, what: &str) -> Patch {
    match next(sub, LONG, what).await {
        FeedEvent::Patch(patch) => patch,
        FeedEvent::Snapshot(s) => panic!("expected a patch for {what}, got a snapshot at seq {}", s.seq),
    }
}

#[tokio::test(start_paused = true)]
async fn a_lone_operation_is_published_at_once_and_a_stream_of_them_at_the_cap() {
    // SPEC E2 (leading edge): no fixed coalescing delay for an isolated change.
    let home = Home::with(&["api-1"], unwatched()).await;
    let mut sub = home.feed.subscribe();
    next(&mut sub, LONG, "the snapshot").await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    home.rename("api-1", "one");
    let start = Instant::now();
    home.feed.notify_changed(&key("api-1"));
    let one = patch(&mut sub, "the operation").await;
    assert_eq!(start.elapsed(), Duration::ZERO, "a lone change must go out at once, not after a quiet time");
    assert_eq!(one.sessions.len(), 1, "the changed session: {one:?}");
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Changes every 40 ms, for a second: the first goes out at once, then the quiet time never
    // passes and the cap cuts the stream.
    let start = Instant::now();
    let mut published = Vec::new();
    let stream = async {
        for n in 0..25 {
            home.rename("api-1", &format!("stream {n}"));
            home.feed.notify_changed(&key("api-1"));
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    };
    let collect = async {
        loop {
            let patch = patch(&mut sub, "the stream").await;
            published.push(start.elapsed());
            if patch.sessions[0].view.record.display_name.as_deref() == Some("stream 24") {
                break;
            }
        }
    };
    tokio::join!(stream, collect);
    assert_eq!(published[0], Duration::ZERO, "the stream's first change is a leading edge: {published:?}");
    let gaps: Vec<Duration> = published.windows(2).map(|w| w[1] - w[0]).collect();
    let longest = Duration::from_millis(40) + FEED_COALESCE_MAX;
    assert!(
        gaps.iter().all(|gap| *gap <= longest),
        "a never-pausing writer is published at least at the cap: {published:?}"
    );
    assert!(published.len() >= 4, "a one-second stream is several patches, not one at its end: {published:?}");
    assert!(published.len() <= 7, "25 changes in a second are gathered, not one patch each: {published:?}");
}

#[tokio::test(start_paused = true)]
async fn reconciliation_finds_a_write_the_watcher_missed_after_exactly_its_period() {
    let home = Home::with(&["api-1"], unwatched()).await;
    let start = Instant::now();
    let mut sub = home.feed.subscribe();
    next(&mut sub, LONG, "the snapshot").await;
    home.rename("api-1", "missed");
    let found = patch(&mut sub, "the reconciliation").await;
    assert_eq!(start.elapsed(), FEED_RECONCILE_EVERY, "the missed write shows at the reconciliation read");
    assert_eq!(found.sessions[0].view.record.display_name.as_deref(), Some("missed"));
}

#[tokio::test(start_paused = true)]
async fn a_failing_store_keeps_the_last_state_and_warns_only_after_three_failures_in_a_row() {
    let home = Home::with(&["api-1", "api-2"], unwatched()).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    model.apply(next(&mut sub, LONG, "the snapshot").await);

    // The sessions directory becomes unreadable (a file where the directory was).
    let dir = home.sessions_dir();
    let aside = dir.with_file_name("sessions-aside");
    std::fs::rename(&dir, &aside).expect("move the sessions directory aside");
    std::fs::write(&dir, "not a directory").expect("put a file in its place");
    for _ in 0..3 {
        home.feed.refresh();
        // Past the quiet time, so each refresh is its own failed reading.
        tokio::time::sleep(FEED_COALESCE * 2).await;
    }
    let warned = patch(&mut sub, "the feed warning").await;
    assert!(warned.removed.is_empty(), "a failed reading must not remove sessions: {:?}", warned.removed);
    let warnings = warned.warnings.clone().expect("the third failure in a row must show a warning");
    assert!(warnings.iter().any(|w| w.source == WarningSource::Feed), "a feed warning: {warnings:?}");
    model.apply(FeedEvent::Patch(warned));
    assert_eq!(model.sessions.len(), 2, "the last good sessions stay on screen");

    std::fs::remove_file(&dir).expect("remove the file");
    std::fs::rename(&aside, &dir).expect("put the sessions directory back");
    home.feed.refresh();
    // A failed reading already under way when the directory came back may still count up the
    // warning ("failed 4 times"): a leading-edge round does not wait for the test's pacing.
    let mut cleared = patch(&mut sub, "the recovery").await;
    for _ in 0..3 {
        let failing = cleared.warnings.as_ref().is_some_and(|w| w.iter().any(|w| w.source == WarningSource::Feed));
        if !failing {
            break;
        }
        cleared = patch(&mut sub, "the recovery").await;
    }
    let warnings = cleared.warnings.clone().expect("the success must change the warnings");
    assert!(!warnings.iter().any(|w| w.source == WarningSource::Feed), "cleared on success: {warnings:?}");
    assert!(cleared.sessions.is_empty() && cleared.removed.is_empty(), "the sessions did not change: {cleared:?}");
}

#[tokio::test(start_paused = true)]
async fn a_new_project_in_the_config_is_a_snapshot_and_a_config_error_a_warning_patch() {
    use grove_engine::config::ConfigError;
    use grove_engine::feed::{ConfiguredProject, FeedConfig};

    let home = Home::with(&["api-1"], unwatched()).await;
    let mut sub = home.feed.subscribe();
    let first = next(&mut sub, LONG, "the snapshot").await;

    let web = ConfiguredProject { id: super::support::project("web"), name: "Web app".into(), local_file: None };
    home.config.send_replace(FeedConfig { projects: vec![web.clone()], ..FeedConfig::default() });
    let FeedEvent::Snapshot(snapshot) = next(&mut sub, LONG, "the new project").await else {
        panic!("patches cannot carry projects, so a new project must come as a snapshot");
    };
    assert_eq!(snapshot.seq, first.seq() + 1, "the snapshot continues the sequence");
    let ids: Vec<&str> = snapshot.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["api", "web"], "the configured project joins the one with records");

    let error = ConfigError {
        file: "/c.toml".into(),
        line: 4,
        column: 1,
        key: "defaults.agent".into(),
        message: "unknown agent".into(),
    };
    home.config.send_replace(FeedConfig { projects: vec![web], errors: vec![error], ..FeedConfig::default() });
    let warned = patch(&mut sub, "the config error").await;
    let warnings = warned.warnings.expect("a config error changes the warnings");
    assert_eq!(warnings.len(), 1, "one warning: {warnings:?}");
    assert_eq!(
        (warnings[0].source, warnings[0].line),
        (WarningSource::Config, Some(4)),
        "a config warning with its line"
    );
}
