//! Helpers shared by the integration tests and benches.
#![allow(dead_code)]

pub mod big_workflow;
pub mod crafted;
pub mod exec;
pub mod local;
