//! Issue #11: every command called with unknown ids, traversal ids, oversized and malformed
//! payloads answers an error (a typed `IpcError`, or Tauri's refusal of arguments that do not
//! deserialize) and writes nothing. Table-driven: each command of build.rs's `COMMANDS` has a
//! row, and a command added without one fails `every_command_in_build_rs_has_a_row`.
//!
//! The calls go through the real IPC path and capability file (`super::tests::invoke_in`), on a
//! GROVE_HOME holding a config with project `api` and one stopped session `api-1`, so refusals of
//! a known project or session are covered too. No case may be valid: a valid `open_link` would run
//! the system opener and a valid `send_message` would restore `api-1`'s agent.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tauri::WebviewWindow;
use tauri::test::MockRuntime;

use super::tests::{invoke_in, window_in};

/// build.rs, whose `COMMANDS` list is the set of commands the table must cover.
const BUILD_RS: &str = include_str!("build.rs");

/// A channel argument as the webview sends it.
const CHANNEL: &str = "__CHANNEL__:1";
/// A well-formed id of nothing on disk.
const UNKNOWN: &str = "api-404";
/// The session on disk: stopped for restore, no PR, a worktree that does not exist.
const KNOWN: &str = "api-1";
/// Over the 10,000-character limit of messages and prompts (SPEC F2).
const MESSAGE_LIMIT: usize = 10_000;
/// One byte over the 64 KiB limit of one `terminal_input`.
const INPUT_LIMIT: usize = 64 * 1024;
const TEN_MB: usize = 10 * 1024 * 1024;

/// What a bad call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A typed `IpcError` with this code: the command ran and refused.
    Code(&'static str),
    /// Tauri refused the arguments before the command ran; the error's text names this (the
    /// argument's key, or "channel" for a channel id that does not parse).
    Refused(&'static str),
    /// Success: a documented no-op (closing a viewer already gone, a call without arguments
    /// given extra ones). Still writes nothing.
    Ok,
}

struct Case {
    what: String,
    args: Value,
    expect: Expect,
}

struct Row {
    cmd: &'static str,
    cases: Vec<Case>,
    /// Why a command has no case at all.
    not_invoked: Option<&'static str>,
}

fn case(what: impl Into<String>, args: Value, expect: Expect) -> Case {
    Case { what: what.into(), args, expect }
}

fn row(cmd: &'static str, cases: Vec<Case>) -> Row {
    Row { cmd, cases, not_invoked: None }
}

/// Ids a path must never be built from: traversal, separators, empty, oversized, control chars.
fn bad_ids() -> Vec<(&'static str, String)> {
    vec![
        ("traversal ../../etc", "../../etc".into()),
        ("separator a/b", "a/b".into()),
        ("dot-dot", "..".into()),
        ("empty", String::new()),
        ("10 KB id", "a".repeat(10 * 1024)),
        ("NUL in the id", "api\0-1".into()),
        ("newline in the id", "api-1\nx".into()),
        ("leading dash", "-api-1".into()),
    ]
}

/// `args` with `key` removed (a missing argument).
fn without(mut args: Value, key: &str) -> Value {
    args.as_object_mut().expect("args are an object").remove(key);
    args
}

/// `args` with `key` set to `value`.
fn with(mut args: Value, key: &str, value: Value) -> Value {
    args.as_object_mut().expect("args are an object").insert(key.to_owned(), value);
    args
}

/// Values of the wrong JSON type for a string argument.
fn not_strings() -> Vec<(&'static str, Value)> {
    vec![
        ("a number", json!(7)),
        ("an object", json!({"id": KNOWN})),
        ("an array", json!([KNOWN])),
        ("null", Value::Null),
        ("a bool", json!(true)),
    ]
}

/// Values that are no `u16`/`u32`/`u64` id or count.
fn not_unsigned(max: u128) -> Vec<(String, Value)> {
    let over: Value = serde_json::from_str(&(max + 1).to_string()).expect("a JSON number");
    vec![
        ("negative".into(), json!(-1)),
        (format!("{} (one over the type's max)", max + 1), over),
        ("1e30".into(), json!(1e30)),
        ("a fraction".into(), json!(1.5)),
        ("a numeric string".into(), json!("1")),
        ("an object".into(), json!({"id": 1})),
        ("an array".into(), json!([1])),
        ("null".into(), Value::Null),
    ]
}

/// Cases of a command whose `session` argument names a session: bad ids, an unknown one, wrong
/// types, the argument missing and a payload that is not an object. `args(id)` is a valid call
/// for `id`; `first_key` is the first argument Tauri deserializes.
fn session_cases(args: impl Fn(Value) -> Value, first_key: &'static str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (what, id) in bad_ids() {
        cases.push(case(format!("session: {what}"), args(json!(id)), Expect::Code("invalid_input")));
    }
    cases.push(case("session: unknown api-404", args(json!(UNKNOWN)), Expect::Code("not_found")));
    for (what, value) in not_strings() {
        cases.push(case(format!("session: {what}"), args(value), Expect::Refused("session")));
    }
    cases.push(case("session: missing", without(args(json!(KNOWN)), "session"), Expect::Refused("session")));
    cases.push(case("payload: an array", json!([KNOWN]), Expect::Refused(first_key)));
    cases
}

