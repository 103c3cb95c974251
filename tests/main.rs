//! The engine's integration tests, one module per subject, built as one test binary
//! (`cargo test --test engine`): one link of the crate instead of one per file keeps the
//! build's disk use and link time small. `support` holds what the modules share.

mod support;

mod activities;
mod backends;
mod catalog;
mod concurrency;
mod coverage;
mod crafted_inputs;
mod edit_commands;
mod embedded;
mod graph_layout;
mod interpreter;
mod item_reader;
mod jsonata_states;
mod nested;
mod never_panics;
mod placeholders;
mod redrive;
mod replay;
mod roundtrip;
mod run_setup;
mod save_case;
mod semantics;
mod test_runner;
mod test_state;
mod trace;
mod validator_rules;
