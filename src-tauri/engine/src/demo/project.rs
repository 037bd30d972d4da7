//! The demo project (SPEC I4): a small git repository and a config file under `$GROVE_HOME/demo/`,
//! created once and never reset, so a newcomer's demo history survives restarts.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::git::{self, GitError};
use super::seed::{SEED_COMMIT_MESSAGE, SEED_FILES};
use crate::home::GroveHome;

/// Id of the demo project in the generated config.
pub const DEMO_PROJECT: &str = "demo";
/// Name of the demo agent in the generated config (`[agents.demo]`).
pub const DEMO_AGENT: &str = "demo";
/// The hidden subcommand of the `grove` executable that runs [`super::run_demo_agent`].
const DEMO_AGENT_SUBCOMMAND: &str = "demo-agent";
/// Directory under `GROVE_HOME` holding everything of the demo, so removing it removes the demo.
const DEMO_DIR: &str = "demo";
/// The repository's directory inside [`DEMO_DIR`]; the config names it relative to itself.
const REPO_DIR: &str = "repo";
/// The config file inside [`DEMO_DIR`].
const CONFIG_FILE: &str = "config.toml";
/// The branch the repository starts on: Grove's default base branch.
const MAIN_BRANCH: &str = crate::config::DEFAULT_BRANCH;
/// Identity written to the repository's own config, so commits work on a machine with no git
/// identity and the user's global config is never touched.
const REPO_USER_NAME: &str = "Grove demo";
/// Email of [`REPO_USER_NAME`]; `.invalid` is reserved (RFC 2606) so it can never reach anyone.
const REPO_USER_EMAIL: &str = "demo@grove.invalid";

/// Where the demo lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProject {
    /// The config file declaring project [`DEMO_PROJECT`] and agent [`DEMO_AGENT`].
    pub config_path: PathBuf,
    /// The demo git repository.
    pub repo_path: PathBuf,
}

/// Why the demo could not be set up; every variant names the step and the path.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file-system step failed.
    #[error("demo setup: could not {step} {}: {source}", path.display())]
    Io {
        /// What was being done.
        step: &'static str,
        /// To which path.
        path: PathBuf,
        /// The error from the OS.
        #[source]
        source: io::Error,
    },
    /// A git step failed.
    #[error("demo setup: could not {step} in {}: {source}", repo.display())]
    Git {
        /// What was being done.
        step: &'static str,
        /// The repository.
        repo: PathBuf,
        /// What git said.
        #[source]
        source: GitError,
    },
    /// The executable's path cannot be written into a TOML file, which holds UTF-8 only.
    #[error("demo setup: the grove executable path {} is not valid UTF-8", path.display())]
    NonUtf8Exe {
        /// The path given.
        path: PathBuf,
    },
}

/// Creates the demo under `$GROVE_HOME/demo/` if needed and returns where it is. Idempotent: an
/// existing repository and its history are left exactly as they are (never re-initialised or
/// reset); the config is rewritten, atomically, only when it differs from what it should be
/// (for instance after the `grove` executable moved). `grove_exe` is the program the demo agent
/// runs as (`<grove_exe> demo-agent`); a relative path is made absolute against the current
/// directory.
pub fn ensure_demo_project(home: &GroveHome, grove_exe: &Path) -> Result<DemoProject, DemoError> {
    let dir = home.root().join(DEMO_DIR);
    let repo_path = dir.join(REPO_DIR);
    let config_path = dir.join(CONFIG_FILE);
    let exe = std::path::absolute(grove_exe).map_err(io_err("resolve the executable", grove_exe))?;
    // Built first, so a path that cannot be written fails before anything is created.
    let config = config_text(&exe)?;
    ensure_repo(&repo_path)?;
    write_if_changed(&config_path, config.as_bytes())?;
    Ok(DemoProject { config_path, repo_path })
}

