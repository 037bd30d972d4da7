//! The pane layer (SPEC I0 layer 4): the bottom of an agent's terminal, read only to confirm or
//! clear a waiting prompt when the other layers say "waiting" or cannot tell. One table holds the
//! on-screen wording per agent (it changes between agent versions, so it is kept in one place),
//! and the capture of every candidate session of a pass is one `tmux` invocation.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use super::dialog::{Dialog, find_dialog, kind_of};
use crate::home::{GroveHome, tmux_socket_args};
use crate::probe::child::run_probe;
use crate::probe::{ProbeError, ProbeFuture};

/// The name used in probe errors.
const PROBE: &str = "tmux capture-pane";

/// Only the bottom of the screen counts: a dialog answered long ago may still be in view above.
pub const PANE_LINES: usize = 15;

/// How long the first request of a batch waits for others: the sessions of one enrichment pass
/// ask within microseconds of each other.
const BATCH_WINDOW: Duration = Duration::from_millis(5);

/// What the bottom of a pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneVerdict {
    /// A question, permission or trust dialog, with its options when they could be read.
    Waiting(Dialog),
    /// The agent's own "working" marker ("esc to interrupt").
    Working,
    /// The agent's input prompt, nothing asked.
    AtPrompt,
    /// None of the above.
    Unclear,
}

/// On-screen wording per agent (agent-formats §5, §6.2 rows 6, 16, 19, 22).
struct Wording {
    agent: &'static str,
    /// Any of these in the bottom lines: a dialog waits for the user.
    waiting: &'static [&'static str],
    /// Any of these: the agent is working.
    working: &'static [&'static str],
}

const WORDING: [Wording; 3] = [
    Wording {
        agent: "claude-code",
        waiting: &[
            "Do you want to proceed?",
            "Do you want to make this edit",
            "Do you want to create",
            "Do you want to allow",
            "No, and tell Claude what to do differently",
            "Do you trust the files in this folder?",
            "Yes, I trust this folder",
            "Is this a project you created or one you trust?",
        ],
        working: &["esc to interrupt"],
    },
    Wording {
        agent: "codex",
        waiting: &[
            "Would you like to run the following command?",
            "Would you like to make the following edits?",
            "Allow command?",
            "Press Enter to confirm or Esc to cancel",
            "Do you trust the contents of this directory?",
        ],
        working: &["esc to interrupt", "Esc to interrupt"],
    },
    Wording { agent: "aider", waiting: &[], working: &[] },
];

/// Whether Grove has wording for `agent`'s screen.
pub fn reads_pane(agent: &str) -> bool {
    WORDING.iter().any(|w| w.agent == agent)
}

/// What `screen` (a capture of the visible pane) shows for `agent`.
pub fn classify_pane(agent: &str, screen: &str) -> PaneVerdict {
    let Some(wording) = WORDING.iter().find(|w| w.agent == agent) else { return PaneVerdict::Unclear };
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let end = lines.iter().rposition(|l| !l.trim().is_empty()).map_or(0, |i| i + 1);
    let bottom = &lines[end.saturating_sub(PANE_LINES)..end];
    if let Some(dialog) = find_dialog(agent, &lines[..end], end.saturating_sub(PANE_LINES)) {
        return PaneVerdict::Waiting(dialog);
    }
    // Wording of a wait whose options could not be read (a dialog drawn in a way Grove does not
    // know yet): still a wait, with its line as the title.
    if let Some(line) = bottom.iter().find(|l| wording.waiting.iter().any(|w| l.contains(w))) {
        let title = clean(line);
        let kind = kind_of(agent, &title.to_lowercase());
        return PaneVerdict::Waiting(Dialog { kind, title, options: Vec::new() });
    }
    if bottom.iter().any(|l| wording.working.iter().any(|w| l.contains(w))) {
        return PaneVerdict::Working;
    }
    // The input prompt: `> ` (older Claude draws it inside a box, `│ > │`), Aider's `<files>> `.
    let last = bottom.last().map_or("", |l| l.trim());
    let bare = last.trim_matches(|c: char| c == '│' || c.is_whitespace());
    let prompt_line = bare == ">" || (bare.starts_with("> ") && agent != "aider");
    if prompt_line || (agent == "aider" && bare.ends_with('>')) {
        return PaneVerdict::AtPrompt;
    }
    // Codex: its input line starts with `›` (a placeholder or the text being typed) above its
    // status lines; a menu with the same mark was read as a dialog above.
    if agent == "codex" && bottom.iter().any(|l| l.trim_start().starts_with('›')) {
        return PaneVerdict::AtPrompt;
    }
    // Claude 2.x: a `❯` (or `>`) input line between two rules, with hint lines below it.
    if agent == "claude-code" && claude_input_box(bottom) {
        return PaneVerdict::AtPrompt;
    }
    PaneVerdict::Unclear
}

