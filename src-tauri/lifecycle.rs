//! The app's life (SPEC B5, G2): it registers in `running.json` at start, and every way of
//! quitting (closing the window, the tray's Quit, the OS quit shortcut, SIGTERM, SIGINT,
//! `grove stop --app`) runs one path: stop every session for restore (G1), then unregister in a
//! step of its own, then exit. A watchdog ends the process after 10 s whatever hangs.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use grove_engine::config::{self, Config, ConfigSources};
use grove_engine::home::GroveHome;
use grove_engine::ops::{ConfigNote, Ops};
use grove_engine::store::{RunningRecord, StopScope, Store, StoreError};
use tauri::{AppHandle, Emitter, Runtime};

/// The longest a quit may take (SPEC G2): past it the process exits, keeping whatever was
/// recorded by then.
pub const QUIT_HARD_CAP: Duration = Duration::from_secs(10);

/// Event the window receives when the user asked to close it, so it can confirm (live
/// sessions) or quit at once; payload: nothing.
pub const QUIT_REQUESTED_EVENT: &str = "quit-requested";
/// Event the window receives as the quit starts; payload: how many sessions it stops.
pub const QUITTING_EVENT: &str = "quitting";

/// Exit status when the hard cap ended the quit.
const EXIT_CAPPED: i32 = 3;

/// Where a quit is.
const IDLE: u8 = 0;
const ASKED: u8 = 1;
const QUITTING: u8 = 2;

/// Operations for a stop (SPEC C3, C4): the stop loader's config, which never reads another file.
/// When none loads, the built-in defaults: the records alone name every runtime to stop, so
/// stopping with them loses nothing and leaves no agent running.
pub fn stop_ops(home: &GroveHome, sources: &ConfigSources) -> (Ops, ConfigNote) {
    let (config, note) = match config::load_for_stop(sources) {
        Ok(loaded) => (loaded.config.clone(), ConfigNote::from(&loaded)),
        Err(errors) => {
            tracing::error!("no config loads for the stop ({}); stopping with built-in defaults", errors.summary());
            let warning = format!("no config loads ({}); stopped with built-in defaults", errors.summary());
            (Config::default(), ConfigNote { files: Vec::new(), warnings: vec![warning] })
        }
    };
    (Ops::new(Store::new(home.clone()), config), note)
}

/// The running app's identity and quit state; managed as Tauri state.
pub struct Lifecycle {
    home: GroveHome,
    sources: ConfigSources,
    pid: u32,
    state: AtomicU8,
    /// Set just before the app exits by its own quit path, so the exit is let through.
    finished: AtomicBool,
    /// The last quit's outcome, for the log and tests.
    last_report: Mutex<Option<String>>,
}

impl Lifecycle {
    pub fn new(home: GroveHome, sources: ConfigSources) -> Arc<Self> {
        Arc::new(Self {
            home,
            sources,
            pid: std::process::id(),
            state: AtomicU8::new(IDLE),
            finished: AtomicBool::new(false),
            last_report: Mutex::new(None),
        })
    }

    /// Registers this app in `running.json` (SPEC B5). Fails with `AlreadyRunning` when another
    /// live app of this `GROVE_HOME` is registered.
    pub fn register(&self, config_path: &std::path::Path) -> Result<(), StoreError> {
        let projects = config::load_interactive(&self.sources).config.projects.keys().cloned().collect();
        let record = RunningRecord {
            pid: self.pid,
            pid_start: grove_engine::process_identity::ProcessIdentity::of(self.pid).start,
            config_path: config_path.to_owned(),
            started_at: chrono::Utc::now(),
            version: grove_engine::VERSION.to_owned(),
            projects,
        };
        Store::new(self.home.clone()).register_running(&record)
    }

    /// Whether the app may exit now: only once its quit path has run.
    pub fn may_exit(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }

