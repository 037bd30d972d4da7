//! The real agent CLIs (Claude Code, Codex, Aider) driven through the real `grove` binary against
//! a scripted model server on 127.0.0.1 (SPEC I6): every status rule is checked against the real
//! programs' screens, hooks, notify payloads and transcripts, not against fakes.
//!
//! Not part of a plain `cargo test`: it needs the CLIs (`scripts/agent-clis` installs them) and
//! tmux. scripts/test runs it by name, one test at a time:
//! `cargo test --test agents -- --test-threads=1` (add `--nocapture` for the latency table).
//! A missing CLI fails the test; nothing here is skipped.

mod dialogs;
mod lifecycle;
mod model_server;
mod restore;
mod support;
mod timing;
