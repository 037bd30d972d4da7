//! A restore that cannot bring the agent back says so (SPEC F4a): when the agent exits at once
//! (here Claude, whose conversation file is gone, prints "No conversation found" and exits),
//! `grove restore` fails naming `agent_exited` instead of reporting a session that is not there.

use crate::support::clis::Agent;
use crate::support::wait::Shown;
use crate::support::world::World;

#[test]
fn claude_code_restore_of_a_lost_conversation_fails() {
    let w = World::new(Agent::Claude);
    let id = w.spawn("RESTORE-task: say hello");
    w.wait_until(&id, "the task reaching the model", || {
        w.server.exchanges().iter().any(|e| e.prompt().contains("RESTORE-task"))
    });
    w.wait_for(&id, "ready after the task", Shown::ready);
    w.grove_ok(&["stop"]);
    w.wait_for(&id, "status stopped after `grove stop`", |s| s.status() == "stopped");

    let session = w.record_field(&id, "agentSessionId").expect("Claude's session id is recorded at spawn");
    let transcript = std::fs::read_dir(w.home().join(".claude/projects"))
        .expect("Claude's projects directory")
        .flatten()
        .map(|dir| dir.path().join(format!("{session}.jsonl")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no transcript {session}.jsonl under Claude's projects"));
    std::fs::remove_file(&transcript).expect("remove the transcript");

    let out = w.grove(&["restore", &id]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "`grove restore` reported success for an agent that exited at once: {stderr}");
    assert!(stderr.contains("agent_exited"), "the failure does not name agent_exited: {stderr}");
}
