//! Running a probe's child process (tmux, ps, git) so that it can never outlive the probe and never
//! exhaust the process's file descriptors (SPEC D2, D11).
//!
//! Three guarantees:
//! - The child runs in its own process group, and dropping the probe future before the child has
//!   finished (a deadline cancelling it) kills the whole group with SIGKILL, so a wrapper script's
//!   grandchildren (`sh -c '... | ...'`, a hung `sleep`) die with it instead of being orphaned.
//! - At most [`MAX_CONCURRENT_PROBES`] probe processes run at once, across the whole engine.
//! - Output is capped ([`MAX_OUTPUT_BYTES`]): a probe printing garbage forever cannot grow memory.

use std::ffi::OsStr;
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

use super::ProbeError;

/// How many probe processes may run at once. AO started one probe per session at once; at 1,000
/// sessions under the usual 1,024-file limit two thirds failed to start (SPEC D11). Each running
/// probe holds two or three descriptors in Grove (its stdout and stderr pipes, and a pidfd on
/// Linux), so 16 stays far below any limit while still letting the handful of probes a pass needs
/// run in parallel: runtime liveness is one call for all sessions, so the slots are mostly used by
/// per-session agent probes. Waiting for a slot counts against the caller's deadline.
pub const MAX_CONCURRENT_PROBES: usize = 16;

/// The most stdout a probe may print: 4 MiB. `list-panes -a` for 10,000 panes is about 300 KB,
/// so anything larger is not an answer Grove can use; it is reported as unreadable.
pub const MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;

/// The most stderr kept: enough for any error message, small enough to put in a log line.
const MAX_STDERR_BYTES: usize = 64 * 1024;

/// How much of stderr a `Failed` error quotes.
const STDERR_EXCERPT_CHARS: usize = 300;

/// The engine-wide limit on probe processes (see [`MAX_CONCURRENT_PROBES`]).
static PROBE_SLOTS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_PROBES);

/// What a probe process printed, and how it ended.
#[derive(Debug)]
pub struct ProbeOutput {
    /// How the process exited.
    pub status: ExitStatus,
    /// Everything it printed on stdout (at most [`MAX_OUTPUT_BYTES`]).
    pub stdout: Vec<u8>,
    /// What it printed on stderr, cut at 64 KiB.
    pub stderr: Vec<u8>,
}

impl ProbeOutput {
    /// The stdout of a successful run; a non-zero exit becomes [`ProbeError::Failed`] quoting
    /// the start of stderr.
    pub fn into_success(self, probe: &'static str) -> Result<Vec<u8>, ProbeError> {
        if self.status.success() {
            Ok(self.stdout)
        } else {
            Err(ProbeError::Failed { probe, reason: format!("{}: {}", self.status, self.stderr_excerpt()) })
        }
    }

    /// The start of stderr as text, trimmed, for error messages.
    pub fn stderr_excerpt(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim().chars().take(STDERR_EXCERPT_CHARS).collect()
    }
}

/// Runs `program args...` as a probe, with `env` added to Grove's environment, and collects its
/// output. `probe` names it in errors.
///
/// Waits for a free probe slot first. Cancel-safe: dropping the future kills the process group.
/// Every spawn error (ENOENT, EMFILE, EAGAIN, EACCES, ...) is [`ProbeError::CannotStart`]; stdout
/// over [`MAX_OUTPUT_BYTES`] is [`ProbeError::Unreadable`]. A non-zero exit is returned as output,
/// because some callers read meaning into it (tmux saying "no server running").
pub async fn run_probe<I, S>(
    probe: &'static str,
    program: &OsStr,
    args: I,
    env: &[(&str, &str)],
) -> Result<ProbeOutput, ProbeError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    // The semaphore is never closed, so acquiring can only fail if that invariant broke.
    let _slot = PROBE_SLOTS
        .acquire()
        .await
        .map_err(|_| ProbeError::CannotStart { probe, reason: "probe slots closed".into() })?;
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let child = command
        .spawn()
        .map_err(|err| ProbeError::CannotStart { probe, reason: format!("{}: {err}", program.to_string_lossy()) })?;
    let mut group = GroupChild::new(child);
    let stdout = group.child.stdout.take();
    let stderr = group.child.stderr.take();
    let (stdout, stderr, status) = tokio::try_join!(
        read_capped(stdout, MAX_OUTPUT_BYTES, probe, true),
        read_capped(stderr, MAX_STDERR_BYTES, probe, false),
        async { group.child.wait().await.map_err(|err| ProbeError::Failed { probe, reason: format!("wait: {err}") }) },
    )?;
    group.finished = true;
    Ok(ProbeOutput { status, stdout, stderr })
}

