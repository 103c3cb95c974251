//! The inspector: forms for the selected state (or, with nothing selected, the definition's
//! settings). It never changes the document: every change is an engine [`Edit`] queued as an
//! [`Action`]. Typing into a field queues one `SetField` per keystroke on the same field
//! pointer, which the undo history merges into one step.
//!
//! The simple forms are drawn in a loop from the field table of `stepcraft::model::fields`
//! (`forms`); Choice rules, Retry and Catch, Parallel branches, a Wait's kind, a Map's
//! processing mode and a catalog Task's service fields have forms of their own, one file each.

mod branches;
mod choice;
mod definition;
mod error_handling;
mod field;
mod forms;
mod map;
mod name;
mod service;
mod variables;
mod wait;
mod widgets;

use super::action::{Action, Actions};
use super::parameters::ParameterRow;
use super::state::{PanelCtx, Selection};
use super::theme;
use egui::{Id, RichText, Ui};
use field::Draft;
use serde_json::{Map, Value};
use std::collections::HashMap;
use stepcraft::edit::{Edit, StateRef};
use stepcraft::model::{QueryLanguage, Scope, StateMachine, StateType};
use stepcraft::subst::Substitution;
use stepcraft::{Diagnostic, Pointer};
use widgets::diagnostics_ui;

/// The inspector's tabs for a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InspectorTab {
    /// Name, type-specific fields and the transition.
    #[default]
    Configuration,
    /// JSONPath or JSONata input and output processing.
    InputOutput,
    /// `Assign`.
    Variables,
    /// Retry and Catch rules.
    ErrorHandling,
}

impl InspectorTab {
    fn label(self) -> &'static str {
        match self {
            Self::Configuration => "Configuration",
            Self::InputOutput => "Input/Output",
            Self::Variables => "Variables",
            Self::ErrorHandling => "Error handling",
        }
    }
}

/// The inspector panel.
#[derive(Debug, Default)]
pub struct Inspector {
    tab: InspectorTab,
    /// The state the drafts belong to (`None`: the definition).
    subject: Option<StateRef>,
    drafts: HashMap<String, Draft>,
    name: Draft,
    /// While set, fields draw without a visible label, this wide (rows of a Choice rule).
    inline: Option<f32>,
    /// The help of the next field drawn, shown on its label (from the field table).
    help: Option<&'static str>,
    /// What the user typed into the Parameters list: one value per placeholder name.
    parameter_drafts: HashMap<String, String>,
    /// The Variables tab shows Assign as JSON rather than rows.
    assign_as_json: bool,
    /// Variable names being typed, by the Assign pointer and the name they had.
    assign_names: HashMap<String, String>,
    /// A catalog Task's payload shown as raw JSON rather than the action's form.
    payload_as_json: bool,
    /// DynamoDB attribute names being typed, by the field's pointer and the name they had.
    attribute_names: HashMap<String, String>,
}

/// What the forms of one frame work with.
struct Frame<'a> {
    value: &'a Value,
    machine: &'a StateMachine,
    diagnostics: &'a [Diagnostic],
    selection: &'a Selection,
    /// The definition's placeholders and their values.
    parameters: &'a [ParameterRow],
    actions: &'a mut Actions,
}

impl Frame<'_> {
    /// Queues an edit of the document.
    fn edit(&mut self, edit: Edit) {
        self.actions.push(Action::Edit(edit));
    }

    /// Queues a new selection.
    fn select(&mut self, selection: Selection) {
        self.actions.push(Action::Select(selection));
    }

    /// The value a placeholder has, for a chip's hover.
    fn parameter_value(&self, name: &str) -> Option<Substitution> {
        self.parameters
            .iter()
            .find(|r| r.name == name)
            .and_then(ParameterRow::effective)
    }
}

/// The id of the state-name field.
pub fn name_id() -> Id {
    Id::unique("inspector-state-name")
}

impl Inspector {
    /// An inspector showing the Configuration tab.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tab shown for states.
    pub fn tab(&self) -> InspectorTab {
        self.tab
    }

    /// Shows a tab.
    pub fn set_tab(&mut self, tab: InspectorTab) {
        self.tab = tab;
    }

