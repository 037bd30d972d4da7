//! The git commands operations need, each with argv words only. Branch names come from users and
//! issue trackers, so every one is checked by [`check_branch_name`] before it reaches git, and
//! refs are spelled out in full (`refs/heads/<b>`) where git would otherwise guess.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command::{Cmd, CommandError};

/// Deadline of one git call. `worktree add` checks out a whole tree, which on a large repository
/// takes tens of seconds; two minutes allows that and still ends an operation git hung in
/// (a credential prompt it should never show, a lock held forever).
pub const GIT_TIMEOUT: Duration = Duration::from_secs(120);

/// A git call in `dir`. Prompts are disabled (nobody could answer one), and the C locale keeps
/// messages stable for logs.
fn git(dir: &Path) -> Cmd {
    Cmd::new("git", GIT_TIMEOUT).cwd(dir).env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C")
}

/// Whether `name` is a branch name git accepts and that cannot be mistaken for an option.
pub async fn check_branch_name(repo: &Path, name: &str) -> Result<bool, CommandError> {
    if name.is_empty() || name.starts_with('-') {
        return Ok(false);
    }
    Ok(git(repo).args(["check-ref-format", "--branch", name]).output().await?.status.success())
}

/// Whether the local branch `branch` exists.
pub async fn branch_exists(repo: &Path, branch: &str) -> Result<bool, CommandError> {
    let out = git(repo).args(["show-ref", "--verify", "--quiet", &format!("refs/heads/{branch}")]).output().await?;
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(CommandError::Failed {
            command: format!("git show-ref refs/heads/{branch}"),
            status: out.status.to_string(),
            stderr: out.stderr_excerpt(),
        }),
    }
}

/// The full ref new branches start from: the local `base`, else `origin/<base>` (a fresh clone
/// may have only the remote branch). `None` if neither exists.
pub async fn resolve_base(repo: &Path, base: &str) -> Result<Option<String>, CommandError> {
    for candidate in [format!("refs/heads/{base}"), format!("refs/remotes/origin/{base}")] {
        let out = git(repo).args(["show-ref", "--verify", "--quiet", &candidate]).output().await?;
        if out.status.success() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// `git worktree add --no-track -b <branch> <path> <base>`: a new branch, created at `base`.
/// Never `-B`, which would reset an existing branch. `--no-track`: a branch started from
/// `origin/main` must not get `main` as its upstream, or a push could go there.
pub async fn add_worktree_new_branch(repo: &Path, path: &Path, branch: &str, base: &str) -> Result<(), CommandError> {
    git(repo).args(["worktree", "add", "--no-track", "-b", branch]).args([path]).args([base]).run().await.map(drop)
}

/// `git worktree add <path> <branch>`: check out the existing branch as it is.
pub async fn add_worktree_existing(repo: &Path, path: &Path, branch: &str) -> Result<(), CommandError> {
    git(repo).args(["worktree", "add"]).args([path]).args([branch]).run().await.map(drop)
}

/// `git worktree remove [--force] <path>`. Without `force`, git itself refuses a worktree with
/// changes or untracked files, a second guard behind the callers' own checks.
pub async fn remove_worktree(repo: &Path, path: &Path, force: bool) -> Result<(), CommandError> {
    let mut cmd = git(repo).args(["worktree", "remove"]);
    if force {
        cmd = cmd.args(["--force"]);
    }
    cmd.args([path]).run().await.map(drop)
}

/// `git worktree prune`: forgets worktrees whose directory is gone, so one can be re-added.
pub async fn prune_worktrees(repo: &Path) -> Result<(), CommandError> {
    git(repo).args(["worktree", "prune"]).run().await.map(drop)
}

/// `git branch -D <branch>`; only for a branch the current spawn created moments ago.
pub async fn delete_branch(repo: &Path, branch: &str) -> Result<(), CommandError> {
    git(repo).args(["branch", "-D", branch]).run().await.map(drop)
}

/// Whether `path` is one of `repo`'s registered worktrees.
pub async fn is_registered_worktree(repo: &Path, path: &Path) -> Result<bool, CommandError> {
    let out = git(repo).args(["worktree", "list", "--porcelain", "-z"]).run().await?;
    let wanted = comparable(path);
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|field| field.strip_prefix(b"worktree "))
        .any(|p| comparable(Path::new(&*String::from_utf8_lossy(p))) == wanted))
}

/// `path` with symlinks resolved when it exists (a temp dir under `/tmp` may be a symlink), so
/// git's spelling and Grove's compare equal.
fn comparable(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// How many entries `git status --porcelain` lists in `worktree`: modified, staged, deleted and
/// untracked files all count as work that removing the worktree would lose. Ignored files do not.
pub async fn uncommitted_entries(worktree: &Path) -> Result<usize, CommandError> {
    let out = git(worktree).args(["status", "--porcelain", "-z", "--untracked-files=all"]).run().await?;
    Ok(out.stdout.split(|b| *b == 0).filter(|entry| !entry.is_empty()).count())
}

/// How many commits of `worktree`'s HEAD are on no remote branch and not on the local
/// `default_branch`. HEAD rather than the recorded branch, because HEAD is what removing the
/// worktree could lose (the agent may have switched branches or detached). In a repository
/// without remotes this counts the commits not merged into the default branch, which is
/// exactly the work that lives only in this session.
pub async fn unpushed_commits(worktree: &Path, default_branch: &str) -> Result<u64, CommandError> {
    let mut cmd = git(worktree).args(["rev-list", "--count", "HEAD", "--not", "--remotes"]);
    // Named in full and only if it exists: `--branches=<name>` would mean `refs/heads/<name>/*`,
    // and a missing ref would make rev-list fail.
    if branch_exists(worktree, default_branch).await? {
        cmd = cmd.args([format!("refs/heads/{default_branch}")]);
    }
    let out = cmd.run().await?;
    let text = out.stdout_text();
    text.parse().map_err(|_| CommandError::Failed {
        command: "git rev-list --count".into(),
        status: "0".into(),
        stderr: format!("unexpected output {text:?}"),
    })
}
