//! The "evaluate" step of each state type, one file each, as the States Language describes
//! them. Each takes the effective input and either finishes the state at once (through
//! [`Execution::finish_to`](super::Execution)) or starts what finishes it later.

mod children;
mod choice;
mod fail;
mod map;
mod parallel;
mod pass;
mod task;
mod wait;
