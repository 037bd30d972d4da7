//! The PR loop (SPEC H4) against a fake `gh` (tests/fixtures/bin/gh) answering from recorded
//! GitHub GraphQL responses, over a temp `GROVE_HOME` and a real git repository whose `origin` is
//! `https://github.com/acme/app.git`. The fake's program path and environment are handed to
//! [`Gh`](grove_engine::scm::Gh); the test process's own `PATH` is never changed.

mod batching;
mod cadence;
mod reactions;
mod scenarios;
mod support;
mod writes;
