//! Helpers shared by the integration tests and benches.

pub mod big_workflow;
