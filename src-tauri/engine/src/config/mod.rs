//! Config layers and merge (SPEC §C). Filled in by the config issue.
