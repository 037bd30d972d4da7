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

    /// `projects/<p>/reviews/<id>.json`, the session's review state: viewed files and comments
    /// (SPEC K2, K3). Not under `sessions/`, so the record watcher never takes it for a record.
    pub fn review_file(&self, project: &ProjectId, session: &SessionId) -> PathBuf {
        self.project_dir(project).join("reviews").join(format!("{session}.json"))
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

    /// Grove's own tmux socket (SPEC D11a): an absolute path, passed as `tmux -S <path>` by every
    /// tmux call Grove makes (see [`tmux_socket_args`]). It depends on this home alone, never on
    /// `TMUX_TMPDIR` or `TMPDIR`, so every process with the same `GROVE_HOME` reaches the same
    /// server, and two homes never share one. Where, first that fits in a socket address:
    /// `$XDG_RUNTIME_DIR/grove/<hash>.sock` when that directory is usable (per user, and never
    /// swept by tmp cleaners), else `<home>/tmux/<hash>.sock`, else the short
    /// `/tmp/grove-<uid>/<hash>.sock` (a long home path; a cleaner there is survived because a
    /// missing socket is not taken as evidence that sessions died).
    pub fn tmux_socket(&self) -> PathBuf {
        let file = format!("{:012x}.sock", fnv1a(self.root.as_os_str().as_encoded_bytes()) >> 16);
        let runtime_dir = env_dir(RUNTIME_DIR_ENV).filter(|d| usable_dir(d)).map(|d| d.join("grove"));
        let candidates = runtime_dir.into_iter().chain([self.root.join("tmux"), short_socket_dir()]);
        let mut last = PathBuf::new();
        for dir in candidates {
            last = dir.join(&file);
            if last.as_os_str().len() <= MAX_SOCKET_PATH {
                break;
            }
        }
        last
    }
}

/// The environment variable naming the per-user runtime directory (XDG base directory spec).
const RUNTIME_DIR_ENV: &str = "XDG_RUNTIME_DIR";

/// The longest socket path that fits every platform's `sockaddr_un`: its `sun_path` holds 104
/// bytes on macOS and the BSDs (108 on Linux), one of which is the terminating NUL.
const MAX_SOCKET_PATH: usize = 103;

/// The arguments that put a tmux client on the server at `socket`: `-S <socket>`. The one place
/// that builds them, so no call can reach another server by accident (SPEC D11a, G4).
pub fn tmux_socket_args(socket: &Path) -> [std::ffi::OsString; 2] {
    ["-S".into(), socket.as_os_str().to_owned()]
}

/// Creates the directory of `socket` (owner-only, 0700) so tmux can start a server there, and
/// checks that an existing one belongs to this user: tmux creates the socket file but not its
/// directory, and a directory somebody else controls could hand Grove another server.
pub fn prepare_tmux_socket_dir(socket: &Path) -> std::io::Result<()> {
    let Some(dir) = socket.parent() else { return Ok(()) };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        let meta = std::fs::metadata(dir)?;
        // SAFETY: getuid has no preconditions and cannot fail.
        if meta.uid() != unsafe { libc::getuid() } {
            return Err(std::io::Error::other(format!("{} belongs to another user", dir.display())));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Whether `dir` is a directory this process can create files in.
fn usable_dir(dir: &Path) -> bool {
    if !dir.is_dir() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
        // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
        unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    true
}

/// The last resort for a home whose path is too long for a socket: short, per user, and fixed
/// (not `TMPDIR`, which differs between processes).
fn short_socket_dir() -> PathBuf {
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        PathBuf::from(format!("/tmp/grove-{}", unsafe { libc::getuid() }))
    }
    #[cfg(not(unix))]
    std::env::temp_dir().join("grove")
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
/// so the tmux socket path stays the same across Grove upgrades.
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
        let a = GroveHome::at("/a").tmux_socket();
        assert_eq!(a, GroveHome::at("/a").tmux_socket(), "same home must give the same socket");
        assert_ne!(a, GroveHome::at("/b").tmux_socket(), "two homes must never share a tmux server");
        assert!(a.is_absolute(), "tmux -S needs an absolute path, got {}", a.display());
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.ends_with(".sock") && name.len() == 12 + ".sock".len(), "{name}");
    }

    #[test]
    fn tmux_socket_of_a_long_home_still_fits_a_socket_address() {
        let long = format!("/{}", "deep/".repeat(40));
        let socket = GroveHome::at(&long).tmux_socket();
        assert!(socket.as_os_str().len() <= MAX_SOCKET_PATH, "{} is too long for a socket", socket.display());
        assert!(socket.is_absolute());
    }

    #[test]
    fn socket_args_name_the_path() {
        let args = tmux_socket_args(Path::new("/run/grove/x.sock"));
        assert_eq!(args, ["-S".into(), std::ffi::OsString::from("/run/grove/x.sock")]);
    }

    #[cfg(unix)]
    #[test]
    fn socket_directory_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("tmux").join("x.sock");
        prepare_tmux_socket_dir(&socket).expect("create the socket directory");
        let mode = std::fs::metadata(socket.parent().unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "only the owner may reach Grove's tmux server");
    }
}
