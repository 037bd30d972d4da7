//! The live dashboard over a seeded fleet of 1,000 sessions (issue: the live dashboard; SPEC
//! E1-E5): the list renders them, follows edits, deletions and a corrupt file on disk through
//! the feed, and a spawn from the dialog shows its row go from spawning to working.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Display, Driver, TestHome, Theme, save_screenshot};
use crate::seed::{self, Fleet};
use crate::webdriver::WebDriver;

const APP: &str = env!("CARGO_BIN_EXE_grove-app");
/// The command line, as agents and users run it; with no subcommand it execs the window binary.
const CLI: &str = env!("CARGO_BIN_EXE_grove");

/// Rows as the list renders them: key, state glyph and group of every row in the DOM.
fn rendered_rows(app: &WebDriver) -> Vec<(String, String, String)> {
    let rows = app.eval(
        "[...document.querySelectorAll('[data-testid=session-row]:not([data-pending])')]
           .map(r => [r.dataset.session, r.dataset.state, r.dataset.group])",
    );
    rows.as_array()
        .expect("a list of rows")
        .iter()
        .map(|r| {
            let field = |i: usize| r[i].as_str().unwrap_or_default().to_owned();
            (field(0), field(1), field(2))
        })
        .collect()
}

/// A git repository with one commit on `main`, for the project spawns go to.
fn make_repo(dir: &Path) -> PathBuf {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("README.md"), "# demo\n").unwrap();
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

