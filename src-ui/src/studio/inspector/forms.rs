//! A state's simple forms, drawn in a loop from the field table (`stepcraft::model::fields`):
//! the Configuration tab's rows per state type, the Input/Output tab and the Variables tab. A
//! field shows when the state's type, query language and Map mode take it; the rows that need
//! more than a text box are drawn by their own forms.

use super::branches::branches_ui;
use super::service;
use super::widgets::names_combo;
use super::{Frame, Inspector, StateCtx};
use egui::{RichText, Ui};
use serde_json::Value;
use stepcraft::edit::{Edit, Via};
use stepcraft::model::fields::{Closed, FieldSpec, state_field};
use stepcraft::model::map::ProcessorMode;
use stepcraft::model::{QueryLanguage, StateType};

/// One row of a state's Configuration tab.
#[derive(Clone, Copy, Debug)]
enum Row {
    /// A field of the table.
    Field(&'static str),
    /// Two fields of the table side by side.
    Pair(&'static str, &'static str),
    /// A row with a form of its own.
    Hand(Own),
}

/// The rows of the Configuration tab drawn by hand.
#[derive(Clone, Copy, Debug)]
enum Own {
    /// A Task's integration pattern, read from its resource.
    IntegrationPattern,
    /// A Task's payload: `Parameters` or `Arguments`, whichever its language takes.
    TaskPayload,
    /// A Wait's kind (seconds, timestamp, or either from the input) and its one field.
    WaitKind,
    /// A Map's processing mode and child execution type.
    MapMode,
    /// A Choice state's rules.
    ChoiceRules,
    /// A Parallel state's branches.
    Branches,
}

use Own::{Branches, ChoiceRules, IntegrationPattern, MapMode, TaskPayload, WaitKind};
use Row::{Field, Hand, Pair};

/// The Configuration tab's rows of a state type, after its name, comment and query language.
fn configuration_rows(ty: StateType) -> &'static [Row] {
    match ty {
        StateType::Task => &[
            Field("Resource"),
            Hand(IntegrationPattern),
            Hand(TaskPayload),
            Pair("TimeoutSeconds", "HeartbeatSeconds"),
        ],
        StateType::Pass => &[Field("Result")],
        StateType::Choice => &[Hand(ChoiceRules)],
        StateType::Wait => &[Hand(WaitKind)],
        StateType::Succeed => &[],
        StateType::Fail => &[Field("Error"), Field("Cause")],
        StateType::Parallel => &[Hand(Branches)],
        StateType::Map => &[
            Field("Items"),
            Field("ItemsPath"),
            Field("ItemSelector"),
            Field("MaxConcurrency"),
            Hand(MapMode),
            Field("ToleratedFailurePercentage"),
            Field("ToleratedFailureCount"),
            Field("Label"),
            Field("ItemReader"),
            Field("ItemBatcher"),
            Field("ResultWriter"),
        ],
    }
}

/// The fields of the Input/Output tab, in order; each state shows those of its language.
const INPUT_OUTPUT: &[&str] = &[
    "InputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "OutputPath",
    "Arguments",
    "Output",
];

/// The key of a state's payload in `language`.
pub(super) fn payload_key(language: QueryLanguage) -> &'static str {
    match language {
        QueryLanguage::JsonPath => "Parameters",
        QueryLanguage::Jsonata => "Arguments",
    }
}

/// A Map's processing mode, as written in its `ItemProcessor`.
pub(super) fn map_mode(s: &StateCtx<'_>) -> ProcessorMode {
    s.obj
        .get("ItemProcessor")
        .and_then(|p| p.get("ProcessorConfig"))
        .and_then(|c| c.get("Mode"))
        .and_then(Value::as_str)
        .and_then(ProcessorMode::from_name)
        .unwrap_or_default()
}

