//! A session's life with each real agent, as a user lives it: spawn with a task that makes the
//! agent ask; Grove says it needs you; answer; the agent works and is ready; a follow-up turn; the
//! agent crashes while it asks and `grove restore` brings back the same conversation; `grove stop`
//! and `grove start` do the same for the whole fleet.

use std::path::Path;

use serde_json::Value;

use crate::support::clis::Agent;
use crate::support::dialog::{assert_dialog, refuses_text_while_open};
use crate::support::wait::Shown;
use crate::support::world::World;

#[test]
fn claude_code_session_life() {
    session_life(Agent::Claude);
}

#[test]
fn codex_session_life() {
    session_life(Agent::Codex);
}

#[test]
fn aider_session_life() {
    session_life(Agent::Aider);
}

fn session_life(agent: Agent) {
    let w = World::new(agent);
    // The model takes 3 s over each answer of this turn, so the agent is seen working.
    let id = w.spawn(&format!("{} DELAY:3000", agent.asking_prompt("first")));
    w.await_question(&id, "first");
    w.answer_yes(&id, "first");
    if agent != Agent::Aider {
        // Aider makes no model request after the answer: it only writes the file and commits.
        w.wait_for(&id, "working while the model finishes the turn", Shown::working);
    }
    w.wait_for(&id, "ready after the first turn", Shown::ready);
    let agent_session = agent_session_id(&w, &id);

    let body = w.plain_turn(&id, "FOLLOWUP-one: anything else?");
    assert!(body.contains("made-first.txt"), "the follow-up did not carry the first turn: not the same conversation");

    // The agent dies while it asks; restore brings back its own conversation. While it asks, Grove
    // names the dialog and refuses text that the dialog would swallow (SPEC F2a). Claude's and
    // Codex's dialogs ask to run a command; Aider's yes/no asks to create a file.
    w.send(&id, &agent.asking_prompt("crash"));
    w.await_question(&id, "crash");
    // The agent reports its question (Claude's PermissionRequest hook) before it draws the dialog:
    // the options come with the next reading of its screen.
    let (shown, _) = w.wait_for(&id, "the dialog read from the screen", |s| !s.0["live"]["dialog"].is_null());
    let kinds: &[&str] = if agent == Agent::Aider { &["question", "permission"] } else { &["permission"] };
    assert_dialog(&shown, kinds);
    refuses_text_while_open(&w, &id, kinds[0]);
    w.kill_agent(&id);
    w.wait_for(&id, "Grove noticing the agent is gone", |s| s.activity() == "exited" || s.status() == "crashed");
    w.grove_ok(&["restore", &id]);
    // A user types once Grove shows the agent back at its prompt.
    w.wait_for(&id, "ready after restore", Shown::ready);
    assert_eq!(agent_session_id(&w, &id), agent_session, "restore resumed another conversation of {agent:?}");
    let body = w.plain_turn(&id, "FOLLOWUP-two: still there?");
    assert!(body.contains("made-first.txt"), "after restore the agent replayed no earlier turn: a new conversation");

    // One session stopped and restored (SPEC F5a).
    w.grove_ok(&["stop", "--session", &id]);
    w.wait_for(&id, "status stopped after `grove stop --session`", |s| s.status() == "stopped");
    w.grove_ok(&["restore", &id]);
    w.wait_for(&id, "ready after `grove stop --session` and restore", Shown::ready);
    w.plain_turn(&id, "FOLLOWUP-three: back again?");

    // The whole fleet stopped and started again.
    w.grove_ok(&["stop"]);
    w.wait_for(&id, "status stopped after `grove stop`", |s| s.status() == "stopped");
    w.grove_ok(&["start", "--restore", "yes"]);
    w.wait_for(&id, "ready after `grove start`", Shown::ready);
    let body = w.plain_turn(&id, "FOLLOWUP-four: and now?");
    assert!(body.contains("made-first.txt"), "after `grove start` the agent replayed no earlier turn");
    assert_eq!(agent_session_id(&w, &id), agent_session, "`grove start` resumed another conversation");
}

/// The agent's own session id as Grove recorded it, checked against the agent's files: Claude's
/// is the transcript Grove chose; Codex's is the thread whose rollout's `session_meta.cwd` is the
/// worktree (not the title thread, which has no rollout). Aider has none.
fn agent_session_id(w: &World, id: &str) -> Option<String> {
    let recorded = w.record_field(id, "agentSessionId");
    match w.agent {
        Agent::Claude => {
            let recorded = recorded.unwrap_or_else(|| panic!("no agentSessionId for Claude session {id}"));
            let transcript = claude_transcript(&w.home().join(".claude/projects"), &recorded);
            assert!(transcript, "Claude wrote no transcript {recorded}.jsonl: it runs under another session id");
            Some(recorded)
        }
        Agent::Codex => {
            let worktree = w.worktree(id);
            let own = codex_threads(&w.home().join(".codex/sessions"))
                .into_iter()
                .filter(|(_, cwd)| Path::new(cwd) == worktree)
                .map(|(thread, _)| thread)
                .collect::<Vec<_>>();
            assert_eq!(own.len(), 1, "Codex rollouts whose cwd is the worktree: {own:?}");
            assert_eq!(recorded.as_deref(), Some(own[0].as_str()), "agentSessionId is not the worktree's own thread");
            recorded
        }
        Agent::Aider => None,
    }
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() { dirs.push(path) } else { found.push(path) }
        }
    }
    found
}

fn claude_transcript(projects: &Path, session: &str) -> bool {
    files_under(projects).iter().any(|p| p.file_name().is_some_and(|n| n == format!("{session}.jsonl").as_str()))
}

/// Every Codex thread with a rollout file: its id and its `session_meta` cwd.
fn codex_threads(sessions: &Path) -> Vec<(String, String)> {
    files_under(sessions)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let meta: Value = serde_json::from_str(text.lines().next()?).ok()?;
            if meta["type"] != "session_meta" {
                return None;
            }
            Some((meta["payload"]["id"].as_str()?.to_owned(), meta["payload"]["cwd"].as_str()?.to_owned()))
        })
        .collect()
}
