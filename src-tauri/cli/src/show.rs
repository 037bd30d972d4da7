//! `grove show ID [--timeout-ms N] [--json]`: one session, with live enrichment bounded by N ms
//! (SPEC D6 `get`). A probe that misses the deadline leaves the stored fields and says so.

use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use grove_engine::ids::SessionId;
use grove_engine::manager::{Enrichment, ReadError, Sessions};

use super::ls::{ListedSession, age};

pub async fn run(sessions: &Sessions, id: &str, timeout: Duration, json: bool) -> ExitCode {
    let id = match SessionId::new(id) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let view = match sessions.get(&id, timeout).await {
        Ok(view) => view,
        Err(ReadError::NotFound { id }) => {
            eprintln!("error: no session {id}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listed = ListedSession::new(&view);
    if json {
        super::print_json(&listed);
        return ExitCode::SUCCESS;
    }
    let r = &view.record;
    let lc = &r.lifecycle;
    let mut lines = vec![
        ("id", r.id.to_string()),
        ("project", r.project_id.to_string()),
        ("name", r.display_name.clone().unwrap_or_else(|| r.id.to_string())),
        ("status", listed.resolved.state.as_str().to_owned()),
        ("reason", listed.resolved.reason.clone()),
        ("attention", listed.attention.as_str().to_owned()),
        ("activity", view.live.activity.map_or("-".to_owned(), |a| a.to_string())),
        ("agent", r.agent.clone()),
        ("branch", r.branch.clone()),
        ("worktree", r.worktree.display().to_string()),
        ("created", format!("{} ({} ago)", r.created_at.to_rfc3339(), age(Utc::now(), r.created_at))),
        ("session", format!("{} / {}", lc.session.state, lc.session.reason)),
        ("pr", format!("{} / {}", lc.pr.state, lc.pr.reason)),
        ("runtime", format!("{} / {}", lc.runtime.state, lc.runtime.reason)),
        ("live data", enrichment_text(&view.enrichment)),
    ];
    if let Some(agent_id) = &r.agent_session_id {
        lines.push(("agent session", agent_id.clone()));
    }
    if let Some(error) = &view.live.agent_error {
        lines.push(("agent error", error.clone()));
    }
    for (key, value) in lines {
        println!("{key:<14}{value}");
    }
    // What the agent printed last before it died (SPEC A2a), as the pane showed it.
    if let Some(exit) = r.exit.as_ref().filter(|e| !e.last_lines.is_empty()) {
        println!("last lines");
        for line in &exit.last_lines {
            println!("  {line}");
        }
    }
    ExitCode::SUCCESS
}

fn enrichment_text(e: &Enrichment) -> String {
    match e {
        Enrichment::Stored => "from the record (not probed)".to_owned(),
        Enrichment::Enriched { at } => format!("probed at {}", at.to_rfc3339()),
        Enrichment::Failed { at, error } => format!("probe failed at {}: {error}", at.to_rfc3339()),
        Enrichment::TimedOut { at } => format!("probe timed out at {}; showing stored fields", at.to_rfc3339()),
    }
}
