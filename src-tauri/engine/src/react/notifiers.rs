//! Notifiers: `command` and `webhook` (SPEC H2). To be written.
