//! Landing tests (SPEC K4-K7, F6) with real git in temp repositories, real tmux on Grove's own
//! socket for the agents, and the fake `gh` for the GitHub path.

mod after;
mod github;
mod local;
mod support;
