//! The demo agent (SPEC I4): a pretend coding agent that really edits and commits in its worktree,
//! sometimes asks a question and waits, then waits for further messages like an agent's REPL.

use std::io::{self, BufRead, Write};
use std::path::Path;

use serde_json::json;

use super::input::read_message;
use super::options::DemoAgentOptions;
use super::project::DEMO_AGENT;
use super::screen::{DEMO_SCREEN, Screen};
use super::work::{CHANGELOG_FILE, TODO_FILE, append_line, commit_file};
use crate::events::{AgentEvent, Via, append};

/// The task when no prompt file is given or it cannot be read: the seeded repository's real bug.
const DEFAULT_TASK: &str = "Fix the failing test for an empty list";
/// Longest task summary shown and used as a commit subject; git's convention keeps subjects
/// short enough to read in `git log --oneline`.
const SUMMARY_CHARS: usize = 60;
/// The question asked on turns that ask one.
const QUESTION: &str = "Should I also note this change in CHANGELOG.md?";
/// Lines of a multi-line message echoed under "Working on", enough for a batch of comments.
const MESSAGE_LINES_SHOWN: usize = 40;
/// The word that ends the agent, as in most agent REPLs.
const EXIT_WORD: &str = "exit";

/// How the user answered a question.
enum Answer {
    Yes,
    No,
    /// `exit` or end of input: the agent stops.
    Quit,
}

/// Runs the demo agent until `exit` or end of input. The first turn works on the task from
/// `opts.prompt_file` (or a default task); each further non-empty line of `input` starts another
/// turn. Every turn edits `TODO.md` in `opts.cwd` and commits it; a turn that asks (see
/// `opts.questions`) waits for a y/n answer and, on yes, also edits and commits `CHANGELOG.md`.
/// Lines printed follow [`DEMO_SCREEN`](super::DEMO_SCREEN).
///
/// Only reading `input` or writing `output` can fail; a failed edit or git command is printed
/// and the agent carries on, as a real agent does after a failed tool call.
pub fn run_demo_agent(opts: DemoAgentOptions, mut input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut screen = Screen::new(output, opts.step_delay);
    let session = opts.session_id.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
    screen.line(&format!("Grove demo agent{session}: a pretend coding agent, no account needed."))?;
    let mut message = first_task(&mut screen, opts.prompt_file.as_deref())?;
    for turn in 1u64.. {
        if let Answer::Quit = run_turn(&mut screen, &mut input, &opts, turn, &message)? {
            break;
        }
        screen
            .line(&format!("{} - send a message for another turn, or \"{EXIT_WORD}\".", DEMO_SCREEN.turn_complete))?;
        match next_message(&mut input)? {
            Some(next) => message = next,
            None => break,
        }
    }
    screen.line(DEMO_SCREEN.goodbye)
}

/// The task from the prompt file, or the default task (saying why).
fn first_task<W: Write>(screen: &mut Screen<W>, prompt_file: Option<&Path>) -> io::Result<String> {
    let Some(path) = prompt_file else {
        screen.step(&format!("No task given; working on the demo task: {DEFAULT_TASK}"))?;
        return Ok(DEFAULT_TASK.to_owned());
    };
    let task = std::fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    match task {
        Ok(text) if !summary(&text).is_empty() => Ok(text),
        Ok(_) => {
            screen.step(&format!("The task file is empty; working on the demo task: {DEFAULT_TASK}"))?;
            Ok(DEFAULT_TASK.to_owned())
        }
        Err(e) => {
            screen.failure(&format!("Could not read the task file {}: {e}", path.display()))?;
            screen.step(&format!("Working on the demo task instead: {DEFAULT_TASK}"))?;
            Ok(DEFAULT_TASK.to_owned())
        }
    }
}

/// The next non-empty line, or `None` on `exit` or end of input.
fn next_message(input: &mut impl BufRead) -> io::Result<Option<String>> {
    while let Some(line) = read_message(input)? {
        let line = line.trim();
        if line.eq_ignore_ascii_case(EXIT_WORD) {
            return Ok(None);
        }
        if !line.is_empty() {
            return Ok(Some(line.to_owned()));
        }
    }
    Ok(None)
}

