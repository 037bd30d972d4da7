//! Store integration tests (SPEC §B).
