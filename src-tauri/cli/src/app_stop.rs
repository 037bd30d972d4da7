//! `grove stop --app` (ARCHITECTURE §3.5, SPEC G2, G4): ends the running app through the pid it
//! recorded in `running.json`, so it runs its own quit path (every session stopped and recorded,
//! then `running.json` removed). Only that recorded process is signalled, and only after
//! checking it is still the recorded process (its start time, SPEC F8) and a Grove binary;
//! never by name or port.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use grove_engine::home::GroveHome;
use grove_engine::store::Store;

use super::fail;

/// How long to wait for the app to finish quitting: its own hard cap (10 s) plus slack.
const WAIT_FOR_EXIT: Duration = Duration::from_secs(15);

pub fn stop_app(home: &GroveHome) -> ExitCode {
    let running = match Store::new(home.clone()).read_running() {
        Ok(Some(running)) => running,
        Ok(None) => {
            println!("no Grove app is running for {}", home.root().display());
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(format!("cannot read running.json: {e}")),
    };
    let (pid, process) = (running.pid, running.process());
    if !process.presence().may_signal() {
        // It ended, or its pid now names another process, since running.json was read.
        println!("no Grove app is running for {}", home.root().display());
        return ExitCode::SUCCESS;
    }
    if let Err(why) = owned_by_grove(pid) {
        return fail(format!("not signalling pid {pid} from running.json: {why}"));
    }
    if let Err(e) = terminate(pid) {
        return fail(format!("cannot signal the app (pid {pid}): {e}"));
    }
    let started = Instant::now();
    while !process.presence().is_gone() {
        if started.elapsed() > WAIT_FOR_EXIT {
            return fail(format!("the app (pid {pid}) is still running after {WAIT_FOR_EXIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("Grove (pid {pid}) stopped its sessions and exited");
    ExitCode::SUCCESS
}

/// The recorded pid must still be a Grove executable (`grove-app`, the window, or `grove`, which
/// runs it too when that is the only binary installed): a pid reused by another program after a
/// crash must never be signalled (SPEC G4).
#[cfg(target_os = "linux")]
fn owned_by_grove(pid: u32) -> Result<(), String> {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).map_err(|e| format!("cannot inspect it: {e}"))?;
    let name = exe.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // A rebuilt binary shows as "grove-app (deleted)".
    let name = name.strip_suffix(" (deleted)").unwrap_or(&name);
    if name == "grove" || name == super::APP_BINARY {
        Ok(())
    } else {
        Err(format!("it runs {}, not grove", exe.display()))
    }
}

/// Elsewhere on Unix the recorded pid and its liveness are the proof Grove has.
#[cfg(all(unix, not(target_os = "linux")))]
fn owned_by_grove(_pid: u32) -> Result<(), String> {
    Ok(())
}

/// Windows has no SIGTERM and no proof cheap enough here: never kill without it (SPEC G4).
#[cfg(windows)]
fn owned_by_grove(_pid: u32) -> Result<(), String> {
    Err("stopping the app by pid is not supported on Windows; quit it from its tray menu".into())
}

#[cfg(unix)]
fn terminate(pid: u32) -> std::io::Result<()> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| std::io::Error::other("pid out of range"))?;
    // SAFETY: kill has no memory preconditions; the pid was checked to be Grove's above.
    if unsafe { libc::kill(pid, libc::SIGTERM) } == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(windows)]
fn terminate(_pid: u32) -> std::io::Result<()> {
    Err(std::io::Error::other("not supported on Windows"))
}
