//! Session model (SPEC §A): the persisted record and lifecycle, and the pure derivations the UI,
//! CLI and notifications share: display status (A2), terminal and restorable (A3), activity (A4),
//! attention level (A5), and `resolve`, the one resolver every surface reads (A2a). Nothing here
//! touches the disk or the clock; `store` persists records.

mod activity;
mod agent_exit;
mod attention;
mod landing;
mod lifecycle;
mod pr_info;
mod reaction_log;
mod record;
mod resolve;
mod status;
mod terminal;
#[cfg(test)]
mod test_support;
pub(crate) mod wire_enum;

pub use activity::Activity;
pub use agent_exit::{AgentExit, DEAD_PANE_FORMAT, EXIT_LAST_LINES_LIMIT, signal_name};
pub use attention::{AttentionLevel, PrSignals, attention_level};
pub use landing::{LandCleanup, LandedBy, Landing};
pub use lifecycle::{
    Lifecycle, PrPart, PrReason, PrState, RuntimeHandle, RuntimePart, RuntimeReason, RuntimeState, SessionPart,
    SessionReason, SessionState,
};
pub use pr_info::{CiState, FailedCheck, Mergeability, PrInfo, ReviewDecision};
pub use reaction_log::{REACTION_LOG_LIMIT, ReactionEntry, ReactionOutcome};
pub use record::{RECORD_VERSION, RuntimeKind, SessionKind, SessionRecord};
pub use resolve::{DashboardGroup, LiveSigns, PrimaryAction, Resolved, ShownState, crash_reason, resolve};
pub use status::{DisplayStatus, display_status};
pub use terminal::{is_restorable, is_terminal};
pub(crate) use wire_enum::wire_enum;
