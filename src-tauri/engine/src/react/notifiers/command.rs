//! The `command` notifier: runs the configured program with its arguments (argv words, never a
//! shell) and the notification as JSON on stdin. Like every outside command Grove runs, it has
//! its own process group and a deadline, and is killed with its group when it misses it, so a
//! hung script never holds up the notifications after it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::ops::kill_group;
use crate::react::{Notification, Notifier, NotifyError, NotifyFuture};

/// How long a notify program may run: enough for a script that calls `notify-send`, `osascript`
/// or `curl`, short enough that a hung one does not keep a burst waiting.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of the program's stderr an error quotes.
const STDERR_KEPT: usize = 4 * 1024;
/// How long a failed program's stderr is awaited after it exited, for the error message.
const STDERR_GRACE: Duration = Duration::from_millis(200);

/// Runs a program for every notification.
#[derive(Debug, Clone)]
pub struct CommandNotifier {
    name: String,
    program: PathBuf,
    args: Vec<String>,
    timeout: Duration,
}

impl CommandNotifier {
    /// The notifier `name`, running `program` with `args` under [`COMMAND_TIMEOUT`].
    pub fn new(name: impl Into<String>, program: impl Into<PathBuf>, args: Vec<String>) -> Self {
        Self { name: name.into(), program: program.into(), args, timeout: COMMAND_TIMEOUT }
    }

    /// This notifier with another deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn failed(&self, reason: impl Into<String>) -> NotifyError {
        NotifyError::Failed { notifier: self.name.clone(), reason: reason.into() }
    }

    async fn run(&self, notification: &Notification) -> Result<(), NotifyError> {
        let json = serde_json::to_vec(notification).map_err(|e| self.failed(format!("cannot encode: {e}")))?;
        let mut command = tokio::process::Command::new(&self.program);
        command
            .args(&self.args)
            // For scripts that want the gist without parsing JSON (`notify-send "$GROVE_TITLE"`).
            .env("GROVE_NOTIFICATION_TITLE", &notification.title)
            .env("GROVE_NOTIFICATION_BODY", &notification.body)
            .env("GROVE_NOTIFICATION_PRIORITY", notification.priority.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let mut child =
            command.spawn().map_err(|e| self.failed(format!("`{}` could not start: {e}", self.program.display())))?;
        let pgid = child.id();
        let (stdin, stderr) = (child.stdin.take(), child.stderr.take());
        let feed = async {
            if let Some(mut stdin) = stdin {
                // A program that exits without reading its stdin is its own business: a broken
                // pipe is not a failure, its exit status says whether it worked.
                match stdin.write_all(&json).await {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e),
                    _ => {}
                }
                // Dropping stdin closes it, so a program reading to the end sees the end.
            }
            Ok(())
        };
        // Stderr is read on the side and only waited for briefly after a failure: a program that
        // leaves a background child holding stderr open has still finished its job.
        let mut stderr = tokio::spawn(read_stderr(stderr));
        let work = async { tokio::try_join!(feed, child.wait()) };
        // `child` stays unreaped until this match ends, so its group id cannot have been reused
        // when the group is killed.
        let result = match tokio::time::timeout(self.timeout, work).await {
            Ok(Ok((_, status))) if status.success() => Ok(()),
            Ok(Ok((_, status))) => {
                let said = tokio::time::timeout(STDERR_GRACE, &mut stderr).await;
                let said = said.ok().and_then(Result::ok).unwrap_or_default();
                Err(self.failed(format!("exited with {status}: {}", said.trim())))
            }
            Ok(Err(e)) => Err(self.failed(format!("i/o with the program failed: {e}"))),
            Err(_) => {
                kill_group(pgid);
                Err(self.failed(format!("did not finish within {:?} and was killed", self.timeout)))
            }
        };
        stderr.abort();
        result
    }
}

impl Notifier for CommandNotifier {
    fn notify<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(self.run(notification))
    }
}

/// Reads stderr to its end (or a read error), keeping the start for the error message.
async fn read_stderr(pipe: Option<tokio::process::ChildStderr>) -> String {
    let Some(mut pipe) = pipe else { return String::new() };
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 4096];
    loop {
        let n = pipe.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return String::from_utf8_lossy(&kept).into_owned();
        }
        let room = STDERR_KEPT - kept.len();
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}
