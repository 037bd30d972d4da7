//! `grove hook <agent>`, as agents run it for each event: it records one line in the session's
//! events file, prints nothing, exits 0 whatever it is given, and never holds the agent up.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PROJECT: &str = "api";
const SESSION: &str = "s-1";

/// `grove hook ARGS...` with no Grove variables from the test's own environment.
fn grove_hook(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grove"));
    command.arg("hook").args(args);
    for var in ["GROVE_HOME", "GROVE_PROJECT", "GROVE_SESSION", "GROVE_CONFIG", "GROVE_LOG"] {
        command.env_remove(var);
    }
    command
}

/// `grove hook ARGS...` as an agent Grove started runs it: in session `s-1` of project `api`.
fn in_session(home: &Path, args: &[&str]) -> Command {
    let mut command = grove_hook(args);
    command.env("GROVE_HOME", home).env("GROVE_PROJECT", PROJECT).env("GROVE_SESSION", SESSION);
    command
}

/// Starts `command` with `stdin` written to its standard input (then closed) from a thread, so a
/// hook that stops reading early does not block the test.
fn spawn_with_stdin(mut command: Command, stdin: &[u8]) -> (Child, thread::JoinHandle<()>) {
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("run grove hook");
    let mut pipe = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    // A hook that stops reading at its limit closes the pipe: the rest fails to write, as it may.
    let writer = thread::spawn(move || drop(pipe.write_all(&bytes)));
    (child, writer)
}

fn run_with_stdin(command: Command, stdin: &[u8]) -> Output {
    let (child, writer) = spawn_with_stdin(command, stdin);
    let out = child.wait_with_output().expect("wait for grove hook");
    writer.join().unwrap();
    out
}

fn run_without_stdin(mut command: Command) -> Output {
    command.stdin(Stdio::null()).output().expect("run grove hook")
}

/// Exit 0 and not a byte on stdout or stderr: what every hook call must look like to the agent.
fn assert_silent_success(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(0), "{what}: exit code");
    assert!(out.stdout.is_empty(), "{what}: stdout {:?}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stderr.is_empty(), "{what}: stderr {:?}", String::from_utf8_lossy(&out.stderr));
}

fn events_file(home: &Path) -> PathBuf {
    home.join("projects").join(PROJECT).join("events").join(format!("{SESSION}.jsonl"))
}

/// Every line of the session's events file, each parsed (a line that is not JSON fails the test).
fn events(home: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(events_file(home)).expect("the events file exists");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("line {l:?} is not JSON: {e}"))).collect()
}

fn hooks_log(home: &Path) -> String {
    std::fs::read_to_string(home.join("logs/hooks.log")).unwrap_or_default()
}

/// Every file and directory under `root`, relative to it.
fn tree(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Waits (bounded) for `path` to exist.
fn wait_for(path: &Path, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if path.exists() {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    path.exists()
}

#[test]
fn a_claude_payload_on_stdin_is_one_line_named_by_its_hook_event() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let payload = json!({
        "session_id": "c0ffee",
        "transcript_path": "/tmp/t.jsonl",
        "hook_event_name": "PermissionRequest",
        "tool_name": "Bash",
        "tool_input": {"command": "cargo test", "timeout": 120000},
        "tool_response": {"stdout": "x".repeat(50_000)},
    });
    let out = run_with_stdin(in_session(&home, &["claude-code"]), payload.to_string().as_bytes());
    assert_silent_success(&out, "claude hook");

    let lines = events(&home);
    assert_eq!(lines.len(), 1, "one event, one line: {lines:?}");
    let event = &lines[0];
    assert_eq!(event["event"], "PermissionRequest");
    assert_eq!(event["agent"], "claude-code");
    assert_eq!(event["via"], "hook");
    assert_eq!(event["payload"]["tool_input"], json!({"command": "cargo test"}), "the request is identifiable");
    assert!(event["payload"].get("tool_response").is_none(), "bulky output is not stored: {event}");
    assert!(hooks_log(&home).is_empty(), "nothing failed: {}", hooks_log(&home));
    assert!(!home.join("logs").exists(), "no tracing log files for a hook");
}

#[test]
fn a_codex_notify_is_recorded_and_the_chained_program_gets_the_same_payload() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let argv_file = dir.path().join("argv.txt");
    let script = dir.path().join("notify.sh");
    // The user's own notify program: writes its arguments, one a line, then renames the file into
    // place so the test never reads half of it.
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n", argv_file.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let payload = json!({
        "type": "agent-turn-complete",
        "thread-id": "t-1",
        "turn-id": "7",
        "cwd": "/work/api",
        "input-messages": ["fix the login bug"],
        "last-assistant-message": "Done: the login works.",
    })
    .to_string();
    // A word a shell would act on: it must reach the program as it is.
    let shell_bait = "$(touch pwned); echo x";
    let script_arg = script.to_str().unwrap();
    let out = run_without_stdin(in_session(&home, &["codex", "--then", script_arg, "a", shell_bait, payload.as_str()]));
    assert_silent_success(&out, "codex notify");

    let lines = events(&home);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "agent-turn-complete");
    assert_eq!(lines[0]["agent"], "codex");
    assert_eq!(lines[0]["via"], "notify");
    assert_eq!(lines[0]["payload"]["thread-id"], "t-1");
    assert!(lines[0]["payload"].get("input-messages").is_none(), "input messages are not stored");

    assert!(wait_for(&argv_file, Duration::from_secs(10)), "the chained program ran within 10 s");
    let received = std::fs::read_to_string(&argv_file).unwrap();
    let received: Vec<&str> = received.lines().collect();
    assert_eq!(received, ["a", shell_bait, payload.as_str()], "its own arguments, then the same payload");
    assert!(!dir.path().join("pwned").exists(), "nothing went through a shell");
    assert!(!std::env::current_dir().unwrap().join("pwned").exists(), "nothing went through a shell");
}

