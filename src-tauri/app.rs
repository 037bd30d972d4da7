//! The Tauri builder and the window's life. Generic over the runtime so tests drive the same
//! builder through `tauri::test::mock_builder()`.

use std::sync::Arc;

use grove_engine::feed::FeedOptions;
use grove_engine::store::StoreError;
use tauri::{Manager, RunEvent, Runtime, WindowEvent};

use crate::attention::FocusState;
use crate::backend::{Backend, BackendCell};
use crate::commands::{self, AppContext, attention, feed, fleet, review, sessions, terminal};
use crate::lifecycle::Lifecycle;

/// The builder with Grove's state and commands, and no plugins: what app-shell tests exercise.
/// The engine starts in the background as the app is set up, so the window opens at once and
/// commands wait the moment the first reading of the store takes.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, ctx: AppContext) -> tauri::Builder<R> {
    builder_with(builder, ctx, FeedOptions::default())
}

/// [`builder`] with the feed's options (tests turn the file watcher off or shorten timings).
pub fn builder_with<R: Runtime>(
    builder: tauri::Builder<R>,
    ctx: AppContext,
    options: FeedOptions,
) -> tauri::Builder<R> {
    let (ready, cell) = BackendCell::new();
    let (home, sources) = (ctx.home.clone(), ctx.sources.clone());
    // Started here rather than in a setup hook so the mock runtime of app-shell tests, which
    // builds apps it never runs, gets a working engine too.
    tauri::async_runtime::spawn(async move {
        let backend = Backend::start(home, sources, options).await;
        tracing::info!("engine started");
        let _ = ready.send(Some(std::sync::Arc::new(backend)));
        // The sender holds the backend; it lives until every command handle is gone.
        ready.closed().await;
    });
    let lifecycle = Lifecycle::new(ctx.home.clone(), ctx.sources.clone());
    builder
        .manage(ctx)
        .manage(cell)
        .manage(lifecycle)
        .manage(FocusState::default())
        .on_window_event(|window, event| {
            // The notification policy stays quiet for the session on screen only while the
            // window has the focus (SPEC H2).
            if let WindowEvent::Focused(focused) = event
                && window.label() == "main"
            {
                window.state::<FocusState>().set_window_focused(*focused);
            }
            // Closing the main window quits Grove through the one quit path (SPEC G2), after
            // the window had its chance to confirm.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.label() == "main"
            {
                let lifecycle = window.state::<Arc<Lifecycle>>();
                if !lifecycle.may_exit() {
                    api.prevent_close();
                    lifecycle.close_requested(window.app_handle());
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::tool_status,
            feed::feed_subscribe,
            feed::feed_resync,
            feed::feed_unsubscribe,
            sessions::spawn_options,
            sessions::spawn_session,
            sessions::send_message,
            sessions::send_keys,
            sessions::kill_session,
            sessions::restore_session,
            sessions::stop_session,
            sessions::open_worktree,
            sessions::open_pr,
            review::review_summary,
            review::review_file,
            review::review_context,
            review::review_state,
            review::review_set_viewed,
            review::review_add_comment,
            review::review_delete_comment,
            review::review_send_comments,
            review::review_mark_reviewed,
            review::land_check,
            review::land_session,
            review::ask_resolve_conflicts,
            review::reclaim_session,
            review::disk_usage,
            fleet::quit_app,
            fleet::cancel_quit,
            fleet::last_stop,
            fleet::restore_last_stop,
            fleet::decline_last_stop,
            attention::set_focus,
            terminal::terminal_open,
            terminal::terminal_input,
            terminal::terminal_resize,
            terminal::terminal_ack,
            terminal::terminal_close,
            terminal::attach_command,
            terminal::open_link,
        ])
}

/// Opens the desktop app and blocks until it exits.
pub fn run(ctx: AppContext) -> anyhow::Result<()> {
    tracing::info!(home = %ctx.home.root().display(), version = grove_engine::VERSION, "starting Grove");
    let config_path = ctx.config_path.clone();
    let app = tauri::Builder::default()
        // First, so a second `grove` hands over to the first window and exits before it starts
        // anything of its own (SPEC B5).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| focus_main_window(app)));
    let app = builder(app, ctx)
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_shell::init())
        .setup(move |app| {
            let lifecycle = app.state::<Arc<Lifecycle>>().inner().clone();
            match lifecycle.register(&config_path) {
                Ok(()) => {}
                Err(StoreError::AlreadyRunning { pid, .. }) => {
                    // Another app serves this GROVE_HOME (single-instance could not reach it,
                    // e.g. from another desktop session): two apps would fight over sessions.
                    tracing::error!("Grove is already running for this data directory (pid {pid}); exiting");
                    std::process::exit(1);
                }
                Err(e) => tracing::error!("could not register in running.json: {e}"),
            }
            lifecycle.watch_signals(app.handle().clone());
            let cell = app.state::<BackendCell>().inner().clone();
            crate::attention::start(app.handle(), cell.clone(), app.state::<FocusState>().inner());
            if let Err(e) = crate::tray::create(app.handle(), lifecycle, cell) {
                // No tray (no status notifier on this desktop): the window and signals still quit.
                tracing::warn!("no tray icon: {e}");
            }
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|app, event| {
        // The OS quit shortcut and "last window closed" arrive here: run the quit path first.
        if let RunEvent::ExitRequested { api, .. } = event {
            let lifecycle = app.state::<Arc<Lifecycle>>();
            if !lifecycle.may_exit() {
                api.prevent_exit();
                lifecycle.quit(app.clone(), "exit requested");
            }
        }
    });
    Ok(())
}

pub(crate) fn focus_main_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    //! Commands through the real IPC path and the real capability file, on the mock runtime.

    use grove_engine::config::ConfigSources;
    use grove_engine::home::GroveHome;
    use serde_json::{Value, json};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;
    use tauri::{WebviewWindow, WebviewWindowBuilder};

    use super::*;

    pub(super) fn window_in(home: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        window(home)
    }

    pub(super) fn invoke_in(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
        invoke(window, cmd, body)
    }

    fn window(home: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        let sources = ConfigSources { global: home.join("config.toml"), running: None };
        let ctx = AppContext { home: GroveHome::at(home), sources, config_path: home.join("config.toml"), demo: None };
        // The real context: tauri.conf.json's capabilities and CSP apply, as in the shipped app.
        let app = builder(mock_builder(), ctx).build(tauri::generate_context!()).expect("mock app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
        (app, window)
    }

    fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_owned(),
        };
        get_ipc_response(window, request).map(|b| b.deserialize::<Value>().expect("JSON response"))
    }

    #[test]
    fn app_info_reports_this_apps_home_and_version() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, window) = window(dir.path());
        let info = invoke(&window, "app_info", json!({})).expect("app_info is granted to the main window");
        assert_eq!(info["version"], grove_engine::VERSION);
        assert_eq!(info["groveHome"], dir.path().display().to_string(), "camelCase field with the home in use");
        let socket = grove_engine::home::GroveHome::at(dir.path()).tmux_socket();
        assert_eq!(info["tmuxSocket"], socket.display().to_string(), "the absolute socket path (SPEC D11a)");
    }

    #[test]
    fn tool_status_lists_every_tool_grove_uses() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, window) = window(dir.path());
        let tools = invoke(&window, "tool_status", json!({})).expect("tool_status is granted");
        let names: Vec<&str> = tools.as_array().expect("a list").iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(names, ["git", "tmux", "gh", "claude", "codex", "aider"]);
    }

    #[test]
    fn window_cannot_call_commands_outside_its_capability() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, window) = window(dir.path());
        for cmd in ["plugin:shell|spawn", "plugin:shell|execute", "plugin:fs|read_file", "no_such_command"] {
            let outcome = invoke(&window, cmd, json!({}));
            assert!(outcome.is_err(), "{cmd} must be refused to the webview, got {outcome:?}");
        }
    }
}

