//! The first window: the dashboard shell renders, talks to the engine over IPC, follows the OS
//! theme, and the webview can reach nothing but Grove's own commands.

use std::path::Path;

use crate::harness::{Display, Driver, TestHome, Theme, save_screenshot};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");

/// Runs one app under `theme`, checks the shell, and returns the page's background colour.
fn check_shell(display: &Display, theme: Theme, screenshot: &str) -> String {
    let home = TestHome::new();
    let mut driver = Driver::start(display, &home, theme);
    let app = driver.launch(Path::new(APP));

    for id in ["app-shell", "toolbar", "project-selector", "sidebar", "session-area", "status-bar"] {
        app.by_test_id(id);
    }
    // No config yet: the first-run panel, naming the config file in use.
    let first_run = app.by_test_id("first-run");
    assert!(app.text(&first_run).contains("Add a project"), "first-run panel should invite adding a project");
    // No config either: Grove set up its demo project and says how to use it.
    let demo = app.text(&app.by_test_id("demo-ready"));
    assert!(demo.contains("grove spawn --project demo"), "the demo panel shows the command to try, got {demo}");
    let config = app.text(&app.by_test_id("config-path"));
    assert_eq!(config, "~/.config/grove/config.toml", "first run should name the config file, under ~");

    // These only render after commands answered over IPC.
    let git = app.text(&app.by_test_id("tool-git"));
    assert!(git.contains("git") && !git.contains("not on PATH"), "git is installed, the tool check says: {git}");
    let version = app.text(&app.by_test_id("app-version"));
    assert_eq!(version, format!("v{}", env!("CARGO_PKG_VERSION")), "status bar version");

    assert_webview_cannot_spawn(&app);

    let background = app
        .execute_async(
            "const done = arguments[arguments.length - 1];
             done(getComputedStyle(document.body).backgroundColor);",
        )
        .as_str()
        .unwrap_or_default()
        .to_owned();
    save_screenshot(&app, screenshot);
    app.quit();
    assert!(driver.stop(), "the driver, WebKitWebDriver and the app must all be gone after the test");
    background
}

/// The shell plugin is loaded for the Rust side, but the window has no permission to use it.
fn assert_webview_cannot_spawn(app: &WebDriver) {
    let outcome = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('plugin:shell|spawn', {program: 'sh', args: ['-c', 'true'], options: {}})
           .then(() => done('allowed'), (e) => done('denied: ' + e));",
    );
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    assert!(outcome.starts_with("denied"), "the webview must not be able to spawn processes, got {outcome}");
}

#[test]
fn dashboard_shell_renders_in_both_themes_and_only_grove_commands_are_reachable() {
    let display = Display::start();
    let light = check_shell(&display, Theme::Light, "dashboard-light.png");
    let dark = check_shell(&display, Theme::Dark, "dashboard-dark.png");
    // bg-base of the two token sets (ui/src/styles/tokens.css).
    assert_eq!(light, "rgb(245, 247, 246)", "light OS theme should give the light palette");
    assert_eq!(dark, "rgb(14, 18, 17)", "dark OS theme should give the dark palette");
}
