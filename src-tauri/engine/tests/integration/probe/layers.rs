//! The layers of SPEC I0 put together, against each built-in agent's labelled corpus (SPEC I5):
//! `tests/fixtures/agents/<agent>/hooks.toml` lists cases of hook calls (`hooks/`), transcript
//! tails and screens (`panes/`). Each case runs through the real pipeline: the hook calls are
//! turned into events-file lines exactly as `grove hook` writes them (`event_of` + `append`, or
//! `mark` for Grove's own markers), the transcript is filed where the adapter looks, a fake
//! `PaneCapture` shows the screen, and `AgentAdapters::layered(...)` classifies the session.
//! Every mismatch of a corpus is listed in one failure; and a check that the screen is not
//! captured when the hooks settle the state. The rules the corpus cannot show are table-tested
//! in `layer_rules`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use grove_engine::events::{HookInput, INPUT_EVENT, LAUNCH_EVENT, append, event_of, mark};
use grove_engine::home::GroveHome;
use grove_engine::probe::agents::{PaneBatcher, PaneCapture, TailReader, encode_claude_project_dir};
use grove_engine::probe::{AgentActivity, AgentAdapters, AgentDirs, LastOutput, ProbeError, ProbeFuture};
use grove_engine::session::{Activity, SessionRecord};
use serde::Deserialize;
use serde_json::Value;

use super::support::{fixture_dir, instant, record, within};

/// The id Grove gave Claude with `--session-id`; on record for every Claude case.
const CLAUDE_SESSION: &str = "5b0e2c1a-7d3f-4e8a-9c11-2f6d8a4b0e77";
/// Codex's session (thread) id in the rollout fixtures.
const CODEX_SESSION: &str = "0199f3a2-5c1e-7b20-9d4e-3a5b6c7d8e9f";

/// One labelled case of `hooks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerCase {
    /// The hook calls, a file in the agent's `hooks/` directory; none: the events file does not exist.
    events: Option<String>,
    /// A transcript fixture of the agent (Claude JSONL, Codex rollout, Aider chat history).
    transcript: Option<String>,
    /// Claude: the session id the transcript is filed under (default: the recorded one).
    transcript_session: Option<String>,
    /// Aider: the chat history's modification time.
    mtime: Option<String>,
    /// The screen the pane capture returns for the session, a file in `panes/`.
    pane: Option<String>,
    /// The instant the session is classified at.
    now: String,
    /// The expected activity (wire name).
    activity: String,
    /// The expected source (wire name).
    source: String,
    /// A text the detail must contain; absent: not checked.
    detail: Option<String>,
    /// A text the error must contain; absent: no error may be reported.
    error: Option<String>,
    /// The expected confidence (wire name); absent: not checked.
    confidence: Option<String>,
    /// The expected agent session id; absent: not checked.
    session_id: Option<String>,
    /// Whether the agent reported a new session id that replaces the recorded one.
    #[serde(default)]
    rebound: bool,
    /// What the case shows.
    note: String,
}

impl LayerCase {
    fn label(&self) -> String {
        let part = |p: &Option<String>| p.as_deref().unwrap_or("-").to_owned();
        format!(
            "[events {} | transcript {} | pane {} | at {}] ({})",
            part(&self.events),
            part(&self.transcript),
            part(&self.pane),
            self.now,
            self.note
        )
    }
}

#[derive(Debug, Deserialize)]
struct Index {
    case: Vec<LayerCase>,
}

/// The layered cases of `agent` from its `hooks.toml`.
fn layer_cases(agent: &str) -> Vec<LayerCase> {
    let path = fixture_dir(agent).join("hooks.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let index: Index = toml::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
    assert!(!index.case.is_empty(), "{} lists no cases", path.display());
    index.case
}

/// One line of a `hooks/*.jsonl` fixture: one invocation of `grove hook <agent>`, or one of
/// Grove's own markers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HookCall {
    /// When the hook ran.
    at: String,
    /// The JSON the agent wrote to the hook's stdin (Claude).
    stdin: Option<Value>,
    /// The words after the agent name (Codex's notify payload is the last; Aider gives none).
    args: Option<Vec<String>>,
    /// Grove's own marker instead of a hook call: `launch` or `input`.
    grove: Option<String>,
}

