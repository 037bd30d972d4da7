//! Running the outside programs operations drive: git, tmux, and the project's `post_create`
//! commands. Arguments are always argv words, never a shell string (only `post_create`, which
//! the user wrote as shell commands, goes through `sh -c`). Each child runs in its own process
//! group under a deadline; one that misses it is killed with its whole group (SPEC D2's rule,
//! applied to writes too), so a hung `git` or hook never hangs an operation. A command whose
//! future is dropped while it runs (an interrupted operation, SPEC F7) takes its whole group with
//! it too: SIGTERM, then SIGKILL (`group`).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The most output kept from one command; the rest is read and dropped so a chatty command
/// (`npm ci` in `post_create`) cannot block on a full pipe or grow memory.
const MAX_KEPT_OUTPUT: usize = 1024 * 1024;

/// How much of a command line or of stderr an error quotes: enough to recognise it, short
/// enough for one line (a 10,000-character prompt is part of tmux's argv).
const EXCERPT_CHARS: usize = 300;

/// What a finished command printed and how it exited.
#[derive(Debug)]
pub struct CommandOutput {
    /// Its exit status.
    pub status: ExitStatus,
    /// Its stdout (at most 1 MiB).
    pub stdout: Vec<u8>,
    /// Its stderr (at most 1 MiB).
    pub stderr: Vec<u8>,
}

impl CommandOutput {
    /// Stdout as text, lossily, without the trailing newline.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).trim_end().to_owned()
    }

    /// The start of stderr, trimmed, for messages.
    pub fn stderr_excerpt(&self) -> String {
        excerpt(String::from_utf8_lossy(&self.stderr).trim())
    }
}

/// An outside command that did not do its job. `command` is the command line (shortened).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// It could not be started (not installed, no permission, no file descriptors).
    #[error("`{command}` could not start: {reason}")]
    CannotStart {
        /// The command line.
        command: String,
        /// The OS error.
        reason: String,
    },
    /// It ran past its deadline and was killed with its process group.
    #[error("`{command}` did not finish within {timeout:?} and was killed")]
    TimedOut {
        /// The command line.
        command: String,
        /// The deadline it missed.
        timeout: Duration,
    },
    /// It exited unsuccessfully.
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// The start of its stderr.
        stderr: String,
    },
}

/// One command to run: program, argv, working directory, environment changes and deadline.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    env_remove: Vec<OsString>,
    /// Bytes written to the child's stdin (then closed); `None`: stdin is empty.
    input: Option<std::sync::Arc<[u8]>>,
    timeout: Duration,
}

