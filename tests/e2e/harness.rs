//! Processes an end-to-end test needs, each in its own process group and ended with it.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::webdriver::WebDriver;

/// How long a helper process may take to come up before the test gives up.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Grace between SIGTERM and SIGKILL when ending a process group.
const TERM_GRACE: Duration = Duration::from_secs(3);

/// A child process leading its own process group; dropping it ends the whole group.
pub struct GroupGuard {
    name: &'static str,
    child: Child,
}

impl GroupGuard {
    fn spawn(name: &'static str, cmd: &mut Command) -> Self {
        let child = cmd
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}; scripts/setup installs it"));
        Self { name, child }
    }

    /// Ends the group: SIGTERM, then SIGKILL after a grace period. Returns whether every process
    /// of the group is gone.
    pub fn stop(&mut self) -> bool {
        let pgid = self.child.id() as libc::pid_t;
        signal_group(pgid, libc::SIGTERM);
        let deadline = Instant::now() + TERM_GRACE;
        while group_alive(pgid) && Instant::now() < deadline {
            let _ = self.child.try_wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        if group_alive(pgid) {
            eprintln!("{} ignored SIGTERM; killing its process group", self.name);
            signal_group(pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        let deadline = Instant::now() + TERM_GRACE;
        while group_alive(pgid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        !group_alive(pgid)
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
    unsafe { libc::kill(-pgid, signal) };
}

fn group_alive(pgid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks for existence; ESRCH means the group is empty.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

/// A virtual X display.
pub struct Display {
    pub name: String,
    _xvfb: GroupGuard,
}

impl Display {
    /// Starts Xvfb on the first free display; `-displayfd` makes Xvfb pick it and tell us once it
    /// accepts connections, so there is no polling for a socket.
    pub fn start() -> Self {
        let mut xvfb = GroupGuard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args(["-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let stdout = xvfb.child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let number = rx
            .recv_timeout(START_TIMEOUT)
            .unwrap_or_else(|_| panic!("Xvfb did not report a display within {START_TIMEOUT:?}"));
        let number = number.trim();
        assert!(!number.is_empty() && number.chars().all(|c| c.is_ascii_digit()), "Xvfb printed {number:?}");
        Self { name: format!(":{number}"), _xvfb: xvfb }
    }
}

/// A temporary `GROVE_HOME` and config location for one app instance.
pub struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }
    /// Under the test's HOME, where a user's data directory is, so paths show as `~/...`.
    pub fn grove_home(&self) -> PathBuf {
        self.user_home().join(".local/share/grove")
    }
    pub fn config_path(&self) -> PathBuf {
        self.user_home().join(".config/grove/config.toml")
    }
    /// `HOME` for the app: nothing outside the temp dir is touched, and paths shown as `~/...`
    /// keep machine paths out of screenshots.
    pub fn user_home(&self) -> PathBuf {
        self.dir.path().join("user")
    }
}

/// The OS appearance the app runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn gtk_theme(self) -> &'static str {
        match self {
            Theme::Light => "Adwaita",
            Theme::Dark => "Adwaita:dark",
        }
    }
}

/// What a test adds to the app's surroundings.
#[derive(Debug, Default)]
pub struct Extras {
    /// A directory put first on the app's `PATH` (fake tools).
    pub path_dir: Option<PathBuf>,
    /// Run a tray host (a StatusNotifierWatcher) on the app's bus, recording registrations here.
    pub tray_record: Option<PathBuf>,
    /// Run a notification daemon on the app's bus, recording every notification here.
    pub notifications_record: Option<PathBuf>,
}

/// tauri-driver (and the WebKitWebDriver and app it starts) on a private session bus.
pub struct Driver {
    guard: GroupGuard,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver on free ports. The app inherits the driver's environment, so the
    /// test's `GROVE_HOME` and config are set here.
    pub fn start(display: &Display, home: &TestHome, theme: Theme) -> Self {
        Self::start_with(display, home, theme, &Extras::default())
    }

    /// [`Driver::start`] with `dir` first on the app's `PATH` (fake tools for fault tests).
    pub fn start_with_path(display: &Display, home: &TestHome, theme: Theme, dir: Option<&Path>) -> Self {
        Self::start_with(display, home, theme, &Extras { path_dir: dir.map(Path::to_owned), ..Extras::default() })
    }

    /// [`Driver::start`] with the extras of a test.
    pub fn start_with(display: &Display, home: &TestHome, theme: Theme, extras: &Extras) -> Self {
        std::fs::create_dir_all(home.user_home()).expect("create test HOME");
        let mut path = std::env::var_os("PATH").unwrap_or_default();
        if let Some(dir) = &extras.path_dir {
            let mut dirs = vec![dir.clone()];
            dirs.extend(std::env::split_paths(&path));
            path = std::env::join_paths(dirs).expect("a PATH");
        }
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("dbus-run-session");
        command.arg("--");
        // Desktop services the app talks to run on the same private bus, started before it: a tray
        // host (StatusNotifierWatcher) and a notification daemon, each recording what it is sent.
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/tools");
        let mut script = String::new();
        let mut words: Vec<std::ffi::OsString> = Vec::new();
        for (tool, record) in
            [("sni_watcher.py", &extras.tray_record), ("notification_daemon.py", &extras.notifications_record)]
        {
            if let Some(record) = record {
                let (a, b) = (words.len() + 1, words.len() + 2);
                script.push_str(&format!("/usr/bin/python3 \"${a}\" \"${b}\" & "));
                words.push(tools.join(tool).into());
                words.push(record.into());
            }
        }
        let (p, n) = (words.len() + 1, words.len() + 2);
        script.push_str(&format!("exec tauri-driver --port \"${p}\" --native-port \"${n}\""));
        words.push(port.to_string().into());
        words.push(native_port.to_string().into());
        // `sh -c SCRIPT NAME ARGS...`: $0 is the name, the tools and ports are $1.. .
        command.args(["sh", "-c", &script, "grove-e2e"]).args(words);
        let guard = GroupGuard::spawn(
            "tauri-driver",
            command
                .env("DISPLAY", &display.name)
                .env("GROVE_HOME", home.grove_home())
                .env("GROVE_CONFIG", home.config_path())
                .env("HOME", home.user_home())
                .env("XDG_CONFIG_HOME", home.user_home().join(".config"))
                .env("XDG_DATA_HOME", home.user_home().join(".local/share"))
                .env("GROVE_LOG", "info")
                .env("PATH", path)
                // The OS theme the app should follow; fixed so screenshots do not depend on the machine.
                .env("GTK_THEME", theme.gtk_theme())
                .env("LANG", "C.UTF-8")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit()),
        );
        wait_for_port(port);
        Self { guard, port }
    }

    /// Opens a WebDriver session, which launches the app binary.
    pub fn launch(&self, app: &Path) -> WebDriver {
        WebDriver::new_session(self.port, app)
    }

    /// Ends the driver, the app and everything else in the group; true when none is left.
    pub fn stop(&mut self) -> bool {
        self.guard.stop()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind a loopback port").port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + START_TIMEOUT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port} within {START_TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Where screenshots are kept.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/artifacts");
    std::fs::create_dir_all(&dir).expect("create artifacts dir");
    dir
}

/// Saves a screenshot of the app's window under `artifacts/`; with `GROVE_UPDATE_SCREENSHOT`
/// set, also into `docs/` (where the README's pictures live).
pub fn save_screenshot(app: &WebDriver, name: &str) {
    let png = app.screenshot();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "screenshot should be a real PNG of the window");
    std::fs::write(artifacts_dir().join(name), &png).expect("save screenshot");
    if std::env::var_os("GROVE_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
        std::fs::write(docs, &png).expect("update the screenshot in docs/");
    }
}

/// Just enough of /proc to find the app and its children, and measure them.
pub mod proc {
    use std::path::Path;

    fn read(pid: i32, file: &str) -> String {
        std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
    }

    /// The `grove-app` window process whose environment has this GROVE_HOME.
    pub fn find_app(grove_home: &Path) -> Option<i32> {
        let wanted = format!("GROVE_HOME={}", grove_home.display());
        std::fs::read_dir("/proc").ok()?.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()).find(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            exe.file_name().is_some_and(|n| n == "grove-app")
                && read(*pid, "environ").split('\0').any(|v| v == wanted)
                && read(*pid, "cmdline").split('\0').nth(1).is_none_or(str::is_empty)
        })
    }

    /// Direct children (WebKit's web and network processes).
    pub fn children(parent: i32) -> Vec<i32> {
        let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| stat_fields(*pid).get(1).and_then(|p| p.parse::<i32>().ok()) == Some(parent))
            .collect()
    }

    /// One variable of a process's environment.
    pub fn environ(pid: i32, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        read(pid, "environ").split('\0').find_map(|v| v.strip_prefix(&prefix).map(str::to_owned))
    }

    /// Whether the process exists and is not a zombie (a zombie runs nothing; some container
    /// inits never reap them).
    pub fn alive(pid: i32) -> bool {
        stat_fields(pid).first().is_some_and(|state| state != "Z")
    }

    /// Processes whose working directory is under `dir` (agents run in their worktrees).
    pub fn working_in(dir: &Path) -> Vec<(i32, String)> {
        let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| alive(*pid))
            .filter(|pid| std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd.starts_with(dir)))
            .map(|pid| (pid, read(pid, "cmdline").replace('\0', " ")))
            .collect()
    }

    /// Fields after the command name: state, ppid, ...
    fn stat_fields(pid: i32) -> Vec<String> {
        let stat = read(pid, "stat");
        stat.rsplit_once(") ").map(|(_, rest)| rest.split(' ').map(str::to_owned).collect()).unwrap_or_default()
    }

    pub fn cpu_ticks(pid: i32) -> u64 {
        let f = stat_fields(pid);
        let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime are fields 14 and 15 of stat; here, after the name, 11 and 12.
        field(11) + field(12)
    }

    pub fn rss_kib(pid: i32) -> u64 {
        read(pid, "status")
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Peak resident memory (VmHWM) since the process started.
    pub fn peak_rss_kib(pid: i32) -> u64 {
        read(pid, "status")
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    pub fn name(pid: i32) -> String {
        read(pid, "comm").trim().to_owned()
    }

    pub fn clock_ticks_per_second() -> f64 {
        // SAFETY: sysconf has no preconditions.
        (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
    }
}