/// Writes the events file of `rec` from the hook calls in `file`, as `grove hook` and Grove would.
fn write_events(home: &GroveHome, rec: &SessionRecord, file: &Path) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    let path = home.events_file(&rec.project_id, &rec.id);
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let call: HookCall =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{} line {}: {e}", file.display(), n + 1));
        let at = instant(&call.at);
        match call.grove.as_deref() {
            Some("launch") => mark(home, &rec.project_id, &rec.id, &rec.agent, LAUNCH_EVENT, at).unwrap(),
            Some("input") => mark(home, &rec.project_id, &rec.id, &rec.agent, INPUT_EVENT, at).unwrap(),
            Some(other) => panic!("{} line {}: unknown Grove marker {other:?}", file.display(), n + 1),
            None => {
                let input = HookInput {
                    agent: rec.agent.clone(),
                    stdin: call.stdin.map(|v| serde_json::to_vec(&v).unwrap()),
                    args: call.args.unwrap_or_default(),
                };
                append(&path, &event_of(&input, at)).unwrap();
            }
        }
    }
}

/// Files transcript fixture `file` of `agent` where that agent's adapter looks for `rec`.
fn place_transcript(agent: &str, dirs: &AgentDirs, rec: &SessionRecord, case: &LayerCase, file: &str) {
    let source = fixture_dir(agent).join(file);
    match agent {
        "claude-code" => {
            let encoded = encode_claude_project_dir(&rec.worktree.canonicalize().unwrap());
            let dir = dirs.claude_config.join("projects").join(encoded);
            std::fs::create_dir_all(&dir).unwrap();
            let id = case.transcript_session.as_deref().unwrap_or(CLAUDE_SESSION);
            std::fs::copy(&source, dir.join(format!("{id}.jsonl"))).unwrap();
        }
        "codex" => {
            let day = dirs.codex_home.join("sessions/2025/11/02");
            std::fs::create_dir_all(&day).unwrap();
            let text = std::fs::read_to_string(&source).unwrap();
            let path = day.join(format!("rollout-2025-11-02T10-15-00-{CODEX_SESSION}.jsonl"));
            std::fs::write(path, text.replace("__WORKTREE__", &rec.worktree.display().to_string())).unwrap();
        }
        "aider" => {
            let history = rec.worktree.join(".aider.chat.history.md");
            std::fs::copy(&source, &history).unwrap();
            let mtime = instant(case.mtime.as_deref().expect("an aider transcript needs an mtime"));
            let handle = std::fs::File::options().write(true).open(&history).unwrap();
            handle.set_modified(SystemTime::from(mtime)).unwrap();
        }
        other => panic!("no transcript layout for {other}"),
    }
}

/// Screens by tmux session name, counting the capture calls.
#[derive(Default)]
struct FakePanes {
    screens: HashMap<String, String>,
    calls: AtomicUsize,
}

impl PaneCapture for FakePanes {
    fn capture<'a>(&'a self, targets: &'a [String]) -> ProbeFuture<'a, HashMap<String, String>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(
            async move { Ok(targets.iter().filter_map(|t| Some((t.clone(), self.screens.get(t)?.clone()))).collect()) },
        )
    }
}

/// The shell adapter's output source; no case uses it.
struct NoOutput;

impl LastOutput for NoOutput {
    fn last_output<'a>(&'a self, _session: &'a SessionRecord) -> ProbeFuture<'a, Option<DateTime<Utc>>> {
        Box::pin(async { Ok(None) })
    }
}

/// Runs one case of `agent` through the layered adapter; returns its reading and how many
/// times the screen was captured.
async fn run_case(agent: &str, case: &LayerCase) -> (Result<AgentActivity, ProbeError>, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let wt = tmp.path().join("wt").join("feat_x.2");
    std::fs::create_dir_all(&wt).unwrap();
    let dirs = AgentDirs::under_home(&tmp.path().join("user-home"));
    let home = GroveHome::at(tmp.path().join("grove-home"));
    let id = match agent {
        "claude-code" => "cc-1",
        "codex" => "cx-1",
        _ => "ai-1",
    };
    let mut rec = record(id, agent, &wt, instant("2025-11-02T10:00:00Z"));
    if agent == "claude-code" {
        rec.agent_session_id = Some(CLAUDE_SESSION.to_owned());
    }
    if let Some(events) = &case.events {
        write_events(&home, &rec, &fixture_dir(agent).join("hooks").join(events));
    }
    if let Some(file) = &case.transcript {
        place_transcript(agent, &dirs, &rec, case, file);
    }
    let mut panes = FakePanes::default();
    if let Some(pane) = &case.pane {
        let path = fixture_dir(agent).join("panes").join(pane);
        let screen = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        panes.screens.insert(id.to_owned(), screen);
    }
    let panes = Arc::new(panes);
    let tail = Arc::new(TailReader::default());
    let adapters = AgentAdapters::new(&dirs, Arc::new(NoOutput), tail.clone()).layered(
        &home,
        tail,
        Arc::new(PaneBatcher::new(panes.clone())),
    );
    let got = within(&case.label(), adapters.adapter_for(agent).activity(&rec, instant(&case.now))).await;
    (got, panes.calls.load(Ordering::SeqCst))
}

