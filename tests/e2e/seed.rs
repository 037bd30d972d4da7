//! A seeded fleet for end-to-end tests and measurements: record files written the way Grove
//! writes them (ARCHITECTURE §3.4), spread over three projects and every attention group, and a
//! real tmux session on Grove's socket for each session whose runtime the record says is alive,
//! so live probes answer as they would for a real fleet.

use std::path::{Path, PathBuf};
use std::process::Command;

use grove_engine::home::GroveHome;
use serde_json::{Value, json};

const PROJECTS: [&str; 3] = ["api", "web", "infra"];

const TASKS: [&str; 12] = [
    "Fix flaky auth test",
    "Migrate cache layer to Redis streams",
    "Add OAuth scopes to the token endpoint",
    "Bump dependencies and fix deprecations",
    "Draft release notes for 0.4",
    "Speed up the CI docker build",
    "Rewrite the rate limiter with a token bucket",
    "Paginate the audit log API",
    "Dark mode for the settings page",
    "Retry webhooks with exponential backoff",
    "Remove the legacy v1 importer",
    "Add tracing spans to the job runner",
];

/// What a seeded session is, as its record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Working,
    NeedsInput,
    CiFailing,
    MergeReady,
    ReviewPending,
    Stopped,
    Merged,
    Killed,
}

impl Kind {
    /// A realistic mix: most of a long-running fleet is stopped or done.
    fn of(index: usize) -> Kind {
        match (index * 37) % 100 {
            0..=34 => Kind::Stopped,
            35..=54 => Kind::Merged,
            55..=59 => Kind::Killed,
            60..=64 => Kind::CiFailing,
            65..=68 => Kind::MergeReady,
            69..=73 => Kind::ReviewPending,
            74..=78 => Kind::NeedsInput,
            _ => Kind::Working,
        }
    }

    fn alive(self) -> bool {
        !matches!(self, Kind::Stopped | Kind::Merged | Kind::Killed)
    }
}

/// The seeded sessions; dropping it ends the tmux server it started (and any session the app
/// started on the same socket), and removes the socket file tmux leaves behind.
pub struct Fleet {
    pub home: GroveHome,
    pub sessions: Vec<Seeded>,
    socket: PathBuf,
}

/// One seeded session.
pub struct Seeded {
    pub project: &'static str,
    pub id: String,
    pub kind: Kind,
}

impl Seeded {
    /// `<project>/<id>`, as the dashboard keys rows.
    pub fn key(&self) -> String {
        format!("{}/{}", self.project, self.id)
    }
}

impl Fleet {
    /// Writes `count` records under `grove_home` and starts the live ones' tmux sessions; each
    /// live session's agent is Claude Code with a transcript under `user_home` (the app's HOME)
    /// in the documented format, so its activity reads as a real one would.
    pub fn write(grove_home: &Path, user_home: &Path, count: usize) -> Fleet {
        Self::write_with(grove_home, Some(user_home), count, Kind::of, &QUIET)
    }

    /// Writes the records only: their runtimes read as gone. For start-up measurements at sizes
    /// where thousands of tmux sessions would measure tmux rather than Grove.
    pub fn write_without_runtimes(grove_home: &Path, count: usize) -> Fleet {
        Self::write_with(grove_home, None, count, Kind::of, &QUIET)
    }

    /// `count` sessions all at work: each record says working, each transcript is mid tool call,
    /// and each terminal prints a line every `every_ms` milliseconds, as a busy fleet does.
    pub fn write_working(grove_home: &Path, user_home: &Path, count: usize, every_ms: u64) -> Fleet {
        let seconds = format!("{}.{:03}", every_ms / 1000, every_ms % 1000);
        let script =
            format!("n=0; while :; do n=$((n+1)); echo \"step $n: editing src/lib.rs\"; sleep {seconds}; done");
        let command = ["sh", "-c", script.as_str()];
        Self::write_with(grove_home, Some(user_home), count, |_| Kind::Working, &command)
    }

