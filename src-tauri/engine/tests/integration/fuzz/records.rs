//! Session records (SPEC B1, B3): `Store::load`, `Store::update` and `list_stored` on whatever a
//! user, a script, a crash or a newer Grove left in `projects/<p>/sessions/<id>.json`.
//!
//! A file is exactly one of: a record (listed as the bytes say, file untouched), a reservation
//! (created empty by a spawn: not listed, untouched), a newer format (reported, untouched) or
//! corrupt (reported with its path, moved aside with its bytes intact). The other records are listed either way,
//! and a record the store writes reads back equal, unknown keys included.

use std::fs;
use std::path::{Path, PathBuf};

use grove_engine::config::ReactionKey;
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::session::{
    CiState, FailedCheck, Lifecycle, Mergeability, PrInfo, PrPart, PrReason, PrState, RECORD_VERSION, ReactionEntry,
    ReactionOutcome, ReviewDecision, RuntimeHandle, RuntimeKind, RuntimePart, RuntimeReason, RuntimeState, SessionKind,
    SessionPart, SessionReason, SessionRecord, SessionState,
};
use grove_engine::store::{Store, StoreError, StoreWarning};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use super::support::{
    any_text, bounded, byte_mutation, cases, corpus, hostile_bytes, id_text, instant, json_mutation, names_in, scratch,
    seed, unknown_keys,
};

const RECORD_KEYS: &[&str] = &[
    "version",
    "id",
    "projectId",
    "kind",
    "agent",
    "runtime",
    "branch",
    "worktree",
    "createdAt",
    "displayName",
    "prompt",
    "issue",
    "agentSessionId",
    "lifecycle",
    "prInfo",
    "reactions",
    "exit",
];
const LIFECYCLE_KEYS: &[&str] = &["session", "pr", "runtime"];
const SESSION_PART_KEYS: &[&str] = &["state", "reason", "startedAt", "lastTransitionAt", "terminatedAt"];
const PR_PART_KEYS: &[&str] = &["state", "reason", "number", "url"];
const RUNTIME_PART_KEYS: &[&str] = &["state", "reason", "handle"];

/// Where a seed belongs: its own project and id, so a parseable mutation can be a valid record.
fn home_of(seed: &[u8]) -> (ProjectId, SessionId) {
    let doc: Value = serde_json::from_slice(seed).expect("record seeds are JSON");
    let text = |key: &str| doc[key].as_str().unwrap_or_else(|| panic!("record seed without {key}")).to_owned();
    (ProjectId::new(text("projectId")).expect("seed project id"), SessionId::new(text("id")).expect("seed id"))
}

/// A store in a scratch home, with two good records beside the one under test.
struct Home {
    _dir: tempfile::TempDir,
    store: Store,
    project: ProjectId,
    file: PathBuf,
    neighbours: Vec<SessionRecord>,
}

impl Home {
    fn with_file(project: &ProjectId, id: &SessionId, bytes: &[u8]) -> Self {
        let dir = scratch();
        let store = Store::new(GroveHome::at(dir.path()));
        let neighbours: Vec<SessionRecord> = ["zz-good-1", "zz-good-2"]
            .iter()
            .map(|n| plain_record(project.clone(), SessionId::new(*n).expect("valid id")))
            .collect();
        for record in &neighbours {
            store.create(record).expect("write a good neighbour");
        }
        let file = store.home().session_file(project, id);
        fs::write(&file, bytes).expect("write the record under test");
        Home { _dir: dir, store, project: project.clone(), file, neighbours }
    }

    fn sessions_dir(&self) -> PathBuf {
        self.store.home().sessions_dir(&self.project)
    }
}