/// Reads a pipe to its end, keeping at most `cap` bytes. With `strict`, more than `cap` bytes is
/// an error (the answer is unusable); without it the rest is read and dropped, so a chatty stderr
/// cannot block the child on a full pipe.
async fn read_capped<R: AsyncRead + Unpin>(
    pipe: Option<R>,
    cap: usize,
    probe: &'static str,
    strict: bool,
) -> Result<Vec<u8>, ProbeError> {
    let Some(mut pipe) = pipe else { return Ok(Vec::new()) };
    let mut kept = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n =
            pipe.read(&mut buf).await.map_err(|err| ProbeError::Failed { probe, reason: format!("read: {err}") })?;
        if n == 0 {
            return Ok(kept);
        }
        let room = cap - kept.len();
        if n > room && strict {
            return Err(ProbeError::Unreadable { probe, reason: format!("printed more than {cap} bytes") });
        }
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

/// A child in its own process group, killed as a group unless it ran to completion.
struct GroupChild {
    child: Child,
    /// The group id: the child's pid, since it was spawned with `process_group(0)`.
    pgid: Option<u32>,
    /// Set once the child was reaped and its pipes closed: from then on the group id may name
    /// someone else's group, so it must not be signalled.
    finished: bool,
}

impl GroupChild {
    fn new(child: Child) -> Self {
        let pgid = child.id();
        Self { child, pgid, finished: false }
    }
}

impl Drop for GroupChild {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // The leader has not been reaped yet (this runs before `child` is dropped), so its pid is
        // still reserved and the group id cannot have been reused. If the leader was reaped while
        // a grandchild still holds a pipe open, that grandchild keeps the group id reserved.
        #[cfg(unix)]
        if let Some(pgid) = self.pgid.and_then(|p| libc::pid_t::try_from(p).ok()).filter(|p| *p > 1) {
            // SAFETY: kill(2) with a negative pid signals that process group; pgid > 1, so this
            // never becomes kill(-1) (every process) or kill(0) (our own group).
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        // `kill_on_drop` then kills the leader again (harmless) and tokio reaps it in the background.
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> [&OsStr; 2] {
        [OsStr::new("-c"), OsStr::new(script)]
    }

    #[tokio::test]
    async fn success_returns_stdout_and_stderr() {
        let out = run_probe("test", OsStr::new("sh"), sh("printf out; printf err >&2"), &[]).await.expect("sh runs");
        assert!(out.status.success(), "sh must exit 0");
        assert_eq!((out.stdout.as_slice(), out.stderr.as_slice()), (&b"out"[..], &b"err"[..]));
    }

    #[tokio::test]
    async fn non_zero_exit_is_failed_with_stderr_excerpt() {
        let out = run_probe("test", OsStr::new("sh"), sh("echo 'bad thing' >&2; exit 3"), &[]).await.expect("sh runs");
        match out.into_success("test") {
            Err(ProbeError::Failed { reason, .. }) => {
                assert!(reason.contains("bad thing"), "excerpt missing: {reason}")
            }
            other => panic!("exit 3 must be Failed, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn missing_program_cannot_start() {
        let err = run_probe("test", OsStr::new("/nonexistent/grove-no-such-binary"), [""; 0], &[]).await.unwrap_err();
        assert!(matches!(err, ProbeError::CannotStart { .. }), "ENOENT must be CannotStart, got {err:?}");
    }

    #[tokio::test]
    async fn endless_output_is_unreadable_not_memory() {
        let err = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            run_probe("test", OsStr::new("sh"), sh("yes garbage"), &[]),
        )
        .await
        .expect("the cap must end the read, not the deadline")
        .unwrap_err();
        assert!(matches!(err, ProbeError::Unreadable { .. }), "endless output must be Unreadable, got {err:?}");
    }

    #[tokio::test]
    async fn chatty_stderr_is_drained_not_fatal() {
        // 200 KB of stderr exceeds the kept 64 KiB; the child must still finish.
        let out =
            run_probe("test", OsStr::new("sh"), sh("head -c 200000 /dev/zero >&2; echo done"), &[]).await.unwrap();
        assert_eq!(out.stdout, b"done\n", "stdout must survive a chatty stderr");
        assert_eq!(out.stderr.len(), MAX_STDERR_BYTES, "stderr must be cut at the cap");
    }

    #[tokio::test]
    async fn env_is_passed_to_the_child() {
        let out =
            run_probe("test", OsStr::new("sh"), sh("printf %s \"$GROVE_PROBE_TEST\""), &[("GROVE_PROBE_TEST", "x1")]);
        assert_eq!(out.await.unwrap().stdout, b"x1", "the child must see the added variable");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_limit_run_at_once() {
        // Each child marks itself running with a file, records how many are running, then waits
        // for the release file and unmarks itself before exiting (so before its slot is freed).
        let tmp = tempfile::tempdir().unwrap();
        let (running, counts, release) = (tmp.path().join("running"), tmp.path().join("counts"), tmp.path().join("go"));
        std::fs::create_dir(&running).unwrap();
        let script = format!(
            "touch '{r}/'$$; ls '{r}' | wc -l >> '{c}'; while [ ! -e '{g}' ]; do sleep 0.01; done; rm '{r}/'$$",
            r = running.display(),
            c = counts.display(),
            g = release.display()
        );
        let total = MAX_CONCURRENT_PROBES * 2 + 3;
        let tasks: Vec<_> = (0..total)
            .map(|_| {
                let script = script.clone();
                tokio::spawn(async move { run_probe("test", OsStr::new("sh"), sh(&script), &[]).await })
            })
            .collect();
        let in_flight = || std::fs::read_dir(&running).map(|d| d.count()).unwrap_or(0);
        let deadline = std::time::Duration::from_secs(30);
        tokio::time::timeout(deadline, async {
            while in_flight() < MAX_CONCURRENT_PROBES {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the limit's worth of probes must get to run at once");
        std::fs::write(&release, "").unwrap();
        for task in tasks {
            let out = tokio::time::timeout(deadline, task).await.expect("probes finish once released");
            assert!(out.unwrap().unwrap().status.success(), "every probe must run to the end");
        }
        let counts = std::fs::read_to_string(&counts).unwrap();
        let seen: Vec<usize> = counts.split_whitespace().map(|n| n.parse().unwrap()).collect();
        assert_eq!(seen.len(), total, "every probe must have run: {seen:?}");
        let most = seen.iter().copied().max().unwrap_or(0);
        assert!(most <= MAX_CONCURRENT_PROBES, "{most} probes ran at once; the limit is {MAX_CONCURRENT_PROBES}");
    }
}
