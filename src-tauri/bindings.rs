//! TypeScript declarations for every command and event payload, generated from the Rust types
//! into `ui/src/ipc/bindings.ts`. The test below fails when that file is stale; run it with
//! `GROVE_BLESS=1` to rewrite the file.

use ts_rs::{Config, TS};

/// Where the generated file lives, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/ipc/bindings.ts";

const HEADER: &str = "// Generated from the Rust types by `cargo test -p grove bindings`; GROVE_BLESS=1 rewrites it.\n\
                      // Do not edit by hand.\n";

macro_rules! declarations {
    ($cfg:expr; $($ty:ty),* $(,)?) => {
        vec![$(<$ty as TS>::decl($cfg)),*]
    };
}

/// The whole generated file.
pub fn typescript() -> String {
    // serde_json writes 64-bit integers as JSON numbers, so that is what the webview receives.
    let cfg = Config::new().with_large_int("number");
    let mut decls = declarations![&cfg;
        crate::commands::AppInfo,
        crate::ipc_error::IpcError,
        crate::ipc_error::IpcErrorCode,
        grove_engine::tools::ToolStatus,
        // Operations from the dashboard.
        crate::commands::sessions::SpawnOptions,
        crate::commands::sessions::SpawnProject,
        crate::commands::sessions::SpawnInput,
        crate::commands::sessions::SpawnProgress,
        crate::commands::sessions::OpenTarget,
        grove_engine::ops::SpawnStep,
        grove_engine::ops::KillOutcome,
        grove_engine::ops::WorktreeOutcome,
        grove_engine::ops::KeptReason,
        grove_engine::ops::SendOutcome,
        // Stop, quit and restore (SPEC G).
        grove_engine::store::LastStop,
        grove_engine::store::StopScope,
        grove_engine::store::StoppedProject,
        grove_engine::ops::RestoreProgress,
        grove_engine::ops::RestoreStep,
        grove_engine::ops::FleetRestoreReport,
        grove_engine::ops::SessionRef,
        grove_engine::ops::FailedSession,
        // The feed (ARCHITECTURE §4) and everything a session carries in it.
        grove_engine::feed::FeedEvent,
        grove_engine::feed::Snapshot,
        grove_engine::feed::Patch,
        grove_engine::feed::FeedSession,
        grove_engine::feed::FeedProject,
        grove_engine::feed::FeedWarning,
        grove_engine::feed::WarningSource,
        grove_engine::manager::SessionKey,
        grove_engine::manager::SessionView,
        grove_engine::manager::LiveFields,
        grove_engine::manager::Enrichment,
        grove_engine::probe::AgentInfo,
        grove_engine::probe::ActivitySource,
        grove_engine::probe::Confidence,
        grove_engine::probe::agents::Dialog,
        grove_engine::probe::agents::DialogKind,
        grove_engine::probe::agents::DialogOption,
        grove_engine::session::SessionRecord,
        grove_engine::session::PrInfo,
        grove_engine::session::CiState,
        grove_engine::session::ReviewDecision,
        grove_engine::session::Mergeability,
        grove_engine::session::FailedCheck,
        grove_engine::session::ReactionEntry,
        grove_engine::session::ReactionOutcome,
        grove_engine::session::AgentExit,
        // Review (SPEC K1-K3).
        grove_engine::review::DiffScope,
        grove_engine::review::DiffSummary,
        grove_engine::review::FileChange,
        grove_engine::review::ChangeStatus,
        grove_engine::review::FileDiff,
        grove_engine::review::FileContext,
        grove_engine::review::DiffRow,
        grove_engine::review::RowKind,
        grove_engine::review::Comment,
        grove_engine::review::Side,
        grove_engine::review::NewComment,
        grove_engine::review::ReviewState,
        // Land (SPEC K4-K7).
        grove_engine::session::Landing,
        grove_engine::session::LandedBy,
        grove_engine::session::LandCleanup,
        grove_engine::land::LandMethod,
        grove_engine::land::LandCheck,
        grove_engine::land::LandBlocker,
        grove_engine::land::PrReadiness,
        grove_engine::land::LandOutcome,
        grove_engine::land::ReclaimOutcome,
        grove_engine::disk::DiskUsage,
        grove_engine::react::Signal,
        grove_engine::react::Notification,
        // The live terminal view (issue #10).
        crate::commands::terminal::TerminalOpened,
        grove_engine::terminal::TerminalStatus,
        grove_engine::session::SessionKind,
        grove_engine::session::RuntimeKind,
        grove_engine::session::Lifecycle,
        grove_engine::session::SessionPart,
        grove_engine::session::PrPart,
        grove_engine::session::RuntimePart,
        grove_engine::session::RuntimeHandle,
        grove_engine::session::SessionState,
        grove_engine::session::SessionReason,
        grove_engine::session::PrState,
        grove_engine::session::PrReason,
        grove_engine::session::RuntimeState,
        grove_engine::session::RuntimeReason,
        grove_engine::session::Activity,
        grove_engine::session::DisplayStatus,
        grove_engine::session::AttentionLevel,
        grove_engine::session::Resolved,
        grove_engine::session::ShownState,
        grove_engine::session::DashboardGroup,
        grove_engine::session::PrimaryAction,
        grove_engine::store::StoreWarning,
        grove_engine::config::ConfigError,
        grove_engine::ids::ProjectId,
        grove_engine::ids::SessionId,
    ];
    decls.sort_by_key(|d| type_name(d).to_owned());
    let mut out = String::from(HEADER);
    for decl in decls {
        out.push('\n');
        out.push_str(&export(&decl));
        out.push('\n');
    }
    out
}

/// The declared name in `type Name = ...`, after any doc comment.
fn type_name(decl: &str) -> &str {
    decl.lines().find_map(|l| l.strip_prefix("type ")).and_then(|rest| rest.split([' ', '<']).next()).unwrap_or(decl)
}

/// Prefixes the `type` line (not the doc comment above it) with `export`.
fn export(decl: &str) -> String {
    decl.lines()
        .map(|l| if l.starts_with("type ") { format!("export {l}") } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_file_matches_the_rust_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let fresh = typescript();
        if std::env::var_os("GROVE_BLESS").is_some() {
            std::fs::write(&path, &fresh).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{BINDINGS_PATH} is stale: a Rust payload type changed. Run `GROVE_BLESS=1 cargo test -p grove bindings` and commit the result."
        );
    }
}
