//! Single-process store behaviour: records, listing, quarantine, ids, reservations, the home files.

use std::collections::BTreeSet;
use std::fs;

use grove_engine::ids::{IdError, SessionId};
use grove_engine::session::{DisplayStatus, SessionState, display_status};
use grove_engine::store::{
    LAST_STOP_VERSION, LastStop, StopScope, StoppedProject, StoreError, StoreWarning, is_grove_temp_file, list_stored,
    list_stored_project,
};
use serde_json::json;

use super::{at, names_in, project, record, session, temp_store};

#[test]
fn records_round_trip_and_list_in_order_across_projects() {
    let (dir, store) = temp_store();
    let mut expected = Vec::new();
    for (p, n) in [("web", 40), ("api", 70), ("cli", 1)] {
        for i in 1..=n {
            let mut rec = record(p, &format!("{p}-{i}"));
            rec.created_at = at("2025-01-01T00:00:00Z") + chrono::Duration::seconds(i);
            store.create(&rec).unwrap();
            expected.push(rec);
        }
    }
    expected.sort_by(|a, b| (&a.project_id, a.created_at).cmp(&(&b.project_id, b.created_at)));
    let listed = list_stored(store.home());
    assert!(listed.warnings.is_empty(), "no warnings expected: {:?}", listed.warnings);
    assert_eq!(listed.sessions, expected, "listing must return every record, by project then creation time");
    let api = list_stored_project(store.home(), &project("api"));
    assert_eq!(api.sessions.len(), 70, "project listing must contain only that project's records");
    assert!(api.sessions.iter().all(|s| s.project_id == project("api")));
    assert!(list_stored_project(store.home(), &project("none")).sessions.is_empty(), "unknown project is empty");
    assert_eq!(store.load(&project("api"), &session("api-7")).unwrap(), expected[6]);
    assert_eq!(store.find(&session("web-3")).unwrap().project_id, project("web"), "find searches every project");
    let text = fs::read_to_string(dir.path().join("projects/api/sessions/api-7.json")).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,\n  \"id\": \"api-7\""), "records are pretty camelCase JSON: {text}");
    assert!(text.ends_with("}\n"), "records end with a newline");
}

#[test]
fn corrupt_record_among_good_ones_is_quarantined_reported_once_and_kept() {
    let (dir, store) = temp_store();
    for i in [1, 2, 4, 5] {
        store.create(&record("api", &format!("api-{i}"))).unwrap();
    }
    let sessions_dir = dir.path().join("projects/api/sessions");
    let bad = sessions_dir.join("api-3.json");
    let garbage = b"{\"id\": \"api-3\", \"lifecycle\": {\"sess";
    fs::write(&bad, garbage).unwrap();
    // Files that are not records must be ignored without warnings.
    fs::write(sessions_dir.join("notes.txt"), "hello").unwrap();
    fs::write(sessions_dir.join(".api-1.json.4242.0.tmp"), "{half").unwrap();
    fs::create_dir(sessions_dir.join("sub.json")).unwrap();

    let first = store.list_stored();
    let ids: Vec<&str> = first.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["api-1", "api-2", "api-4", "api-5"], "the good records must all be listed");
    let [StoreWarning::Quarantined { file, quarantined_as, reason }] = first.warnings.as_slice() else {
        panic!("expected exactly one quarantine warning, got {:?}", first.warnings);
    };
    assert_eq!(file, &bad, "the warning must name the bad file");
    assert!(!reason.is_empty(), "the warning must say what is wrong");
    assert!(first.warnings[0].to_string().contains("api-3.json"), "message: {}", first.warnings[0]);
    let kept_name = quarantined_as.file_name().unwrap().to_string_lossy().into_owned();
    assert!(kept_name.starts_with("api-3.json.corrupt-"), "quarantine name was {kept_name}");
    let millis: u64 = kept_name["api-3.json.corrupt-".len()..].parse().expect("suffix is unix milliseconds");
    assert!(millis > 1_600_000_000_000, "suffix {millis} is not a plausible unix-ms time");
    assert_eq!(fs::read(quarantined_as).unwrap(), garbage, "the corrupt bytes must be kept on disk");
    assert!(!bad.exists(), "the corrupt file must no longer be under its record name");

    let second = store.list_stored();
    assert!(second.warnings.is_empty(), "a quarantined file must not be reported again: {:?}", second.warnings);
    assert_eq!(second.sessions.len(), 4, "the good records are still listed");
    assert!(quarantined_as.exists(), "quarantine is never deleted");

    // Loading a corrupt record directly quarantines it too and says so.
    fs::write(&bad, "not json").unwrap();
    match store.load(&project("api"), &session("api-3")) {
        Err(StoreError::Corrupt { path, quarantined_as: Some(to), .. }) => {
            assert_eq!(path, bad);
            assert_eq!(fs::read_to_string(to).unwrap(), "not json");
        }
        other => panic!("expected Corrupt with a quarantine name, got {other:?}"),
    }
}

