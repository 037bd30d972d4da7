//! How each agent is started and resumed (SPEC I1-I4, agent-formats §1.4, §2.4, §3, §7): the
//! argv words, the extra environment, how the first prompt reaches the agent, and which of the
//! agent's own session ids it will run under. Pure: no process is started here, so every agent's
//! argv is tested as a table.
//!
//! `[agents.<name>]` in config overrides a built-in agent's `command`, puts its `args` before
//! Grove's own, adds `env`, and (with `resume_args`) replaces the built-in resume words. Any
//! other name is a custom agent run with the `shell` adapter.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::config::{AgentConfig, Config};

/// The placeholder in `resume_args` replaced by the session's recorded agent session id.
pub const AGENT_SESSION_ID_PLACEHOLDER: &str = "{agent_session_id}";

/// Ends option parsing before a prompt, so a prompt starting with `-` is text, not a flag. Both
/// Claude's and Codex's argument parsers honour it.
const END_OF_OPTIONS: &str = "--";

/// The adapters Grove has (SPEC I1-I4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// `claude`: Grove chooses the session id (`--session-id`), resumes with `--resume <id>`.
    ClaudeCode,
    /// `codex`: prompt as argument, resumes with `resume <id>`.
    Codex,
    /// `aider`: interactive; the prompt is pasted after start; resumes with
    /// `--restore-chat-history` (it has no session id).
    Aider,
    /// Any command from config; the prompt is only in `$GROVE_PROMPT_FILE`.
    Shell,
}

impl Adapter {
    /// The adapter for agent `name`: a built-in's own, else `Shell`.
    pub fn for_agent(name: &str) -> Self {
        match name {
            "claude-code" => Adapter::ClaudeCode,
            "codex" => Adapter::Codex,
            "aider" => Adapter::Aider,
            _ => Adapter::Shell,
        }
    }

    /// The program of a built-in agent when config does not override it. The built-in `shell`
    /// without a `[agents.shell]` entry is a plain interactive `sh`.
    fn default_command(self) -> &'static str {
        match self {
            Adapter::ClaudeCode => "claude",
            Adapter::Codex => "codex",
            Adapter::Aider => "aider",
            Adapter::Shell => "sh",
        }
    }
}

/// Start the agent afresh, or resume its own session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchMode<'a> {
    /// A new agent session with this first prompt, if any.
    Fresh {
        /// The task text.
        prompt: Option<&'a str>,
    },
    /// Resume the agent session recorded for the Grove session (SPEC F4). Falls back to a fresh
    /// start without a prompt when the agent cannot resume (no recorded id, no resume command):
    /// the worktree still holds the work, and replaying the first prompt would redo the task.
    Resume {
        /// The recorded agent session id.
        agent_session_id: Option<&'a str>,
    },
}

/// How the agent reports its events to Grove (see `agent_hooks`): words added after its command
/// on every launch, fresh or resumed, because agents do not remember them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookWiring {
    /// Claude Code: the Grove-owned `--settings` file with its hooks.
    pub claude_settings: Option<PathBuf>,
    /// Codex: the `-c notify=[...]` override.
    pub codex_notify: Option<String>,
    /// Aider: the `--notifications-command`.
    pub aider_command: Option<String>,
}

impl HookWiring {
    fn words(&self, adapter: Adapter) -> Vec<OsString> {
        match adapter {
            Adapter::ClaudeCode => self.claude_settings.iter().flat_map(|p| ["--settings".into(), p.into()]).collect(),
            Adapter::Codex => self.codex_notify.iter().flat_map(|n| ["-c".into(), n.into()]).collect(),
            Adapter::Aider => self
                .aider_command
                .iter()
                .flat_map(|c| ["--notifications".into(), "--notifications-command".into(), c.into()])
                .collect(),
            Adapter::Shell => Vec::new(),
        }
    }
}

/// The program that runs agent `agent` under `config` (its `[agents]` command, else the
/// built-in default), before any argument.
pub fn agent_program(config: &Config, agent: &str) -> OsString {
    match config.agents.get(agent) {
        Some(c) => c.command.clone().into_os_string(),
        None => OsString::from(Adapter::for_agent(agent).default_command()),
    }
}

