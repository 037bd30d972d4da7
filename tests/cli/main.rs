//! The `grove` binary as scripts use it (ARCHITECTURE §3.5): exit codes, stdout for results,
//! stderr for errors, one JSON document with `--json`.

mod agent_config;
mod app_stop;
mod basics;
mod binaries;
mod demo;
mod dialogs;
mod diff;
mod fake_claude;
mod fake_claude_dialogs;
mod faults;
mod fleet;
mod hook;
mod interrupt;
mod land;
mod liveness;
mod reads;
mod support;
