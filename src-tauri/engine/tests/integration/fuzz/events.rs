//! Agent events (SPEC I0 layer 2): what `grove hook` makes of an agent's call (`HookInput`,
//! `event_of`, `record_hook`), how the events file reads back (`since_launch`), and what the
//! hooks reader (`read_events`) concludes from it.
//!
//! The payload is whatever the agent sends on stdin or as an argument. Recording must never fail
//! or panic, write one bounded line that reads back as the same event, and keep nothing bulky;
//! reading the file must skip garbage, honour the last launch marker, and the reading must come
//! from the events themselves.

use chrono::{DateTime, Utc};
use grove_engine::events::{
    AgentEvent, HookEnv, HookInput, LAUNCH_EVENT, MAX_LINE_BYTES, Via, event_of, record_hook, since_launch,
    slim_payload,
};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::probe::agents::TailReader;
use grove_engine::probe::agents::hooks::read_events;
use grove_engine::session::Activity;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde::Deserialize;
use serde_json::Value;

use super::support::{bounded, byte_mutation, cases, corpus, hostile_bytes, instant, json_mutation, scratch};

/// Longest string a slimmed payload keeps, plus the `…` that marks a cut.
const MAX_KEPT_CHARS: usize = 400 + 1;

/// One line of a `hooks/*.jsonl` seed: a `grove hook` call or one of Grove's markers.
#[derive(Debug, Clone, Deserialize)]
struct HookCall {
    at: String,
    stdin: Option<Value>,
    args: Option<Vec<String>>,
    grove: Option<String>,
}

/// Every hook call of the seeds, with its agent (the seed's name starts with it).
fn hook_calls() -> Vec<(String, HookCall)> {
    let mut calls = Vec::new();
    for (name, bytes) in corpus("hooks") {
        let agent = ["claude-code", "codex", "aider"]
            .into_iter()
            .find(|a| name.starts_with(a))
            .unwrap_or_else(|| panic!("hook seed {name} does not start with its agent's name"));
        for line in String::from_utf8(bytes).expect("hook seeds are UTF-8").lines().filter(|l| !l.trim().is_empty()) {
            let call: HookCall = serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}: {e}: {line}"));
            if call.grove.is_none() {
                calls.push((agent.to_owned(), call));
            }
        }
    }
    calls
}

fn input_of(agent: &str, call: &HookCall) -> HookInput {
    HookInput {
        agent: agent.to_owned(),
        stdin: call.stdin.as_ref().map(|v| serde_json::to_vec(v).expect("JSON encodes")),
        args: call.args.clone().unwrap_or_default(),
    }
}

/// A real hook call, damaged: its stdin JSON edited structurally or byte by byte, its payload
/// argument edited, or either replaced by hostile bytes.
fn hook_input() -> impl Strategy<Value = HookInput> {
    select(hook_calls()).prop_flat_map(|(agent, call)| {
        let input = input_of(&agent, &call);
        let stdin = input.stdin.clone().unwrap_or_default();
        let arg = input.args.last().cloned().unwrap_or_default().into_bytes();
        let with_stdin = {
            let input = input.clone();
            move |stdin: Vec<u8>| HookInput { stdin: Some(stdin), ..input.clone() }
        };
        let with_arg = {
            let input = input.clone();
            move |arg: Vec<u8>| {
                let mut args = input.args.clone();
                let arg = String::from_utf8_lossy(&arg).into_owned();
                match args.last_mut() {
                    Some(last) => *last = arg,
                    None => args.push(arg),
                }
                HookInput { args, ..input.clone() }
            }
        };
        let structural = match call.stdin.clone() {
            Some(doc) => json_mutation(doc).boxed(),
            None => byte_mutation(stdin.clone()).boxed(),
        };
        prop_oneof![
            3 => structural.prop_map(with_stdin.clone()),
            2 => byte_mutation(stdin).prop_map(with_stdin.clone()),
            2 => byte_mutation(arg).prop_map(with_arg.clone()),
            1 => hostile_bytes().prop_map(with_stdin),
            1 => hostile_bytes().prop_map(with_arg),
            1 => Just(input),
        ]
    })
}

/// A session under a scratch home, as the hook finds it in its environment.
fn hook_env(root: &std::path::Path) -> HookEnv {
    HookEnv {
        home: GroveHome::at(root),
        project: ProjectId::new("fz").expect("valid id"),
        session: SessionId::new("fz-1").expect("valid id"),
    }
}

