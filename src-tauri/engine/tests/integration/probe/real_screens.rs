//! The screens of the real agent CLIs (tests/fixtures/agent-screens: Claude Code 2.1.337, codex-cli
//! 0.171.0, aider 0.86.2, captured from tmux) read as what they are (SPEC I2b): every trust
//! screen, first-run question, permission prompt and post-turn question is a dialog with its
//! options and the keys that choose them; prompts and working screens are not dialogs.

use std::path::PathBuf;

use grove_engine::probe::agents::pane::{PaneVerdict, classify_pane};

fn screen(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/agent-screens").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A dialog's options as `label = keys`, for a readable table.
fn options(verdict: &PaneVerdict) -> Vec<String> {
    match verdict {
        PaneVerdict::Waiting(d) => d.options.iter().map(|o| format!("{} = {}", o.label, o.keys.join(" "))).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_dialog_of_the_real_agents_is_read_with_its_options_and_keys() {
    // (agent, file, kind, a part of the title, options as "label = keys")
    let cases: [(&str, &str, &str, &str, &[&str]); 9] = [
        (
            "claude-code",
            "claude-permission.txt",
            "permission",
            "Do you want to proceed?",
            &[
                "Yes = 1",
                "Yes, and always allow access to /tmp/exp/repo from this project = 2",
                "Yes, and switch to auto mode · auto mode handles these prompts for you = 3",
                "No = 4",
            ],
        ),
        (
            "claude-code",
            "claude-trust.txt",
            "trust",
            "one you trust?",
            &["No, exit = Enter", "Yes, I trust this folder = Down Enter"],
        ),
        (
            "claude-code",
            "claude-trust-worktree.txt",
            "trust",
            "one you trust?",
            &["No, exit = Enter", "Yes, I trust this folder and its repository = Down Enter"],
        ),
        (
            "claude-code",
            "claude-auto-mode-offer.txt",
            "post_turn",
            "Make auto mode your default permission mode?",
            &["Yes, set auto mode as my default permission mode = Enter", "No, keep manual mode = Down Enter"],
        ),
        (
            "claude-code",
            "claude-api-key.txt",
            "question",
            "Do you want to use this API key?",
            &["Yes = Up Enter", "No (recommended) = Enter"],
        ),
        (
            "codex",
            "codex-approval.txt",
            "permission",
            "Would you like to run the following command?",
            &[
                "Yes, proceed = y",
                "Yes, and don't ask again for commands that start with `touch /tmp/exp/outside.txt` = p",
                "No, and tell Codex what to do differently = Esc",
            ],
        ),
        (
            "codex",
            "codex-trust.txt",
            "trust",
            "Trust this folder?",
            &["Trust and continue = Enter", "Back to Agent Command Center = Down Enter"],
        ),
        ("aider", "aider-confirm.txt", "permission", "Create new file?", &["Yes = y Enter", "No = n Enter"]),
        (
            "aider",
            "aider-startup-release-notes.txt",
            "question",
            "what's new in this version?",
            &["Yes = y Enter", "No = n Enter"],
        ),
    ];
    for (agent, file, kind, title, expected) in cases {
        let verdict = classify_pane(agent, &screen(file));
        let PaneVerdict::Waiting(dialog) = &verdict else { panic!("{file}: not read as a dialog: {verdict:?}") };
        assert_eq!(serde_json::to_value(dialog.kind).unwrap(), kind, "{file}: kind of {dialog:?}");
        assert!(dialog.title.contains(title), "{file}: title {:?} should contain {title:?}", dialog.title);
        assert_eq!(options(&verdict), expected, "{file}: options");
    }
}

#[test]
fn prompts_and_working_screens_of_the_real_agents_are_not_dialogs() {
    let cases = [
        ("claude-code", "claude-prompt.txt", "at prompt"),
        ("claude-code", "claude-prompt-auto-mode.txt", "at prompt"),
        ("claude-code", "claude-working.txt", "working"),
        ("claude-code", "claude-working-tool.txt", "working"),
        ("claude-code", "claude-permission-denied-esc.txt", "at prompt"),
        ("codex", "codex-prompt.txt", "at prompt"),
        ("codex", "codex-resumed.txt", "at prompt"),
        ("codex", "codex-working.txt", "working"),
        ("codex", "codex-approval-denied-esc.txt", "at prompt"),
        ("aider", "aider-prompt.txt", "at prompt"),
        ("aider", "aider-after-answer.txt", "at prompt"),
    ];
    for (agent, file, expected) in cases {
        let got = match classify_pane(agent, &screen(file)) {
            PaneVerdict::Waiting(d) => format!("dialog {d:?}"),
            PaneVerdict::Working => "working".into(),
            PaneVerdict::AtPrompt => "at prompt".into(),
            PaneVerdict::Unclear => "unclear".into(),
        };
        assert_eq!(got, expected, "{agent} {file}");
    }
}
