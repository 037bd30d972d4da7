//! Table tests of the layer rules (SPEC I0) the labelled corpus cannot show on its own: which
//! reading wins in `combine`, when the screen is asked (`wants_pane`), and what the screen settles
//! (`confirm`).

use chrono::{DateTime, TimeDelta, Utc};
use grove_engine::probe::agents::hooks::HookReading;
use grove_engine::probe::agents::layers::{FRESH, Reported, STALLED, combine, confirm, wants_pane};
use grove_engine::probe::agents::{Dialog, DialogKind, PaneVerdict};
use grove_engine::probe::{ActivitySource, AgentActivity, Confidence};
use grove_engine::session::Activity;

use super::support::instant;

fn at(secs: i64) -> DateTime<Utc> {
    instant("2025-11-02T10:15:00Z") + TimeDelta::seconds(secs)
}

fn hooks(activity: Activity, secs: i64, session_id: Option<&str>) -> HookReading {
    HookReading { activity, at: at(secs), detail: None, error: None, session_id: session_id.map(str::to_owned) }
}

fn reading(activity: Activity, source: ActivitySource, evidence: Option<i64>) -> AgentActivity {
    AgentActivity {
        activity,
        source,
        last_activity_at: evidence.map(at),
        agent_session_id: None,
        error: None,
        detail: None,
        confidence: if source == ActivitySource::Hook { Confidence::High } else { Confidence::Medium },
        evidence_at: evidence.map(at),
        session_rebound: false,
        dialog: None,
    }
}

/// A transcript reading as the adapters give it: no evidence time of its own.
fn transcript(activity: Activity, last: Option<i64>, session_id: Option<&str>) -> AgentActivity {
    AgentActivity {
        evidence_at: None,
        agent_session_id: session_id.map(str::to_owned),
        ..reading(activity, ActivitySource::Transcript, last)
    }
}

#[test]
fn combine_lets_only_a_newer_decisive_transcript_replace_the_hooks() {
    let waiting = Reported { hooks: Some(hooks(Activity::WaitingInput, 10, Some("s-1"))), input_at: None };
    let cases = [
        // (transcript, expected activity, source, why)
        (transcript(Activity::Ready, Some(20), None), Activity::Ready, ActivitySource::Transcript, "newer turn end"),
        (transcript(Activity::Ready, Some(5), None), Activity::WaitingInput, ActivitySource::Hook, "older turn end"),
        (transcript(Activity::Ready, Some(10), None), Activity::WaitingInput, ActivitySource::Hook, "same instant"),
        (transcript(Activity::Unknown, Some(30), None), Activity::WaitingInput, ActivitySource::Hook, "unknown"),
        (transcript(Activity::Ready, None, None), Activity::WaitingInput, ActivitySource::Hook, "no time"),
    ];
    for (t, activity, source, why) in cases {
        let got = combine(&waiting, Some(t), Some("s-1")).expect("a reading");
        assert_eq!((got.activity, got.source), (activity, source), "{why}");
    }
    let unknown_newer = combine(&waiting, Some(transcript(Activity::Unknown, Some(30), None)), Some("s-1")).unwrap();
    assert_eq!(unknown_newer.last_activity_at, Some(at(30)), "the later layer's time is the last activity");
    assert_eq!(unknown_newer.evidence_at, Some(at(10)), "but the evidence is the hook's");
    assert_eq!(combine(&Reported::default(), None, None), None, "no layer, no reading");
}

#[test]
fn combine_takes_the_session_id_from_the_hooks_first() {
    let reported = Reported { hooks: Some(hooks(Activity::Ready, 10, Some("new"))), input_at: None };
    let got = combine(&reported, Some(transcript(Activity::Active, Some(20), Some("old"))), Some("old")).unwrap();
    assert_eq!(got.activity, Activity::Active, "the newer transcript decides the activity");
    assert_eq!((got.agent_session_id.as_deref(), got.session_rebound), (Some("new"), true), "the hook's id");
    let same = combine(&reported, None, Some("new")).unwrap();
    assert!(!same.session_rebound, "the recorded id reported again is no rebinding");
    // Aider's notify carries no id: the transcript's (none for Aider, some for others) is kept.
    let silent = Reported { hooks: Some(hooks(Activity::Ready, 10, None)), input_at: None };
    let got = combine(&silent, Some(transcript(Activity::Unknown, None, Some("t-id"))), None).unwrap();
    assert_eq!((got.agent_session_id.as_deref(), got.session_rebound), (Some("t-id"), false));
}

