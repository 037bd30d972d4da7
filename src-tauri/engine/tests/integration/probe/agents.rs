//! Every adapter classified against its labelled corpus (SPEC I5), table-driven over each
//! agent's `cases.toml`, plus the transcript-finding rules the corpus cannot show.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};
use grove_engine::probe::agents::{
    AiderProbe, ClaudeCodeProbe, CodexProbe, ShellProbe, TailReader, encode_claude_project_dir,
};
use grove_engine::probe::{ActivitySource, AgentAdapters, AgentDirs, AgentProbe, LastOutput, ProbeError, ProbeFuture};
use grove_engine::session::{Activity, SessionRecord};

use super::support::{Case, cases, fixture_dir, instant, record, within};

const CLAUDE_SESSION: &str = "5b0e2c1a-7d3f-4e8a-9c11-2f6d8a4b0e77";
const CODEX_SESSION: &str = "0199f3a2-5c1e-7b20-9d4e-3a5b6c7d8e9f";

/// A worktree path with the characters Claude's encoding must replace (`_`, `.`).
fn worktree(root: &Path) -> PathBuf {
    let wt = root.join("wt").join("feat_x.2");
    std::fs::create_dir_all(&wt).expect("create worktree");
    wt
}

/// Compares what an adapter reported with a case; returns every mismatch.
async fn check(probe: &dyn AgentProbe, rec: &SessionRecord, case: &Case, session_id: Option<&str>) -> Vec<String> {
    let mut wrong = Vec::new();
    let got = match within(&case.file, probe.activity(rec, instant(&case.now))).await {
        Ok(got) => got,
        Err(err) => return vec![format!("{} at {}: probe failed: {err}", case.file, case.now)],
    };
    let label = format!("{} at {} ({})", case.file, case.now, case.note);
    if got.activity.as_str() != case.activity {
        wrong.push(format!("{label}: activity {} but expected {}", got.activity, case.activity));
    }
    if got.source != ActivitySource::Transcript {
        wrong.push(format!("{label}: source {:?}, expected transcript", got.source));
    }
    if got.agent_session_id.as_deref() != session_id {
        wrong.push(format!("{label}: agent session id {:?}, expected {session_id:?}", got.agent_session_id));
    }
    match (&case.error, &got.error) {
        (None, None) => {}
        (Some(want), Some(have)) if have.contains(want.as_str()) => {}
        (want, have) => wrong.push(format!("{label}: error {have:?}, expected one containing {want:?}")),
    }
    if case.summary.is_some() || case.tokens.is_some() || case.cost_usd.is_some() {
        match within(&case.file, probe.info(rec)).await {
            Ok(info) => {
                if case.summary.is_some() && info.summary != case.summary {
                    wrong.push(format!("{label}: summary {:?}, expected {:?}", info.summary, case.summary));
                }
                if case.tokens.is_some() && info.tokens != case.tokens {
                    wrong.push(format!("{label}: tokens {:?}, expected {:?}", info.tokens, case.tokens));
                }
                if case.cost_usd.is_some() && info.cost_usd != case.cost_usd {
                    wrong.push(format!("{label}: cost {:?}, expected {:?}", info.cost_usd, case.cost_usd));
                }
                if info.transcript.is_none() {
                    wrong.push(format!("{label}: info names no transcript"));
                }
            }
            Err(err) => wrong.push(format!("{label}: info failed: {err}")),
        }
    }
    wrong
}

fn assert_all_pass(agent: &str, wrong: Vec<String>) {
    assert!(wrong.is_empty(), "{agent} corpus: {} mismatches:\n{}", wrong.len(), wrong.join("\n"));
}

