//! `grove ls [--project P] [--stored] [--json]`: the sessions on disk with their derived status and
//! attention level. A CLI process holds no warm cache, so its cached read is the cold read of
//! SPEC D6: stored data, marked `enrichment = stored`; `--stored` says so explicitly.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::ProjectId;
use grove_engine::session::{AttentionLevel, DisplayStatus, PrSignals, SessionRecord, attention_level, display_status};
use grove_engine::store::{self, StoreWarning};
use serde::Serialize;

/// One session in `--json` output: the record as stored plus what Grove derives from it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedSession<'a> {
    #[serde(flatten)]
    record: &'a SessionRecord,
    status: DisplayStatus,
    attention: AttentionLevel,
    /// How fresh the live fields are (ARCHITECTURE §4); the CLI reads the disk only.
    enrichment: Enrichment,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Enrichment {
    Stored,
}

#[derive(Debug, Serialize)]
struct Listing<'a> {
    sessions: Vec<ListedSession<'a>>,
    warnings: &'a [StoreWarning],
}

pub fn run(home: &GroveHome, project: Option<&str>, json: bool) -> ExitCode {
    let project = match project.map(ProjectId::new).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let stored = match &project {
        Some(p) => store::list_stored_project(home, p),
        None => store::list_stored(home),
    };
    let sessions: Vec<ListedSession> = stored
        .sessions
        .iter()
        .map(|record| ListedSession {
            record,
            status: display_status(&record.lifecycle),
            // Not probed: no activity and no PR detail, which never raises the level (SPEC A5).
            attention: attention_level(&record.lifecycle, None, PrSignals::default()),
            enrichment: Enrichment::Stored,
        })
        .collect();
    if json {
        super::print_json(&Listing { sessions, warnings: &stored.warnings });
    } else {
        for warning in &stored.warnings {
            eprintln!("warning: {warning}");
        }
        print!("{}", table(&sessions, Utc::now()));
    }
    ExitCode::SUCCESS
}

fn table(sessions: &[ListedSession], now: DateTime<Utc>) -> String {
    if sessions.is_empty() {
        return "No sessions.\n".to_owned();
    }
    let header = ["ID", "PROJECT", "STATUS", "ATTENTION", "BRANCH", "AGE"].map(str::to_owned);
    let rows: Vec<[String; 6]> = sessions
        .iter()
        .map(|s| {
            [
                s.record.id.to_string(),
                s.record.project_id.to_string(),
                s.status.as_str().to_owned(),
                s.attention.as_str().to_owned(),
                s.record.branch.clone(),
                age(now, s.record.created_at),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Compact age as the dashboard shows it: "now", "40s", "4m", "2h", "3d".
fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        ..5 => "now".to_owned(),
        5..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_the_dashboard() {
        let now = Utc::now();
        let cases = [(0, "now"), (4, "now"), (5, "5s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h")];
        for (secs, text) in cases {
            assert_eq!(age(now, now - chrono::Duration::seconds(secs)), text, "{secs} s ago");
        }
        assert_eq!(age(now, now - chrono::Duration::days(3)), "3d");
        assert_eq!(age(now, now + chrono::Duration::seconds(30)), "now", "clock skew reads as now");
    }
}
