//! The processes a test started, found through /proc, so the test can kill an agent the way a
//! crash would and leave nothing behind when it ends. Every process of a test (Grove's tmux server,
//! the agents, Codex's background app-server daemon, which detaches from its terminal and outlives
//! it) carries the test's private directory in its environment (HOME, GROVE_HOME): that, not a
//! process name, is what marks a process as the test's.

use std::path::Path;
use std::time::{Duration, Instant};

/// A process: pid, parent pid, command name.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub comm: String,
}

fn stat(pid: i32) -> Option<Proc> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = text.rsplit_once(") ")?;
    let comm = head.split_once(" (")?.1.to_owned();
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    if state == "Z" {
        return None;
    }
    let ppid = fields.next()?.parse().ok()?;
    Some(Proc { pid, ppid, comm })
}

fn all_pids() -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect()
}

/// Whether process `pid`'s environment mentions `dir`.
fn environ_mentions(pid: i32, dir: &[u8]) -> bool {
    std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| env.windows(dir.len()).any(|w| w == dir))
}

/// Every live process whose environment mentions `dir`, except this test process.
pub fn of_dir(dir: &Path) -> Vec<Proc> {
    let me = std::process::id() as i32;
    let needle = dir.as_os_str().as_encoded_bytes();
    all_pids().into_iter().filter(|&p| p != me && environ_mentions(p, needle)).filter_map(stat).collect()
}

/// `root` and all its descendants, among live processes.
pub fn tree(root: i32) -> Vec<Proc> {
    let procs: Vec<Proc> = all_pids().into_iter().filter_map(stat).collect();
    let mut found: Vec<Proc> = procs.iter().filter(|p| p.pid == root).cloned().collect();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i].pid;
        found.extend(procs.iter().filter(|p| p.ppid == parent).cloned());
        i += 1;
    }
    found
}

/// Whether `pid` runs (a zombie does not).
pub fn alive(pid: i32) -> bool {
    stat(pid).is_some()
}

pub fn kill(pid: i32) {
    // SAFETY: kill(2) with a pid found among this test's own processes and a valid signal.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// Kills every process of `dir` until none is left (bounded: gives up after 10 s and says what
/// survived, so a leak is reported rather than hidden).
pub fn kill_all_of(dir: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = of_dir(dir);
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let names: Vec<String> = left.iter().map(|p| format!("{} ({})", p.pid, p.comm)).collect();
            return Err(format!("processes of {} survived SIGKILL: {}", dir.display(), names.join(", ")));
        }
        left.iter().for_each(|p| kill(p.pid));
        std::thread::sleep(Duration::from_millis(50));
    }
}
