//! Demo tests (SPEC I4).
mod agent;
mod project;
mod support;
mod tmux;
