//! Config integration tests (SPEC §C).
