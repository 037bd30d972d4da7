//! Tauri's build step. Listing the app's commands in the app manifest makes each one need an
//! explicit `allow-<command>` permission in a capability: without it Tauri allows every app
//! command to every window by default, and least privilege is the point.

/// Every `#[tauri::command]` the app registers; keep in step with `generate_handler!` in app.rs.
const COMMANDS: &[&str] = &[
    "app_info",
    "tool_status",
    "feed_subscribe",
    "feed_resync",
    "feed_unsubscribe",
    "spawn_options",
    "spawn_session",
    "send_message",
    "send_keys",
    "kill_session",
    "restore_session",
    "stop_session",
    "open_worktree",
    "open_pr",
    "review_summary",
    "review_file",
    "review_context",
    "review_state",
    "review_set_viewed",
    "review_add_comment",
    "review_delete_comment",
    "review_send_comments",
    "review_mark_reviewed",
    "land_check",
    "land_session",
    "ask_resolve_conflicts",
    "reclaim_session",
    "disk_usage",
    "quit_app",
    "cancel_quit",
    "last_stop",
    "restore_last_stop",
    "decline_last_stop",
    "set_focus",
    "terminal_open",
    "terminal_input",
    "terminal_resize",
    "terminal_ack",
    "terminal_close",
    "attach_command",
    "open_link",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build step failed");
}