/// A wire name (`waiting_input`, `pane`, `high`) of a serialisable enum.
fn wire(value: impl serde::Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// What is wrong with `got` for `case`; empty when it is classified correctly.
fn mismatches(case: &LayerCase, got: &AgentActivity) -> Vec<String> {
    let mut wrong = Vec::new();
    if got.activity.as_str() != case.activity {
        wrong.push(format!("activity {} (expected {})", got.activity.as_str(), case.activity));
    }
    if wire(got.source) != case.source {
        wrong.push(format!("source {} (expected {})", wire(got.source), case.source));
    }
    if let Some(want) = &case.detail
        && !got.detail.as_deref().is_some_and(|d| d.contains(want.as_str()))
    {
        wrong.push(format!("detail {:?} (expected one containing {want:?})", got.detail));
    }
    match (&case.error, &got.error) {
        (None, None) => {}
        (Some(want), Some(have)) if have.contains(want.as_str()) => {}
        (want, have) => wrong.push(format!(
            "error {have:?} (expected {})",
            match want {
                Some(w) => format!("one containing {w:?}"),
                None => "none".to_owned(),
            }
        )),
    }
    if let Some(want) = &case.confidence
        && wire(got.confidence) != *want
    {
        wrong.push(format!("confidence {} (expected {want})", wire(got.confidence)));
    }
    if let Some(want) = &case.session_id
        && got.agent_session_id.as_deref() != Some(want.as_str())
    {
        wrong.push(format!("agent session id {:?} (expected {want:?})", got.agent_session_id));
    }
    if got.session_rebound != case.rebound {
        wrong.push(format!("session_rebound {} (expected {})", got.session_rebound, case.rebound));
    }
    wrong
}

/// Classifies every case of `agent`'s corpus; fails once, listing every case that is wrong.
async fn check_corpus(agent: &str) {
    let cases = layer_cases(agent);
    let mut wrong = Vec::new();
    for case in &cases {
        match run_case(agent, case).await.0 {
            Ok(got) => {
                let problems = mismatches(case, &got);
                if !problems.is_empty() {
                    wrong.push(format!("{}\n    {}", case.label(), problems.join("\n    ")));
                }
            }
            Err(err) => wrong.push(format!("{}\n    probe failed: {err}", case.label())),
        }
    }
    let correct = cases.len() - wrong.len();
    println!("layers corpus ({agent}): {} cases, {correct} classified correctly", cases.len());
    assert!(
        wrong.is_empty(),
        "{agent} layers corpus: {} cases, {correct} classified correctly; {} wrong:\n{}",
        cases.len(),
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn claude_code_layers_corpus() {
    check_corpus("claude-code").await;
}

#[tokio::test]
async fn codex_layers_corpus() {
    check_corpus("codex").await;
}

#[tokio::test]
async fn aider_layers_corpus() {
    check_corpus("aider").await;
}

#[tokio::test]
async fn claude_s_screen_is_not_captured_when_its_hooks_settle_the_state() {
    // Every case has the permission dialog on screen: a capture would turn it into a wait. A
    // finished turn is read for a post-turn question (SPEC I2b), but a permission menu after the
    // turn ended is a leftover and changes nothing.
    let table = [
        ("finished.jsonl", "finished-turn.jsonl", "2025-11-02T10:15:40Z", Activity::Ready, 1),
        ("finished.jsonl", "finished-turn.jsonl", "2025-11-02T10:21:00Z", Activity::Idle, 0),
        ("approved.jsonl", "tool-approved.jsonl", "2025-11-02T10:15:33Z", Activity::Active, 0),
        ("stop-failure.jsonl", "api-error.jsonl", "2025-11-02T10:20:30Z", Activity::Blocked, 0),
        ("session-end.jsonl", "finished-turn.jsonl", "2025-11-02T10:16:05Z", Activity::Exited, 0),
        // The control: a wait is what the screen is read for.
        ("permission-pending.jsonl", "working-tool-use.jsonl", "2025-11-02T10:15:10Z", Activity::WaitingInput, 1),
    ];
    for (events, transcript, now, activity, captures) in table {
        let case = LayerCase {
            events: Some(events.into()),
            transcript: Some(transcript.into()),
            pane: Some("permission-dialog.txt".into()),
            now: now.into(),
            ..LayerCase::default()
        };
        let (got, calls) = run_case("claude-code", &case).await;
        let got = got.unwrap_or_else(|e| panic!("{events} at {now}: probe failed: {e}"));
        assert_eq!(got.activity, activity, "{events} at {now}");
        assert_eq!(calls, captures, "{events} at {now}: screen captures");
    }
}

// --- combine, wants_pane, confirm: rules the corpus cannot show ---------------------------
