//! Stepcraft studio: the egui desktop app and the headless command line, both over the
//! `stepcraft` engine.

pub mod app;
pub mod cli;
pub mod deploy;
pub mod files;
pub mod raster;
pub mod save_case;
pub mod studio;