/// Cases of an unsigned numeric argument `key` of the wrong type or out of range.
fn number_cases(args: &Value, key: &'static str, max: u128) -> Vec<Case> {
    let mut cases: Vec<Case> = not_unsigned(max)
        .into_iter()
        .map(|(what, value)| case(format!("{key}: {what}"), with(args.clone(), key, value), Expect::Refused(key)))
        .collect();
    cases.push(case(format!("{key}: missing"), without(args.clone(), key), Expect::Refused(key)));
    cases
}

/// Cases of a channel argument `key` that is missing or not a channel.
fn channel_cases(args: &Value, key: &'static str) -> Vec<Case> {
    vec![
        case(format!("{key}: missing"), without(args.clone(), key), Expect::Refused(key)),
        case(format!("{key}: a number"), with(args.clone(), key, json!(1)), Expect::Refused(key)),
        case(format!("{key}: an object"), with(args.clone(), key, json!({"id": 1})), Expect::Refused(key)),
        case(format!("{key}: not a channel id"), with(args.clone(), key, json!("nope")), Expect::Refused("channel")),
        case(
            format!("{key}: traversal as a channel id"),
            with(args.clone(), key, json!("__CHANNEL__:../../etc")),
            Expect::Refused("channel"),
        ),
    ]
}

/// A command without arguments ignores what it is given: junk arguments are a no-op.
fn no_arg_cases() -> Vec<Case> {
    vec![
        case("extra junk arguments are ignored", json!({"session": "../../etc", "n": -1}), Expect::Ok),
        case("a payload that is not an object", json!(["../../etc"]), Expect::Ok),
    ]
}

