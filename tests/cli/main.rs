//! The `grove` binary as scripts use it (ARCHITECTURE §3.5): exit codes, stdout for results,
//! stderr for errors, one JSON document with `--json`.

mod app_stop;
mod basics;
mod demo;
mod fleet;
mod reads;
mod support;
