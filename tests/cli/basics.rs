//! Version, config commands, usage errors and logging.

use serde_json::Value;

use crate::support::{grove, stderr, stdout};

#[test]
fn version_prints_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["--version"]);
    assert!(out.status.success(), "grove --version failed: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), format!("grove {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn config_schema_is_one_json_schema_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["config", "schema"]);
    assert!(out.status.success(), "grove config schema failed: {}", stderr(&out));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(schema["type"], "object");
    for table in ["defaults", "projects", "agents", "notifiers", "notification_routing", "reactions"] {
        assert!(schema["properties"][table].is_object(), "schema should describe [{table}]");
    }
}

#[test]
fn config_check_reports_file_line_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let ok = grove(dir.path(), &["config", "check"]);
    assert!(ok.status.success(), "no config file is valid (built-in defaults): {}", stderr(&ok));

    std::fs::write(dir.path().join("config.toml"), "[projects.api]\npath = \".\"\ndefualt_branch = \"main\"\n")
        .unwrap();
    let bad = grove(dir.path(), &["config", "check"]);
    assert_eq!(bad.status.code(), Some(1), "an invalid config must exit 1");
    let err = stderr(&bad);
    let config = dir.path().join("config.toml");
    assert!(err.contains(&format!("{}:3:1:", config.display())), "error should name file:line:column, got {err}");
    assert!(err.contains("did you mean `default_branch`"), "error should suggest the known key, got {err}");

    let json = grove(dir.path(), &["config", "check", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).expect("--json prints one JSON document");
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    assert_eq!(report["errors"][0]["key"], "projects.api.defualt_branch", "{report}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "clap exits 2 on usage errors");
    assert!(stderr(&out).contains("unrecognized subcommand"), "{}", stderr(&out));
    assert!(!dir.path().join("home").exists(), "a usage error must not create GROVE_HOME");
}

#[test]
fn every_command_leaves_a_line_in_the_rolling_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = grove(dir.path(), &["ls", "--project", "api"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("home/logs"))
        .expect("GROVE_HOME/logs/ exists after a command")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(logs.len(), 1, "one daily log file");
    let name = logs[0].file_name().to_string_lossy().into_owned();
    assert!(name.starts_with("grove.") && name.ends_with(".log"), "daily file name, got {name}");
    let text = std::fs::read_to_string(logs[0].path()).unwrap();
    assert!(text.contains("grove ls"), "the command is logged (flushed on exit), got {text:?}");
    assert!(stderr(&out).is_empty(), "info lines stay out of the CLI's stderr: {}", stderr(&out));
}
