//! Running git for the demo: argv only, never an interactive prompt, and never the user's commit
//! signing (a passphrase dialog would hang a demo that is meant to run unattended).

use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// The identity of commits the demo agent makes, so they are attributable to it on the dashboard
/// and work on a machine with no git identity configured.
pub(crate) const AGENT_NAME: &str = "Grove demo agent";
/// Email of [`AGENT_NAME`]; `.invalid` is reserved (RFC 2606) so it can never reach anyone.
pub(crate) const AGENT_EMAIL: &str = "demo-agent@grove.invalid";

/// Why a git command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git could not be started (not installed, or not on `PATH`).
    #[error("could not run git {args}: {source}")]
    Spawn {
        /// The arguments, joined for display.
        args: String,
        /// The error from the OS.
        #[source]
        source: io::Error,
    },
    /// git ran and failed.
    #[error("git {args} failed ({status}): {stderr}")]
    Failed {
        /// The arguments, joined for display.
        args: String,
        /// Its exit status.
        status: ExitStatus,
        /// What it printed on stderr, trimmed.
        stderr: String,
    },
}

/// A git command in `cwd` with prompts and signing disabled and stdin closed.
pub(crate) fn git(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(cwd)
        // Never wait for a username/password typed at a terminal nobody watches.
        .env("GIT_TERMINAL_PROMPT", "0")
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` (built by [`git`]) and returns its stdout, lossily decoded.
pub(crate) fn run(mut cmd: Command) -> Result<String, GitError> {
    let args = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ");
    let out = cmd.output().map_err(|source| GitError::Spawn { args: args.clone(), source })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(GitError::Failed { args, status: out.status, stderr });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `repo` has a commit at HEAD (false for a fresh `git init` or a non-repository).
pub(crate) fn has_head(repo: &Path) -> bool {
    run(git(repo, &["rev-parse", "--verify", "--quiet", "HEAD"])).is_ok()
}
