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

mod harness;
mod review_rows;
mod rows;

use harness::{Fixture, diff};
use rows::rows;

/// build.rs, whose `COMMANDS` list is the set of commands the table must cover.
const BUILD_RS: &str = include_str!("../build.rs");

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
