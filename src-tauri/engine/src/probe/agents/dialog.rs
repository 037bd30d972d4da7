//! Dialogs on an agent's screen (SPEC I2b, F2a): permission prompts, trust screens, first-run
//! questions and post-turn questions. Each is a waiting state with its options, and each would
//! swallow pasted text, so `send` refuses to paste into one and the detail panel offers its
//! options as buttons that say which keys they press.
//!
//! Two screen shapes cover the three agents: a list of numbered options with a cursor on one of
//! them (Claude Code and Codex draw every menu that way), and Aider's one-line
//! `Question? (Y)es/(N)o [Yes]:` prompt. Which kind of dialog it is comes from the wording of its
//! title, per agent ([`KIND_WORDING`]); the options are read from the screen itself, so a
//! dialog whose wording is new still shows its real options.

use serde::Serialize;
use ts_rs::TS;

/// What a dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DialogKind {
    /// Permission to run a tool, edit a file or run a command.
    Permission,
    /// Whether to trust the folder the agent was started in.
    Trust,
    /// A question from the model or a first-run question.
    Question,
    /// A question the agent asks after a turn ("Make auto mode your default?").
    PostTurn,
}

/// One choice of a dialog and the keys that choose it, in `grove send --key` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DialogOption {
    /// The option as the agent shows it ("Yes", "No, and tell Claude what to do differently").
    pub label: String,
    /// The keys that choose it, pressed in order ("1"; "y", "Enter"; "Esc").
    pub keys: Vec<String>,
}

/// A dialog on an agent's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Dialog {
    /// What it asks for.
    pub kind: DialogKind,
    /// The question as shown ("Do you want to proceed?", "Should I also note this in CHANGELOG.md?").
    pub title: String,
    /// Its options, top to bottom; empty when none could be read.
    pub options: Vec<DialogOption>,
}

/// Title wording that names a dialog's kind, per agent; anything else with options is a
/// question. Matched case-insensitively as substrings of the title and the lines around it.
const KIND_WORDING: [(&str, &[(&str, DialogKind)]); 3] = [
    (
        "claude-code",
        &[
            ("trust the files in this folder", DialogKind::Trust),
            ("trust this folder", DialogKind::Trust),
            ("project you created or one you trust", DialogKind::Trust),
            ("default permission mode", DialogKind::PostTurn),
            ("make auto mode your default", DialogKind::PostTurn),
            ("how is claude doing", DialogKind::PostTurn),
            ("do you want to proceed", DialogKind::Permission),
            ("do you want to make this edit", DialogKind::Permission),
            ("do you want to create", DialogKind::Permission),
            ("do you want to allow", DialogKind::Permission),
            ("tell claude what to do differently", DialogKind::Permission),
        ],
    ),
    (
        "codex",
        &[
            ("trust this folder", DialogKind::Trust),
            ("trust the contents of this directory", DialogKind::Trust),
            ("would you like to run the following command", DialogKind::Permission),
            ("would you like to make the following edits", DialogKind::Permission),
            ("allow command", DialogKind::Permission),
        ],
    ),
    (
        "aider",
        &[
            ("run shell command", DialogKind::Permission),
            ("create new file", DialogKind::Permission),
            ("allow edits to", DialogKind::Permission),
            ("add file to the chat", DialogKind::Permission),
            ("add url to the chat", DialogKind::Permission),
            ("open url", DialogKind::Permission),
            ("add .aider", DialogKind::Trust),
            ("gitignore", DialogKind::Trust),
            ("create a git repo", DialogKind::Trust),
        ],
    ),
];

/// Cursor marks agents draw before the selected option of a menu.
const CURSORS: [char; 4] = ['❯', '›', '>', '▶'];

/// Only this many lines above the first option are searched for the title: Claude's trust
/// screen in a worktree puts its question 13 lines above the options.
const TITLE_SEARCH_LINES: usize = 20;

