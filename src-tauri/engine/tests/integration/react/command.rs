//! The `command` notifier against real programs: the notification arrives as JSON on stdin with
//! argv words untouched, and a hung program is killed at its deadline.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use grove_engine::react::Notifier;
use grove_engine::react::notifiers::CommandNotifier;

use super::support::{needs_you, wait_until};

/// Generous bound for a short script to finish on a loaded machine.
const SETTLE: Duration = Duration::from_secs(10);

/// Writes an executable `sh` script called `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write the test script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("make it executable");
    path
}

#[tokio::test]
async fn the_program_gets_the_notification_as_json_on_stdin_and_argv_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // A path with a space and shell syntax: it reaches the script as one argv word.
    let out = dir.path().join("got it $(no) 'x'.json");
    let program =
        script(dir.path(), "notify.sh", r#"cat > "$1"; printf '%s' "$GROVE_NOTIFICATION_TITLE" > "$1.title""#);
    let notifier = CommandNotifier::new("script", &program, vec![out.display().to_string()]);
    let notification = needs_you();
    notifier.notify(&notification).await.expect("the script succeeds");

    wait_until(SETTLE, "the script's output", || out.exists()).await;
    let got: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("valid JSON");
    assert_eq!(got, serde_json::to_value(&notification).unwrap());
    assert_eq!(got["priority"], "urgent");
    assert_eq!(got["signal"], "needs_you");
    assert_eq!(got["session"], serde_json::json!({"project": "api", "id": "api-7"}));
    let title = std::fs::read_to_string(dir.path().join("got it $(no) 'x'.json.title")).unwrap();
    assert_eq!(title, "api-7 needs you", "the title is in the environment too");
}

/// Whether `pid` has ended: no such process, or a zombie waiting to be reaped.
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

#[tokio::test]
async fn a_hung_program_is_killed_with_its_children_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let program = script(dir.path(), "hang.sh", r#"sleep 30 & echo $! > "$1"; wait"#);
    let timeout = Duration::from_millis(500);
    let notifier = CommandNotifier::new("script", &program, vec![pid_file.display().to_string()]).with_timeout(timeout);
    let started = Instant::now();
    let err = notifier.notify(&needs_you()).await.expect_err("a hung program is a failure");
    let took = started.elapsed();
    assert!(took >= timeout && took < timeout + Duration::from_secs(3), "failed after {took:?}");
    let text = err.to_string();
    assert!(text.starts_with("script: ") && text.contains("was killed"), "{text}");
    wait_until(SETTLE, "the pid file", || pid_file.exists()).await;
    let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    if cfg!(target_os = "linux") {
        wait_until(SETTLE, "the program's child to be killed with its group", || ended(pid)).await;
    }
}

#[tokio::test]
async fn failures_say_why_and_a_program_that_ignores_stdin_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let failing = script(dir.path(), "fail.sh", "echo 'no display' >&2; exit 3");
    let err = CommandNotifier::new("script", &failing, vec![]).notify(&needs_you()).await.unwrap_err().to_string();
    assert!(err.contains("no display") && err.contains('3'), "{err}");

    let missing = dir.path().join("nothing-here");
    let err = CommandNotifier::new("script", &missing, vec![]).notify(&needs_you()).await.unwrap_err().to_string();
    assert!(err.contains("could not start"), "{err}");

    let deaf = script(dir.path(), "deaf.sh", "exit 0");
    CommandNotifier::new("script", &deaf, vec![]).notify(&needs_you()).await.expect("not reading stdin is allowed");
}

#[tokio::test]
async fn a_background_child_holding_stderr_does_not_hold_up_success() {
    let dir = tempfile::tempdir().unwrap();
    let program = script(dir.path(), "bg.sh", "sleep 3 &\nexit 0");
    let started = Instant::now();
    CommandNotifier::new("script", &program, vec![]).notify(&needs_you()).await.expect("the script succeeded");
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?} for a child it does not own", started.elapsed());
}
