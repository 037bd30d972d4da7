//! `GROVE_HOME` and the layout of files beneath it (ARCHITECTURE §3.1, §3.2), plus the default
//! location of the global config. Paths are built only from validated ids.

use std::path::{Path, PathBuf};

use crate::ids::{ProjectId, SessionId};

/// Environment variable naming the data directory.
pub const HOME_ENV: &str = "GROVE_HOME";
/// Environment variable naming the global config file.
pub const CONFIG_ENV: &str = "GROVE_CONFIG";

/// Grove's data directory and the paths of everything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroveHome {
    root: PathBuf,
}

impl GroveHome {
    /// A home rooted at `root` (tests pass a temp dir).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$GROVE_HOME`, else the platform data directory's `grove/`.
    pub fn from_env() -> Self {
        match std::env::var_os(HOME_ENV) {
            Some(v) if !v.is_empty() => Self::at(PathBuf::from(v)),
            _ => Self::at(platform_data_dir().join("grove")),
        }
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `projects/`, one directory per project that has ever had a session.
    pub fn projects_dir(&self) -> PathBuf {
        self.root.join("projects")
    }

    /// `projects/<p>/`.
    pub fn project_dir(&self, project: &ProjectId) -> PathBuf {
        self.projects_dir().join(project.as_str())
    }

    /// `projects/<p>/sessions/`, where session records live.
    pub fn sessions_dir(&self, project: &ProjectId) -> PathBuf {
        self.project_dir(project).join("sessions")
    }

    /// `projects/<p>/sessions/<id>.json`, one session record.
    pub fn session_file(&self, project: &ProjectId, session: &SessionId) -> PathBuf {
        self.sessions_dir(project).join(format!("{session}.json"))
    }

    /// `projects/<p>/events/<id>.jsonl`, the events the session's agent reports through its hooks
    /// or notify program (SPEC I0). Not under `sessions/`, so the record watcher never takes it
    /// for a record.
    pub fn events_file(&self, project: &ProjectId, session: &SessionId) -> PathBuf {
        self.project_dir(project).join("events").join(format!("{session}.jsonl"))
    }

    /// `agents/`, files Grove generates for agent launches (Claude's hook settings).
    pub fn agents_dir(&self) -> PathBuf {
        self.root.join("agents")
    }

    /// `projects/<p>/worktrees/<id>/`, the session's default git worktree.
    pub fn worktree_dir(&self, project: &ProjectId, session: &SessionId) -> PathBuf {
        self.project_dir(project).join("worktrees").join(session.as_str())
    }

    /// `running.json`, the live app's registration (SPEC B5).
    pub fn running_file(&self) -> PathBuf {
        self.root.join("running.json")
    }

    /// `last-stop.json`, what the last stop stopped (SPEC B6).
    pub fn last_stop_file(&self) -> PathBuf {
        self.root.join("last-stop.json")
    }

    /// `logs/`, rolling tracing logs.
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The name of Grove's own tmux socket (`tmux -L <name>`). Derived from the home path so that
    /// Grove never sees the user's other tmux sessions and two homes never share a server.
    pub fn tmux_socket_name(&self) -> String {
        format!("grove-{:012x}", fnv1a(self.root.as_os_str().as_encoded_bytes()) >> 16)
    }
}

/// The global config file: `$GROVE_CONFIG`, else `<platform config dir>/grove/config.toml`.
pub fn default_config_path() -> PathBuf {
    match std::env::var_os(CONFIG_ENV) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => platform_config_dir().join("grove").join("config.toml"),
    }
}

/// The user's home directory, used for `~/` expansion and platform defaults.
pub fn user_home() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).filter(|p| p.is_absolute())
}

fn platform_data_dir() -> PathBuf {
    if cfg!(windows) {
        env_dir("APPDATA").unwrap_or_else(|| PathBuf::from("."))
    } else if cfg!(target_os = "macos") {
        user_home().unwrap_or_default().join("Library/Application Support")
    } else {
        env_dir("XDG_DATA_HOME").unwrap_or_else(|| user_home().unwrap_or_default().join(".local/share"))
    }
}

fn platform_config_dir() -> PathBuf {
    if cfg!(windows) {
        env_dir("APPDATA").unwrap_or_else(|| PathBuf::from("."))
    } else if cfg!(target_os = "macos") {
        user_home().unwrap_or_default().join("Library/Application Support")
    } else {
        env_dir("XDG_CONFIG_HOME").unwrap_or_else(|| user_home().unwrap_or_default().join(".config"))
    }
}

/// FNV-1a: a tiny hash whose output never changes between Rust releases, unlike `DefaultHasher`,
/// so the tmux socket name stays the same across Grove upgrades.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_the_contract() {
        let home = GroveHome::at("/data/grove");
        let p = ProjectId::new("api").unwrap();
        let s = SessionId::new("api-7").unwrap();
        assert_eq!(home.session_file(&p, &s), PathBuf::from("/data/grove/projects/api/sessions/api-7.json"));
        assert_eq!(home.worktree_dir(&p, &s), PathBuf::from("/data/grove/projects/api/worktrees/api-7"));
        assert_eq!(home.running_file(), PathBuf::from("/data/grove/running.json"));
        assert_eq!(home.last_stop_file(), PathBuf::from("/data/grove/last-stop.json"));
    }

    #[test]
    fn tmux_socket_is_stable_per_home_and_distinct_between_homes() {
        let a = GroveHome::at("/a").tmux_socket_name();
        assert_eq!(a, GroveHome::at("/a").tmux_socket_name(), "same home must give the same socket");
        assert_ne!(a, GroveHome::at("/b").tmux_socket_name(), "two homes must never share a tmux server");
        assert!(a.starts_with("grove-") && a.len() == "grove-".len() + 12, "{a}");
    }
}