/// The config file's text for an agent run as `<exe> demo-agent`.
fn config_text(exe: &Path) -> Result<String, DemoError> {
    let exe = exe.to_str().ok_or_else(|| DemoError::NonUtf8Exe { path: exe.to_owned() })?;
    // toml's own rendering of a string quotes and escapes whatever the path holds.
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    Ok(format!(
        "# Grove's demo, written by Grove; it is rewritten when it differs, so edit a copy instead.\n\
         # The agent `{DEMO_AGENT}` is Grove itself acting as a coding agent: no account is needed.\n\
         \n\
         [projects.{DEMO_PROJECT}]\n\
         name = \"Grove demo\"\n\
         path = {repo}\n\
         default_branch = {branch}\n\
         session_prefix = {prefix}\n\
         agent = {agent}\n\
         # Landing a session's work (Review, then Land) squashes it into main, then stops the agent and\n\
         # removes the worktree when nothing in it is unlanded.\n\
         land = \"squash\"\n\
         after_land = \"clean\"\n\
         \n\
         [agents.{DEMO_AGENT}]\n\
         command = {command}\n\
         args = [{subcommand}]\n",
        repo = quoted(REPO_DIR),
        branch = quoted(MAIN_BRANCH),
        prefix = quoted(DEMO_PROJECT),
        agent = quoted(DEMO_AGENT),
        command = quoted(exe),
        subcommand = quoted(DEMO_AGENT_SUBCOMMAND),
    ))
}

/// Initialises and seeds the repository unless it already has a commit. A run interrupted between
/// `git init` and the first commit is finished, not redone: seed files already there are kept.
fn ensure_repo(repo: &Path) -> Result<(), DemoError> {
    fs::create_dir_all(repo).map_err(io_err("create directory", repo))?;
    // Checked by path, not with `git rev-parse`, which would find an enclosing repository when
    // GROVE_HOME lies inside one.
    if !repo.join(".git").exists() {
        let branch = format!("--initial-branch={MAIN_BRANCH}");
        run_git(repo, "initialise the repository", &["init", "--quiet", &branch])?;
    }
    if git::has_head(repo) {
        return Ok(());
    }
    run_git(repo, "set the local user.name", &["config", "user.name", REPO_USER_NAME])?;
    run_git(repo, "set the local user.email", &["config", "user.email", REPO_USER_EMAIL])?;
    for (name, content) in SEED_FILES {
        create_if_absent(&repo.join(name), content)?;
    }
    let mut add = vec!["add", "--"];
    add.extend(SEED_FILES.iter().map(|(name, _)| *name));
    run_git(repo, "add the demo files", &add)?;
    // --no-verify: the user's global hooks (core.hooksPath) are about their code, not this demo.
    run_git(repo, "make the initial commit", &["commit", "--quiet", "--no-verify", "-m", SEED_COMMIT_MESSAGE])
}

fn run_git(repo: &Path, step: &'static str, args: &[&str]) -> Result<(), DemoError> {
    git::run(git::git(repo, args)).map(drop).map_err(|source| DemoError::Git { step, repo: repo.to_owned(), source })
}

fn create_if_absent(path: &Path, content: &str) -> Result<(), DemoError> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => file.write_all(content.as_bytes()).map_err(io_err("write", path)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_err("create", path)(e)),
    }
}

/// Replaces `path` with `bytes` unless it already holds exactly them. The new content goes to a
/// temp file in the same directory, is synced, then renamed over the target, so a reader (the
/// config watcher) never sees half a file.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    match fs::read(path) {
        Ok(current) if current == bytes => return Ok(()),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err("read", path)(e)),
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{CONFIG_FILE}.{}.tmp", std::process::id()));
    let written = fs::File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&temp, path));
    if let Err(e) = written {
        // The temp file is ours and useless now; the error that matters is the write's.
        let _ = fs::remove_file(&temp);
        return Err(io_err("write", path)(e));
    }
    Ok(())
}

fn io_err(step: &'static str, path: &Path) -> impl FnOnce(io::Error) -> DemoError {
    move |source| DemoError::Io { step, path: path.to_owned(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_non_utf8_executable_fails_before_anything_is_created() {
        use std::os::unix::ffi::OsStrExt;
        let home = tempfile::tempdir().unwrap();
        let exe = Path::new(std::ffi::OsStr::from_bytes(b"/opt/gro\xffve"));
        let err = ensure_demo_project(&GroveHome::at(home.path()), exe).expect_err("TOML cannot hold this path");
        assert!(matches!(err, DemoError::NonUtf8Exe { .. }), "{err}");
        assert!(!home.path().join(DEMO_DIR).exists(), "a failed setup must leave no half-made demo behind");
    }

    #[test]
    fn errors_name_the_step_and_the_path() {
        let home = tempfile::tempdir().unwrap();
        // A file where the demo directory should be: creating the repository directory fails.
        fs::write(home.path().join(DEMO_DIR), "in the way").unwrap();
        let err = ensure_demo_project(&GroveHome::at(home.path()), Path::new("/opt/grove")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("create directory") && text.contains("demo/repo"), "{text}");
    }
}
