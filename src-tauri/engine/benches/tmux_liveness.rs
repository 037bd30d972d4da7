//! Benchmark of tmux liveness (SPEC D1): one `list-panes -a` call answering for 50 and 500
//! sessions on a private tmux server. Target: under 200 ms for 500 sessions.
//!
//! Run: `cargo bench -p grove-engine --bench tmux_liveness`. Needs tmux. Prints a markdown
//! table of medians. The server (its own `-S` socket, never the user's) is killed at the end,
//! also when the benchmark panics.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use grove_engine::probe::{Liveness, RuntimeProbe, TmuxProbe};
use grove_engine::session::{RuntimeHandle, RuntimeKind};

/// Timed runs per case; the median is reported.
const RUNS: usize = 20;
/// Sessions created per tmux invocation: one call for all 500 would work, but a shorter command
/// line keeps an error message readable.
const SESSIONS_PER_CALL: usize = 100;
/// The latency budget for 500 sessions.
const TARGET: Duration = Duration::from_millis(200);

/// The private tmux server, killed when dropped.
struct Server {
    socket: PathBuf,
}

impl Server {
    fn tmux(&self, args: &[String]) {
        let out = Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().expect("run tmux");
        assert!(out.status.success(), "tmux failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Adds sessions `b0 .. b<count>`, each running `sleep 3600`.
    fn grow_to(&self, from: usize, count: usize) {
        let names: Vec<usize> = (from..count).collect();
        for chunk in names.chunks(SESSIONS_PER_CALL) {
            let mut args = vec!["-f".to_owned(), "/dev/null".to_owned()];
            for (i, n) in chunk.iter().enumerate() {
                if i > 0 {
                    args.push(";".into());
                }
                args.extend(["new-session", "-d", "-s", &format!("b{n}"), "sleep 3600"].map(String::from));
            }
            self.tmux(&args);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        // tmux leaves its socket file behind after kill-server.
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let server = Server { socket: std::env::temp_dir().join(format!("grove-bench-{}.sock", std::process::id())) };
    let probe = TmuxProbe::new(server.socket.clone());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("tmux liveness benchmark ({cores} cores available, {RUNS} runs per case)\n");
    println!("| sessions | median | min | max |");
    println!("|---:|---:|---:|---:|");
    let mut created = 0;
    let mut median_500 = Duration::ZERO;
    for count in [50, 500] {
        server.grow_to(created, count);
        created = count;
        let handles: Vec<RuntimeHandle> =
            (0..count).map(|n| RuntimeHandle::new(RuntimeKind::Tmux, format!("b{n}"))).collect();
        let mut times: Vec<Duration> = (0..=RUNS)
            .map(|_| {
                let start = Instant::now();
                let answer = runtime.block_on(probe.liveness(&handles)).expect("tmux answers");
                let elapsed = start.elapsed();
                let alive = answer.values().filter(|l| matches!(l, Liveness::Alive { .. })).count();
                assert_eq!(alive, count, "every benchmark session must be alive");
                elapsed
            })
            .collect();
        // The first run warms tmux's and the kernel's caches; it is not counted.
        times.remove(0);
        times.sort();
        let median = times[RUNS / 2];
        println!("| {count} | {median:.2?} | {:.2?} | {:.2?} |", times[0], times[RUNS - 1]);
        if count == 500 {
            median_500 = median;
        }
    }
    let verdict = if median_500 < TARGET { "within" } else { "OVER" };
    println!("\n500 sessions: median {median_500:.2?}, {verdict} the {TARGET:?} target");
}