/// The table: every command of build.rs's `COMMANDS`, with its bad calls.
fn rows() -> Vec<Row> {
    let huge_message = "m".repeat(TEN_MB);
    let over_message = "m".repeat(MESSAGE_LIMIT + 1);
    let mut rows = vec![
        row("app_info", no_arg_cases()),
        row("tool_status", no_arg_cases()),
        row("spawn_options", no_arg_cases()),
        row("cancel_quit", no_arg_cases()),
        row("last_stop", no_arg_cases()),
        row("decline_last_stop", no_arg_cases()),
        Row {
            cmd: "quit_app",
            cases: Vec::new(),
            not_invoked: Some(
                "takes no input to refuse, and any call runs the quit path, whose watchdog exits the \
                 test process; lifecycle tests cover it",
            ),
        },
    ];

    let restore = json!({"onProgress": CHANNEL});
    let mut cases = channel_cases(&restore, "onProgress");
    cases.push(case("nothing recorded: an empty report", restore.clone(), Expect::Ok));
    rows.push(row("restore_last_stop", cases));

    rows.push(row("feed_subscribe", channel_cases(&json!({"onEvent": CHANNEL}), "onEvent")));

    let sub = json!({"subscription": 999_999});
    let mut cases = vec![
        case("unknown subscription 999999", sub.clone(), Expect::Code("not_found")),
        case("unknown subscription 0", json!({"subscription": 0}), Expect::Code("not_found")),
        case("unknown subscription u64::MAX", json!({"subscription": u64::MAX}), Expect::Code("not_found")),
    ];
    cases.extend(number_cases(&sub, "subscription", u64::MAX.into()));
    rows.push(row("feed_resync", cases));

    let mut cases = vec![
        case("unknown subscription: a documented no-op", sub.clone(), Expect::Ok),
        case("unknown subscription u64::MAX: a no-op", json!({"subscription": u64::MAX}), Expect::Ok),
    ];
    cases.extend(number_cases(&sub, "subscription", u64::MAX.into()));
    rows.push(row("feed_unsubscribe", cases));

    // spawn_session: the request is a structured input with `deny_unknown_fields`.
    let spawn = |request: Value| json!({"request": request, "onProgress": CHANNEL});
    let mut cases = Vec::new();
    for (what, id) in bad_ids() {
        cases.push(case(format!("project: {what}"), spawn(json!({"project": id})), Expect::Code("invalid_input")));
    }
    let unknown_project =
        case("project: unknown api-404", spawn(json!({"project": UNKNOWN, "prompt": "x"})), Expect::Code("not_found"));
    cases.push(unknown_project);
    for (what, value) in not_strings() {
        cases.push(case(format!("project: {what}"), spawn(json!({"project": value})), Expect::Refused("request")));
    }
    // The unknown project keeps these from spawning anything were the field not refused.
    for (what, request) in [
        ("an unknown extra field", json!({"project": UNKNOWN, "prompt": "x", "bogus": 1})),
        ("a snake_case field name", json!({"project": UNKNOWN, "default_branch": "main"})),
        ("project missing", json!({"prompt": "x"})),
        ("agent: a number", json!({"project": UNKNOWN, "agent": 7})),
        ("prompt: an object", json!({"project": UNKNOWN, "prompt": {"text": "x"}})),
        ("a string", json!(UNKNOWN)),
        ("an array of a number", json!([7])),
        ("an array with an extra element", json!([UNKNOWN, null, null, "x", null, "extra"])),
        ("null", Value::Null),
    ] {
        cases.push(case(format!("request: {what}"), spawn(request), Expect::Refused("request")));
    }
    // serde reads a struct from a positional array too: `["api-404"]` is `{"project": "api-404"}`,
    // an unknown project, refused at validation like the object form.
    cases.push(case("request: positional array", spawn(json!([UNKNOWN])), Expect::Code("not_found")));
    cases.push(case("request: missing", json!({"onProgress": CHANNEL}), Expect::Refused("request")));
    cases.push(case("payload: an array", json!([{"project": UNKNOWN}]), Expect::Refused("request")));
    cases.extend(channel_cases(&spawn(json!({"project": UNKNOWN})), "onProgress"));
    // Project `api` is in the config: these pass the id checks and must stop at validation.
    for (what, request) in [
        ("unknown agent", json!({"project": "api", "agent": "nope"})),
        ("10 MB agent name", json!({"project": "api", "agent": "a".repeat(TEN_MB)})),
        ("prompt of 10,001 characters", json!({"project": "api", "prompt": over_message})),
        ("prompt of 10 MB", json!({"project": "api", "prompt": huge_message})),
        ("branch ../x", json!({"project": "api", "branch": "../x"})),
        ("branch -x", json!({"project": "api", "branch": "-x"})),
        ("branch with a space", json!({"project": "api", "branch": "a b"})),
        ("branch with a newline", json!({"project": "api", "branch": "a\nb"})),
    ] {
        cases.push(case(format!("project api, {what}"), spawn(request), Expect::Code("invalid_input")));
    }
    let nul_branch = case(
        "project api, branch with NUL",
        spawn(json!({"project": "api", "branch": "a\0b"})),
        Expect::Code("invalid_input"),
    );
    cases.push(nul_branch);
    let huge_issue = case(
        "project api, issue of 10 MB",
        spawn(json!({"project": "api", "issue": "1".repeat(TEN_MB)})),
        Expect::Code("invalid_input"),
    );
    cases.push(huge_issue);
    rows.push(row("spawn_session", cases));

    let send = |session: Value| json!({"session": session, "message": "hi"});
    let mut cases = session_cases(send, "session");
    for (what, session) in [("unknown api-404", UNKNOWN), ("known api-1", KNOWN), ("traversal", "../../etc")] {
        for (size, message) in [("10,001 characters", &over_message), ("10 MB", &huge_message)] {
            let args = json!({"session": session, "message": message});
            cases.push(case(format!("{what}, message of {size}"), args, Expect::Code("invalid_input")));
        }
    }
    for (what, value) in not_strings() {
        let args = json!({"session": KNOWN, "message": value});
        cases.push(case(format!("message: {what}"), args, Expect::Refused("message")));
    }
    cases.push(case("message: missing", json!({"session": KNOWN}), Expect::Refused("message")));
    rows.push(row("send_message", cases));

    let kill = |session: Value| json!({"session": session, "discard": false});
    let mut cases = session_cases(kill, "session");
    for (what, value) in [("a string", json!("yes")), ("a number", json!(1)), ("null", Value::Null)] {
        let args = json!({"session": KNOWN, "discard": value});
        cases.push(case(format!("discard: {what}"), args, Expect::Refused("discard")));
    }
    cases.push(case("discard: missing", json!({"session": KNOWN}), Expect::Refused("discard")));
    rows.push(row("kill_session", cases));

    rows.push(row("restore_session", session_cases(|s| json!({"session": s}), "session")));

    let open = |session: Value| json!({"session": session, "target": "file_manager"});
    let mut cases = session_cases(open, "session");
    cases.push(case(
        "known api-1 whose worktree does not exist",
        json!({"session": KNOWN, "target": "editor"}),
        Expect::Code("not_found"),
    ));
    for (what, value) in [
        ("unknown target", json!("terminal")),
        ("wrong case", json!("Editor")),
        ("a path", json!("/usr/bin/xterm")),
        ("a number", json!(0)),
        // `{"editor": null}` is serde's map form of `"editor"`; an unknown variant is refused.
        ("an object of an unknown variant", json!({"terminal": null})),
        ("null", Value::Null),
    ] {
        let args = json!({"session": KNOWN, "target": value});
        cases.push(case(format!("target: {what}"), args, Expect::Refused("target")));
    }
    cases.push(case("target: missing", json!({"session": KNOWN}), Expect::Refused("target")));
    rows.push(row("open_worktree", cases));

    let mut cases = session_cases(|s| json!({"session": s}), "session");
    cases.push(case("known api-1 without a pull request", json!({"session": KNOWN}), Expect::Code("not_found")));
    rows.push(row("open_pr", cases));

    rows.push(row("attach_command", session_cases(|s| json!({"session": s}), "session")));

    // set_focus takes `<project>/<session>` or null; the key is not looked up (it only steers
    // notifications), so a well-formed key of an unknown session is a no-op.
    let mut cases = vec![
        case("a well-formed key of an unknown session: a no-op", json!({"session": "api/api-404"}), Expect::Ok),
        case("separator a/b is a well-formed key: a no-op", json!({"session": "a/b"}), Expect::Ok),
        case("null: no session focused", json!({"session": null}), Expect::Ok),
        case("missing: no session focused", json!({}), Expect::Ok),
    ];
    for (what, key) in [
        ("traversal ../../etc", "../../etc".to_owned()),
        ("traversal in the session part", "api/../x".to_owned()),
        ("three parts", "api/api-1/x".to_owned()),
        ("dot-dot", "..".to_owned()),
        ("empty", String::new()),
        ("no separator", UNKNOWN.to_owned()),
        ("10 KB key", format!("api/{}", "a".repeat(10 * 1024))),
        ("NUL in the key", "api/api\0-1".to_owned()),
        ("newline in the key", "api/api-1\n".to_owned()),
    ] {
        cases.push(case(format!("session: {what}"), json!({"session": key}), Expect::Code("invalid_input")));
    }
    for (what, value) in not_strings().into_iter().filter(|(_, v)| !v.is_null()) {
        cases.push(case(format!("session: {what}"), json!({"session": value}), Expect::Refused("session")));
    }
    rows.push(row("set_focus", cases));

    let term_open = |session: Value| json!({"session": session, "cols": 80, "rows": 24, "onOutput": CHANNEL, "onStatus": "__CHANNEL__:2"});
    let mut cases = session_cases(term_open, "session");
    let valid = term_open(json!(KNOWN));
    for (cols, rows) in [(0, 0), (1, 1), (5000, 5000), (1001, 24), (80, 501), (80, 0), (u16::MAX, u16::MAX)] {
        for session in [KNOWN, UNKNOWN] {
            let args = with(with(term_open(json!(session)), "cols", json!(cols)), "rows", json!(rows));
            cases.push(case(format!("{session}, size {cols}x{rows}"), args, Expect::Code("invalid_input")));
        }
    }
    cases.extend(number_cases(&valid, "cols", u16::MAX.into()));
    cases.extend(number_cases(&valid, "rows", u16::MAX.into()));
    cases.extend(channel_cases(&valid, "onOutput"));
    cases.extend(channel_cases(&valid, "onStatus"));
    rows.push(row("terminal_open", cases));

    let input = json!({"viewer": 999, "data": "x"});
    let mut cases = vec![
        case("unknown viewer 999", input.clone(), Expect::Code("not_found")),
        case("unknown viewer 0", json!({"viewer": 0, "data": "x"}), Expect::Code("not_found")),
        case("unknown viewer u32::MAX", json!({"viewer": u32::MAX, "data": "x"}), Expect::Code("not_found")),
        case("empty input to an unknown viewer", json!({"viewer": 999, "data": ""}), Expect::Code("not_found")),
        case(
            "64 KiB + 1 bytes",
            json!({"viewer": 999, "data": "x".repeat(INPUT_LIMIT + 1)}),
            Expect::Code("invalid_input"),
        ),
        case(
            "64 KiB + 1 bytes of 2-byte characters",
            json!({"viewer": 999, "data": "é".repeat(INPUT_LIMIT / 2 + 1)}),
            Expect::Code("invalid_input"),
        ),
        case("10 MB", json!({"viewer": 999, "data": "x".repeat(TEN_MB)}), Expect::Code("invalid_input")),
    ];
    cases.extend(number_cases(&input, "viewer", u32::MAX.into()));
    for (what, value) in not_strings() {
        cases.push(case(format!("data: {what}"), with(input.clone(), "data", value), Expect::Refused("data")));
    }
    cases.push(case("data: missing", without(input.clone(), "data"), Expect::Refused("data")));
    rows.push(row("terminal_input", cases));

    let resize = json!({"viewer": 999, "cols": 80, "rows": 24});
    let mut cases = vec![case("unknown viewer 999", resize.clone(), Expect::Code("not_found"))];
    for (cols, rows) in [(0, 0), (1, 1), (5000, 5000), (1001, 24), (80, 501), (u16::MAX, u16::MAX)] {
        let args = json!({"viewer": 999, "cols": cols, "rows": rows});
        cases.push(case(format!("size {cols}x{rows}"), args, Expect::Code("invalid_input")));
    }
    cases.extend(number_cases(&resize, "viewer", u32::MAX.into()));
    cases.extend(number_cases(&resize, "cols", u16::MAX.into()));
    cases.extend(number_cases(&resize, "rows", u16::MAX.into()));
    rows.push(row("terminal_resize", cases));

    let ack = json!({"viewer": 999, "bytes": 1024});
    let mut cases = vec![
        case("unknown viewer 999", ack.clone(), Expect::Code("not_found")),
        case("unknown viewer, u32::MAX bytes", json!({"viewer": 999, "bytes": u32::MAX}), Expect::Code("not_found")),
    ];
    cases.extend(number_cases(&ack, "viewer", u32::MAX.into()));
    cases.extend(number_cases(&ack, "bytes", u32::MAX.into()));
    rows.push(row("terminal_ack", cases));

    let close = json!({"viewer": 999});
    let mut cases = vec![
        case("unknown viewer 999: a documented no-op", close.clone(), Expect::Ok),
        case("unknown viewer 0: a no-op", json!({"viewer": 0}), Expect::Ok),
        case("unknown viewer u32::MAX: a no-op", json!({"viewer": u32::MAX}), Expect::Ok),
    ];
    cases.extend(number_cases(&close, "viewer", u32::MAX.into()));
    rows.push(row("terminal_close", cases));

    let mut cases = Vec::new();
    for (what, url) in [
        ("file:///etc/passwd", "file:///etc/passwd".to_owned()),
        ("javascript:alert(1)", "javascript:alert(1)".to_owned()),
        ("a custom scheme", "vscode://file/etc/passwd".to_owned()),
        ("no scheme", "example.com".to_owned()),
        ("upper-case scheme", "HTTPS://example.com".to_owned()),
        ("empty", String::new()),
        ("a space", "https://x y".to_owned()),
        ("a leading space", " https://example.com".to_owned()),
        ("a 3 KB URL", format!("https://example.com/{}", "a".repeat(3 * 1024))),
        ("a 10 MB URL", format!("https://example.com/{}", "a".repeat(TEN_MB))),
        ("a control character (BEL)", "https://example.com/\u{7}".to_owned()),
        ("a NUL", "https://example.com/\0".to_owned()),
        ("a newline", "https://example.com/\nrm -rf ~".to_owned()),
        ("DEL", "https://example.com/\u{7f}".to_owned()),
    ] {
        cases.push(case(format!("url: {what}"), json!({"url": url}), Expect::Code("invalid_input")));
    }
    for (what, value) in not_strings() {
        cases.push(case(format!("url: {what}"), json!({"url": value}), Expect::Refused("url")));
    }
    cases.push(case("url: missing", json!({}), Expect::Refused("url")));
    rows.push(row("open_link", cases));
    rows
}

