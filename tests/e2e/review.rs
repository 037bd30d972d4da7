//! Review and land end to end (issue #19; SPEC K1-K6, UI §1.12), in the real window, with the
//! built-in demo project (real git, the demo agent in real tmux): open a session's review, see its
//! files and hunks, comment two lines and send them — the agent receives ONE message with both
//! comments and their file:line —, then Land: the uncommitted file is committed on confirmation,
//! the base branch gets one squashed commit with the session's change, the session reads
//! "landed", and the demo's `after_land = "clean"` removed the (now clean) worktree.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Display, Driver, TestHome, Theme, save_screenshot};
use crate::quit_restore::{TmuxServer, grove};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");

/// Bound on waits for the agent, git and the window (not a performance figure).
const WAIT: Duration = Duration::from_secs(30);

/// The file the test leaves uncommitted in the worktree, for the comments and the commit-first path.
const NOTES: &str = "notes.md";
/// A file of the demo's base that the test changes near its end.
const CODE: &str = "todo.py";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("run git");
    assert!(out.status.success(), "git {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The events the agent reported, as `(event, payload)`.
fn events(path: &Path) -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|e| Some((e["event"].as_str()?.to_owned(), e["payload"].clone())))
        .collect()
}

/// Waits for the demo agent's `nth` turn to end, answering "n" if the turn asks its question.
fn finish_turn(home: &TestHome, id: &str, events_file: &Path, nth: usize) {
    let deadline = Instant::now() + WAIT;
    let mut answered = 0;
    loop {
        let seen = events(events_file);
        if seen.iter().filter(|(e, _)| e == "Stop").count() >= nth {
            return;
        }
        let asked = seen.iter().filter(|(e, _)| e == "PermissionRequest").count();
        if asked > answered {
            let out = grove(home, &["send", id, "--key", "n", "--key", "Enter"]);
            assert!(out.status.success(), "answering the demo's question: {}", String::from_utf8_lossy(&out.stderr));
            answered = asked;
        }
        assert!(
            Instant::now() < deadline,
            "the demo agent did not end turn {nth} within {WAIT:?}; it reported {:?}",
            seen.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn click_css(app: &WebDriver, what: &str, css: &str) {
    app.wait_for(what, &format!("document.querySelector({css:?}) !== null"), WAIT);
    app.click(&app.find(css));
}

/// Comments `body` on line `line` of the new side of the file on screen.
fn comment(app: &WebDriver, line: u32, body: &str) {
    click_css(
        app,
        &format!("the comment button of line {line}"),
        &format!("button[aria-label=\"Comment on line {line}\"]"),
    );
    app.wait_for("the comment editor", "document.querySelector('[data-testid=review-comment-input]') !== null", WAIT);
    app.type_text(&app.by_test_id("review-comment-input"), body);
    app.click(&app.by_test_id("review-comment-add"));
}

/// Fields drop in this order: the tmux server is killed before the home (which may hold its
/// socket) is deleted, so no agent outlives the test.
pub(crate) struct Demo {
    pub(crate) _tmux: TmuxServer,
    pub(crate) _display: Display,
    pub(crate) home: TestHome,
    pub(crate) driver: Driver,
    pub(crate) app: WebDriver,
    pub(crate) id: String,
    pub(crate) worktree: PathBuf,
    pub(crate) repo: PathBuf,
    pub(crate) events_file: PathBuf,
}

/// The app on the demo project (no config) with one demo session spawned from the CLI.
pub(crate) fn start() -> Demo {
    let display = Display::start();
    // No config: the built-in demo project, as a first-time user gets it.
    let home = TestHome::new();
    let tmux = TmuxServer(grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket());
    let driver = Driver::start(&display, &home, Theme::Dark);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the dashboard", "window.__groveFeed?.status === 'live'", WAIT);
    let out = grove(&home, &["spawn", "--project", "demo", "--prompt", "Add a clear command", "--json"]);
    assert!(out.status.success(), "spawn: {}", String::from_utf8_lossy(&out.stderr));
    let record: Value = serde_json::from_slice(&out.stdout).expect("spawn --json prints the record");
    let id = record["id"].as_str().expect("an id").to_owned();
    let worktree = PathBuf::from(record["worktree"].as_str().expect("a worktree"));
    let grove_home = home.grove_home();
    let repo = grove_home.join("demo/repo");
    let events_file = grove_home.join("projects/demo/events").join(format!("{id}.jsonl"));
    Demo { _tmux: tmux, _display: display, home, driver, app, id, worktree, repo, events_file }
}

#[test]
fn a_session_is_reviewed_commented_and_landed_from_the_window() {
    let demo = start();
    let Demo { app, id, worktree, repo, events_file, home, .. } = &demo;
    finish_turn(home, id, events_file, 1);
    // Uncommitted work beside the agent's commit: the review shows it (K1), landing asks first (K4).
    std::fs::write(worktree.join(NOTES), "# Notes\n\nKeep the list short.\nSort by date.\n").unwrap();
    // A change at the end of a longer file, so lines above its hunk are hidden until expanded.
    let code = std::fs::read_to_string(worktree.join(CODE)).unwrap();
    let changed = code.replace("print(render(items))", "print(render(items) or \"Nothing to do.\")");
    assert_ne!(code, changed, "the demo's {CODE} no longer ends with the line this test changes");
    std::fs::write(worktree.join(CODE), changed).unwrap();
    let base_before = git(repo, &["rev-parse", "main"]);

    // Open the review from the detail panel.
    let row = format!("[data-testid=session-row][data-session=\"demo/{id}\"]");
    click_css(app, "the session's row", &row);
    click_css(app, "the Review button", "[data-testid=review-button]");
    app.wait_for("the review panel", "document.querySelector('[role=region][aria-label=Review]') !== null", WAIT);
    for file in ["TODO.md", NOTES] {
        app.wait_for(
            &format!("{file} in the changed files"),
            &format!("document.querySelector('[data-testid=review-file][data-path=\"{file}\"]') !== null"),
            WAIT,
        );
    }
    click_css(app, "notes.md in the tree", &format!("button[aria-label=\"Open {NOTES}\"]"));
    app.wait_for(
        "notes.md's hunk and added lines",
        &format!(
            "(v => v && v.querySelector('[data-testid=diff-row][data-kind=hunk]') && \
             v.querySelectorAll('[data-testid=diff-row][data-kind=add]').length === 4)\
             (document.querySelector('[data-testid=diff-view][data-path=\"{NOTES}\"]'))"
        ),
        WAIT,
    );

    // Two comments, one batch, one message (K3).
    comment(app, 1, "Name the list in the title.");
    comment(app, 3, "Say how short.");
    app.wait_for(
        "the batch bar counting two comments",
        "document.querySelector('[data-testid=review-batch-count]')?.textContent.includes('2 comments')",
        WAIT,
    );
    save_screenshot(app, "review.png");
    let prompts_before = events(events_file).iter().filter(|(e, _)| e == "UserPromptSubmit").count();
    click_css(app, "Send to agent", "[data-testid=review-send]");
    let deadline = Instant::now() + WAIT;
    let message = loop {
        let prompts: Vec<String> = events(events_file)
            .into_iter()
            .filter(|(e, _)| e == "UserPromptSubmit")
            .filter_map(|(_, p)| p["prompt"].as_str().map(str::to_owned))
            .collect();
        if prompts.len() > prompts_before {
            assert_eq!(prompts.len(), prompts_before + 1, "the comments must arrive as ONE message: {prompts:#?}");
            break prompts.last().cloned().unwrap();
        }
        assert!(Instant::now() < deadline, "the agent did not receive the comments within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    for part in [
        format!("{NOTES}:1"),
        format!("{NOTES}:3"),
        "Name the list in the title.".into(),
        "Say how short.".into(),
        "Keep the list short.".into(),
    ] {
        assert!(message.contains(&part), "the agent's message lacks {part:?}:\n{message}");
    }
    app.wait_for(
        "the comments marked sent",
        "[...document.querySelectorAll('[data-testid=review-comment]')].filter(c => c.textContent.includes('sent')).length === 2",
        WAIT,
    );

    // Hunks expand for context (UI §1.12): the lines above todo.py's one hunk appear on request.
    click_css(app, "todo.py in the tree", &format!("button[aria-label=\"Open {CODE}\"]"));
    let view = format!("[data-testid=diff-view][data-path=\"{CODE}\"]");
    let context_rows = format!("document.querySelectorAll('{view} [data-testid=diff-row][data-kind=context]').length");
    let before = app.wait_for(
        "todo.py's diff with an expander above its hunk",
        &format!("document.querySelector('{view} [data-testid=diff-expand]') ? [{context_rows}] : null"),
        WAIT,
    )[0]
    .as_u64()
    .unwrap_or_default();
    click_css(app, "the expander", &format!("{view} [data-testid=diff-expand]"));
    app.wait_for("the hidden lines shown as context rows", &format!("{context_rows} > {before}"), WAIT);
    finish_turn(home, id, events_file, 2);

    // Land (K4): the uncommitted notes are committed on confirmation, then squashed into main.
    click_css(app, "the Land button", "[data-testid=review-land]:not([disabled])");
    app.wait_for(
        "the commit-first question",
        "document.querySelector('[aria-modal=true]')?.textContent.includes('uncommitted')",
        WAIT,
    );
    click_css(app, "the confirmation", "[data-testid=confirm-discard]");
    // The outcome, or the error the panel shows instead (so a refusal fails with its reason).
    let outcome = app.wait_for(
        "the landed outcome or an error",
        "(o => o && o.includes('Landed') ? o : document.querySelector('[data-testid=review-error]')?.textContent || null)\
         (document.querySelector('[data-testid=review-outcome]')?.textContent)",
        WAIT,
    );
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    assert!(outcome.contains("Landed"), "landing failed in the window: {outcome:?}");
    assert!(outcome.contains("squash"), "the outcome names the method: {outcome:?}");

    let commits = git(repo, &["rev-list", &format!("{base_before}..main")]);
    assert_eq!(commits.lines().count(), 1, "main gains exactly one squashed commit, got {commits:?}");
    let files = git(repo, &["diff", "--name-only", &base_before, "main"]);
    assert_eq!(files.lines().collect::<Vec<_>>(), ["TODO.md", NOTES, CODE], "the commit carries the session's change");
    let todo = git(repo, &["show", "main:TODO.md"]);
    assert!(todo.contains("Add a clear command"), "the agent's work is in main:\n{todo}");
    assert_eq!(git(repo, &["show", &format!("main:{NOTES}")]).lines().count(), 4, "the notes landed whole");
    assert_eq!(git(repo, &["status", "--porcelain"]), "", "the base checkout follows main, clean");

    // K6: the demo cleans up after landing; the worktree was clean after the commit, so it went.
    let deadline = Instant::now() + WAIT;
    while worktree.exists() {
        assert!(Instant::now() < deadline, "after_land = clean must remove the clean worktree {}", worktree.display());
        std::thread::sleep(Duration::from_millis(50));
    }
    app.click(&app.by_test_id("review-close"));
    // Done is folded by default (UI §1.4): open it, as a user looking for the landed session does.
    let done = "[data-testid=group-header][data-group=done]";
    app.wait_for("the Done group", &format!("document.querySelector({done:?}) !== null"), WAIT);
    if app.attr(&app.find(done), "aria-expanded").as_deref() != Some("true") {
        app.click(&app.find(done));
    }
    app.wait_for(
        "the row reading landed",
        &format!("document.querySelector('{row} [data-testid=row-label]')?.textContent.includes('landed')"),
        WAIT,
    );
    save_screenshot(app, "review-landed.png");

    let Demo { app, mut driver, .. } = demo;
    app.quit();
    assert!(driver.stop(), "the driver's process group must end");
}
