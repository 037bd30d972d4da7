//! Running the GitHub CLI. Every call is argv words (never a shell), bounded by a deadline, and
//! killed with its process group if it misses it. Failures are sorted into what the loop must
//! treat differently: `gh` missing or not logged in (say so, keep the cadence), rate limited
//! (back off), anything else (say so, keep going).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::command::{Cmd, CommandError, CommandOutput};

/// Deadline of one `gh` call. A batched query for 50 PRs answers in a few seconds; half a minute
/// covers a slow GitHub and still frees the loop from a hung call long before its next pass.
pub const GH_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of gh's error output a message quotes.
const MESSAGE_CHARS: usize = 300;

/// Why a `gh` call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GhError {
    /// The program could not be started (not installed, not executable).
    #[error("the GitHub CLI `{program}` could not be started ({reason}); install it from https://cli.github.com")]
    Missing {
        /// The program Grove tried to run.
        program: String,
        /// The OS error.
        reason: String,
    },
    /// gh runs but has no GitHub login.
    #[error("the GitHub CLI is not logged in to GitHub; run `gh auth login` ({detail})")]
    NotAuthenticated {
        /// What gh said.
        detail: String,
    },
    /// GitHub refused the call for exceeding a rate limit (primary or secondary).
    #[error("GitHub rate limit: {message}")]
    RateLimited {
        /// What gh said.
        message: String,
    },
    /// gh did not answer within its deadline and was killed.
    #[error("`gh` did not answer within {timeout:?}")]
    TimedOut {
        /// The deadline it missed.
        timeout: Duration,
    },
    /// gh ran and failed for another reason (network, repository not found, bad query).
    #[error("`gh` failed: {message}")]
    Failed {
        /// What gh said.
        message: String,
    },
    /// gh answered something that is not the expected JSON.
    #[error("`gh` gave an unexpected answer: {reason}")]
    BadResponse {
        /// What was wrong with it.
        reason: String,
    },
}

impl GhError {
    /// Whether every further call would fail the same way until the user acts (install gh, log
    /// in), so a pass stops at the first such failure instead of repeating it per repository.
    pub fn is_fatal(&self) -> bool {
        matches!(self, GhError::Missing { .. } | GhError::NotAuthenticated { .. })
    }
}

/// One GraphQL variable. Strings go as `-f` (raw): `-F` would turn a branch named `123` into a
/// number and read a file for one starting with `@`. Integers Grove itself formats go as `-F`.
#[derive(Debug, Clone, Copy)]
pub enum GqlVar<'a> {
    /// A string variable, passed verbatim.
    Str(&'a str),
    /// An integer variable.
    Int(i64),
}

/// How to run `gh`: which program, extra environment, deadline. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Gh {
    program: PathBuf,
    env: Vec<(OsString, OsString)>,
    timeout: Duration,
}

impl Default for Gh {
    fn default() -> Self {
        Self::new()
    }
}

impl Gh {
    /// `gh` from `PATH`, with [`GH_TIMEOUT`].
    pub fn new() -> Self {
        Self { program: PathBuf::from("gh"), env: Vec::new(), timeout: GH_TIMEOUT }
    }

    /// The same, running `program` instead (a full path, or a fake in tests).
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    /// The same, with one more environment variable for the child.
    pub fn with_env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// The same, with another deadline per call.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The program run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A `gh` command with `args`. Prompts and the update check are off: nobody could answer a
    /// prompt, and the update check is a network call of its own.
    pub(crate) fn command<I, S>(&self, args: I, timeout: Duration) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Cmd::new(&self.program, timeout)
            .args(args)
            .env("GH_PROMPT_DISABLED", "1")
            .env("GH_NO_UPDATE_NOTIFIER", "1")
            .env("NO_COLOR", "1");
        for (key, value) in &self.env {
            cmd = cmd.env(key, value);
        }
        cmd
    }

    /// Runs `gh args...` with this deadline and returns stdout, or the classified failure.
    pub(crate) async fn run_text(&self, args: &[&OsStr], timeout: Duration) -> Result<Vec<u8>, GhError> {
        let out = self.command(args, timeout).output().await.map_err(|e| self.start_error(e))?;
        if out.status.success() { Ok(out.stdout) } else { Err(classify_failure(&out)) }
    }

    /// `gh api graphql` with `query` and `vars`; returns the response's `data`. GraphQL errors
    /// in a successful exit are failures too (a rate limit is reported either way).
    pub async fn graphql(&self, query: &str, vars: &[(&str, GqlVar<'_>)]) -> Result<Value, GhError> {
        let mut args: Vec<OsString> =
            vec!["api".into(), "graphql".into(), "-f".into(), format!("query={query}").into()];
        for (name, value) in vars {
            let (flag, word) = match value {
                GqlVar::Str(s) => ("-f", format!("{name}={s}")),
                GqlVar::Int(n) => ("-F", format!("{name}={n}")),
            };
            args.extend([OsString::from(flag), OsString::from(word)]);
        }
        let args: Vec<&OsStr> = args.iter().map(OsString::as_os_str).collect();
        let stdout = self.run_text(&args, self.timeout).await?;
        let body: Value =
            serde_json::from_slice(&stdout).map_err(|e| GhError::BadResponse { reason: format!("not JSON ({e})") })?;
        if let Some(errors) = body.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
            return Err(graphql_errors(errors));
        }
        match body.get("data") {
            Some(data) if !data.is_null() => Ok(data.clone()),
            _ => Err(GhError::BadResponse { reason: "no `data` in the response".into() }),
        }
    }

    /// `gh auth status`: whether gh is installed and logged in, for a settings screen or a
    /// first-run check. The loop does not call it: it learns the same from its one query.
    pub async fn auth_status(&self) -> Result<(), GhError> {
        let args = [OsStr::new("auth"), OsStr::new("status")];
        let out = self.command(args, self.timeout).output().await.map_err(|e| self.start_error(e))?;
        if out.status.success() {
            return Ok(());
        }
        match classify_failure(&out) {
            GhError::Failed { message } => Err(GhError::NotAuthenticated { detail: message }),
            other => Err(other),
        }
    }

    fn start_error(&self, error: CommandError) -> GhError {
        match error {
            CommandError::CannotStart { reason, .. } => {
                GhError::Missing { program: self.program.display().to_string(), reason }
            }
            CommandError::TimedOut { timeout, .. } => GhError::TimedOut { timeout },
            CommandError::Failed { stderr, .. } => GhError::Failed { message: stderr },
        }
    }
}

