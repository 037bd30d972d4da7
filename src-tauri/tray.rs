//! The tray menu (SPEC H1, UI §1.11): live counts from the feed, Show Grove, Start (restore the
//! last stop's sessions), Stop all sessions (confirmed, worktrees kept), Quit (the one quit path).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use grove_engine::feed::FeedEvent;
use grove_engine::manager::SessionKey;
use grove_engine::session::{AttentionLevel, Resolved};
use grove_engine::store::StopScope;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons};
use tokio::sync::watch;

use crate::backend::BackendCell;
use crate::lifecycle::Lifecycle;

/// The tray's menu text is rewritten at most this often: counts change with every patch, and a
/// menu rebuilt on each would cost more than it tells.
const REFRESH_EVERY: Duration = Duration::from_millis(500);

/// Event the window receives when the tray stopped or restored sessions; payload: a summary line.
pub const TRAY_ACTION_EVENT: &str = "tray-action";

/// What the tray shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FleetCounts {
    pub respond: usize,
    pub working: usize,
    /// Sessions not ended (SPEC A3): what Quit and Stop all would stop. A crashed session needs
    /// you but is not live: there is nothing left to stop.
    pub live: usize,
    pub total: usize,
}

/// What the engine's resolver said of each session, kept from the feed's snapshots and patches:
/// the tray counts what the dashboard shows and never decides for itself (SPEC A2a).
#[derive(Debug, Default)]
pub struct FleetTally {
    sessions: HashMap<SessionKey, (AttentionLevel, bool)>,
}

fn tallied(resolved: &Resolved) -> (AttentionLevel, bool) {
    (resolved.attention, resolved.ended)
}

impl FleetTally {
    pub fn apply(&mut self, event: &FeedEvent) -> FleetCounts {
        match event {
            FeedEvent::Snapshot(snapshot) => {
                self.sessions =
                    snapshot.sessions.iter().map(|s| (SessionKey::of(&s.view.record), tallied(&s.resolved))).collect();
            }
            FeedEvent::Patch(patch) => {
                for session in &patch.sessions {
                    self.sessions.insert(SessionKey::of(&session.view.record), tallied(&session.resolved));
                }
                for key in &patch.removed {
                    self.sessions.remove(key);
                }
            }
        }
        self.counts()
    }

    pub fn counts(&self) -> FleetCounts {
        let mut counts = FleetCounts { total: self.sessions.len(), ..FleetCounts::default() };
        for (level, ended) in self.sessions.values() {
            match level {
                AttentionLevel::Respond => counts.respond += 1,
                AttentionLevel::Working => counts.working += 1,
                _ => {}
            }
            if !ended {
                counts.live += 1;
            }
        }
        counts
    }
}

/// The header line: "Grove — 3 need you · 27 working · 42 total".
pub fn header_text(counts: &FleetCounts) -> String {
    format!("Grove — {} need you · {} working · {} total", counts.respond, counts.working, counts.total)
}

fn sessions(n: usize) -> String {
    if n == 1 { "1 session".to_owned() } else { format!("{n} sessions") }
}

/// Builds the tray and starts the task that keeps its counts current.
pub fn create<R: Runtime>(app: &AppHandle<R>, lifecycle: Arc<Lifecycle>, cell: BackendCell) -> tauri::Result<()> {
    let header = MenuItem::with_id(app, "header", header_text(&FleetCounts::default()), false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Grove", true, None::<&str>)?;
    let start = MenuItem::with_id(app, "start", "Start (nothing to restore)", false, None::<&str>)?;
    let stop = MenuItem::with_id(app, "stop", "Stop all sessions…", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Grove", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let separator2 = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&header, &separator, &show, &start, &stop, &separator2, &quit])?;
    let mut tray = TrayIconBuilder::with_id("grove").tooltip("Grove").menu(&menu).show_menu_on_left_click(true);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    let actions = cell.clone();
    tray.on_menu_event(move |app, event| match event.id.as_ref() {
        "show" => crate::app::focus_main_window(app),
        "quit" => lifecycle.quit(app.clone(), "tray Quit"),
        "stop" => confirm_stop_all(app, actions.clone()),
        "start" => restore_last_stop(app, actions.clone()),
        _ => {}
    })
    .build(app)?;

    let (counts_tx, counts_rx) = watch::channel(FleetCounts::default());
    let feed_cell = cell.clone();
    tauri::async_runtime::spawn(async move {
        let Some(backend) = feed_cell.get().await else { return };
        let mut tally = FleetTally::default();
        backend.subscribe(move |event| {
            let counts = tally.apply(&event);
            counts_tx.send(counts).is_ok()
        });
    });
    let refresh_cell = cell;
    tauri::async_runtime::spawn(async move {
        let mut counts_rx = counts_rx;
        loop {
            let counts = *counts_rx.borrow_and_update();
            let _ = header.set_text(header_text(&counts));
            let _ = quit.set_text(if counts.live > 0 {
                format!("Quit Grove (stops {})", sessions(counts.live))
            } else {
                "Quit Grove".to_owned()
            });
            let _ = stop.set_enabled(counts.live > 0);
            let restorable = match refresh_cell.get().await {
                Some(backend) => backend.ops().last_stop().await.ok().flatten().map_or(0, |l| l.session_count()),
                None => 0,
            };
            let _ = start.set_text(if restorable > 0 {
                format!("Start (restore {})", sessions(restorable))
            } else {
                "Start (nothing to restore)".to_owned()
            });
            let _ = start.set_enabled(restorable > 0);
            if counts_rx.changed().await.is_err() {
                return;
            }
            tokio::time::sleep(REFRESH_EVERY).await;
        }
    });
    Ok(())
}

/// "Stop all sessions…": a native confirmation naming the count and that worktrees are kept.
fn confirm_stop_all<R: Runtime>(app: &AppHandle<R>, cell: BackendCell) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(backend) = cell.get().await else { return };
        let live = backend.live_count().await;
        if live == 0 {
            return;
        }
        let text = format!(
            "Stop {}? Their worktrees and uncommitted work are kept, and Start in this menu brings them back.",
            sessions(live)
        );
        let confirm = app.clone();
        app.dialog()
            .message(text)
            .title("Stop all sessions")
            .buttons(MessageDialogButtons::OkCancelCustom("Stop all".into(), "Cancel".into()))
            .show(move |yes| {
                if !yes {
                    return;
                }
                tauri::async_runtime::spawn(async move {
                    let summary = match backend.stop_all(StopScope::All).await {
                        Ok(report) => {
                            format!("Stopped {}; {} failed", sessions(report.stopped.len()), report.failed.len())
                        }
                        Err(e) => format!("Stop all failed: {e}"),
                    };
                    tracing::info!("tray: {summary}");
                    let _ = confirm.emit(TRAY_ACTION_EVENT, summary);
                });
            });
    });
}