impl Cmd {
    /// `program` with no arguments, bounded by `timeout`.
    pub fn new(program: impl AsRef<OsStr>, timeout: Duration) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            env_remove: Vec::new(),
            input: None,
            timeout,
        }
    }

    /// Adds argv words.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs in `dir`.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_owned());
        self
    }

    /// Sets one environment variable for the child.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Removes one environment variable from the child's environment.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.env_remove.push(key.as_ref().to_owned());
        self
    }

    /// Feeds `bytes` to the child's stdin, so one process can answer a whole list (`git cat-file
    /// --batch-check`) instead of one process per item.
    pub fn input(mut self, bytes: impl Into<std::sync::Arc<[u8]>>) -> Self {
        self.input = Some(bytes.into());
        self
    }

    /// The command line for messages: program and words, shortened.
    pub fn display(&self) -> String {
        let words = std::iter::once(&self.program).chain(&self.args).map(|w| w.to_string_lossy());
        excerpt(&words.collect::<Vec<_>>().join(" "))
    }

    /// Starts the command in a process group of its own, stdout and stderr piped.
    fn start(&self) -> Result<Running, CommandError> {
        let mut command = tokio::process::Command::new(&self.program);
        // No `kill_on_drop`: [`Running`] ends the whole group on drop, leader included, SIGTERM
        // first; `kill_on_drop` would SIGKILL the leader at once, and a git killed that way leaves
        // its lock files behind for the rollback to trip over.
        let stdin = if self.input.is_some() { Stdio::piped() } else { Stdio::null() };
        command.args(&self.args).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        for key in &self.env_remove {
            command.env_remove(key);
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command
            .spawn()
            .map_err(|e| CommandError::CannotStart { command: self.display(), reason: e.to_string() })?;
        if let (Some(bytes), Some(mut pipe)) = (self.input.clone(), child.stdin.take()) {
            // Written on a task of its own while the caller reads stdout: a child that answers
            // as it reads would otherwise fill its stdout pipe and never read the rest. A child
            // that exits early closes the pipe; the write error is then of no interest.
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let _ = pipe.write_all(&bytes).await;
                let _ = pipe.shutdown().await;
            });
        }
        Ok(Running { pgid: child.id(), child })
    }

    /// Runs the command to completion; a non-zero exit is returned as output, since some callers
    /// read meaning into it (`git show-ref` exiting 1, tmux saying "can't find session").
    pub async fn output(&self) -> Result<CommandOutput, CommandError> {
        let mut running = self.start()?;
        let pgid = running.pgid;
        let (stdout, stderr) = (running.child.stdout.take(), running.child.stderr.take());
        let work = async { tokio::try_join!(read_capped(stdout), read_capped(stderr), running.child.wait()) };
        // `running` (and with it the unreaped leader) lives until the end of this match, so on a
        // timeout the group id cannot have been reused by anyone else.
        match tokio::time::timeout(self.timeout, work).await {
            Ok(Ok((stdout, stderr, status))) => {
                // Reaped: the group id may be anyone's now, so the drop must not signal it.
                running.pgid = None;
                Ok(CommandOutput { status, stdout, stderr })
            }
            // A pipe failed and the wait was cancelled with it: the drop ends the group.
            Ok(Err(e)) => {
                Err(CommandError::Failed { command: self.display(), status: "unknown".into(), stderr: e.to_string() })
            }
            Err(_) => {
                kill_group(pgid);
                running.pgid = None;
                Err(CommandError::TimedOut { command: self.display(), timeout: self.timeout })
            }
        }
    }

    /// Runs the command handing its stdout to `each` chunk by chunk as it arrives, instead of
    /// keeping it: a reader of a 10 MB diff holds only what it needs. `each` returns `false` to stop
    /// early, which ends the command's process group (its remaining output is never read). The
    /// returned output has an empty stdout; a non-zero exit is an error (unless stopped early).
    pub async fn stream(&self, mut each: impl FnMut(&[u8]) -> bool) -> Result<CommandOutput, CommandError> {
        let mut running = self.start()?;
        let pgid = running.pgid;
        let (stdout, stderr) = (running.child.stdout.take(), running.child.stderr.take());
        let feed = async {
            let Some(mut pipe) = stdout else { return Ok::<_, std::io::Error>(true) };
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = pipe.read(&mut buf).await?;
                if n == 0 {
                    return Ok(true);
                }
                if !each(&buf[..n]) {
                    return Ok(false);
                }
            }
        };
        // Stderr on a task of its own: a reader that stops early must not wait for a stderr that
        // only ends when the command does.
        let stderr_task = tokio::spawn(read_capped(stderr));
        let work = async {
            if !feed.await? {
                stderr_task.abort();
                return Ok::<_, std::io::Error>((Vec::new(), None));
            }
            let stderr = stderr_task.await.map_err(std::io::Error::other)??;
            let status = running.child.wait().await?;
            Ok((stderr, Some(status)))
        };
        let result = tokio::time::timeout(self.timeout, work).await;
        match result {
            Ok(Ok((stderr, Some(status)))) => {
                running.pgid = None;
                let out = CommandOutput { status, stdout: Vec::new(), stderr };
                if out.status.success() {
                    Ok(out)
                } else {
                    Err(CommandError::Failed {
                        command: self.display(),
                        status: out.status.to_string(),
                        stderr: out.stderr_excerpt(),
                    })
                }
            }
            // Stopped early on purpose: `running` ends the group when it drops here.
            Ok(Ok((stderr, None))) => Ok(CommandOutput { status: stopped_status(), stdout: Vec::new(), stderr }),
            Ok(Err(e)) => {
                Err(CommandError::Failed { command: self.display(), status: "unknown".into(), stderr: e.to_string() })
            }
            Err(_) => {
                kill_group(pgid);
                running.pgid = None;
                Err(CommandError::TimedOut { command: self.display(), timeout: self.timeout })
            }
        }
    }

    /// Runs the command and requires exit status 0.
    pub async fn run(&self) -> Result<CommandOutput, CommandError> {
        let out = self.output().await?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(CommandError::Failed {
                command: self.display(),
                status: out.status.to_string(),
                stderr: out.stderr_excerpt(),
            })
        }
    }
}

