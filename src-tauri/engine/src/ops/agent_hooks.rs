//! How each agent is told to report its events to Grove, per launch and without touching the
//! user's own agent config (SPEC I0a, I1-I3, agent-formats §1.8, §2.5, §3):
//! - Claude Code: `--settings <file>`, a Grove-owned settings file under `GROVE_HOME/agents/`
//!   holding only hooks, for the events the installed `claude --version` knows. Claude merges
//!   hook arrays across settings layers, so the user's own hooks keep running.
//! - Codex: `-c notify=[...]` for turn completion. A per-launch `notify` replaces the user's, so
//!   the user's program (read from their config, never written) is chained after Grove's.
//! - Aider: `--notifications --notifications-command <grove hook aider>`.
//!
//! The hook program is the `grove` command line (`grove hook <agent>`, see `grove_cli_binary`),
//! never the window binary, whose start would load GTK and WebKit on every event.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use super::command::Cmd;
use super::error::Cause;
use super::launch::{Adapter, HookWiring, agent_program};
use crate::home::GroveHome;
use crate::probe::AgentDirs;
use crate::store::write_atomic;

/// How long `claude --version` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// How long Claude waits for Grove's hook before going on without it (seconds): the hook only
/// appends a line, and a slow disk must not slow the agent.
const HOOK_TIMEOUT_SECS: u64 = 5;

/// A Claude Code version, `major.minor.patch`.
pub type ClaudeVersion = (u32, u32, u32);

/// Claude's hook events and the first version known to have each (from its changelog; the
/// events Grove reads, agent-formats §1.5). A version Grove cannot read gets the 1.0.38 set.
const CLAUDE_EVENTS: [(&str, ClaudeVersion); 12] = [
    ("PreToolUse", (1, 0, 38)),
    ("PostToolUse", (1, 0, 38)),
    ("Notification", (1, 0, 38)),
    ("Stop", (1, 0, 38)),
    ("SubagentStop", (1, 0, 41)),
    ("PreCompact", (1, 0, 48)),
    ("UserPromptSubmit", (1, 0, 54)),
    ("SessionStart", (1, 0, 62)),
    ("SessionEnd", (1, 0, 85)),
    ("PermissionRequest", (2, 0, 45)),
    ("StopFailure", (2, 1, 78)),
    // Its changelog never names the version that added it; 2.1.119 is the first that mentions it.
    ("PostToolUseFailure", (2, 1, 119)),
];

/// The hook events a Claude of `version` knows.
pub fn claude_hook_events(version: Option<ClaudeVersion>) -> Vec<&'static str> {
    let version = version.unwrap_or((1, 0, 38));
    CLAUDE_EVENTS.iter().filter(|(_, since)| version >= *since).map(|(name, _)| *name).collect()
}

/// Parses `claude --version` output: `2.1.90 (Claude Code)`.
pub fn parse_claude_version(text: &str) -> Option<ClaudeVersion> {
    let word = text.split_whitespace().next()?;
    let mut parts = word.trim_start_matches('v').split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

/// Versions already asked, per program path and modification time: `claude --version` starts a
/// Node process, which is too slow to pay on every spawn of a fleet.
static VERSIONS: LazyLock<Mutex<HashMap<ProgramFile, Option<ClaudeVersion>>>> = LazyLock::new(Mutex::default);

/// A program file as it is now: its path and modification time (an upgrade changes the time).
type ProgramFile = (PathBuf, Option<SystemTime>);

/// The version of the `claude` that `program` runs; `None` when it cannot be told.
pub async fn claude_version(program: &OsStr) -> Option<ClaudeVersion> {
    let path = match std::env::var_os("PATH") {
        Some(dirs) if !Path::new(program).is_absolute() => {
            crate::tools::find_on_path(&program.to_string_lossy(), &dirs).unwrap_or_else(|| PathBuf::from(program))
        }
        _ => PathBuf::from(program),
    };
    let key = (path.clone(), std::fs::metadata(&path).and_then(|m| m.modified()).ok());
    if let Some(known) = VERSIONS.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return *known;
    }
    let out = Cmd::new(path.as_os_str(), VERSION_TIMEOUT).args(["--version"]).run().await.ok();
    let version = out.filter(|o| o.status.success()).and_then(|o| parse_claude_version(&o.stdout_text()));
    VERSIONS.lock().unwrap_or_else(|p| p.into_inner()).insert(key, version);
    version
}