    /// Draws the inspector of the primary selected state, or the definition's settings, with
    /// the definition's placeholders and their values (`parameters`); queues every change.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ctx: &PanelCtx<'_>,
        parameters: &[ParameterRow],
        actions: &mut Actions,
    ) {
        let mut f = Frame {
            value: ctx.value,
            machine: ctx.machine,
            diagnostics: ctx.diagnostics,
            selection: ctx.selection,
            parameters,
            actions,
        };
        let subject = f.selection.primary().cloned();
        if subject != self.subject {
            self.drafts.clear();
            self.name = Draft {
                text: subject.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                error: None,
            };
            self.subject.clone_from(&subject);
        }
        egui::ScrollArea::vertical()
            .id_salt("inspector-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| match &subject {
                Some(state) => self.state_ui(ui, &mut f, state),
                None => self.definition_ui(ui, &mut f),
            });
    }

    fn state_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, state: &StateRef) {
        let sp = state.pointer();
        let Some(obj) = sp.resolve(f.value).and_then(Value::as_object) else {
            ui.label(format!(
                "The state \"{}\" is no longer in the definition.",
                state.name
            ));
            if ui.button("Show the definition's settings").clicked() {
                f.select(Selection::None);
            }
            return;
        };
        let scope = scope_of(f.machine, &state.scope);
        let model = scope.and_then(|s| s.states.get(state.name.as_str()));
        let ty = model.and_then(stepcraft::model::State::state_type);
        let language = model.map_or(f.machine.query_language, |m| m.language);

        ui.horizontal(|ui| {
            let color = theme::state_color(ty);
            ui.label(RichText::new(theme::state_icon(ty)).color(color).size(18.0));
            ui.heading(&state.name);
            ui.label(RichText::new(ty.map_or("Unknown", StateType::as_str)).color(color));
        });
        let mine: Vec<&Diagnostic> = f
            .diagnostics
            .iter()
            .filter(|d| owner_state(&d.pointer).as_ref() == Some(&sp))
            .collect();
        diagnostics_ui(ui, &mine);

        let handles_errors = matches!(
            ty,
            Some(StateType::Task | StateType::Parallel | StateType::Map)
        );
        ui.horizontal_wrapped(|ui| {
            for tab in [
                InspectorTab::Configuration,
                InspectorTab::InputOutput,
                InspectorTab::Variables,
                InspectorTab::ErrorHandling,
            ] {
                if tab == InspectorTab::ErrorHandling && !handles_errors {
                    continue;
                }
                ui.selectable_value(&mut self.tab, tab, tab.label());
            }
        });
        if self.tab == InspectorTab::ErrorHandling && !handles_errors {
            self.tab = InspectorTab::Configuration;
        }
        ui.separator();
        let siblings: Vec<String> = scope
            .map(|s| {
                s.states
                    .keys()
                    .filter(|n| n.as_str() != state.name)
                    .map(|n| n.0.clone())
                    .collect()
            })
            .unwrap_or_default();
        let ctx = StateCtx {
            state,
            sp: &sp,
            obj,
            ty,
            language,
            siblings: &siblings,
        };
        match self.tab {
            InspectorTab::Configuration => self.configuration_ui(ui, f, &ctx),
            InspectorTab::InputOutput => self.input_output_ui(ui, f, &ctx),
            InspectorTab::Variables => self.variables_ui(ui, f, &ctx),
            InspectorTab::ErrorHandling => self.error_handling_ui(ui, f, &ctx),
        }
    }
}

/// What the forms of one state read.
struct StateCtx<'a> {
    state: &'a StateRef,
    sp: &'a Pointer,
    obj: &'a Map<String, Value>,
    ty: Option<StateType>,
    language: QueryLanguage,
    siblings: &'a [String],
}

/// The scope at `pointer`, from the typed view.
fn scope_of<'m>(machine: &'m StateMachine, pointer: &Pointer) -> Option<&'m Scope> {
    machine
        .scope
        .scopes()
        .into_iter()
        .find(|s| s.pointer == *pointer)
}

/// The innermost state a pointer lies in (`.../States/<name>`), if any.
fn owner_state(pointer: &Pointer) -> Option<Pointer> {
    let tokens: Vec<String> = pointer.tokens().collect();
    let k = (0..tokens.len().saturating_sub(1))
        .rev()
        .find(|&k| tokens[k] == "States")?;
    Some(
        tokens[..k + 2]
            .iter()
            .fold(Pointer::root(), |p, t| p.key(t)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_state_is_the_innermost_state() {
        let p = Pointer::root()
            .key("States")
            .key("P")
            .key("Branches")
            .index(0)
            .key("States")
            .key("X")
            .key("Next");
        let owner = owner_state(&p).map(|o| o.as_str().to_owned());
        assert_eq!(owner.as_deref(), Some("/States/P/Branches/0/States/X"));
        assert_eq!(owner_state(&Pointer::root().key("StartAt")), None);
    }
}
