//! The demo agent's input (SPEC I4): `run_demo_agent` reading whatever is typed or pasted into
//! its terminal (and the task file spawn gives it), through its bounded line reader.
//!
//! Typed bytes come back to the terminal in the agent's lines, so whatever is typed must never
//! put a control character (an escape sequence) on screen, nor a line that breaks the screen
//! patterns Grove reads; the agent must end at end of input, and report well-formed events.

use std::time::Duration;

use grove_engine::demo::{DEMO_SCREEN, DemoAgentOptions, Questions, run_demo_agent};
use grove_engine::events::{HookEnv, since_launch};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use super::support::{bounded, byte_mutation, cases, hostile_bytes, scratch, seed};

/// The lines the agent prints that carry no screen prefix.
const PLAIN_LINES: [&str; 2] = ["Grove demo agent", "Please answer y or n."];

/// Input of a terminal: real sessions damaged, hostile bytes, or many short lines of answers.
fn terminal_input() -> impl Strategy<Value = Vec<u8>> {
    let answers =
        vec(select(vec!["y", "n", "yes", "NO", "exit", "", "   ", "fix it", "\t\x1b[31mred", "\u{85}é"]), 0..12)
            .prop_map(|lines| lines.join("\n").into_bytes());
    prop_oneof![
        3 => seed("demo").prop_flat_map(|(_, b)| byte_mutation(b)),
        2 => hostile_bytes(),
        2 => answers,
    ]
}

/// Runs the demo agent on `input` (and `task` as its task file) in a worktree that does not
/// exist, so no turn runs git: what is tested is what the agent reads and prints.
fn run(input: Vec<u8>, task: Option<Vec<u8>>, questions: Questions) -> (String, Vec<String>, usize) {
    bounded("the demo agent", move || {
        let dir = scratch();
        let prompt_file = task.map(|bytes| {
            let path = dir.path().join("task.md");
            std::fs::write(&path, bytes).expect("write the task file");
            path
        });
        let env = HookEnv {
            home: GroveHome::at(dir.path().join("home")),
            project: ProjectId::new("demo").expect("valid id"),
            session: SessionId::new("demo-1").expect("valid id"),
        };
        let events_file = env.home.events_file(&env.project, &env.session);
        let opts = DemoAgentOptions {
            session_id: None,
            prompt_file,
            cwd: dir.path().join("no-such-worktree"),
            step_delay: Duration::ZERO,
            questions,
            report_to: Some(env),
        };
        let lines_in = input.split(|b| *b == b'\n').count();
        let mut output = Vec::new();
        run_demo_agent(opts, input.as_slice(), &mut output).expect("in-memory input and output never fail");
        let events: Vec<String> =
            std::fs::read_to_string(&events_file).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default();
        let output =
            String::from_utf8(output).unwrap_or_else(|e| panic!("the agent printed bytes that are not UTF-8: {e}"));
        (output, events, lines_in)
    })
}

fn questions() -> impl Strategy<Value = Questions> {
    prop_oneof![Just(Questions::Always), Just(Questions::Never), any::<u64>().prop_map(Questions::Seeded)]
}

proptest! {
    #![proptest_config(cases(48))]

    /// Whatever is typed, the screen gets only printable text in the agent's own line shapes,
    /// the agent ends with its goodbye, and every event it reports reads back.
    #[test]
    fn typed_input_never_reaches_the_screen_as_control_characters(
        input in terminal_input(),
        task in option::of(prop_oneof![hostile_bytes(), seed("demo").prop_map(|(_, b)| b)]),
        questions in questions(),
    ) {
        let (output, events, lines_in) = run(input, task, questions);
        for line in output.lines() {
            prop_assert!(!line.chars().any(char::is_control), "a control character reached the screen: {:?}", line);
            let prefixes = [
                DEMO_SCREEN.progress_prefix,
                DEMO_SCREEN.success_prefix,
                DEMO_SCREEN.failure_prefix,
                DEMO_SCREEN.question_prefix,
                DEMO_SCREEN.message_prefix,
            ];
            let shaped =
                prefixes.iter().any(|p| line.starts_with(p)) || PLAIN_LINES.iter().any(|p| line.starts_with(p));
            prop_assert!(shaped, "a line without one of the agent's shapes: {:?}", line);
            if line.starts_with(DEMO_SCREEN.question_prefix) {
                let asks = line.ends_with(DEMO_SCREEN.question_suffix);
                prop_assert!(asks, "a line looks like a question but is not: {:?}", line);
            }
        }
        prop_assert_eq!(output.lines().last(), Some(DEMO_SCREEN.goodbye), "the agent did not end with its goodbye");
        let turns = output.lines().filter(|l| l.contains("Working on: ")).count();
        prop_assert!(turns <= lines_in + 1, "{} turns from {} lines of input", turns, lines_in);
        prop_assert_eq!(since_launch(&events).len(), events.len(), "an event the agent reported does not read back");
    }
}

/// A line far longer than the reader keeps is cut, and the lines after it still arrive.
#[test]
fn a_huge_pasted_line_does_not_swallow_the_next() {
    let mut input = vec![b'x'; 200_000];
    input.extend_from_slice(b"\nsecond task\nexit\n");
    let (output, _, _) = run(input, None, Questions::Never);
    assert!(output.contains("Working on: second task"), "the line after a huge paste was lost:\n{output}");
}
