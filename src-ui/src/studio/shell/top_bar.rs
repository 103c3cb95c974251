//! The top bar: File, Edit and View menus, Undo and Redo, the modes, the Validate button with
//! the problem counts, the file name and whether it is saved.

use super::files::Pending;
use super::{Mode, StudioApp};
use crate::studio::action::{Action, Actions};
use crate::studio::commands::UiCommand;
use crate::studio::problems;
use crate::studio::state::Selection;
use crate::studio::theme;
use egui::{RichText, Ui};

impl StudioApp {
    pub(super) fn top_bar_ui(&mut self, ui: &mut Ui, commands: &mut Actions) {
        ui.horizontal_wrapped(|ui| {
            ui.menu_button("File", |ui| {
                for command in [UiCommand::New, UiCommand::Open] {
                    command_button(ui, command, true, commands);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in self.settings.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.request(ui.ctx(), Pending::Open(Some(path)));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                for command in [
                    UiCommand::Save,
                    UiCommand::SaveAs,
                    UiCommand::ExportJson,
                    UiCommand::ExportYaml,
                ] {
                    command_button(ui, command, true, commands);
                }
                let ran = !self.run.events().is_empty();
                command_button(ui, UiCommand::ExportHistory, ran, commands);
                command_button(ui, UiCommand::ExportImage, true, commands);
                command_button(ui, UiCommand::ExportPng, true, commands);
            });
            ui.menu_button("Edit", |ui| {
                let design = self.mode == Mode::Design;
                let selected = matches!(self.selection, Selection::States(_));
                command_button(ui, UiCommand::Undo, self.can_undo(), commands);
                command_button(ui, UiCommand::Redo, self.can_redo(), commands);
                ui.separator();
                command_button(ui, UiCommand::Delete, design && selected, commands);
                command_button(ui, UiCommand::Copy, design && selected, commands);
                command_button(ui, UiCommand::Duplicate, design && selected, commands);
                command_button(
                    ui,
                    UiCommand::Paste,
                    design && self.clipboard.is_some(),
                    commands,
                );
                ui.separator();
                command_button(ui, UiCommand::Fit, design, commands);
            });
            ui.menu_button("AWS", |ui| {
                command_button(ui, UiCommand::Deploy, true, commands);
                command_button(ui, UiCommand::Executions, true, commands);
            });
            ui.menu_button("View", |ui| {
                let shown = !self.settings.hide_problems;
                let mut button = egui::Button::selectable(shown, UiCommand::ToggleProblems.label());
                if let Some(s) = UiCommand::ToggleProblems.shortcut_text(ui.ctx()) {
                    button = button.shortcut_text(s);
                }
                if ui
                    .add_enabled(self.mode != Mode::Run, button)
                    .on_hover_text(UiCommand::ToggleProblems.tooltip())
                    .clicked()
                {
                    commands.push(Action::Command(UiCommand::ToggleProblems));
                    ui.close();
                }
                command_button(ui, UiCommand::ResetLayout, true, commands);
            });
            ui.separator();
            if ui
                .add_enabled(self.can_undo(), egui::Button::new("⟲ Undo"))
                .on_hover_text(hover(ui, UiCommand::Undo))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Undo));
            }
            if ui
                .add_enabled(self.can_redo(), egui::Button::new("⟳ Redo"))
                .on_hover_text(hover(ui, UiCommand::Redo))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Redo));
            }
            ui.separator();
            for (mode, command) in [
                (Mode::Design, UiCommand::DesignMode),
                (Mode::Code, UiCommand::CodeMode),
                (Mode::Run, UiCommand::RunMode),
                (Mode::Config, UiCommand::ConfigMode),
            ] {
                if ui
                    .selectable_label(self.mode == mode, command.label())
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    commands.push(Action::Command(command));
                }
            }
            ui.separator();
            let (errors, warnings) = problems::counts(self.session.diagnostics());
            let errors = errors + usize::from(self.code.parse_error().is_some());
            let (text, color) = match (errors, warnings) {
                (0, 0) => (
                    "✔ Valid".to_owned(),
                    theme::state_color(Some(stepcraft::model::StateType::Succeed)),
                ),
                (0, w) => (
                    format!("Validate: {}", problems::count(w, "warning")),
                    theme::severity_color(stepcraft::Severity::Warning),
                ),
                (e, w) => (
                    format!(
                        "Validate: {}, {}",
                        problems::count(e, "error"),
                        problems::count(w, "warning")
                    ),
                    theme::severity_color(stepcraft::Severity::Error),
                ),
            };
            if ui
                .button(RichText::new(text).color(color))
                .on_hover_text(hover(ui, UiCommand::Validate))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Validate));
            }
            ui.separator();
            ui.label(RichText::new(self.session.name()).strong());
            if self.is_dirty() {
                ui.label(RichText::new("✱ unsaved").color(ui.visuals().warn_fg_color));
            }
        });
    }
}

fn hover(ui: &Ui, command: UiCommand) -> String {
    match command.shortcut_text(ui.ctx()) {
        Some(s) => format!("{} ({s})", command.tooltip()),
        None => command.tooltip().to_owned(),
    }
}

/// A menu item for a command, with its shortcut.
fn command_button(ui: &mut Ui, command: UiCommand, enabled: bool, out: &mut Actions) {
    let mut button = egui::Button::new(command.label());
    if let Some(s) = command.shortcut_text(ui.ctx()) {
        button = button.shortcut_text(s);
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(command.tooltip())
        .clicked()
    {
        out.push(Action::Command(command));
        ui.close();
    }
}
