//! The coalescing window (SPEC E2): a change after a quiet time goes out at once (leading edge),
//! and changes that follow it closely are gathered into one later patch (trailing edge). So an
//! isolated change waits for nothing, a burst still costs one round per window, and a
//! never-ending stream still gets through at the cap. Pure: time is passed in.

use tokio::time::{Duration, Instant};

/// One open (or closed) window.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    quiet: Duration,
    max: Duration,
    /// When the first event of the open window arrived.
    opened: Option<Instant>,
    /// When the open window closes.
    due: Option<Instant>,
    /// The open window is a leading edge: it is due at once, and later events do not defer it.
    leading: bool,
    /// When the last window's round ended: an event within `quiet` of it continues that burst.
    rested_from: Option<Instant>,
}

impl Window {
    /// A closed window. Once opened by an event after `quiet` without rounds it is due at once;
    /// opened within `quiet` of the last round it closes after `quiet` without events or `max`
    /// after it opened, whichever comes first.
    pub fn new(quiet: Duration, max: Duration) -> Self {
        Self { quiet, max, opened: None, due: None, leading: false, rested_from: None }
    }

    /// An event arrived at `now`: open the window, or push its end back (never past the cap).
    pub fn touch(&mut self, now: Instant) {
        if self.leading {
            return; // already due now; this event rides along
        }
        if self.opened.is_none() && self.rested_from.is_none_or(|at| now >= at + self.quiet) {
            self.opened = Some(now);
            self.due = Some(now);
            self.leading = true;
            return;
        }
        let opened = *self.opened.get_or_insert(now);
        self.due = Some((now + self.quiet).min(opened + self.max));
    }

    /// When the open window closes; `None` when it is closed.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The window's round finished at `now`: close it. The next event opens a new one, at once
    /// if it comes after a quiet time, else as the trailing edge of this burst.
    pub fn close(&mut self, now: Instant) {
        self.opened = None;
        self.due = None;
        self.leading = false;
        self.rested_from = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn an_isolated_event_is_due_at_once() {
        // SPEC E2: the first change after a quiet time has no fixed coalescing delay.
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        assert_eq!(window.due(), None, "a new window is closed");
        window.touch(t0);
        assert_eq!(window.due(), Some(t0), "a change after a quiet time must go out at once, not after 50 ms");
        window.touch(t0 + ms(1));
        assert_eq!(window.due(), Some(t0), "an event riding on a leading edge must not defer it");
        window.close(t0 + ms(2));
        window.touch(t0 + ms(60));
        assert_eq!(window.due(), Some(t0 + ms(60)), "a change a quiet time after the last round goes out at once");
    }

    #[test]
    fn events_right_after_a_round_are_gathered_until_quiet_or_the_cap() {
        // SPEC E2: a burst costs one round per window.
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        window.touch(t0);
        window.close(t0 + ms(5));
        window.touch(t0 + ms(20));
        assert_eq!(window.due(), Some(t0 + ms(70)), "an event 15 ms after a round waits for the burst to settle");
        for step in 1..10 {
            window.touch(t0 + ms(20 + step * 40));
        }
        assert_eq!(window.due(), Some(t0 + ms(270)), "a stream every 40 ms must be cut at the 250 ms cap");
        window.close(t0 + ms(272));
        window.touch(t0 + ms(300));
        assert_eq!(window.due(), Some(t0 + ms(350)), "a stream that goes on is gathered again, not sent per event");
    }

    #[test]
    fn closing_starts_the_next_window_afresh() {
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        window.touch(t0);
        window.close(t0);
        assert_eq!(window.due(), None, "a closed window is not due");
        window.touch(t0 + ms(30));
        window.close(t0 + ms(80));
        window.touch(t0 + ms(1000));
        assert_eq!(window.due(), Some(t0 + ms(1000)), "after a quiet second the next event is a leading edge again");
    }
}
