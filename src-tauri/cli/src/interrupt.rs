//! Ctrl-C, SIGTERM and a closed terminal (SIGHUP) during an operation (SPEC F7). Without a
//! handler the signal would end `grove` at once and leave a spawn half-made, with its
//! `post_create` processes running in their own groups (they never see the terminal's Ctrl-C).
//! With one, the signal fires the operation's [`Interrupt`]: a spawn drops the step it is in,
//! which kills that step's process groups, and rolls back the earlier steps; then `grove` exits
//! with the signal's conventional code (128 + its number: 130 for Ctrl-C).

use std::future::Future;
use std::io::Write;
use std::process::ExitCode;

use grove_engine::ops::{Interrupt, Interrupter};
use tokio::signal::unix::{SignalKind, signal};

/// The signals that interrupt an operation: the terminal's Ctrl-C, a polite kill, and the
/// terminal closing under it.
const SIGNALS: [(&str, libc::c_int); 3] =
    [("SIGINT", libc::SIGINT), ("SIGTERM", libc::SIGTERM), ("SIGHUP", libc::SIGHUP)];

/// The shell's convention for "ended by signal N": 128 + N.
const SIGNAL_EXIT_BASE: u8 = 128;

/// Runs an operation on a runtime of its own with Ctrl-C, SIGTERM and SIGHUP handled (SPEC F7):
/// the first fires the operation's interrupt, so a spawn or restore rolls back instead of dying
/// half-made, and the exit code is then the signal's (130 for Ctrl-C).
pub fn run<F, Fut>(f: F) -> ExitCode
where
    F: FnOnce(Interrupt) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    super::with_runtime(async {
        let (interrupter, interrupt) = Interrupt::pair();
        // Dropped only after the operation (and its rollback) returned.
        let _watch = watch(interrupter);
        let code = f(interrupt.clone()).await;
        exit_code(&interrupt, code)
    })
}

/// Watches for the interrupting signals while it lives; dropping it stops watching.
pub struct Watch {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts watching for [`SIGNALS`] (inside a tokio runtime); the first one fires `interrupter`.
/// `None` (with a warning on stderr) when a handler cannot be installed: the operation then runs
/// unprotected, as it did before F7, rather than not at all.
pub fn watch(interrupter: Interrupter) -> Option<Watch> {
    let install = |kind: SignalKind, name: &str| {
        signal(kind)
            .map_err(|e| {
                note(&format!("warning: cannot handle {name} ({e}); an interrupt may leave a half-made session"))
            })
            .ok()
    };
    let mut int = install(SignalKind::interrupt(), "SIGINT")?;
    let mut term = install(SignalKind::terminate(), "SIGTERM")?;
    let mut hup = install(SignalKind::hangup(), "SIGHUP")?;
    let task = tokio::spawn(async move {
        let mut first = true;
        loop {
            let name = tokio::select! {
                Some(()) = int.recv() => "SIGINT",
                Some(()) = term.recv() => "SIGTERM",
                Some(()) = hup.recv() => "SIGHUP",
                else => return,
            };
            if first {
                first = false;
                note(&format!("grove: {name}: stopping and rolling back what this operation did..."));
                interrupter.interrupt(name);
            } else {
                // The handlers stay installed, so a second Ctrl-C does not end `grove`: ending it
                // now would skip the rollback the first one started and leave the half-made state
                // F7 forbids. The rollback is bounded by its commands' deadlines.
                note(&format!("grove: {name}: still rolling back; it ends by itself"));
            }
        }
    });
    Some(Watch { task })
}

/// The exit code once the operation has returned `code`: the interrupting signal's, if there was
/// one (the operation then rolled back, or finished what could not be undone), else `code`.
pub fn exit_code(interrupt: &Interrupt, code: ExitCode) -> ExitCode {
    let Some(reason) = interrupt.reason() else { return code };
    let number = SIGNALS.iter().find(|(name, _)| *name == reason).map_or(libc::SIGINT, |(_, n)| *n);
    ExitCode::from(SIGNAL_EXIT_BASE.saturating_add(u8::try_from(number).unwrap_or(0)))
}

/// Writes one line on stderr, ignoring failure: after SIGHUP the terminal is gone and writing
/// to it fails, which must not panic in the middle of a rollback.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