#[tokio::test]
async fn claude_code_corpus() {
    let mut wrong = Vec::new();
    for case in cases("claude-code") {
        // A fresh home per case, so the newest-transcript rule and the path cache see one file.
        let tmp = tempfile::tempdir().unwrap();
        let wt = worktree(tmp.path());
        let config = tmp.path().join("claude-config");
        let dir = config.join("projects").join(encode_claude_project_dir(&wt.canonicalize().unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(fixture_dir("claude-code").join(&case.file), dir.join(format!("{CLAUDE_SESSION}.jsonl")))
            .unwrap();
        let probe = ClaudeCodeProbe::new(config, Arc::new(TailReader::default()));
        let rec = record("cc-1", "claude-code", &wt, instant("2025-11-02T10:00:00Z"));
        wrong.extend(check(&probe, &rec, &case, Some(CLAUDE_SESSION)).await);
    }
    assert_all_pass("claude-code", wrong);
}

#[tokio::test]
async fn codex_corpus() {
    let mut wrong = Vec::new();
    for case in cases("codex") {
        let tmp = tempfile::tempdir().unwrap();
        let wt = worktree(tmp.path());
        let home = tmp.path().join("codex-home");
        write_rollout(&home, &case.file, &wt, CODEX_SESSION);
        let probe = CodexProbe::new(home, Arc::new(TailReader::default()));
        let rec = record("cx-1", "codex", &wt, DateTime::UNIX_EPOCH);
        wrong.extend(check(&probe, &rec, &case, Some(CODEX_SESSION)).await);
    }
    assert_all_pass("codex", wrong);
}

/// Writes fixture `file` as a rollout of session `id` whose session_meta cwd is `worktree`.
fn write_rollout(home: &Path, file: &str, worktree: &Path, id: &str) -> PathBuf {
    let day = home.join("sessions/2025/11/02");
    std::fs::create_dir_all(&day).unwrap();
    let text = std::fs::read_to_string(fixture_dir("codex").join(file)).unwrap();
    let path = day.join(format!("rollout-2025-11-02T10-15-00-{id}.jsonl"));
    std::fs::write(&path, text.replace("__WORKTREE__", &worktree.display().to_string()).replace(CODEX_SESSION, id))
        .unwrap();
    path
}

#[tokio::test]
async fn aider_corpus() {
    let mut wrong = Vec::new();
    for case in cases("aider") {
        let tmp = tempfile::tempdir().unwrap();
        let wt = worktree(tmp.path());
        let history = wt.join(".aider.chat.history.md");
        std::fs::copy(fixture_dir("aider").join(&case.file), &history).unwrap();
        let mtime = instant(case.mtime.as_deref().expect("aider cases set mtime"));
        let file = std::fs::File::options().write(true).open(&history).unwrap();
        file.set_modified(SystemTime::from(mtime)).unwrap();
        let probe = AiderProbe::new(Arc::new(TailReader::default()));
        let rec = record("ai-1", "aider", &wt, instant("2025-11-02T10:00:00Z"));
        wrong.extend(check(&probe, &rec, &case, None).await);
    }
    assert_all_pass("aider", wrong);
}

#[tokio::test]
async fn aider_input_history_counts_as_activity() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = worktree(tmp.path());
    let history = wt.join(".aider.chat.history.md");
    std::fs::copy(fixture_dir("aider").join("finished-reply.md"), &history).unwrap();
    let set_mtime = |path: &Path, at: &str| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::from(instant(at))).unwrap();
    };
    set_mtime(&history, "2025-11-02T10:15:30Z");
    let probe = AiderProbe::new(Arc::new(TailReader::default()));
    let rec = record("ai-2", "aider", &wt, DateTime::UNIX_EPOCH);
    let now = instant("2025-11-02T10:20:00Z");
    let before = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!(before.activity, Activity::Ready, "a reply 4.5 minutes old, no input since");
    let input = wt.join(".aider.input.history");
    std::fs::write(&input, "\n# 2025-11-02 10:19:55.000000\n+now add a --quiet flag\n").unwrap();
    set_mtime(&input, "2025-11-02T10:19:55Z");
    let after = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!(after.activity, Activity::Active, "input submitted 5 s ago means Aider is working");
    assert_eq!(after.last_activity_at, Some(instant("2025-11-02T10:19:55Z")), "the input time is the last activity");
}

