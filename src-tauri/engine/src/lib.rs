//! Grove's engine: everything Grove knows and does, with no Tauri dependency, so every behaviour is
//! testable without a window and the CLI shares the same code as the app.
//!
//! Module map (ARCHITECTURE §1): `ids` and `home` fix names and paths; `session` is the record and
//! its pure derivations; `store` keeps records on disk; `config` loads and merges TOML layers.

pub mod config;
pub mod demo;
pub mod disk;
pub mod events;
pub mod feed;
pub mod home;
pub mod ids;
pub mod land;
pub mod logging;
pub mod manager;
pub mod ops;
pub mod probe;
pub mod process_identity;
pub mod react;
pub mod review;
pub mod scm;
pub mod session;
pub mod store;
pub mod terminal;
pub mod tools;

/// Grove's version, shared by the CLI, the app and `running.json`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
