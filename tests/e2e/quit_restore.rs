//! Quit and restore (issue: stop, quit and restore; SPEC G1, G2, G5): with two projects and five
//! live demo sessions, one holding an uncommitted file, quitting the real app (by SIGTERM, and by
//! closing its window) leaves no tmux session or agent process, records all five under their
//! projects in `last-stop.json`, removes `running.json`, and keeps every worktree and the
//! uncommitted file; the next start's dialog brings all five back in the same worktrees.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Display, Driver, TestHome, Theme, proc, save_screenshot};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");
/// The command line, as agents and users run it; with no subcommand it execs the window binary.
const CLI: &str = env!("CARGO_BIN_EXE_grove");
const UNCOMMITTED: &str = "NOTES-uncommitted.md";

/// Ends the tmux server of the test's home on drop, whatever the test did.
pub(crate) struct TmuxServer(pub(crate) PathBuf);

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.0).arg("kill-server").output();
        let _ = std::fs::remove_file(&self.0);
    }
}

pub(crate) fn grove(home: &TestHome, args: &[&str]) -> Output {
    Command::new(CLI)
        .args(args)
        .env("GROVE_HOME", home.grove_home())
        .env("GROVE_CONFIG", home.config_path())
        .env("HOME", home.user_home())
        .output()
        .expect("run grove")
}

pub(crate) fn repo(dir: &Path, name: &str) -> PathBuf {
    let repo = dir.join(name);
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("README.md"), format!("# {name}\n")).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "README.md"],
        &["-c", "user.name=Grove Test", "-c", "user.email=test@grove.invalid", "commit", "-q", "-m", "init"],
    ] {
        let out = Command::new("git").args(args).current_dir(&repo).output().expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    repo
}

/// Two projects whose agent is Grove's demo agent.
pub(crate) fn write_config(home: &TestHome) {
    let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
    let alpha = repo(&home.user_home(), "alpha");
    let beta = repo(&home.user_home(), "beta");
    let text = format!(
        "[projects.alpha]\npath = {}\nagent = \"demo\"\n\n[projects.beta]\npath = {}\nagent = \"demo\"\n\n\
         [agents.demo]\ncommand = {}\nargs = [\"demo-agent\"]\n",
        quoted(&alpha),
        quoted(&beta),
        quoted(Path::new(CLI)),
    );
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Two projects with five live demo sessions, the first holding an uncommitted file, and the
/// tmux server they run on (ended when this is dropped).
pub(crate) struct Fleet {
    pub sessions: Vec<(String, String, PathBuf)>,
    pub tmux: TmuxServer,
    pub socket: PathBuf,
}

impl Fleet {
    pub fn five(home: &TestHome) -> Fleet {
        write_config(home);
        let socket = grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket();
        let tmux = TmuxServer(socket.clone());
        let sessions = spawn_five(home);
        std::fs::write(sessions[0].2.join(UNCOMMITTED), "work in progress\n").unwrap();
        Fleet { sessions, tmux, socket }
    }
}

/// The five sessions as `(project, id, worktree)`.
fn spawn_five(home: &TestHome) -> Vec<(String, String, PathBuf)> {
    let mut sessions = Vec::new();
    for (project, prompt) in [
        ("alpha", "Fix the empty-list bug"),
        ("alpha", "Add a due date"),
        ("alpha", "Write the changelog"),
        ("beta", "Speed up the build"),
        ("beta", "Rename the config key"),
    ] {
        let out = grove(home, &["spawn", "--project", project, "--prompt", prompt, "--json"]);
        assert!(out.status.success(), "spawn in {project}: {}", String::from_utf8_lossy(&out.stderr));
        let record: Value = serde_json::from_slice(&out.stdout).expect("spawn --json prints the record");
        let id = record["id"].as_str().expect("id").to_owned();
        let worktree = PathBuf::from(record["worktree"].as_str().expect("worktree"));
        sessions.push((project.to_owned(), id, worktree));
    }
    sessions
}

pub(crate) fn tmux_sessions(socket: &Path) -> Vec<String> {
    let out = Command::new("tmux").arg("-S").arg(socket).args(["list-sessions", "-F", "#{session_name}"]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::to_owned).collect()).unwrap_or_default()
}

/// Presses the window's close button (a WM_DELETE_WINDOW message, as a window manager sends).
fn close_window(display: &Display, title: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/tools/close_window.py");
    let out =
        Command::new("python3").arg(script).arg(title).env("DISPLAY", &display.name).output().expect("run python3");
    assert!(out.status.success(), "close the window: {}", String::from_utf8_lossy(&out.stderr));
}

