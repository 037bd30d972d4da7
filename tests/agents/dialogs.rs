//! The agents' own dialogs that are not about a tool (SPEC I2b, F2a): Claude's and Codex's trust
//! screens in a folder not yet trusted, and Claude's "Make auto mode your default permission
//! mode?" offer. Each is a waiting state with its options listed; a message sent while it is up
//! is refused (it would be swallowed, or worse, choose an option); keys answer it exactly.

use crate::support::clis::{Agent, Setup};
use crate::support::dialog::refuses_text_while_open;
use crate::support::wait::Shown;
use crate::support::world::World;

#[test]
fn claude_code_trust_screen() {
    trust_screen(Agent::Claude, &["Down", "Enter"]);
}

#[test]
fn codex_trust_screen() {
    trust_screen(Agent::Codex, &["Enter"]);
}

/// The agent starts in a worktree of a repository nobody trusted yet: its trust screen is up and
/// the task waits behind it.
fn trust_screen(agent: Agent, accept: &[&str]) {
    let w = World::with(agent, Setup { trusted: false, ..Setup::default() });
    let id = w.spawn("TRUST-task: say hello");
    let (shown, _) = w.wait_for(&id, "\"needs you\" for the trust screen", Shown::needs_you);
    assert_eq!(shown.dialog_kind(), Some("trust"), "Grove does not name the trust screen: {}", shown.0);
    refuses_text_while_open(&w, &id, "trust");
    w.keys(&id, accept);
    w.wait_until(&id, "the task reaching the model once the folder is trusted", || {
        w.server.exchanges().iter().any(|e| e.prompt().contains("TRUST-task"))
    });
    let (shown, _) = w.wait_for(&id, "ready after the task", Shown::ready);
    assert_eq!(shown.dialog_kind(), None, "a dialog is still reported after it was answered: {}", shown.0);
}

#[test]
fn claude_code_auto_mode_offer() {
    let w = World::with(Agent::Claude, Setup { auto_mode_offer: true, ..Setup::default() });
    let id = w.spawn("OFFER-task: say hello");
    let (shown, _) = w.wait_for(&id, "\"needs you\" for the auto-mode offer", Shown::needs_you);
    assert_eq!(shown.dialog_kind(), Some("post_turn"), "Grove does not name the auto-mode offer: {}", shown.0);
    let title = shown.0["live"]["dialog"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("auto mode"), "the offer's title is not reported: {}", shown.0);
    refuses_text_while_open(&w, &id, "post_turn");
    // "No, keep manual mode" is the second option.
    w.keys(&id, &["Down", "Enter"]);
    w.wait_for(&id, "the offer gone and the agent ready", |s| s.ready() && s.dialog_kind().is_none());
    let settings = std::fs::read_to_string(w.home().join(".claude/settings.json")).unwrap_or_default();
    assert!(!settings.contains("\"auto\""), "declining the offer switched the user to auto mode: {settings}");
    // The task still reaches the model (typed before, or after the offer).
    if !w.server.exchanges().iter().any(|e| e.prompt().contains("OFFER-task")) {
        w.plain_turn(&id, "OFFER-task: say hello");
    }
}