#[tokio::test]
async fn claude_uses_the_recorded_session_id_over_a_newer_transcript() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = worktree(tmp.path());
    let config = tmp.path().join("claude-config");
    let dir = config.join("projects").join(encode_claude_project_dir(&wt.canonicalize().unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = fixture_dir("claude-code");
    std::fs::copy(fixtures.join("api-error.jsonl"), dir.join(format!("{CLAUDE_SESSION}.jsonl"))).unwrap();
    // Written after it, so the newest-file rule alone would pick this one.
    std::fs::copy(fixtures.join("finished-turn.jsonl"), dir.join("ffffffff-0000-4000-8000-000000000000.jsonl"))
        .unwrap();
    let old = std::fs::File::options().write(true).open(dir.join(format!("{CLAUDE_SESSION}.jsonl"))).unwrap();
    old.set_modified(SystemTime::UNIX_EPOCH).unwrap();
    let probe = ClaudeCodeProbe::new(config, Arc::new(TailReader::default()));
    let mut rec = record("cc-2", "claude-code", &wt, DateTime::UNIX_EPOCH);
    let now = instant("2025-11-02T10:20:30Z");
    let newest = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!(newest.activity, Activity::Ready, "without an id the newest transcript (finished turn) is read");
    rec.agent_session_id = Some(CLAUDE_SESSION.to_owned());
    let pinned = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!(pinned.activity, Activity::Blocked, "with an id, that session's transcript (API error) is read");
}

#[tokio::test]
async fn claude_without_a_transcript_yet_is_unknown_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = worktree(tmp.path());
    let probe = ClaudeCodeProbe::new(tmp.path().join("claude-config"), Arc::new(TailReader::default()));
    let mut rec = record("cc-3", "claude-code", &wt, DateTime::UNIX_EPOCH);
    rec.agent_session_id = Some(CLAUDE_SESSION.to_owned());
    let got = within("activity", probe.activity(&rec, Utc::now())).await.expect("no file yet is not a failure");
    assert_eq!(got.activity, Activity::Unknown, "Claude writes its transcript only with the first entry");
    assert_eq!(got.agent_session_id.as_deref(), Some(CLAUDE_SESSION), "the recorded id is kept");
}

#[tokio::test]
async fn claude_finds_a_long_path_by_its_200_character_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = tmp.path().join("w".repeat(120)).join("x".repeat(120));
    std::fs::create_dir_all(&wt).unwrap();
    let encoded = encode_claude_project_dir(&wt.canonicalize().unwrap());
    assert!(encoded.len() > 200, "the test path must be over the limit");
    let config = tmp.path().join("claude-config");
    // Claude appends a build-specific hash; any suffix after the prefix and a dash must match.
    let dir = config.join("projects").join(format!("{}-1x2y3z", &encoded[..200]));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture_dir("claude-code").join("ask-user-question.jsonl"), dir.join("s.jsonl")).unwrap();
    let probe = ClaudeCodeProbe::new(config, Arc::new(TailReader::default()));
    let rec = record("cc-4", "claude-code", &wt, DateTime::UNIX_EPOCH);
    let got = within("activity", probe.activity(&rec, instant("2025-11-02T10:15:10Z"))).await.unwrap();
    assert_eq!(got.activity, Activity::WaitingInput, "the hashed directory must be found by prefix");
}

#[tokio::test]
async fn codex_matches_its_worktree_and_forgets_a_vanished_rollout() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = worktree(tmp.path());
    let other = tmp.path().join("other-wt");
    std::fs::create_dir_all(&other).unwrap();
    let home = tmp.path().join("codex-home");
    let ours = write_rollout(&home, "working-exec.jsonl", &wt, CODEX_SESSION);
    // Another worktree's rollout, newer: matching must go by cwd, not by age.
    let theirs = write_rollout(&home, "task-complete.jsonl", &other, "0199f3a2-0000-7000-8000-000000000001");
    std::fs::File::options()
        .write(true)
        .open(&ours)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1))
        .unwrap();
    let probe = CodexProbe::new(home, Arc::new(TailReader::default()));
    let rec = record("cx-2", "codex", &wt, DateTime::UNIX_EPOCH);
    let now = instant("2025-11-02T10:15:10Z");
    let got = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!((got.activity, got.agent_session_id.as_deref()), (Activity::Active, Some(CODEX_SESSION)), "our rollout");
    std::fs::remove_file(&ours).unwrap();
    let gone = within("activity", probe.activity(&rec, now)).await.unwrap();
    assert_eq!(gone.activity, Activity::Unknown, "a vanished rollout must not be served from the cache");
    assert!(theirs.is_file(), "the other worktree's rollout must be left alone");
}

