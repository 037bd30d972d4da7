//! `last-stop.json` (SPEC B6, G1-G5): `Store::read_last_stop` and `Store::update_last_stop` on
//! what a crash, a full disk or a hand edit left there.
//!
//! What the next start offers to restore comes from this file, so a damaged one must be an error
//! (moved aside with its bytes, reported once), never an empty success that silently drops the
//! sessions, and never a partial list. What the store writes reads back equal.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::store::{LAST_STOP_VERSION, LastStop, StopScope, StoppedProject, Store, StoreError};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

use super::support::{
    any_text, bounded, byte_mutation, cases, corpus, hostile_bytes, id_text, instant, json_mutation, names_in, scratch,
    seed, unknown_keys,
};

const LAST_STOP_KEYS: &[&str] = &["version", "stoppedAt", "scope", "projects"];
const PROJECT_KEYS: &[&str] = &["projectId", "sessionIds", "errors"];

/// A store whose `last-stop.json` holds `bytes`.
fn home_with(bytes: &[u8]) -> (tempfile::TempDir, Store) {
    let dir = scratch();
    let store = Store::new(GroveHome::at(dir.path()));
    fs::write(store.home().last_stop_file(), bytes).expect("write last-stop.json");
    (dir, store)
}

/// The quarantined copies of `last-stop.json` in the home.
fn quarantined(root: &Path) -> Vec<String> {
    names_in(root).into_iter().filter(|n| n.starts_with("last-stop.json.corrupt-")).collect()
}

/// Reading: the bytes as a record when they are one, else `Corrupt` naming the file, with the
/// bytes kept aside and reported once.
fn check_read(bytes: &[u8]) {
    let what = format!("reading {} bytes of last-stop.json", bytes.len());
    let expected = serde_json::from_slice::<LastStop>(bytes).ok();
    let (dir, store) = home_with(bytes);
    let file = store.home().last_stop_file();
    match (store.read_last_stop(), expected) {
        (Ok(Some(read)), Some(expected)) => {
            assert_eq!(read, expected, "{what}: read differs from the bytes");
            assert_eq!(fs::read(&file).ok().as_deref(), Some(bytes), "{what}: reading rewrote a good file");
        }
        (Ok(None), _) => panic!("{what}: an existing file read as \"no last stop\": the stopped sessions are lost"),
        (Ok(Some(read)), None) => panic!("{what}: bytes that are not a last stop read as {read:?}"),
        (Err(StoreError::Corrupt { path, quarantined_as, reason }), None) => {
            assert_eq!(path, file, "{what}: the error must name the file");
            assert!(!reason.trim().is_empty(), "{what}: the error must say why");
            let kept = quarantined_as.unwrap_or_else(|| panic!("{what}: a corrupt file was not moved aside"));
            assert!(!file.exists(), "{what}: the corrupt file is still in place");
            assert_eq!(fs::read(&kept).ok().as_deref(), Some(bytes), "{what}: the quarantined file lost bytes");
            let again = store.read_last_stop();
            assert!(matches!(again, Ok(None)), "{what}: a moved-aside file must be reported once, got {again:?}");
            assert_eq!(quarantined(dir.path()).len(), 1, "{what}: expected one quarantined copy");
        }
        (Err(e), expected) => panic!("{what}: unexpected error {e:?} (valid: {})", expected.is_some()),
    }
}

/// Updating over a damaged file: the change sees the record when there is one and nothing when
/// there is not, the damaged bytes are kept aside, and the new stop is recorded.
fn check_update(bytes: &[u8]) {
    let what = format!("updating over {} bytes of last-stop.json", bytes.len());
    let expected = serde_json::from_slice::<LastStop>(bytes).ok();
    let (dir, store) = home_with(bytes);
    let (api, one) = (ProjectId::new("api").unwrap(), SessionId::new("api-99").unwrap());
    let stopped_at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let mut seen = None;
    let after = store
        .update_last_stop(|current| {
            seen = Some(current.clone());
            let mut next = current.unwrap_or_else(|| LastStop::new(StopScope::All, stopped_at));
            next.add(&api, &one);
            Some(next)
        })
        .unwrap_or_else(|e| panic!("{what}: a stop must still be recorded over a damaged file, got {e}"));
    assert_eq!(seen, Some(expected.clone()), "{what}: the change saw something else than the file holds");
    let after = after.unwrap_or_else(|| panic!("{what}: the update recorded nothing"));
    assert_eq!(store.read_last_stop().ok().flatten(), Some(after), "{what}: the update was not written");
    let kept = quarantined(dir.path());
    match expected {
        Some(_) => assert!(kept.is_empty(), "{what}: a valid file was moved aside: {kept:?}"),
        None => {
            let [name] = kept.as_slice() else { panic!("{what}: expected one quarantined copy, found {kept:?}") };
            let copy = fs::read(dir.path().join(name)).expect("read the quarantined copy");
            assert!(copy == bytes, "{what}: the damaged file was replaced without keeping its bytes");
        }
    }
}

