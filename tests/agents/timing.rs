//! How long a user waits between the agent asking and Grove saying so: per agent, a run of asking
//! turns in one session, each timed from the moment the model's asking reply was complete (the
//! agent has what it needs to show its question) to the first `grove show` that says "needs you".
//! The median and the 99th percentile are printed as a table (run with `--nocapture`); no bound is
//! asserted, because wall-clock bounds on a shared machine test the machine, not Grove.

use std::time::Duration;

use crate::support::clis::Agent;
use crate::support::world::World;

/// Turns per agent; `GROVE_AGENT_TURNS` overrides it for a quicker or a longer run.
const TURNS: usize = 20;

#[test]
fn claude_code_prompt_to_needs_you_latency() {
    latency(Agent::Claude);
}

#[test]
fn codex_prompt_to_needs_you_latency() {
    latency(Agent::Codex);
}

#[test]
fn aider_prompt_to_needs_you_latency() {
    latency(Agent::Aider);
}

fn latency(agent: Agent) {
    let turns = std::env::var("GROVE_AGENT_TURNS").ok().and_then(|t| t.parse().ok()).unwrap_or(TURNS);
    let w = World::new(agent);
    let id = w.spawn(&agent.asking_prompt("t0"));
    let mut times = vec![w.ask_and_answer(&id, "t0")];
    for turn in 1..turns {
        let tag = format!("t{turn}");
        w.send(&id, &agent.asking_prompt(&tag));
        times.push(w.ask_and_answer(&id, &tag));
    }
    times.sort();
    println!(
        "\n{:<12} {:>6} {:>12} {:>12} {:>12}\n{:<12} {:>6} {:>12} {:>12} {:>12}",
        "agent",
        "turns",
        "median",
        "p99",
        "max",
        agent.grove_name(),
        times.len(),
        format_ms(percentile(&times, 50)),
        format_ms(percentile(&times, 99)),
        format_ms(*times.last().expect("at least one turn")),
    );
}

/// The `p`th percentile of sorted `times` (nearest rank).
fn percentile(times: &[Duration], p: usize) -> Duration {
    let rank = (p * times.len()).div_ceil(100).max(1);
    times[rank - 1]
}

fn format_ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
