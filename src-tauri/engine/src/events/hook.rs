//! `grove hook <agent> [--then PROGRAM ARGS...] [PAYLOAD]`: what the agent runs for each event.
//! It finds the session from the environment Grove gave the agent (`GROVE_HOME`,
//! `GROVE_PROJECT`, `GROVE_SESSION`), reads the payload (Claude: JSON on stdin; Codex: JSON as
//! the last argument; Aider: none), and appends one line. With `--then`, the user's own notify
//! program (Codex's, which a per-launch `notify` replaces) is run with the same payload, so it
//! keeps working.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::log::append;
use super::slim::slim_payload;
use super::{AgentEvent, Via};
use crate::home::{GroveHome, HOME_ENV};
use crate::ids::{ProjectId, SessionId};
use crate::ops::{PROJECT_ENV, SESSION_ENV};

/// The event name of a notify call without a payload (Aider's notifications command).
const READY_EVENT: &str = "ready";

/// Where the hook's session lives, from the agent's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookEnv {
    /// `GROVE_HOME`.
    pub home: GroveHome,
    /// `GROVE_PROJECT`.
    pub project: ProjectId,
    /// `GROVE_SESSION`.
    pub session: SessionId,
}

/// Why a hook recorded nothing. The hook still exits 0: an agent must never fail because Grove
/// could not hear it.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Not run by a Grove-started agent (a settings file loaded elsewhere).
    #[error("{0} is not set: not an agent Grove started")]
    NoSession(&'static str),
    /// An id in the environment is not a valid id (it would name a path outside the home).
    #[error("{var} is not a valid id: {value:?}")]
    BadId {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// The events file could not be written (disk full, read-only home).
    #[error("cannot append to {path}: {error}")]
    Write {
        /// The events file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
}

impl HookEnv {
    /// The session named by the environment, through `var` (so tests need not touch the process
    /// environment).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, HookError> {
        let get = |name: &'static str| var(name).filter(|v| !v.is_empty()).ok_or(HookError::NoSession(name));
        let home = GroveHome::at(PathBuf::from(get(HOME_ENV)?));
        let project_raw = get(PROJECT_ENV)?;
        let project =
            ProjectId::new(&project_raw).map_err(|_| HookError::BadId { var: PROJECT_ENV, value: project_raw })?;
        let session_raw = get(SESSION_ENV)?;
        let session =
            SessionId::new(&session_raw).map_err(|_| HookError::BadId { var: SESSION_ENV, value: session_raw })?;
        Ok(Self { home, project, session })
    }
}

/// What the hook was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookInput {
    /// The agent (`claude-code`, `codex`, `aider`, or a custom agent's name).
    pub agent: String,
    /// Standard input, when it is not a terminal (bounded by the caller).
    pub stdin: Option<Vec<u8>>,
    /// The words after the agent name.
    pub args: Vec<String>,
}

impl HookInput {
    /// The payload (stdin's JSON object, else the last argument's) and how it came.
    fn payload(&self) -> (Value, Via) {
        let object = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).ok().filter(Value::is_object);
        if let Some(value) = self.stdin.as_deref().and_then(object) {
            return (value, Via::Hook);
        }
        match self.args.last().map(String::as_bytes).and_then(object) {
            Some(value) => (value, Via::Notify),
            None => (Value::Null, Via::Notify),
        }
    }

    /// The program (and its arguments) given after `--then`, to run with the payload appended.
    pub fn chained(&self) -> Option<Vec<String>> {
        let start = self.args.iter().position(|a| a == "--then")? + 1;
        let has_payload = self.args.last().is_some_and(|a| a.trim_start().starts_with('{'));
        let end = if has_payload { self.args.len() - 1 } else { self.args.len() };
        let words = self.args.get(start..end)?.to_vec();
        (!words.is_empty()).then_some(words)
    }

    /// The payload argument as given, for the chained program.
    pub fn payload_arg(&self) -> Option<&str> {
        self.args.last().map(String::as_str).filter(|a| a.trim_start().starts_with('{'))
    }
}