    /// The window's close button: the first press asks the window (it confirms when sessions
    /// are live); a second press while that question is open quits, so a hung page can never
    /// keep the app from closing.
    pub fn close_requested<R: Runtime>(self: &Arc<Self>, app: &AppHandle<R>) {
        match self.state.compare_exchange(IDLE, ASKED, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => {
                if app.emit(QUIT_REQUESTED_EVENT, ()).is_err() {
                    self.quit(app.clone(), "window closed (the page did not answer)");
                }
            }
            Err(ASKED) => self.quit(app.clone(), "window closed twice"),
            Err(_) => {}
        }
    }

    /// The window decided not to quit after all.
    pub fn cancel_quit(&self) {
        let _ = self.state.compare_exchange(ASKED, IDLE, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Runs the quit path once, in the background; later calls do nothing.
    pub fn quit<R: Runtime>(self: &Arc<Self>, app: AppHandle<R>, why: &'static str) {
        if self.state.swap(QUITTING, Ordering::SeqCst) == QUITTING {
            return;
        }
        tracing::info!("quitting: {why}");
        self.start_watchdog();
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            let code = this.stop_and_unregister(&app).await;
            this.finished.store(true, Ordering::SeqCst);
            app.exit(code);
        });
    }

    /// Ends the process after [`QUIT_HARD_CAP`] if the quit has not: whatever was recorded by
    /// then stays recorded, and `running.json` is removed on the way out.
    fn start_watchdog(&self) {
        let (home, pid) = (self.home.clone(), self.pid);
        std::thread::spawn(move || {
            std::thread::sleep(QUIT_HARD_CAP);
            tracing::error!("quit did not finish within {QUIT_HARD_CAP:?}; exiting now");
            let _ = Store::new(home).remove_running(pid);
            std::process::exit(EXIT_CAPPED);
        });
    }

    /// SPEC G2: G1 under the stop loader's config, then `running.json` removed in its own step
    /// (a failure of the first never skips the second). Returns the exit status.
    async fn stop_and_unregister<R: Runtime>(&self, app: &AppHandle<R>) -> i32 {
        let mut code = 0;
        let (ops, note) = stop_ops(&self.home, &self.sources);
        let store = ops.store().clone();
        let live = tokio::task::spawn_blocking(move || {
            store.list_stored().sessions.iter().filter(|r| !grove_engine::session::is_terminal(&r.lifecycle)).count()
        })
        .await
        .unwrap_or(0);
        let _ = app.emit(QUITTING_EVENT, live);
        // Terminal views hang up their tmux clients first: the agents keep running for the stop.
        if let Some(backend) =
            tauri::Manager::try_state::<crate::backend::BackendCell>(app).and_then(|cell| cell.try_get())
        {
            backend.terminals().shutdown().await;
        }
        match ops.stop_fleet(StopScope::All, note).await {
            Ok(report) => {
                let summary = format!("stopped {}, failed {}", report.stopped.len(), report.failed.len());
                for failed in &report.failed {
                    tracing::error!("quit: could not stop {failed:?}");
                }
                if let Some(error) = &report.record_error {
                    tracing::error!("quit: last-stop.json not written: {error}");
                }
                if !report.is_complete() {
                    code = 1;
                }
                tracing::info!("quit: {summary}");
                *self.last_report.lock().unwrap_or_else(PoisonError::into_inner) = Some(summary);
            }
            Err(e) => {
                tracing::error!("quit: the stop could not run: {e}");
                code = 1;
            }
        }
        let store = Store::new(self.home.clone());
        let pid = self.pid;
        match tokio::task::spawn_blocking(move || store.remove_running(pid)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!("quit: running.json not removed: {e}"),
            Err(e) => tracing::error!("quit: running.json not removed: {e}"),
        }
        code
    }

    /// Quits on SIGTERM and SIGINT (and Ctrl+C on Windows) like any other quit.
    pub fn watch_signals<R: Runtime>(self: &Arc<Self>, app: AppHandle<R>) {
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
                else {
                    tracing::error!("cannot watch SIGTERM/SIGINT; quit from the window or the tray");
                    return;
                };
                let why = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                this.quit(app, why);
            }
            #[cfg(not(unix))]
            {
                if tokio::signal::ctrl_c().await.is_ok() {
                    this.quit(app, "Ctrl+C");
                }
            }
        });
    }
}
