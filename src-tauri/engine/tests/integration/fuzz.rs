//! Fuzzing of every parser of outside input (issue #11), with proptest: bounded in the test
//! command, longer by hand with `PROPTEST_CASES`.
//!
//! Each module takes one kind of input Grove reads but did not write itself, or wrote and may find
//! damaged, and checks what a user relies on: no panic and no hang on any bytes (invalid UTF-8,
//! NULs, huge lines, deep nesting) or on damaged real samples (`tests/fuzz-corpus/<parser>/`,
//! truncated, bit-flipped, fields deleted or retyped, keys duplicated); bad input is a typed
//! error or a report saying what and where, never a silent wrong value; what Grove writes reads
//! back equal; and reading never rewrites or loses what it could not read.
//!
//! Run in the test command, each property runs a few dozen cases (the whole module takes seconds
//! in a debug build). To fuzz longer by hand:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p grove-engine --release --test integration fuzz
//! ```
//!
//! and, for the properties of bugs not fixed yet, add `-- --include-ignored`. A failing case is
//! shrunk and written to `tests/proptest-regressions/fuzz/<module>.txt`; commit that file: every
//! later run replays it first.

mod support;

mod config;
mod demo;
mod events;
mod gh;
mod last_stop;
mod panes;
mod records;
mod transcripts;
