//! Reactions (SPEC H3). To be written.