#[test]
fn record_of_a_newer_grove_is_skipped_and_left_untouched() {
    let (dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let path = dir.path().join("projects/api/sessions/api-1.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    doc["version"] = json!(2);
    doc["lifecycle"]["session"]["state"] = json!("hibernating");
    let text = serde_json::to_string_pretty(&doc).unwrap();
    fs::write(&path, &text).unwrap();

    let listed = store.list_stored();
    assert!(listed.sessions.is_empty(), "a record this build cannot read is not listed");
    assert!(
        matches!(listed.warnings.as_slice(), [StoreWarning::NewerVersion { version: 2, .. }]),
        "expected one newer-version warning, got {:?}",
        listed.warnings
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text, "a newer record must never be moved or rewritten");
    let err = store.update(&project("api"), &session("api-1"), |_| {}).expect_err("cannot update a newer record");
    assert!(matches!(err, StoreError::NewerVersion { found: 2, .. }), "got {err}");
}

#[test]
fn unknown_fields_survive_update_and_save() {
    let (dir, store) = temp_store();
    let path = dir.path().join("projects/api/sessions/api-1.json");
    store.create(&record("api", "api-1")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    doc["prEnrichment"] = json!({"title": "Fix", "ciChecks": [{"name": "test", "status": "passed"}]});
    doc["lifecycle"]["pr"]["lastObservedAt"] = json!("2025-02-02T00:00:00Z");
    doc["lifecycle"]["runtime"]["tmuxName"] = json!("api-1");
    fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();

    let updated = store
        .update(&project("api"), &session("api-1"), |r| r.lifecycle.session.state = SessionState::Working)
        .unwrap();
    assert_eq!(display_status(&updated.lifecycle), DisplayStatus::Working);
    let mut reloaded = store.load(&project("api"), &session("api-1")).unwrap();
    reloaded.agent_session_id = Some("resume-me".into());
    store.save(&reloaded).unwrap();

    let after: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(after["prEnrichment"], doc["prEnrichment"], "a top-level unknown field was lost");
    assert_eq!(after["lifecycle"]["pr"]["lastObservedAt"], doc["lifecycle"]["pr"]["lastObservedAt"]);
    assert_eq!(after["lifecycle"]["runtime"]["tmuxName"], "api-1", "an unknown lifecycle field was lost");
    assert_eq!(after["lifecycle"]["session"]["state"], "working", "the update itself must be written");
    assert_eq!(after["agentSessionId"], "resume-me", "the save itself must be written");
}

#[cfg(unix)]
#[test]
fn update_that_changes_nothing_does_not_rewrite() {
    use std::os::unix::fs::MetadataExt;
    let (dir, store) = temp_store();
    let path = dir.path().join("projects/api/sessions/api-1.json");
    store.create(&record("api", "api-1")).unwrap();
    let inode = fs::metadata(&path).unwrap().ino();
    store.update(&project("api"), &session("api-1"), |r| r.agent = "shell".into()).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().ino(), inode, "a no-op update must not replace the file");
    store.update(&project("api"), &session("api-1"), |r| r.agent = "codex".into()).unwrap();
    assert_ne!(fs::metadata(&path).unwrap().ino(), inode, "a real update replaces the file atomically");
}

#[test]
fn update_may_not_move_a_record_and_unknown_ids_are_not_found() {
    let (_dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let err = store
        .update(&project("api"), &session("api-1"), |r| r.id = session("api-9"))
        .expect_err("changing the id inside update must be refused");
    assert!(matches!(err, StoreError::WrongRecord { .. }), "got {err}");
    assert_eq!(store.load(&project("api"), &session("api-1")).unwrap().id, session("api-1"), "record unchanged");

    for (p, id) in [("api", "api-2"), ("nope", "nope-1")] {
        let err = store.update(&project(p), &session(id), |_| {}).expect_err("no such record");
        assert!(matches!(&err, StoreError::NotFound { id: got, .. } if got.as_str() == id), "got {err}");
        assert!(err.to_string().contains(id), "the error must name the id: {err}");
        let err = store.load(&project(p), &session(id)).expect_err("no such record");
        assert!(matches!(err, StoreError::NotFound { .. }), "got {err}");
    }
    let err = store.find(&session("ghost-1")).expect_err("no project has it");
    assert_eq!(err.to_string(), "no session ghost-1", "message must name the id");
    assert!(!store.home().root().join("projects/nope").exists(), "a failed lookup must not create directories");
}

#[test]
fn create_refuses_an_existing_record() {
    let (_dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let mut other = record("api", "api-1");
    other.agent = "codex".into();
    let err = store.create(&other).expect_err("create over an existing record must fail");
    assert!(matches!(&err, StoreError::AlreadyExists { id, .. } if id.as_str() == "api-1"), "got {err}");
    assert_eq!(store.load(&project("api"), &session("api-1")).unwrap().agent, "shell", "existing record kept");
}

#[test]
fn bad_ids_are_rejected_with_typed_errors_before_any_path_is_touched() {
    let (dir, store) = temp_store();
    let long = "a".repeat(129);
    // Each bad id with a check that the error says what is wrong with it.
    type IsExpected = fn(&IdError) -> bool;
    let cases: [(&str, IsExpected); 6] = [
        ("../x", |e| matches!(e, IdError::BadCharacter { bad: '.', position: 0, .. })),
        ("a/../../etc", |e| matches!(e, IdError::BadCharacter { bad: '/', .. })),
        ("", |e| matches!(e, IdError::Empty { .. })),
        (&long, |e| matches!(e, IdError::TooLong { len: 129, .. })),
        ("café", |e| matches!(e, IdError::BadCharacter { bad: 'é', .. })),
        ("-rf", |e| matches!(e, IdError::BadCharacter { bad: '-', position: 0, .. })),
    ];
    for (bad, is_expected) in cases {
        let err = SessionId::new(bad).expect_err("a bad session id must be rejected");
        assert!(is_expected(&err), "SessionId::new({bad:?}) gave {err:?}");
        let err = bad.parse::<grove_engine::ids::ProjectId>().expect_err("a bad project id must be rejected");
        assert!(is_expected(&err), "ProjectId from {bad:?} gave {err:?}");
        match store.reserve_id(&project("api"), bad) {
            Err(StoreError::Id(e)) => assert!(is_expected(&e), "reserve_id prefix {bad:?} gave {e:?}"),
            other => panic!("reserve_id with prefix {bad:?} must fail with an id error, got {other:?}"),
        }
    }
    assert!(names_in(dir.path()).is_empty(), "rejected ids must not create anything: {:?}", names_in(dir.path()));

    // A record file whose content names a bad id is not a session.
    store.create(&record("api", "api-1")).unwrap();
    let path = dir.path().join("projects/api/sessions/api-1.json");
    fs::write(&path, fs::read_to_string(&path).unwrap().replace("\"id\": \"api-1\"", "\"id\": \"../api-1\"")).unwrap();
    let listed = store.list_stored();
    assert!(listed.sessions.is_empty(), "a record with a traversal id must not be listed");
    assert!(matches!(listed.warnings.as_slice(), [StoreWarning::Quarantined { .. }]), "{:?}", listed.warnings);
}

#[test]
fn reservation_is_skipped_by_listings_and_freed_when_dropped() {
    let (dir, store) = temp_store();
    store.create(&record("api", "api-4")).unwrap();
    // A quarantined record and a leftover worktree keep their numbers taken.
    let sessions_dir = dir.path().join("projects/api/sessions");
    fs::write(sessions_dir.join("api-6.json.corrupt-1700000000000"), "x").unwrap();
    fs::create_dir_all(dir.path().join("projects/api/worktrees/api-8")).unwrap();

    let first = store.reserve_id(&project("api"), "api").unwrap();
    assert_eq!(first.id().as_str(), "api-9", "n must be one above every number in use");
    let listed = store.list_stored();
    assert_eq!(listed.sessions.len(), 1, "a reservation is not a session yet");
    assert!(listed.warnings.is_empty(), "a reservation is not corrupt: {:?}", listed.warnings);
    let err = store.create(&record("api", "api-9")).expect_err("a reserved id belongs to its reserver");
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "got {err}");
    assert!(matches!(store.load(&project("api"), &session("api-9")), Err(StoreError::NotFound { .. })));

    let second = store.reserve_id(&project("api"), "api").unwrap();
    assert_eq!(second.id().as_str(), "api-10");
    drop(second);
    assert!(!sessions_dir.join("api-10.json").exists(), "an unused reservation must free its id");

    let wrong = record("api", "api-5");
    let err = store.create_reserved(store.reserve_id(&project("api"), "api").unwrap(), &wrong).unwrap_err();
    assert!(matches!(err, StoreError::WrongRecord { .. }), "a record must match its reservation: {err}");

    store.create_reserved(first, &record("api", "api-9")).unwrap();
    let ids: BTreeSet<String> = store.list_stored().sessions.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(ids, BTreeSet::from(["api-4".to_owned(), "api-9".to_owned()]), "the committed record is listed");
}

#[test]
fn grove_temp_files_are_recognisable() {
    let (dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let lock = grove_engine::store::lock_file_for(&dir.path().join("projects/api/sessions/api-1.json"));
    assert!(is_grove_temp_file(&lock), "{} must be recognised as Grove's", lock.display());
    for name in names_in(&dir.path().join("projects/api/sessions")) {
        assert!(!is_grove_temp_file(std::path::Path::new(&name)), "{name} is a record, not a temp file");
    }
}

#[test]
fn last_stop_is_written_read_and_removed() {
    let (dir, store) = temp_store();
    assert_eq!(store.read_last_stop().unwrap(), None, "no stop recorded yet");
    let record = LastStop {
        version: LAST_STOP_VERSION,
        stopped_at: at("2025-05-06T07:08:09Z"),
        scope: StopScope::All,
        projects: vec![
            StoppedProject::new(project("api"), vec![session("api-1"), session("api-2")]),
            StoppedProject::new(project("web"), vec![session("web-3")]),
        ],
        extra: Default::default(),
    };
    store.write_last_stop(&record).unwrap();
    assert_eq!(store.read_last_stop().unwrap().as_ref(), Some(&record), "must read back what was written");
    assert_eq!(names_in(dir.path()), ["last-stop.json"], "no lock or temp file may remain");
    assert!(store.remove_last_stop().unwrap(), "removing an existing record reports it");
    assert!(!store.remove_last_stop().unwrap(), "removing twice reports nothing to remove");
    assert_eq!(store.read_last_stop().unwrap(), None);
}