/// A started command and the group it leads. Dropped before the command finished (its operation
/// was interrupted or abandoned), it ends the whole group: SIGTERM, then SIGKILL after
/// [`super::group::DROP_GRACE`], so a `post_create` script's children die with it.
struct Running {
    child: tokio::process::Child,
    /// The group to end on drop; `None` once the command finished or was killed.
    pgid: Option<u32>,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Runs before `child` is dropped (and handed to tokio's reaper), so the leader is not
        // reaped yet and the group id is still this command's.
        if let Some(pgid) = self.pgid.take() {
            super::group::end_dropped_group(pgid);
        }
    }
}

/// The status reported for a command its reader stopped early (its real status is never waited
/// for): success, since the reader got all it wanted.
fn stopped_status() -> ExitStatus {
    #[cfg(unix)]
    {
        std::os::unix::process::ExitStatusExt::from_raw(0)
    }
    #[cfg(not(unix))]
    {
        std::os::windows::process::ExitStatusExt::from_raw(0)
    }
}

/// SIGKILLs the process group led by `pgid` (children started in their own group).
pub(crate) fn kill_group(pgid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pgid) = pgid.and_then(|p| libc::pid_t::try_from(p).ok()).filter(|p| *p > 1) {
        // SAFETY: kill(2) on a negative pid signals that group; pgid > 1 rules out kill(-1) (every
        // process) and kill(0) (our own group).
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Reads a pipe to its end, keeping at most [`MAX_KEPT_OUTPUT`] bytes.
async fn read_capped<R: AsyncRead + Unpin>(pipe: Option<R>) -> std::io::Result<Vec<u8>> {
    let Some(mut pipe) = pipe else { return Ok(Vec::new()) };
    let mut kept = Vec::new();
    // On the heap: a 16 KiB array would sit in every future that awaits a command.
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = pipe.read(&mut buf).await?;
        if n == 0 {
            return Ok(kept);
        }
        let room = MAX_KEPT_OUTPUT - kept.len();
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

/// `text` cut to [`EXCERPT_CHARS`] characters, marked when cut.
fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// More input than a pipe holds, echoed back while it is written: the write runs beside the
    /// read, so neither side waits for the other forever.
    #[tokio::test]
    async fn input_reaches_stdin_however_large_while_stdout_is_read() {
        let input: Vec<u8> = (0..1_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut echoed = Vec::new();
        Cmd::new("cat", Duration::from_secs(10))
            .input(input.clone())
            .stream(|chunk| {
                echoed.extend_from_slice(chunk);
                true
            })
            .await
            .expect("cat runs");
        assert!(echoed == input, "cat echoed {} of the {} bytes given on stdin", echoed.len(), input.len());
    }

    #[tokio::test]
    async fn argv_words_reach_the_program_unchanged() {
        let hostile = "it's \"$(echo no)\" `x` \\";
        let out = Cmd::new("printf", Duration::from_secs(10)).args(["%s", hostile]).run().await.expect("printf runs");
        assert_eq!(out.stdout, hostile.as_bytes(), "an argv word must not be interpreted by any shell");
    }

    /// Whether `pid` has ended: no such process, or a zombie waiting to be reaped.
    #[cfg(target_os = "linux")]
    fn ended(pid: i32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            // The state follows the parenthesised command name: `<pid> (<comm>) <state> ...`.
            Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_hung_command_is_killed_with_its_group_at_the_deadline() {
        let tmp = tempfile::tempdir().unwrap();
        let pid_file = tmp.path().join("grandchild.pid");
        // A grandchild in the same group, which outlives its parent unless the group is killed.
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let cmd = Cmd::new("sh", Duration::from_secs(1)).args(["-c", &script]);
        let err = cmd.output().await.expect_err("a command past its deadline must fail");
        assert!(matches!(err, CommandError::TimedOut { .. }), "expected TimedOut, got {err:?}");
        let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !ended(pid) {
            assert!(tokio::time::Instant::now() < deadline, "grandchild {pid} outlived the group kill");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every pid `pid_file` lists once it lists `count`, waiting at most 10 s.
    #[cfg(target_os = "linux")]
    async fn recorded_pids(pid_file: &Path, count: usize) -> Vec<i32> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(pid_file).unwrap_or_default();
            let pids: Vec<i32> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
            if pids.len() == count {
                return pids;
            }
            assert!(tokio::time::Instant::now() < deadline, "the script recorded only {pids:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SPEC F7: an interrupted operation drops its command's future; the script's children, one
    /// of them deaf to SIGTERM, must end with it, not only the `sh` that leads them.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_dropped_command_takes_its_whole_group_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let pid_file = tmp.path().join("group.pids");
        let script = format!(
            "echo $$ >> '{f}'; sleep 300 & echo $! >> '{f}'; \
             (trap '' TERM; while :; do sleep 1; done) & echo $! >> '{f}'; wait",
            f = pid_file.display()
        );
        let cmd = Cmd::new("sh", Duration::from_secs(600)).args(["-c", &script]);
        let pids = tokio::select! {
            out = cmd.output() => panic!("the script runs until it is killed, yet it ended: {out:?}"),
            pids = recorded_pids(&pid_file, 3) => pids,
        };
        // `select!` has dropped the command's future by now.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        for pid in pids {
            while !ended(pid) {
                assert!(tokio::time::Instant::now() < deadline, "{pid} of the dropped command's group still runs");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// A reader that stops early (the review's snippet of a huge file) gets its answer at once and
    /// leaves no command behind, even one that would print forever.
    #[tokio::test]
    async fn a_stream_stopped_early_ends_the_command() {
        let mut seen = 0usize;
        let cmd = Cmd::new("yes", Duration::from_secs(30));
        let out = cmd
            .stream(|chunk| {
                seen += chunk.len();
                seen < 1024 * 1024
            })
            .await
            .expect("stopping early is not a failure");
        assert!(out.status.success() && seen >= 1024 * 1024, "{seen} bytes");
        let err = Cmd::new("sh", Duration::from_secs(10)).args(["-c", "echo partial; exit 3"]).stream(|_| true).await;
        assert!(matches!(err, Err(CommandError::Failed { .. })), "a failed command is an error: {err:?}");
    }

    #[tokio::test]
    async fn failure_quotes_stderr_and_a_missing_program_cannot_start() {
        let err = Cmd::new("sh", Duration::from_secs(10)).args(["-c", "echo broken >&2; exit 4"]).run().await;
        let text = err.expect_err("exit 4 is a failure").to_string();
        assert!(text.contains("broken") && text.contains('4'), "{text}");
        let err = Cmd::new("/nonexistent/grove-nothing", Duration::from_secs(10)).output().await.unwrap_err();
        assert!(matches!(err, CommandError::CannotStart { .. }), "{err:?}");
    }
}
