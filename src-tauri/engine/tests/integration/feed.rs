//! Live feed tests (SPEC E1-E3). Each works in its own temp `GROVE_HOME` with records written
//! through the store. `disk` and `subscribers` use the real file watcher, every wait bounded by a
//! timeout; `timers` turns the watcher off and pauses tokio's clock to pin the coalescing window,
//! reconciliation and failure counting to exact instants.

mod disk;
mod enrichment;
mod reported;
mod subscribers;
mod support;
mod timers;