/// One turn on `message`: read, edit, commit, perhaps ask and act on the answer.
fn run_turn<W: Write>(
    screen: &mut Screen<W>,
    input: &mut impl BufRead,
    opts: &DemoAgentOptions,
    turn: u64,
    message: &str,
) -> io::Result<Answer> {
    let task = summary(message);
    // The whole message, as Claude Code's hook reports it: a multi-line message (review comments)
    // is visible in the events as what the agent received.
    report(opts, "UserPromptSubmit", json!({ "prompt": message }));
    screen.step(&format!("Working on: {task}"))?;
    // The rest of a multi-line message (review comments), so the user sees what arrived.
    // The task file is read as it is, so control characters are dropped here as for typed input.
    for line in message.lines().skip(1).take(MESSAGE_LINES_SHOWN) {
        let shown: String = line.chars().map(|c| if c == '\t' { ' ' } else { c }).filter(|c| !c.is_control()).collect();
        screen.line(&format!("{}{shown}", DEMO_SCREEN.message_prefix))?;
    }
    for file in ["README.md", TODO_FILE] {
        if opts.cwd.join(file).is_file() {
            screen.step(&format!("Reading {file}"))?;
        }
    }
    screen.step(&format!("Editing {TODO_FILE}"))?;
    let commits = edit_and_commit(screen, &opts.cwd, TODO_FILE, &format!("- [x] {task} (turn {turn})"), &task)?;
    let mut answer = Answer::No;
    if opts.questions.asks(turn) {
        report(
            opts,
            "PermissionRequest",
            json!({ "tool_name": "AskUserQuestion", "tool_input": { "description": QUESTION } }),
        );
        answer = ask(screen, input)?;
        report(opts, "PostToolUse", json!({ "tool_name": "AskUserQuestion" }));
        match answer {
            Answer::Yes => {
                screen.step(&format!("Editing {CHANGELOG_FILE}"))?;
                let subject = format!("Note in the changelog: {task}");
                edit_and_commit(screen, &opts.cwd, CHANGELOG_FILE, &format!("- {task}"), &subject)?;
            }
            Answer::No => screen.step(&format!("Leaving {CHANGELOG_FILE} as it is"))?,
            Answer::Quit => return Ok(Answer::Quit),
        }
    }
    if commits {
        screen.success("Work committed")?;
    }
    report(opts, "Stop", json!({}));
    Ok(answer)
}

/// Reports a step the way Claude Code's hooks do (the same event names and fields), so the
/// dashboard shows the demo's questions as "needs you" exactly as it would a real agent's.
/// Best effort: an agent never stops because Grove could not hear it.
fn report(opts: &DemoAgentOptions, event: &str, mut payload: serde_json::Value) {
    let Some(env) = &opts.report_to else { return };
    payload["hook_event_name"] = json!(event);
    let line = AgentEvent {
        at: chrono::Utc::now(),
        via: Via::Hook,
        agent: DEMO_AGENT.to_owned(),
        event: event.to_owned(),
        payload,
    };
    let _ = append(&env.home.events_file(&env.project, &env.session), &line);
}

/// Appends `line` to `file` and commits it with `subject`, printing the outcome; returns whether
/// a commit was made. Failures are printed, not returned: only the terminal can end the agent.
fn edit_and_commit<W: Write>(
    screen: &mut Screen<W>,
    cwd: &Path,
    file: &str,
    line: &str,
    subject: &str,
) -> io::Result<bool> {
    if let Err(e) = append_line(cwd, file, line) {
        screen.failure(&format!("Could not edit {file}: {e}"))?;
        return Ok(false);
    }
    screen.step(&format!("Committing {file}"))?;
    match commit_file(cwd, file, subject) {
        Ok(hash) => {
            screen.line(&format!("  [{hash}] {subject}"))?;
            Ok(true)
        }
        Err(e) => {
            screen.failure(&format!("Could not commit {file}: {e}"))?;
            Ok(false)
        }
    }
}

/// Asks [`QUESTION`] until the answer is y or n (or the user quits).
fn ask<W: Write>(screen: &mut Screen<W>, input: &mut impl BufRead) -> io::Result<Answer> {
    loop {
        screen.question(QUESTION)?;
        let Some(line) = read_message(input)? else {
            return Ok(Answer::Quit);
        };
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(Answer::Yes),
            "n" | "no" => return Ok(Answer::No),
            EXIT_WORD => return Ok(Answer::Quit),
            _ => screen.line("Please answer y or n.")?,
        }
    }
}

/// The first non-empty line of `text`, trimmed and cut to [`SUMMARY_CHARS`] characters.
fn summary(text: &str) -> String {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let mut out: String = first.chars().filter(|c| !c.is_control()).take(SUMMARY_CHARS).collect();
    if first.chars().count() > SUMMARY_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_takes_the_first_non_empty_line_and_cuts_by_characters() {
        assert_eq!(summary("\n  \n  Fix it  \nmore"), "Fix it");
        // Multi-byte characters: cutting by bytes would split one and panic.
        let long = "é".repeat(SUMMARY_CHARS + 5);
        assert_eq!(summary(&long), format!("{}…", "é".repeat(SUMMARY_CHARS)));
        assert_eq!(summary(" \n\t\n"), "", "a blank task has no summary, so the default task is used");
    }

    #[test]
    fn next_message_skips_blank_lines_and_stops_on_exit_in_any_case() {
        let mut input = "\n   \n  do this  \nEXIT\nnever read\n".as_bytes();
        assert_eq!(next_message(&mut input).unwrap().as_deref(), Some("do this"));
        assert_eq!(next_message(&mut input).unwrap(), None, "`EXIT` ends the agent like `exit`");
    }
}