/// What slimming promises: an object (or nothing), no bulky keys, no string longer than the cut,
/// nested values only in `tool_input`, and those only strings.
fn assert_slim(payload: &Value, what: &str) {
    let map = match payload {
        Value::Null => return,
        Value::Object(map) => map,
        other => panic!("{what}: a slimmed payload is an object or null, got {other}"),
    };
    for key in ["tool_response", "permission_suggestions", "input-messages", "custom_instructions"] {
        assert!(!map.contains_key(key), "{what}: bulky key {key:?} was kept");
    }
    let short = |v: &Value| v.as_str().is_none_or(|s| s.chars().count() <= MAX_KEPT_CHARS);
    for (key, value) in map {
        match value {
            Value::Object(inner) => {
                assert_eq!(key, "tool_input", "{what}: nested object under {key:?} was kept");
                assert!(inner.values().all(|v| v.is_string() && short(v)), "{what}: tool_input kept {inner:?}");
            }
            Value::Array(_) => panic!("{what}: array under {key:?} was kept"),
            v => assert!(short(v), "{what}: string under {key:?} was not cut"),
        }
    }
}

/// Records `input` into a fresh events file, checks the line, and returns what reads back.
fn record_and_read(input: HookInput, at: DateTime<Utc>) -> (AgentEvent, Vec<String>, Vec<AgentEvent>) {
    bounded("recording a hook call", move || {
        let dir = scratch();
        let env = hook_env(dir.path());
        let event = event_of(&input, at);
        let path = record_hook(&env, &input, at).unwrap_or_else(|e| panic!("a hook call was not recorded: {e}"));
        let text = String::from_utf8(std::fs::read(&path).expect("the events file exists")).expect("lines are UTF-8");
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        let tail = TailReader::default().read(&path).expect("the events file reads");
        (event, lines, since_launch(&tail.lines))
    })
}

/// One events-file line of any kind: an event, a launch marker, or garbage (never a valid event).
#[derive(Debug, Clone)]
enum Line {
    Event(AgentEvent),
    Launch(AgentEvent),
    Garbage(String),
}

fn events_line() -> impl Strategy<Value = Line> {
    let calls = hook_calls();
    let event = (select(calls), instant()).prop_map(|((agent, call), at)| event_of(&input_of(&agent, &call), at));
    let launch = instant().prop_map(|at| AgentEvent {
        at,
        via: Via::Grove,
        agent: "claude-code".into(),
        event: LAUNCH_EVENT.into(),
        payload: Value::Null,
    });
    let garbage = hostile_bytes()
        .prop_map(|b| String::from_utf8_lossy(&b).replace(['\n', '\r'], " "))
        .prop_filter("garbage must not be an event", |g| serde_json::from_str::<AgentEvent>(g).is_err());
    prop_oneof![
        4 => event.prop_map(Line::Event),
        1 => launch.prop_map(Line::Launch),
        2 => garbage.prop_map(Line::Garbage),
    ]
}

/// A run of damaged hook calls, received in order.
fn run_of_events() -> impl Strategy<Value = Vec<AgentEvent>> {
    vec((hook_input(), instant()), 0..12).prop_map(|calls| {
        let mut events: Vec<AgentEvent> = calls.iter().map(|(input, at)| event_of(input, *at)).collect();
        events.sort_by_key(|e| e.at);
        events
    })
}