/// The names in build.rs's `COMMANDS`.
fn build_rs_commands() -> Vec<String> {
    let start = BUILD_RS.find("const COMMANDS").expect("build.rs declares COMMANDS");
    let list = &BUILD_RS[start..];
    let list = &list[list.find("&[").expect("COMMANDS is a slice") + 2..];
    let list = &list[..list.find("];").expect("COMMANDS ends")];
    list.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn every_command_in_build_rs_has_a_row() {
    let commands = build_rs_commands();
    assert!(commands.len() >= 25, "COMMANDS parsed from build.rs: {commands:?}");
    let commands: BTreeSet<String> = commands.into_iter().collect();
    let rows = rows();
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert!(seen.insert(row.cmd.to_owned()), "{} has two rows", row.cmd);
        assert!(
            !row.cases.is_empty() || row.not_invoked.is_some(),
            "{} has no case and no reason why it is not invoked",
            row.cmd
        );
    }
    let missing: Vec<_> = commands.difference(&seen).collect();
    let extra: Vec<_> = seen.difference(&commands).collect();
    assert!(missing.is_empty(), "commands in build.rs's COMMANDS without a row in the IPC input table: {missing:?}");
    assert!(extra.is_empty(), "rows for commands that are not in build.rs's COMMANDS: {extra:?}");
}