/// The table's spec of `name` when the state takes it: its type, language and Map mode.
fn shown(name: &str, s: &StateCtx<'_>) -> Option<&'static FieldSpec> {
    let ty = s.ty?;
    state_field(name).filter(|spec| {
        spec.allowed_in(ty)
            && spec.lang.allows(s.language)
            && (ty != StateType::Map || spec.map_modes.allows(map_mode(s)))
    })
}

impl Inspector {
    /// Name, comment, query language, the type's rows, and the next state.
    pub(super) fn configuration_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        self.name_ui(ui, f, s.state);
        if let Some(comment) = state_field("Comment") {
            self.spec_ui(ui, f, comment, None, s.sp, s.obj);
        }
        language_ui(ui, f, s);
        ui.add_space(4.0);
        let rows = s.ty.map_or(&[][..], configuration_rows);
        for row in rows {
            match *row {
                Field(name) => {
                    if let Some(spec) = shown(name, s) {
                        self.spec_ui(ui, f, spec, None, s.sp, s.obj);
                    }
                }
                Pair(left, right) => {
                    ui.horizontal(|ui| {
                        ui.vertical(|ui| {
                            ui.set_width(ui.available_width() / 2.0 - 4.0);
                            if let Some(spec) = shown(left, s) {
                                self.spec_ui(ui, f, spec, None, s.sp, s.obj);
                            }
                        });
                        ui.vertical(|ui| {
                            if let Some(spec) = shown(right, s) {
                                self.spec_ui(ui, f, spec, None, s.sp, s.obj);
                            }
                        });
                    });
                }
                Hand(own) => self.own_ui(ui, f, s, own),
            }
        }
        if s.ty.is_some_and(StateType::needs_transition) {
            ui.add_space(4.0);
            ui.label("Next state");
            let current = s.obj.get("Next").and_then(Value::as_str).unwrap_or("");
            if let Some(pick) = names_combo(
                ui,
                ("inspector-next", s.sp.as_str()),
                current,
                s.siblings,
                Some("(end)"),
                "Next state",
            ) && (pick.as_deref() != Some(current) || pick.is_none() && !current.is_empty())
            {
                f.edit(Edit::SetTransition {
                    from: s.state.clone(),
                    via: Via::Next,
                    to: pick,
                });
            }
        }
    }

    fn own_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>, own: Own) {
        match own {
            IntegrationPattern => {
                if let Some(action) = service::action_of(s) {
                    self.pattern_picker_ui(ui, f, s, action);
                } else if let Some(resource) = s.obj.get("Resource").and_then(Value::as_str) {
                    let pattern = if resource.ends_with(".waitForTaskToken") {
                        "wait for a callback (.waitForTaskToken)"
                    } else if resource.contains(".sync") {
                        "run a job (.sync)"
                    } else {
                        "request response"
                    };
                    ui.label(
                        RichText::new(format!("Integration pattern: {pattern}"))
                            .small()
                            .weak(),
                    );
                }
            }
            TaskPayload => {
                if let Some(action) = service::action_of(s) {
                    self.service_form_ui(ui, f, s, action);
                    return;
                }
                let key = payload_key(s.language);
                if let Some(spec) = state_field(key) {
                    // Whatever its language calls it, a Task's payload is its arguments.
                    let label = format!("Arguments ({key}, JSON)");
                    self.spec_ui(ui, f, spec, Some(&label), s.sp, s.obj);
                }
            }
            WaitKind => self.wait_ui(ui, f, s),
            MapMode => self.map_mode_ui(ui, f, s),
            ChoiceRules => self.choice_ui(ui, f, s),
            Branches => branches_ui(ui, f, s),
        }
    }

    /// The input and output processing fields of the state's language.
    pub(super) fn input_output_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        let Some(ty) = s.ty else {
            ui.label("Set a valid Type first.");
            return;
        };
        if s.language == QueryLanguage::Jsonata {
            ui.label(
                RichText::new("JSONata: use {% expressions %} over $states.input.")
                    .small()
                    .weak(),
            );
        }
        let mut any = false;
        for spec in INPUT_OUTPUT.iter().filter_map(|name| shown(name, s)) {
            any = true;
            self.spec_ui(ui, f, spec, None, s.sp, s.obj);
        }
        if !any {
            ui.label(format!(
                "A {} state has no input or output processing.",
                ty.as_str()
            ));
        }
    }

    /// `Assign`.
    pub(super) fn variables_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        let Some(spec) = state_field("Assign") else {
            return;
        };
        if s.ty.is_some_and(|t| !spec.allowed_in(t)) {
            ui.label("Succeed and Fail states cannot assign variables.");
            return;
        }
        ui.label(RichText::new(spec.help).small().weak());
        self.assign_rows_ui(ui, f, s);
    }
}

/// The state's query language: inherited, or one of the language values.
fn language_ui(ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
    let current = s.obj.get("QueryLanguage").and_then(Value::as_str);
    ui.horizontal(|ui| {
        ui.label("Query language");
        let inherited = format!("{} (inherited)", f.machine.query_language.as_str());
        egui::ComboBox::from_id_salt(("inspector-language", s.sp.as_str()))
            .selected_text(current.unwrap_or(&inherited))
            .show_ui(ui, |ui| {
                let languages = Closed::QueryLanguage
                    .values()
                    .into_iter()
                    .map(|l| (l, Some(l)));
                for (label, value) in std::iter::once((inherited.as_str(), None)).chain(languages) {
                    if ui.selectable_label(current == value, label).clicked() && current != value {
                        f.edit(Edit::set_state_field(
                            s.state,
                            "QueryLanguage",
                            value.map(Value::from),
                        ));
                    }
                }
            })
            .response
            .accessible_name("State query language");
    });
}