#[test]
fn without_a_grove_session_it_does_nothing_and_says_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = grove_hook(&["claude-code"]);
    // Nothing to fall back to either: a home directory the hook could have written under.
    command.env("HOME", dir.path()).env("XDG_DATA_HOME", dir.path().join("data")).current_dir(dir.path());
    let out = run_with_stdin(command, br#"{"hook_event_name":"Stop"}"#);
    assert_silent_success(&out, "no environment");
    assert_eq!(tree(dir.path()), Vec::<PathBuf>::new(), "nothing written anywhere");

    let out = run_without_stdin(grove_hook(&[]));
    assert_silent_success(&out, "no agent either");
}

#[test]
fn an_id_naming_a_path_outside_the_home_writes_nothing_outside_it() {
    for (project, session) in [(PROJECT, "../evil"), ("../evil", SESSION), (PROJECT, "/tmp/evil")] {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let mut command = grove_hook(&["claude-code"]);
        command.env("GROVE_HOME", &home).env("GROVE_PROJECT", project).env("GROVE_SESSION", session);
        let out = run_with_stdin(command, br#"{"hook_event_name":"Stop"}"#);
        assert_silent_success(&out, &format!("project {project:?}, session {session:?}"));
        let written = tree(dir.path());
        assert_eq!(
            written,
            [PathBuf::from("home"), PathBuf::from("home/logs"), PathBuf::from("home/logs/hooks.log")],
            "only the failure log, inside the home"
        );
        let log = hooks_log(&home);
        assert_eq!(log.lines().count(), 1, "one line per failure: {log}");
        assert!(log.contains("not a valid id"), "{log}");
    }
}

#[test]
fn an_events_directory_that_cannot_be_created_is_logged_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let project_dir = home.join("projects").join(PROJECT);
    std::fs::create_dir_all(&project_dir).unwrap();
    // A file where the directory should be: unlike a chmod, this stops root too.
    std::fs::write(project_dir.join("events"), "not a directory").unwrap();
    let out = run_with_stdin(in_session(&home, &["claude-code"]), br#"{"hook_event_name":"Stop"}"#);
    assert_silent_success(&out, "unwritable events directory");
    assert_eq!(std::fs::read_to_string(project_dir.join("events")).unwrap(), "not a directory");
    let log = hooks_log(&home);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("grove hook claude-code: cannot append to"), "{log}");

    // A home that is itself a file: nowhere to log either, and still silent.
    let file_home = dir.path().join("file-home");
    std::fs::write(&file_home, "").unwrap();
    let out = run_with_stdin(in_session(&file_home, &["claude-code"]), br#"{"hook_event_name":"Stop"}"#);
    assert_silent_success(&out, "a home that is a file");
}

#[test]
fn megabytes_of_garbage_on_stdin_leave_one_bounded_line() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let garbage: Vec<u8> = (0..5 * 1024 * 1024_u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let out = run_with_stdin(in_session(&home, &["claude-code"]), &garbage);
    assert_silent_success(&out, "5 MiB of garbage");
    let size = std::fs::metadata(events_file(&home)).unwrap().len();
    assert!(size < 10 * 1024, "the events file stays small: {size} bytes");
    let lines = events(&home);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "ready", "no payload found: the bare event");
    assert_eq!(lines[0]["payload"], Value::Null);

    // A JSON object too big to be a payload is cut at the read limit: the same bare event.
    let huge = json!({"hook_event_name": "Stop", "pad": "y".repeat(3 * 1024 * 1024)}).to_string();
    let out = run_with_stdin(in_session(&home, &["claude-code"]), huge.as_bytes());
    assert_silent_success(&out, "3 MiB of JSON");
    assert!(std::fs::metadata(events_file(&home)).unwrap().len() < 10 * 1024);
    assert_eq!(events(&home).len(), 2);
}