/// Sorts a failed exit by what gh printed. `gh api` prints the response body on stdout and
/// `gh: <message>` on stderr, so both are read.
fn classify_failure(out: &CommandOutput) -> GhError {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let body = serde_json::from_str::<Value>(&stdout).ok();
    if let Some(errors) = body.as_ref().and_then(|b| b.get("errors")).and_then(Value::as_array)
        && !errors.is_empty()
        && let rate @ GhError::RateLimited { .. } = graphql_errors(errors)
    {
        return rate;
    }
    let message = short(stderr.trim().trim_start_matches("gh: "));
    let lower = stderr.to_lowercase();
    if is_rate_limit_text(&lower) {
        GhError::RateLimited { message }
    } else if lower.contains("gh auth login") || lower.contains("http 401") || lower.contains("bad credentials") {
        GhError::NotAuthenticated { detail: message }
    } else {
        let message = if message.is_empty() { format!("exit {}", out.status) } else { message };
        GhError::Failed { message }
    }
}

/// The error GraphQL `errors` stand for: rate limited if any says so, else the first message.
fn graphql_errors(errors: &[Value]) -> GhError {
    let message = |e: &Value| e.get("message").and_then(Value::as_str).unwrap_or("").to_owned();
    let rate = errors.iter().find(|e| {
        e.get("type").and_then(Value::as_str) == Some("RATE_LIMITED") || is_rate_limit_text(&message(e).to_lowercase())
    });
    match rate {
        Some(e) => GhError::RateLimited { message: short(&message(e)) },
        None => GhError::Failed { message: short(&errors.first().map(message).unwrap_or_default()) },
    }
}

/// Whether lower-cased text is GitHub refusing for a rate limit: the primary limit ("API rate
/// limit exceeded"), the secondary one ("exceeded a secondary rate limit"), or HTTP 429.
fn is_rate_limit_text(lower: &str) -> bool {
    lower.contains("rate limit") || lower.contains("http 429") || lower.contains("rate_limited")
}

/// `text` cut to [`MESSAGE_CHARS`] characters.
fn short(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(MESSAGE_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    fn failed(stdout: &str, stderr: &str) -> CommandOutput {
        CommandOutput { status: ExitStatus::from_raw(1 << 8), stdout: stdout.into(), stderr: stderr.into() }
    }

    #[test]
    fn rate_limits_are_recognised_in_every_form_gh_prints() {
        let cases = [
            (r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}"#, ""),
            ("", "gh: API rate limit exceeded for user ID 1. (HTTP 403)\n"),
            ("", "GraphQL: API rate limit exceeded for user ID 1.\n"),
            ("", "gh: You have exceeded a secondary rate limit. Please wait a few minutes. (HTTP 403)\n"),
            ("", "gh: Too Many Requests (HTTP 429)\n"),
        ];
        for (stdout, stderr) in cases {
            let error = classify_failure(&failed(stdout, stderr));
            assert!(matches!(error, GhError::RateLimited { .. }), "{stdout:?} {stderr:?} gave {error:?}");
        }
    }

    #[test]
    fn login_problems_and_other_failures_are_told_apart() {
        let login = "To get started with GitHub CLI, please run:  gh auth login\n";
        assert!(matches!(classify_failure(&failed("", login)), GhError::NotAuthenticated { .. }));
        let bad = classify_failure(&failed("", "gh: Bad credentials (HTTP 401)\n"));
        assert!(matches!(bad, GhError::NotAuthenticated { .. }), "{bad:?}");
        let body = r#"{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","message":"Could not resolve"}]}"#;
        let other = classify_failure(&failed(body, "gh: Could not resolve to a Repository\n"));
        assert_eq!(other, GhError::Failed { message: "Could not resolve to a Repository".into() });
    }
}
