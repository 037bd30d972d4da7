//! The git calls landing makes, argv words only, through the bounded [`Cmd`]. Branch names come
//! from records and config; they are spelled as full refs (`refs/heads/<b>`) and checked with
//! `check-ref-format` by the callers before they get here.

use std::path::{Path, PathBuf};

use crate::ops::{Cmd, CommandError, GIT_TIMEOUT};

/// A git call in `dir`, with prompts off and the C locale (stable messages).
pub(super) fn git(dir: &Path) -> Cmd {
    Cmd::new("git", GIT_TIMEOUT).cwd(dir).env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C")
}

fn failed(command: &str, out: &crate::ops::CommandOutput) -> CommandError {
    CommandError::Failed { command: command.into(), status: out.status.to_string(), stderr: out.stderr_excerpt() }
}

/// The commit `rev` names, or `None` when it names none.
pub(super) async fn commit_of(dir: &Path, rev: &str) -> Result<Option<String>, CommandError> {
    let out = git(dir)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
        .output()
        .await?;
    Ok(out.status.success().then(|| out.stdout_text()))
}

/// The tree of `commit`.
pub(super) async fn tree_of(dir: &Path, commit: &str) -> Result<String, CommandError> {
    Ok(git(dir).args(["rev-parse", "--verify", &format!("{commit}^{{tree}}")]).run().await?.stdout_text())
}

/// How many commits `rev-list --count <a> ^<b>` lists: in `a`, not in `b`.
pub(super) async fn count_not_in(dir: &Path, a: &str, b: &str) -> Result<u64, CommandError> {
    let out = git(dir).args(["rev-list", "--count", a, "--not", b]).run().await?;
    out.stdout_text().parse().map_err(|_| failed("git rev-list --count", &out))
}

/// Whether `a` is an ancestor of (or equal to) `b`.
pub(super) async fn is_ancestor(dir: &Path, a: &str, b: &str) -> Result<bool, CommandError> {
    let out = git(dir).args(["merge-base", "--is-ancestor", a, b]).output().await?;
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(failed("git merge-base --is-ancestor", &out)),
    }
}

/// A merge computed in the object store only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TreeMerge {
    /// The merged tree (with conflict markers when there are conflicts).
    pub tree: String,
    /// The conflicting paths, sorted, each once.
    pub conflicts: Vec<String>,
}

/// `git merge-tree --write-tree --name-only -z [--merge-base=<b>] <ours> <theirs>`: the merge of
/// `ours` and `theirs` without touching any worktree or index.
pub(super) async fn merge_tree(
    dir: &Path,
    ours: &str,
    theirs: &str,
    merge_base: Option<&str>,
) -> Result<TreeMerge, CommandError> {
    let mut cmd = git(dir).args(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z"]);
    if let Some(base) = merge_base {
        cmd = cmd.args([format!("--merge-base={base}")]);
    }
    let out = cmd.args([ours, theirs]).output().await?;
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(failed("git merge-tree --write-tree", &out));
    }
    let mut fields = out.stdout.split(|b| *b == 0).map(|f| String::from_utf8_lossy(f).into_owned());
    let tree = fields.next().unwrap_or_default();
    let mut conflicts: Vec<String> = fields.take_while(|f| !f.is_empty()).collect();
    conflicts.sort();
    conflicts.dedup();
    if out.status.code() == Some(1) && conflicts.is_empty() {
        return Err(failed("git merge-tree --write-tree (conflicts without files)", &out));
    }
    Ok(TreeMerge { tree, conflicts })
}

/// The author of `commit` as `GIT_AUTHOR_*` variables, so a replayed commit keeps it.
pub(super) async fn author_of(dir: &Path, commit: &str) -> Result<[(String, String); 3], CommandError> {
    let out = git(dir).args(["show", "-s", "--format=%an%x00%ae%x00%aI", commit]).run().await?;
    let text = out.stdout_text();
    let mut parts = text.split('\0').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    Ok([("GIT_AUTHOR_NAME".into(), next()), ("GIT_AUTHOR_EMAIL".into(), next()), ("GIT_AUTHOR_DATE".into(), next())])
}

