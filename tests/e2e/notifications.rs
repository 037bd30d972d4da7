//! Notifications end to end (issue: notifications, PR and CI state, reactions; SPEC H2): a Claude
//! Code session (the fake CLI) asking for permission makes the real app send one desktop
//! notification over D-Bus (received by a notification daemon on the app's private bus), the row
//! carries an unread badge until the session is opened, and clicking the notification (the
//! daemon's ActionInvoked "default", as a desktop sends it) brings that session up.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Display, Driver, Extras, TestHome, Theme, proc, save_screenshot};
use crate::quit_restore::{TmuxServer, grove, repo};

const APP: &str = env!("CARGO_BIN_EXE_grove-app");
const WAIT: Duration = Duration::from_secs(30);

/// One project whose agent is the fake Claude Code CLI.
fn write_config(home: &TestHome) {
    let quoted = |p: &Path| serde_json::to_string(p.to_str().unwrap()).unwrap();
    let repo = repo(&home.user_home(), "app");
    let fake = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/claude");
    let text = format!(
        "[projects.app]\npath = {}\nagent = \"claude-code\"\n\n[agents.claude-code]\ncommand = {}\n",
        quoted(&repo),
        quoted(&fake),
    );
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The notifications the daemon received, one JSON object each.
fn received(record: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(record).unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn wait_until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what} did not happen within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn a_session_that_needs_you_sends_one_desktop_notification_and_its_badge_clears_when_opened() {
    let display = Display::start();
    let home = TestHome::new();
    write_config(&home);
    let _tmux = TmuxServer(grove_engine::home::GroveHome::at(home.grove_home()).tmux_socket());
    let record: PathBuf = home.user_home().join("notifications.jsonl");
    std::fs::create_dir_all(home.user_home()).unwrap();
    let extras = Extras { notifications_record: Some(record.clone()), ..Extras::default() };
    let mut driver = Driver::start_with(&display, &home, Theme::Light, &extras);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the dashboard", "window.__groveFeed?.status === 'live'", WAIT);

    let out = grove(&home, &["spawn", "--project", "app", "--prompt", "run the tests"]);
    assert!(out.status.success(), "spawn: {}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let key = format!("app/{id}");

    let sent = wait_until("a desktop notification about the session", || {
        received(&record).into_iter().find(|n| n["summary"].as_str().is_some_and(|s| s.contains(&id)))
    });
    assert_eq!(sent["app"], "Grove", "sent by Grove: {sent}");
    assert!(sent["summary"].as_str().unwrap().contains("needs you"), "says what it needs: {sent}");
    assert!(sent["body"].as_str().unwrap().contains("cargo test"), "says why, from the hook: {sent}");
    let actions: Vec<&str> = sent["actions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(actions.contains(&"default"), "a click on it is reportable: {actions:?}");

    let row = format!("[data-testid=session-row][data-session={key:?}]");
    app.wait_for("the unread badge", &format!("document.querySelector('{row} [data-testid=unread-badge]')"), WAIT);
    save_screenshot(&app, "notification-badge.png");
    app.click(&app.find(&row));
    app.eval("window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})) || true");
    app.wait_for(
        "the badge cleared once the session is opened",
        &format!("document.querySelector('[data-testid=detail-title]') && !document.querySelector('{row} [data-testid=unread-badge]')"),
        WAIT,
    );

    // Still waiting: no second notification for the same transition (SPEC H2).
    let count = || received(&record).iter().filter(|n| n["summary"].as_str().is_some_and(|s| s.contains(&id))).count();
    assert_eq!(count(), 1, "one notification per session per transition");

    // Close the panel, then click the notification as a desktop would: the session comes back.
    app.eval("window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})) || true");
    app.wait_for("the panel closed", "!document.querySelector('[data-testid=detail-title]')", WAIT);
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    let bus = proc::environ(pid, "DBUS_SESSION_BUS_ADDRESS").expect("the app's session bus");
    let nid = sent["id"].as_u64().expect("the daemon's id").to_string();
    let out = Command::new("gdbus")
        .args(["call", "--address", &bus, "--dest", "org.freedesktop.Notifications"])
        .args(["--object-path", "/org/freedesktop/Notifications"])
        .args(["--method", "org.freedesktop.Notifications.ClickForTest", &nid])
        .output()
        .expect("run gdbus");
    assert!(out.status.success(), "click the notification: {}", String::from_utf8_lossy(&out.stderr));
    let title = app.wait_for(
        "the clicked notification's session in the detail panel",
        "document.querySelector('[data-testid=detail-title]')?.textContent.trim()",
        WAIT,
    );
    assert_eq!(title.as_str(), Some("run the tests"), "the notification opened its session");

    app.quit();
    assert!(driver.stop(), "the driver's process group must end");
}
