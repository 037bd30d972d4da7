//! The live terminal view end to end (issue #10), in the real window against real tmux:
//! - a demo session's terminal: type a line, see the agent's answer; resize the window and the
//!   tmux window follows; close and reopen shows the recent output; closing detaches the client;
//! - a session printing with `yes` for 30 s: clicks elsewhere stay answered (never frozen; the
//!   200 ms target is measured and printed for the note) and the app's memory stays flat.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Display, Driver, TestHome, Theme, proc, save_screenshot};
use crate::quit_restore::{TmuxServer, grove, repo};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");

/// Bound on waits for the agent or tmux (not a performance figure).
const WAIT: Duration = Duration::from_secs(30);

/// The text the terminal shows (xterm's DOM renderer keeps one element per row).
const ROWS_TEXT: &str = "(document.querySelector('[data-testid=terminal] .xterm-rows')?.textContent ?? '')";

fn status_is(app: &WebDriver, state: &str) {
    app.wait_for(
        &format!("the terminal to be {state}"),
        &format!("document.querySelector('[data-testid=terminal-status]')?.dataset.state === {state:?}"),
        WAIT,
    );
}

fn shows(app: &WebDriver, text: &str) {
    app.wait_for(&format!("the terminal to show {text:?}"), &format!("{ROWS_TEXT}.includes({text:?})"), WAIT);
}

/// Types into the terminal as keystrokes (WebDriver's `\u{E007}` is the Enter key).
fn type_into_terminal(app: &WebDriver, text: &str) {
    app.click(&app.find("[data-testid=terminal] .xterm-screen"));
    app.type_text(&app.find("[data-testid=terminal] .xterm-helper-textarea"), text);
}

