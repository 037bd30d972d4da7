//! End-to-end tests: the real `grove` binary in a real WebKit window under Xvfb, with a D-Bus
//! session, driven through tauri-driver and WebKitWebDriver. Run by `scripts/test` as
//! `cargo test --test e2e`; screenshots land in `tests/e2e/artifacts/`.
//!
//! Everything a test starts is owned by a guard that ends its whole process group on drop, so a
//! failing assertion still leaves no Xvfb, driver or app behind.

mod harness;
mod seed;
mod webdriver;

mod dashboard_feed;
mod dashboard_shell;
mod measure;
mod measure_review;
mod notifications;
mod quit_restore;
mod review;
mod status_truth;
mod terminal;
mod tray;
