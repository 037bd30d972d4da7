//! Agent transcripts (SPEC I1-I3): the Claude Code, Codex and Aider adapters' `activity` and
//! `info`, and the `TailReader` under them, on files the agents write and Grove only reads.
//!
//! A transcript is whatever the agent (or a crash, or a full disk) left: a readable file must
//! never make the probe fail or panic, an error is reported only with `blocked`, summaries stay
//! one bounded line, and numbers read from the file never overflow into a wrong total.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::probe::agents::{
    AiderProbe, ClaudeCodeProbe, CodexProbe, SUMMARY_CHARS, TailReader, encode_claude_project_dir,
};
use grove_engine::probe::{ActivitySource, AgentActivity, AgentInfo, AgentProbe, ProbeError};
use grove_engine::session::{Activity, Lifecycle, RECORD_VERSION, RuntimeKind, SessionKind, SessionRecord};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::json;

use super::support::{bounded, bounded_async, byte_mutation, cases, hostile_bytes, scratch, seed};

/// The instant every reading is made at: a few minutes after the fixtures' entries.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-11-02T10:20:00Z").expect("valid instant").with_timezone(&Utc)
}

fn session(agent: &str, worktree: &Path) -> SessionRecord {
    let created_at = DateTime::UNIX_EPOCH;
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new("fz-1").expect("valid id"),
        project_id: ProjectId::new("fz").expect("valid id"),
        kind: SessionKind::Worker,
        agent: agent.to_owned(),
        runtime: RuntimeKind::Tmux,
        branch: "session/fz-1".into(),
        worktree: worktree.to_owned(),
        created_at,
        display_name: None,
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle: Lifecycle::spawning(created_at),
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

/// Which adapter reads the file, and where it looks for it.
#[derive(Debug, Clone, Copy)]
enum Agent {
    Claude,
    Codex,
    Aider,
}

/// Replaces the fixtures' `__WORKTREE__` placeholder (Codex's `cwd`) with `worktree`, on bytes
/// that may not be UTF-8.
fn with_worktree(bytes: &[u8], worktree: &Path) -> Vec<u8> {
    const PLACEHOLDER: &[u8] = b"__WORKTREE__";
    let path = worktree.display().to_string().into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = rest.windows(PLACEHOLDER.len()).position(|w| w == PLACEHOLDER) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(&path);
        rest = &rest[at + PLACEHOLDER.len()..];
    }
    out.extend_from_slice(rest);
    out
}

type Reading = (Result<AgentActivity, ProbeError>, Result<AgentInfo, ProbeError>);

/// Files each of `inputs` in turn where `agent`'s adapter finds it for one session (in a fresh
/// scratch dir, with one adapter, as a transcript that an agent keeps rewriting), and runs both
/// probe calls on each.
fn read_all(agent: Agent, inputs: Vec<Vec<u8>>) -> Vec<Reading> {
    bounded_async("a transcript probe", move || async move {
        let dir = scratch();
        let worktree = dir.path().join("wt").join("feat_x.2");
        std::fs::create_dir_all(&worktree).expect("create the worktree");
        let tail = Arc::new(TailReader::default());
        let (probe, record, file): (Box<dyn AgentProbe>, SessionRecord, PathBuf) = match agent {
            Agent::Claude => {
                let config = dir.path().join("claude-config");
                let canonical = worktree.canonicalize().expect("canonical worktree");
                let project = config.join("projects").join(encode_claude_project_dir(&canonical));
                std::fs::create_dir_all(&project).expect("create the project dir");
                let file = project.join("5b0e2c1a-7d3f-4e8a-9c11-2f6d8a4b0e77.jsonl");
                (Box::new(ClaudeCodeProbe::new(config, tail)), session("claude-code", &worktree), file)
            }
            Agent::Codex => {
                let home = dir.path().join("codex-home");
                let day = home.join("sessions/2025/11/02");
                std::fs::create_dir_all(&day).expect("create the sessions dir");
                let file = day.join("rollout-2025-11-02T10-15-00-fz.jsonl");
                (Box::new(CodexProbe::new(home, tail)), session("codex", &worktree), file)
            }
            Agent::Aider => {
                let file = worktree.join(".aider.chat.history.md");
                (Box::new(AiderProbe::new(tail)), session("aider", &worktree), file)
            }
        };
        let mut readings = Vec::with_capacity(inputs.len());
        for bytes in inputs {
            std::fs::write(&file, with_worktree(&bytes, &worktree)).expect("write the transcript");
            readings.push((probe.activity(&record, now()).await, probe.info(&record).await));
        }
        drop(dir);
        readings
    })
}