/// Whether the last few lines hold Claude's input box: a rule, an input line starting with `❯`
/// or `>`, and a rule.
fn claude_input_box(bottom: &[&str]) -> bool {
    let is_rule = |l: &str| {
        let t = l.trim();
        t.chars().count() >= 8 && t.chars().all(|c| matches!(c, '─' | '━' | '-' | '╭' | '╮' | '╰' | '╯'))
    };
    let tail = &bottom[bottom.len().saturating_sub(6)..];
    tail.windows(3).any(|w| {
        let input = w[1].trim_matches(|c: char| c == '│' || c.is_whitespace());
        is_rule(w[0]) && is_rule(w[2]) && (input.starts_with('❯') || input.starts_with('>'))
    })
}

fn clean(line: &str) -> String {
    let text = line.trim_matches(|c: char| c == '│' || c == '❯' || c.is_whitespace());
    text.chars().take(120).collect()
}

/// Captures the visible text of tmux sessions' panes. A trait so tests can show any screen.
pub trait PaneCapture: Send + Sync {
    /// The screen of each target that exists (tmux session names); a missing target is left
    /// out, which is not an error.
    fn capture<'a>(&'a self, targets: &'a [String]) -> ProbeFuture<'a, HashMap<String, String>>;
}

/// Captures through `tmux -S <socket>`: one invocation for every target, each capture preceded by
/// a marker line so the output can be split.
#[derive(Debug, Clone)]
pub struct TmuxPanes {
    program: OsString,
    socket: PathBuf,
}

/// Starts each capture's section of the output; tmux prints it with `display-message -p`.
const MARK: &str = "\u{1e}grove-pane:";

/// Targets per tmux invocation: keeps the command line and the output well inside any limit
/// when thousands of sessions wait at once.
const TARGETS_PER_CALL: usize = 100;

impl TmuxPanes {
    /// Captures from the tmux server on the socket at `socket`, running `tmux` from `PATH`.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self { program: OsString::from("tmux"), socket: socket.into() }
    }

    /// Captures from the tmux server of a Grove home.
    pub fn for_home(home: &GroveHome) -> Self {
        Self::new(home.tmux_socket())
    }

    /// The same capture running `program` instead of `tmux`.
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into().into_os_string();
        self
    }

    /// One invocation for `targets`; tmux stops at the first target that does not exist, so the
    /// sections after it are missing and the caller asks again for those.
    async fn capture_run(&self, targets: &[String]) -> Result<(HashMap<String, String>, Option<String>), ProbeError> {
        let mut args: Vec<OsString> = tmux_socket_args(&self.socket).to_vec();
        for (i, target) in targets.iter().enumerate() {
            if i > 0 {
                args.push(";".into());
            }
            args.extend(["display-message".into(), "-p".into(), format!("{MARK}{target}").into()]);
            args.extend([";", "capture-pane", "-p", "-J"].map(OsString::from));
            args.extend(["-t".into(), format!("={target}:").into()]);
        }
        let out = run_probe(PROBE, &self.program, &args, &[("LC_ALL", "C.UTF-8")]).await?;
        let failed = !out.status.success();
        let text = String::from_utf8_lossy(&out.stdout);
        let mut screens = HashMap::new();
        let mut last = None;
        for section in text.split(MARK).skip(1) {
            let (name, screen) = section.split_once('\n').unwrap_or((section, ""));
            screens.insert(name.to_owned(), screen.to_owned());
            last = Some(name.to_owned());
        }
        if !failed {
            return Ok((screens, None));
        }
        // The last section printed is the target tmux failed on: its marker came, its screen did not.
        match last {
            Some(name) => {
                screens.remove(&name);
                Ok((screens, Some(name)))
            }
            None => Err(ProbeError::Failed { probe: PROBE, reason: out.stderr_excerpt() }),
        }
    }
}

impl PaneCapture for TmuxPanes {
    fn capture<'a>(&'a self, targets: &'a [String]) -> ProbeFuture<'a, HashMap<String, String>> {
        Box::pin(async move {
            let mut all = HashMap::new();
            for chunk in targets.chunks(TARGETS_PER_CALL) {
                let mut rest: Vec<String> = chunk.to_vec();
                while !rest.is_empty() {
                    let (screens, missing) = self.capture_run(&rest).await?;
                    all.extend(screens);
                    let Some(missing) = missing else { break };
                    let at = rest.iter().position(|t| *t == missing).map_or(rest.len(), |i| i + 1);
                    rest.drain(..at);
                }
            }
            Ok(all)
        })
    }
}

type Waiter = oneshot::Sender<Result<Option<String>, ProbeError>>;

