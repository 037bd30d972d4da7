//! The demo agent's real work in its worktree: adding a line to a file and committing it with git,
//! as the demo agent, touching nothing else (other changes in the worktree are left unstaged).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::git::{self, AGENT_EMAIL, AGENT_NAME, GitError};

/// The file each turn records its task in, as a developer ticks off a TODO list.
pub(crate) const TODO_FILE: &str = "TODO.md";
/// The file a "yes" to the agent's question adds a line to.
pub(crate) const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// Appends `line` to `cwd/name`, creating the file if needed; the line starts on a line of its
/// own even when the file does not end with a newline.
pub(crate) fn append_line(cwd: &Path, name: &str, line: &str) -> io::Result<()> {
    let path = cwd.join(name);
    let starts_fresh = match fs::read(&path) {
        Ok(bytes) => bytes.is_empty() || bytes.ends_with(b"\n"),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(e),
    };
    let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
    let separator = if starts_fresh { "" } else { "\n" };
    file.write_all(format!("{separator}{line}\n").as_bytes())
}

/// Commits the current content of `cwd/name` alone, with `message`, as the demo agent, and returns
/// the new commit's short hash.
pub(crate) fn commit_file(cwd: &Path, name: &str, message: &str) -> Result<String, GitError> {
    // `add` first: `commit -- <path>` refuses a file git does not track yet.
    git::run(git::git(cwd, &["add", "--", name]))?;
    // `-- <path>` commits that file only, so whatever the user staged stays theirs. --no-verify:
    // the user's global hooks judge their code, not this demo's one-line edits.
    let mut commit = git::git(cwd, &["commit", "--quiet", "--no-verify", "-m", message, "--", name]);
    // The agent's own identity: commits are attributable to it and work without any git identity.
    commit
        .env("GIT_AUTHOR_NAME", AGENT_NAME)
        .env("GIT_AUTHOR_EMAIL", AGENT_EMAIL)
        .env("GIT_COMMITTER_NAME", AGENT_NAME)
        .env("GIT_COMMITTER_EMAIL", AGENT_EMAIL);
    git::run(commit)?;
    Ok(git::run(git::git(cwd, &["rev-parse", "--short", "HEAD"]))?.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_line_creates_and_keeps_lines_apart() {
        let dir = tempfile::tempdir().unwrap();
        append_line(dir.path(), "notes.md", "first").unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("notes.md")).unwrap(), "first\n", "a missing file is created");
        fs::write(dir.path().join("notes.md"), "no newline").unwrap();
        append_line(dir.path(), "notes.md", "second").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.md")).unwrap(),
            "no newline\nsecond\n",
            "an appended line must not run on from an unterminated last line"
        );
    }

    #[test]
    fn commit_file_outside_a_repository_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        append_line(dir.path(), "a.md", "x").unwrap();
        let err = commit_file(dir.path(), "a.md", "msg").expect_err("a plain directory has no repository");
        assert!(matches!(err, GitError::Failed { .. }), "git must run and fail: {err}");
    }
}
