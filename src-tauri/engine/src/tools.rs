//! The outside programs Grove drives, and whether this machine has them. Found by searching
//! `PATH` the way a shell would; nothing is executed, so the check is instant and cannot hang.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

/// One outside tool and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ToolStatus {
    /// The program name as Grove calls it.
    pub name: String,
    /// Whether it is on `PATH`.
    pub found: bool,
    /// Its full path when found.
    pub path: Option<String>,
    /// What Grove needs it for, shown next to a missing tool.
    pub purpose: String,
}

/// The tools Grove uses, in the order the first-run check lists them.
pub const TOOLS: &[(&str, &str)] = &[
    ("git", "needed for worktrees"),
    ("tmux", "needed to run sessions"),
    ("gh", "PR and CI state"),
    ("claude", "the claude-code agent"),
    ("codex", "the codex agent"),
    ("aider", "the aider agent"),
];

/// Looks up every tool in [`TOOLS`] on the current `PATH`.
pub fn check_tools() -> Vec<ToolStatus> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    TOOLS
        .iter()
        .map(|(name, purpose)| {
            let found = find_on_path(name, &path);
            ToolStatus {
                name: (*name).to_owned(),
                found: found.is_some(),
                path: found.map(|p| p.display().to_string()),
                purpose: (*purpose).to_owned(),
            }
        })
        .collect()
}

/// The first executable called `program` in the directories of `path` (a `PATH`-style list).
pub fn find_on_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path).filter(|dir| dir.is_absolute()).find_map(|dir| executable_in(&dir, program))
}

#[cfg(unix)]
fn executable_in(dir: &Path, program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let candidate = dir.join(program);
    let meta = std::fs::metadata(&candidate).ok()?;
    (meta.is_file() && meta.permissions().mode() & 0o111 != 0).then_some(candidate)
}

#[cfg(windows)]
fn executable_in(dir: &Path, program: &str) -> Option<PathBuf> {
    let exts = std::env::var("PATHEXT").unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".into());
    exts.split(';').filter(|e| !e.is_empty()).map(|ext| dir.join(format!("{program}{ext}"))).find(|p| p.is_file())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn finds_only_executable_files_in_path_order() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let plain = a.path().join("tool");
        std::fs::write(&plain, "not executable").unwrap();
        let exe = b.path().join("tool");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir(b.path().join("dir-tool")).unwrap();

        let path = std::env::join_paths([a.path(), b.path()]).unwrap();
        assert_eq!(find_on_path("tool", &path), Some(exe), "a non-executable file earlier on PATH must be skipped");
        assert_eq!(find_on_path("dir-tool", &path), None, "a directory is not a program");
        assert_eq!(find_on_path("absent", &path), None);
        let relative = std::env::join_paths(["relative/dir"]).unwrap();
        assert_eq!(find_on_path("tool", &relative), None, "relative PATH entries are ignored");
    }
}
