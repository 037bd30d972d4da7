//! Measurements of the review panel in the real window (issue #19, "Benchmark"). Not tests: they
//! print figures and assert nothing about speed. Run by hand, one at a time:
//!
//! ```text
//! cargo test --test e2e -- --ignored --nocapture --test-threads 1 measure_review
//! ```
//!
//! - `measure_review_first_screen_and_scroll`: a demo session whose worktree holds 2,000 changed
//!   files / about 50,000 changed lines (part committed, part uncommitted, one file of 12,000
//!   lines): the Review click to the whole file tree and to the first diff rows painted, over
//!   several openings; then the largest file scrolled top to bottom, one step per frame.
//! - `measure_review_huge_line_keeps_terminal_responsive`: a 10 MB one-line uncommitted file:
//!   how long its click and its clipped row take, and keystroke -> echo in the session's terminal
//!   right after showing it, against the same without it. The review takes the place of the detail
//!   panel (and its terminal), so the typing is measured once the review is closed again.
//!
//! Times are taken in the page with `performance.now()`: from the click's capture listener to the
//! animation frame after the awaited element appeared.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::review::Demo;
use crate::webdriver::WebDriver;

/// Bound on waits for the agent, git and the window (not a performance figure).
const WAIT: Duration = Duration::from_secs(60);

/// The text the terminal shows (xterm's DOM renderer keeps one element per row).
const ROWS_TEXT: &str = "(document.querySelector('[data-testid=terminal] .xterm-rows')?.textContent ?? '')";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p / 100.0).round() as usize]
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Bench", "-c", "user.email=bench@example.invalid"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The app with one demo session whose first turn has ended, its detail panel (and terminal) open.
fn start() -> Demo {
    let demo = crate::review::start();
    let app = &demo.app;
    let row = format!("[data-testid=session-row][data-session=\"demo/{}\"]", demo.id);
    app.wait_for("the session's row", &format!("document.querySelector({row:?})"), WAIT);
    app.click(&app.find(&row));
    wait_attached(app);
    app.wait_for(
        "the demo agent to finish its first turn or ask its question",
        &format!("{ROWS_TEXT}.includes('Turn complete') || {ROWS_TEXT}.includes('[y/n]')"),
        WAIT,
    );
    if !app.eval(ROWS_TEXT).as_str().unwrap_or_default().contains("Turn complete") {
        app.click(&app.find("[data-testid=terminal] .xterm-screen"));
        app.type_text(&app.find("[data-testid=terminal] .xterm-helper-textarea"), "n\u{E007}");
        app.wait_for("the turn's end", &format!("{ROWS_TEXT}.includes('Turn complete')"), WAIT);
    }
    demo
}

fn wait_attached(app: &WebDriver) {
    app.wait_for(
        "the terminal to attach",
        "document.querySelector('[data-testid=terminal-status]')?.dataset.state === 'attached'",
        WAIT,
    );
}

fn finish(session: Demo) {
    let Demo { app, mut driver, .. } = session;
    app.quit();
    assert!(driver.stop(), "the driver's process group must end");
}

/// Arms an in-page timer: from the next click on an element matching `target` to the frame after
/// each of `conditions` (JavaScript expressions) first holds; read back by [`read_timer`].
fn arm_timer(app: &WebDriver, target: &str, conditions: &[&str]) {
    let checks = conditions.iter().map(|c| format!("() => ({c})")).collect::<Vec<_>>().join(", ");
    app.eval(&format!(
        "(() => {{
           const checks = [{checks}];
           const r = window.__timer = {{ t0: null, at: checks.map(() => null), seen: checks.map(() => false) }};
           const onClick = (e) => {{
             if (r.t0 === null && e.target.closest({target:?})) {{ r.t0 = performance.now(); probe(); }}
           }};
           document.addEventListener('click', onClick, true);
           const probe = () => {{
             if (r.t0 === null) return;
             checks.forEach((c, i) => {{
               let ok = false;
               try {{ ok = Boolean(c()); }} catch (e) {{}}
               if (ok && !r.seen[i]) {{
                 r.seen[i] = true;
                 requestAnimationFrame(() => {{ r.at[i] = performance.now() - r.t0; }});
               }}
             }});
             if (r.seen.every(Boolean)) {{ mo.disconnect(); document.removeEventListener('click', onClick, true); }}
           }};
           // The app records its IPC calls while this array exists (ui/src/ipc/index.ts).
           window.__groveIpcLog = [];
           const mo = new MutationObserver(probe);
           mo.observe(document.body, {{ childList: true, subtree: true, characterData: true }});
           return true;
         }})()"
    ));
}

/// The armed timer's figures (ms), once every condition has been painted.
fn read_timer(app: &WebDriver, what: &str) -> Vec<f64> {
    numbers(&app.wait_for(what, "window.__timer.at.every(v => v !== null) && window.__timer.at", WAIT))
}