#[test]
fn combine_counts_grove_s_input_only_as_the_answer_to_an_earlier_wait() {
    let cases = [
        (Activity::WaitingInput, 20, Activity::Active, ActivitySource::Input, "input after the wait"),
        (Activity::WaitingInput, 5, Activity::WaitingInput, ActivitySource::Hook, "input before the wait"),
        (Activity::Ready, 20, Activity::Ready, ActivitySource::Hook, "input after a finished turn"),
        (Activity::Blocked, 20, Activity::Blocked, ActivitySource::Hook, "input after an error"),
    ];
    for (before, input, activity, source, why) in cases {
        let reported = Reported { hooks: Some(hooks(before, 10, None)), input_at: Some(at(input)) };
        let got = combine(&reported, None, None).unwrap();
        assert_eq!((got.activity, got.source), (activity, source), "{why}");
        if source == ActivitySource::Input {
            assert_eq!((got.confidence, got.evidence_at), (Confidence::Medium, Some(at(input))), "{why}");
        }
    }
}

#[test]
fn wants_pane_reads_the_screen_only_when_it_can_settle_something() {
    let now = at(100);
    let fresh = 100 - STALLED.num_seconds() + 1;
    let stale = 100 - STALLED.num_seconds();
    let cases = [
        ("claude-code", reading(Activity::WaitingInput, ActivitySource::Hook, Some(99)), true),
        ("claude-code", reading(Activity::Unknown, ActivitySource::Transcript, None), true),
        ("claude-code", reading(Activity::Active, ActivitySource::Hook, Some(fresh)), false),
        ("claude-code", reading(Activity::Active, ActivitySource::Transcript, Some(stale)), true),
        ("claude-code", reading(Activity::Active, ActivitySource::Transcript, None), true),
        ("claude-code", reading(Activity::Active, ActivitySource::Input, Some(99)), true),
        // A finished turn may end in a post-turn question (SPEC I2b).
        ("claude-code", reading(Activity::Ready, ActivitySource::Hook, Some(0)), true),
        ("claude-code", reading(Activity::Idle, ActivitySource::Hook, Some(0)), false),
        // Another thread's turn may have completed while the session's own waits (SPEC I2a).
        ("codex", reading(Activity::Ready, ActivitySource::Hook, Some(0)), true),
        ("aider", reading(Activity::Ready, ActivitySource::Hook, Some(99)), true),
        ("aider", reading(Activity::Idle, ActivitySource::Transcript, Some(0)), true),
        ("claude-code", reading(Activity::Blocked, ActivitySource::Hook, Some(0)), false),
        ("codex", reading(Activity::Exited, ActivitySource::Hook, Some(0)), false),
        ("aider", reading(Activity::Blocked, ActivitySource::Transcript, Some(0)), false),
        ("shell", reading(Activity::Unknown, ActivitySource::Output, None), false),
        ("my-custom-agent", reading(Activity::WaitingInput, ActivitySource::Hook, Some(99)), false),
    ];
    for (agent, r, want) in cases {
        assert_eq!(
            wants_pane(agent, &r, now),
            want,
            "{agent} {:?} from {:?} at {:?}",
            r.activity,
            r.source,
            r.evidence_at
        );
    }
}

