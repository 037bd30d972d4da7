//! Changes on disk, seen through the real watcher (SPEC E2): one write is one patch per
//! subscriber, a burst is one patch, a deletion is a removal, a corrupt record only a warning.
//! "Nothing else arrived" is shown by a sentinel: a second, unrelated change whose patch must be
//! the very next message.

use grove_engine::feed::{FEED_COALESCE, FeedEvent, FeedOptions, Patch, WarningSource};

use super::support::{DELIVERY, Home, Model, key, next};

fn patch(event: FeedEvent, what: &str) -> Patch {
    match event {
        FeedEvent::Patch(patch) => patch,
        FeedEvent::Snapshot(s) => panic!("expected a patch for {what}, got a snapshot at seq {}", s.seq),
    }
}

fn names(patch: &Patch) -> Vec<(String, String)> {
    let name = |s: &grove_engine::feed::FeedSession| s.view.record.display_name.clone().unwrap_or_default();
    patch.sessions.iter().map(|s| (s.view.record.id.to_string(), name(s))).collect()
}

#[tokio::test]
async fn one_store_write_is_exactly_one_patch_per_subscriber_and_grove_temp_files_are_none() {
    let home = Home::with(&["api-1", "api-2"], FeedOptions::default()).await;
    let mut subs = [home.feed.subscribe(), home.feed.subscribe()];
    let mut first_seq = Vec::new();
    for sub in &mut subs {
        let FeedEvent::Snapshot(snapshot) = next(sub, DELIVERY, "the snapshot").await else {
            panic!("a subscriber's first message must be a snapshot");
        };
        assert_eq!(snapshot.sessions.len(), 2, "the snapshot must hold both records: {snapshot:?}");
        first_seq.push(snapshot.seq);
    }

    home.rename("api-1", "Renamed");
    for (sub, seq) in subs.iter_mut().zip(&first_seq) {
        let patch = patch(next(sub, DELIVERY, "the rename").await, "the rename");
        assert_eq!(patch.seq, seq + 1, "the patch follows the snapshot");
        assert_eq!(names(&patch), [("api-1".into(), "Renamed".into())], "only the rewritten session, as written");
        assert!(patch.removed.is_empty() && patch.warnings.is_none(), "nothing else changed: {patch:?}");
    }

    // Grove's own lock and temp files, made by hand without a record change.
    let dir = home.sessions_dir();
    std::fs::write(dir.join(".api-2.json.lock"), "4242").expect("write a lock file");
    std::fs::write(dir.join(".api-2.json.4242.7.tmp"), "{").expect("write a temp file");
    std::fs::remove_file(dir.join(".api-2.json.lock")).expect("remove the lock file");
    home.rename("api-2", "Sentinel");
    for (sub, seq) in subs.iter_mut().zip(&first_seq) {
        let patch = patch(next(sub, DELIVERY, "the sentinel").await, "the sentinel");
        assert_eq!(
            (patch.seq, names(&patch)),
            (seq + 2, vec![("api-2".into(), "Sentinel".into())]),
            "the rename must have been one patch, and the temp files none: the next message is the sentinel's"
        );
    }
}

#[tokio::test]
async fn a_burst_of_twenty_writes_to_one_record_is_at_most_two_patches_ending_with_the_last_version() {
    // SPEC E2 (leading edge): the first write goes out at once, the rest of the burst is gathered
    // into one more patch. The cap is raised so a slow disk cannot split the trailing part.
    let options = FeedOptions { coalesce_max: std::time::Duration::from_secs(10), ..FeedOptions::default() };
    let home = Home::with(&["api-1", "api-2"], options).await;
    let mut sub = home.feed.subscribe();
    let snapshot = next(&mut sub, DELIVERY, "the snapshot").await;

    let started = std::time::Instant::now();
    for n in 0..20 {
        home.rename("api-1", &format!("version {n}"));
    }
    let burst = started.elapsed();
    assert!(burst < FEED_COALESCE * 20, "precondition: 20 writes took {burst:?}, too slow to be one burst");
    let mut seen = Vec::new();
    loop {
        let burst = patch(next(&mut sub, DELIVERY, "the burst").await, "the burst");
        assert_eq!(burst.seq, snapshot.seq() + 1 + seen.len() as u64, "patches follow each other");
        let names = names(&burst);
        seen.push(names.clone());
        if names == [("api-1".into(), "version 19".into())] {
            break;
        }
        assert!(seen.len() < 2, "20 writes in one burst must be at most two patches, got {seen:?}");
    }

    home.rename("api-2", "Sentinel");
    let sentinel = patch(next(&mut sub, DELIVERY, "the sentinel").await, "the sentinel");
    assert_eq!(
        (sentinel.seq, names(&sentinel)),
        (snapshot.seq() + 1 + seen.len() as u64, vec![("api-2".into(), "Sentinel".into())]),
        "nothing may follow the burst's last version: {seen:?}"
    );
}

