//! Session store on disk (SPEC §B). Filled in by the store issue.