proptest! {
    #![proptest_config(cases(64))]

    /// A damaged hook call is recorded as one line that reads back as the same event: name,
    /// agent, channel and time, and the slimmed payload (dropped only when the line is too long).
    #[test]
    fn hook_calls_are_recorded_as_one_line_that_reads_back(input in hook_input(), at in instant()) {
        let shown = format!("{input:?}");
        let (event, lines, read) = record_and_read(input, at);
        prop_assert_eq!(lines.len(), 1, "one call, one line: {}", shown);
        prop_assert!(lines[0].ends_with('\n'), "the line is terminated");
        assert_slim(&event.payload, &shown);
        let [back] = read.as_slice() else { panic!("read back {} events from {:?}", read.len(), lines) };
        prop_assert!(lines[0].len() <= MAX_LINE_BYTES + 1, "a line of {} bytes: {}", lines[0].len(), shown);
        // A line over the limit is written bare: no payload, and the names cut to the kept length.
        let bare = serde_json::to_string(&event).expect("events encode").len() > MAX_LINE_BYTES;
        let kept = |full: &str| if bare { full.chars().take(MAX_KEPT_CHARS - 1).collect() } else { full.to_owned() };
        let got = (&back.at, back.via, &back.agent, &back.event);
        let want = (&event.at, event.via, &kept(&event.agent), &kept(&event.event));
        prop_assert_eq!(got, want, "the event read back is another one: {}", shown);
        let payload = if bare { &Value::Null } else { &event.payload };
        prop_assert_eq!(&back.payload, payload, "the payload read back differs: {}", shown);
    }

    /// Slimming bounds any payload, however large or deep.
    #[test]
    fn any_payload_is_slimmed_to_a_bounded_object(bytes in prop_oneof![hostile_bytes(), super::support::huge_line()]) {
        let text = || Value::String(String::from_utf8_lossy(&bytes).into_owned());
        let payload = serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|_| text());
        let slim = slim_payload(payload);
        assert_slim(&slim, "a hostile payload");
    }

    /// Reading an events file takes the events after the last launch marker, in order, and
    /// skips every line that is not an event.
    #[test]
    fn only_the_current_run_is_read_and_garbage_is_skipped(lines in vec(events_line(), 0..16)) {
        let text: Vec<String> = lines.iter().map(|l| match l {
            Line::Event(e) | Line::Launch(e) => serde_json::to_string(e).expect("events encode"),
            Line::Garbage(g) => g.clone(),
        }).collect();
        let read = bounded("reading an events file", move || since_launch(&text));
        let last_launch = lines.iter().rposition(|l| matches!(l, Line::Launch(_)));
        let expected: Vec<&AgentEvent> = lines[last_launch.map_or(0, |i| i + 1)..]
            .iter()
            .filter_map(|l| match l { Line::Event(e) => Some(e), _ => None })
            .collect();
        prop_assert_eq!(read.iter().collect::<Vec<_>>(), expected, "wrong events of the current run");
    }

    /// The hooks reader makes a reading of any run, from the events themselves: its time is one
    /// of theirs, its texts are bounded, an error comes only with `blocked`, and Claude's session
    /// id is the last one a hook reported.
    #[test]
    fn the_hooks_reader_reads_any_run(
        events in run_of_events(),
        agent in select(vec!["claude-code", "codex", "aider", "my-agent"]),
    ) {
        let shown = format!("{agent} on {} events", events.len());
        let given = events.clone();
        let reading = bounded("the hooks reader", move || read_events(agent, &given, Some("t-1")));
        let Some(reading) = reading else { return Ok(()) };
        let from_an_event = events.iter().any(|e| e.at == reading.at);
        prop_assert!(from_an_event, "{}: reading at {} is no event's time", shown, reading.at);
        for text in [&reading.detail, &reading.error].into_iter().flatten() {
            let chars = text.chars().count();
            prop_assert!(chars <= 2 * MAX_KEPT_CHARS + 32, "{}: unbounded text of {} chars", shown, chars);
        }
        if reading.error.is_some() {
            prop_assert_eq!(reading.activity, Activity::Blocked, "{}: an error without blocked", shown);
        }
        if agent != "codex" && agent != "aider" {
            let last_id = events.iter().filter(|e| e.via == Via::Hook).filter_map(|e| e.str("session_id")).next_back();
            prop_assert_eq!(reading.session_id.as_deref(), last_id, "{}: not the last reported session id", shown);
        }
    }

    /// Bytes no hook writes, in the events file, read as no events rather than a failure.
    #[test]
    fn hostile_events_files_read_without_failing(bytes in hostile_bytes()) {
        bounded("reading an events file", move || {
            let dir = scratch();
            let path = dir.path().join("fz-1.jsonl");
            std::fs::write(&path, &bytes).expect("write");
            let tail = TailReader::default().read(&path).expect("a readable file");
            let events = since_launch(&tail.lines);
            for agent in ["claude-code", "codex", "aider"] {
                let _ = read_events(agent, &events, Some("t-1"));
            }
        });
    }
}

proptest! {
    #![proptest_config(cases(16))]

    /// `MAX_LINE_BYTES` is "the longest line written to an events file": the tail reader and the
    /// file watcher rely on lines staying small, whatever the agent names its event.
    #[test]
    fn recorded_lines_never_exceed_the_line_limit(name_len in 0usize..20_000, at in instant()) {
        let payload = serde_json::json!({"hook_event_name": "E".repeat(name_len), "session_id": "s"});
        let stdin = Some(payload.to_string().into_bytes());
        let input = HookInput { agent: "claude-code".into(), stdin, args: Vec::new() };
        let (_, lines, _) = record_and_read(input, at);
        for line in &lines {
            prop_assert!(line.trim_end().len() <= MAX_LINE_BYTES, "a line of {} bytes was written", line.len());
        }
    }
}

/// Every seed call is recorded and read back whole, with its payload.
#[test]
fn seed_hook_calls_round_trip() {
    for (agent, call) in hook_calls() {
        let at = DateTime::parse_from_rfc3339(&call.at).expect("seed times are RFC 3339").with_timezone(&Utc);
        let (event, _, read) = record_and_read(input_of(&agent, &call), at);
        assert_eq!(read, [event], "{agent} call at {} did not read back", call.at);
    }
}