    fn write_with(
        grove_home: &Path,
        user_home: Option<&Path>,
        count: usize,
        kind_of: impl Fn(usize) -> Kind,
        command: &[&str],
    ) -> Fleet {
        let runtimes = user_home.is_some();
        let home = GroveHome::at(grove_home);
        let socket = home.tmux_socket();
        let mut sessions = Vec::with_capacity(count);
        let mut live = Vec::new();
        for index in 0..count {
            let project = PROJECTS[index % PROJECTS.len()];
            let id = format!("{project}-{}", index / PROJECTS.len() + 1);
            let kind = kind_of(index);
            let dir = grove_home.join("projects").join(project).join("sessions");
            std::fs::create_dir_all(&dir).expect("create sessions directory");
            let mut record = record(grove_home, project, &id, index, kind);
            if kind.alive()
                && let Some(user_home) = user_home
            {
                live.push(id.clone());
                let worktree = PathBuf::from(record["worktree"].as_str().expect("worktree path"));
                // A busy terminal goes with a transcript mid tool call; quiet ones alternate.
                let transcript = if command == QUIET { index % TRANSCRIPTS.len() } else { 0 };
                let session = write_transcript(user_home, &worktree, index, transcript);
                record["agent"] = json!("claude-code");
                record["agentSessionId"] = json!(session);
            }
            std::fs::write(dir.join(format!("{id}.json")), record.to_string()).expect("write record");
            sessions.push(Seeded { project, id, kind });
        }
        if runtimes {
            start_tmux_sessions(&socket, &live, command);
        }
        Fleet { home, sessions, socket }
    }

