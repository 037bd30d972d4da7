//! Measurements of the live dashboard in the real app (issue: the live dashboard). Not tests:
//! they print figures and assert nothing about speed. Run by hand, one at a time:
//!
//! ```text
//! cargo test --release --test e2e -- --ignored --nocapture --test-threads 1 measure_
//! ```
//!
//! - `measure_feed_latency`: a record written on disk to the patch arriving in the webview, over
//!   1,000 writes, against the 3 s polling design the Node system used.
//! - `measure_first_paint`: app start to the first painted dashboard, 1,000 and 10,000 sessions.
//! - `measure_idle_cost`: CPU and memory of the backend and the webview, 500 sessions, no changes.
//! - `measure_working_cost`: the same with 100 working agents each printing a line every 200 ms.
//! - `measure_quit_100`: SIGTERM to exit with 100 live demo sessions, and what is left running.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::harness::{Display, Driver, TestHome, Theme, proc};
use crate::seed::{self, Fleet};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");

fn epoch_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs_f64() * 1e3
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn start(display: &Display, home: &TestHome) -> (Driver, WebDriver) {
    let driver = Driver::start(display, home, Theme::Dark);
    let app = driver.launch(Path::new(APP));
    (driver, app)
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_feed_latency() {
    const WRITES: usize = 1000;
    // Longer than the coalescing window, so each write is its own patch, as for a fleet where
    // agents change state at different moments.
    const GAP: Duration = Duration::from_millis(120);
    let display = Display::start();
    let home = TestHome::new();
    // GROVE_LATENCY_RUNTIMES=0: records only, no live runtimes to probe (isolates the feed path).
    let fleet = if std::env::var("GROVE_LATENCY_RUNTIMES").as_deref() == Ok("0") {
        Fleet::write_without_runtimes(&home.grove_home(), 1000)
    } else {
        Fleet::write(&home.grove_home(), &home.user_home(), 1000)
    };
    let (mut driver, app) = start(&display, &home);
    app.wait_for("the seeded fleet", "window.__groveFeed?.sessions === 1000", Duration::from_secs(120));
    // Let the first enrichment pass settle so its patches do not mix with the writes.
    std::thread::sleep(Duration::from_secs(5));
    app.eval("(window.__groveFeedLog.length = 0, true)");

    let mut writes = Vec::with_capacity(WRITES);
    let paced = Instant::now();
    for n in 0..WRITES {
        let session = &fleet.sessions[n % fleet.sessions.len()];
        let key = session.key();
        let at = epoch_ms();
        seed::rename(&fleet.record_path(&key), &format!("write {n}"));
        writes.push((key, at));
        // Pacing the writer, not synchronising with the app.
        let next = paced + GAP * (n as u32 + 1);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    std::thread::sleep(Duration::from_secs(2));
    let log = app.eval("window.__groveFeedLog.map(e => [e.t, e.keys])");
    let log: Vec<(f64, Vec<String>)> = log
        .as_array()
        .expect("the feed log")
        .iter()
        .map(|e| {
            let keys = e[1].as_array().map(|k| k.iter().filter_map(|k| k.as_str().map(str::to_owned)).collect());
            (e[0].as_f64().unwrap_or(0.0), keys.unwrap_or_default())
        })
        .collect();
    let mut latencies: Vec<f64> = writes
        .iter()
        .filter_map(|(key, at)| log.iter().find(|(t, keys)| *t + 1.0 >= *at && keys.contains(key)).map(|(t, _)| t - at))
        .collect();
    let missed = WRITES - latencies.len();
    latencies.sort_by(f64::total_cmp);
    let (median, p99, max) =
        (percentile(&latencies, 50.0), percentile(&latencies, 99.0), latencies[latencies.len() - 1]);
    // A 3 s poll sees a write after a uniformly distributed wait of 0-3 s, plus its own read.
    let polling_median = 1500.0;
    println!("| writes | matched | median | p99 | max | 3 s polling median (expected) | ratio |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {WRITES} | {} | {median:.0} ms | {p99:.0} ms | {max:.0} ms | {polling_median:.0} ms | {:.0}x faster |",
        WRITES - missed,
        polling_median / median.max(1.0)
    );
    app.quit();
    driver.stop();
    drop(fleet);
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_first_paint() {
    let display = Display::start();
    println!("| sessions | launch -> first paint (median of 3) | page start -> first paint | runs |");
    println!("|---:|---:|---:|---|");
    for count in [1000, 10_000] {
        let mut launch = Vec::new();
        let mut page = Vec::new();
        for _ in 0..3 {
            let home = TestHome::new();
            let fleet = Fleet::write_without_runtimes(&home.grove_home(), count);
            let before = epoch_ms();
            let (mut driver, app) = start(&display, &home);
            let painted = app.wait_for("the first paint", "window.__groveFirstPaintAt", Duration::from_secs(120));
            let painted = painted.as_f64().unwrap_or(0.0);
            let origin = app.eval("performance.timeOrigin").as_f64().unwrap_or(0.0);
            launch.push(painted - before);
            page.push(painted - origin);
            app.quit();
            driver.stop();
            drop(fleet);
        }
        launch.sort_by(f64::total_cmp);
        page.sort_by(f64::total_cmp);
        println!(
            "| {count} | {:.0} ms | {:.0} ms | {:?} |",
            launch[1],
            page[1],
            launch.iter().map(|v| v.round() as i64).collect::<Vec<_>>()
        );
    }
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_idle_cost() {
    const SAMPLE: Duration = Duration::from_secs(30);
    let display = Display::start();
    let home = TestHome::new();
    // GROVE_IDLE_SESSIONS=0 gives the baseline of an empty dashboard.
    let count: usize = std::env::var("GROVE_IDLE_SESSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let fleet = Fleet::write(&home.grove_home(), &home.user_home(), count);
    let (mut driver, app) = start(&display, &home);
    let seeded = format!("window.__groveFeed?.sessions === {count}");
    app.wait_for("the seeded fleet", &seeded, Duration::from_secs(120));
    // Past start-up and the first enrichment passes: this is the steady state.
    std::thread::sleep(Duration::from_secs(20));
    let processes = app_processes(&home);
    print_cpu(&app, &processes, SAMPLE, &format!("{count} sessions, no changes, as shown"));
    app.eval("(document.querySelector('[data-testid=session-list]').style.visibility = 'hidden', true)");
    print_cpu(&app, &processes, SAMPLE, "with the session list hidden (experiment)");
    app.quit();
    driver.stop();
    drop(fleet);
}

/// Issue #20: a fleet at work must not cost the webview a core. 100 working sessions whose
/// terminals each print a line every 200 ms, sampled over 60 s once the dashboard has settled.
#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_working_cost() {
    const SAMPLE: Duration = Duration::from_secs(60);
    const AGENTS: usize = 100;
    let display = Display::start();
    let home = TestHome::new();
    let fleet = Fleet::write_working(&home.grove_home(), &home.user_home(), AGENTS, 200);
    let (mut driver, app) = start(&display, &home);
    app.wait_for("the working fleet", &format!("window.__groveFeed?.sessions === {AGENTS}"), Duration::from_secs(120));
    std::thread::sleep(Duration::from_secs(20));
    let working = app.eval("document.querySelectorAll('[data-state=working]').length");
    let processes = app_processes(&home);
    print_cpu(
        &app,
        &processes,
        SAMPLE,
        &format!("{AGENTS} working agents printing every 200 ms ({working} working rows drawn)"),
    );
    app.quit();
    driver.stop();
    drop(fleet);
}

/// The app and its direct children (WebKit's web and network processes).
fn app_processes(home: &TestHome) -> Vec<i32> {
    let backend = proc::find_app(&home.grove_home()).expect("the app's process");
    std::iter::once(backend).chain(proc::children(backend)).collect()
}

/// Prints each process's CPU (% of one core) over `sample`, its memory now and at its peak, and
/// what the page did meanwhile (feed messages, running animations).
fn print_cpu(app: &WebDriver, processes: &[i32], sample: Duration, label: &str) {
    let hz = proc::clock_ticks_per_second();
    let before: Vec<u64> = processes.iter().map(|p| proc::cpu_ticks(*p)).collect();
    let messages = app.eval("window.__groveFeedLog.length").as_u64().unwrap_or(0);
    // Counts what changed in the DOM meanwhile: what the page had to lay out and paint again.
    app.eval(
        "(window.__groveMutations = 0, window.__groveObserver?.disconnect(), \
          window.__groveObserver = new MutationObserver((m) => (window.__groveMutations += m.length)), \
          window.__groveObserver.observe(document.body, \
            {subtree: true, childList: true, characterData: true, attributes: true}), true)",
    );
    let started = Instant::now();
    std::thread::sleep(sample);
    let elapsed = started.elapsed().as_secs_f64();
    let arrived = app.eval("window.__groveFeedLog.length").as_u64().unwrap_or(0).saturating_sub(messages);
    let mutations = app.eval("window.__groveMutations");
    let animations = app.eval("document.getAnimations().filter(a => a.playState === 'running').length");
    println!("\n{label}: {arrived} feed messages, {mutations} DOM mutations, {animations} running animations");
    println!("| process | CPU over {}s (% of one core) | RSS | peak RSS |", sample.as_secs());
    println!("|---|---:|---:|---:|");
    for (pid, ticks) in processes.iter().zip(before) {
        let used = (proc::cpu_ticks(*pid) - ticks) as f64 / hz;
        println!(
            "| {} | {:.2} % | {} MiB | {} MiB |",
            proc::name(*pid),
            used / elapsed * 100.0,
            proc::rss_kib(*pid) / 1024,
            proc::peak_rss_kib(*pid) / 1024
        );
    }
}

#[test]
#[ignore = "a measurement, run by hand (see the module's documentation)"]
fn measure_quit_100() {
    use crate::quit_restore::{TmuxServer, grove, tmux_sessions, wait_for_exit, write_config};
    const SESSIONS: usize = 100;
    let display = Display::start();
    let home = TestHome::new();
    write_config(&home);
    let socket = grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket();
    let _tmux = TmuxServer(socket.clone());
    for n in 0..SESSIONS {
        let project = if n % 2 == 0 { "alpha" } else { "beta" };
        let out = grove(&home, &["spawn", "--project", project, "--prompt", &format!("task {n}")]);
        assert!(out.status.success(), "spawn {n}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (mut driver, app) = start(&display, &home);
    app.wait_for("the sessions", &format!("window.__groveFeed?.sessions === {SESSIONS}"), Duration::from_secs(120));
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    // SAFETY: kill has no memory preconditions; the pid is the app this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let took = wait_for_exit(pid, Duration::from_secs(30));
    let tmux_left = tmux_sessions(&socket).len();
    let processes_left = proc::working_in(&home.grove_home()).len();
    println!("| live sessions | SIGTERM -> exit | tmux sessions left | processes left in worktrees |");
    println!("|---:|---:|---:|---:|");
    println!("| {SESSIONS} | {} ms | {tmux_left} | {processes_left} |", took.as_millis());
    drop(app);
    driver.stop();
}
