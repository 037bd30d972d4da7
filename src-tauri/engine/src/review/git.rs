//! The git calls the review makes, argv words only, through the engine's bounded [`Cmd`]. Every
//! call runs in the session's worktree: `refs/grove/*` live in the repository's shared ref store,
//! so a worktree sees (and moves) the same refs as the main checkout.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use crate::ops::Cmd;
use crate::ops::{CommandError, GIT_TIMEOUT};

/// A git call in `dir`: no prompts (nobody could answer), the C locale (stable messages), and
/// pathspecs taken literally, so a file named `:(glob)*` is that file and nothing else.
pub(super) fn git(dir: &Path) -> Cmd {
    Cmd::new("git", GIT_TIMEOUT)
        .cwd(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .env("GIT_LITERAL_PATHSPECS", "1")
        // Optional locks off: a review only reads, and must not fight the agent's own git over
        // `index.lock` for a stat refresh.
        .env("GIT_OPTIONAL_LOCKS", "0")
}

/// `git rev-parse --verify --quiet <rev>^{commit}`: the commit `rev` names, `None` when it does
/// not exist.
pub(super) async fn commit_of(dir: &Path, rev: &str) -> Result<Option<String>, CommandError> {
    let out = git(dir)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
        .output()
        .await?;
    Ok(out.status.success().then(|| out.stdout_text()).filter(|s| !s.is_empty()))
}

/// The tree of `commit`. A commit's tree never changes, so answers are remembered (a bounded
/// memo, emptied when full): paging through a diff asks for the same two trees again and again.
pub(super) async fn tree_of(dir: &Path, commit: &str) -> Result<String, CommandError> {
    const MEMO_ENTRIES: usize = 4096;
    static MEMO: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
    let known = MEMO.lock().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(|m| m.get(commit).cloned());
    if let Some(tree) = known {
        return Ok(tree);
    }
    let out = git(dir).args(["rev-parse", "--verify", "--end-of-options", &format!("{commit}^{{tree}}")]).run().await?;
    let tree = out.stdout_text();
    // Only full ids are remembered: a ref name (`HEAD`) may point elsewhere next time.
    if commit.len() >= 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut guard = MEMO.lock().unwrap_or_else(|p| p.into_inner());
        let memo = guard.get_or_insert_with(HashMap::new);
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(commit.to_owned(), tree.clone());
    }
    Ok(tree)
}

/// The base ref of the project: `refs/heads/<base>`, else `refs/remotes/origin/<base>`, else the
/// remote's default branch (`origin/HEAD`), else the local `main` or `master`. `None` when none
/// exists.
pub(super) async fn resolve_base(dir: &Path, base: &str) -> Result<Option<(String, String)>, CommandError> {
    for candidate in [format!("refs/heads/{base}"), format!("refs/remotes/origin/{base}")] {
        if let Some(commit) = commit_of(dir, &candidate).await? {
            return Ok(Some((base.to_owned(), commit)));
        }
    }
    let out = git(dir).args(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]).output().await?;
    let remote_head = out.stdout_text();
    if out.status.success()
        && let Some(commit) = commit_of(dir, &remote_head).await?
    {
        let label = remote_head.trim_start_matches("refs/remotes/").to_owned();
        return Ok(Some((label, commit)));
    }
    for fallback in ["main", "master"] {
        if let Some(commit) = commit_of(dir, &format!("refs/heads/{fallback}")).await? {
            return Ok(Some((fallback.to_owned(), commit)));
        }
    }
    Ok(None)
}

/// The merge base of `a` and `b`; `None` when they share no history.
pub(super) async fn merge_base(dir: &Path, a: &str, b: &str) -> Result<Option<String>, CommandError> {
    let out = git(dir).args(["merge-base", a, b]).output().await?;
    Ok(out.status.success().then(|| out.stdout_text()).filter(|s| !s.is_empty()))
}

/// (ahead, behind) of `head` against `base`.
pub(super) async fn ahead_behind(dir: &Path, base: &str, head: &str) -> Result<(u32, u32), CommandError> {
    let out = git(dir).args(["rev-list", "--left-right", "--count", &format!("{base}...{head}")]).run().await?;
    let text = out.stdout_text();
    let mut parts = text.split_whitespace().map(|p| p.parse::<u32>().unwrap_or(0));
    let behind = parts.next().unwrap_or(0);
    let ahead = parts.next().unwrap_or(0);
    Ok((ahead, behind))
}

/// Points `refname` at `new`, but only if it still points at `old` (`None`: must not exist), so
/// two Grove processes moving the same ref cannot silently undo each other.
pub(super) async fn update_ref(dir: &Path, refname: &str, new: &str, old: Option<&str>) -> Result<(), CommandError> {
    // The empty old value means "must not exist yet" (any hash length).
    let old = old.unwrap_or("");
    git(dir).args(["update-ref", "-m", "grove review", refname, new, old]).run().await.map(|_| ())
}

/// `refs/grove/<session>/<name>`.
pub(super) fn grove_ref(session: &str, name: &str) -> String {
    format!("refs/grove/{session}/{name}")
}
