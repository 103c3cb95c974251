//! The Config mode: the state machine's settings that AWS keeps outside the definition, as
//! Workflow Studio's Config mode has them (name, type, execution role, logging, tracing,
//! publishing a version, tags), edited with forms and checked by AWS's documented rules as they
//! are typed. The form edits a copy of the session's Config and queues it whole
//! ([`Action::SetConfig`]); the shell keeps it in the sidecar file, written atomically once
//! typing stops.

use super::action::{Action, Actions};
use super::commands::UiCommand;
use egui::{RichText, Ui};
use std::path::Path;
use stepcraft::sidecar::{Config, Field, LogLevel, Problem};
use stepcraft::validate::WorkflowType;

/// The width of the forms' label column.
const LABEL_WIDTH: f32 = 140.0;

/// What the Config view reads for one frame.
#[derive(Clone, Copy, Debug)]
pub struct ConfigCtx<'a> {
    /// The Config as the session has it.
    pub config: &'a Config,
    /// The name used when the Config gives none.
    pub default_name: &'a str,
    /// Where it is kept (none until the definition has a file).
    pub sidecar: Option<&'a Path>,
    /// Why the sidecar could not be read.
    pub sidecar_error: Option<&'a str>,
}

/// A text field bound to an optional string: empty is `None`. `name` is its accessible name.
fn optional_text(ui: &mut Ui, value: &mut Option<String>, hint: &str, name: &str) {
    let mut text = value.clone().unwrap_or_default();
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .hint_text(hint)
                .desired_width(f32::INFINITY)
                .id_salt(("config", name)),
        )
        .accessible_name(name);
    if response.changed() {
        *value = (!text.is_empty()).then_some(text);
    }
}

/// The problems of `field`, under it.
fn problems_of(ui: &mut Ui, problems: &[Problem], field: Field) {
    for p in problems.iter().filter(|p| p.field == field) {
        ui.label(RichText::new(format!("⚠ {}", p.message)).color(ui.visuals().error_fg_color));
    }
}

/// Draws the Config view; a changed Config is queued.
pub fn config_ui(ui: &mut Ui, ctx: &ConfigCtx<'_>, actions: &mut Actions) {
    let mut config = ctx.config.clone();
    let problems = ctx.config.problems();
    egui::ScrollArea::vertical()
        .id_salt("config-view")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.set_max_width(720.0);
            ui.heading("State machine configuration");
            match (ctx.sidecar, ctx.sidecar_error) {
                (_, Some(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                (Some(path), None) => {
                    ui.weak(format!("Kept in {}", path.display()));
                }
                (None, None) => {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "Save the definition to a file to keep its configuration beside it.",
                    );
                }
            }
            ui.add_space(8.0);
            egui::Grid::new("config-general")
                .num_columns(2)
                .min_col_width(LABEL_WIDTH)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    ui.label("Name");
                    ui.vertical(|ui| {
                        optional_text(ui, &mut config.name, ctx.default_name, "Name");
                        problems_of(ui, &problems, Field::Name);
                    });
                    ui.end_row();
                    ui.label("Type");
                    ui.horizontal(|ui| {
                        for t in [WorkflowType::Standard, WorkflowType::Express] {
                            if ui.radio(config.workflow_type() == t, t.as_str()).clicked() {
                                config.workflow_type = Some(t);
                            }
                        }
                    });
                    ui.end_row();
                    ui.label("Execution role ARN");
                    ui.vertical(|ui| {
                        optional_text(
                            ui,
                            &mut config.role_arn,
                            "arn:aws:iam::123456789012:role/NAME",
                            "Execution role ARN",
                        );
                        problems_of(ui, &problems, Field::RoleArn);
                    });
                    ui.end_row();
                });
            ui.separator();
            ui.strong("Logging");
            egui::Grid::new("config-logging")
                .num_columns(2)
                .min_col_width(LABEL_WIDTH)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    ui.label("Level");
                    ui.horizontal(|ui| {
                        for level in LogLevel::ALL {
                            ui.radio_value(&mut config.logging.level, level, level.as_str());
                        }
                    });
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(
                        &mut config.logging.include_execution_data,
                        "Include execution data (inputs, outputs, results)",
                    );
                    ui.end_row();
                    ui.label("Log group ARN");
                    ui.vertical(|ui| {
                        optional_text(
                            ui,
                            &mut config.logging.log_group_arn,
                            "arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*",
                            "Log group ARN",
                        );
                        problems_of(ui, &problems, Field::LogGroupArn);
                    });
                    ui.end_row();
                });
            ui.separator();
            ui.strong("Tracing");
            ui.checkbox(&mut config.tracing, "Enable X-Ray tracing");
            ui.separator();
            ui.strong("Versions");
            ui.checkbox(&mut config.publish, "Publish a version on each deploy");
            egui::Grid::new("config-version")
                .num_columns(2)
                .min_col_width(LABEL_WIDTH)
                .show(ui, |ui| {
                    ui.label("Description");
                    ui.add_enabled_ui(config.publish, |ui| {
                        optional_text(
                            ui,
                            &mut config.version_description,
                            "What this version changes",
                            "Version description",
                        );
                    });
                    ui.end_row();
                });
            problems_of(ui, &problems, Field::VersionDescription);
            ui.separator();
            tags_ui(ui, &mut config, &problems);
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .button(UiCommand::Deploy.label())
                    .on_hover_text(UiCommand::Deploy.tooltip())
                    .clicked()
                {
                    actions.push(Action::Command(UiCommand::Deploy));
                }
                if ui
                    .button(UiCommand::Executions.label())
                    .on_hover_text(UiCommand::Executions.tooltip())
                    .clicked()
                {
                    actions.push(Action::Command(UiCommand::Executions));
                }
            });
        });
    if config != *ctx.config {
        actions.push(Action::SetConfig(Box::new(config)));
    }
}

/// The tags: key and value rows, add and remove; a row's problems under it.
fn tags_ui(ui: &mut Ui, config: &mut Config, problems: &[Problem]) {
    ui.strong("Tags");
    problems_of(ui, problems, Field::Tags);
    let mut remove = None;
    for (i, (key, value)) in config.tags.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(key)
                    .hint_text("Key")
                    .desired_width(220.0)
                    .id_salt(("tag-key", i)),
            )
            .accessible_name(format!("Tag key {}", i + 1));
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text("Value")
                    .desired_width(360.0)
                    .id_salt(("tag-value", i)),
            )
            .accessible_name(format!("Tag value {}", i + 1));
            if ui
                .small_button("✖")
                .on_hover_text("Remove this tag")
                .clicked()
            {
                remove = Some(i);
            }
        });
        problems_of(ui, problems, Field::TagKey(i));
        problems_of(ui, problems, Field::TagValue(i));
    }
    if let Some(i) = remove {
        config.tags.remove(i);
    }
    if ui.button("Add tag").clicked() {
        config.tags.push((String::new(), String::new()));
    }
}