#[tokio::test]
async fn a_deleted_record_is_removed_and_a_corrupt_one_is_only_a_quarantine_warning() {
    let home = Home::with(&["api-1", "api-2"], FeedOptions::default()).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    model.apply(next(&mut sub, DELIVERY, "the snapshot").await);

    std::fs::remove_file(home.sessions_dir().join("api-2.json")).expect("delete a record");
    let removal = patch(next(&mut sub, DELIVERY, "the deletion").await, "the deletion");
    assert_eq!(removal.removed, [key("api-2")], "the deleted record is listed as removed");
    assert!(removal.sessions.is_empty(), "no session changed: {:?}", names(&removal));
    model.apply(FeedEvent::Patch(removal));

    let corrupt = home.sessions_dir().join("api-3.json");
    std::fs::write(&corrupt, "{\"id\": \"api-3\", ").expect("write a corrupt record");
    let quarantine = patch(next(&mut sub, DELIVERY, "the quarantine").await, "the quarantine");
    assert!(quarantine.sessions.is_empty(), "a corrupt record is not a session: {:?}", names(&quarantine));
    assert!(quarantine.removed.is_empty(), "no session was removed: {:?}", quarantine.removed);
    let warnings = quarantine.warnings.clone().expect("the quarantine must change the warnings");
    let store: Vec<_> = warnings.iter().filter(|w| w.source == WarningSource::Store).collect();
    assert_eq!(store.len(), 1, "one warning for one quarantine: {warnings:?}");
    let file = store[0].file.as_deref().unwrap_or_default();
    assert!(file.contains("api-3.json.corrupt-"), "the warning names the quarantined file: {file}");
    model.apply(FeedEvent::Patch(quarantine));

    home.rename("api-1", "Sentinel");
    let sentinel = patch(next(&mut sub, DELIVERY, "the sentinel").await, "the sentinel");
    assert_eq!(names(&sentinel), [("api-1".into(), "Sentinel".into())], "the quarantine's rename sent nothing more");
    assert!(sentinel.warnings.is_none(), "the quarantine is reported once: {:?}", sentinel.warnings);
    model.apply(FeedEvent::Patch(sentinel));
    assert_eq!(model.sessions.len(), 1, "only api-1 is left: {:?}", model.sessions.keys());
}

#[tokio::test]
async fn a_new_project_directory_is_watched_and_announced_with_a_snapshot() {
    let home = Home::with(&["api-1"], FeedOptions::default()).await;
    let mut sub = home.feed.subscribe();
    let mut model = Model::default();
    model.apply(next(&mut sub, DELIVERY, "the snapshot").await);

    home.store.create(&super::support::finished("web", "web-1")).expect("write a record of a new project");
    let FeedEvent::Snapshot(snapshot) = next(&mut sub, DELIVERY, "the new project").await else {
        panic!("a new project changes the project list, which only a snapshot carries");
    };
    let projects: Vec<&str> = snapshot.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(projects, ["api", "web"], "the new project is listed");
    assert_eq!(snapshot.sessions.len(), 2, "with its session: {:?}", snapshot.sessions.len());
    model.apply(FeedEvent::Snapshot(snapshot));

    // Its sessions directory is now watched: a rewrite there is a patch.
    let mut record = super::support::finished("web", "web-1");
    record.display_name = Some("Watched".into());
    home.store.save(&record).expect("rewrite the new project's record");
    let rewrite = patch(next(&mut sub, DELIVERY, "the rewrite in the new project").await, "the rewrite");
    assert_eq!(names(&rewrite), [("web-1".into(), "Watched".into())], "the new directory is watched");
}