fn plain_record(project_id: ProjectId, id: SessionId) -> SessionRecord {
    let at = chrono::DateTime::from_timestamp(1_735_000_000, 0).expect("valid instant");
    SessionRecord {
        version: RECORD_VERSION,
        branch: format!("session/{id}"),
        worktree: format!("/w/{id}").into(),
        id,
        project_id,
        kind: SessionKind::Worker,
        agent: "shell".into(),
        runtime: RuntimeKind::Process,
        created_at: at,
        display_name: None,
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle: Lifecycle::spawning(at),
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// What the bytes are, by the record type's own decoder: a record of this file, or not.
fn as_record_of(bytes: &[u8], project: &ProjectId, id: &SessionId) -> Option<SessionRecord> {
    serde_json::from_slice::<SessionRecord>(bytes)
        .ok()
        .filter(|r| r.version <= RECORD_VERSION && r.id == *id && r.project_id == *project)
}

/// The version a newer-format file declares, if it is one.
fn declared_newer_version(bytes: &[u8]) -> Option<u64> {
    let version = serde_json::from_slice::<Value>(bytes).ok()?.get("version")?.as_u64()?;
    (version > u64::from(RECORD_VERSION)).then_some(version)
}

/// Checks that a corrupt file was moved aside whole: gone under its name, its bytes under a
/// `<name>.corrupt-<ms>` name in the same directory.
fn assert_kept_aside(file: &Path, quarantined_as: &Path, bytes: &[u8], what: &str) {
    assert!(!file.exists(), "{what}: {} must be moved aside, not left in place", file.display());
    assert_eq!(quarantined_as.parent(), file.parent(), "{what}: quarantine must stay in the sessions directory");
    let name = quarantined_as.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let original = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    assert!(name.starts_with(&format!("{original}.corrupt-")), "{what}: unexpected quarantine name {name}");
    let kept = fs::read(quarantined_as).unwrap_or_else(|e| panic!("{what}: quarantined file unreadable: {e}"));
    assert!(kept == bytes, "{what}: the quarantined file lost bytes ({} kept of {})", kept.len(), bytes.len());
}

/// The listing property: the good neighbours are always listed, and the file under test is
/// exactly one of record, reservation, newer format or quarantined, consistent with its bytes.
fn check_listing(project: &ProjectId, id: &SessionId, bytes: &[u8]) {
    let home = Home::with_file(project, id, bytes);
    let listed = home.store.list_stored();
    let what = format!("listing {} bytes as {project}/{id}", bytes.len());
    for good in &home.neighbours {
        assert!(listed.sessions.contains(good), "{what}: good record {} missing beside a bad one", good.id);
    }
    let mine: Vec<&SessionRecord> = listed.sessions.iter().filter(|r| r.id == *id).collect();
    // The neighbours are valid, so every warning is about the file under test.
    let about_mine: Vec<&StoreWarning> = listed.warnings.iter().collect();
    assert!(about_mine.len() <= 1, "{what}: one file gave several warnings: {about_mine:?}");
    // The file was just created with these bytes, so an empty one is a fresh reservation (an
    // emptied or stale one is corrupt; the fault suite covers those).
    if bytes.is_empty() {
        assert!(mine.is_empty() && about_mine.is_empty(), "{what}: a reservation is neither a session nor a problem");
        assert_eq!(fs::read(&home.file).ok().as_deref(), Some(bytes), "{what}: a reservation must be left alone");
    } else if let Some(expected) = as_record_of(bytes, project, id) {
        assert_eq!(mine, [&expected], "{what}: a valid record must be listed as its bytes say");
        assert!(about_mine.is_empty(), "{what}: a valid record gave a warning: {about_mine:?}");
        assert_eq!(fs::read(&home.file).ok().as_deref(), Some(bytes), "{what}: reading rewrote a good record");
    } else {
        assert!(mine.is_empty(), "{what}: bytes that are not a record of this file were listed: {mine:?}");
        match about_mine.as_slice() {
            [StoreWarning::NewerVersion { file, version }] => {
                assert_eq!(file, &home.file, "{what}: the warning must name the file");
                assert_eq!(Some(*version), declared_newer_version(bytes), "{what}: wrong version reported");
                assert_eq!(fs::read(&home.file).ok().as_deref(), Some(bytes), "{what}: a newer record was touched");
            }
            [StoreWarning::Quarantined { file, quarantined_as, reason }] => {
                assert_eq!(file, &home.file, "{what}: the warning must name the file");
                assert!(!reason.trim().is_empty(), "{what}: a quarantine must say why");
                assert_kept_aside(&home.file, quarantined_as, bytes, &what);
                let again = home.store.list_stored();
                assert!(
                    again.warnings.is_empty(),
                    "{what}: a quarantined file was reported twice: {:?}",
                    again.warnings
                );
                assert_eq!(again.sessions, listed.sessions, "{what}: the second listing differs");
            }
            other => panic!("{what}: expected one NewerVersion or Quarantined warning, got {other:?}"),
        }
    }
    let left = names_in(&home.sessions_dir());
    assert!(!left.iter().any(|n| n.ends_with(".tmp")), "{what}: a read left a temp file behind: {left:?}");
}

/// The single-record properties: `load` gives the record or a typed error naming the file, and
/// a failed `update` writes nothing over what it could not read.
fn check_load_and_update(project: &ProjectId, id: &SessionId, bytes: &[u8]) {
    let what = format!("loading {} bytes as {project}/{id}", bytes.len());
    let expected = as_record_of(bytes, project, id);
    let home = Home::with_file(project, id, bytes);
    match (home.store.load(project, id), &expected) {
        (Ok(record), Some(expected)) => assert_eq!(&record, expected, "{what}: load disagrees with the bytes"),
        (Ok(record), None) => panic!("{what}: bytes that are not a record of this file loaded as {record:?}"),
        (Err(StoreError::NotFound { .. }), None) if bytes.is_empty() => {}
        (Err(StoreError::NewerVersion { path, found, .. }), None) => {
            assert_eq!(path, home.file, "{what}: the error must name the file");
            assert_eq!(Some(found), declared_newer_version(bytes), "{what}: wrong version reported");
        }
        (Err(StoreError::Corrupt { path, quarantined_as, reason }), None) => {
            assert_eq!(path, home.file, "{what}: the error must name the file");
            assert!(!reason.trim().is_empty(), "{what}: a corrupt record error must say why");
            let kept = quarantined_as.unwrap_or_else(|| panic!("{what}: a corrupt record was not moved aside"));
            assert_kept_aside(&home.file, &kept, bytes, &what);
        }
        (Err(e), _) => panic!("{what}: unexpected error {e:?} (valid: {})", expected.is_some()),
    }

    // An update of what cannot be read must fail and leave the bytes where they were kept.
    let home = Home::with_file(project, id, bytes);
    let result = home.store.update(project, id, |r| r.display_name = Some("changed by update".into()));
    match (result, expected) {
        (Ok(updated), Some(mut expected)) => {
            expected.display_name = Some("changed by update".into());
            assert_eq!(updated, expected, "{what}: update changed more than it was asked to");
            assert_eq!(home.store.load(project, id).ok(), Some(expected), "{what}: the update was not written");
        }
        (Ok(updated), None) => panic!("{what}: update succeeded on bytes that are not a record: {updated:?}"),
        (Err(StoreError::NotFound { .. }), None) if bytes.is_empty() => {
            assert_eq!(fs::read(&home.file).ok().as_deref(), Some(bytes), "{what}: update wrote over a reservation");
        }
        (Err(StoreError::NewerVersion { .. }), None) => {
            assert_eq!(fs::read(&home.file).ok().as_deref(), Some(bytes), "{what}: update rewrote a newer record");
        }
        (Err(StoreError::Corrupt { quarantined_as: Some(kept), .. }), None) => {
            assert_kept_aside(&home.file, &kept, bytes, &what);
        }
        (Err(e), expected) => panic!("{what}: unexpected update error {e:?} (valid: {})", expected.is_some()),
    }
}

fn check_all(project: ProjectId, id: SessionId, bytes: Vec<u8>) {
    bounded("reading a session record", move || {
        check_listing(&project, &id, &bytes);
        check_load_and_update(&project, &id, &bytes);
    });
}

/// A seed and a structural JSON mutation of it.
fn json_mutated_seed() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    seed("records").prop_flat_map(|(_, bytes)| {
        let doc: Value = serde_json::from_slice(&bytes).expect("record seeds are JSON");
        (Just(bytes), json_mutation(doc))
    })
}

/// A seed and a byte-level mutation of it.
fn byte_mutated_seed() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    seed("records").prop_flat_map(|(_, bytes)| (Just(bytes.clone()), byte_mutation(bytes)))
}

