//! Live terminal views (issue #10) against real tmux and real PTYs: typing, resizing, sharing,
//! replay, re-attach, back-pressure and clean detaching.

mod flow;
mod support;
mod views;
