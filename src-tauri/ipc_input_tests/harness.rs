//! The fixture the bad calls run on, and the "writes nothing" check.

use super::*;

/// A stopped session of project `api`, restorable, with no PR and no worktree on disk.
fn record(id: &str) -> String {
    json!({
        "version": 1, "id": id, "projectId": "api", "kind": "worker", "agent": "claude-code",
        "runtime": "tmux", "branch": format!("session/{id}"), "worktree": format!("/nonexistent/grove-ipc/{id}"),
        "createdAt": "2026-01-02T03:04:05Z", "displayName": "ipc input tests",
        "lifecycle": {
            "session": {"state": "terminated", "reason": "stopped_for_restore", "startedAt": null,
                        "lastTransitionAt": "2026-01-02T03:04:06Z", "terminatedAt": "2026-01-02T03:04:06Z"},
            "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
            "runtime": {"state": "exited", "reason": "stopped_for_restore", "handle": null}
        }
    })
    .to_string()
}

pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    /// GROVE_HOME, and the project's directory (not a git repository, so nothing could spawn).
    roots: Vec<PathBuf>,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Fixture {
    /// An app on a home with project `api` and session `api-1`, its engine started and its
    /// start-up writes settled.
    pub(super) fn start() -> (Fixture, Tree) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let repo = dir.path().join("repo");
        let sessions = home.join("projects").join("api").join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        std::fs::create_dir_all(&repo).unwrap();
        let config = format!("[projects.api]\npath = {:?}\n", repo.display().to_string());
        std::fs::write(home.join("config.toml"), config).unwrap();
        std::fs::write(sessions.join(format!("{KNOWN}.json")), record(KNOWN)).unwrap();
        let (app, window) = window_in(&home);
        // spawn_options waits for the engine (up to 30 s), so later calls find it running and
        // the synchronous terminal commands do not answer "not running".
        let options = invoke_in(&window, "spawn_options", json!({})).expect("the engine starts");
        let projects: Vec<_> = options["projects"].as_array().into_iter().flatten().map(|p| &p["id"]).collect();
        assert_eq!(projects, [&json!("api")], "the fixture's config is in force: {options}");
        let fixture = Fixture { _dir: dir, roots: vec![home, repo], _app: app, window };
        let baseline = fixture.settled("start-up");
        (fixture, baseline)
    }

    fn snapshot(&self) -> Tree {
        let mut tree = BTreeMap::new();
        for (i, root) in self.roots.iter().enumerate() {
            walk(root, &PathBuf::from(format!("root{i}")), &mut tree);
        }
        tree
    }

    /// The tree once it has stopped changing: the same for 1 s in a row, within 30 s.
    pub(super) fn settled(&self, what: &str) -> Tree {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = self.snapshot();
        let mut stable_since = Instant::now();
        while stable_since.elapsed() < Duration::from_secs(1) {
            assert!(Instant::now() < deadline, "the data directory kept changing for 30 s after {what}: {last:#?}");
            std::thread::sleep(Duration::from_millis(50));
            let now = self.snapshot();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
        last
    }

    /// Runs `cases` of `cmd`; returns what went wrong, one line per case.
    pub(super) fn run(&self, cmd: &str, cases: &[&Case], tree: &mut Tree) -> Vec<String> {
        let mut failures = Vec::new();
        for case in cases {
            let outcome = invoke_in(&self.window, cmd, case.args.clone());
            let context = format!("{cmd} [{}] with {}", case.what, short(&case.args.to_string()));
            if let Err(problem) = check(case.expect, &outcome) {
                failures.push(format!("{context}: expected {:?}, {problem}; got {}", case.expect, shown(&outcome)));
            }
            let after = self.snapshot();
            if after != *tree {
                failures.push(format!("{context}: wrote to the data directory: {}", diff(tree, &after)));
                *tree = after;
            }
        }
        failures
    }
}

fn check(expect: Expect, outcome: &Result<Value, Value>) -> Result<(), String> {
    match (expect, outcome) {
        (Expect::Ok, Ok(_)) => Ok(()),
        (Expect::Ok, Err(_)) => Err("but it failed".into()),
        (_, Ok(_)) => Err("but it succeeded".into()),
        (Expect::Code(code), Err(error)) => {
            let message = error.get("message").and_then(Value::as_str);
            if message.is_none_or(str::is_empty) || error.get("step").is_none() {
                return Err("but it is no typed IpcError {code, message, step}".into());
            }
            match error.get("code").and_then(Value::as_str) {
                Some(actual) if actual == code => Ok(()),
                actual => Err(format!("but the code is {actual:?}")),
            }
        }
        (Expect::Refused(needle), Err(error)) => {
            let message = error.as_str().or_else(|| error.get("message").and_then(Value::as_str)).unwrap_or_default();
            if message.contains(needle) { Ok(()) } else { Err(format!("but the message does not name {needle:?}")) }
        }
    }
}

/// Each file and directory under a root: kind, size, modification time and a hash of the contents.
pub(super) type Tree = BTreeMap<PathBuf, String>;

fn walk(dir: &Path, rel: &Path, tree: &mut Tree) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let (path, name) = (entry.path(), entry.file_name());
        // Logging may append to logs/ at any time; it is no write of the command under test.
        if rel.components().count() == 1 && name == "logs" {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let mtime = meta.modified().ok();
        let key = rel.join(&name);
        if meta.is_dir() {
            tree.insert(key.clone(), format!("dir mtime {mtime:?}"));
            walk(&path, &key, tree);
        } else {
            let mut hasher = DefaultHasher::new();
            std::fs::read(&path).ok().hash(&mut hasher);
            let hash = hasher.finish();
            tree.insert(key, format!("file {} bytes, mtime {mtime:?}, hash {hash:x}", meta.len()));
        }
    }
}

pub(super) fn diff(before: &Tree, after: &Tree) -> String {
    let mut lines = Vec::new();
    for (path, entry) in after {
        match before.get(path) {
            None => lines.push(format!("+ {} ({entry})", path.display())),
            Some(old) if old != entry => lines.push(format!("~ {} ({old} -> {entry})", path.display())),
            Some(_) => {}
        }
    }
    lines.extend(before.keys().filter(|p| !after.contains_key(*p)).map(|p| format!("- {}", p.display())));
    lines.join("; ")
}

fn short(text: &str) -> String {
    const MAX: usize = 160;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}... ({} bytes)", text.chars().take(MAX).collect::<String>(), text.len())
    }
}

fn shown(outcome: &Result<Value, Value>) -> String {
    match outcome {
        Ok(value) => format!("Ok({})", short(&value.to_string())),
        Err(error) => format!("Err({})", short(&error.to_string())),
    }
}
