//! `grove ls [--project P] [--stored | --fresh] [--json]`: sessions with their derived status,
//! activity and attention level, through the read paths of SPEC D6. The default is the cached
//! read; a CLI process holds no warm cache, so that is the cold read: stored data at once, marked
//! `enrichment = stored`. `--fresh` probes every live session, bounded per session.
//!
//! The stored read runs at the speed of the disk: no async runtime and no probes are set up for
//! it, the store reads records on several cores, and `--json` is serialised on several cores too
//! and streamed, chunk by chunk, to a buffered stdout ([`super::ls_json`]).

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use grove_engine::home::GroveHome;
use grove_engine::ids::ProjectId;
use grove_engine::manager::{SessionList, SessionView, Sessions};
use grove_engine::session::{AttentionLevel, DisplayStatus, Resolved, display_status};
use grove_engine::store::Store;
use serde::Serialize;
use std::io::Write as _;

/// One session in `--json` output: the view (record, live fields, enrichment) plus what the
/// engine's one resolver makes of it (SPEC A2a). `status` and `attention` stay for scripts that
/// read them; `attention` is `resolved.attention`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedSession<'a> {
    #[serde(flatten)]
    pub view: &'a SessionView,
    pub status: DisplayStatus,
    pub attention: AttentionLevel,
    pub resolved: Resolved,
}

impl<'a> ListedSession<'a> {
    pub fn new(view: &'a SessionView) -> Self {
        let resolved = view.resolve();
        Self { view, status: display_status(&view.record.lifecycle), attention: resolved.attention, resolved }
    }
}

/// The project named on the command line, or exit 2 for a malformed one.
fn project_arg(project: Option<&str>) -> Result<Option<ProjectId>, ExitCode> {
    project.map(ProjectId::new).transpose().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// The stored and the cached read, which in a CLI process are the same (module doc): the records
/// on disk, marked `stored`, without a runtime or a probe.
pub fn run_stored(home: &GroveHome, project: Option<&str>, json: bool) -> ExitCode {
    let project = match project_arg(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let stored = Store::new(home.clone()).list_stored();
    let list = SessionList {
        sessions: stored.sessions.into_iter().map(SessionView::stored).collect(),
        warnings: stored.warnings,
    };
    print_list(&list, project.as_ref(), json)
}

/// The live read: every session probed now, bounded per session.
pub async fn run_fresh(sessions: &Sessions, project: Option<&str>, json: bool) -> ExitCode {
    let project = match project_arg(project) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let list = sessions.list_fresh().await;
    print_list(&list, project.as_ref(), json)
}

fn print_list(list: &SessionList, project: Option<&ProjectId>, json: bool) -> ExitCode {
    let listed: Vec<&SessionView> =
        list.sessions.iter().filter(|v| project.is_none_or(|p| &v.record.project_id == p)).collect();
    if json {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        return match super::ls_json::write_listing(&mut out, &listed, &list.warnings).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => super::fail(format!("cannot write the listing: {e}")),
        };
    }
    for warning in &list.warnings {
        eprintln!("warning: {warning}");
    }
    let listed: Vec<ListedSession> = listed.into_iter().map(ListedSession::new).collect();
    print!("{}", table(&listed, Utc::now()));
    ExitCode::SUCCESS
}

fn table(sessions: &[ListedSession], now: DateTime<Utc>) -> String {
    if sessions.is_empty() {
        return "No sessions.\n".to_owned();
    }
    let header = ["ID", "PROJECT", "STATUS", "ACTIVITY", "ATTENTION", "BRANCH", "AGE"].map(str::to_owned);
    let rows: Vec<[String; 7]> = sessions
        .iter()
        .map(|s| {
            let record = &s.view.record;
            [
                record.id.to_string(),
                record.project_id.to_string(),
                // What the dashboard shows (one word, so the table stays easy to cut).
                s.resolved.state.as_str().to_owned(),
                // Not probed reads as "-", never as a guess (SPEC E5).
                s.view.live.activity.map_or("-", |a| a.as_str()).to_owned(),
                s.attention.as_str().to_owned(),
                record.branch.clone(),
                age(now, record.created_at),
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
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
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
