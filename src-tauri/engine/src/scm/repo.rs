//! Which GitHub repository a project's PRs live in: the config's `repo = "owner/name"` if set,
//! else the `origin` remote of the project's repository, in any of the forms git accepts for
//! GitHub (https, ssh, scp-like). The answer is cached per project by the pass, so `git` runs
//! once per project, not once per pass.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command::Cmd;
use crate::config::Config;
use crate::ids::ProjectId;

/// Deadline of `git remote get-url`: it reads a local file, so anything slower is a hung git.
const GIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A GitHub repository, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoSlug {
    /// The owner (user or organisation).
    pub owner: String,
    /// The repository name, without `.git`.
    pub name: String,
}

impl fmt::Display for RepoSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl RepoSlug {
    /// Parses `owner/name` (trailing `.git`s are dropped: GitHub allows no name ending in it).
    /// Both parts must be names GitHub allows (letters, digits, `-`, `_`, `.`), so nothing else
    /// ever reaches a query.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches('/');
        let (owner, name) = text.split_once('/')?;
        let name = name.trim_end_matches(".git");
        let valid = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        (valid(owner) && valid(name)).then(|| Self { owner: owner.to_owned(), name: name.to_owned() })
    }

    /// The repository a remote URL points to, if it is on github.com:
    /// `https://github.com/o/n(.git)`, `https://user@github.com/o/n`, `git@github.com:o/n.git`,
    /// `ssh://git@github.com(:22)/o/n.git`, `git://github.com/o/n.git`.
    pub fn from_remote_url(url: &str) -> Option<Self> {
        let url = url.trim();
        let rest = if let Some((scheme, rest)) = url.split_once("://") {
            if !matches!(scheme, "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git") {
                return None;
            }
            // user@host:port/path -> host and path
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let host = host.split_once(':').map_or(host, |(h, _)| h);
            is_github(host).then_some(path)?
        } else {
            // scp-like: [user@]host:path
            let (authority, path) = url.split_once(':')?;
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            is_github(host).then_some(path)?
        };
        Self::parse(rest.trim_start_matches('/'))
    }
}

fn is_github(host: &str) -> bool {
    host.eq_ignore_ascii_case("github.com") || host.eq_ignore_ascii_case("www.github.com")
}

/// What the PR loop needs to know of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScmProject {
    /// The project id.
    pub id: ProjectId,
    /// Its repository on disk, whose `origin` names the GitHub repository.
    pub path: PathBuf,
    /// `owner/name` from config; when set, `origin` is not asked.
    pub repo: Option<String>,
}

impl ScmProject {
    /// The projects of `config`.
    pub fn from_config(config: &Config) -> Vec<ScmProject> {
        let projects = config.projects.values();
        projects.map(|p| ScmProject { id: p.id.clone(), path: p.path.clone(), repo: p.repo.clone() }).collect()
    }
}

/// The GitHub repository of `project`: its configured `repo`, else its `origin` remote.
pub async fn project_repo(git_program: &Path, project: &ScmProject) -> Result<RepoSlug, String> {
    match &project.repo {
        Some(configured) => RepoSlug::parse(configured)
            .ok_or_else(|| format!("`repo = \"{configured}\"` is not `owner/name` of a GitHub repository")),
        None => origin_slug(git_program, &project.path).await,
    }
}

/// The GitHub repository of `origin` in the git repository at `repo`, asking `git` (`git_program`).
pub async fn origin_slug(git_program: &Path, repo: &Path) -> Result<RepoSlug, String> {
    let out = Cmd::new(git_program, GIT_TIMEOUT)
        .args(["-C".as_ref(), repo.as_os_str()])
        .args(["remote", "get-url", "origin"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .run()
        .await
        .map_err(|e| format!("no `origin` remote in {}: {e}", repo.display()))?;
    let url = out.stdout_text();
    RepoSlug::from_remote_url(&url)
        .ok_or_else(|| format!("origin of {} is not a GitHub repository: {url}", repo.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_github_remote_form_gives_owner_and_name() {
        let acme = Some(RepoSlug { owner: "acme".into(), name: "app".into() });
        for url in [
            "https://github.com/acme/app.git",
            "https://github.com/acme/app",
            "https://github.com/acme/app/",
            "https://x-access-token:t0k@github.com/acme/app.git",
            "http://github.com/acme/app.git",
            "git@github.com:acme/app.git",
            "git@github.com:acme/app",
            "github.com:acme/app.git",
            "ssh://git@github.com/acme/app.git",
            "ssh://git@github.com:22/acme/app.git",
            "git://github.com/acme/app.git",
            "  https://GitHub.com/acme/app.git\n",
        ] {
            assert_eq!(RepoSlug::from_remote_url(url), acme, "{url}");
        }
        let dotted = RepoSlug::from_remote_url("git@github.com:my-org/my.repo.js.git").unwrap();
        assert_eq!(dotted.to_string(), "my-org/my.repo.js");
    }

    #[test]
    fn other_hosts_and_odd_paths_are_not_github_repositories() {
        for url in [
            "https://gitlab.com/acme/app.git",
            "git@bitbucket.org:acme/app.git",
            "https://github.com.evil.example/acme/app",
            "/srv/git/app.git",
            "file:///srv/git/app.git",
            "https://github.com/acme",
            "https://github.com/acme/app/extra",
            "git@github.com:acme/../app",
            "https://github.com/acme/a pp",
            "",
        ] {
            assert_eq!(RepoSlug::from_remote_url(url), None, "{url}");
        }
    }
}