fn check_both(bytes: Vec<u8>) {
    bounded("reading last-stop.json", move || {
        check_read(&bytes);
        check_update(&bytes);
    });
}

fn stopped_project() -> impl Strategy<Value = StoppedProject> {
    (id_text(), vec(id_text(), 1..4), vec((any::<prop::sample::Index>(), any_text()), 0..3), unknown_keys(PROJECT_KEYS))
        .prop_map(|(project, sessions, errors, extra)| {
            let session_ids: Vec<SessionId> =
                sessions.into_iter().map(|s| SessionId::new(s).expect("generated ids are valid")).collect();
            // Errors are only ever recorded for listed sessions.
            let errors: BTreeMap<SessionId, String> =
                errors.into_iter().map(|(i, text)| (i.get(&session_ids).clone(), text)).collect();
            StoppedProject {
                project_id: ProjectId::new(project).expect("generated ids are valid"),
                session_ids,
                errors,
                extra,
            }
        })
}

/// A last stop as the store may write it: either scope, several projects, restore errors and
/// unknown keys at both levels.
fn last_stop() -> impl Strategy<Value = LastStop> {
    let scope = prop_oneof![
        Just(StopScope::All),
        id_text().prop_map(|p| StopScope::Project { project_id: ProjectId::new(p).expect("valid") })
    ];
    (instant(), scope, vec(stopped_project(), 0..4), unknown_keys(LAST_STOP_KEYS)).prop_map(
        |(stopped_at, scope, projects, extra)| LastStop {
            version: LAST_STOP_VERSION,
            stopped_at,
            scope,
            projects,
            extra,
        },
    )
}

fn json_mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    seed("last-stop").prop_flat_map(|(_, bytes)| {
        json_mutation(serde_json::from_slice::<Value>(&bytes).expect("last-stop seeds are JSON"))
    })
}

proptest! {
    #![proptest_config(cases(48))]

    /// Real last stops with fields deleted, retyped or written twice.
    #[test]
    fn structurally_damaged_last_stops_are_read_or_reported(bytes in json_mutated_seed()) {
        check_both(bytes);
    }

    /// Real last stops with bytes cut, flipped, inserted or repeated.
    #[test]
    fn byte_damaged_last_stops_are_read_or_reported(
        bytes in seed("last-stop").prop_flat_map(|(_, b)| byte_mutation(b)),
    ) {
        check_both(bytes);
    }

    /// Bytes no writer produces.
    #[test]
    fn hostile_bytes_in_last_stop_are_reported_and_kept(bytes in hostile_bytes()) {
        check_both(bytes);
    }

    /// What the store writes, it reads back equal, unknown keys and restore errors included.
    #[test]
    fn written_last_stops_read_back_equal(record in last_stop()) {
        bounded("a last-stop round trip", move || {
            let dir = scratch();
            let store = Store::new(GroveHome::at(dir.path()));
            store.write_last_stop(&record).expect("write last-stop.json");
            let read = store.read_last_stop().ok().flatten();
            assert_eq!(read.as_ref(), Some(&record), "read differs from what was written");
            let unchanged = store.update_last_stop(|current| current).expect("update");
            let expected = (!record.is_empty()).then_some(record);
            assert_eq!(unchanged, expected, "an identity update changed the record (an empty one is removed)");
        });
    }
}

/// A last stop cut at every byte offset is an error, never an empty or partial success, unless
/// only trailing whitespace was cut.
#[test]
fn last_stops_truncated_at_every_offset_are_errors() {
    for (name, bytes) in corpus("last-stop") {
        for cut in 0..=bytes.len() {
            let prefix = bytes[..cut].to_vec();
            let what = format!("{name} cut at byte {cut} of {}", bytes.len());
            let complete = bytes[cut..].iter().all(u8::is_ascii_whitespace);
            let read = bounded("reading last-stop.json", move || {
                let (_dir, store) = home_with(&prefix);
                store.read_last_stop().map(|r| r.map(|r| r.session_count()))
            });
            match read {
                Ok(Some(_)) if complete => {}
                Err(StoreError::Corrupt { .. }) if !complete => {}
                other => panic!("{what}: expected {}, got {other:?}", if complete { "the record" } else { "Corrupt" }),
            }
        }
    }
}
