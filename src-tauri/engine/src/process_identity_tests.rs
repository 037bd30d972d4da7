use super::*;

#[cfg(unix)]
fn reaped_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().expect("spawn `true`");
    let pid = child.id();
    child.wait().expect("wait for `true`");
    pid
}

#[cfg(any(target_os = "linux", target_os = "macos"))]
#[test]
fn own_process_is_the_same_on_every_look() {
    let me = ProcessIdentity::current();
    assert!(me.start.is_some(), "the start time of Grove's own process must be readable");
    assert_eq!(ProcessIdentity::current(), me, "two looks at one process must give one identity");
    assert_eq!(me.presence(), Presence::Same);
}

#[cfg(any(target_os = "linux", target_os = "macos"))]
#[test]
fn a_live_pid_with_another_start_time_is_reused() {
    let other = ProcessIdentity { pid: std::process::id(), start: Some(ProcessStart("linux:x:1".into())) };
    assert_eq!(other.presence(), Presence::Reused, "a differing start time means another process");
    assert!(other.presence().is_gone() && !other.presence().may_signal(), "a reused pid must never be signalled");
}

#[cfg(unix)]
#[test]
fn a_record_without_start_time_keeps_the_old_behaviour() {
    let old = ProcessIdentity { pid: std::process::id(), start: None };
    assert_eq!(old.presence(), Presence::Unverified);
    assert!(old.presence().may_signal() && !old.presence().is_gone());
}

#[cfg(unix)]
#[test]
fn a_reaped_pid_is_gone() {
    let pid = reaped_pid();
    let recorded = ProcessIdentity { pid, start: Some(ProcessStart("linux:x:1".into())) };
    assert_eq!(recorded.presence(), Presence::Gone, "reaped pid {pid} must be gone");
    assert_eq!(ProcessIdentity::of(pid).start, None, "a gone process has no start time");
}

#[cfg(unix)]
#[test]
fn values_that_address_groups_are_never_one_process() {
    for pid in [0, u32::MAX, i32::MAX as u32 + 1] {
        let presence = ProcessIdentity { pid, start: None }.presence();
        assert_eq!(presence, Presence::Unverified, "pid {pid} must neither be probed nor called gone");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn starttime_is_counted_from_the_last_parenthesis() {
    // A command name holding ") 9 9" must not shift the fields.
    let rest = (3..=21).map(|n| n.to_string()).collect::<Vec<_>>().join(" ");
    let stat = format!("42 (evil) 9 9) {rest} 123456 23 24\n");
    assert_eq!(os::starttime(&stat), Some(123_456));
    assert_eq!(os::starttime("42 (short) S 1"), None, "a truncated line has no start time");
    assert!(os::has_exited("42 (a) b) Z 1") && !os::has_exited("42 (Z) S 1"), "the state follows the last `)`");
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreaped_child_is_gone() {
    let mut child = std::process::Command::new("true").spawn().expect("spawn `true`");
    let recorded = ProcessIdentity::of(child.id());
    // Not waited for: it stays a zombie until reaped. Bounded wait for it to exit.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while recorded.presence() != Presence::Gone {
        assert!(std::time::Instant::now() < deadline, "an exited, unreaped child must count as gone");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.wait().expect("reap `true`");
}

#[test]
fn json_is_pid_and_start() {
    let id = ProcessIdentity { pid: 7, start: Some(ProcessStart("linux:b:9".into())) };
    let json = serde_json::to_value(&id).expect("serialise");
    assert_eq!(json, serde_json::json!({"pid": 7, "start": "linux:b:9"}));
    let old: ProcessIdentity = serde_json::from_value(serde_json::json!({"pid": 7})).expect("older shape parses");
    assert_eq!(old.start, None);
}