/// "Start (restore N sessions)": restores the last stop's sessions (SPEC G5).
fn restore_last_stop<R: Runtime>(app: &AppHandle<R>, cell: BackendCell) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(backend) = cell.get().await else { return };
        let summary = match backend.restore_last_stop(|_| {}).await {
            Ok(report) => {
                format!("Restored {}; {} failed", sessions(report.restored.len()), report.failed.len())
            }
            Err(e) => format!("Restore failed: {e}"),
        };
        tracing::info!("tray: {summary}");
        let _ = app.emit(TRAY_ACTION_EVENT, summary);
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.show();
        }
    });
}

#[cfg(test)]
mod tests {
    use grove_engine::feed::{FeedSession, Patch, Snapshot};
    use grove_engine::manager::SessionView;
    use grove_engine::session::SessionRecord;

    use super::*;

    /// A stored session `id` whose session and runtime parts are as given; the feed resolves it.
    fn session(id: &str, state: &str, reason: &str, runtime: (&str, &str)) -> FeedSession {
        let record: SessionRecord = serde_json::from_value(serde_json::json!({
            "version": 1, "id": id, "projectId": "api", "kind": "worker", "agent": "claude-code",
            "runtime": "tmux", "branch": format!("session/{id}"), "worktree": format!("/w/{id}"),
            "createdAt": "2026-01-02T03:04:05Z",
            "lifecycle": {
                "session": {"state": state, "reason": reason, "startedAt": null,
                            "lastTransitionAt": "2026-01-02T03:04:06Z", "terminatedAt": null},
                "pr": {"state": "none", "reason": "not_created", "number": null, "url": null},
                "runtime": {"state": runtime.0, "reason": runtime.1, "handle": null}
            }
        }))
        .expect("a valid record");
        FeedSession::of(SessionView::stored(record))
    }

    const ALIVE: (&str, &str) = ("alive", "process_running");

    fn working(id: &str) -> FeedSession {
        session(id, "working", "task_in_progress", ALIVE)
    }

    fn needs_input(id: &str) -> FeedSession {
        session(id, "needs_input", "awaiting_user_input", ALIVE)
    }

    fn killed(id: &str) -> FeedSession {
        session(id, "terminated", "manually_killed", ("exited", "manual_kill_requested"))
    }

    fn crashed(id: &str) -> FeedSession {
        session(id, "terminated", "runtime_lost", ("missing", "tmux_missing"))
    }

    #[test]
    fn the_tally_follows_snapshots_patches_and_removals() {
        let mut tally = FleetTally::default();
        let snapshot = Snapshot {
            seq: 1,
            sessions: vec![needs_input("api-1"), working("api-2"), killed("api-3")],
            projects: Vec::new(),
            warnings: Vec::new(),
        };
        let counts = tally.apply(&FeedEvent::Snapshot(snapshot));
        assert_eq!(counts, FleetCounts { respond: 1, working: 1, live: 2, total: 3 }, "from the snapshot");
        let patch = Patch {
            seq: 2,
            sessions: vec![working("api-1")],
            removed: vec![SessionKey::of(&killed("api-3").view.record)],
            warnings: None,
        };
        let counts = tally.apply(&FeedEvent::Patch(patch));
        assert_eq!(counts, FleetCounts { respond: 0, working: 2, live: 2, total: 2 }, "after the patch");
    }

    /// SPEC A2a, H1: the tray counts what the resolver says. A crashed session needs you (it used
    /// to be counted as a killed, done one) but is not live: Quit has nothing of it to stop.
    #[test]
    fn a_crash_counts_as_needing_you_and_a_kill_does_not() {
        let mut tally = FleetTally::default();
        let snapshot = Snapshot {
            seq: 1,
            sessions: vec![crashed("api-1"), killed("api-2"), working("api-3")],
            projects: Vec::new(),
            warnings: Vec::new(),
        };
        let counts = tally.apply(&FeedEvent::Snapshot(snapshot));
        assert_eq!(counts, FleetCounts { respond: 1, working: 1, live: 1, total: 3 });
    }

    #[test]
    fn header_text_reads_like_the_brief() {
        let counts = FleetCounts { respond: 3, working: 27, live: 35, total: 42 };
        assert_eq!(header_text(&counts), "Grove — 3 need you · 27 working · 42 total");
        assert_eq!(sessions(1), "1 session");
        assert_eq!(sessions(14), "14 sessions");
    }
}
