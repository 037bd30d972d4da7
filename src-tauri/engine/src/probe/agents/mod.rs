//! Agent adapters (SPEC I1-I4): each reads what its agent writes (transcript, chat history, pane
//! output age) and classifies the agent's activity. A transcript alone cannot tell a permission
//! prompt from a running tool, so the built-in agents' adapters are wrapped in the event and
//! screen layers of SPEC I0 ([`layers`]).

mod aider;
mod claude_code;
mod claude_usage;
mod codex;
pub mod dialog;
pub mod hooks;
pub mod layers;
pub mod pane;
mod paths;
mod shell;
mod tail;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};

pub use aider::AiderProbe;
pub use claude_code::{ClaudeCodeProbe, encode_claude_project_dir};
pub use codex::CodexProbe;
pub use dialog::{Dialog, DialogKind, DialogOption};
pub use layers::Layered;
pub use pane::{PaneBatcher, PaneCapture, PaneVerdict, TmuxPanes};
pub use paths::TranscriptPaths;
pub use shell::{LastOutput, ShellProbe, TmuxLastOutput};
pub use tail::{TAIL_BYTES, Tail, TailReader};

use super::{AgentActivity, AgentInfo, AgentProbe, ProbeError, ProbeFuture};
use crate::home::GroveHome;
use crate::session::{Activity, SessionRecord};

/// Activity within this window counts as `active` (SPEC A4).
pub const ACTIVE_WINDOW: TimeDelta = TimeDelta::seconds(30);

/// `ready` for longer than this becomes `idle` (SPEC A4, J).
pub const IDLE_AFTER: TimeDelta = TimeDelta::minutes(5);

/// A summary is cut to this many characters: one line on a dashboard card.
pub const SUMMARY_CHARS: usize = 200;

/// Where the agents keep their files. Injectable so tests never read the real `~/.claude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDirs {
    /// Claude Code's config root: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    pub claude_config: PathBuf,
    /// Codex's home: `$CODEX_HOME`, else `~/.codex`.
    pub codex_home: PathBuf,
}

impl AgentDirs {
    /// The directories under one home directory, ignoring the environment (for tests).
    pub fn under_home(home: &Path) -> Self {
        Self { claude_config: home.join(".claude"), codex_home: home.join(".codex") }
    }

    /// The directories the agents themselves use: their environment variables when set (absolute
    /// and non-empty), else their defaults under the user's home.
    pub fn from_env() -> Self {
        let home = crate::home::user_home().unwrap_or_default();
        let var = |name: &str| std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
        let defaults = Self::under_home(&home);
        Self {
            claude_config: var("CLAUDE_CONFIG_DIR").unwrap_or(defaults.claude_config),
            codex_home: var("CODEX_HOME").unwrap_or(defaults.codex_home),
        }
    }
}

/// The adapters, one per built-in agent, shared by every session using that agent.
#[derive(Clone)]
pub struct AgentAdapters {
    claude_code: Arc<dyn AgentProbe>,
    codex: Arc<dyn AgentProbe>,
    aider: Arc<dyn AgentProbe>,
    shell: Arc<dyn AgentProbe>,
}

impl AgentAdapters {
    /// Adapters reading from `dirs`; the shell adapter (and every custom agent) takes output age
    /// from `output`. All transcript reads go through one `tail` reader, so its byte count covers
    /// every adapter.
    pub fn new(dirs: &AgentDirs, output: Arc<dyn LastOutput>, tail: Arc<TailReader>) -> Self {
        Self {
            claude_code: Arc::new(ClaudeCodeProbe::new(dirs.claude_config.clone(), tail.clone())),
            codex: Arc::new(CodexProbe::new(dirs.codex_home.clone(), tail.clone())),
            aider: Arc::new(AiderProbe::new(tail)),
            shell: Arc::new(ShellProbe::new(output)),
        }
    }

    /// The same adapters wrapped in the event and screen layers (SPEC I0): events from the
    /// sessions' files under `home`, screens through `panes` (for agents whose screens Grove
    /// knows).
    pub fn layered(self, home: &GroveHome, tail: Arc<TailReader>, panes: Arc<PaneBatcher>) -> Self {
        let wrap = |agent: Option<&'static str>, probe: Arc<dyn AgentProbe>| -> Arc<dyn AgentProbe> {
            Arc::new(Layered::new(agent, probe, home.clone(), tail.clone(), panes.clone()))
        };
        Self {
            claude_code: wrap(Some("claude-code"), self.claude_code),
            codex: wrap(Some("codex"), self.codex),
            aider: wrap(Some("aider"), self.aider),
            // The demo and custom commands may report in Claude's hook format.
            shell: wrap(None, self.shell),
        }
    }

    /// The adapter for an agent name: `claude-code`, `codex`, `aider`, `shell`; any other
    /// (custom) agent is a command Grove knows nothing about, read like `shell` (SPEC I4).
    pub fn adapter_for(&self, agent: &str) -> Arc<dyn AgentProbe> {
        match agent {
            "claude-code" => self.claude_code.clone(),
            "codex" => self.codex.clone(),
            "aider" => self.aider.clone(),
            _ => self.shell.clone(),
        }
    }
}