const TREE_FILES: usize = 2000;
const SMALL_LINES: usize = 19;
const BIG: &str = "big/generated.rs";
const BIG_LINES: usize = 12_000;

fn line(file: usize, n: usize) -> String {
    format!("    let value_{n} = compute({file}, {n}) * 3; // generated line {n} of file {file}\n")
}

/// 1,999 files written in the worktree (with the demo agent's TODO.md, 2,000 changed files):
/// 1,998 of 19 lines and one of 12,000; three commits of 500 files, the rest left uncommitted.
fn write_big_change(worktree: &Path) {
    let small = TREE_FILES - 2;
    let write = |path: &Path, file: usize, lines: usize| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text: String = (0..lines).map(|n| line(file, n)).collect();
        std::fs::write(path, text).unwrap();
    };
    write(&worktree.join(BIG), 0, BIG_LINES);
    for file in 1..=small {
        let path = worktree.join(format!("src/area_{:02}/module_{file:04}.rs", file % 40));
        write(&path, file, SMALL_LINES);
        if file % 500 == 0 {
            git(worktree, &["add", "-A"]);
            git(worktree, &["commit", "-q", "-m", &format!("generated part {}", file / 500)]);
        }
    }
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_review_first_screen_and_scroll() {
    const RUNS: usize = 7;
    const SCROLL_FRAMES: u32 = 600;
    let session = start();
    let Demo { app, worktree, .. } = &session;
    write_big_change(worktree);

    let files_shown = format!(
        "(m => m && Number(m[1]) >= {})((document.querySelector('[data-testid=review-panel] .facts')?.textContent ?? '')\
         .match(/in\\s+(\\d+)\\s+files/)) && document.querySelector('[data-testid=review-file]')",
        TREE_FILES - 1
    );
    let rows_shown = "document.querySelector('[data-testid=diff-view] [data-testid=diff-row]')";
    let (mut tree, mut rows) = (Vec::new(), Vec::new());
    // Each IPC call made after the click: (start, end) in ms after it, per command.
    let mut calls: std::collections::BTreeMap<String, Vec<(f64, f64)>> = Default::default();
    let mut facts = String::new();
    for _ in 0..RUNS {
        app.wait_for("the Review button", "document.querySelector('[data-testid=review-button]')", WAIT);
        arm_timer(app, "[data-testid=review-button]", &[&files_shown, rows_shown]);
        app.click(&app.by_test_id("review-button"));
        let at = read_timer(app, "the file tree and the first diff rows");
        tree.push(at[0]);
        rows.push(at[1]);
        let log = app.eval("(() => { const t0 = window.__timer.t0; return window.__groveIpcLog.map(([c, s, e]) => [c, s - t0, e - t0]); })()");
        for call in log.as_array().cloned().unwrap_or_default() {
            if let (Some(cmd), Some(start), Some(end)) = (call[0].as_str(), call[1].as_f64(), call[2].as_f64()) {
                calls.entry(cmd.to_owned()).or_default().push((start, end));
            }
        }
        facts = app
            .eval("document.querySelector('[data-testid=review-panel] .facts').textContent")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        app.click(&app.by_test_id("review-close"));
        app.wait_for("the review to close", "!document.querySelector('[data-testid=review-panel]')", WAIT);
    }
    let facts = facts.split_whitespace().collect::<Vec<_>>().join(" ");
    println!("\nchange under review: {facts}");
    println!("\n| Review click -> ({RUNS} openings) | first | median | p90 | all (ms) |");
    println!("|---|---:|---:|---:|---|");
    for (name, v) in [("file tree with all 2,000 files", &tree), ("first diff rows painted", &rows)] {
        let s = sorted(v);
        println!(
            "| {name} | {:.0} ms | {:.0} ms | {:.0} ms | {:?} |",
            v[0],
            percentile(&s, 50.0),
            percentile(&s, 90.0),
            v.iter().map(|x| x.round() as i64).collect::<Vec<_>>()
        );
    }

    println!("\n| IPC call after the Review click ({RUNS} openings) | calls | sent (median) | answered (median) |");
    println!("|---|---:|---:|---:|");
    for (cmd, v) in &calls {
        let starts = sorted(&v.iter().map(|c| c.0).collect::<Vec<_>>());
        let ends = sorted(&v.iter().map(|c| c.1).collect::<Vec<_>>());
        println!("| {cmd} | {} | {:.0} ms | {:.0} ms |", v.len(), percentile(&starts, 50.0), percentile(&ends, 50.0));
    }

    // The largest file: found through the filter (the tree is virtualised), then scrolled.
    app.click(&app.by_test_id("review-button"));
    app.wait_for("the review", &files_shown, WAIT);
    app.type_text(&app.by_test_id("review-filter"), "big/");
    let open = format!("button[aria-label=\"Open {BIG}\"]");
    app.wait_for("the largest file in the tree", &format!("document.querySelector({open:?})"), WAIT);
    let view = format!("[data-testid=diff-view][data-path=\"{BIG}\"]");
    arm_timer(app, &open, &[&format!("document.querySelector('{view} [data-testid=diff-row]')")]);
    app.click(&app.find(&open));
    let opened = read_timer(app, "the largest file's first rows")[0];
    println!("\nclick on {BIG} ({BIG_LINES} lines) -> its first rows painted: {opened:.0} ms");
    println!(
        "\n| scroll of {BIG} | frames | frame interval median | p95 | max | > 16.7 ms | > 33 ms | fps | main-thread work per frame (median) | frames with unloaded rows in view |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // The frame rate the page gets with the diff on screen and nothing moving, for comparison.
    scroll(app, &view, "no scrolling (idle)", Some(0), 120, false);
    // Top to bottom in 600 steps (a fast fling), without probing the rows (it costs a layout).
    scroll(app, &view, "top to bottom", None, SCROLL_FRAMES, false);
    // One wheel notch (40 px) per frame for 300 frames from the top, probing for unloaded rows.
    scroll(app, &view, "40 px per frame", Some(40), 300, true);
    finish(session);
}

/// Types `count` keystrokes into the terminal, one at a time; each one's keydown -> the first
/// frame whose rows show it (ms).
fn keystroke_echo(app: &WebDriver, count: usize) -> Vec<f64> {
    app.click(&app.find("[data-testid=terminal] .xterm-screen"));
    app.eval(&format!(
        "(() => {{
           const count = () => ({ROWS_TEXT}.match(/q/g) || []).length;
           window.__echo = [];
           const ta = document.querySelector('[data-testid=terminal] .xterm-helper-textarea');
           ta.addEventListener('keydown', (e) => {{
             if (e.key !== 'q') return;
             const t0 = performance.now(), before = count();
             const check = () => {{
               if (count() > before) window.__echo.push(performance.now() - t0);
               else if (performance.now() - t0 > 10000) window.__echo.push(-1);
               else requestAnimationFrame(check);
             }};
             requestAnimationFrame(check);
           }}, true);
           return true;
         }})()"
    ));
    let textarea = app.find("[data-testid=terminal] .xterm-helper-textarea");
    for n in 1..=count {
        app.type_text(&textarea, "q");
        app.wait_for("the keystroke's echo", &format!("window.__echo.length >= {n}"), WAIT);
        std::thread::sleep(Duration::from_millis(100));
    }
    // The agent's input line is left empty again.
    app.type_text(&textarea, &"\u{E003}".repeat(count));
    numbers(&app.eval("window.__echo"))
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_review_huge_line_keeps_terminal_responsive() {
    const KEYS: usize = 20;
    const HUGE: &str = "huge.txt";
    let session = start();
    let Demo { app, worktree, id, .. } = &session;
    let chunk = "the one very long line of a generated data file ";
    let text = chunk.repeat(10 * 1024 * 1024 / chunk.len() + 1);
    std::fs::write(worktree.join(HUGE), format!("{}\n", &text[..10 * 1024 * 1024])).unwrap();

    let before = keystroke_echo(app, KEYS);

    app.wait_for("the Review button", "document.querySelector('[data-testid=review-button]')", WAIT);
    app.click(&app.by_test_id("review-button"));
    let open = format!("button[aria-label=\"Open {HUGE}\"]");
    app.wait_for("the huge file in the tree", &format!("document.querySelector({open:?})"), WAIT);
    let view = format!("[data-testid=diff-view][data-path=\"{HUGE}\"]");
    let rows = format!("document.querySelector('{view} [data-testid=diff-row]')");
    arm_timer(app, &open, &[&format!("document.querySelector('[data-testid=diff-show-anyway]') || {rows}")]);
    app.click(&app.find(&open));
    let click = read_timer(app, "the huge file's answer")[0];
    let collapsed = app.eval("Boolean(document.querySelector('[data-testid=diff-show-anyway]'))") == true;
    let mut shown = None;
    if collapsed {
        arm_timer(app, "[data-testid=diff-show-anyway]", &[&rows]);
        app.click(&app.by_test_id("diff-show-anyway"));
        shown = Some(read_timer(app, "the huge file's clipped row")[0]);
    }
    let clipped = app.eval(&format!("document.querySelectorAll('{view} .clipped').length"));
    // The page's frames while the clipped row is on screen, idle, for 2 s.
    let idle = app.execute_async(
        "const done = arguments[arguments.length - 1]; const times = [];
         const tick = (t) => { times.push(t); if (t - times[0] > 2000) done(times); else requestAnimationFrame(tick); };
         requestAnimationFrame(tick);",
    );
    let idle = numbers(&idle);
    let idle_gaps = sorted(&idle.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>());

    app.click(&app.by_test_id("review-close"));
    wait_attached(app);
    let after = keystroke_echo(app, KEYS);

    println!("\nsession {id}: {HUGE}, 10 MB on one line, uncommitted");
    println!(
        "click on {HUGE} -> answer painted: {click:.0} ms ({})",
        if collapsed { "collapsed as large" } else { "rows" }
    );
    if let Some(ms) = shown {
        println!("Show anyway -> the clipped row painted: {ms:.0} ms ({clipped} row(s) marked clipped)");
    } else {
        println!("{clipped} row(s) marked clipped");
    }
    println!(
        "frames while it is shown (idle, 2 s): median {:.1} ms, max {:.1} ms",
        percentile(&idle_gaps, 50.0),
        idle_gaps[idle_gaps.len() - 1]
    );
    println!("\n| keystroke -> echo in the terminal view ({KEYS} keys) | median | p90 | max | missed |");
    println!("|---|---:|---:|---:|---:|");
    for (name, v) in [("before opening the review", &before), ("right after showing the 10 MB line", &after)] {
        let missed = v.iter().filter(|x| **x < 0.0).count();
        let s = sorted(&v.iter().copied().filter(|x| *x >= 0.0).collect::<Vec<_>>());
        println!(
            "| {name} | {:.0} ms | {:.0} ms | {:.0} ms | {missed} |",
            percentile(&s, 50.0),
            percentile(&s, 90.0),
            s[s.len() - 1]
        );
    }
    finish(session);
}