#[test]
fn an_aider_notification_without_payload_records_ready() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = run_without_stdin(in_session(&home, &["aider"]));
    assert_silent_success(&out, "aider");
    let lines = events(&home);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (&lines[0]["agent"], &lines[0]["event"], &lines[0]["via"]),
        (&json!("aider"), &json!("ready"), &json!("notify"))
    );
    assert_eq!(lines[0]["payload"], Value::Null);
}

#[test]
fn concurrent_hooks_append_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let runs: Vec<_> = (0..20)
        .map(|i| {
            let payload = json!({"hook_event_name": "PostToolUse", "session_id": format!("run-{i}"),
                "message": "m".repeat(390), "tool_input": {"command": "c".repeat(390)}});
            spawn_with_stdin(in_session(&home, &["claude-code"]), payload.to_string().as_bytes())
        })
        .collect();
    for (i, (child, writer)) in runs.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_silent_success(&out, &format!("concurrent hook {i}"));
    }
    let lines = events(&home);
    assert_eq!(lines.len(), 20, "20 hooks, 20 lines");
    let mut runs: Vec<String> = lines.iter().map(|e| e["payload"]["session_id"].as_str().unwrap().to_owned()).collect();
    runs.sort();
    let mut expected: Vec<String> = (0..20).map(|i| format!("run-{i}")).collect();
    expected.sort();
    assert_eq!(runs, expected, "each hook's line, whole");
}

#[test]
fn a_stdin_that_never_closes_costs_at_most_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // An existing home, as Grove's agents have: the hook logs only into a home that exists.
    std::fs::create_dir(&home).unwrap();
    let mut command = in_session(&home, &["claude-code"]);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().unwrap();
    // Written but never closed: the pipe stays open while the test holds it.
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(br#"{"hook_event_name":"Stop"}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    let took = start.elapsed();
    drop(pipe);
    assert_silent_success(&out, "stdin left open");
    assert!(took < Duration::from_millis(2900), "gave up on stdin after about 2 s, took {took:?}");
    let lines = events(&home);
    assert_eq!(lines.len(), 1, "recorded anyway, without the payload: {lines:?}");
    assert_eq!(lines[0]["event"], "ready");
    assert!(hooks_log(&home).contains("did not close"), "{}", hooks_log(&home));
}

/// A write that never returns (here: the events "file" is a FIFO nobody reads, so opening it
/// blocks, as a hung disk would): the watchdog ends the hook with exit 0.
#[cfg(unix)]
#[test]
fn a_hook_stuck_writing_exits_zero_within_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let events = events_file(&home);
    std::fs::create_dir_all(events.parent().unwrap()).unwrap();
    let c_path = std::ffi::CString::new(events.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let start = Instant::now();
    let out = run_without_stdin(in_session(&home, &["aider"]));
    let took = start.elapsed();
    assert_silent_success(&out, "stuck write");
    assert!(took >= Duration::from_millis(2500), "it was stuck, until the watchdog: {took:?}");
    assert!(took < Duration::from_secs(6), "the watchdog ends it at about 3 s: {took:?}");
}