/// The dialog at the bottom of `agent`'s screen, if one is there. `lines` is the screen, top to
/// bottom, without trailing blank lines; its options must be in the lines from `bottom` on (a
/// dialog answered long ago may still be in view above), its title may be higher up.
pub fn find_dialog(agent: &str, lines: &[&str], bottom: usize) -> Option<Dialog> {
    if agent == "aider" {
        return aider_question(lines.last()?.trim());
    }
    if !matches!(agent, "claude-code" | "codex") {
        return None;
    }
    menu(agent, lines, bottom)
}

/// A menu with a cursor on one of its options: numbered (`❯ 1. Yes` / `  2. No`), or not
/// (`❯ No, exit` / `  Yes, I trust this folder`, Claude's trust and post-turn questions).
fn menu(agent: &str, lines: &[&str], bottom: usize) -> Option<Dialog> {
    let tail = &lines[bottom.min(lines.len())..];
    let (first, items) = numbered_menu(tail).or_else(|| cursor_menu(tail))?;
    let first = bottom + first;
    let above = &lines[first.saturating_sub(TITLE_SEARCH_LINES)..first];
    // The question is the title: the nearest line above the options that asks one; else the
    // nearest line of text (a command, a file name).
    let texts: Vec<String> = above.iter().rev().map(|l| clean(l)).filter(|l| !l.is_empty() && !is_rule(l)).collect();
    let title = texts.iter().find(|l| l.contains('?')).or(texts.first()).cloned().unwrap_or_default();
    let context: String =
        above.iter().chain(lines[first..].iter()).map(|l| l.to_lowercase()).collect::<Vec<_>>().join("\n");
    let kind = kind_of(agent, &format!("{}\n{context}", title.to_lowercase()));
    let cursor = items.iter().position(|i| i.cursor).unwrap_or(0);
    let options = items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let (label, shortcut) = split_shortcut(item.text);
            let keys = option_keys(agent, item.number, shortcut, at as isize - cursor as isize);
            DialogOption { label, keys }
        })
        .collect();
    Some(Dialog { kind, title, options })
}

/// The keys that choose an option, as each agent takes them (tests/fixtures/agent-screens):
/// Claude chooses a numbered option at its digit; Codex at its letter in parentheses; a menu
/// without numbers by moving the cursor `moves` lines (down when positive) and Enter.
fn option_keys(agent: &str, number: Option<u32>, shortcut: Option<String>, moves: isize) -> Vec<String> {
    match (agent, number, shortcut) {
        ("claude-code", Some(n), _) => vec![n.to_string()],
        (_, _, Some(key)) => vec![key],
        _ => {
            let step = if moves < 0 { "Up" } else { "Down" };
            let mut keys = vec![step.to_owned(); moves.unsigned_abs()];
            keys.push("Enter".to_owned());
            keys
        }
    }
}

/// One option of a menu.
#[derive(Debug, Clone, Copy)]
struct Item<'a> {
    cursor: bool,
    number: Option<u32>,
    text: &'a str,
}

/// The last run of numbered options (1, 2, 3, ... with blank or wrapped lines between them), with
/// a cursor on one: the index of its first line and the options.
fn numbered_menu<'a>(bottom: &[&'a str]) -> Option<(usize, Vec<Item<'a>>)> {
    let parsed: Vec<Option<(bool, u32, &str)>> = bottom.iter().map(|l| numbered(l)).collect();
    let last = parsed.iter().rposition(Option::is_some)?;
    let mut first = last;
    let mut expected = parsed[last]?.1;
    for i in (0..last).rev() {
        match parsed[i] {
            Some((_, n, _)) if n + 1 == expected => {
                first = i;
                expected = n;
            }
            Some(_) => break,
            None if last - i > 12 => break,
            None => {}
        }
    }
    let items: Vec<Item<'a>> = parsed[first..=last]
        .iter()
        .flatten()
        .map(|&(cursor, n, text)| Item { cursor, number: Some(n), text })
        .collect();
    let valid = items.len() >= 2 && items.iter().any(|i| i.cursor) && items[0].number == Some(1);
    valid.then_some((first, items))
}

