//! Acting on what the user asked for: one queued action, or one command (from a menu, a button
//! or a shortcut); edits go through the session's undo history.

use super::files::Pending;
use super::frame::reset_layout;
use super::{Mode, StudioApp};
use crate::studio::action::Action;
use crate::studio::canvas::insert_edit;
use crate::studio::commands::UiCommand;
use crate::studio::files_ui::PathPurpose;
use crate::studio::problems::{self, ProblemClick, state_of};
use crate::studio::run_mode::RunAction;
use crate::studio::state::{DragPayload, Selection};
use egui::Ui;
use stepcraft::edit::{Edit, InsertPoint, StateRef, Via, copy_states};
use stepcraft::{Format, Pointer};

impl StudioApp {
    /// Applies one action queued during the frame.
    pub(super) fn apply(&mut self, ui: &Ui, action: Action) {
        match action {
            Action::Edit(edit) => self.apply_edit(&edit),
            Action::Select(selection) => self.select(selection),
            Action::SetParameter { name, value } => self.session.set_parameter(&name, value),
            Action::SetConfig(config) => self.session.set_config(*config),
            Action::MarkBare(pointer) => self.session.mark_bare(pointer),
            Action::Command(command) => self.run_command(ui, command),
            Action::Activate(payload) => {
                let edit = self.activation_edit(&payload);
                self.apply_edit(&edit);
            }
            Action::ProblemClicked(click) => self.problem_clicked(&click),
            Action::Run(RunAction::OpenChild {
                definition,
                name,
                events,
            }) => self.request(
                ui.ctx(),
                Pending::OpenRun {
                    path: definition,
                    name,
                    events,
                },
            ),
            Action::Run(action) => self.run.apply(action, &self.session),
            Action::CodeParsed(doc) => {
                self.session.replace_from_code(*doc);
                self.code.mark_synced(self.session.generation());
                self.load_error = None;
                self.prune_selection();
            }
        }
    }

    /// Replaces the selection; in the Run mode, a state newly selected shows its latest run.
    pub(super) fn select(&mut self, selection: Selection) {
        let before = self.selection.primary().map(|s| s.name.clone());
        self.selection = selection;
        let after = self.selection.primary().map(|s| s.name.clone());
        if self.mode == Mode::Run
            && after != before
            && let Some(name) = after
        {
            self.run.focus_state(&name);
        }
    }

    /// Applies an edit as one undo step; the states it created become the selection.
    pub(super) fn apply_edit(&mut self, edit: &Edit) {
        match self.session.apply(edit) {
            Ok(created) => {
                if !created.is_empty() {
                    self.selection = Selection::States(created);
                }
                self.load_error = None;
                self.prune_selection();
            }
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    /// The edit that adds a browser entry activated with a click or Enter: after the selected
    /// state (on its `Next` or end edge), or with nothing selected at the start of the workflow;
    /// the same insertion a drop on that edge makes.
    pub(super) fn activation_edit(&self, payload: &DragPayload) -> Edit {
        let at = match self.selection.primary() {
            Some(state) => InsertPoint::edge(state.clone(), Via::Next),
            None => InsertPoint::start(Pointer::root()),
        };
        insert_edit(payload, &at)
    }

    /// Drops selected states that no longer exist.
    pub(super) fn prune_selection(&mut self) {
        if let Selection::States(states) = &mut self.selection {
            let value = self.session.document().value();
            states.retain(|s| s.pointer().resolve(value).is_some());
            if states.is_empty() {
                self.selection = Selection::None;
            }
        }
    }

    pub(super) fn problem_clicked(&mut self, click: &ProblemClick) {
        if self.mode == Mode::Code {
            if let Some(l) = click.location {
                self.code.jump_to(l);
            }
        } else if let Some(state) = state_of(&click.pointer) {
            self.selection = Selection::States(vec![state]);
        }
    }

    pub(super) fn run_command(&mut self, ui: &Ui, command: UiCommand) {
        match command {
            // The run's keys act in the Run mode only.
            UiCommand::RunPlay | UiCommand::RunStep | UiCommand::RunStop
                if self.mode != Mode::Run => {}
            UiCommand::RunPlay => self.run.play_or_pause(&self.session),
            UiCommand::RunStep => self.run.step(),
            UiCommand::RunStop => self.run.stop(),
            UiCommand::New => self.request(ui.ctx(), Pending::New),
            UiCommand::Open => self.request(ui.ctx(), Pending::Open(None)),
            UiCommand::Save => self.save(ui),
            UiCommand::SaveAs => {
                self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None));
            }
            UiCommand::ExportJson | UiCommand::ExportYaml => {
                let format = if command == UiCommand::ExportJson {
                    Format::Json
                } else {
                    Format::Yaml
                };
                self.ask_path(
                    ui.ctx(),
                    PathPurpose::Export(format),
                    self.suggested_path(Some(format)),
                );
            }
            UiCommand::ExportHistory => {
                if self.run.events().is_empty() {
                    self.toast("Nothing was run yet: start a run first.".to_owned(), true);
                } else {
                    self.ask_path(
                        ui.ctx(),
                        PathPurpose::ExportHistory,
                        self.suggested_history_path(),
                    );
                }
            }
            UiCommand::ExportImage => {
                let path = self.suggested_image_path("svg");
                self.ask_path(ui.ctx(), PathPurpose::ExportImage, path);
            }
            UiCommand::ExportPng => {
                let path = self.suggested_image_path("png");
                self.ask_path(ui.ctx(), PathPurpose::ExportPng, path);
            }
            UiCommand::ChooseReplayHistory => {
                let suggestion = self.suggested_replay_path();
                self.ask_path(ui.ctx(), PathPurpose::ReplayHistory, suggestion);
            }
            UiCommand::Undo => self.undo_redo(true),
            UiCommand::Redo => self.undo_redo(false),
            UiCommand::Delete => self.delete_selection(),
            UiCommand::Copy => self.copy_selection(ui),
            UiCommand::Paste => self.paste(),
            UiCommand::Duplicate => self.duplicate(),
            UiCommand::Fit => self.canvas.request_fit(),
            UiCommand::DesignMode => self.set_mode(Mode::Design),
            UiCommand::CodeMode => self.set_mode(Mode::Code),
            UiCommand::RunMode => self.set_mode(Mode::Run),
            UiCommand::ConfigMode => self.set_mode(Mode::Config),
            UiCommand::Deploy => self.aws.open_deploy(),
            UiCommand::Executions => self.aws.open_executions(),
            UiCommand::ToggleProblems => {
                self.settings.hide_problems = !self.settings.hide_problems;
            }
            UiCommand::ResetLayout => reset_layout(ui),
            UiCommand::Validate => {
                self.settings.hide_problems = false;
                let (e, w) = problems::counts(self.session.diagnostics());
                self.toast(
                    if e + w == 0 {
                        "No problems found.".to_owned()
                    } else {
                        format!(
                            "{}, {}",
                            problems::count(e, "error"),
                            problems::count(w, "warning")
                        )
                    },
                    e > 0,
                );
            }
        }
    }

