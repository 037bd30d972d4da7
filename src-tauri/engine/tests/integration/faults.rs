//! Fault injection (issue #11): what goes wrong around Grove, and what it does about it. Each
//! test injects one fault into the engine running as the app runs it (config watcher, `Sessions`,
//! the live feed over the real file watcher) and checks that the app keeps working, shows what
//! happened, loses no record or worktree, and recovers. `docs/RELIABILITY.md` has the matrix.
//!
//! - `probes`: probes that hang, crash or print garbage;
//! - `tmux_server`: Grove's tmux server killed mid-run;
//! - `records`: record files corrupted, truncated, deleted or made read-only;
//! - `config`: the config made invalid;
//! - `disk_full`: the data directory on a full tmpfs;
//! - `orphans`: agents a killed app leaves for the next stop.
//!
//! The app killed with SIGKILL mid-stop is in the CLI tests (`tests/cli/faults.rs`).

mod config;
mod disk_full;
mod fakes;
mod orphans;
mod probes;
mod records;
mod support;
mod tmux_server;