impl super::Ops {
    /// How agent `agent` will report its events when launched now: the files and words its
    /// launch needs. Nothing when Grove has no hook program; a settings file that cannot be
    /// written leaves the agent without hooks (logged), never unlaunched.
    pub(crate) async fn hook_wiring(&self, agent: &str) -> HookWiring {
        let Some(program) = &self.hook_program else { return HookWiring::default() };
        match Adapter::for_agent(agent) {
            Adapter::ClaudeCode => {
                let version = claude_version(&agent_program(&self.config, agent)).await;
                let (home, program) = (self.store.home().clone(), program.clone());
                let written =
                    tokio::task::spawn_blocking(move || write_claude_settings(&home, &program, version)).await;
                match written {
                    Ok(Ok(path)) => HookWiring { claude_settings: Some(path), ..HookWiring::default() },
                    Ok(Err(e)) => {
                        tracing::warn!("Claude will run without Grove's hooks: {e}");
                        HookWiring::default()
                    }
                    Err(e) => {
                        tracing::warn!("Claude will run without Grove's hooks: {e}");
                        HookWiring::default()
                    }
                }
            }
            Adapter::Codex => {
                let user = codex_user_notify(&AgentDirs::from_env().codex_home);
                HookWiring {
                    codex_notify: Some(codex_notify_override(program, user.as_deref())),
                    ..HookWiring::default()
                }
            }
            Adapter::Aider => {
                HookWiring { aider_command: Some(aider_notifications_command(program)), ..HookWiring::default() }
            }
            Adapter::Shell => HookWiring::default(),
        }
    }
}