/// The event a hook call reports, received at `at`.
pub fn event_of(input: &HookInput, at: DateTime<Utc>) -> AgentEvent {
    let (payload, via) = input.payload();
    let name = ["hook_event_name", "type"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_str))
        .unwrap_or(READY_EVENT)
        .to_owned();
    AgentEvent { at, via, agent: input.agent.clone(), event: name, payload: slim_payload(payload) }
}

/// Appends the event of `input` to the session's events file; returns the file.
pub fn record_hook(env: &HookEnv, input: &HookInput, at: DateTime<Utc>) -> Result<PathBuf, HookError> {
    let path = env.home.events_file(&env.project, &env.session);
    append(&path, &event_of(input, at)).map_err(|error| HookError::Write { path: path.clone(), error })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;

    fn input(agent: &str, stdin: Option<&str>, args: &[&str]) -> HookInput {
        HookInput {
            agent: agent.into(),
            stdin: stdin.map(|s| s.as_bytes().to_vec()),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn each_agent_s_way_of_calling_gives_its_event() {
        let at = Utc::now();
        let claude = input("claude-code", Some(r#"{"hook_event_name":"Stop","session_id":"s"}"#), &[]);
        let codex = input("codex", None, &[r#"{"type":"agent-turn-complete","thread-id":"t"}"#]);
        let aider = input("aider", None, &[]);
        let garbage = input("claude-code", Some("not json at all"), &[]);
        let cases = [
            (claude, Via::Hook, "Stop"),
            (codex, Via::Notify, "agent-turn-complete"),
            (aider, Via::Notify, "ready"),
            (garbage, Via::Notify, "ready"),
        ];
        for (given, via, name) in cases {
            let event = event_of(&given, at);
            assert_eq!((event.via, event.event.as_str()), (via, name), "event of {given:?}");
        }
    }

    #[test]
    fn the_chained_program_gets_the_same_payload() {
        let given = input("codex", None, &["--then", "notify-send", "-u", "low", r#"{"type":"x"}"#]);
        assert_eq!(given.chained(), Some(vec!["notify-send".into(), "-u".into(), "low".into()]));
        assert_eq!(given.payload_arg(), Some(r#"{"type":"x"}"#));
        assert_eq!(input("codex", None, &[r#"{"type":"x"}"#]).chained(), None);
        assert_eq!(input("codex", None, &["--then"]).chained(), None, "--then with nothing after it");
    }

    #[test]
    fn the_environment_must_name_a_valid_session() {
        let vars = |pairs: &[(&str, &str)]| {
            let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
            move |k: &str| map.get(k).cloned()
        };
        let ok = HookEnv::from_vars(vars(&[("GROVE_HOME", "/h"), ("GROVE_PROJECT", "p"), ("GROVE_SESSION", "s-1")]));
        assert_eq!(ok.unwrap().home.events_file(&ProjectId::new("p").unwrap(), &SessionId::new("s-1").unwrap()), {
            PathBuf::from("/h/projects/p/events/s-1.jsonl")
        });
        let missing = HookEnv::from_vars(vars(&[("GROVE_HOME", "/h"), ("GROVE_PROJECT", "p")]));
        assert!(matches!(missing, Err(HookError::NoSession("GROVE_SESSION"))), "{missing:?}");
        let traversal =
            HookEnv::from_vars(vars(&[("GROVE_HOME", "/h"), ("GROVE_PROJECT", "p"), ("GROVE_SESSION", "../x")]));
        assert!(matches!(traversal, Err(HookError::BadId { var: "GROVE_SESSION", .. })), "{traversal:?}");
    }

    #[test]
    fn a_recorded_hook_is_one_line_in_the_session_s_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = HookEnv {
            home: GroveHome::at(dir.path()),
            project: ProjectId::new("p").unwrap(),
            session: SessionId::new("s").unwrap(),
        };
        let payload = json!({"hook_event_name": "PermissionRequest", "tool_name": "Bash",
            "tool_input": {"command": "cargo test"}, "tool_response": "big"});
        let path = record_hook(&env, &input("claude-code", Some(&payload.to_string()), &[]), Utc::now()).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let event: AgentEvent = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(event.event, "PermissionRequest");
        assert_eq!(event.payload["tool_input"]["command"], "cargo test");
        assert!(event.payload.get("tool_response").is_none(), "bulky output is not stored");
    }
}
