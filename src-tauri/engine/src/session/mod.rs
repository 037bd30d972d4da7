//! Session model (SPEC §A). Filled in by the store issue.
