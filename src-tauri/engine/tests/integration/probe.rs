//! Probe tests (SPEC D1, D2, D11, I1-I5).

mod agents;
mod layer_rules;
mod layers;
mod long_transcripts;
mod real_screens;
pub(crate) mod support;
mod tmux;
mod tmux_failures;
