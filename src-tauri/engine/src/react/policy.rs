//! The notification policy (SPEC H2). To be written.
