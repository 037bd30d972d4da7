//! Reaction tests (SPEC H3) with real tmux on Grove's own socket and the demo agent as the
//! session's agent: what a reaction sends is what the agent's terminal receives.

mod ci_failed;
mod support;
