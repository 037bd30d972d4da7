//! Logs of failed checks, for the `ci_failed` reaction (SPEC H3) to send to the agent: the end
//! of each failed GitHub Actions job's failed steps (`gh run view --log-failed`), at most
//! [`LOG_EXCERPT_BYTES`] per check, since the error is nearly always at the end and an agent's
//! message must stay short.

use std::ffi::OsStr;
use std::time::Duration;

use super::gh::{Gh, GhError};
use super::repo::RepoSlug;
use crate::session::FailedCheck;

/// The most log text kept per check.
pub const LOG_EXCERPT_BYTES: usize = 4 * 1024;

/// Deadline of one log download: logs are larger than query answers.
const LOG_TIMEOUT: Duration = Duration::from_secs(60);

/// A GitHub Actions run, and the job within it when the check names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionsRun {
    /// The workflow run id.
    pub run: u64,
    /// The job id, when known.
    pub job: Option<u64>,
}

impl ActionsRun {
    /// The run (and job) a check's page points to: `.../actions/runs/<run>(/job(s)/<job>)`.
    /// `None` for checks outside GitHub Actions, which have no log gh can fetch.
    pub fn from_url(url: &str) -> Option<ActionsRun> {
        let (_, rest) = url.split_once("/actions/runs/")?;
        let mut parts = rest.split(['/', '?', '#']);
        let run = parts.next()?.parse().ok()?;
        let job = match parts.next() {
            Some("job" | "jobs") => parts.next().and_then(|j| j.parse().ok()),
            _ => None,
        };
        Some(ActionsRun { run, job })
    }
}

/// The log excerpt of one failed check, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLog {
    /// The check's name.
    pub name: String,
    /// Its page.
    pub url: Option<String>,
    /// The end of its failed steps' log, or what kept Grove from reading it.
    pub excerpt: Result<String, String>,
}

/// The failed-step log of `run` in `repo` (the job's only, when it names one), cut to its last
/// [`LOG_EXCERPT_BYTES`]. One `gh` call.
pub async fn failed_run_log(gh: &Gh, repo: &RepoSlug, run: ActionsRun) -> Result<String, GhError> {
    let (repo, run_id) = (repo.to_string(), run.run.to_string());
    let job_id = run.job.map(|j| j.to_string());
    let target = match &job_id {
        Some(job) => vec!["--job", job.as_str()],
        None => vec![run_id.as_str()],
    };
    let words = ["run", "view"].into_iter().chain(target).chain(["--log-failed", "-R", repo.as_str()]);
    let args: Vec<&OsStr> = words.map(OsStr::new).collect();
    let log = gh.run_text(&args, LOG_TIMEOUT).await?;
    Ok(log_excerpt(&String::from_utf8_lossy(&log), LOG_EXCERPT_BYTES))
}

/// The logs of `checks` (as `pr_info.failed_checks` lists them): one `gh` call per distinct
/// Actions job or run, none for checks outside Actions.
pub async fn failed_check_logs(gh: &Gh, repo: &RepoSlug, checks: &[FailedCheck]) -> Vec<CheckLog> {
    let mut fetched: Vec<(ActionsRun, Result<String, String>)> = Vec::new();
    let mut logs = Vec::with_capacity(checks.len());
    for check in checks {
        let excerpt = match check.url.as_deref().and_then(ActionsRun::from_url) {
            None => Err("not a GitHub Actions check; its log is on its own page".to_owned()),
            Some(run) => match fetched.iter().find(|(r, _)| *r == run) {
                Some((_, excerpt)) => excerpt.clone(),
                None => {
                    let excerpt = failed_run_log(gh, repo, run).await.map_err(|e| e.to_string());
                    fetched.push((run, excerpt.clone()));
                    excerpt
                }
            },
        };
        logs.push(CheckLog { name: check.name.clone(), url: check.url.clone(), excerpt });
    }
    logs
}

/// The last `max_bytes` of `log`, from a line start, with terminal colour codes and GitHub's
/// per-line timestamps removed (they take a third of the bytes and tell an agent nothing).
/// `…` marks a cut.
pub fn log_excerpt(log: &str, max_bytes: usize) -> String {
    let lines: Vec<String> = log.lines().map(|line| drop_timestamp(&strip_ansi(line))).collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut size = 0;
    for line in lines.iter().rev() {
        if size + line.len() + 1 > max_bytes {
            if kept.is_empty() {
                // One line longer than the whole budget: keep its end.
                let mut start = line.len().saturating_sub(max_bytes.saturating_sub(4));
                while !line.is_char_boundary(start) {
                    start += 1;
                }
                return format!("…{}", &line[start..]);
            }
            kept.reverse();
            return format!("…\n{}", kept.join("\n"));
        }
        size += line.len() + 1;
        kept.push(line);
    }
    kept.reverse();
    kept.join("\n")
}

/// `job<TAB>step<TAB>2025-01-02T03:04:05.1234567Z text` becomes `job<TAB>step<TAB>text`.
fn drop_timestamp(line: &str) -> String {
    let mut fields = line.splitn(3, '\t');
    let (Some(job), Some(step), Some(rest)) = (fields.next(), fields.next(), fields.next()) else {
        return line.to_owned();
    };
    let stamp = rest.split_once(' ').map_or(rest, |(stamp, _)| stamp);
    let looks_like_time = stamp.len() >= 20 && stamp.ends_with('Z') && stamp.as_bytes().get(10) == Some(&b'T');
    if looks_like_time {
        format!("{job}\t{step}\t{}", &rest[stamp.len()..].trim_start_matches(' '))
    } else {
        line.to_owned()
    }
}

/// `line` without ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.clone().next() == Some('[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_and_job_ids_come_from_actions_urls_only() {
        let job = ActionsRun::from_url("https://github.com/acme/app/actions/runs/9001/job/7001");
        assert_eq!(job, Some(ActionsRun { run: 9001, job: Some(7001) }));
        let old = ActionsRun::from_url("https://github.com/acme/app/actions/runs/9001/jobs/7001?pr=3");
        assert_eq!(old, Some(ActionsRun { run: 9001, job: Some(7001) }));
        let run = ActionsRun::from_url("https://github.com/acme/app/actions/runs/9001");
        assert_eq!(run, Some(ActionsRun { run: 9001, job: None }));
        assert_eq!(ActionsRun::from_url("https://circleci.com/gh/acme/app/12"), None);
    }

    #[test]
    fn the_excerpt_keeps_the_end_without_colours_or_timestamps() {
        let log = "test\tRun tests\t2025-01-02T03:04:05.1234567Z \u{1b}[31merror\u{1b}[0m: boom\n";
        assert_eq!(log_excerpt(log, 4096), "test\tRun tests\terror: boom");
        let long: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let excerpt = log_excerpt(&long, 100);
        assert!(excerpt.len() <= 100 + "…\n".len(), "{} bytes", excerpt.len());
        assert!(excerpt.starts_with("…\n") && excerpt.ends_with("line 999"), "{excerpt}");
        let one = log_excerpt(&"é".repeat(100), 20);
        assert!(one.starts_with('…') && one.len() <= 20, "{one}");
    }
}