// ---------------------------------------------------------------------------------------------
// The fixture and the "writes nothing" check.

/// A stopped session of project `api`, restorable, with no PR and no worktree on disk.
fn record(id: &str) -> String {
    json!({
        "version": 1, "id": id, "projectId": "api", "kind": "worker", "agent": "claude-code",
        "runtime": "tmux", "branch": format!("session/{id}"), "worktree": format!("/nonexistent/grove-ipc/{id}"),
        "createdAt": "2026-01-02T03:04:05Z", "displayName": "ipc input tests",
        "lifecycle": {
            "session": {"state": "terminated", "reason": "stopped_for_restore", "startedAt": null,
                        "lastTransitionAt": "2026-01-02T03:04:06Z", "terminatedAt": "2026-01-02T03:04:06Z"},
            "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
            "runtime": {"state": "exited", "reason": "stopped_for_restore", "handle": null}
        }
    })
    .to_string()
}

struct Fixture {
    _dir: tempfile::TempDir,
    /// GROVE_HOME, and the project's directory (not a git repository, so nothing could spawn).
    roots: Vec<PathBuf>,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Fixture {
    /// An app on a home with project `api` and session `api-1`, its engine started and its
    /// start-up writes settled.
    fn start() -> (Fixture, Tree) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let repo = dir.path().join("repo");
        let sessions = home.join("projects").join("api").join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        std::fs::create_dir_all(&repo).unwrap();
        let config = format!("[projects.api]\npath = {:?}\n", repo.display().to_string());
        std::fs::write(home.join("config.toml"), config).unwrap();
        std::fs::write(sessions.join(format!("{KNOWN}.json")), record(KNOWN)).unwrap();
        let (app, window) = window_in(&home);
        // spawn_options waits for the engine (up to 30 s), so later calls find it running and
        // the synchronous terminal commands do not answer "not running".
        let options = invoke_in(&window, "spawn_options", json!({})).expect("the engine starts");
        let projects: Vec<_> = options["projects"].as_array().into_iter().flatten().map(|p| &p["id"]).collect();
        assert_eq!(projects, [&json!("api")], "the fixture's config is in force: {options}");
        let fixture = Fixture { _dir: dir, roots: vec![home, repo], _app: app, window };
        let baseline = fixture.settled("start-up");
        (fixture, baseline)
    }