/// Aider runs its notifications command on the terminal: the hook must not read it (it would wait
/// for keystrokes, or take the user's).
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_on_stdin_is_not_read() {
    use std::io::Read as _;
    use std::os::fd::FromRawFd as _;
    use std::os::unix::fs::OpenOptionsExt as _;

    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // SAFETY: plain libc calls on the master descriptor they return, checked as they go.
    let (master, slave_path) = unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(fd >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(fd), 0, "grantpt");
        assert_eq!(libc::unlockpt(fd), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0, "ptsname_r");
        let path = std::ffi::CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_owned();
        (std::fs::File::from_raw_fd(fd), path)
    };
    let open_slave = |flags| {
        std::fs::OpenOptions::new().read(true).write(true).custom_flags(libc::O_NOCTTY | flags).open(&slave_path)
    };
    // The hook's stdin blocks like a real terminal; the test's own end does not.
    let (hook_stdin, mut slave) = (open_slave(0).unwrap(), open_slave(libc::O_NONBLOCK).unwrap());
    // A line typed on the terminal, waiting to be read by whoever owns it.
    (&master).write_all(b"{\"hook_event_name\":\"Stolen\"}\n").unwrap();
    thread::sleep(Duration::from_millis(50));

    let mut command = in_session(&home, &["aider"]);
    command.stdin(hook_stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = command.output().unwrap();
    let took = start.elapsed();
    assert_silent_success(&out, "terminal stdin");
    assert!(took < Duration::from_millis(1500), "did not wait on the terminal: {took:?}");
    let lines = events(&home);
    assert_eq!(lines[0]["event"], "ready", "{lines:?}");

    let mut left = String::new();
    let _ = slave.read_to_string(&mut left);
    assert_eq!(left, "{\"hook_event_name\":\"Stolen\"}\n", "the typed line is still there for its owner");
    drop(master);
}

/// Wall time of 50 sequential `grove hook claude-code` calls with a payload on stdin, printed as a
/// markdown row, and what they cost Claude per tool call: it runs the hook command through a
/// shell and waits for it, twice per call (PreToolUse and PostToolUse; the other registered events
/// come once per turn or per session). Run with `cargo test --test cli measure_hook_latency --
/// --ignored --nocapture`; `GROVE_BENCH_BIN` measures another build (a release binary) instead of
/// the test's.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_hook_latency() {
    let bin = std::env::var("GROVE_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_grove").to_owned());
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let payload = json!({"session_id": "c0ffee", "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "cargo test", "description": "Run the tests"}})
    .to_string();
    let time = |args: &[&str], stdin: &[u8]| {
        let mut command = Command::new(&bin);
        command.args(args).env("GROVE_HOME", &home).env("GROVE_PROJECT", PROJECT).env("GROVE_SESSION", SESSION);
        let start = Instant::now();
        let out = run_with_stdin(command, stdin);
        let took = start.elapsed();
        assert!(out.status.success());
        took
    };
    let stats = |mut samples: Vec<Duration>| {
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = (ms(samples[samples.len() / 2 - 1]) + ms(samples[samples.len() / 2])) / 2.0;
        // Nearest rank: the ceil(0.99 n)-th smallest, which for 50 runs is the largest.
        let p99 = ms(samples[(samples.len() * 99).div_ceil(100) - 1]);
        (median, p99)
    };
    // As Claude runs a command hook: through `sh -c`, the program path quoted.
    let through_shell = |stdin: &[u8]| {
        let mut command = Command::new("sh");
        command
            .args(["-c", &format!("'{bin}' hook claude-code")])
            .env("GROVE_HOME", &home)
            .env("GROVE_PROJECT", PROJECT)
            .env("GROVE_SESSION", SESSION);
        let start = Instant::now();
        let out = run_with_stdin(command, stdin);
        let took = start.elapsed();
        assert!(out.status.success());
        took
    };
    let hook: Vec<Duration> = (0..50).map(|_| time(&["hook", "claude-code"], payload.as_bytes())).collect();
    let version: Vec<Duration> = (0..50).map(|_| time(&["--version"], b"")).collect();
    let shell: Vec<Duration> = (0..50).map(|_| through_shell(payload.as_bytes())).collect();
    assert_eq!(events(&home).len(), 100);
    let (median, p99) = stats(hook);
    let (v_median, v_p99) = stats(version);
    let (s_median, s_p99) = stats(shell);
    println!("| command | runs | median | p99 |");
    println!("|---|---|---|---|");
    println!("| `grove hook claude-code` (payload on stdin) | 50 | {median:.1} ms | {p99:.1} ms |");
    println!("| `grove --version` (process start floor) | 50 | {v_median:.1} ms | {v_p99:.1} ms |");
    println!("| `sh -c 'grove hook claude-code'` (one Claude hook event) | 50 | {s_median:.1} ms | {s_p99:.1} ms |");
    println!(
        "| per tool call: PreToolUse + PostToolUse, each waited for | 2 x 50 | {:.1} ms | {:.1} ms |",
        2.0 * s_median,
        2.0 * s_p99
    );
    println!("binary: {bin}");
}
