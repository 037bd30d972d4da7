//! The coalescing window (SPEC E2): events that arrive close together become one patch. The
//! window closes after a quiet time, or at the latest a fixed time after its first event, so a
//! burst is gathered and a never-ending stream still gets through. Pure: time is passed in.

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
}

impl Window {
    /// A closed window that, once opened, closes after `quiet` without events or `max` after it
    /// opened, whichever comes first.
    pub fn new(quiet: Duration, max: Duration) -> Self {
        Self { quiet, max, opened: None, due: None }
    }

    /// An event arrived at `now`: open the window, or push its end back (never past the cap).
    pub fn touch(&mut self, now: Instant) {
        let opened = *self.opened.get_or_insert(now);
        self.due = Some((now + self.quiet).min(opened + self.max));
    }

    /// When the open window closes; `None` when it is closed.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The window's events are being handled: close it, so the next event opens a new one.
    pub fn close(&mut self) {
        self.opened = None;
        self.due = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_single_event_closes_after_the_quiet_time() {
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        assert_eq!(window.due(), None, "a new window is closed");
        window.touch(t0);
        assert_eq!(window.due(), Some(t0 + ms(50)), "one event: due one quiet time later");
    }

    #[test]
    fn events_within_the_quiet_time_extend_the_window_up_to_the_cap() {
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        for step in 0..10 {
            window.touch(t0 + ms(step * 40));
        }
        assert_eq!(window.due(), Some(t0 + ms(250)), "a stream every 40 ms must be cut at the 250 ms cap");
        let mut short = Window::new(ms(50), ms(250));
        short.touch(t0);
        short.touch(t0 + ms(30));
        assert_eq!(short.due(), Some(t0 + ms(80)), "the second event pushes the end to its own quiet time");
    }

    #[test]
    fn closing_starts_the_next_window_afresh() {
        let t0 = Instant::now();
        let mut window = Window::new(ms(50), ms(250));
        window.touch(t0);
        window.close();
        assert_eq!(window.due(), None, "a closed window is not due");
        window.touch(t0 + ms(1000));
        assert_eq!(window.due(), Some(t0 + ms(1050)), "the cap counts from the new window's first event");
    }
}
