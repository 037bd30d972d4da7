//! `run_demo_agent` with in-memory input: real edits and commits in a real worktree.

use std::cell::RefCell;
use std::fs;
use std::io::{self, BufRead, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use grove_engine::demo::{DEMO_SCREEN, DemoAgentOptions, Questions, run_demo_agent};
use grove_engine::events::{HookEnv, since_launch};
use grove_engine::home::GroveHome;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::probe::agents::hooks::read_events;
use grove_engine::session::Activity;

use super::support::{Worktree, git, subjects};

/// The agent's output, shared with [`WatchedInput`] so it can see what was printed before a read.
#[derive(Clone, Default)]
struct Output(Rc<RefCell<Vec<u8>>>);

impl Output {
    fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).expect("the agent prints UTF-8")
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Input that remembers what the agent had printed when it first tried to read: whatever it
/// printed after that, it printed only once input arrived.
struct WatchedInput {
    bytes: Cursor<Vec<u8>>,
    output: Output,
    printed_before_first_read: Rc<RefCell<Option<String>>>,
}

impl Read for WatchedInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.fill_buf()?.read(buf)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for WatchedInput {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.printed_before_first_read.borrow_mut().get_or_insert_with(|| self.output.text());
        self.bytes.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.bytes.consume(amount);
    }
}

/// What a run printed, and what it had printed when it first read input (`None`: never read).
struct Run {
    printed: String,
    before_first_read: Option<String>,
}

fn run(wt: &Path, questions: Questions, prompt_file: Option<PathBuf>, input: &[u8]) -> Run {
    let opts = DemoAgentOptions {
        session_id: Some("demo-1".into()),
        prompt_file,
        cwd: wt.to_path_buf(),
        step_delay: Duration::ZERO,
        questions,
        report_to: None,
    };
    let output = Output::default();
    let first = Rc::new(RefCell::new(None));
    let input = WatchedInput {
        bytes: Cursor::new(input.to_vec()),
        output: output.clone(),
        printed_before_first_read: first.clone(),
    };
    run_demo_agent(opts, input, output.clone()).expect("in-memory input and output do not fail");
    let before_first_read = first.borrow().clone();
    Run { printed: output.text(), before_first_read }
}

fn prompt(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("prompt.md");
    fs::write(&path, text).unwrap();
    path
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn asking_path_commits_asks_waits_and_acts_on_the_answer_then_takes_another_turn() {
    let home = tempfile::tempdir().unwrap();
    let wt = Worktree::new(home.path(), "demo-1");
    let task = prompt(home.path(), "Add a done command\n\nDetails the summary leaves out.");
    let out = run(&wt.path, Questions::Always, Some(task), b"y\nSave the list to a file\nn\n");

    let first_read = out.before_first_read.expect("the question must make the agent read input");
    let last_line = first_read.lines().last().unwrap_or_default();
    assert!(
        last_line.starts_with(DEMO_SCREEN.question_prefix) && last_line.ends_with(DEMO_SCREEN.question_suffix),
        "the agent must be waiting on its question, the last line it printed: {first_read}"
    );
    assert!(!first_read.contains(DEMO_SCREEN.turn_complete), "the turn cannot be over before the answer");
    assert!(first_read.contains("● Reading README.md") && first_read.contains("● Editing TODO.md"), "{first_read}");

    assert_eq!(
        subjects(&wt.path),
        [
            "Save the list to a file",
            "Note in the changelog: Add a done command",
            "Add a done command",
            "Initial commit: a tiny todo app"
        ],
        "turn 1 commits TODO.md and, on yes, CHANGELOG.md; turn 2 (answered no) commits TODO.md only"
    );
    let todo = fs::read_to_string(wt.path.join("TODO.md")).unwrap();
    assert!(todo.contains("- [x] Add a done command (turn 1)\n- [x] Save the list to a file (turn 2)\n"), "{todo}");
    assert_eq!(fs::read_to_string(wt.path.join("CHANGELOG.md")).unwrap(), "- Add a done command\n");
    assert_eq!(
        git(&wt.path, &["log", "-1", "--format=%an <%ae>"]).trim(),
        "Grove demo agent <demo-agent@grove.invalid>"
    );
    assert_eq!(git(&wt.path, &["status", "--porcelain"]), "", "everything the agent edited is committed");

    assert_eq!(count(&out.printed, DEMO_SCREEN.turn_complete), 2, "two turns:\n{}", out.printed);
    assert!(out.printed.contains("Leaving CHANGELOG.md as it is"), "the no answer is acted on:\n{}", out.printed);
    assert!(out.printed.ends_with(&format!("{}\n", DEMO_SCREEN.goodbye)), "end of input exits cleanly");
}

#[test]
fn straight_path_never_reads_input_before_the_turn_is_complete() {
    let home = tempfile::tempdir().unwrap();
    let wt = Worktree::new(home.path(), "demo-2");
    let task = prompt(home.path(), "Fix the failing test");
    let out = run(&wt.path, Questions::Never, Some(task), b"exit\n");

    let first_read = out.before_first_read.expect("after the turn the agent waits for a message");
    let last_line = first_read.lines().last().unwrap_or_default();
    assert!(last_line.starts_with(DEMO_SCREEN.turn_complete), "the first read must come after the turn: {first_read}");
    assert!(!out.printed.contains(DEMO_SCREEN.question_suffix), "no question on this path:\n{}", out.printed);
    assert_eq!(subjects(&wt.path)[0], "Fix the failing test");
    assert_eq!(count(&out.printed, DEMO_SCREEN.turn_complete), 1, "`exit` starts no turn:\n{}", out.printed);
}

#[test]
fn end_of_input_during_a_question_exits_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let wt = Worktree::new(home.path(), "demo-3");
    let out = run(&wt.path, Questions::Always, None, b"");
    assert!(
        out.printed.contains("working on the demo task"),
        "no prompt file means the default task:\n{}",
        out.printed
    );
    assert_eq!(subjects(&wt.path).len(), 2, "the TODO.md commit is made before the question");
    assert!(!wt.path.join("CHANGELOG.md").exists(), "no answer means no changelog edit");
    assert!(!out.printed.contains(DEMO_SCREEN.turn_complete), "the turn was cut short:\n{}", out.printed);
    assert!(out.printed.ends_with(&format!("{}\n", DEMO_SCREEN.goodbye)));
}