    fn snapshot(&self) -> Tree {
        let mut tree = BTreeMap::new();
        for (i, root) in self.roots.iter().enumerate() {
            walk(root, &PathBuf::from(format!("root{i}")), &mut tree);
        }
        tree
    }

    /// The tree once it has stopped changing: the same for 1 s in a row, within 30 s.
    fn settled(&self, what: &str) -> Tree {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = self.snapshot();
        let mut stable_since = Instant::now();
        while stable_since.elapsed() < Duration::from_secs(1) {
            assert!(Instant::now() < deadline, "the data directory kept changing for 30 s after {what}: {last:#?}");
            std::thread::sleep(Duration::from_millis(50));
            let now = self.snapshot();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
        last
    }

    /// Runs `cases` of `cmd`; returns what went wrong, one line per case.
    fn run(&self, cmd: &str, cases: &[&Case], tree: &mut Tree) -> Vec<String> {
        let mut failures = Vec::new();
        for case in cases {
            let outcome = invoke_in(&self.window, cmd, case.args.clone());
            let context = format!("{cmd} [{}] with {}", case.what, short(&case.args.to_string()));
            if let Err(problem) = check(case.expect, &outcome) {
                failures.push(format!("{context}: expected {:?}, {problem}; got {}", case.expect, shown(&outcome)));
            }
            let after = self.snapshot();
            if after != *tree {
                failures.push(format!("{context}: wrote to the data directory: {}", diff(tree, &after)));
                *tree = after;
            }
        }
        failures
    }
}

fn check(expect: Expect, outcome: &Result<Value, Value>) -> Result<(), String> {
    match (expect, outcome) {
        (Expect::Ok, Ok(_)) => Ok(()),
        (Expect::Ok, Err(_)) => Err("but it failed".into()),
        (_, Ok(_)) => Err("but it succeeded".into()),
        (Expect::Code(code), Err(error)) => {
            let message = error.get("message").and_then(Value::as_str);
            if message.is_none_or(str::is_empty) || error.get("step").is_none() {
                return Err("but it is no typed IpcError {code, message, step}".into());
            }
            match error.get("code").and_then(Value::as_str) {
                Some(actual) if actual == code => Ok(()),
                actual => Err(format!("but the code is {actual:?}")),
            }
        }
        (Expect::Refused(needle), Err(error)) => {
            let message = error.as_str().or_else(|| error.get("message").and_then(Value::as_str)).unwrap_or_default();
            if message.contains(needle) { Ok(()) } else { Err(format!("but the message does not name {needle:?}")) }
        }
    }
}

/// Each file and directory under a root: kind, size, modification time and a hash of the contents.
type Tree = BTreeMap<PathBuf, String>;

fn walk(dir: &Path, rel: &Path, tree: &mut Tree) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let (path, name) = (entry.path(), entry.file_name());
        // Logging may append to logs/ at any time; it is no write of the command under test.
        if rel.components().count() == 1 && name == "logs" {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let mtime = meta.modified().ok();
        let key = rel.join(&name);
        if meta.is_dir() {
            tree.insert(key.clone(), format!("dir mtime {mtime:?}"));
            walk(&path, &key, tree);
        } else {
            let mut hasher = DefaultHasher::new();
            std::fs::read(&path).ok().hash(&mut hasher);
            let hash = hasher.finish();
            tree.insert(key, format!("file {} bytes, mtime {mtime:?}, hash {hash:x}", meta.len()));
        }
    }
}

