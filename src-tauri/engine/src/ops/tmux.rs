//! tmux write commands on Grove's own server (`tmux -S <socket>`, SPEC D11a): start a session,
//! kill it, ask whether it exists, paste a file into it. Every call names the socket by its
//! absolute path, so the user's default tmux server is never touched (SPEC G4) and `TMUX_TMPDIR`
//! cannot send Grove to another server. Targets use tmux's `=name`
//! form, which matches the session name exactly instead of by prefix (`api-1` must never hit
//! `api-10`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command::{Cmd, CommandError, CommandOutput};
use crate::home::{GroveHome, prepare_tmux_socket_dir, tmux_socket_args};
use crate::ids::SessionId;
use crate::process_identity::ProcessIdentity;
use crate::session::{AgentExit, DEAD_PANE_FORMAT};

/// Deadline of one tmux client call. tmux answers in milliseconds; 10 s covers a server
/// starting on a loaded machine while still ending an operation stuck on a wedged server.
pub const TMUX_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause between a paste and its Enter: longer than the gap Codex 0.171 still counts as one
/// paste burst (tests/fixtures/agent-screens/README.md), short enough not to be noticed.
const ENTER_AFTER_PASTE: Duration = Duration::from_millis(300);

/// tmux's message for a target that does not exist.
const NO_SESSION: &str = "can't find session";

/// The tmux server of one Grove home.
#[derive(Debug, Clone)]
pub struct Tmux {
    program: OsString,
    socket: PathBuf,
}

