//! The engine's one integration test binary; each area is a module.

mod config;
mod manager;
mod probe;
mod store;