#[test]
fn odd_input_is_survived() {
    let home = tempfile::tempdir().unwrap();
    let wt = Worktree::new(home.path(), "demo-4");
    let mut input = b"maybe\n\xff\xfe\nyes\n\n   \n".to_vec();
    input.extend(std::iter::repeat_n(b'w', 100_000));
    input.extend_from_slice(b"\nno\n");
    let out = run(&wt.path, Questions::Always, Some(prompt(home.path(), "\n  \nFirst task")), &input);

    assert_eq!(count(&out.printed, "Please answer y or n."), 2, "`maybe` and invalid UTF-8 are asked again");
    let subjects = subjects(&wt.path);
    assert_eq!(subjects.len(), 4, "turn 1 (yes: two commits) and the huge line's turn: {subjects:?}");
    assert_eq!(subjects[2], "First task", "leading blank lines of the task file are skipped");
    assert_eq!(subjects[0], format!("{}…", "w".repeat(60)), "a huge message is summarised, not echoed whole");
    assert_eq!(count(&out.printed, DEMO_SCREEN.turn_complete), 2, "blank lines start no turn:\n{}", out.printed);
}

#[test]
fn outside_a_repository_it_reports_the_failure_and_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-prompt.md");
    let out = run(dir.path(), Questions::Never, Some(missing), b"");
    assert!(out.printed.contains("✗ Could not read the task file"), "{}", out.printed);
    assert!(out.printed.contains("✗ Could not commit TODO.md"), "{}", out.printed);
    assert!(out.printed.contains(DEMO_SCREEN.turn_complete), "a failed commit does not end the turn early");
    assert!(dir.path().join("TODO.md").is_file(), "the edit itself still happens in the cwd");
}

/// The demo reports its steps as Claude Code's hooks would, so its question shows as "needs you"
/// through the same reading a real agent's permission prompt gets.
#[test]
fn the_demo_reports_its_turn_and_its_question_in_claudes_hook_format() {
    let home = tempfile::tempdir().expect("temp GROVE_HOME");
    let wt = Worktree::new(home.path(), "demo-1");
    let env = HookEnv {
        home: GroveHome::at(home.path()),
        project: ProjectId::new("demo").unwrap(),
        session: SessionId::new("demo-1").unwrap(),
    };
    let events_file = env.home.events_file(&env.project, &env.session);
    let opts = DemoAgentOptions {
        session_id: Some("demo-1".into()),
        prompt_file: None,
        cwd: wt.path.clone(),
        step_delay: Duration::ZERO,
        questions: Questions::Always,
        report_to: Some(env),
    };
    // Reads the events when the agent first waits for input: that is what the dashboard sees then.
    struct AtQuestion<'a>(Cursor<Vec<u8>>, &'a Path, Option<Vec<String>>);
    impl Read for AtQuestion<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.fill_buf()?.read(buf)?;
            self.consume(n);
            Ok(n)
        }
    }
    impl BufRead for AtQuestion<'_> {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            if self.2.is_none() {
                let text = fs::read_to_string(self.1).unwrap_or_default();
                self.2 = Some(text.lines().map(str::to_owned).collect());
            }
            self.0.fill_buf()
        }
        fn consume(&mut self, amount: usize) {
            self.0.consume(amount);
        }
    }
    let mut input = AtQuestion(Cursor::new(b"y\nexit\n".to_vec()), &events_file, None);
    run_demo_agent(opts, &mut input, Output::default()).expect("the demo runs");

    let waiting = read_events("demo", &since_launch(input.2.as_deref().expect("the demo asked")), None)
        .expect("the demo reported before asking");
    assert_eq!(waiting.activity, Activity::WaitingInput, "while it asks, the demo needs its human");
    assert_eq!(waiting.detail.as_deref(), Some("asking a question"));
    let lines: Vec<String> = fs::read_to_string(&events_file).unwrap().lines().map(str::to_owned).collect();
    let names: Vec<String> = since_launch(&lines).into_iter().map(|e| e.event).collect();
    assert_eq!(names, ["UserPromptSubmit", "PermissionRequest", "PostToolUse", "Stop"], "one turn, one question");
    let done = read_events("demo", &since_launch(&lines), None).expect("a reading");
    assert_eq!(done.activity, Activity::Ready, "after its turn the demo is ready");
}
