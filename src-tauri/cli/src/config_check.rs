//! `grove config check [--json]`: every config error with file and line; exit 1 on any.

use std::path::PathBuf;
use std::process::ExitCode;

use grove_engine::config::{self, ConfigError, ConfigSources};
use serde::Serialize;

/// The `--json` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckReport {
    ok: bool,
    /// The config files that exist and were read.
    files: Vec<PathBuf>,
    /// Project ids of the merged config (empty when it has errors).
    projects: Vec<String>,
    errors: Vec<ConfigError>,
    warnings: Vec<String>,
}

pub fn run(sources: &ConfigSources, json: bool) -> ExitCode {
    let report = report(sources);
    if json {
        super::print_json(&report);
    } else {
        print_text(&report, sources);
    }
    if report.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn report(sources: &ConfigSources) -> CheckReport {
    let errors = config::check(sources);
    let (projects, warnings) = match config::load_strict(sources) {
        Ok(loaded) if errors.is_empty() => {
            (loaded.config.projects.keys().map(|id| id.to_string()).collect(), loaded.warnings)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let mut files = vec![sources.global.clone()];
    files.extend(sources.running.clone());
    files.retain(|f| f.is_file());
    CheckReport { ok: errors.is_empty(), files, projects, errors, warnings }
}

fn print_text(report: &CheckReport, sources: &ConfigSources) {
    for error in &report.errors {
        eprintln!("{error}");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if report.ok {
        if report.files.is_empty() {
            println!(
                "config ok: no config file yet, using built-in defaults; add projects to {}",
                sources.global.display()
            );
        } else {
            let files = report.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ");
            println!("config ok: {} project(s) from {files}", report.projects.len());
        }
    } else {
        let n = report.errors.len();
        eprintln!("{n} error{} in config", if n == 1 { "" } else { "s" });
    }
}