/// The last line with a cursor mark and the lines right above and below it that start where the
/// cursor line's text starts: an unnumbered menu. An input line with a cursor (Claude's `❯`,
/// Codex's `›`) has no such neighbours, so it is not one.
fn cursor_menu<'a>(bottom: &[&'a str]) -> Option<(usize, Vec<Item<'a>>)> {
    let (at, indent) = bottom.iter().enumerate().rev().find_map(|(i, l)| {
        let lead = l.chars().take_while(|c| c.is_whitespace()).count();
        let rest: &str = l.trim_start();
        let c = rest.chars().next()?;
        (CURSORS.contains(&c) && rest[c.len_utf8()..].starts_with(' ') && rest.trim().chars().count() > 1)
            .then_some((i, lead + 2))
    })?;
    let sibling = |l: &str| {
        let lead = l.chars().take_while(|c| c.is_whitespace()).count();
        lead == indent && !l.trim().is_empty() && !is_rule(l.trim())
    };
    let first = (0..at).rev().take_while(|&i| sibling(bottom[i])).last().unwrap_or(at);
    let last = (at + 1..bottom.len()).take_while(|&i| sibling(bottom[i])).last().unwrap_or(at);
    if first == last {
        return None;
    }
    let items = (first..=last)
        .map(|i| {
            let line = bottom[i].trim();
            // The cursor line starts with its mark (one char), the others with their text.
            let text = match line.chars().next() {
                Some(mark) if i == at => line[mark.len_utf8()..].trim(),
                _ => line,
            };
            Item { cursor: i == at, number: None, text }
        })
        .collect();
    Some((first, items))
}