/// Scrolls the diff view `view` from the top, setting `scrollTop` once per animation frame by
/// `step` pixels (by default the whole height over `frames` steps), for at most `frames` frames;
/// prints one table row of frame intervals. Main-thread work: from the frame's callback to a
/// message posted in it (the rest of the frame's scripts, style, layout and paint recording), so a
/// slow frame with little work is spent painting off the main thread. With `probe`, also counts
/// the frames in which a row still waiting for its page is inside the viewport.
fn scroll(app: &WebDriver, view: &str, name: &str, step: Option<u32>, frames: u32, probe: bool) {
    let step = step.map_or("Math.max(1, Math.ceil(max / frames))".to_owned(), |s| s.to_string());
    // Started in the page and polled: a slow pass can outlast one script's time limit.
    app.eval(&format!(
        "(() => {{
         window.__scroll = null;
         const done = (r) => {{ window.__scroll = r; }};
         const v = document.querySelector({view:?});
         const frames = {frames}, max = v.scrollHeight - v.clientHeight, step = {step};
         const times = [], work = []; let unloaded = 0;
         const chan = new MessageChannel(); let began = 0;
         chan.port1.onmessage = () => work.push(performance.now() - began);
         const inView = () => [...v.querySelectorAll('.loading')].some((el) => {{
           const r = el.getBoundingClientRect(), b = v.getBoundingClientRect();
           return r.bottom > b.top && r.top < b.bottom;
         }});
         v.scrollTop = 0;
         requestAnimationFrame(() => {{
           const tick = (t) => {{
             times.push(t);
             began = performance.now();
             chan.port2.postMessage(0);
             if ({probe} && inView()) unloaded++;
             if (v.scrollTop >= max - 1 || times.length > frames) return done({{ times, work, unloaded, max, step }});
             v.scrollTop = Math.min(max, v.scrollTop + step);
             requestAnimationFrame(tick);
           }};
           requestAnimationFrame(tick);
         }});
         return true;
         }})()"
    ));
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    let out = loop {
        let out = app.eval("window.__scroll");
        if !out.is_null() {
            break out;
        }
        assert!(std::time::Instant::now() < deadline, "the scroll {name} did not end within 10 minutes");
        std::thread::sleep(Duration::from_secs(1));
    };
    let times = numbers(&out["times"]);
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let s = sorted(&gaps);
    let share = |limit: f64| gaps.iter().filter(|g| **g > limit).count() as f64 / gaps.len() as f64 * 100.0;
    let total = times[times.len() - 1] - times[0];
    let work = sorted(&numbers(&out["work"]));
    let unloaded = if probe { out["unloaded"].to_string() } else { "not probed".to_owned() };
    println!(
        "| {name} ({} px, steps of {} px) | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.0} % | {:.0} % | {:.1} | {:.1} ms | {unloaded} |",
        out["max"],
        out["step"],
        gaps.len(),
        percentile(&s, 50.0),
        percentile(&s, 95.0),
        s[s.len() - 1],
        share(16.7),
        share(33.0),
        gaps.len() as f64 / (total / 1000.0),
        percentile(&work, 50.0),
    );
}
