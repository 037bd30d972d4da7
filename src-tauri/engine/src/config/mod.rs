//! Config (SPEC §C, ARCHITECTURE §3.3): TOML files in layers, loaded, validated and merged.
//!
//! - Files: global (`$GROVE_CONFIG`), running (the file the live app was started with) and each
//!   project's local `grove.toml` (behaviour only). Missing means absent; invalid means an error
//!   with file, line, column and key, never absent ([`ConfigError`]).
//! - Every path field is made absolute against its declaring file at load ([`PATH_FIELDS`]).
//! - [`load_strict`] merges global and running (SPEC C3); [`load_for_stop`] and
//!   [`load_interactive`] add the fallbacks of SPEC C4; [`check`] lists every error.
//! - [`ConfigWatcher`] reloads on change and keeps the last good config on an invalid edit.
//! - [`schema`] is the JSON schema editors can validate `config.toml` with.

mod duration;
mod error;
mod keys;
mod layer;
mod load;
mod merge;
mod model;
mod paths;
mod reactions;
mod schema;
mod spans;
mod types;
mod validate;
mod watch;

pub use duration::{DurationError, HumanDuration};
pub use error::{ConfigError, ConfigErrors};
pub use layer::LOCAL_FILE_NAME;
pub use load::{ConfigSources, Loaded, check, load_for_stop, load_interactive, load_strict};
pub use model::{
    BUILTIN_AGENTS, Config, DEFAULT_AGENT, DEFAULT_BRANCH, DEFAULT_RUNTIME, DESKTOP_NOTIFIER, Defaults, Project,
};
pub use paths::{PATH_FIELDS, PathField, PathKind, absolute};
pub use reactions::{
    AGENT_STUCK_THRESHOLD, CHANGES_REQUESTED_ESCALATE_AFTER, CI_FAILED_RETRIES, MERGE_CONFLICTS_ESCALATE_AFTER,
    Reaction,
};
pub use schema::{local_schema, schema};
pub use types::{
    AfterLand, AgentConfig, ConfigFile, DefaultsFile, LandMethod, NotifierConfig, Priority, ProjectFile,
    ReactionAction, ReactionKey, ReactionOverride, Runtime,
};
pub use validate::{MAX_REACTION_DURATION, MAX_REACTION_RETRIES, MAX_SESSION_PREFIX_LEN, MIN_REACTION_DURATION};
pub use watch::{ConfigEvent, ConfigWatcher, RELOAD_DEBOUNCE};
