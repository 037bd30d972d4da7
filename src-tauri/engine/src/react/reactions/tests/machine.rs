//! The state machine by tables: each scenario is a list of observations (minutes from a fixed
//! start, whether the condition holds) with what must be done at each, fed back as done.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::{HumanDuration, Reaction, ReactionAction, ReactionKey, ReactionOverride};
use crate::react::reactions::{Act, Conditions, Holding, REACTOR_KEYS, SessionReactions, Why};
use crate::session::{ReactionEntry, ReactionOutcome};

fn at(minutes: i64) -> DateTime<Utc> {
    "2025-03-04T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

fn minutes(n: u64) -> Option<HumanDuration> {
    Some(HumanDuration::new(Duration::from_secs(n * 60)))
}

/// Built-in reactions, with `over` applied to `key`.
fn reactions(key: ReactionKey, over: &ReactionOverride) -> BTreeMap<ReactionKey, Reaction> {
    REACTOR_KEYS
        .iter()
        .map(|k| (*k, if *k == key { Reaction::builtin(*k).with(over) } else { Reaction::builtin(*k) }))
        .collect()
}

/// One observation and what it must lead to.
#[derive(Debug, Clone, Copy)]
struct Step {
    min: i64,
    on: bool,
    /// agent_stuck's mark: the minute of the last activity it is stuck at.
    mark: Option<i64>,
    pr: u32,
    /// The send this step makes fails.
    fail: bool,
    expect: Option<(&'static str, u32)>,
}

fn on(min: i64) -> Step {
    Step { min, on: true, mark: None, pr: 7, fail: false, expect: None }
}

fn off(min: i64) -> Step {
    Step { on: false, ..on(min) }
}

impl Step {
    fn does(self, what: &'static str, attempt: u32) -> Step {
        Step { expect: Some((what, attempt)), ..self }
    }
    fn failing(self) -> Step {
        Step { fail: true, ..self }
    }
    fn stuck_at(self, minute: i64) -> Step {
        Step { mark: Some(minute), ..self }
    }
    fn on_pr(self, pr: u32) -> Step {
        Step { pr, ..self }
    }
}

fn kind(act: Act) -> &'static str {
    match act {
        Act::Send => "send",
        Act::Notify => "notify",
        Act::AutoMergeUnsupported => "auto_merge",
        Act::Escalate(Why::RetriesSpent { .. }) => "escalate:retries",
        Act::Escalate(Why::TooLong(_)) => "escalate:time",
        Act::Escalate(Why::Unreachable { .. }) => "escalate:unreachable",
    }
}

/// Plays `steps` on `state`, asserting each step's decisions, feeding back their outcomes and
/// appending the entries an actual reactor would log to `log`.
fn play(
    name: &str,
    key: ReactionKey,
    over: &ReactionOverride,
    state: &mut SessionReactions,
    log: &mut Vec<ReactionEntry>,
    steps: &[Step],
) {
    let reactions = reactions(key, over);
    for (i, step) in steps.iter().enumerate() {
        let mut seen = Conditions { pr: Some(step.pr), holding: BTreeMap::new() };
        if step.on {
            seen.holding.insert(key, Holding { mark: step.mark.map(at) });
        }
        let decisions = state.decide(&reactions, &seen, at(step.min));
        let got: Vec<(&str, u32)> = decisions.iter().map(|d| (kind(d.act), d.attempt)).collect();
        let want: Vec<(&str, u32)> = step.expect.into_iter().collect();
        assert_eq!(got, want, "{name}: step {i} {step:?}");
        for d in decisions {
            let outcome = match d.act {
                Act::Send if step.fail => ReactionOutcome::Failed,
                Act::Send => ReactionOutcome::SentToAgent,
                Act::Notify | Act::AutoMergeUnsupported => ReactionOutcome::Notified,
                Act::Escalate(_) => ReactionOutcome::Escalated,
            };
            state.record(&d, outcome);
            log.push(ReactionEntry {
                key: d.key,
                at: at(step.min),
                outcome,
                attempt: d.attempt,
                detail: String::new(),
            });
        }
    }
}

#[test]
fn scenarios_follow_spec_h3() {
    let none = ReactionOverride::default();
    let disabled = ReactionOverride { enabled: Some(false), ..Default::default() };
    let notify = ReactionOverride { action: Some(ReactionAction::Notify), ..Default::default() };
    let auto_merge = ReactionOverride { action: Some(ReactionAction::AutoMerge), ..Default::default() };
    let no_retries = ReactionOverride { retries: Some(0), ..Default::default() };
    let wait_5m = ReactionOverride { threshold: minutes(5), ..Default::default() };
    use ReactionKey::*;
    let table: Vec<(&str, ReactionKey, &ReactionOverride, Vec<Step>)> = vec![
        (
            "ci_failed: entering sends, staying sends nothing, each re-entry is an attempt, then escalation",
            CiFailed,
            &none,
            vec![
                on(0).does("send", 1),
                on(1),
                off(2),
                on(3).does("send", 2),
                on(4),
                off(5),
                on(6).does("escalate:retries", 3),
                on(7),
                off(8),
                on(9).does("escalate:retries", 4),
            ],
        ),
        ("ci_failed: retries = 0 escalates at once", CiFailed, &no_retries, vec![on(0).does("escalate:retries", 1)]),
        (
            "ci_failed: a failed send is an attempt and is tried again at the next observation",
            CiFailed,
            &none,
            vec![
                on(0).failing().does("send", 1),
                on(1).does("send", 2),
                on(2),
                off(3),
                on(4).does("escalate:retries", 3),
            ],
        ),
        (
            "ci_failed: a new PR starts the attempts afresh",
            CiFailed,
            &none,
            vec![on(0).does("send", 1), off(1), on(2).does("send", 2), off(3), on(4).on_pr(8).does("send", 1)],
        ),
        (
            "changes_requested: escalates once after 30 min, re-entry sends again",
            ChangesRequested,
            &none,
            vec![
                on(0).does("send", 1),
                on(29),
                on(30).does("escalate:time", 1),
                on(90),
                off(91),
                on(92).does("send", 2),
                on(121),
                on(122).does("escalate:time", 2),
            ],
        ),
        (
            "changes_requested: leaving before escalate_after cancels the escalation",
            ChangesRequested,
            &none,
            vec![on(0).does("send", 1), off(10), on(31).does("send", 2), on(60), on(61).does("escalate:time", 2)],
        ),
        (
            "changes_requested: an unreachable agent is escalated after repeated failed sends",
            ChangesRequested,
            &none,
            vec![
                on(0).failing().does("send", 1),
                on(1).failing().does("send", 2),
                on(2).failing().does("send", 3),
                on(3).does("escalate:unreachable", 3),
                on(4),
            ],
        ),
        (
            "merge_conflicts: escalates after 15 min",
            MergeConflicts,
            &none,
            vec![on(0).does("send", 1), on(14), on(15).does("escalate:time", 1), on(40)],
        ),
        ("disabled: does nothing", CiFailed, &disabled, vec![on(0), on(60), off(61), on(62)]),
        (
            "action notify: notifies on each entry, never sends or escalates",
            CiFailed,
            &notify,
            vec![on(0).does("notify", 1), on(1), off(2), on(3).does("notify", 2), off(4), on(5).does("notify", 3)],
        ),
        (
            "threshold: the condition must last first",
            CiFailed,
            &wait_5m,
            vec![on(0), on(4), on(5).does("send", 1), on(6)],
        ),
        (
            "approved_and_green: one notification per entry",
            ApprovedAndGreen,
            &none,
            vec![on(0).does("notify", 1), on(5), off(6), on(7).does("notify", 2)],
        ),
        (
            "approved_and_green: auto_merge is recorded, not done",
            ApprovedAndGreen,
            &auto_merge,
            vec![on(0).does("auto_merge", 1), on(1)],
        ),
        (
            "agent_stuck: once, until its activity moves",
            AgentStuck,
            &none,
            vec![
                on(10).stuck_at(0).does("notify", 1),
                on(15).stuck_at(0),
                on(30).stuck_at(15).does("notify", 2),
                off(31),
                on(45).stuck_at(30).does("notify", 3),
            ],
        ),
    ];
    for (name, key, over, steps) in table {
        play(name, key, over, &mut SessionReactions::default(), &mut Vec::new(), &steps);
    }
}

/// After a restart the state comes from the log alone: `before` is played on a fresh state,
/// then `after` on the state rebuilt from the entries it logged.
#[test]
fn a_restart_rebuilds_the_state_from_the_log() {
    let none = ReactionOverride::default();
    use ReactionKey::*;
    let table: Vec<(&str, ReactionKey, Vec<Step>, Vec<Step>)> = vec![
        (
            "still failing: no second send; the next failure counts on",
            CiFailed,
            vec![on(0).does("send", 1), off(1), on(2).does("send", 2)],
            vec![on(3), on(4), off(5), on(6).does("escalate:retries", 3)],
        ),
        (
            "passed while down: the next failure is attempt 2",
            CiFailed,
            vec![on(0).does("send", 1)],
            vec![off(1), on(2).does("send", 2)],
        ),
        (
            "a failed send is tried again",
            CiFailed,
            vec![on(0).failing().does("send", 1)],
            vec![on(1).does("send", 2), on(2)],
        ),
        (
            "escalate_after counts from before the restart",
            ChangesRequested,
            vec![on(0).does("send", 1)],
            vec![on(29), on(30).does("escalate:time", 1), on(31)],
        ),
        (
            "an escalated episode stays escalated",
            MergeConflicts,
            vec![on(0).does("send", 1), on(15).does("escalate:time", 1)],
            vec![on(16), on(100)],
        ),
        (
            "stuck at the same activity: no second notification; moved: notified again",
            AgentStuck,
            vec![on(10).stuck_at(0).does("notify", 1)],
            vec![on(20).stuck_at(0), on(40).stuck_at(25).does("notify", 2)],
        ),
    ];
    for (name, key, before, after) in table {
        let mut log = Vec::new();
        play(name, key, &none, &mut SessionReactions::default(), &mut log, &before);
        let mut rebuilt = SessionReactions::from_log(&log);
        assert_eq!(rebuilt.attempts(key), log.last().unwrap().attempt, "{name}: attempts come from the log");
        play(name, key, &none, &mut rebuilt, &mut log, &after);
    }
}

#[test]
fn disabling_mid_episode_and_enabling_again_does_not_repeat() {
    let (mut state, mut log) = (SessionReactions::default(), Vec::new());
    let disabled = ReactionOverride { enabled: Some(false), ..Default::default() };
    let none = ReactionOverride::default();
    play("enabled", ReactionKey::CiFailed, &none, &mut state, &mut log, &[on(0).does("send", 1)]);
    play("disabled", ReactionKey::CiFailed, &disabled, &mut state, &mut log, &[on(1), on(2)]);
    play("enabled again", ReactionKey::CiFailed, &none, &mut state, &mut log, &[on(3), off(4), on(5).does("send", 2)]);
    // An episode that began while disabled is acted on once enabled.
    play("disabled", ReactionKey::CiFailed, &disabled, &mut state, &mut log, &[off(6), on(7)]);
    play("enabled again", ReactionKey::CiFailed, &none, &mut state, &mut log, &[on(8).does("escalate:retries", 3)]);
}

#[test]
fn reactions_only_read_their_own_key() {
    // A log holding other keys (and entries of keys the reactor does not run) rebuilds nothing
    // for ci_failed: its first failure is attempt 1.
    let entry =
        |key| ReactionEntry { key, at: at(0), outcome: ReactionOutcome::Notified, attempt: 4, detail: String::new() };
    let log = vec![entry(ReactionKey::AgentNeedsInput), entry(ReactionKey::ChangesRequested)];
    let mut state = SessionReactions::from_log(&log);
    assert_eq!(state.attempts(ReactionKey::CiFailed), 0);
    assert_eq!(state.attempts(ReactionKey::ChangesRequested), 4);
    play(
        "other keys",
        ReactionKey::CiFailed,
        &ReactionOverride::default(),
        &mut state,
        &mut Vec::new(),
        &[on(1).does("send", 1)],
    );
}
