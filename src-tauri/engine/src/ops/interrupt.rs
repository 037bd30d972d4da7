//! Interrupting an operation (SPEC F7): Ctrl-C, SIGTERM or a closed terminal asks a running spawn
//! or restore to stop where it is and roll back like a failed step. The CLI holds the
//! [`Interrupter`] and fires it from its signal handlers; the operations hold the [`Interrupt`]
//! ([`super::Ops::with_interrupt`]) and race their steps against it.

use tokio::sync::watch;

/// The sending side: fired once, by whoever watches for signals.
#[derive(Debug)]
pub struct Interrupter {
    tx: watch::Sender<Option<String>>,
}

impl Interrupter {
    /// Interrupts every operation holding this interrupter's [`Interrupt`], naming `why` (the
    /// signal: "SIGINT"). Only the first call counts: a second Ctrl-C neither changes the reason
    /// nor interrupts the rollback the first one started (a rollback never watches the interrupt).
    pub fn interrupt(&self, why: impl Into<String>) {
        let why = why.into();
        self.tx.send_if_modified(|reason| {
            if reason.is_some() {
                return false;
            }
            *reason = Some(why);
            true
        });
    }
}

/// The receiving side, held by operations. Cheap to clone. [`Interrupt::never`] is the default:
/// the app's operations are not interrupted by signals (its quit stops sessions instead, G2).
#[derive(Debug, Clone)]
pub struct Interrupt {
    rx: watch::Receiver<Option<String>>,
}

impl Interrupt {
    /// A connected pair: fire the [`Interrupter`] to interrupt holders of the [`Interrupt`].
    pub fn pair() -> (Interrupter, Interrupt) {
        let (tx, rx) = watch::channel(None);
        (Interrupter { tx }, Interrupt { rx })
    }

    /// An interrupt that never fires.
    pub fn never() -> Self {
        // The sender is dropped at once, so `interrupted` waits forever, as it should.
        Self::pair().1
    }

    /// Why the operation was interrupted, if it was.
    pub fn reason(&self) -> Option<String> {
        self.rx.borrow().clone()
    }

    /// Resolves once interrupted, with the reason; never, if the interrupter is dropped unfired.
    pub async fn interrupted(&self) -> String {
        let mut rx = self.rx.clone();
        // The borrow guard is let go of before any further await: it is not `Send`.
        let fired = rx.wait_for(Option::is_some).await.ok().map(|reason| reason.clone().unwrap_or_default());
        match fired {
            Some(reason) => reason,
            None => std::future::pending().await,
        }
    }
}

impl Default for Interrupt {
    fn default() -> Self {
        Self::never()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_reason_wins_and_every_clone_sees_it() {
        let (interrupter, interrupt) = Interrupt::pair();
        let clone = interrupt.clone();
        assert_eq!(interrupt.reason(), None, "not interrupted yet");
        interrupter.interrupt("SIGINT");
        interrupter.interrupt("SIGTERM");
        assert_eq!(clone.interrupted().await, "SIGINT", "a second signal does not replace the first");
        assert_eq!(interrupt.reason().as_deref(), Some("SIGINT"));
    }

    #[tokio::test(start_paused = true)]
    async fn never_never_fires() {
        let waited = tokio::time::timeout(std::time::Duration::from_secs(3600), Interrupt::never().interrupted()).await;
        assert!(waited.is_err(), "an interrupt nobody can fire must not resolve");
    }
}