fn diff(before: &Tree, after: &Tree) -> String {
    let mut lines = Vec::new();
    for (path, entry) in after {
        match before.get(path) {
            None => lines.push(format!("+ {} ({entry})", path.display())),
            Some(old) if old != entry => lines.push(format!("~ {} ({old} -> {entry})", path.display())),
            Some(_) => {}
        }
    }
    lines.extend(before.keys().filter(|p| !after.contains_key(*p)).map(|p| format!("- {}", p.display())));
    lines.join("; ")
}

fn short(text: &str) -> String {
    const MAX: usize = 160;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}... ({} bytes)", text.chars().take(MAX).collect::<String>(), text.len())
    }
}

fn shown(outcome: &Result<Value, Value>) -> String {
    match outcome {
        Ok(value) => format!("Ok({})", short(&value.to_string())),
        Err(error) => format!("Err({})", short(&error.to_string())),
    }
}

/// Runs the cases `pick` selects of every row, then checks the tree once more after it settles.
fn run_table(pick: impl Fn(&Case) -> bool) {
    let (fixture, baseline) = Fixture::start();
    let mut tree = baseline.clone();
    let mut failures = Vec::new();
    let mut ran = 0;
    for row in rows() {
        let cases: Vec<&Case> = row.cases.iter().filter(|c| pick(c)).collect();
        ran += cases.len();
        failures.extend(fixture.run(row.cmd, &cases, &mut tree));
    }
    assert!(ran > 0, "no case was selected");
    let end = fixture.settled("the last call");
    if end != baseline {
        failures.push(format!("the data directory changed after the calls settled: {}", diff(&baseline, &end)));
    }
    assert!(failures.is_empty(), "{} problem(s) in {ran} bad calls:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_command_refuses_bad_ids_oversized_and_malformed_payloads_with_a_typed_error_and_writes_nothing() {
    run_table(|_| true);
}