/// `❯ 1. Yes` / `  2. No (esc)` / `› 1. Yes, proceed (y)`: whether the cursor is on it, its
/// number and its text.
fn numbered(line: &str) -> Option<(bool, u32, &str)> {
    let text = line.trim_start_matches(|c: char| c == '│' || c.is_whitespace());
    let (cursor, rest) = match text.chars().next() {
        Some(c) if CURSORS.contains(&c) => (true, text[c.len_utf8()..].trim_start()),
        _ => (false, text),
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let n: u32 = rest[..digits].parse().ok()?;
    let after = rest[digits..].strip_prefix(". ").or_else(|| rest[digits..].strip_prefix(") "))?;
    let label = after.trim_end_matches(|c: char| c == '│' || c.is_whitespace()).trim();
    (!label.is_empty()).then_some((cursor, n, label))
}

/// `No, and tell Claude what to do differently (esc)` → the label and `Esc`; `Yes, proceed (y)`
/// → `Yes, proceed` and `y`. Only a single letter or `esc` in the trailing parentheses is a key,
/// and a bare trailing `esc` (Codex draws its hints without parentheses).
fn split_shortcut(text: &str) -> (String, Option<String>) {
    if let Some(label) = text.strip_suffix(" esc") {
        return (label.trim().to_owned(), Some("Esc".to_owned()));
    }
    if let Some(open) = text.rfind(" (")
        && text.ends_with(')')
    {
        let inner = &text[open + 2..text.len() - 1];
        let key = match inner.to_ascii_lowercase().as_str() {
            "esc" => Some("Esc".to_owned()),
            k if k.len() == 1 && k.chars().all(|c| c.is_ascii_alphabetic()) => Some(k.to_owned()),
            _ => None,
        };
        if key.is_some() {
            return (text[..open].trim().to_owned(), key);
        }
    }
    (text.trim().to_owned(), None)
}

/// Aider's `Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: ` prompt.
fn aider_question(last: &str) -> Option<Dialog> {
    let start = last.find("(Y)es/(N)o")?;
    let answer = last[start..].rfind(" [")?;
    if !last.ends_with("]:") {
        return None;
    }
    let title = last[..start].trim().to_owned();
    let choices = &last[start..start + answer];
    let options = choices
        .split('/')
        .filter_map(|choice| {
            let key = choice.strip_prefix('(')?.chars().next()?;
            let rest = choice.split_once(')')?.1;
            let label = format!("{key}{rest}");
            Some(DialogOption { label, keys: vec![key.to_ascii_lowercase().to_string(), "Enter".to_owned()] })
        })
        .collect();
    let kind = kind_of("aider", &title.to_lowercase());
    let kind = if kind == DialogKind::Question && title.is_empty() { DialogKind::Permission } else { kind };
    Some(Dialog { kind, title, options })
}

pub(super) fn kind_of(agent: &str, lowercase_text: &str) -> DialogKind {
    KIND_WORDING
        .iter()
        .filter(|(a, _)| *a == agent)
        .flat_map(|(_, words)| words.iter())
        .find(|(w, _)| lowercase_text.contains(w))
        .map_or(DialogKind::Question, |(_, kind)| *kind)
}

fn is_rule(line: &str) -> bool {
    line.chars().count() >= 3 && line.chars().all(|c| matches!(c, '─' | '━' | '-' | '╭' | '╮' | '╰' | '╯' | '═'))
}

fn clean(line: &str) -> String {
    let text = line.trim_matches(|c: char| c == '│' || c == '╭' || c == '╰' || c.is_whitespace());
    text.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    fn labels(d: &Dialog) -> Vec<(&str, Vec<&str>)> {
        d.options.iter().map(|o| (o.label.as_str(), o.keys.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn claude_permission_menu_is_read_with_its_keys() {
        let screen = " Bash command\n   cargo test\n Do you want to proceed?\n ❯ 1. Yes\n   2. Yes, and don't ask again for this command\n   3. No, and tell Claude what to do differently (esc)\n";
        let d = find_dialog("claude-code", &lines(screen), 0).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.title, "Do you want to proceed?");
        assert_eq!(
            labels(&d),
            [
                ("Yes", vec!["1"]),
                ("Yes, and don't ask again for this command", vec!["2"]),
                ("No, and tell Claude what to do differently", vec!["3"]),
            ]
        );
    }

    #[test]
    fn a_question_from_the_model_is_titled_by_its_text() {
        let screen = "☐ Changelog\n\nShould I also note this in CHANGELOG.md?\n\n❯ 1. Yes\n     Add an entry\n  2. No\n  3. Type something.\n\nEnter to select · ↑/↓ to navigate · Esc to cancel";
        let d = find_dialog("claude-code", &lines(screen), 0).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Question);
        assert_eq!(d.title, "Should I also note this in CHANGELOG.md?");
        assert_eq!(d.options.len(), 3, "{d:?}");
    }

    #[test]
    fn aider_yes_no_prompt_is_a_dialog() {
        let d = find_dialog("aider", &["hello.py", "Create new file? (Y)es/(N)o [Yes]:"], 0).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.title, "Create new file?");
        assert_eq!(labels(&d), [("Yes", vec!["y", "Enter"]), ("No", vec!["n", "Enter"])]);
        let d = find_dialog("aider", &["Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]:"], 0).unwrap();
        assert_eq!(d.options[2].label, "Don't ask again");
    }

    #[test]
    fn numbered_output_without_a_cursor_is_not_a_dialog() {
        let screen = "Plan:\n1. Read the code\n2. Fix the bug\n3. Run the tests\n\n❯ ";
        assert_eq!(find_dialog("claude-code", &lines(screen), 0), None);
        assert_eq!(find_dialog("shell", &lines(" ❯ 1. Yes\n   2. No\n"), 0), None, "only agents with known menus");
    }
}
