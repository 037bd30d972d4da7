//! The built-in demo: lets a newcomer watch Grove work with no agent account (SPEC I4).
//!
//! - [`ensure_demo_project`] creates, once, a small git repository and a config file declaring the
//!   project `demo` whose agent is Grove's own executable run as `grove demo-agent`.
//! - [`run_demo_agent`] is that agent: it behaves like a coding agent in a terminal (progress
//!   lines, real edits and commits in its worktree, an occasional question it waits on, a REPL for
//!   further messages), so every screen of Grove can be seen working.
//! - [`DEMO_SCREEN`] lists what the agent prints, for the pane scrape that confirms a waiting
//!   prompt (SPEC I0 layer 4).

mod agent;
mod git;
mod input;
mod options;
mod project;
mod screen;
mod seed;
mod work;

pub use agent::run_demo_agent;
pub use git::GitError;
pub use input::prepare_terminal;
pub use options::{DEFAULT_STEP_DELAY, DemoAgentOptions, Questions};
pub use project::{DEMO_AGENT, DEMO_PROJECT, DemoError, DemoProject, ensure_demo_project};
pub use screen::{DEMO_SCREEN, ScreenPatterns};
