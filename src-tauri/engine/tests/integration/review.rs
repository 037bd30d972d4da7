//! Review tests (SPEC K1-K3) with real git: a temp repository as the project, a session worktree
//! on its own branch, and the engine's review operations on it.

mod context;
mod diff;
mod scopes;
mod state;
mod support;