impl Tmux {
    /// The server on the socket at path `socket`, running `tmux` from `PATH`.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self { program: OsString::from("tmux"), socket: socket.into() }
    }

    /// Grove's server for `home` (`GroveHome::tmux_socket`).
    pub fn for_home(home: &GroveHome) -> Self {
        Self::new(home.tmux_socket())
    }

    /// The same server, reached through `program` instead of `tmux`.
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into().into_os_string();
        self
    }

    /// The socket's path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// A tmux client call on Grove's socket. `TMUX` is removed so that running Grove from inside
    /// the user's own tmux changes nothing. The locale is left alone: the client that starts the
    /// server hands it its environment, and every agent would inherit a forced C locale.
    fn cmd(&self) -> Cmd {
        Cmd::new(&self.program, TMUX_TIMEOUT).args(tmux_socket_args(&self.socket)).env_remove("TMUX")
    }

    /// A call whose error message is matched: the C locale keeps tmux's `strerror` texts in the
    /// English `probe::says_no_server` expects. Only for commands that never start a server.
    fn query(&self) -> Cmd {
        self.cmd().env("LC_ALL", "C")
    }

    /// Starts a detached session `name` in `cwd` running `argv`, with `env` set in it, and
    /// returns the identity of its pane's process (pid and start time, SPEC D11a, F8) when tmux
    /// printed it. The words follow `--` as separate arguments, which tmux (>= 3.0) executes
    /// directly without a shell; see [`direct_exec_words`] for the one-word case.
    pub async fn new_session(
        &self,
        name: &SessionId,
        cwd: &Path,
        env: &[(String, String)],
        argv: &[OsString],
    ) -> Result<Option<ProcessIdentity>, CommandError> {
        // This call may start the server, which creates its socket but not the directory.
        prepare_tmux_socket_dir(&self.socket).map_err(|e| CommandError::CannotStart {
            command: format!("tmux -S {} new-session", self.socket.display()),
            reason: format!("cannot prepare the socket directory: {e}"),
        })?;
        // Panes stay after their agent exits, dead, with its exit status and last screen, so Grove
        // can tell a crash from a kill and show what the agent printed last (SPEC A2a, F4a). Set
        // in the same call that may start the server, before the session exists.
        let mut cmd = self
            .cmd()
            .args(["set-option", "-g", "remain-on-exit", "on", ";"])
            .args(["new-session", "-d", "-P", "-F", PANE_PID_FORMAT, "-s", name.as_str(), "-c"])
            .args([cwd]);
        for (key, value) in env {
            cmd = cmd.args(["-e".to_owned(), format!("{key}={value}")]);
        }
        let out = cmd.args(["--"]).args(direct_exec_words(argv)?).run().await?;
        // Read at once, while the pane's first process is surely the one tmux started.
        Ok(String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().ok().map(ProcessIdentity::of))
    }

    /// Whether session `name` exists. No server on the socket means it does not.
    pub async fn has_session(&self, name: &SessionId) -> Result<bool, CommandError> {
        let out = self.query().args(["has-session", "-t", &exact(name)]).output().await?;
        self.absent_or_error(out, "has-session").map(|_| true).or_else(|e| e.map_or(Ok(false), Err))
    }

    /// Kills session `name`; `Ok(false)` if it did not exist (already gone counts as done).
    pub async fn kill_session(&self, name: &SessionId) -> Result<bool, CommandError> {
        let out = self.query().args(["kill-session", "-t", &exact(name)]).output().await?;
        self.absent_or_error(out, "kill-session").map(|_| true).or_else(|e| e.map_or(Ok(false), Err))
    }

    /// Pastes the contents of `file` into session `name` through a paste buffer called `buffer`
    /// and presses Enter: the text never passes through a shell or through `send-keys`' key-name
    /// parsing, so it arrives byte for byte. `-p` wraps it in bracketed-paste codes when the
    /// agent asked for them, so a multi-line message is one message, not one per line; `-d`
    /// deletes the buffer after pasting.
    pub async fn paste_file(&self, name: &SessionId, file: &Path, buffer: &str) -> Result<(), CommandError> {
        self.cmd().args(["load-buffer", "-b", buffer]).args([file]).run().await?;
        let target = format!("{}:", exact(name));
        let pasted = self.cmd().args(["paste-buffer", "-d", "-p", "-b", buffer, "-t", &target]).run().await;
        if pasted.is_err() {
            // Best effort: a buffer left behind would only hold the user's text in tmux's memory.
            let _ = self.cmd().args(["delete-buffer", "-b", buffer]).output().await;
        }
        pasted?;
        // Codex takes keys that arrive in one burst for a paste, and an Enter inside the burst as
        // part of the text: the message would sit in its input unsent. Enter goes on its own.
        tokio::time::sleep(ENTER_AFTER_PASTE).await;
        self.cmd().args(["send-keys", "-t", &target, "Enter"]).run().await.map(drop)
    }

    /// The visible screen of session `name` (its active pane), lines joined as the agent drew
    /// them; `None` when tmux has no such session.
    pub async fn capture_screen(&self, name: &SessionId) -> Result<Option<String>, CommandError> {
        let target = format!("{}:", exact(name));
        let out = self.query().args(["capture-pane", "-p", "-J", "-t", &target]).output().await?;
        match self.absent_or_error(out, "capture-pane") {
            Ok(out) => Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned())),
            Err(None) => Ok(None),
            Err(Some(e)) => Err(e),
        }
    }

    /// How the agent in session `name` ended: `Ok(None)` when tmux has no such session,
    /// `Ok(Some(None))` while the agent runs. Needs `remain-on-exit`, which
    /// [`Tmux::new_session`] sets; the capture reaches a little way into the history, as the
    /// visible part alone can miss the lines of an agent that printed and exited at once.
    pub async fn ended(&self, name: &SessionId) -> Result<Option<Option<AgentExit>>, CommandError> {
        let target = format!("{}:", exact(name));
        let out = self
            .query()
            .args(["display-message", "-p", "-t", &target, DEAD_PANE_FORMAT, ";"])
            .args(["capture-pane", "-p", "-J", "-S", "-50", "-t", &target])
            .output()
            .await?;
        match self.absent_or_error(out, "display-message") {
            Ok(out) => Ok(Some(AgentExit::from_pane(&String::from_utf8_lossy(&out.stdout)))),
            Err(None) => Ok(None),
            Err(Some(e)) => Err(e),
        }
    }

    /// Presses `keys` in session `name`, in order, in one call.
    pub async fn send_keys(&self, name: &SessionId, keys: &[super::keys::Key]) -> Result<(), CommandError> {
        let target = format!("{}:", exact(name));
        let cmd = self.cmd().args(["send-keys", "-t", &target]).args(keys.iter().map(|k| k.tmux_name().to_owned()));
        cmd.run().await.map(drop)
    }

    /// The program and arguments of a client attached to session `name`, for a terminal view
    /// that runs it in a PTY. The environment is the caller's to set (`TMUX` must go).
    pub fn attach_argv(&self, name: &SessionId) -> (OsString, Vec<OsString>) {
        let mut args = tmux_socket_args(&self.socket).to_vec();
        args.extend(["attach-session", "-t", &exact(name)].map(OsString::from));
        (self.program.clone(), args)
    }

    /// The same attach as one line to paste into a shell. The socket path and the target are
    /// quoted: a path may hold spaces, and zsh would expand a word starting with `=` as a
    /// command's path.
    pub fn attach_command_line(&self, name: &SessionId) -> String {
        let socket = shell_quote(&self.socket.to_string_lossy());
        format!("tmux -S {socket} attach-session -t {}", shell_quote(&exact(name)))
    }

    /// Makes clients of this server draw in the terminal's normal screen instead of the alternate
    /// one, so a terminal view keeps what scrolls off in its own scrollback (xterm.js keeps none
    /// on the alternate screen). Only Grove's server is changed; the entry has a fixed index, so
    /// setting it again replaces it instead of piling up.
    pub async fn keep_scrollback(&self) -> Result<(), CommandError> {
        self.cmd().args(["set-option", "-s", "terminal-overrides[90]", "xterm*:smcup@:rmcup@"]).run().await.map(drop)
    }

    /// Redraws the whole screen of the client on `tty`, for a viewer that joined mid-stream.
    pub async fn refresh_client(&self, tty: &Path) -> Result<(), CommandError> {
        self.query().args(["refresh-client", "-t"]).args([tty]).run().await.map(drop)
    }

    /// `Ok(out)` for success; `Err(None)` when tmux said the session or server is absent;
    /// `Err(Some(error))` for any other failure.
    fn absent_or_error(&self, out: CommandOutput, what: &str) -> Result<CommandOutput, Option<CommandError>> {
        if out.status.success() {
            return Ok(out);
        }
        let stderr = out.stderr_excerpt();
        let absent = stderr.starts_with(NO_SESSION) || crate::probe::says_no_server(&stderr);
        if absent {
            return Err(None);
        }
        Err(Some(CommandError::Failed {
            command: format!("tmux -S {} {what}", self.socket.display()),
            status: out.status.to_string(),
            stderr,
        }))
    }
}

