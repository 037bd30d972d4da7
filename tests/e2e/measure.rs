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

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::harness::{Display, Driver, TestHome, Theme};
use crate::seed::{self, Fleet};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove");

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
    let fleet = Fleet::write(&home.grove_home(), &home.user_home(), 1000);
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
    const SAMPLE: Duration = Duration::from_secs(60);
    let display = Display::start();
    let home = TestHome::new();
    let fleet = Fleet::write(&home.grove_home(), &home.user_home(), 500);
    let (mut driver, app) = start(&display, &home);
    app.wait_for("the seeded fleet", "window.__groveFeed?.sessions === 500", Duration::from_secs(120));
    // Past start-up and the first enrichment passes: this is the steady state.
    std::thread::sleep(Duration::from_secs(20));
    let backend = proc::find_app(&home.grove_home()).expect("the app's process");
    let children = proc::children(backend);
    let before: Vec<(i32, u64)> =
        std::iter::once(backend).chain(children.iter().copied()).map(|p| (p, proc::cpu_ticks(p))).collect();
    let started = Instant::now();
    std::thread::sleep(SAMPLE);
    let elapsed = started.elapsed().as_secs_f64();
    let hz = proc::clock_ticks_per_second();
    println!("| process | CPU over {}s idle (% of one core) | RSS |", SAMPLE.as_secs());
    println!("|---|---:|---:|");
    for (pid, ticks) in before {
        let used = (proc::cpu_ticks(pid) - ticks) as f64 / hz;
        println!("| {} | {:.2} % | {} MiB |", proc::name(pid), used / elapsed * 100.0, proc::rss_kib(pid) / 1024);
    }
    app.quit();
    driver.stop();
    drop(fleet);
}

/// Just enough of /proc for the figures above.
mod proc {
    use std::path::Path;

    fn read(pid: i32, file: &str) -> String {
        std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
    }

    /// The `grove` app whose environment has this GROVE_HOME.
    pub fn find_app(grove_home: &Path) -> Option<i32> {
        let wanted = format!("GROVE_HOME={}", grove_home.display());
        std::fs::read_dir("/proc").ok()?.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()).find(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            exe.file_name().is_some_and(|n| n == "grove")
                && read(*pid, "environ").split('\0').any(|v| v == wanted)
                && read(*pid, "cmdline").split('\0').nth(1).is_none_or(str::is_empty)
        })
    }

    /// Direct children (WebKit's web and network processes).
    pub fn children(parent: i32) -> Vec<i32> {
        let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| stat_fields(*pid).get(1).and_then(|p| p.parse::<i32>().ok()) == Some(parent))
            .collect()
    }

    /// Fields after the command name: state, ppid, ...
    fn stat_fields(pid: i32) -> Vec<String> {
        let stat = read(pid, "stat");
        stat.rsplit_once(") ").map(|(_, rest)| rest.split(' ').map(str::to_owned).collect()).unwrap_or_default()
    }

    pub fn cpu_ticks(pid: i32) -> u64 {
        let f = stat_fields(pid);
        let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime are fields 14 and 15 of stat; here, after the name, 11 and 12.
        field(11) + field(12)
    }

    pub fn rss_kib(pid: i32) -> u64 {
        read(pid, "status")
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    pub fn name(pid: i32) -> String {
        read(pid, "comm").trim().to_owned()
    }

    pub fn clock_ticks_per_second() -> f64 {
        // SAFETY: sysconf has no preconditions.
        (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
    }
}
