//! The tray menu (SPEC H1) through the same D-Bus protocol a desktop's tray host uses: a
//! StatusNotifierWatcher on the app's bus receives the icon's registration, and the menu is read
//! and clicked over com.canonical.dbusmenu, as a panel does. Live counts, Start (restore the
//! last stop) and Quit (the one quit path) are checked against what really runs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Display, Driver, Extras, TestHome, Theme, proc};
use crate::quit_restore::{Fleet, assert_clean_quit, grove, tmux_sessions, wait_for_exit};

const APP: &str = env!("CARGO_BIN_EXE_grove-app");
const WAIT: Duration = Duration::from_secs(30);

/// `gdbus call` on the app's private bus; the printed GVariant text.
fn gdbus(bus: &str, dest: &str, path: &str, method: &str, args: &[&str]) -> String {
    let out = Command::new("gdbus")
        .args(["call", "--address", bus, "--dest", dest, "--object-path", path, "--method", method, "--"])
        .args(args)
        .output()
        .expect("run gdbus");
    assert!(out.status.success(), "gdbus {method}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The menu's items as (id, label).
fn menu(bus: &str, dest: &str, menu: &str) -> Vec<(i32, String)> {
    let layout = gdbus(bus, dest, menu, "com.canonical.dbusmenu.GetLayout", &["0", "-1", "[]"]);
    let mut items = Vec::new();
    let mut rest = layout.as_str();
    while let Some(at) = rest.find("'label': <'") {
        let before = &rest[..at];
        let id = before.rfind('(').and_then(|open| before[open + 1..].split(',').next()?.trim().parse().ok());
        let label_start = at + "'label': <'".len();
        let label_end = rest[label_start..].find("'>").map_or(rest.len(), |e| label_start + e);
        if let Some(id) = id {
            items.push((id, rest[label_start..label_end].to_owned()));
        }
        rest = &rest[label_end..];
    }
    items
}

/// Waits until an item's label satisfies `want`; returns its id and label.
fn wait_for_item(bus: &str, dest: &str, path: &str, what: &str, want: impl Fn(&str) -> bool) -> (i32, String) {
    let started = Instant::now();
    loop {
        let items = menu(bus, dest, path);
        if let Some(found) = items.iter().find(|(_, label)| want(label)) {
            return found.clone();
        }
        assert!(started.elapsed() < WAIT, "no tray item for {what} within {WAIT:?}; the menu: {items:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn click(bus: &str, dest: &str, path: &str, id: i32) {
    gdbus(bus, dest, path, "com.canonical.dbusmenu.Event", &[&id.to_string(), "clicked", "<0>", "0"]);
}

#[test]
fn the_tray_shows_live_counts_restores_the_last_stop_and_quits() {
    let display = Display::start();
    let home = TestHome::new();
    let Fleet { sessions, tmux: _tmux, socket } = Fleet::five(&home);

    let record = home.user_home().join("tray-items.txt");
    let extras = Extras { tray_record: Some(record.clone()), ..Extras::default() };
    let mut driver = Driver::start_with(&display, &home, Theme::Light, &extras);
    let app = driver.launch(Path::new(APP));
    app.wait_for("the five sessions", "window.__groveFeed?.sessions === 5", WAIT);
    let pid = proc::find_app(&home.grove_home()).expect("the app's process");
    let bus = proc::environ(pid, "DBUS_SESSION_BUS_ADDRESS").expect("the app's session bus");

    // The icon registered with the tray host; its menu is exported over D-Bus.
    let started = Instant::now();
    let item = loop {
        if let Some(line) = std::fs::read_to_string(&record).ok().and_then(|t| t.lines().next().map(str::to_owned)) {
            break line;
        }
        assert!(started.elapsed() < WAIT, "the tray icon never registered with the tray host");
        std::thread::sleep(Duration::from_millis(100));
    };
    let (dest, item_path) = item.split_once(' ').expect("<name> <path>");
    let menu_path =
        gdbus(&bus, dest, item_path, "org.freedesktop.DBus.Properties.Get", &["org.kde.StatusNotifierItem", "Menu"]);
    let menu_path = menu_path.split('\'').nth(1).expect("the Menu property is an object path").to_owned();

    // Live counts from the feed.
    let (_, header) = wait_for_item(&bus, dest, &menu_path, "the counts", |l| l.ends_with("· 5 total"));
    assert!(header.starts_with("Grove — ") && header.contains("need you"), "header: {header}");
    wait_for_item(&bus, dest, &menu_path, "Quit naming the sessions", |l| l == "Quit Grove (stops 5 sessions)");

    // A stop from the CLI: the tray offers to restore exactly those, and Start does it.
    let stopped = grove(&home, &["stop"]);
    assert!(stopped.status.success(), "grove stop: {}", String::from_utf8_lossy(&stopped.stderr));
    let (start, _) = wait_for_item(&bus, dest, &menu_path, "Start", |l| l == "Start (restore 5 sessions)");
    click(&bus, dest, &menu_path, start);
    // Done when all five run and the record is gone (it is updated after the last session starts).
    let record = home.grove_home().join("last-stop.json");
    let started = Instant::now();
    while tmux_sessions(&socket).len() < 5 || record.exists() {
        let running = tmux_sessions(&socket);
        assert!(started.elapsed() < WAIT, "Start did not restore the five and clear the record: {running:?}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // Quit: the one quit path, with nothing left behind.
    let (quit, _) = wait_for_item(&bus, dest, &menu_path, "Quit", |l| l == "Quit Grove (stops 5 sessions)");
    click(&bus, dest, &menu_path, quit);
    let took = wait_for_exit(pid, Duration::from_secs(15));
    eprintln!("tray Quit -> exit with 5 live sessions: {} ms", took.as_millis());
    assert_clean_quit(&home, &socket, &sessions, "after the tray's Quit");
    drop(app);
    driver.stop();
}