/// `text` quoted for a POSIX shell: Claude and Aider run their hook commands through one.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The settings Grove passes to Claude: one command hook per event, running `grove hook
/// claude-code`. The hook prints nothing, so it never answers a permission prompt for the user.
pub fn claude_settings(program: &Path, events: &[&str]) -> Value {
    let command = format!("{} hook claude-code", shell_quote(&program.to_string_lossy()));
    let handler = json!({"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECS});
    let hooks: Map<String, Value> = events
        .iter()
        .map(|event| {
            // Tool events match on the tool name; the others take no matcher.
            let group = match *event {
                "PreToolUse" | "PostToolUse" | "PostToolUseFailure" | "PermissionRequest" => {
                    json!({"matcher": "*", "hooks": [handler.clone()]})
                }
                _ => json!({"hooks": [handler.clone()]}),
            };
            ((*event).to_owned(), json!([group]))
        })
        .collect();
    json!({ "hooks": hooks })
}

/// Writes the settings for `program` and `version` under `GROVE_HOME/agents/claude-code/`
/// (atomically, only when the content changed) and returns the file.
pub fn write_claude_settings(
    home: &GroveHome,
    program: &Path,
    version: Option<ClaudeVersion>,
) -> Result<PathBuf, Cause> {
    let events = claude_hook_events(version);
    let text =
        serde_json::to_string_pretty(&claude_settings(program, &events)).map_err(|e| Cause::Invalid(e.to_string()))?;
    let name = match version {
        Some((a, b, c)) => format!("hooks-{a}.{b}.{c}.json"),
        None => "hooks-unknown-version.json".to_owned(),
    };
    let path = home.agents_dir().join("claude-code").join(name);
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(path);
    }
    let dir = path.parent().unwrap_or(home.root());
    std::fs::create_dir_all(dir).map_err(|e| Cause::io("create directory", dir, e))?;
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// The user's own Codex `notify` program, read (never written) from `<codex home>/config.toml`.
pub fn codex_user_notify(codex_home: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(codex_home.join("config.toml")).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let words: Vec<String> =
        table.get("notify")?.as_array()?.iter().map(|w| w.as_str().map(str::to_owned)).collect::<Option<_>>()?;
    (!words.is_empty()).then_some(words)
}

/// The `-c` value that makes Codex run `grove hook codex` at each turn's end, then the user's own
/// notify program with the same payload.
pub fn codex_notify_override(program: &Path, user_notify: Option<&[String]>) -> String {
    let mut words = vec![program.to_string_lossy().into_owned(), "hook".into(), "codex".into()];
    if let Some(user) = user_notify {
        words.push("--then".into());
        words.extend(user.iter().cloned());
    }
    let array = toml::Value::Array(words.into_iter().map(toml::Value::String).collect());
    format!("notify={array}")
}

/// The command Aider runs (through a shell) when it waits for input.
pub fn aider_notifications_command(program: &Path) -> String {
    format!("{} hook aider", shell_quote(&program.to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_events_the_installed_claude_knows_are_configured() {
        assert!(!claude_hook_events(Some((2, 0, 44))).contains(&"PermissionRequest"), "2.0.44 predates it");
        assert!(claude_hook_events(Some((2, 0, 45))).contains(&"PermissionRequest"));
        assert!(!claude_hook_events(Some((2, 1, 77))).contains(&"StopFailure"));
        assert_eq!(
            claude_hook_events(Some((2, 1, 200))).len(),
            CLAUDE_EVENTS.len(),
            "a recent Claude gets every event"
        );
        assert_eq!(
            claude_hook_events(None),
            ["PreToolUse", "PostToolUse", "Notification", "Stop"],
            "unknown: the oldest set"
        );
    }

    #[test]
    fn versions_parse_from_claude_s_output() {
        let cases = [
            ("2.1.90 (Claude Code)\n", Some((2, 1, 90))),
            ("1.0.38", Some((1, 0, 38))),
            ("v2.0", Some((2, 0, 0))),
            ("Claude Code", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_claude_version(text), expected, "version of {text:?}");
        }
    }

    #[test]
    fn settings_hold_only_hooks_that_run_grove_quoted() {
        let settings = claude_settings(Path::new("/opt/it's here/grove"), &["Stop", "PreToolUse"]);
        let command = settings["hooks"]["Stop"][0]["hooks"][0]["command"].as_str().unwrap();
        assert_eq!(command, r"'/opt/it'\''s here/grove' hook claude-code");
        assert_eq!(settings["hooks"]["PreToolUse"][0]["matcher"], "*");
        assert!(settings["hooks"]["Stop"][0].get("matcher").is_none(), "Stop takes no matcher");
        assert_eq!(settings.as_object().unwrap().len(), 1, "nothing but hooks: {settings}");
    }

    #[test]
    fn codex_notify_chains_the_user_s_program() {
        let grove = Path::new("/usr/bin/grove");
        assert_eq!(codex_notify_override(grove, None), r#"notify=["/usr/bin/grove", "hook", "codex"]"#);
        let user = ["notify-send".to_owned(), "Codex \"done\"".to_owned()];
        assert_eq!(
            codex_notify_override(grove, Some(&user)),
            r#"notify=["/usr/bin/grove", "hook", "codex", "--then", "notify-send", 'Codex "done"']"#
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "model = \"o3\"\nnotify = [\"terminal-notifier\", \"-x\"]\n")
            .unwrap();
        assert_eq!(codex_user_notify(dir.path()), Some(vec!["terminal-notifier".to_owned(), "-x".to_owned()]));
        assert_eq!(codex_user_notify(&dir.path().join("missing")), None);
    }
}