/// Waits for the app's process to end; returns how long that took.
pub(crate) fn wait_for_exit(pid: i32, within: Duration) -> Duration {
    let started = Instant::now();
    while proc::alive(pid) {
        assert!(started.elapsed() < within, "the app (pid {pid}) did not exit within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

/// What every quit must leave: nothing running, everything recorded, every worktree intact.
pub(crate) fn assert_clean_quit(home: &TestHome, socket: &Path, sessions: &[(String, String, PathBuf)], how: &str) {
    let left = tmux_sessions(socket);
    assert!(left.is_empty(), "{how}: tmux sessions of Grove remain: {left:?}");
    let agents = proc::working_in(&home.grove_home());
    assert!(agents.is_empty(), "{how}: processes still run in the worktrees: {agents:?}");
    assert!(!home.grove_home().join("running.json").exists(), "{how}: running.json must be removed");
    let record: Value = serde_json::from_slice(
        &std::fs::read(home.grove_home().join("last-stop.json"))
            .unwrap_or_else(|e| panic!("{how}: last-stop.json: {e}")),
    )
    .expect("last-stop.json is JSON");
    for (project, id, worktree) in sessions {
        let listed = record["projects"].as_array().into_iter().flatten().any(|p| {
            p["projectId"] == project.as_str()
                && p["sessionIds"].as_array().is_some_and(|ids| ids.iter().any(|i| i == id.as_str()))
        });
        assert!(listed, "{how}: last-stop.json must list {project}/{id}: {record}");
        assert!(worktree.join("README.md").is_file(), "{how}: the worktree of {id} must be intact");
    }
    let uncommitted = sessions[0].2.join(UNCOMMITTED);
    assert_eq!(
        std::fs::read_to_string(&uncommitted).ok().as_deref(),
        Some("work in progress\n"),
        "{how}: the uncommitted file must be intact"
    );
}

/// Starts the app, accepts the restore dialog and waits for all five to run again.
fn start_and_restore(
    display: &Display,
    home: &TestHome,
    socket: &Path,
    sessions: &[(String, String, PathBuf)],
) -> (Driver, WebDriver) {
    let driver = Driver::start(display, home, Theme::Light);
    let app = driver.launch(Path::new(APP));
    app.by_test_id("restore-dialog");
    let rows = app.eval("document.querySelectorAll('[data-testid=restore-row]').length");
    assert_eq!(rows.as_u64(), Some(5), "the dialog lists the five stopped sessions");
    save_screenshot(&app, "restore-dialog.png");
    app.click(&app.by_test_id("restore-confirm"));
    app.wait_for(
        "the restore to finish (the dialog closes itself once all are back and the record is updated)",
        "!document.querySelector('[data-testid=restore-dialog]')",
        Duration::from_secs(60),
    );
    let live = tmux_sessions(socket);
    for (_, id, worktree) in sessions {
        assert!(live.contains(id), "{id} must run again after the restore: {live:?}");
        assert!(worktree.is_dir(), "{id} runs in its old worktree");
    }
    assert!(sessions[0].2.join(UNCOMMITTED).is_file(), "the uncommitted file survives the restore");
    (driver, app)
}

#[test]
fn quitting_stops_and_records_every_session_and_the_next_start_restores_them() {
    let display = Display::start();
    let home = TestHome::new();
    let Fleet { sessions, tmux: _tmux, socket } = Fleet::five(&home);

    // 1. SIGTERM.
    let driver = Driver::start(&display, &home, Theme::Light);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the five sessions", "window.__groveFeed?.sessions === 5", Duration::from_secs(30));
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    assert!(home.grove_home().join("running.json").is_file(), "a running app is registered in running.json");
    // SAFETY: kill has no memory preconditions; the pid is the app this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0, "send SIGTERM");
    let took = wait_for_exit(pid, Duration::from_secs(15));
    eprintln!("SIGTERM -> exit with 5 live sessions: {} ms", took.as_millis());
    assert_clean_quit(&home, &socket, &sessions, "after SIGTERM");
    drop(app);
    let mut driver = driver;
    driver.stop();

    // 2. Start again, accept the dialog: all five alive in the same worktrees.
    let (mut driver, app) = start_and_restore(&display, &home, &socket, &sessions);
    assert!(!home.grove_home().join("last-stop.json").exists(), "a complete restore removes the record");

    // One instance (SPEC B5): a second `grove` on the same desktop session hands over to the
    // first and exits; the CLI keeps working while the app runs.
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    let bus = proc::environ(pid, "DBUS_SESSION_BUS_ADDRESS").expect("the app's session bus");
    let second = Command::new(CLI)
        .env("GROVE_HOME", home.grove_home())
        .env("GROVE_CONFIG", home.config_path())
        .env("HOME", home.user_home())
        .env("DISPLAY", &display.name)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("run a second grove");
    assert!(second.status.success(), "a second grove exits cleanly: {}", String::from_utf8_lossy(&second.stderr));
    assert!(proc::alive(pid), "the first app keeps running");
    let listed = grove(&home, &["ls", "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("grove ls --json while the app runs");
    assert_eq!(listed["sessions"].as_array().map(Vec::len), Some(5), "the CLI sees the five sessions: {listed}");

    // 3. Close the window: the sheet asks, Quit stops everything the same way.
    close_window(&display, "Grove");
    app.by_test_id("quit-sheet");
    save_screenshot(&app, "quit-sheet.png");
    app.click(&app.by_test_id("quit-confirm"));
    let took = wait_for_exit(pid, Duration::from_secs(15));
    eprintln!("window closed -> exit with 5 live sessions: {} ms", took.as_millis());
    assert_clean_quit(&home, &socket, &sessions, "after closing the window");
    drop(app);
    driver.stop();
}

/// Also the whole of `grove stop --app`: the recorded app is signalled and runs its quit path.
#[test]
fn a_stop_that_hangs_does_not_keep_the_others_unrecorded_or_the_app_from_exiting() {
    let display = Display::start();
    let home = TestHome::new();
    let Fleet { sessions, tmux: _tmux, socket } = Fleet::five(&home);
    let (_, hung, _) = sessions[1].clone();

    // A tmux client that wedges on ending one session, as a stuck tmux server would; every
    // other call goes to the real tmux.
    let tools = home.user_home().join("fake-bin");
    std::fs::create_dir_all(&tools).unwrap();
    let real = String::from_utf8(Command::new("sh").args(["-c", "command -v tmux"]).output().unwrap().stdout).unwrap();
    let pid_file = tools.join("hung.pid");
    let wrapper = format!(
        "#!/bin/sh\ncase \"$*\" in *kill-session*{hung}*) echo $$ > '{}'; exec sleep 30;; esac\nexec {} \"$@\"\n",
        pid_file.display(),
        real.trim()
    );
    let tmux = tools.join("tmux");
    std::fs::write(&tmux, wrapper).unwrap();
    std::fs::set_permissions(&tmux, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let mut driver = Driver::start_with_path(&display, &home, Theme::Light, Some(&tools));
    let app = driver.launch(Path::new(APP));
    app.wait_for("the five sessions", "window.__groveFeed?.sessions === 5", Duration::from_secs(30));
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    // `grove stop --app` signals the recorded app and waits for it to finish its quit.
    let started = Instant::now();
    let stop = grove(&home, &["stop", "--app"]);
    assert!(stop.status.success(), "grove stop --app: {}", String::from_utf8_lossy(&stop.stderr));
    assert!(String::from_utf8_lossy(&stop.stdout).contains("exited"), "it reports the app's exit");
    wait_for_exit(pid, Duration::from_secs(20));
    let took = started.elapsed();
    eprintln!("grove stop --app -> exit with one stop hanging: {} ms", took.as_millis());
    assert!(took < Duration::from_secs(11), "the quit must end within its 10 s cap, took {took:?}");
    assert!(!home.grove_home().join("running.json").exists(), "running.json is removed even so");
    let record: Value =
        serde_json::from_slice(&std::fs::read(home.grove_home().join("last-stop.json")).expect("last-stop.json"))
            .expect("JSON");
    let listed: Vec<String> = record["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["sessionIds"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    for (_, id, worktree) in &sessions {
        if *id == hung {
            assert!(!listed.contains(id), "the session whose stop hung is not recorded as stopped: {listed:?}");
        } else {
            assert!(listed.contains(id), "{id} was stopped and recorded despite the hung one: {listed:?}");
        }
        assert!(worktree.join("README.md").is_file(), "every worktree is intact");
    }
    let live = tmux_sessions(&socket);
    assert_eq!(live, std::slice::from_ref(&hung), "only the hung session's tmux session may remain");
    if let Some(wedged) = std::fs::read_to_string(&pid_file).ok().and_then(|p| p.trim().parse::<i32>().ok()) {
        // SAFETY: the pid is the fake tmux client this test's wrapper started.
        unsafe { libc::kill(wedged, libc::SIGKILL) };
    }
    drop(app);
    driver.stop();
}