/// Everything needed to start the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlan {
    /// The argv, program first; never passed through a shell.
    pub argv: Vec<OsString>,
    /// Extra environment for the agent (from config), besides Grove's own variables.
    pub env: Vec<(String, String)>,
    /// The agent's own session id it will run under, when Grove knows it in advance (chosen
    /// for Claude, or the one resumed).
    pub agent_session_id: Option<String>,
    /// Whether this resumes the agent's session (false: a fresh start).
    pub resumed: bool,
    /// Text to paste into the terminal once the agent runs (Aider has no prompt argument that
    /// keeps it interactive: `--message` answers once and exits).
    pub paste_prompt: Option<String>,
}

/// Why no launch command could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    /// The agent is neither built in nor declared in `[agents]`.
    #[error("unknown agent {0:?}: not built in and not declared under [agents]")]
    UnknownAgent(String),
}

/// Builds the launch of agent `agent` under `config`, with `wiring` telling it how to report
/// its events. `new_session_id` is called only when Grove must choose the agent's session id (a
/// fresh Claude), so tests can pass a fixed one.
pub fn plan_launch(
    config: &Config,
    agent: &str,
    mode: LaunchMode<'_>,
    wiring: &HookWiring,
    new_session_id: impl FnOnce() -> String,
) -> Result<LaunchPlan, LaunchError> {
    if !config.has_agent(agent) {
        return Err(LaunchError::UnknownAgent(agent.to_owned()));
    }
    let adapter = Adapter::for_agent(agent);
    let declared = config.agents.get(agent);
    let mut argv: Vec<OsString> = match declared {
        Some(c) => {
            std::iter::once(c.command.clone().into_os_string()).chain(c.args.iter().map(OsString::from)).collect()
        }
        None => vec![OsString::from(adapter.default_command())],
    };
    argv.extend(wiring.words(adapter));
    let env = declared.map(|c| c.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    let mut plan = LaunchPlan { argv: Vec::new(), env, agent_session_id: None, resumed: false, paste_prompt: None };

    if let LaunchMode::Resume { agent_session_id } = mode
        && let Some(words) = resume_words(adapter, declared, agent_session_id)
    {
        argv.extend(words.into_iter().map(OsString::from));
        plan.resumed = true;
        plan.agent_session_id = agent_session_id.map(str::to_owned);
        plan.argv = argv;
        return Ok(plan);
    }

    let prompt = match mode {
        LaunchMode::Fresh { prompt } => prompt,
        LaunchMode::Resume { .. } => None,
    };
    match adapter {
        Adapter::ClaudeCode => {
            let id = new_session_id();
            argv.extend([OsString::from("--session-id"), OsString::from(&id)]);
            plan.agent_session_id = Some(id);
            argv.extend(prompt.into_iter().flat_map(|p| [OsString::from(END_OF_OPTIONS), OsString::from(p)]));
        }
        Adapter::Codex => {
            argv.extend(prompt.into_iter().flat_map(|p| [OsString::from(END_OF_OPTIONS), OsString::from(p)]));
        }
        Adapter::Aider => plan.paste_prompt = prompt.map(str::to_owned),
        // A custom command's interface is unknown; the prompt waits in $GROVE_PROMPT_FILE.
        Adapter::Shell => {}
    }
    plan.argv = argv;
    Ok(plan)
}

/// The words after the command (and its configured args) that resume the agent, or `None` if
/// it cannot resume with what is recorded. Config `resume_args` win over the adapter's own.
fn resume_words(adapter: Adapter, declared: Option<&AgentConfig>, id: Option<&str>) -> Option<Vec<String>> {
    if let Some(words) = declared.and_then(|c| c.resume_args.as_ref()) {
        let needs_id = words.iter().any(|w| w.contains(AGENT_SESSION_ID_PLACEHOLDER));
        if needs_id && id.is_none() {
            return None;
        }
        return Some(words.iter().map(|w| w.replace(AGENT_SESSION_ID_PLACEHOLDER, id.unwrap_or_default())).collect());
    }
    match (adapter, id) {
        (Adapter::ClaudeCode, Some(id)) => Some(vec!["--resume".into(), id.into()]),
        (Adapter::Codex, Some(id)) => Some(vec!["resume".into(), id.into()]),
        // Aider keeps its history per worktree; it needs no id to pick it up again.
        (Adapter::Aider, _) => Some(vec!["--restore-chat-history".into()]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const UUID: &str = "0b7e4c1e-0000-4000-8000-000000000001";

    fn config() -> Config {
        let mut config = Config::default();
        let agent = |command: &str, args: &[&str], resume: Option<&[&str]>| AgentConfig {
            command: command.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            env: BTreeMap::from([("MODE".to_owned(), "test".to_owned())]),
            resume_args: resume.map(|r| r.iter().map(|a| (*a).to_owned()).collect()),
        };
        config.agents.insert("echoer".into(), agent("sh", &["-c", "echo ready; cat"], None));
        config.agents.insert("resumer".into(), agent("/bin/tool", &["run"], Some(&["--resume={agent_session_id}"])));
        config.agents.insert("continuer".into(), agent("/bin/tool", &[], Some(&["--continue"])));
        config.agents.insert("codex".into(), agent("/opt/codex", &["-a", "never"], None));
        config
    }

    fn argv(plan: &LaunchPlan) -> Vec<String> {
        plan.argv.iter().map(|w| w.to_string_lossy().into_owned()).collect()
    }

    /// Agent, prompt, expected argv, expected agent session id, expected pasted prompt.
    type FreshCase<'a> = (&'a str, Option<&'a str>, &'a [&'a str], Option<&'a str>, Option<&'a str>);

    #[test]
    fn fresh_argv_per_agent() {
        let hostile = "-rf \"$(touch x)\" `y`";
        let cases: [FreshCase<'_>; 7] = [
            ("claude-code", Some("fix it"), &["claude", "--session-id", UUID, "--", "fix it"], Some(UUID), None),
            ("claude-code", None, &["claude", "--session-id", UUID], Some(UUID), None),
            ("codex", Some(hostile), &["/opt/codex", "-a", "never", "--", hostile], None, None),
            ("aider", Some("fix it"), &["aider"], None, Some("fix it")),
            ("shell", Some("fix it"), &["sh"], None, None),
            ("echoer", Some("fix it"), &["sh", "-c", "echo ready; cat"], None, None),
            ("resumer", None, &["/bin/tool", "run"], None, None),
        ];
        for (agent, prompt, expected, session, paste) in cases {
            let plan =
                plan_launch(&config(), agent, LaunchMode::Fresh { prompt }, &HookWiring::default(), || UUID.into())
                    .unwrap();
            assert_eq!(argv(&plan), expected, "fresh argv of {agent} with prompt {prompt:?}");
            assert_eq!(plan.agent_session_id.as_deref(), session, "session id of {agent}");
            assert_eq!(plan.paste_prompt.as_deref(), paste, "pasted prompt of {agent}");
            assert!(!plan.resumed, "{agent}: a fresh start is not a resume");
        }
    }

    #[test]
    fn resume_argv_per_agent_and_fallback_to_fresh() {
        let cases: [(&str, Option<&str>, &[&str], bool); 9] = [
            ("claude-code", Some("abc"), &["claude", "--resume", "abc"], true),
            ("claude-code", None, &["claude", "--session-id", UUID], false),
            ("codex", Some("t-1"), &["/opt/codex", "-a", "never", "resume", "t-1"], true),
            ("codex", None, &["/opt/codex", "-a", "never"], false),
            ("aider", None, &["aider", "--restore-chat-history"], true),
            ("resumer", Some("s9"), &["/bin/tool", "run", "--resume=s9"], true),
            ("resumer", None, &["/bin/tool", "run"], false),
            ("continuer", None, &["/bin/tool", "--continue"], true),
            ("echoer", Some("s9"), &["sh", "-c", "echo ready; cat"], false),
        ];
        for (agent, id, expected, resumed) in cases {
            let plan = plan_launch(
                &config(),
                agent,
                LaunchMode::Resume { agent_session_id: id },
                &HookWiring::default(),
                || UUID.into(),
            )
            .unwrap();
            assert_eq!(argv(&plan), expected, "resume argv of {agent} with id {id:?}");
            assert_eq!(plan.resumed, resumed, "{agent} with id {id:?}: resumed?");
            assert_eq!(plan.paste_prompt, None, "{agent}: a restore never replays the first prompt");
        }
    }

    #[test]
    fn config_env_is_passed_and_unknown_agents_are_refused() {
        let plan =
            plan_launch(&config(), "echoer", LaunchMode::Fresh { prompt: None }, &HookWiring::default(), String::new)
                .unwrap();
        assert_eq!(plan.env, [("MODE".to_owned(), "test".to_owned())], "env from [agents.echoer]");
        let err =
            plan_launch(&config(), "nope", LaunchMode::Fresh { prompt: None }, &HookWiring::default(), String::new)
                .unwrap_err();
        assert_eq!(err, LaunchError::UnknownAgent("nope".into()));
    }
}
