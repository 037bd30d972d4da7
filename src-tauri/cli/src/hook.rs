//! `grove hook <agent> [ARGS]...`: what an agent runs for each event it reports (its hooks, its
//! notify program, its notifications command). The agent runs it for every event, so it is fast,
//! silent and never fails the agent: nothing on stdout or stderr, exit 0 whatever happens, and
//! the whole call bounded in time. A failure goes to `GROVE_HOME/logs/hooks.log` (one line, best
//! effort), nowhere else.
//!
//! It runs before anything else the binary does: no logging set-up, no config, no async runtime,
//! no app. The recording itself is the engine's ([`record_hook`]).

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use chrono::Utc;
use grove_engine::events::{HookEnv, HookError, HookInput, record_hook};
use grove_engine::home::HOME_ENV;

/// The subcommand's name on the command line.
pub const SUBCOMMAND: &str = "hook";

/// The most of standard input read: a payload is a few KiB; anything past this is not one.
const STDIN_LIMIT: u64 = 1024 * 1024;

/// How long standard input may take to reach its end. A stdin that never closes (an inherited
/// pipe) is given up on, and the event recorded without it.
const STDIN_WAIT: Duration = Duration::from_secs(2);

/// The longest a hook call may last: past it the process exits 0 whatever it is doing (a hung
/// disk, a chained program that will not start), so the agent is never held up for long.
const DEADLINE: Duration = Duration::from_secs(3);

/// The log of hook failures, under `GROVE_HOME/logs/`.
const LOG_FILE: &str = "hooks.log";

/// The most characters of an agent name or a message written to the log.
const LOG_LINE_CHARS: usize = 1000;

/// A log larger than this is moved aside to `hooks.log.1` before the next line: a misconfigured
/// hook fails on every event and must not fill the disk.
const LOG_ROTATE_BYTES: u64 = 256 * 1024;

/// The hook's arguments when the command line is `grove hook ...` and not a request for help:
/// the words after `hook`, taken raw (no parser can reject them and print a usage error).
pub fn fast_path_args(argv: impl IntoIterator<Item = OsString>) -> Option<Vec<OsString>> {
    let mut argv = argv.into_iter().skip(1);
    if argv.next()? != SUBCOMMAND {
        return None;
    }
    let rest: Vec<OsString> = argv.collect();
    let wants_help = rest.first().is_some_and(|a| a == "-h" || a == "--help");
    (!wants_help).then_some(rest)
}

/// Runs the hook with `args` (the agent's name, then whatever the agent passed). Always exits 0.
pub fn run(args: Vec<OsString>) -> ExitCode {
    // A panic must not print a backtrace on the agent's terminal: it goes to the log instead.
    std::panic::set_hook(Box::new(|info| log_failure("?", &format!("panic: {info}"))));
    start_watchdog();
    let args: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let _ = std::panic::catch_unwind(move || record_and_chain(args));
    ExitCode::SUCCESS
}

/// Ends the process with exit 0 once the hook has run for [`DEADLINE`].
fn start_watchdog() {
    let spawned = thread::Builder::new().name("hook-watchdog".into()).spawn(|| {
        thread::sleep(DEADLINE);
        std::process::exit(0);
    });
    // Without a watchdog the hook still runs; only its bound is lost.
    drop(spawned);
}

fn record_and_chain(args: Vec<String>) {
    let Some((agent, rest)) = args.split_first() else {
        log_failure("", "no agent given");
        return;
    };
    let mut input = HookInput { agent: agent.clone(), stdin: None, args: rest.to_vec() };
    // A payload given as an argument (Codex) is the payload: stdin is then the agent's own,
    // inherited, and reading it could take input meant for the agent.
    if input.payload_arg().is_none() {
        input.stdin = read_stdin(agent);
    }
    match HookEnv::from_vars(|k| std::env::var(k).ok()) {
        Ok(env) => {
            if let Err(e) = record_hook(&env, &input, Utc::now()) {
                log_failure(agent, &e.to_string());
            }
        }
        // Not an agent Grove started (a settings file loaded elsewhere): nothing to record, and
        // nothing wrong.
        Err(HookError::NoSession(_)) => {}
        Err(e) => log_failure(agent, &e.to_string()),
    }
    if let Some(program) = input.chained() {
        chain(agent, &program, input.payload_arg());
    }
}

