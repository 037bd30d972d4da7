//! Unit tests of reactions: the state machine by tables (`machine`), and the reactor with a
//! temp store, a recording sender and fake PR facts (`reactor`).

mod machine;
mod reactor;