    /// Whether Undo has something to take back: an edit, or text typed in Code that does not
    /// parse (set aside by undo).
    pub(super) fn can_undo(&self) -> bool {
        self.session.history().can_undo()
            || (self.mode == Mode::Code && self.code.parse_error().is_some())
    }

    /// Whether Redo has something to bring back.
    pub(super) fn can_redo(&self) -> bool {
        self.session.history().can_redo()
            || (self.mode == Mode::Code && self.code.has_set_aside(self.session.generation()))
    }

    pub(super) fn undo_redo(&mut self, undo: bool) {
        if self.mode == Mode::Code {
            // Typing not yet parsed becomes a step first, so undo takes it back.
            self.flush_code();
            self.session.seal();
            let generation = self.session.generation();
            // Text that does not parse is the newest change: undo sets it aside (the editor
            // shows the last text that parsed), redo brings it back.
            if undo && self.code.set_aside_unparsed(generation) {
                return;
            }
            if !undo && self.code.bring_back(generation) {
                return;
            }
        }
        let result = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        match result {
            Ok(true) => {
                self.load_error = None;
                self.prune_selection();
            }
            Ok(false) => {}
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    pub(super) fn delete_selection(&mut self) {
        if self.mode != Mode::Design {
            return;
        }
        if let Selection::States(states) = &self.selection {
            let edit = Edit::RemoveStates {
                states: states.clone(),
                remove_stranded: false,
            };
            match self.session.apply(&edit) {
                Ok(_) => self.selection = Selection::None,
                Err(e) => self.toast(
                    format!("Cannot delete: {}", e.to_string().trim_end_matches('.')),
                    true,
                ),
            }
        }
    }

    pub(super) fn copy_selection(&mut self, ui: &Ui) {
        if self.mode != Mode::Design {
            return;
        }
        let Selection::States(states) = &self.selection else {
            return;
        };
        match copy_states(self.session.document().value(), states) {
            Ok(pattern) => {
                if let Ok(text) = serde_json::to_string_pretty(&pattern) {
                    ui.ctx().copy_text(text);
                }
                let anchor = states.last().cloned().unwrap_or_else(|| StateRef::top(""));
                self.clipboard = Some((pattern, anchor));
            }
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    pub(super) fn paste(&mut self) {
        if self.mode != Mode::Design {
            return;
        }
        let Some((pattern, anchor)) = self.clipboard.clone() else {
            return;
        };
        let after = self.selection.primary().cloned().unwrap_or(anchor);
        self.insert_copy(pattern, after, "paste");
    }

    /// Inserts a copy of the selected states after the last of them, in one undo step (the
    /// clipboard is left as it was).
    pub(super) fn duplicate(&mut self) {
        if self.mode != Mode::Design {
            return;
        }
        let Selection::States(states) = &self.selection else {
            return;
        };
        let Some(after) = states.last().cloned() else {
            return;
        };
        match copy_states(self.session.document().value(), states) {
            Ok(pattern) => self.insert_copy(pattern, after, "duplicate"),
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    /// Inserts copied states on the `Next` edge of `after`; the copies become the selection.
    fn insert_copy(&mut self, pattern: serde_json::Value, after: StateRef, verb: &str) {
        let edit = Edit::InsertPattern {
            at: InsertPoint::edge(after, Via::Next),
            pattern,
        };
        match self.session.apply(&edit) {
            Ok(created) if !created.is_empty() => {
                self.selection = Selection::States(created);
            }
            Ok(_) => {}
            Err(e) => self.toast(
                format!(
                    "Cannot {verb} here: {}",
                    e.to_string().trim_end_matches('.')
                ),
                true,
            ),
        }
    }

    /// Parses text typed in the Code mode and not yet parsed; a text that parses replaces the
    /// document (one undo step with the typing before it).
    pub(super) fn flush_code(&mut self) {
        if let Some(doc) = self
            .code
            .flush(self.session.document().format(), self.session.document())
        {
            self.session.replace_from_code(doc);
            self.code.mark_synced(self.session.generation());
            self.load_error = None;
            self.prune_selection();
        }
    }
}

pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