/// Standard input, when it is not a terminal (Aider runs its command on the terminal: reading it
/// would take the user's keystrokes), at most [`STDIN_LIMIT`] bytes, read on a helper thread and
/// given up on after [`STDIN_WAIT`].
fn read_stdin(agent: &str) -> Option<Vec<u8>> {
    if std::io::stdin().is_terminal() {
        return None;
    }
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new().name("hook-stdin".into()).spawn(move || {
        let mut bytes = Vec::new();
        let read = std::io::stdin().lock().take(STDIN_LIMIT).read_to_end(&mut bytes);
        let _ = tx.send(read.map(|_| bytes));
    });
    if spawned.is_err() {
        return None;
    }
    match rx.recv_timeout(STDIN_WAIT) {
        Ok(Ok(bytes)) => Some(bytes),
        Ok(Err(e)) => {
            log_failure(agent, &format!("cannot read standard input: {e}"));
            None
        }
        Err(_) => {
            // The thread stays blocked on the read; the process exits without waiting for it.
            log_failure(agent, "standard input did not close within 2 s; recorded without it");
            None
        }
    }
}

/// Starts the user's own notify program (`--then PROGRAM ARGS...`) with the payload argument
/// appended: no shell, no inherited streams, not waited for.
fn chain(agent: &str, program: &[String], payload: Option<&str>) {
    let Some((name, args)) = program.split_first() else { return };
    let mut command = Command::new(name);
    command.args(args).args(payload).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    if let Err(e) = command.spawn() {
        log_failure(agent, &format!("cannot start the chained program {name:?}: {e}"));
    }
    // The child is not waited for: when this process exits it is re-parented and reaped by init.
}

/// Appends one line to `GROVE_HOME/logs/hooks.log`, best effort: only when `GROVE_HOME` is set
/// and is a directory (the hook never creates a home), and any error is ignored.
fn log_failure(agent: &str, message: &str) {
    let Some(home) = std::env::var_os(HOME_ENV).filter(|h| !h.is_empty()).map(PathBuf::from) else { return };
    if !home.is_dir() {
        return;
    }
    let _ = append_log(&home.join("logs"), agent, message);
}

fn append_log(dir: &Path, agent: &str, message: &str) -> std::io::Result<()> {
    if !dir.is_dir() {
        fs::create_dir(dir)?;
    }
    let path = dir.join(LOG_FILE);
    if fs::metadata(&path).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
        let _ = fs::rename(&path, dir.join(format!("{LOG_FILE}.1")));
    }
    // One short line whatever the message holds: control characters (a newline in a panic
    // message, in an agent name) are escaped, and a huge value (an id variable holding a file) cut.
    let one_line = |s: &str| -> String {
        s.chars()
            .take(LOG_LINE_CHARS)
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect()
    };
    let line = format!(
        "{} grove hook {}: {}\n",
        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        one_line(agent),
        one_line(message)
    );
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&path)?.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_grove_hook_takes_the_fast_path() {
        assert_eq!(
            fast_path_args(argv(&["grove", "hook", "codex", "--then", "x", "{}"])),
            Some(argv(&["codex", "--then", "x", "{}"]))
        );
        assert_eq!(fast_path_args(argv(&["grove", "hook"])), Some(vec![]), "no agent: still silent");
        assert_eq!(fast_path_args(argv(&["grove", "hook", "--help"])), None, "help goes to the parser");
        assert_eq!(fast_path_args(argv(&["grove", "ls", "hook"])), None);
        assert_eq!(fast_path_args(argv(&["grove"])), None);
    }
}