    /// How many sessions each attention group should hold (SPEC A5) for what the records say.
    pub fn expected_groups(&self) -> std::collections::BTreeMap<&'static str, u64> {
        let mut groups = std::collections::BTreeMap::new();
        for session in &self.sessions {
            let group = match session.kind {
                Kind::NeedsInput => "respond",
                Kind::MergeReady => "merge",
                Kind::CiFailing => "review",
                Kind::ReviewPending => "pending",
                Kind::Working => "working",
                Kind::Stopped => "stopped",
                Kind::Merged | Kind::Killed => "done",
            };
            *groups.entry(group).or_insert(0) += 1;
        }
        groups
    }

    /// The record file of `session`.
    pub fn record_path(&self, key: &str) -> PathBuf {
        let (project, id) = key.split_once('/').expect("a <project>/<id> key");
        self.home.root().join("projects").join(project).join("sessions").join(format!("{id}.json"))
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// What a seeded terminal runs unless told otherwise: a quiet `sleep`, an agent idling.
const QUIET: [&str; 2] = ["sleep", "100000"];

/// One tmux server with a session per live record, made in batches of chained commands (one
/// `tmux` call per batch rather than one per session). Each runs `command`.
fn start_tmux_sessions(socket: &Path, ids: &[String], command: &[&str]) {
    // tmux creates its socket but not the directory it goes in.
    grove_engine::home::prepare_tmux_socket_dir(socket).expect("create Grove's tmux socket directory");
    for batch in ids.chunks(50) {
        let mut args: Vec<String> = vec!["-S".into(), socket.display().to_string()];
        for (n, id) in batch.iter().enumerate() {
            if n > 0 {
                args.push(";".into());
            }
            args.extend(["new-session", "-d", "-s", id].map(String::from));
            args.extend(command.iter().map(|word| word.to_string()));
        }
        let out = Command::new("tmux").args(&args).output().expect("run tmux");
        assert!(out.status.success(), "tmux could not start seeded sessions: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Claude Code transcripts from the engine's fixtures: one mid tool call, one at the end of a turn.
const TRANSCRIPTS: [&str; 2] = [
    include_str!("../../src-tauri/engine/tests/fixtures/agents/claude-code/working-tool-use.jsonl"),
    include_str!("../../src-tauri/engine/tests/fixtures/agents/claude-code/finished-turn.jsonl"),
];

/// Makes the session's worktree directory and writes its transcript where Claude Code keeps it
/// (`~/.claude/projects/<encoded cwd>/<session id>.jsonl`); returns the agent session id.
fn write_transcript(user_home: &Path, worktree: &Path, index: usize, transcript: usize) -> String {
    std::fs::create_dir_all(worktree).expect("create worktree directory");
    let cwd = std::fs::canonicalize(worktree).expect("canonical worktree");
    let encoded: String =
        cwd.to_string_lossy().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let dir = user_home.join(".claude").join("projects").join(encoded);
    std::fs::create_dir_all(&dir).expect("create transcript directory");
    let session = format!("5b0e2c1a-7d3f-4e8a-9c11-{index:012}");
    // Moved to the last minutes, so ages on screen read like a fleet at work rather than a year old.
    let minutes_ago = (index % 40) as i64;
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago + 1);
    let text = TRANSCRIPTS[transcript].replace("2025-11-02T10:15", &at.format("%Y-%m-%dT%H:%M").to_string());
    std::fs::write(dir.join(format!("{session}.jsonl")), text).expect("transcript");
    session
}

/// A record as Grove writes it.
fn record(grove_home: &Path, project: &str, id: &str, index: usize, kind: Kind) -> Value {
    let created = format!("2026-11-{:02}T{:02}:{:02}:00Z", 1 + index % 23, index % 24, index % 60);
    let (state, reason) = match kind {
        Kind::Working | Kind::CiFailing | Kind::MergeReady | Kind::ReviewPending => ("working", "task_in_progress"),
        Kind::NeedsInput => ("needs_input", "awaiting_user_input"),
        Kind::Stopped => ("terminated", "stopped_for_restore"),
        Kind::Merged => ("done", "pr_merged"),
        Kind::Killed => ("terminated", "manually_killed"),
    };
    let number = 100 + index;
    let pr = match kind {
        Kind::CiFailing => pr("open", "ci_failing", number),
        Kind::MergeReady => pr("open", "merge_ready", number),
        Kind::ReviewPending => pr("open", "review_pending", number),
        Kind::Merged => pr("merged", "merged", number),
        _ => json!({"state": "none", "reason": "not_created", "number": null, "url": null}),
    };
    let runtime = if kind.alive() {
        json!({"state": "alive", "reason": "process_running", "handle": {"kind": "tmux", "id": id}})
    } else {
        let reason = if kind == Kind::Stopped { "stopped_for_restore" } else { "manual_kill_requested" };
        json!({"state": "exited", "reason": reason, "handle": {"kind": "tmux", "id": id}})
    };
    let ended = (!kind.alive()).then(|| created.clone());
    let task = TASKS[index % TASKS.len()];
    let agent = ["claude-code", "codex", "aider", "claude-code"][index % 4];
    json!({
        "version": 1,
        "id": id,
        "projectId": project,
        "kind": "worker",
        "agent": agent,
        "runtime": "tmux",
        "branch": format!("session/{id}"),
        "worktree": grove_home.join("projects").join(project).join("worktrees").join(id),
        "createdAt": created,
        "displayName": task,
        "prompt": task,
        "issue": null,
        "agentSessionId": null,
        "lifecycle": {
            "session": {"state": state, "reason": reason, "startedAt": created,
                        "lastTransitionAt": created, "terminatedAt": ended},
            "pr": pr,
            "runtime": runtime
        }
    })
}

fn pr(state: &str, reason: &str, number: usize) -> Value {
    json!({"state": state, "reason": reason, "number": number,
           "url": format!("https://github.com/example/app/pull/{number}")})
}

/// Replaces the display name in a record file, as another Grove process or a user's editor would.
pub fn rename(path: &Path, name: &str) {
    let mut record: Value = serde_json::from_slice(&std::fs::read(path).expect("read record")).expect("record JSON");
    record["displayName"] = json!(name);
    write_atomically(path, &record.to_string());
}

/// Writes through a temp file and a rename, as Grove's store does (never a torn file).
pub fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("json.e2e-tmp");
    std::fs::write(&tmp, text).expect("write temp file");
    std::fs::rename(&tmp, path).expect("rename over the record");
}
