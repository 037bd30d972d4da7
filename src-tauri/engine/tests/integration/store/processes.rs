//! Store behaviour across processes: concurrent read-modify-write (B2), writers killed mid-write
//! (B1) and concurrent id reservation (B4).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use grove_engine::home::GroveHome;
use grove_engine::session::SessionRecord;
use grove_engine::store::{LockPolicy, Store, is_grove_temp_file};
use serde_json::{Value, json};

use super::{
    child_role, names_in, project, record, session, spawn_child, temp_store, test_name, wait_child, wait_until,
};

const RMW_PROCESSES: usize = 8;
const RMW_UPDATES: u64 = 500;

/// A store for a child process. Its give-up time is long on purpose: eight processes doing
/// nothing but back-to-back updates keep the lock busy all the time, and a process that just
/// released it takes it again at once while the others sleep in backoff, so a waiter can
/// legitimately starve past 5 s. This test is about lost updates, not about the timeout (tested
/// on its own in `locks.rs`).
fn child_store(home: &str) -> Store {
    Store::new(GroveHome::at(home))
        .with_lock_policy(LockPolicy { give_up_after: Duration::from_secs(300), ..LockPolicy::default() })
}

#[test]
fn eight_processes_each_updating_500_times_lose_no_update() {
    if let Some(role) = child_role() {
        // Role: rmw:<process index>:<home>
        let mut parts = role.splitn(3, ':');
        assert_eq!(parts.next(), Some("rmw"), "unexpected child role {role}");
        let index: usize = parts.next().and_then(|n| n.parse().ok()).expect("process index");
        let store = child_store(parts.next().expect("home"));
        for i in 0..RMW_UPDATES {
            store
                .update(&project("api"), &session("api-1"), |r| {
                    let log = r.extra.entry("rmwLog").or_insert_with(|| json!({}));
                    let mine = log.as_object_mut().expect("rmwLog is an object").entry(format!("p{index}"));
                    mine.or_insert_with(|| json!([])).as_array_mut().expect("a list per process").push(json!(i));
                })
                .unwrap_or_else(|e| panic!("process {index}, update {i}: {e}"));
        }
        return;
    }

    let (dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let me = test_name(module_path!(), "eight_processes_each_updating_500_times_lose_no_update");
    let home = dir.path().to_str().expect("temp dir path is UTF-8");
    let mut children: Vec<_> = (0..RMW_PROCESSES).map(|n| spawn_child(&me, &format!("rmw:{n}:{home}"))).collect();
    for (n, child) in children.iter_mut().enumerate() {
        let status = wait_child(child, Duration::from_secs(600), &format!("updater process {n}"));
        assert!(status.success(), "updater process {n} failed ({status}); see its output above");
    }

    let rec = store.load(&project("api"), &session("api-1")).unwrap();
    let log = rec.extra.get("rmwLog").and_then(Value::as_object).expect("the record holds the update log");
    let expected: Vec<Value> = (0..RMW_UPDATES).map(|i| json!(i)).collect();
    let mut total = 0;
    for n in 0..RMW_PROCESSES {
        let got = log.get(&format!("p{n}")).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        total += got.len();
        assert_eq!(got, expected.as_slice(), "process {n}'s updates are missing, duplicated or out of order");
    }
    assert_eq!(total, RMW_PROCESSES * RMW_UPDATES as usize, "all updates must be present");
    assert_eq!(names_in(&dir.path().join("projects/api/sessions")), ["api-1.json"], "locks or temp files left behind");
}

const CRASH_WRITES: u64 = 1000;
/// Upper bound on the writes a writer may complete before it is killed (chosen at random below
/// it), so the 1000 writes take a few dozen kills.
const CRASH_MAX_RUN: u64 = 40;

/// The payload written with sequence number `seq`: its size varies from 1 KB to 16 KB, so kills
/// land in small and large writes, and it is a function of `seq`, so a record mixing two writes
/// is detected.
fn payload(seq: u64) -> String {
    let len = 1024 + (seq.wrapping_mul(7919) % 16) as usize * 1024;
    let piece = format!("{seq}:");
    piece.repeat(len / piece.len() + 1)[..len].to_owned()
}

fn seq_of(rec: &SessionRecord) -> u64 {
    rec.extra.get("seq").and_then(Value::as_u64).unwrap_or(0)
}

/// Reads the record raw (no quarantine side effects) and checks it is one complete version.
fn read_whole(path: &Path, when: &str) -> u64 {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{when}: record unreadable: {e}"));
    let rec: SessionRecord = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{when}: record does not parse ({e}); {} bytes", bytes.len()));
    let seq = seq_of(&rec);
    if seq > 0 {
        let body = rec.extra.get("payload").and_then(Value::as_str);
        assert_eq!(body, Some(payload(seq).as_str()), "{when}: payload does not belong to write {seq}");
    }
    seq
}

/// Tiny deterministic generator (xorshift), seeded from the clock and printed, so a failing run
/// can be replayed by fixing the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[cfg(unix)]
#[test]
fn writer_killed_at_random_points_always_leaves_the_old_or_the_new_record() {
    if let Some(role) = child_role() {
        let home = role.strip_prefix("crash:").expect("role crash:<home>");
        let store = child_store(home);
        loop {
            let rec = store
                .update(&project("api"), &session("api-1"), |r| {
                    let seq = seq_of(r) + 1;
                    if seq <= CRASH_WRITES {
                        r.extra.insert("seq".into(), json!(seq));
                        r.extra.insert("payload".into(), json!(payload(seq)));
                    }
                })
                .expect("writer update");
            if seq_of(&rec) >= CRASH_WRITES {
                return;
            }
        }
    }

    let (dir, store) = temp_store();
    store.create(&record("api", "api-1")).unwrap();
    let path = dir.path().join("projects/api/sessions/api-1.json");
    let me = test_name(module_path!(), "writer_killed_at_random_points_always_leaves_the_old_or_the_new_record");
    let role = format!("crash:{}", dir.path().to_str().expect("temp dir path is UTF-8"));
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("crash test seed {seed}");
    let mut rng = Rng(seed);

    let mut done = 0;
    let mut kills = 0;
    while done < CRASH_WRITES {
        let target = (done + 1 + rng.below(CRASH_MAX_RUN)).min(CRASH_WRITES);
        let mut writer = spawn_child(&me, &role);
        // Every read while the writer runs must also see a whole record (B1 for readers).
        let mut exited = None;
        wait_until(Duration::from_secs(120), &format!("the writer to reach write {target}"), || {
            exited = writer.try_wait().expect("try_wait on the writer");
            read_whole(&path, "while writing") >= target || exited.is_some()
        });
        // Only a writer that finished all writes may exit on its own.
        if let Some(status) = exited {
            assert!(status.success(), "the writer failed on its own ({status}); see its output above");
        }
        writer.kill().expect("SIGKILL the writer");
        writer.wait().expect("reap the writer");
        kills += 1;
        let seq = read_whole(&path, &format!("after kill {kills} (seed {seed})"));
        assert!(seq >= target, "write {target} was seen before the kill, yet the record went back to {seq}");
        done = seq;
    }

    println!("{kills} kills over {CRASH_WRITES} writes");
    assert!(kills >= 10, "only {kills} kills: the writer was hardly ever interrupted");
    let listed = store.list_stored();
    assert_eq!(listed.sessions.len(), 1, "the record must still be listed");
    assert!(listed.warnings.is_empty(), "leftovers of killed writers must not warn: {:?}", listed.warnings);
    let debris: Vec<String> = names_in(path.parent().unwrap())
        .into_iter()
        .filter(|n| n != "api-1.json" && !is_grove_temp_file(Path::new(n)))
        .collect();
    assert!(debris.is_empty(), "killed writers left files the watcher would not ignore: {debris:?}");
}

#[test]
fn concurrent_reservations_in_threads_never_share_an_id() {
    let (_dir, store) = temp_store();
    for round in 0..1000 {
        let p = project(&format!("r{round}"));
        let barrier = std::sync::Barrier::new(2);
        let ids: Vec<String> = std::thread::scope(|s| {
            let reserve = || {
                barrier.wait();
                store.reserve_id(&p, "r").expect("reserve")
            };
            let (a, b) = (s.spawn(reserve), s.spawn(reserve));
            // Both reservations stay alive until compared: dropping one would free its id.
            let (a, b) = (a.join().unwrap(), b.join().unwrap());
            vec![a.id().to_string(), b.id().to_string()]
        });
        let set: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(set, BTreeSet::from(["r-1", "r-2"]), "round {round}: two reservations got {ids:?}");
    }
}

#[test]
fn concurrent_reservations_in_processes_never_share_an_id() {
    const ROUNDS: usize = 5;
    const PROCESSES: usize = 4;
    const EACH: usize = 25;
    if let Some(role) = child_role() {
        // Role: reserve:<n>:<home>. Waits for the start file so all children race together.
        let mut parts = role.splitn(3, ':');
        assert_eq!(parts.next(), Some("reserve"), "unexpected child role {role}");
        let n: usize = parts.next().and_then(|n| n.parse().ok()).expect("child index");
        let home = Path::new(parts.next().expect("home"));
        let store = child_store(home.to_str().unwrap());
        wait_until(Duration::from_secs(60), "the start signal", || home.join("go").exists());
        let mut mine = Vec::new();
        for _ in 0..EACH {
            let reservation = store.reserve_id(&project("api"), "api").expect("reserve");
            let id = reservation.id().to_string();
            store.create_reserved(reservation, &record("api", &id)).expect("write the reserved record");
            mine.push(id);
        }
        std::fs::write(home.join(format!("out-{n}")), mine.join("\n")).expect("report ids");
        return;
    }

    let me = test_name(module_path!(), "concurrent_reservations_in_processes_never_share_an_id");
    for round in 0..ROUNDS {
        let (dir, store) = temp_store();
        let home = dir.path().to_str().expect("temp dir path is UTF-8");
        let mut children: Vec<_> = (0..PROCESSES).map(|n| spawn_child(&me, &format!("reserve:{n}:{home}"))).collect();
        std::fs::write(dir.path().join("go"), "").unwrap();
        for (n, child) in children.iter_mut().enumerate() {
            let status = wait_child(child, Duration::from_secs(120), &format!("reserver {n}"));
            assert!(status.success(), "round {round}: reserver {n} failed ({status})");
        }
        let mut all = Vec::new();
        for n in 0..PROCESSES {
            let out = std::fs::read_to_string(dir.path().join(format!("out-{n}")))
                .unwrap_or_else(|e| panic!("round {round}: reserver {n} reported nothing: {e}"));
            all.extend(out.lines().map(str::to_owned));
        }
        let unique: BTreeSet<&str> = all.iter().map(String::as_str).collect();
        assert_eq!(unique.len(), all.len(), "round {round}: an id was handed out twice: {all:?}");
        let expected: BTreeSet<String> = (1..=PROCESSES * EACH).map(|i| format!("api-{i}")).collect();
        assert_eq!(unique, expected.iter().map(String::as_str).collect(), "round {round}: ids must be 1..=100");
        assert_eq!(store.list_stored().sessions.len(), PROCESSES * EACH, "round {round}: every record written");
    }
}
