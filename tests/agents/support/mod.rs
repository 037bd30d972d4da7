//! What every scenario of the agents suite shares: the world it runs in, the real CLIs, waiting
//! on Grove, the agent's pane and processes, and one asking turn.

pub mod clis;
pub mod dialog;
pub mod pane;
pub mod procs;
pub mod turns;
pub mod wait;
pub mod world;