/// [`read_all`] for one input; a probe error fails the case.
fn read_as(agent: Agent, bytes: Vec<u8>) -> (AgentActivity, AgentInfo) {
    let what = format!("{agent:?} on {} bytes", bytes.len());
    let (activity, info) = read_all(agent, vec![bytes]).pop().expect("one reading");
    let activity = activity.unwrap_or_else(|e| panic!("{what}: a readable transcript made activity fail: {e}"));
    let info = info.unwrap_or_else(|e| panic!("{what}: a readable transcript made info fail: {e}"));
    (activity, info)
}

/// What must hold of any reading, whatever the file said.
fn assert_sane(agent: Agent, activity: &AgentActivity, info: &AgentInfo) {
    let what = format!("{agent:?}");
    assert_eq!(activity.source, ActivitySource::Transcript, "{what}: a transcript probe reports its source");
    if let Some(error) = &activity.error {
        assert_eq!(activity.activity, Activity::Blocked, "{what}: an error ({error:?}) without blocked");
    }
    if let Some(summary) = &info.summary {
        assert!(!summary.contains('\n'), "{what}: a summary is one line: {summary:?}");
        assert!(summary.chars().count() <= SUMMARY_CHARS + 1, "{what}: summary of {} chars", summary.chars().count());
    }
    if let Some(cost) = info.cost_usd {
        assert!(cost.is_finite() && cost >= 0.0, "{what}: a cost of {cost} dollars");
    }
}

fn check(agent: Agent, bytes: Vec<u8>) {
    let (activity, info) = read_as(agent, bytes);
    assert_sane(agent, &activity, &info);
}

/// A Codex rollout is found by the `cwd` of its first line; damage after it is what the adapter
/// reads, damage to it only hides the file (read as "no transcript yet").
fn codex_with_damaged_body() -> impl Strategy<Value = Vec<u8>> {
    seed("transcripts/codex").prop_flat_map(|(_, bytes)| {
        let split = bytes.iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| i + 1);
        let (head, body) = (bytes[..split].to_vec(), bytes[split..].to_vec());
        byte_mutation(body).prop_map(move |body| [head.clone(), body].concat())
    })
}

/// The first line of the Codex seed, to find the rollout.
fn codex_head() -> Vec<u8> {
    let (_, bytes) = super::support::corpus("transcripts/codex").remove(0);
    let split = bytes.iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| i + 1);
    bytes[..split].to_vec()
}

/// A token count anywhere in `u64`, biased to the top where sums overflow.
fn tokens() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), (u64::MAX - 1_000_000)..=u64::MAX, 0u64..1_000_000]
}

