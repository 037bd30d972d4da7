//! Notifications (SPEC H2): the policy's transitions, bursts, focus and mutes, routing, views
//! turned into observations, and the `command` and `webhook` notifiers against real programs and
//! a real local HTTP server.

mod bursts;
mod command;
mod registry;
mod routing;
mod support;
mod suppression;
mod transitions;
mod views;
mod webhook;