fn tmux(socket: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("tmux").arg("-S").arg(socket).args(args).output().expect("run tmux");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Polls `check` until it holds, for at most [`WAIT`].
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out after {WAIT:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn(home: &TestHome, project: &str) -> String {
    let out = grove(home, &["spawn", "--project", project, "--prompt", "tidy the readme", "--json"]);
    assert!(out.status.success(), "spawn: {}", String::from_utf8_lossy(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("spawn prints the record");
    record["id"].as_str().expect("an id").to_owned()
}

fn open_detail(app: &WebDriver, project: &str, id: &str) {
    let row = format!("[data-testid=session-row][data-session=\"{project}/{id}\"]");
    app.wait_for(&format!("the row of {id}"), &format!("document.querySelector({row:?})"), WAIT);
    app.click(&app.find(&row));
    app.by_test_id("detail-panel");
}

#[test]
fn a_demo_sessions_terminal_takes_typing_follows_resizes_and_reopens_with_recent_output() {
    let display = Display::start();
    // No config: the built-in demo project, as a first-time user gets it.
    let home = TestHome::new();
    let socket = grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket();
    let _tmux = TmuxServer(socket.clone());
    let mut driver = Driver::start(&display, &home, Theme::Dark);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the dashboard", "window.__groveFeed?.status === 'live'", WAIT);
    let id = spawn(&home, "demo");
    open_detail(&app, "demo", &id);

    // The panel opens on the live terminal of a running session.
    status_is(&app, "attached");
    shows(&app, "Working on: tidy the readme");
    app.wait_for(
        "the demo agent to finish its first turn or ask its question",
        &format!("{ROWS_TEXT}.includes('Turn complete') || {ROWS_TEXT}.includes('[y/n]')"),
        WAIT,
    );
    let text = app.eval(ROWS_TEXT).as_str().unwrap_or_default().to_owned();
    if !text.contains("Turn complete") {
        type_into_terminal(&app, "n\u{E007}");
        shows(&app, "Turn complete");
    }
    let typed = Instant::now();
    type_into_terminal(&app, "tidy the docs\u{E007}");
    shows(&app, "Working on: tidy the docs");
    println!("typed line -> agent's answer in the view: {} ms", typed.elapsed().as_millis());
    save_screenshot(&app, "terminal.png");

    // Resize: the xterm refits and the tmux window takes its size (one row is tmux's status line).
    let size_of = |app: &WebDriver| {
        let el = app.by_test_id("terminal");
        (app.attr(&el, "data-cols").unwrap_or_default(), app.attr(&el, "data-rows").unwrap_or_default())
    };
    let window = |socket: &std::path::Path| {
        tmux(socket, &["display-message", "-p", "-t", &format!("={id}:"), "#{window_width} #{window_height}"])
    };
    let matches = |(cols, rows): &(String, String), tmux_size: &str| {
        let rows: u32 = rows.parse().unwrap_or(0);
        tmux_size == format!("{cols} {}", rows.saturating_sub(1))
    };
    eventually("the tmux window to have the view's size", || matches(&size_of(&app), &window(&socket)));
    let before = size_of(&app);
    app.set_window_size(1100, 760);
    app.wait_for(
        "the terminal to refit after the window shrank",
        &format!(
            "(t => t && (t.dataset.cols !== {:?} || t.dataset.rows !== {:?}))(document.querySelector('[data-testid=terminal]'))",
            before.0, before.1
        ),
        WAIT,
    );
    let after = size_of(&app);
    eventually(&format!("the tmux window to follow the resize to {after:?}"), || {
        matches(&size_of(&app), &window(&socket))
    });
    assert_ne!(before, after, "shrinking the window must change the terminal's size");

    // Close: the client detaches, the agent runs on. Reopen: the recent output is back.
    app.click(&app.by_test_id("terminal-toggle"));
    let clients = || tmux(&socket, &["list-clients", "-t", &format!("={id}"), "-F", "#{client_pid}"]);
    eventually("the tmux client to detach when the view closes", || clients().is_empty());
    assert_eq!(tmux(&socket, &["has-session", "-t", &format!("={id}")]), "", "the session must still exist");
    app.click(&app.by_test_id("terminal-toggle"));
    status_is(&app, "attached");
    shows(&app, "Working on: tidy the docs");
    assert_eq!(clients().lines().count(), 1, "the reopened view attaches one client");

    app.quit();
    assert!(driver.stop(), "the driver, WebKitWebDriver and the app must all be gone after the test");
}

/// One project whose agent floods its terminal.
fn write_flood_config(home: &TestHome) {
    let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
    let repo = repo(&home.user_home(), "flood");
    let text = format!(
        "[projects.flood]\npath = {}\nagent = \"yes\"\n\n[agents.yes]\ncommand = \"yes\"\nargs = [\"a line of flood output from yes\"]\n",
        quoted(&repo)
    );
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The app's memory: its own and its WebKit processes', in MiB.
fn memory_mib(app_pid: i32) -> f64 {
    let pids = std::iter::once(app_pid).chain(proc::children(app_pid));
    pids.map(proc::rss_kib).sum::<u64>() as f64 / 1024.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn a_flooding_terminal_leaves_the_ui_responsive_and_memory_flat() {
    // 30 s by default (the figure); GROVE_E2E_FLOOD_SECS runs it longer by hand.
    let flood_secs = std::env::var("GROVE_E2E_FLOOD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let flood = Duration::from_secs(flood_secs);
    // Not the speed target (200 ms, measured and printed above for the note): a bound that only a
    // frozen page misses, so a busy CI machine does not fail a responsive build.
    const CLICK_WITHIN: Duration = Duration::from_millis(1000);
    let display = Display::start();
    let home = TestHome::new();
    write_flood_config(&home);
    let _tmux = TmuxServer(grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket());
    let mut driver = Driver::start(&display, &home, Theme::Light);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the dashboard", "window.__groveFeed?.status === 'live'", WAIT);
    let app_pid = proc::find_app(&home.grove_home()).expect("the app's process");

    let id = spawn(&home, "flood");
    open_detail(&app, "flood", &id);
    status_is(&app, "attached");
    shows(&app, "a line of flood output from yes");

    // Count how long each click waits for the page: from the input event's creation to its
    // handler, measured in the page, and around the whole WebDriver click as the test sees it.
    // In the page: from the click's input event to the first frame drawn after its handler ran.
    app.eval(
        "(window.__clickWaits = [], document.addEventListener('click', (e) => { const t0 = e.timeStamp; \
           requestAnimationFrame(() => window.__clickWaits.push(performance.now() - t0)); }, true), true)",
    );
    let selector = app.by_test_id("project-selector");
    let menu_open = "Boolean(document.querySelector('[data-testid=project-menu]'))";
    let mut clicks = Vec::new();
    let mut memory = vec![(0.0, memory_mib(app_pid))];
    let started = Instant::now();
    while started.elapsed() < flood {
        let was_open = app.eval(menu_open).as_bool().unwrap_or(false);
        let t0 = Instant::now();
        app.click(&selector);
        app.wait_for("the project menu to toggle", &format!("{menu_open} !== {was_open}"), WAIT);
        clicks.push(t0.elapsed().as_secs_f64() * 1000.0);
        memory.push((started.elapsed().as_secs_f64(), memory_mib(app_pid)));
        if std::env::var_os("GROVE_E2E_TRACE").is_some() {
            println!(
                "t={:.0}s click={:.0}ms memory={:.0}MiB",
                started.elapsed().as_secs_f64(),
                clicks.last().unwrap(),
                memory.last().unwrap().1
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let still_flooding = app.eval(&format!("{ROWS_TEXT}.includes('a line of flood output from yes')"));
    save_screenshot(&app, "terminal-flood.png");
    let waits: Vec<f64> = app
        .eval("window.__clickWaits")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();

    let mut sorted = clicks.clone();
    sorted.sort_by(f64::total_cmp);
    let mut in_page = waits.clone();
    in_page.sort_by(f64::total_cmp);
    assert!(!in_page.is_empty(), "the page recorded no clicks");
    // Flat: the level once the view has settled (5-15 s) against the level at the end (last
    // 10 s); medians, so one garbage collection more or less does not decide.
    let level = |from: f64, to: f64| {
        let mut m: Vec<f64> = memory.iter().filter(|(t, _)| *t >= from && *t <= to).map(|m| m.1).collect();
        m.sort_by(f64::total_cmp);
        if m.is_empty() { 0.0 } else { percentile(&m, 0.5) }
    };
    let secs = flood.as_secs_f64();
    let (settled, end) = (level(5.0, 15.0), level(secs - 10.0, secs));
    let peak = memory.iter().map(|m| m.1).fold(0.0, f64::max);
    println!("| figure (yes for {}s, {} clicks) | median | p95 | max |", flood.as_secs(), clicks.len());
    println!("|---|---|---|---|");
    println!(
        "| click -> next frame drawn, in the page | {:.0} ms | {:.0} ms | {:.0} ms |",
        percentile(&in_page, 0.5),
        percentile(&in_page, 0.95),
        in_page[in_page.len() - 1]
    );
    println!(
        "| click -> menu seen toggled, through WebDriver | {:.0} ms | {:.0} ms | {:.0} ms |",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.95),
        sorted[sorted.len() - 1]
    );
    println!(
        "memory (app + WebKit processes): {:.0} MiB before, {settled:.0} MiB settled (5-15 s), {end:.0} MiB at the end \
         (last 10 s), peak {peak:.0} MiB",
        memory[0].1
    );

    assert_eq!(still_flooding, true, "the view must still be showing the flood at the end");
    let slowest = Duration::from_secs_f64(in_page[in_page.len() - 1] / 1000.0);
    assert!(
        slowest < CLICK_WITHIN,
        "the page froze during the flood: a click took {slowest:?} to be drawn (bound {CLICK_WITHIN:?}; \
         all: {in_page:?})"
    );
    assert!(
        end - settled < 32.0,
        "memory must stay flat under the flood: {settled:.0} MiB settled, {end:.0} MiB after {}s",
        flood.as_secs()
    );

    app.quit();
    assert!(driver.stop(), "the driver, WebKitWebDriver and the app must all be gone after the test");
}
