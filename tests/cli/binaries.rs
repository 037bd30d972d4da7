//! Two binaries (ARCHITECTURE §3.6): `grove`, the command line, loads none of the window's
//! libraries; with no subcommand it becomes `grove-app` from its own directory (same process, same
//! arguments), and says so plainly when that binary is missing.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

/// A copy of the real `grove` in `dir`, alone: what a partial install looks like.
fn lone_grove(dir: &Path) -> std::path::PathBuf {
    let grove = dir.join("grove");
    std::fs::copy(env!("CARGO_BIN_EXE_grove"), &grove).expect("copy the grove binary");
    grove
}

#[test]
fn grove_with_no_subcommand_becomes_the_window_binary_beside_it_with_the_same_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let grove = lone_grove(dir.path());
    // A stand-in for the window: records its arguments and its pid.
    let app = dir.path().join("grove-app");
    let record = dir.path().join("app-ran");
    std::fs::write(&app, format!("#!/bin/sh\nprintf '%s\\n' \"$$\" \"$@\" > '{}'\n", record.display())).unwrap();
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut child = Command::new(&grove)
        .args(["--config", "my config.toml"])
        .env("GROVE_HOME", dir.path().join("home"))
        .spawn()
        .expect("start grove");
    let pid = child.id();
    let status = child.wait().expect("wait for grove");
    assert!(status.success(), "grove with no subcommand should end as the app ends: {status}");
    let ran = std::fs::read_to_string(&record).expect("grove with no subcommand did not start grove-app");
    let lines: Vec<&str> = ran.lines().collect();
    assert_eq!(
        lines,
        [pid.to_string().as_str(), "--config", "my config.toml"],
        "grove-app must replace the grove process (same pid) and get its arguments unchanged"
    );
}

#[test]
fn grove_with_no_subcommand_and_no_window_binary_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let grove = lone_grove(dir.path());
    let out = Command::new(&grove).env("GROVE_HOME", dir.path().join("home")).output().expect("run grove");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a missing app is an error: {stderr}");
    assert!(
        stderr.contains("grove-app") && stderr.contains("missing"),
        "the error should name the missing binary: {stderr}"
    );
}

#[test]
fn the_command_line_links_none_of_the_window_s_libraries() {
    let out = Command::new("ldd").arg(env!("CARGO_BIN_EXE_grove")).output();
    let Ok(out) = out else { return };
    let libraries = String::from_utf8_lossy(&out.stdout);
    for window_library in ["libgtk", "libwebkit", "libjavascriptcore", "libsoup"] {
        assert!(
            !libraries.contains(window_library),
            "grove links {window_library}: agents would load it on every hook event\n{libraries}"
        );
    }
}
