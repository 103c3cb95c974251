//! A state's name: typed freely, renamed (with every reference) on Enter or when the field is
//! left, refused when empty, too long or taken.

use super::{Draft, Frame, Inspector, name_id};
use crate::studio::state::Selection;
use crate::studio::theme;
use egui::{Key, Ui};
use stepcraft::Severity;
use stepcraft::edit::{Edit, MAX_NAME_CHARS, StateRef};

impl Inspector {
    pub(super) fn name_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, state: &StateRef) {
        let id = name_id();
        let focused = ui.memory(|m| m.has_focus(id));
        if !focused && self.name.error.is_none() {
            self.name.text.clone_from(&state.name);
        }
        let label = ui.label("Name");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.name.text)
                    .id(id)
                    .char_limit(MAX_NAME_CHARS + 20)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if response.changed() {
            self.name.error = None;
        }
        if response.lost_focus() {
            if ui.input(|i| i.key_pressed(Key::Escape)) {
                self.name = Draft {
                    text: state.name.clone(),
                    error: None,
                };
            } else {
                self.commit_rename(f, state);
            }
        }
        if let Some(error) = &self.name.error {
            ui.colored_label(theme::severity_color(Severity::Error), error);
        }
    }

    pub(super) fn commit_rename(&mut self, f: &mut Frame<'_>, state: &StateRef) {
        let to = self.name.text.clone();
        if to == state.name {
            self.name.error = None;
            return;
        }
        let error = if to.trim().is_empty() {
            Some("A state needs a name.".to_owned())
        } else if to.chars().count() > MAX_NAME_CHARS {
            Some(format!("Names are at most {MAX_NAME_CHARS} characters."))
        } else if f.machine.states().iter().any(|s| s.name.as_str() == to) {
            Some(format!(
                "A state named \"{to}\" already exists: names must be unique."
            ))
        } else {
            None
        };
        if error.is_some() {
            self.name.error = error;
            return;
        }
        self.name.error = None;
        f.edit(Edit::RenameState {
            state: state.clone(),
            to: to.clone(),
        });
        let renamed = StateRef::new(state.scope.clone(), to);
        if let Selection::States(states) = f.selection {
            let mut states = states.clone();
            for s in states.iter_mut().filter(|s| *s == state) {
                s.clone_from(&renamed);
            }
            f.select(Selection::States(states));
        }
        self.subject = Some(renamed);
    }
}