/// One agent probe for every session: each call goes to the adapter for the session's agent, so
/// the enrichment layer can hold a single `Arc<dyn AgentProbe>`.
impl AgentProbe for AgentAdapters {
    fn activity<'a>(&'a self, session: &'a SessionRecord, now: DateTime<Utc>) -> ProbeFuture<'a, AgentActivity> {
        Box::pin(async move { self.adapter_for(&session.agent).activity(session, now).await })
    }

    fn info<'a>(&'a self, session: &'a SessionRecord) -> ProbeFuture<'a, AgentInfo> {
        Box::pin(async move { self.adapter_for(&session.agent).info(session).await })
    }
}

/// `ready` that has lasted longer than [`IDLE_AFTER`] is `idle` (SPEC A4). `last` is when the
/// agent last did anything; unknown means "cannot tell how long", which stays `ready`.
pub fn decay_ready(activity: Activity, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Activity {
    match (activity, last) {
        (Activity::Ready, Some(last)) if now - last > IDLE_AFTER => Activity::Idle,
        (other, _) => other,
    }
}

/// `active` when `last` is within [`ACTIVE_WINDOW`] of `now`, else `ready` decaying to `idle`:
/// for evidence that shows recent work but no turn boundary (output age, a streaming line).
pub fn by_age(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Activity {
    match last {
        Some(last) if now - last <= ACTIVE_WINDOW => Activity::Active,
        Some(_) => decay_ready(Activity::Ready, last, now),
        None => Activity::Unknown,
    }
}

/// The first line of `text`, trimmed and cut to [`SUMMARY_CHARS`] characters; `None` if empty.
pub fn summary_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut out: String = line.chars().take(SUMMARY_CHARS).collect();
    if line.chars().count() > SUMMARY_CHARS {
        out.push('…');
    }
    Some(out)
}

/// A file's modification time as a UTC instant.
pub fn modified_at(time: Option<SystemTime>) -> Option<DateTime<Utc>> {
    time.map(DateTime::<Utc>::from)
}

/// Runs blocking file work (transcript reads, directory scans) off the async threads.
async fn blocking<T: Send + 'static>(
    probe: &'static str,
    work: impl FnOnce() -> Result<T, ProbeError> + Send + 'static,
) -> Result<T, ProbeError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ProbeError::Failed { probe, reason: format!("reader task failed: {err}") })?
}

/// An I/O error while reading agent files, as a probe failure naming the path.
fn io_failed(probe: &'static str, path: &Path, err: &std::io::Error) -> ProbeError {
    ProbeError::Failed { probe, reason: format!("{}: {err}", path.display()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(secs)
    }

    #[test]
    fn ready_decays_to_idle_only_after_five_minutes() {
        let now = at(10_000);
        assert_eq!(decay_ready(Activity::Ready, Some(at(10_000 - 300)), now), Activity::Ready, "exactly 5 min");
        assert_eq!(decay_ready(Activity::Ready, Some(at(10_000 - 301)), now), Activity::Idle, "over 5 min");
        assert_eq!(decay_ready(Activity::Ready, None, now), Activity::Ready, "unknown age stays ready");
        assert_eq!(decay_ready(Activity::Blocked, Some(at(0)), now), Activity::Blocked, "only ready decays");
    }

    #[test]
    fn age_gives_active_ready_idle() {
        let now = at(10_000);
        assert_eq!(by_age(Some(at(10_000 - 30)), now), Activity::Active);
        assert_eq!(by_age(Some(at(10_000 - 31)), now), Activity::Ready);
        assert_eq!(by_age(Some(at(0)), now), Activity::Idle);
        assert_eq!(by_age(None, now), Activity::Unknown);
    }

    #[test]
    fn summary_is_one_trimmed_line_of_bounded_length() {
        assert_eq!(summary_line("\n  first  \nsecond").as_deref(), Some("first"));
        let long = "x".repeat(500);
        assert_eq!(summary_line(&long).map(|s| s.chars().count()), Some(SUMMARY_CHARS + 1), "200 chars and …");
        assert_eq!(summary_line("  \n "), None);
    }
}
