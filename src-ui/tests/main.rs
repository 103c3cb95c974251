//! The studio crate's integration tests (the `stepcraft` binary run as a user runs it, and the
//! studio headless through egui_kittest), one module per subject, built as one test binary
//! (`cargo test -p stepcraft-studio --test studio`): each binary links eframe, wgpu and the
//! AWS SDK, so one link instead of one per file keeps the build's disk use and time small.

mod support;

mod accessibility;
mod cli;
mod cli_aws_services;
mod cli_backends;
mod cli_coverage;
mod cli_crafted;
mod cli_deploy;
mod cli_deploy_templates;
mod cli_export;
mod cli_render;
mod cli_save_case;
mod cli_subst;
mod cli_templates;
mod cli_test;
mod cli_test_state;
mod export_image;
mod file_browser;
mod inspector_browser;
mod run_backends;
mod run_by_hand;
mod run_compare;
mod run_coverage;
mod run_data_path;
mod run_mode;
mod run_redrive;
mod run_views;
mod saving;
mod service_forms;
mod snapshots;
mod studio;
mod studio_aws;
mod studio_parameters;
mod studio_templates;