#[cfg(test)]
#[path = "ipc_input_tests/mod.rs"]
mod ipc_input_all;
#[cfg(test)]
mod ipc_input_tests {
    //! Operations called with bad input answer a typed error and write nothing (SPEC F2, B4).

    use serde_json::json;

    use super::tests::{invoke_in, window_in};

    fn code(outcome: Result<serde_json::Value, serde_json::Value>) -> String {
        let error = outcome.expect_err("bad input must be refused");
        error["code"].as_str().unwrap_or_else(|| panic!("a typed error with a code, got {error}")).to_owned()
    }

    #[test]
    fn bad_ids_oversized_messages_and_unknown_sessions_get_typed_errors_and_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, window) = window_in(dir.path());
        let traversal = "../../etc";
        for (cmd, args) in [
            ("kill_session", json!({"session": traversal, "discard": true})),
            ("restore_session", json!({"session": traversal})),
            ("stop_session", json!({"session": traversal})),
            ("send_message", json!({"session": traversal, "message": "hi"})),
            ("send_keys", json!({"session": traversal, "keys": ["1"]})),
            ("open_worktree", json!({"session": traversal, "target": "file_manager"})),
            ("open_pr", json!({"session": traversal})),
            ("spawn_session", json!({"request": {"project": traversal}, "onProgress": "__CHANNEL__:1"})),
        ] {
            assert_eq!(code(invoke_in(&window, cmd, args)), "invalid_input", "{cmd} with a traversal id");
        }
        for (cmd, args) in [
            ("kill_session", json!({"session": "api-404", "discard": false})),
            ("restore_session", json!({"session": "api-404"})),
            ("stop_session", json!({"session": "api-404"})),
            ("send_keys", json!({"session": "api-404", "keys": ["Enter"]})),
            ("open_pr", json!({"session": "api-404"})),
        ] {
            assert_eq!(code(invoke_in(&window, cmd, args)), "not_found", "{cmd} of an unknown session");
        }
        let huge = "x".repeat(10_001);
        let outcome = invoke_in(&window, "send_message", json!({"session": "api-404", "message": huge}));
        assert_eq!(code(outcome), "invalid_input", "a message over 10,000 characters is refused before anything");
        let malformed = invoke_in(&window, "kill_session", json!({"session": 7}));
        assert!(malformed.is_err(), "a malformed payload is refused");
        let spawn = invoke_in(
            &window,
            "spawn_session",
            json!({"request": {"project": "nope", "prompt": "x"}, "onProgress": "__CHANNEL__:1"}),
        );
        let error = spawn.expect_err("a project not in the config");
        assert_eq!(error["step"], "validate", "the failed step is named: {error}");
        let written: Vec<_> = walk(dir.path());
        assert!(
            written.iter().all(|p| !p.contains("sessions")),
            "nothing may be written for refused calls: {written:?}"
        );
    }

    fn walk(dir: &std::path::Path) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            out.push(path.display().to_string());
            if path.is_dir() {
                out.extend(walk(&path));
            }
        }
        out
    }
}
