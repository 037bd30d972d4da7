//! Tail-only reading (SPEC I1, I2): a transcript of several megabytes, generated here rather
//! than committed, is classified from its last [`TAIL_BYTES`] alone. The shared tail reader
//! counts every byte it reads, so the bound is measured, not assumed.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use chrono::DateTime;
use grove_engine::probe::AgentProbe;
use grove_engine::probe::agents::{
    AiderProbe, ClaudeCodeProbe, CodexProbe, TAIL_BYTES, TailReader, encode_claude_project_dir,
};
use grove_engine::session::Activity;

use super::support::{fixture_dir, instant, record, within};

/// Size of the generated transcripts: far over the tail, like a long session's.
const LONG_BYTES: usize = 8 * 1024 * 1024;

/// Writes `filler` lines until the file passes [`LONG_BYTES`], then the fixture `ending`.
fn long_file(path: &Path, first: &str, filler: &str, ending: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "{first}").unwrap();
    let mut written = first.len();
    while written < LONG_BYTES {
        writeln!(out, "{filler}").unwrap();
        written += filler.len() + 1;
    }
    out.write_all(&std::fs::read(ending).unwrap()).unwrap();
    out.flush().unwrap();
}

#[tokio::test]
async fn claude_reads_only_the_tail_of_a_long_transcript() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = tmp.path().join("wt");
    std::fs::create_dir_all(&wt).unwrap();
    let dir = tmp.path().join("cfg/projects").join(encode_claude_project_dir(&wt.canonicalize().unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    // Early history: an API error that a full read would find; the tail ends with a finished turn.
    let early = r#"{"type":"assistant","isApiErrorMessage":true,"sessionId":"old","timestamp":"2025-11-01T00:00:00Z","message":{"id":"m0","model":"<synthetic>","content":[{"type":"text","text":"API Error: early"}]}}"#;
    let filler = r#"{"type":"user","isSidechain":false,"timestamp":"2025-11-02T10:00:00.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":"lorem ipsum dolor sit amet, consectetur adipiscing elit"}]}}"#;
    long_file(&dir.join("s.jsonl"), early, filler, &fixture_dir("claude-code").join("finished-turn.jsonl"));
    let tail = Arc::new(TailReader::default());
    let probe = ClaudeCodeProbe::new(tmp.path().join("cfg"), tail.clone());
    let rec = record("long-1", "claude-code", &wt, DateTime::UNIX_EPOCH);
    let got = within("activity", probe.activity(&rec, instant("2025-11-02T10:17:00Z"))).await.unwrap();
    assert_eq!(got.activity, Activity::Ready, "the tail's finished turn decides, not the early error");
    assert!(
        tail.bytes_read() <= TAIL_BYTES,
        "read {} bytes of an 8 MiB transcript; the bound is {TAIL_BYTES}",
        tail.bytes_read()
    );
    assert!(tail.bytes_read() > 0, "the tail must actually have been read");
}

#[tokio::test]
async fn codex_reads_only_the_tail_and_keeps_the_id_from_the_first_line() {
    let tmp = tempfile::tempdir().unwrap();
    let wt = tmp.path().join("wt");
    std::fs::create_dir_all(&wt).unwrap();
    let fixture = std::fs::read_to_string(fixture_dir("codex").join("task-complete.jsonl")).unwrap();
    let fixture = fixture.replace("__WORKTREE__", &wt.display().to_string());
    let (meta, rest) = fixture.split_once('\n').unwrap();
    let ending = tmp.path().join("ending.jsonl");
    std::fs::write(&ending, rest).unwrap();
    let day = tmp.path().join("codex/sessions/2025/11/02");
    std::fs::create_dir_all(&day).unwrap();
    let filler = r#"{"timestamp":"2025-11-02T10:15:05.000Z","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"thinking about the parser at length"}]}}"#;
    long_file(&day.join("rollout-2025-11-02T10-15-00-x.jsonl"), meta, filler, &ending);
    let tail = Arc::new(TailReader::default());
    let probe = CodexProbe::new(tmp.path().join("codex"), tail.clone());
    let rec = record("long-2", "codex", &wt, DateTime::UNIX_EPOCH);
    let got = within("activity", probe.activity(&rec, instant("2025-11-02T10:17:00Z"))).await.unwrap();
    assert_eq!(got.activity, Activity::Ready, "task_complete at the end decides");
    assert_eq!(
        got.agent_session_id.as_deref(),
        Some("0199f3a2-5c1e-7b20-9d4e-3a5b6c7d8e9f"),
        "the id comes from session_meta, 8 MiB before the tail"
    );
    assert!(
        tail.bytes_read() <= TAIL_BYTES,
        "read {} bytes of the transcript tail; the bound is {TAIL_BYTES}",
        tail.bytes_read()
    );
}

#[tokio::test]
async fn aider_reads_only_the_tail_of_a_long_history() {
    let tmp = tempfile::tempdir().unwrap();
    let history = tmp.path().join(".aider.chat.history.md");
    let filler = "> litellm.APIConnectionError: an old failure, long since retried";
    long_file(
        &history,
        "# aider chat started at 2025-11-01 09:00:00",
        filler,
        &fixture_dir("aider").join("awaiting-reply.md"),
    );
    let tail = Arc::new(TailReader::default());
    let probe = AiderProbe::new(tail.clone());
    let rec = record("long-3", "aider", tmp.path(), DateTime::UNIX_EPOCH);
    let got = within("activity", probe.activity(&rec, chrono::Utc::now())).await.unwrap();
    assert_eq!(got.activity, Activity::Active, "the pending user input at the end decides");
    assert!(
        tail.bytes_read() <= TAIL_BYTES,
        "read {} bytes of an 8 MiB history; the bound is {TAIL_BYTES}",
        tail.bytes_read()
    );
}
