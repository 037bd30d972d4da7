//! The three real agent CLIs: where they are (PATH; `scripts/agent-clis` installs them) and what
//! each needs to run offline against the scripted model server, with no account and no first-run
//! questions except the ones a test asks for (agent-formats.md, "Running the real CLIs offline").
//! Everything goes into the test's own HOME; nothing of the user's is read or written.

use std::path::{Path, PathBuf};

use serde_json::json;

/// The API key Claude is given; it approves keys by their last 20 characters.
const CLAUDE_KEY: &str = "sk-ant-scripted-test-key-0000000000";

/// An agent under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Claude,
    Codex,
    Aider,
}

impl Agent {
    /// Grove's name of the agent.
    pub fn grove_name(self) -> &'static str {
        match self {
            Agent::Claude => "claude-code",
            Agent::Codex => "codex",
            Agent::Aider => "aider",
        }
    }

    /// The program on PATH.
    pub fn program(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Aider => "aider",
        }
    }

    /// The prompt that makes the agent ask before doing something, with `tag` making it unique.
    /// Claude and Codex ask before a shell command; Aider asks before creating a file.
    pub fn asking_prompt(self, tag: &str) -> String {
        match self {
            Agent::Claude | Agent::Codex => format!("RUN:touch made-{tag}.txt"),
            Agent::Aider => format!("FILE:made-{tag}.txt please"),
        }
    }
}

/// The CLI's full path on PATH; a missing CLI fails the test, naming the script that installs it.
pub fn require(agent: Agent) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(agent.program())).find(|p| is_executable(p)).unwrap_or_else(|| {
        panic!(
            "`{}` is not on PATH: the agents suite runs the real CLIs. Install them with scripts/agent-clis \
             and put the bin directory it prints (scripts/agent-clis --bin) first on PATH",
            agent.program()
        )
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How the agent is set up.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    /// The repository is already trusted (no trust screen).
    pub trusted: bool,
    /// Claude may show its post-turn "Make auto mode your default permission mode?" offer.
    pub auto_mode_offer: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self { trusted: true, auto_mode_offer: false }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create directory");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Writes the agent's own config into `home` for a project at `repo` and a server at `base_url`,
/// and returns the `[agents.<name>]` section of Grove's config that runs it.
pub fn prepare(agent: Agent, home: &Path, repo: &Path, base_url: &str, setup: Setup) -> String {
    let program = toml_string(&require(agent).to_string_lossy());
    match agent {
        Agent::Claude => {
            prepare_claude(home, repo, setup);
            let env = [
                ("ANTHROPIC_BASE_URL", base_url),
                ("ANTHROPIC_API_KEY", CLAUDE_KEY),
                ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
                ("DISABLE_AUTOUPDATER", "1"),
            ];
            format!("[agents.claude-code]\ncommand = {program}\nenv = {}\n", inline_table(&env))
        }
        Agent::Codex => {
            prepare_codex(home, repo, base_url, setup);
            let env = [("SCRIPTED_API_KEY", "scripted")];
            format!("[agents.codex]\ncommand = {program}\nenv = {}\n", inline_table(&env))
        }
        Agent::Aider => {
            prepare_aider(home);
            let api = format!("{base_url}/v1");
            let args = [
                "--openai-api-base",
                &api,
                "--openai-api-key",
                "scripted",
                "--model",
                "openai/scripted",
                "--edit-format",
                "whole",
                "--no-gitignore",
                "--no-show-model-warnings",
                "--no-check-update",
                "--no-show-release-notes",
                "--no-analytics",
            ];
            let args: Vec<String> = args.iter().map(|a| toml_string(a)).collect();
            format!("[agents.aider]\ncommand = {program}\nargs = [{}]\n", args.join(", "))
        }
    }
}

/// `~/.claude.json`: onboarding done, the API key approved, the auto-mode notices seen, and the
/// repository trusted (its worktrees with it) unless the test wants the trust screen. The user's
/// settings pick the `default` permission mode: in 2.1.337 the default is auto, which runs a
/// command without asking.
fn prepare_claude(home: &Path, repo: &Path, setup: Setup) {
    let key_suffix = &CLAUDE_KEY[CLAUDE_KEY.len() - 20..];
    let mut state = json!({
        "hasCompletedOnboarding": true,
        "lastOnboardingVersion": "2.1.337",
        "customApiKeyResponses": {"approved": [key_suffix], "rejected": []},
        "hasSeenAutoModeEntryWarning": true,
        "hasSeenAutoDefaultNotice": true,
        "hasSeenAutoDefaultNudge": !setup.auto_mode_offer,
        "projects": {},
    });
    if setup.trusted {
        state["projects"][repo.to_string_lossy().as_ref()] = json!({"hasTrustDialogAccepted": true});
    }
    write(&home.join(".claude.json"), &serde_json::to_string_pretty(&state).expect("json"));
    write(&home.join(".claude/settings.json"), r#"{"permissions": {"defaultMode": "default"}}"#);
}

/// `~/.codex/config.toml`: the scripted provider, approvals on request (a command asks only when
/// the model requests to leave the sandbox), and the repository trusted unless the test wants the
/// trust screen.
fn prepare_codex(home: &Path, repo: &Path, base_url: &str, setup: Setup) {
    let mut config = format!(
        "model = \"scripted\"\nmodel_provider = \"scripted\"\napproval_policy = \"on-request\"\n\
         sandbox_mode = \"workspace-write\"\n\n[model_providers.scripted]\nname = \"Scripted\"\n\
         base_url = {}\nwire_api = \"responses\"\nenv_key = \"SCRIPTED_API_KEY\"\n",
        toml_string(&format!("{base_url}/v1"))
    );
    if setup.trusted {
        config.push_str(&format!("\n[projects.{}]\ntrust_level = \"trusted\"\n", toml_string(&repo.to_string_lossy())));
    }
    write(&home.join(".codex/config.toml"), &config);
}

/// Aider: a model-info cache that is not empty, or litellm tries to download one at start.
fn prepare_aider(home: &Path) {
    let info = json!({"openai/scripted": {"max_tokens": 8192, "max_input_tokens": 128000, "max_output_tokens": 8192,
        "input_cost_per_token": 0, "output_cost_per_token": 0, "litellm_provider": "openai", "mode": "chat"}});
    write(&home.join(".aider/caches/model_prices_and_context_window.json"), &info.to_string());
}

/// `text` as a TOML basic string (JSON's string escapes are a subset of TOML's).
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

fn inline_table(pairs: &[(&str, &str)]) -> String {
    let items: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {}", toml_string(v))).collect();
    format!("{{ {} }}", items.join(", "))
}