/// Gathers the captures asked for within a few milliseconds into one [`PaneCapture`] call, so a
/// pass that confirms 50 waiting sessions starts one tmux process, not 50.
pub struct PaneBatcher {
    inner: Arc<dyn PaneCapture>,
    pending: Arc<Mutex<Vec<(String, Waiter)>>>,
}

impl std::fmt::Debug for PaneBatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaneBatcher").finish_non_exhaustive()
    }
}

impl PaneBatcher {
    /// Batches calls to `inner`.
    pub fn new(inner: Arc<dyn PaneCapture>) -> Self {
        Self { inner, pending: Arc::default() }
    }

    /// The screen of one tmux session, captured together with whatever else is asked meanwhile;
    /// `None` when tmux has no such session.
    pub async fn screen(&self, target: &str) -> Result<Option<String>, ProbeError> {
        let (tx, rx) = oneshot::channel();
        let first = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.push((target.to_owned(), tx));
            pending.len() == 1
        };
        if first {
            let (inner, pending) = (self.inner.clone(), self.pending.clone());
            // A task of its own: the batch must run even if this caller stops waiting.
            tokio::spawn(async move {
                tokio::time::sleep(BATCH_WINDOW).await;
                let batch = std::mem::take(&mut *pending.lock().unwrap_or_else(|p| p.into_inner()));
                let mut targets: Vec<String> = batch.iter().map(|(t, _)| t.clone()).collect();
                targets.dedup();
                let result = inner.capture(&targets).await;
                for (target, waiter) in batch {
                    let _ = waiter.send(result.as_ref().map(|s| s.get(&target).cloned()).map_err(Clone::clone));
                }
            });
        }
        rx.await.unwrap_or_else(|_| Err(ProbeError::Failed { probe: PROBE, reason: "the capture task ended".into() }))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn each_agent_s_screens_are_read_from_the_table() {
        let claude_dialog = "⏺ Bash(cargo test)\n\n Bash command\n   cargo test\n Do you want to proceed?\n ❯ 1. Yes\n   2. No, and tell Claude what to do differently (esc)\n";
        let cases = [
            ("claude-code", claude_dialog, "waiting: Do you want to proceed?"),
            ("claude-code", "✻ Thinking… (esc to interrupt)\n", "working"),
            ("claude-code", "All 42 tests pass.\n────\n> \n\n\n", "at prompt"),
            ("claude-code", "╭──╮\n│ > │\n╰──╯\n", "unclear"),
            ("claude-code", "│ >  │", "at prompt"),
            (
                "aider",
                "> cargo test\nRun shell command? (Y)es/(N)o/(D)on't ask again [Yes]: \n",
                "waiting: Run shell command?",
            ),
            ("aider", "Applied edit to src/cli.py\ndiff> \n", "at prompt"),
            ("codex", "Would you like to run the following command?\n  $ npm install\n", {
                "waiting: Would you like to run the following command?"
            }),
            ("shell", "Do you want to proceed?", "unclear"),
        ];
        for (agent, screen, expected) in cases {
            let verdict = match classify_pane(agent, screen) {
                PaneVerdict::Waiting(d) => format!("waiting: {}", d.title),
                PaneVerdict::Working => "working".into(),
                PaneVerdict::AtPrompt => "at prompt".into(),
                PaneVerdict::Unclear => "unclear".into(),
            };
            assert_eq!(verdict, expected, "{agent} screen {screen:?}");
        }
    }

    #[test]
    fn a_dialog_scrolled_above_the_bottom_lines_no_longer_counts() {
        let mut screen = String::from("Do you want to proceed?\n");
        for i in 0..PANE_LINES {
            screen.push_str(&format!("output line {i}\n"));
        }
        screen.push_str("  ⎿  Running… (esc to interrupt)\n");
        assert_eq!(classify_pane("claude-code", &screen), PaneVerdict::Working);
    }

    struct Counting(AtomicUsize);

    impl PaneCapture for Counting {
        fn capture<'a>(&'a self, targets: &'a [String]) -> ProbeFuture<'a, HashMap<String, String>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(
                async move { Ok(targets.iter().filter(|t| *t != "gone").map(|t| (t.clone(), t.clone())).collect()) },
            )
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_share_one_capture() {
        let inner = Arc::new(Counting(AtomicUsize::new(0)));
        let batcher = Arc::new(PaneBatcher::new(inner.clone()));
        let mut tasks = tokio::task::JoinSet::new();
        for name in ["a", "b", "c", "gone"] {
            let batcher = batcher.clone();
            tasks.spawn(async move { (name, batcher.screen(name).await.unwrap()) });
        }
        while let Some(done) = tasks.join_next().await {
            let (name, screen) = done.unwrap();
            let expected = (name != "gone").then(|| name.to_owned());
            assert_eq!(screen, expected, "screen of {name}");
        }
        assert_eq!(inner.0.load(Ordering::SeqCst), 1, "four requests within the window: one capture");
    }
}