#[test]
fn confirm_settles_a_reading_by_what_the_screen_shows() {
    let now = at(100);
    let fresh = 100 - FRESH.num_seconds() + 1;
    let dialog = PaneVerdict::Waiting(Dialog {
        kind: DialogKind::Permission,
        title: "Do you want to proceed?".into(),
        options: Vec::new(),
    });
    let wait = |secs| reading(Activity::WaitingInput, ActivitySource::Hook, Some(secs));
    let cases = [
        // (reading, screen, expected activity, source, confidence, why)
        (wait(10), dialog.clone(), Activity::WaitingInput, ActivitySource::Hook, Confidence::High, "confirmed"),
        (wait(10), PaneVerdict::AtPrompt, Activity::Ready, ActivitySource::Pane, Confidence::Medium, "dismissed"),
        (wait(fresh), PaneVerdict::AtPrompt, Activity::WaitingInput, ActivitySource::Hook, Confidence::High, "fresh"),
        (wait(10), PaneVerdict::Unclear, Activity::WaitingInput, ActivitySource::Hook, Confidence::High, "unclear"),
        (
            wait(fresh),
            PaneVerdict::Working,
            Activity::WaitingInput,
            ActivitySource::Hook,
            Confidence::High,
            "not drawn",
        ),
        (
            reading(Activity::Unknown, ActivitySource::Transcript, None),
            PaneVerdict::AtPrompt,
            Activity::Ready,
            ActivitySource::Pane,
            Confidence::Medium,
            "nothing known, at its prompt",
        ),
        // Codex draws "esc to interrupt" for as long as a turn runs (tests/fixtures/agent-screens):
        // its prompt without that marker is a turn over, even one its rollout never closed (an
        // agent killed mid-turn and resumed).
        (
            reading(Activity::Active, ActivitySource::Transcript, Some(10)),
            PaneVerdict::AtPrompt,
            Activity::Ready,
            ActivitySource::Pane,
            Confidence::High,
            "at its prompt with nothing running",
        ),
        (
            reading(Activity::Ready, ActivitySource::Hook, Some(10)),
            dialog.clone(),
            Activity::WaitingInput,
            ActivitySource::Pane,
            Confidence::Medium,
            "a question nothing reported",
        ),
        (
            reading(Activity::Active, ActivitySource::Input, Some(99)),
            PaneVerdict::Working,
            Activity::Active,
            ActivitySource::Input,
            Confidence::High,
            "the answer took",
        ),
    ];
    for (before, verdict, activity, source, confidence, why) in cases {
        let got = confirm("codex", before.clone(), &verdict, now);
        assert_eq!((got.activity, got.source, got.confidence), (activity, source, confidence), "{why}");
        if got.source == ActivitySource::Pane && before.source != ActivitySource::Pane {
            assert_eq!(got.evidence_at, Some(now), "{why}: the screen is the evidence, seen now");
        }
        if let PaneVerdict::Waiting(line) = &verdict
            && got.source == ActivitySource::Pane
        {
            assert!(got.detail.as_deref().is_some_and(|d| d.contains(line.title.as_str())), "{why}: {:?}", got.detail);
        }
    }
}

#[test]
fn aider_back_at_its_prompt_is_ready_at_once_unless_grove_just_typed() {
    // SPEC I3a: after a yes/no answer Aider's history reads "working" by age for 30 s, while its
    // screen already shows the `>` prompt. Before the rule, the prompt changed nothing.
    let now = at(100);
    let by_age = reading(Activity::Active, ActivitySource::Transcript, Some(95));
    let got = confirm("aider", by_age, &PaneVerdict::AtPrompt, now);
    assert_eq!((got.activity, got.source), (Activity::Ready, ActivitySource::Pane), "the prompt is back: ready");

    let just_typed = reading(Activity::Active, ActivitySource::Input, Some(100));
    let got = confirm("aider", just_typed, &PaneVerdict::AtPrompt, now);
    assert_eq!(got.activity, Activity::Active, "an answer typed this very moment may not be drawn yet");

    let working = reading(Activity::Active, ActivitySource::Transcript, Some(95));
    assert_eq!(
        confirm("aider", working, &PaneVerdict::Unclear, now).activity,
        Activity::Active,
        "no prompt: still working"
    );
}