/// A config with one project whose agent is Grove's demo agent. Its `post_create` takes two
/// seconds, like a dependency install would, so the spawning state is on screen long enough to
/// see (and photograph).
fn write_config(home: &TestHome, repo: &Path) {
    let quoted = |s: &str| serde_json::to_string(s).unwrap();
    let text = format!(
        "[projects.demo]\nname = \"Demo\"\npath = {repo}\ndefault_branch = \"main\"\nsession_prefix = \"demo\"\n\
         agent = \"demo\"\npost_create = [\"sleep 2\"]\n\n[agents.demo]\ncommand = {exe}\nargs = [\"demo-agent\"]\n",
        repo = quoted(repo.to_str().unwrap()),
        exe = quoted(CLI),
    );
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_dashboard_follows_the_store_with_a_thousand_sessions() {
    let display = Display::start();
    let home = TestHome::new();
    let repo = make_repo(&home.user_home());
    write_config(&home, &repo);
    let fleet = Fleet::write(&home.grove_home(), &home.user_home(), 1000);
    let mut driver = Driver::start(&display, &home, Theme::Dark);
    let app = driver.launch(Path::new(APP));

    // 1. All 1,000 arrive; the list renders only what fits (virtualised).
    app.wait_for("all 1,000 seeded sessions in the feed", "window.__groveFeed?.sessions === 1000", secs(60));
    app.wait_for("rendered rows", "document.querySelectorAll('[data-testid=session-row]').length > 10", secs(10));
    let rows = rendered_rows(&app);
    assert!(rows.len() < 200, "the list must be virtualised: {} rows in the DOM for 1,000 sessions", rows.len());
    assert!(rows.iter().all(|(_, state, _)| state != "exited"), "no seeded row may read exited: {rows:?}");
    // Headers are items of the virtual list too, so most are off screen: count from the store.
    let groups = app.eval("window.__groveFeed.groups");
    let expected = fleet.expected_groups();
    for (group, count) in &expected {
        assert_eq!(groups[group].as_u64(), Some(*count), "group {group}: the dashboard's count, all groups: {groups}");
    }
    save_screenshot(&app, "dashboard-1000.png");

    // 2. An edit on disk changes its row.
    let (edited, _, _) = rows[0].clone();
    let written = Instant::now();
    seed::rename(&fleet.record_path(&edited), "Edited on disk");
    app.wait_for(
        "the edited title",
        &format!(
            "document.querySelector('[data-session=\"{edited}\"] [data-testid=row-title]')?.textContent.includes('Edited on disk')"
        ),
        secs(10),
    );
    eprintln!(
        "edit on disk -> row updated: {} ms (observed by the test, includes WebDriver round trips)",
        written.elapsed().as_millis()
    );

    // 3. A deleted record leaves the list.
    let (deleted, _, _) = rows[1].clone();
    std::fs::remove_file(fleet.record_path(&deleted)).expect("delete a record");
    app.wait_for(
        "the deleted row to go",
        &format!("!document.querySelector('[data-session=\"{deleted}\"]') && window.__groveFeed.sessions === 999"),
        secs(10),
    );

    // 4. A corrupt file becomes a warning; every other session stays.
    let (corrupted, _, _) = rows[2].clone();
    seed::write_atomically(&fleet.record_path(&corrupted), "{\"version\": 1, \"id\": ");
    app.wait_for("the warnings banner", "document.querySelector('[data-testid=warnings-banner]')", secs(10));
    app.wait_for("998 sessions after the quarantine", "window.__groveFeed.sessions === 998", secs(10));
    assert!(rendered_rows(&app).len() > 10, "the other cards stay on screen");
    let banner = app.eval("document.querySelector('[data-testid=warnings-banner]').textContent");
    let banner = banner.as_str().unwrap_or_default();
    let file = format!("{}.json", corrupted.split('/').nth(1).unwrap());
    assert!(banner.contains(&file) || banner.contains("problem"), "the banner points at the bad record: {banner}");
    save_screenshot(&app, "dashboard-corrupt-record.png");
    app.click(&app.by_test_id("problems-button"));
    let panel = app.text(&app.by_test_id("problems-panel"));
    assert!(panel.contains(&file), "the problems panel names the quarantined file {file}: {panel}");
    save_screenshot(&app, "dashboard-problems.png");
    app.eval("window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})) || true");

    // 5. A config edit with an error shows as a warning naming the file; fixing it clears it.
    let config = home.config_path();
    let good = std::fs::read_to_string(&config).expect("read config");
    std::fs::write(&config, format!("{good}\n[projects.demo.unknown]\n")).expect("break the config");
    let warning = app.wait_for(
        "a config warning",
        "document.querySelector('[data-testid=warnings-banner]')?.textContent.includes('2 problems') && \
         document.querySelector('[data-testid=warnings-banner]').textContent",
        secs(10),
    );
    eprintln!("config warning banner: {warning}");
    std::fs::write(&config, &good).expect("fix the config");
    app.wait_for(
        "the config warning to clear",
        "document.querySelector('[data-testid=warnings-banner]')?.textContent.includes('1 problem')",
        secs(10),
    );

    // 6. Spawn from the dialog: the row goes from spawning to working.
    app.eval(
        "(() => {
           window.__spawnStates = [];
           const seen = () => {
             for (const r of document.querySelectorAll('[data-testid=session-row]')) {
               if (r.dataset.pending || (r.dataset.session || '').startsWith('demo/')) {
                 const last = window.__spawnStates[window.__spawnStates.length - 1];
                 if (last !== r.dataset.state) window.__spawnStates.push(r.dataset.state);
               }
             }
           };
           new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, attributes: true});
           return true;
         })()",
    );
    app.click(&app.by_test_id("spawn-button"));
    app.by_test_id("spawn-dialog");
    app.click(&app.find("select[name=project] option[value=\"demo\"]"));
    app.type_text(&app.find("textarea[name=prompt]"), "Fix the failing test for an empty list");
    app.click(&app.by_test_id("spawn-submit"));
    app.wait_for(
        "a spawning row",
        "document.querySelector('[data-testid=session-row][data-state=spawning]')",
        secs(10),
    );
    save_screenshot(&app, "dashboard-spawning.png");
    // Only the demo project from here: the list is virtualised, and a session that is already
    // asking its question when the feed first reports it sits in the respond group at the top,
    // out of the rendered rows of a list scrolled down to the spawning row.
    app.click(&app.find("[data-testid=sidebar-project][data-project=demo]"));
    // The demo agent reports its steps like a hooked agent: working, or already asking its
    // question if the first reading came after it asked (the question is seeded per session).
    app.wait_for(
        "the spawned session working or asking",
        "document.querySelector('[data-session^=\"demo/\"]:is([data-state=working], [data-state=needs_input])')",
        secs(60),
    );
    let states = app.eval("window.__spawnStates");
    let states: Vec<&str> = states.as_array().expect("states").iter().filter_map(Value::as_str).collect();
    assert_eq!(states.first(), Some(&"spawning"), "the new row first shows spawning: {states:?}");
    assert!(
        states.iter().any(|s| *s == "working" || *s == "needs_input"),
        "then the agent runs (working, or asking its question): {states:?}"
    );
    save_screenshot(&app, "dashboard-spawned.png");

    // 7. The detail panel of the new session.
    app.click(&app.find("[data-session^=\"demo/\"][data-testid=session-row]"));
    app.eval("window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})) || true");
    let detail = app.by_test_id("detail-panel");
    let key = app.attr(&detail, "data-session").unwrap_or_default();
    assert!(key.starts_with("demo/"), "the detail panel shows the spawned session, got {key}");
    let title = app.wait_for(
        "the detail title",
        "document.querySelector('[data-testid=detail-title]')?.textContent.trim()",
        secs(10),
    );
    let title = title.as_str().unwrap_or_default();
    assert!(title.contains("Fix the failing test"), "detail title is the task: {title}");
    save_screenshot(&app, "dashboard-detail.png");

    app.quit();
    assert!(driver.stop(), "the driver, WebKitWebDriver and the app must all be gone after the test");
    drop(fleet);
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}