#[tokio::test]
async fn codex_skips_rollouts_older_than_the_session() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = worktree(tmp.path());
    let home = tmp.path().join("codex-home");
    let old = write_rollout(&home, "task-complete.jsonl", &wt, CODEX_SESSION);
    std::fs::File::options().write(true).open(&old).unwrap().set_modified(SystemTime::UNIX_EPOCH).unwrap();
    let probe = CodexProbe::new(home, Arc::new(TailReader::default()));
    // Created after that rollout was last written: the rollout belongs to an earlier session.
    let rec = record("cx-3", "codex", &wt, DateTime::UNIX_EPOCH + TimeDelta::days(1));
    let got = within("activity", probe.activity(&rec, Utc::now())).await.unwrap();
    assert_eq!(got.activity, Activity::Unknown, "an earlier session's rollout in the same worktree is not ours");
}

/// Output times given by the test.
struct FixedOutput(Option<DateTime<Utc>>);

impl LastOutput for FixedOutput {
    fn last_output<'a>(&'a self, _session: &'a SessionRecord) -> ProbeFuture<'a, Option<DateTime<Utc>>> {
        Box::pin(async move { Ok(self.0) })
    }
}

/// A source whose tmux call failed.
struct BrokenOutput;

impl LastOutput for BrokenOutput {
    fn last_output<'a>(&'a self, _session: &'a SessionRecord) -> ProbeFuture<'a, Option<DateTime<Utc>>> {
        Box::pin(async { Err(ProbeError::Failed { probe: "test", reason: "tmux exploded".into() }) })
    }
}

#[tokio::test]
async fn shell_activity_follows_output_age() {
    let now = instant("2025-11-02T10:00:00Z");
    let rec = record("sh-1", "shell", Path::new("/nonexistent"), DateTime::UNIX_EPOCH);
    let table = [
        (Some(now - TimeDelta::seconds(5)), Activity::Active),
        (Some(now - TimeDelta::seconds(31)), Activity::Ready),
        (Some(now - TimeDelta::minutes(6)), Activity::Idle),
        (None, Activity::Unknown),
    ];
    for (last, want) in table {
        let probe = ShellProbe::new(Arc::new(FixedOutput(last)));
        let got = within("shell activity", probe.activity(&rec, now)).await.unwrap();
        assert_eq!((got.activity, got.source), (want, ActivitySource::Output), "last output at {last:?}");
        assert_eq!(got.last_activity_at, last, "the output time is reported as last activity");
    }
    let err = within("shell activity", ShellProbe::new(Arc::new(BrokenOutput)).activity(&rec, now)).await;
    assert!(err.is_err(), "a failed output probe must be an error, not a guess: {err:?}");
}

#[tokio::test]
async fn registry_maps_built_in_names_and_sends_custom_agents_to_shell() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AgentDirs::under_home(tmp.path());
    let adapters = AgentAdapters::new(&dirs, Arc::new(FixedOutput(None)), Arc::new(TailReader::default()));
    let shell = adapters.adapter_for("shell");
    assert!(Arc::ptr_eq(&adapters.adapter_for("my-custom-agent"), &shell), "a custom agent uses the shell adapter");
    for name in ["claude-code", "codex", "aider"] {
        assert!(!Arc::ptr_eq(&adapters.adapter_for(name), &shell), "{name} must have its own adapter");
        assert!(Arc::ptr_eq(&adapters.adapter_for(name), &adapters.adapter_for(name)), "{name} adapter is shared");
    }
    // As one probe, the registry reads each session with its agent's adapter: a custom agent by
    // output age, Claude from its transcript (none yet here).
    let custom = record("sh-2", "my-custom-agent", tmp.path(), DateTime::UNIX_EPOCH);
    let got = within("custom activity", adapters.activity(&custom, Utc::now())).await;
    assert_eq!(got.map(|a| a.source), Ok(ActivitySource::Output), "custom agents are read by output age");
    let claude = record("cc-9", "claude-code", tmp.path(), DateTime::UNIX_EPOCH);
    let got = within("claude activity", adapters.activity(&claude, Utc::now())).await;
    assert_eq!(got.map(|a| a.source), Ok(ActivitySource::Transcript), "claude-code is read from its transcript");
}
