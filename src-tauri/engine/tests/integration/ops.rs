//! Operation tests (SPEC F1-F5, G4) with real git, real tmux on Grove's own socket, a temp
//! `GROVE_HOME` and a temp repository as the project.

mod confirm;
mod fleet;
mod interrupt;
mod isolation;
mod kill_restore;
mod rollback;
mod send;
mod spawn;
pub(crate) mod support;