fn handle() -> impl Strategy<Value = RuntimeHandle> {
    (select(RuntimeKind::ALL), any_text()).prop_map(|(kind, id)| RuntimeHandle::new(kind, id))
}

fn lifecycle() -> impl Strategy<Value = Lifecycle> {
    let session = (
        select(SessionState::ALL),
        select(SessionReason::ALL),
        option::of(instant()),
        instant(),
        option::of(instant()),
        unknown_keys(SESSION_PART_KEYS),
    )
        .prop_map(|(state, reason, started_at, last_transition_at, terminated_at, extra)| SessionPart {
            state,
            reason,
            started_at,
            last_transition_at,
            terminated_at,
            extra,
        });
    let pr = (select(PrState::ALL), select(PrReason::ALL), option::of(any::<u32>()), option::of(any_text()))
        .prop_flat_map(|(state, reason, number, url)| {
            unknown_keys(PR_PART_KEYS).prop_map(move |extra| PrPart { state, reason, number, url: url.clone(), extra })
        });
    let runtime =
        (select(RuntimeState::ALL), select(RuntimeReason::ALL), option::of(handle()), unknown_keys(RUNTIME_PART_KEYS))
            .prop_map(|(state, reason, handle, extra)| RuntimePart { state, reason, handle, extra });
    (session, pr, runtime, unknown_keys(LIFECYCLE_KEYS)).prop_map(|(session, pr, runtime, extra)| Lifecycle {
        session,
        pr,
        runtime,
        extra,
    })
}

