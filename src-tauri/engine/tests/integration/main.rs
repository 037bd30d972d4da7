//! The engine's one integration test binary; each area is a module.

mod config;
mod demo;
mod faults;
mod feed;
mod fuzz;
mod land;
mod manager;
mod ops;
mod probe;
mod react;
mod reactions;
mod review;
mod scm;
mod store;
mod terminal;
