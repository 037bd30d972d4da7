//! What Grove must say while an agent's dialog is on screen (SPEC F2a, I2b): the dialog by kind,
//! title and options with the keys that choose them, and a refusal of any message that the dialog
//! would swallow.

use super::wait::Shown;
use super::world::World;

/// Grove names the dialog on screen as one of `kinds` and lists its options, each with keys.
pub fn assert_dialog(shown: &Shown, kinds: &[&str]) {
    let dialog = &shown.0["live"]["dialog"];
    let kind = dialog["kind"].as_str().unwrap_or_default();
    assert!(
        kinds.contains(&kind),
        "Grove reports dialog kind {kind:?}, expected one of {kinds:?}: {}",
        shown.summary()
    );
    let options = dialog["options"].as_array().cloned().unwrap_or_default();
    assert!(!options.is_empty(), "the {kind} dialog is reported without its options: {dialog}");
    for option in &options {
        let keys = option["keys"].as_array().map_or(0, Vec::len);
        assert!(option["label"].is_string() && keys > 0, "an option without a label or keys: {option}");
    }
    assert_eq!(shown.0["resolved"]["attention"], "respond", "`.resolved` does not say respond: {}", shown.summary());
}

/// `grove send ID TEXT` while a dialog is up exits non-zero naming `dialog_open`, and the text
/// reaches nobody.
pub fn refuses_text_while_open(w: &World, id: &str, kind: &str) {
    let before = w.server.exchanges().len();
    let out = w.grove(&["send", id, "SWALLOWED-text"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "`grove send` went through while the {kind} dialog was up");
    assert!(stderr.contains("dialog_open"), "refusal does not say dialog_open: {stderr}");
    let after = w.server.exchanges();
    assert!(
        !after[before..].iter().any(|e| e.prompt().contains("SWALLOWED-text")),
        "the refused text reached the model anyway"
    );
}