proptest! {
    #![proptest_config(cases(32))]

    /// Claude Code transcripts with bytes cut, flipped, inserted or repeated.
    #[test]
    fn damaged_claude_transcripts_read_sanely(
        bytes in seed("transcripts/claude-code").prop_flat_map(|(_, b)| byte_mutation(b)),
    ) {
        check(Agent::Claude, bytes);
    }

    /// Codex rollouts with a damaged body.
    #[test]
    fn damaged_codex_rollouts_read_sanely(bytes in codex_with_damaged_body()) {
        check(Agent::Codex, bytes);
    }

    /// Aider chat histories with bytes cut, flipped, inserted or repeated.
    #[test]
    fn damaged_aider_histories_read_sanely(
        bytes in seed("transcripts/aider").prop_flat_map(|(_, b)| byte_mutation(b)),
    ) {
        check(Agent::Aider, bytes);
    }

    /// Bytes no agent writes, as each agent's transcript (Codex's after a valid first line).
    #[test]
    fn hostile_transcripts_read_sanely(bytes in hostile_bytes(), which in 0..3u8) {
        match which {
            0 => check(Agent::Claude, bytes),
            1 => check(Agent::Codex, [codex_head(), bytes].concat()),
            _ => check(Agent::Aider, bytes),
        }
    }

    /// The tail reader reads at most its limit, gives lines without newlines or blanks, and never
    /// loses the newest line when it fits.
    #[test]
    fn the_tail_keeps_the_newest_line_within_its_limit(
        bytes in prop_oneof![
            hostile_bytes(),
            vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b' '), any::<u8>()], 0..4096),
        ],
        limit in 1u64..4096,
    ) {
        let (tail, read) = bounded("a tail read", move || {
            let dir = scratch();
            let path = dir.path().join("t.jsonl");
            std::fs::write(&path, &bytes).expect("write");
            let reader = TailReader::new(limit);
            let tail = reader.read(&path).expect("a readable file");
            ((tail.lines, bytes), reader.bytes_read())
        });
        let (lines, bytes) = tail;
        prop_assert!(read <= limit, "read {} bytes with a limit of {}", read, limit);
        for line in &lines {
            prop_assert!(!line.contains('\n') && !line.trim().is_empty(), "bad tail line {:?}", line);
        }
        let start = bytes.len().saturating_sub(limit as usize);
        let segments: Vec<(usize, &[u8])> = {
            let mut at = 0;
            bytes.split(|b| *b == b'\n').map(|s| { let seg = (at, s); at += s.len() + 1; seg }).collect()
        };
        let newest = segments.iter().rev().find(|(_, s)| !String::from_utf8_lossy(s).trim().is_empty());
        if let Some((offset, segment)) = newest
            && (start == 0 || *offset > start)
        {
            let want = String::from_utf8_lossy(segment).trim_end_matches('\r').to_owned();
            prop_assert_eq!(lines.last(), Some(&want), "the newest line was lost");
        }
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// Claude's usage totals (tokens of every response, counted once per message) must not wrap
    /// or fail on counts near `u64::MAX`: a total is never below any one message's count.
    #[test]
    fn claude_token_totals_never_wrap(counts in vec(vec(tokens(), 4), 1..4)) {
        let lines: Vec<String> = counts.iter().enumerate().map(|(n, c)| json!({
            "type": "assistant",
            "timestamp": "2025-11-02T10:15:00Z",
            "message": {"id": format!("msg_{n}"), "role": "assistant", "content": [{"type": "text", "text": "ok"}],
                "stop_reason": "end_turn", "usage": {"input_tokens": c[0], "cache_creation_input_tokens": c[1],
                "cache_read_input_tokens": c[2], "output_tokens": c[3]}},
        }).to_string() + "\n").collect();
        let (_, info) = read_as(Agent::Claude, lines.concat().into_bytes());
        let largest = counts.iter().flatten().max().copied().unwrap_or(0);
        prop_assert!(info.tokens.is_none_or(|t| t >= largest), "total {:?} below one count {}", info.tokens, largest);
    }

    /// Codex's token total (input plus output when the total is not written) must not overflow.
    #[test]
    fn codex_token_totals_never_wrap(input in tokens(), output in tokens()) {
        let line = json!({
            "timestamp": "2025-11-02T10:16:00Z", "type": "event_msg",
            "payload": {"type": "token_count",
                "info": {"total_token_usage": {"input_tokens": input, "output_tokens": output}}},
        });
        let (_, info) = read_as(Agent::Codex, [codex_head(), format!("{line}\n").into_bytes()].concat());
        let whole = info.tokens.is_none_or(|t| t >= input.max(output));
        prop_assert!(whole, "total {:?} of {} and {}", info.tokens, input, output);
    }

    /// Aider's session cost comes from its usage report; whatever that line says, the cost shown
    /// is a finite, non-negative number of dollars or nothing.
    #[test]
    fn aider_costs_are_finite_and_non_negative(
        cost in prop_oneof![
            Just("NaN".to_owned()), Just("inf".to_owned()), Just("-1.5".to_owned()), Just("1e999".to_owned()),
            "[0-9]{1,3}\\.[0-9]{2,4}", "\\PC{1,6}",
        ]
    ) {
        let report = format!("> Tokens: 2.1k sent, 150 received. Cost: $0.01 message, ${cost} session.");
        let text = format!("#### hi\n\nDone.\n\n{report}\n");
        let (_, info) = read_as(Agent::Aider, text.into_bytes());
        if let Some(usd) = info.cost_usd {
            prop_assert!(usd.is_finite() && usd >= 0.0, "`${} session` was reported as a cost of {}", cost, usd);
        }
    }
}

/// Every transcript seed reads as it is, and a transcript cut at every byte offset (an agent
/// killed mid-write, or a read racing a write) still reads sanely.
#[test]
fn transcripts_truncated_at_every_offset_read_sanely() {
    for (folder, agent) in [("claude-code", Agent::Claude), ("codex", Agent::Codex), ("aider", Agent::Aider)] {
        let mut seeds = super::support::corpus(&format!("transcripts/{folder}"));
        seeds.sort_by_key(|(_, bytes)| bytes.len());
        for (n, (name, bytes)) in seeds.into_iter().enumerate() {
            // Every offset of each agent's smallest seed; every 16th and the last 64 of the
            // others, which would otherwise cost thousands of probe calls for the same outcomes.
            let every = if n == 0 { 1 } else { 16 };
            let offsets: Vec<usize> =
                (0..=bytes.len()).filter(|cut| cut % every == 0 || bytes.len() - cut < 64).collect();
            let cuts: Vec<Vec<u8>> = offsets.iter().map(|cut| bytes[..*cut].to_vec()).collect();
            for (cut, (activity, info)) in offsets.into_iter().zip(read_all(agent, cuts)) {
                let what = format!("{folder}/{name} cut at byte {cut} of {}", bytes.len());
                let activity = activity.unwrap_or_else(|e| panic!("{what}: activity failed: {e}"));
                let info = info.unwrap_or_else(|e| panic!("{what}: info failed: {e}"));
                assert_sane(agent, &activity, &info);
                if cut == bytes.len() {
                    assert_ne!(activity.activity, Activity::Unknown, "{what}: the whole seed reads as unknown");
                }
            }
        }
    }
}
