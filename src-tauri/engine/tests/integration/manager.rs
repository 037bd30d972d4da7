//! Enrichment and read-path tests (SPEC §D). Every test works in its own temp `GROVE_HOME`, with
//! records written through the store, fake probes, and tokio's clock paused so deadlines of
//! seconds run instantly and are asserted exactly.

mod bounded;
mod cached;
mod flights;
mod persisted;
mod real_tmux;
mod support;