fn pr_info() -> impl Strategy<Value = PrInfo> {
    let failed = vec((any_text(), option::of(any_text())).prop_map(|(name, url)| FailedCheck { name, url }), 0..3);
    let states = (
        select(vec![CiState::Passing, CiState::Failing, CiState::Pending, CiState::None]),
        select(vec![
            ReviewDecision::Approved,
            ReviewDecision::ChangesRequested,
            ReviewDecision::ReviewRequired,
            ReviewDecision::None,
        ]),
        select(vec![Mergeability::Mergeable, Mergeability::Conflicting, Mergeability::Unknown]),
    );
    (any::<u32>(), any_text(), any_text(), any::<bool>(), states, failed, any::<[u32; 3]>(), instant()).prop_map(
        |(
            number,
            url,
            title,
            draft,
            (ci, review, mergeable),
            failed_checks,
            [unresolved_threads, additions, deletions],
            checked_at,
        )| {
            PrInfo {
                number,
                url,
                title,
                draft,
                ci,
                failed_checks,
                review,
                mergeable,
                unresolved_threads,
                additions,
                deletions,
                checked_at,
            }
        },
    )
}

fn reaction() -> impl Strategy<Value = ReactionEntry> {
    let outcomes = vec![
        ReactionOutcome::SentToAgent,
        ReactionOutcome::Notified,
        ReactionOutcome::Escalated,
        ReactionOutcome::Failed,
    ];
    (select(ReactionKey::ALL), instant(), select(outcomes), any::<u32>(), any_text())
        .prop_map(|(key, at, outcome, attempt, detail)| ReactionEntry { key, at, outcome, attempt, detail })
}

/// A record as the store may write it: unicode in every free text, every optional field absent
/// or present, every state, and unknown keys at each level that keeps them.
fn record() -> impl Strategy<Value = SessionRecord> {
    let identity =
        (0..=RECORD_VERSION, id_text(), id_text(), select(vec![SessionKind::Worker, SessionKind::Orchestrator]));
    let texts = (any_text(), select(RuntimeKind::ALL), any_text(), any_text(), instant());
    let optional = (option::of(any_text()), option::of(any_text()), option::of(any_text()), option::of(any_text()));
    let rest = (lifecycle(), option::of(pr_info()), vec(reaction(), 0..3), unknown_keys(RECORD_KEYS));
    (identity, texts, optional, rest).prop_map(
        |(
            (version, id, project, kind),
            (agent, runtime, branch, worktree, created_at),
            (display_name, prompt, issue, agent_session_id),
            (lifecycle, pr_info, reactions, extra),
        )| SessionRecord {
            version,
            id: SessionId::new(id).expect("generated ids are valid"),
            project_id: ProjectId::new(project).expect("generated ids are valid"),
            kind,
            agent,
            runtime,
            branch,
            worktree: worktree.into(),
            created_at,
            display_name,
            prompt,
            issue,
            agent_session_id,
            lifecycle,
            pr_info,
            reactions,
            exit: None,
            landing: None,
            extra,
        },
    )
}

/// Writes `record` with the store and checks every way of reading it back.
fn check_round_trip(record: SessionRecord) {
    let what = format!("record {}/{}", record.project_id, record.id);
    let dir = scratch();
    let store = Store::new(GroveHome::at(dir.path()));
    store.create(&record).unwrap_or_else(|e| panic!("{what}: create failed: {e}"));
    let file = store.home().session_file(&record.project_id, &record.id);
    let written = fs::read(&file).expect("the record file exists after create");
    assert_eq!(store.load(&record.project_id, &record.id).ok().as_ref(), Some(&record), "{what}: load differs");
    let listed = store.list_stored();
    assert!(listed.warnings.is_empty(), "{what}: listing its own record warned: {:?}", listed.warnings);
    assert_eq!(listed.sessions, std::slice::from_ref(&record), "{what}: listing differs from what was written");
    let on_disk: Value = serde_json::from_slice(&written).expect("the store writes JSON");
    for (key, value) in &record.extra {
        assert_eq!(on_disk.get(key), Some(value), "{what}: unknown key {key:?} not written as given");
    }
    // A no-op update must not rewrite the file (file watchers would see a change).
    let same = store.update(&record.project_id, &record.id, |_| {}).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(same, record, "{what}: a no-op update changed the record");
    assert_eq!(fs::read(&file).ok(), Some(written), "{what}: a no-op update rewrote the file");
}

