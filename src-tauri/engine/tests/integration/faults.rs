//! Fault injection (issue #11): what goes wrong around Grove, and what it does about it.