/// `word` in single quotes for a POSIX shell; a quote inside is closed, escaped and reopened.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// What `new-session -P` prints: the pid of the new session's pane.
const PANE_PID_FORMAT: &str = "#{pane_pid}";

/// `=name`: tmux's exact-match target for a session.
fn exact(name: &SessionId) -> String {
    format!("={name}")
}

/// The words to put after `--` so that tmux runs `argv` without a shell. tmux hands a single
/// word to `sh -c`, so a lone program (`aider`, a path with a space) is wrapped as
/// `env -- <program>`, which `env` executes directly. A lone word containing `=` would be taken
/// by `env` as a variable assignment, so it is refused rather than run wrongly.
pub fn direct_exec_words(argv: &[OsString]) -> Result<Vec<OsString>, CommandError> {
    match argv {
        [] => Err(CommandError::CannotStart { command: String::new(), reason: "the agent command is empty".into() }),
        [only] if only.as_encoded_bytes().contains(&b'=') => Err(CommandError::CannotStart {
            command: only.to_string_lossy().into_owned(),
            reason:
                "a command of one word containing '=' cannot be run without a shell; give it arguments or rename it"
                    .into(),
        }),
        [only] => Ok(vec![OsString::from("env"), OsString::from("--"), only.clone()]),
        many => Ok(many.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn attach_line_quotes_the_socket_path_and_the_target() {
        let tmux = Tmux::new("/home/a b/it's/x.sock");
        let line = tmux.attach_command_line(&SessionId::new("api-1").unwrap());
        assert_eq!(line, r"tmux -S '/home/a b/it'\''s/x.sock' attach-session -t '=api-1'");
    }

    #[test]
    fn one_word_is_wrapped_so_tmux_does_not_use_a_shell() {
        let cases: [(&[&str], Option<&[&str]>); 5] = [
            (&["aider"], Some(&["env", "--", "aider"])),
            (&["/opt/my agent/$(x)"], Some(&["env", "--", "/opt/my agent/$(x)"])),
            (&["sh", "-c", "echo ready; cat"], Some(&["sh", "-c", "echo ready; cat"])),
            (&["a=b"], None),
            (&[], None),
        ];
        for (argv, expected) in cases {
            let got = direct_exec_words(&words(argv)).ok();
            assert_eq!(got, expected.map(words), "argv {argv:?}");
        }
    }
}