proptest! {
    #![proptest_config(cases(48))]

    /// Structural damage to real records: fields deleted, values of the wrong type, keys twice.
    #[test]
    fn structurally_damaged_records_are_listed_or_reported_never_misread((seed, bytes) in json_mutated_seed()) {
        let (project, id) = home_of(&seed);
        check_all(project, id, bytes);
    }

    /// Byte damage to real records: truncation, flipped bytes, inserted tokens, repeated runs.
    #[test]
    fn byte_damaged_records_are_listed_or_reported_never_misread((seed, bytes) in byte_mutated_seed()) {
        let (project, id) = home_of(&seed);
        check_all(project, id, bytes);
    }

    /// Bytes no writer produces: invalid UTF-8, NULs, deep nesting, a line of 256 KiB.
    #[test]
    fn hostile_bytes_in_a_record_file_are_quarantined_whole(bytes in hostile_bytes()) {
        check_all(ProjectId::new("api").unwrap(), SessionId::new("api-7").unwrap(), bytes);
    }

    /// What the store writes, it reads back equal, with unknown keys kept and no-op updates free.
    #[test]
    fn written_records_read_back_equal(record in record()) {
        bounded("a record round trip", move || check_round_trip(record));
    }
}

proptest! {
    #![proptest_config(cases(32))]

    /// An unknown key of a newer Grove holding a floating-point number must survive a rewrite by
    /// this one bit for bit, like every other unknown value.
    #[test]
    fn unknown_float_values_survive_a_rewrite(
        value in any::<f64>().prop_filter("JSON has no NaN or infinity", |v| v.is_finite()),
    ) {
        let mut record = plain_record(ProjectId::new("api").unwrap(), SessionId::new("api-1").unwrap());
        record.extra.insert("futureRatio".into(), Value::from(value));
        let back = bounded("a record round trip", move || {
            let dir = scratch();
            let store = Store::new(GroveHome::at(dir.path()));
            store.create(&record).expect("create");
            store.load(&record.project_id, &record.id).expect("load")
        });
        let read = back.extra.get("futureRatio").and_then(Value::as_f64);
        prop_assert_eq!(read.map(f64::to_bits), Some(value.to_bits()), "wrote {:e}, read back {:?}", value, read);
    }
}

/// A record cut at every byte offset (a writer killed mid-write, a disk full) is never read as a
/// record unless only trailing whitespace was cut; otherwise it is reported and kept whole.
#[test]
fn records_truncated_at_every_offset_are_never_half_read() {
    for (name, bytes) in corpus("records") {
        let (project, id) = home_of(&bytes);
        let home = Home::with_file(&project, &id, b"");
        for cut in 0..=bytes.len() {
            let prefix = &bytes[..cut];
            let what = format!("{name} cut at byte {cut} of {}", bytes.len());
            // A new file each time: an empty one is then a fresh reservation, not an emptied record.
            let _ = fs::remove_file(&home.file);
            fs::write(&home.file, prefix).expect("write the cut record");
            let only_whitespace_cut = bytes[cut..].iter().all(u8::is_ascii_whitespace);
            match home.store.load(&project, &id) {
                Ok(record) => {
                    assert!(only_whitespace_cut, "{what}: a cut record was read as {record:?}");
                }
                Err(StoreError::NotFound { .. }) => assert_eq!(cut, 0, "{what}: only an empty file is a reservation"),
                Err(StoreError::Corrupt { path, quarantined_as: Some(kept), .. }) => {
                    assert!(!only_whitespace_cut, "{what}: a complete record was called corrupt");
                    assert_eq!(path, home.file, "{what}: the error must name the file");
                    assert_kept_aside(&home.file, &kept, prefix, &what);
                    fs::remove_file(&kept).expect("clean up the quarantined file");
                }
                Err(e) => panic!("{what}: unexpected error {e:?}"),
            }
        }
    }
}

/// The seeds themselves are valid records: otherwise every mutation above would test only the
/// corrupt path.
#[test]
fn record_seeds_are_valid_records() {
    for (name, bytes) in corpus("records") {
        let (project, id) = home_of(&bytes);
        assert!(as_record_of(&bytes, &project, &id).is_some(), "seed {name} is not a valid record");
        check_all(project, id, bytes);
    }
}
