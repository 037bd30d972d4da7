//! `grove stop --app` and SPEC G4: Grove signals only a process it recorded and can prove is a
//! Grove binary; a process that merely looks like Grove (its name) is never touched. Grove
//! listens on no port, so no port can lead it to a process either.

use std::process::{Child, Command, Stdio};

use grove_engine::home::GroveHome;
use grove_engine::store::{RunningRecord, Store};

use crate::support::{grove, process_running, stderr, stdout};

/// A process this test started, killed when the test ends.
struct Bystander(Child);

impl Drop for Bystander {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A program named `grove` that is not Grove: a copy of `sleep` under that name.
fn lookalike(dir: &std::path::Path) -> Bystander {
    let sleep = ["/bin/sleep", "/usr/bin/sleep"].into_iter().find(|p| std::path::Path::new(p).exists()).expect("sleep");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let named_grove = bin.join("grove");
    std::fs::copy(sleep, &named_grove).expect("copy sleep");
    Bystander(Command::new(named_grove).arg("1000").stdout(Stdio::null()).spawn().expect("start the look-alike"))
}

fn register(dir: &std::path::Path, pid: u32) {
    let store = Store::new(GroveHome::at(dir.join("home")));
    let record = RunningRecord {
        pid,
        pid_start: None,
        config_path: dir.join("config.toml"),
        started_at: chrono::Utc::now(),
        version: "0.0.0".into(),
        projects: Vec::new(),
    };
    store.write_running(&record).expect("write running.json");
}

#[test]
fn stop_app_refuses_a_recorded_pid_that_is_not_a_grove_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut other = Bystander(Command::new("sleep").arg("1000").spawn().expect("start sleep"));
    register(dir.path(), other.0.id());
    let out = grove(dir.path(), &["stop", "--app"]);
    assert!(!out.status.success(), "a pid that is not Grove must be refused: {}", stdout(&out));
    assert!(stderr(&out).contains("not grove"), "the refusal says why: {}", stderr(&out));
    assert!(matches!(other.0.try_wait(), Ok(None)), "the recorded non-Grove process must be left running");
}

#[test]
fn stop_app_without_a_running_app_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["stop", "--app"]);
    assert!(out.status.success(), "nothing to stop is not an error: {}", stderr(&out));
    assert!(stdout(&out).contains("no Grove app is running"), "{}", stdout(&out));
}

#[test]
fn a_process_named_like_grove_is_never_touched_by_a_stop() {
    let dir = tempfile::tempdir().unwrap();
    let lookalike = lookalike(dir.path());
    let pid = lookalike.0.id() as i32;
    let out = grove(dir.path(), &["stop"]);
    assert!(out.status.success(), "stop with no sessions succeeds: {}", stderr(&out));
    let out = grove(dir.path(), &["stop", "--app"]);
    assert!(out.status.success(), "no app recorded: {}", stderr(&out));
    assert!(process_running(pid), "a process named grove that Grove did not record must never be signalled");
}
