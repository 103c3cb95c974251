//! The studio: Design, Code, Run and Config modes over one open definition, and the AWS
//! windows (Deploy, Executions).
//!
//! [`shell::StudioApp`] owns the panels (one type per file) and the [`session::Session`] (the
//! document, its history and what is derived from it). Panels read the session during a frame
//! and queue [`action::Action`]s; the shell applies them at the end of the frame, each edit as
//! one undo step.

pub mod action;
pub mod aws;
pub mod browser;
pub mod canvas;
pub mod canvas_keys;
pub mod chips;
pub mod code_view;
pub mod commands;
pub mod config_view;
pub mod file_browser;
pub mod file_picker;
pub mod files_ui;
pub mod gallery;
pub mod inspector;
pub mod parameters;
pub mod problems;
pub mod run_mode;
pub mod session;
pub mod shell;
pub mod state;
pub mod theme;