/// The full message of `commit`.
pub(super) async fn message_of(dir: &Path, commit: &str) -> Result<String, CommandError> {
    Ok(git(dir).args(["show", "-s", "--format=%B", commit]).run().await?.stdout_text())
}

/// `git commit-tree <tree> -p <parent>... -m <message>`, with `env` (an author to keep).
pub(super) async fn commit_tree(
    dir: &Path,
    tree: &str,
    parents: &[&str],
    message: &str,
    env: &[(String, String)],
) -> Result<String, CommandError> {
    let mut cmd = git(dir).args(["commit-tree", tree]);
    for parent in parents {
        cmd = cmd.args(["-p", parent]);
    }
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    Ok(cmd.args(["-m", message]).run().await?.stdout_text())
}

/// `git update-ref -m <why> <ref> <new> <old>`: moves `refname` to `new` only if it still points
/// at `old` (compare and swap); git locks the ref while it checks.
pub(super) async fn swap_ref(dir: &Path, refname: &str, new: &str, old: &str, why: &str) -> Result<(), CommandError> {
    git(dir).args(["update-ref", "-m", why, refname, new, old]).run().await.map(drop)
}

/// The directory where `branch` is checked out among `repo`'s worktrees, if any.
pub(super) async fn checkout_of(repo: &Path, branch: &str) -> Result<Option<PathBuf>, CommandError> {
    let out = git(repo).args(["worktree", "list", "--porcelain", "-z"]).run().await?;
    let wanted = format!("branch refs/heads/{branch}");
    let mut current: Option<PathBuf> = None;
    for field in out.stdout.split(|b| *b == 0).map(String::from_utf8_lossy) {
        if let Some(path) = field.strip_prefix("worktree ") {
            current = Some(PathBuf::from(path));
        } else if field == wanted {
            return Ok(current);
        }
    }
    Ok(None)
}

/// How many tracked files in `checkout` differ from its HEAD (staged or not). Untracked files
/// do not count: a fast-forward that would overwrite one refuses on its own.
pub(super) async fn tracked_changes(checkout: &Path) -> Result<usize, CommandError> {
    let out = git(checkout).args(["status", "--porcelain", "-z", "--untracked-files=no"]).run().await?;
    Ok(out.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()).count())
}

/// Moves `checkout`'s index and files from tree-ish `old` to `new`, refusing (and changing
/// nothing) if that would overwrite a local change or an untracked file: a fast-forward's
/// two-tree merge.
pub(super) async fn move_checkout(checkout: &Path, old: &str, new: &str) -> Result<(), CommandError> {
    git(checkout).args(["read-tree", "-m", "-u", old, new]).run().await.map(drop)
}

/// The subjects of the commits in `tip` and not in `base`, oldest first.
pub(super) async fn subjects(dir: &Path, base: &str, tip: &str) -> Result<Vec<String>, CommandError> {
    let out = git(dir).args(["log", "--reverse", "--format=%s", tip, "--not", base]).run().await?;
    Ok(out.stdout_text().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect())
}

/// The commits in `tip` and not in `base`, oldest first, merges left out (a rebase replays
/// each non-merge commit, as `git rebase` does).
pub(super) async fn commits_to_replay(dir: &Path, base: &str, tip: &str) -> Result<Vec<String>, CommandError> {
    let out = git(dir).args(["rev-list", "--reverse", "--topo-order", "--no-merges", tip, "--not", base]).run().await?;
    Ok(out.stdout_text().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect())
}

/// Commits everything in `worktree`, untracked files included, with `message`.
pub(super) async fn commit_all(worktree: &Path, message: &str) -> Result<(), CommandError> {
    git(worktree).args(["add", "-A"]).run().await?;
    git(worktree).args(["commit", "-q", "--no-verify", "-m", message]).run().await.map(drop)
}

/// Whether `name` is a branch name git accepts and that cannot be taken for an option.
pub(super) async fn valid_branch(dir: &Path, name: &str) -> Result<bool, CommandError> {
    if name.is_empty() || name.starts_with('-') {
        return Ok(false);
    }
    Ok(git(dir).args(["check-ref-format", "--branch", name]).output().await?.status.success())
}
