//! The inspector: forms for the selected state (or, with nothing selected, the definition's
//! settings). It never changes the document: every change is an engine [`Edit`] queued as an
//! [`Action`]. Typing into a field queues one `SetField` per keystroke on the same field
//! pointer, which the undo history merges into one step.

use super::action::{Action, Actions};
use super::chips;
use super::parameters::ParameterRow;
use super::state::{PanelCtx, Selection};
use super::theme;
use egui::{Color32, Id, Key, RichText, Ui};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use stepcraft::edit::{Edit, InsertPoint, MAX_NAME_CHARS, RuleList, StateRef, Via};
use stepcraft::model::choice::Operand;
use stepcraft::model::fields::state_field;
use stepcraft::model::{ErrorName, Operator, QueryLanguage, Scope, StateMachine, StateType};
use stepcraft::subst::Substitution;
use stepcraft::{Code, Diagnostic, Pointer, Severity};

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

/// The text of a field being typed into, kept while it has focus (or does not parse).
#[derive(Clone, Debug, Default)]
struct Draft {
    text: String,
    error: Option<String>,
}

/// How a field's text maps to its JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A string; empty is the empty string.
    Text,
    /// A string; empty removes the field.
    OptText,
    /// A string shown wrapped on as many lines as it takes (comments); empty removes the field.
    Prose,
    /// A one-line string (an ARN) shown wrapped, Enter adding no line; empty removes the field.
    LongText,
    /// A JSONPath; empty removes the field, `null` is JSON null.
    Path,
    /// A whole number (or a JSONata `{% %}` expression); empty removes the field.
    Uint,
    /// A number; empty removes the field.
    Number,
    /// Any JSON, edited as text; empty removes the field.
    Json,
    /// A list of error names, comma-separated.
    ErrorList,
}

fn parse(kind: Kind, text: &str) -> Result<Option<Value>, String> {
    let t = text.trim();
    match kind {
        Kind::Text => Ok(Some(Value::from(text))),
        Kind::OptText | Kind::Prose | Kind::LongText => {
            Ok((!text.is_empty()).then(|| Value::from(text)))
        }
        Kind::Path => Ok(match t {
            "" => None,
            "null" => Some(Value::Null),
            _ => Some(Value::from(t)),
        }),
        // A deploy-time placeholder stands for a value of any kind.
        Kind::Uint | Kind::Number if stepcraft::placeholder::whole(t).is_some() => {
            Ok(Some(Value::from(t)))
        }
        Kind::Uint => {
            if t.is_empty() {
                Ok(None)
            } else if t.starts_with("{%") {
                Ok(Some(Value::from(t)))
            } else {
                t.parse::<u64>()
                    .map(|n| Some(Value::from(n)))
                    .map_err(|_| "Enter a whole number (0 or more).".to_owned())
            }
        }
        Kind::Number => {
            if t.is_empty() {
                return Ok(None);
            }
            if let Ok(n) = t.parse::<u64>() {
                return Ok(Some(Value::from(n)));
            }
            t.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(|n| Some(Value::Number(n)))
                .ok_or_else(|| "Enter a number.".to_owned())
        }
        Kind::Json => {
            if t.is_empty() {
                Ok(None)
            } else {
                serde_json::from_str(t)
                    .map(Some)
                    .map_err(|e| format!("Not valid JSON: {e}"))
            }
        }
        Kind::ErrorList => {
            let names: Vec<Value> = t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect();
            if names.is_empty() {
                Err("List at least one error name, such as States.ALL.".to_owned())
            } else {
                Ok(Some(Value::Array(names)))
            }
        }
    }
}

fn show(kind: Kind, value: Option<&Value>) -> String {
    match (kind, value) {
        (_, None) => String::new(),
        (Kind::Json, Some(v)) => serde_json::to_string_pretty(v).unwrap_or_default(),
        (Kind::ErrorList, Some(Value::Array(items))) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(v)) => v.to_string(),
    }
}

/// How deep And/Or/Not conditions are drawn as forms.
const MAX_CONDITION_DEPTH: usize = 8;

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
    /// What the user typed into the Parameters list: one value per placeholder name.
    parameter_drafts: HashMap<String, String>,
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
fn name_id() -> Id {
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

    /// The Parameters list of the definition settings: every placeholder, its uses, and an
    /// editable value (kept in the sidecar file, never in the definition).
    fn parameters_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>) {
        let rows = f.parameters;
        ui.separator();
        ui.label(RichText::new("Parameters").strong());
        if rows.is_empty() {
            ui.label(
                RichText::new(
                    "No deploy-time placeholders. A ${Name} in any value (as SAM, CloudFormation, \
                     CDK or Terraform fill in) becomes a parameter listed here.",
                )
                .small()
                .weak(),
            );
            return;
        }
        ui.label(
            RichText::new(
                "Placeholders filled in at deploy time. Values here are used to check and run the \
                 workflow, and are saved beside the file, never in it.",
            )
            .small()
            .weak(),
        );
        for row in rows.iter() {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                chips::row(ui, [row.name.as_str()], |_| None);
                if row.uses.is_empty() {
                    ui.label(
                        RichText::new("not used in the definition")
                            .small()
                            .color(theme::severity_color(Severity::Warning)),
                    );
                    if ui
                        .small_button("Remove")
                        .on_hover_text("Forget this value (it is kept beside the file)")
                        .clicked()
                    {
                        f.actions.push(Action::SetParameter {
                            name: row.name.clone(),
                            value: None,
                        });
                    }
                    return;
                }
                let places = if row.uses.len() == 1 {
                    "1 use".to_owned()
                } else {
                    format!("{} uses", row.uses.len())
                };
                let list: Vec<&str> = row.uses.iter().map(Pointer::as_str).collect();
                ui.label(RichText::new(places).small().weak())
                    .on_hover_text(list.join("\n"));
            });
            if row.uses.is_empty() {
                continue;
            }
            let draft = self
                .parameter_drafts
                .entry(row.name.clone())
                .or_insert_with(|| row.user.clone().unwrap_or_default());
            let id = Id::unique(("inspector-parameter", row.name.as_str()));
            if !ui.memory(|m| m.has_focus(id)) {
                row.user.clone().unwrap_or_default().clone_into(draft);
            }
            let hint = match &row.template {
                Some(t) => t.text(),
                None => "(no value)".to_owned(),
            };
            let response = ui.add(
                egui::TextEdit::singleline(draft)
                    .id(id)
                    .hint_text(hint)
                    .desired_width(f32::INFINITY),
            );
            let response = response.accessible_name(format!("Value of {}", row.name));
            if response.changed() {
                let value = (!draft.is_empty()).then(|| draft.clone());
                f.actions.push(Action::SetParameter {
                    name: row.name.clone(),
                    value,
                });
            }
            if row.user.is_none()
                && let Some(t) = &row.template
            {
                ui.label(
                    RichText::new(chips::describe(&row.name, Some(t)))
                        .small()
                        .weak(),
                );
            }
        }
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

    // ---- the definition --------------------------------------------------------------------

    fn definition_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>) {
        ui.heading("Definition");
        // The placeholders' note is the Parameters list below, in long form.
        let top: Vec<&Diagnostic> = f
            .diagnostics
            .iter()
            .filter(|d| owner_state(&d.pointer).is_none() && d.code != Code::Placeholders)
            .collect();
        let count = |severity: Severity| {
            f.diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        ui.label(
            RichText::new(format!(
                "{} · {} · {}",
                super::problems::count(f.machine.states().len(), "state"),
                super::problems::count(errors, "error"),
                super::problems::count(warnings, "warning"),
            ))
            .weak(),
        );
        diagnostics_ui(ui, &top);
        ui.separator();
        let root = Pointer::root();
        let obj = f.value.as_object();
        let get = |k: &str| obj.and_then(|o| o.get(k));
        self.field_ui(
            ui,
            f,
            "Comment",
            &root,
            "Comment",
            get("Comment"),
            Kind::Prose,
        );

        let states: Vec<String> = f.machine.scope.states.keys().map(|n| n.0.clone()).collect();
        let start = get("StartAt").and_then(Value::as_str).unwrap_or("");
        let label = ui.label("Start at");
        if let Some(pick) = names_combo(ui, "inspector-start-at", start, &states, None, "Start at")
        {
            f.edit(Edit::set_top_field("StartAt", pick.map(Value::from)));
        }
        let _ = label;

        self.field_ui(
            ui,
            f,
            "Timeout (seconds)",
            &root,
            "TimeoutSeconds",
            get("TimeoutSeconds"),
            Kind::Uint,
        );

        ui.label("Query language");
        let current = get("QueryLanguage").and_then(Value::as_str);
        let shown = current.unwrap_or("JSONPath (default)");
        egui::ComboBox::from_id_salt("inspector-top-language")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (label, value) in [
                    ("JSONPath (default)", None),
                    ("JSONPath", Some("JSONPath")),
                    ("JSONata", Some("JSONata")),
                ] {
                    if ui.selectable_label(current == value, label).clicked() && current != value {
                        f.edit(Edit::set_top_field("QueryLanguage", value.map(Value::from)));
                    }
                }
            })
            .response
            .accessible_name("Query language");
        self.field_ui(
            ui,
            f,
            "Version",
            &root,
            "Version",
            get("Version"),
            Kind::OptText,
        );
        self.parameters_ui(ui, f);
        ui.add_space(8.0);
        ui.label(RichText::new("Select a state on the graph to configure it.").weak());
    }

    // ---- a state -----------------------------------------------------------------------------

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

    fn name_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, state: &StateRef) {
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

    fn commit_rename(&mut self, f: &mut Frame<'_>, state: &StateRef) {
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

    fn configuration_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        self.name_ui(ui, f, s.state);
        self.field_ui(
            ui,
            f,
            "Comment",
            s.sp,
            "Comment",
            s.obj.get("Comment"),
            Kind::Prose,
        );
        language_ui(ui, f, s);
        ui.add_space(4.0);
        match s.ty {
            Some(StateType::Task) => self.task_ui(ui, f, s),
            Some(StateType::Choice) => self.choice_ui(ui, f, s),
            Some(StateType::Wait) => self.wait_ui(ui, f, s),
            Some(StateType::Map) => self.map_ui(ui, f, s),
            Some(StateType::Fail) => {
                self.field_ui(
                    ui,
                    f,
                    "Error",
                    s.sp,
                    "Error",
                    s.obj.get("Error"),
                    Kind::OptText,
                );
                self.field_ui(
                    ui,
                    f,
                    "Cause",
                    s.sp,
                    "Cause",
                    s.obj.get("Cause"),
                    Kind::OptText,
                );
            }
            Some(StateType::Pass) => {
                if s.language == QueryLanguage::JsonPath {
                    self.field_ui(
                        ui,
                        f,
                        "Result (JSON)",
                        s.sp,
                        "Result",
                        s.obj.get("Result"),
                        Kind::Json,
                    );
                }
            }
            Some(StateType::Parallel) => branches_ui(ui, f, s),
            Some(StateType::Succeed) | None => {}
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

    fn task_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        self.field_ui(
            ui,
            f,
            "Resource (ARN)",
            s.sp,
            "Resource",
            s.obj.get("Resource"),
            Kind::LongText,
        );
        if let Some(resource) = s.obj.get("Resource").and_then(Value::as_str) {
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
        let key = payload_key(s.language);
        self.field_ui(
            ui,
            f,
            &format!("Arguments ({key}, JSON)"),
            s.sp,
            key,
            s.obj.get(key),
            Kind::Json,
        );
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(ui.available_width() / 2.0 - 4.0);
                self.field_ui(
                    ui,
                    f,
                    "Timeout (s)",
                    s.sp,
                    "TimeoutSeconds",
                    s.obj.get("TimeoutSeconds"),
                    Kind::Uint,
                );
            });
            ui.vertical(|ui| {
                self.field_ui(
                    ui,
                    f,
                    "Heartbeat (s)",
                    s.sp,
                    "HeartbeatSeconds",
                    s.obj.get("HeartbeatSeconds"),
                    Kind::Uint,
                );
            });
        });
    }

    fn wait_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        const KINDS: [(&str, &str); 4] = [
            ("Seconds", "Wait for seconds"),
            ("Timestamp", "Wait until a timestamp"),
            ("SecondsPath", "Seconds from the input"),
            ("TimestampPath", "Timestamp from the input"),
        ];
        let current = KINDS
            .iter()
            .find(|(k, _)| s.obj.contains_key(*k))
            .map_or("Seconds", |(k, _)| *k);
        ui.label("Wait");
        egui::ComboBox::from_id_salt(("inspector-wait-kind", s.sp.as_str()))
            .selected_text(
                KINDS
                    .iter()
                    .find(|(k, _)| *k == current)
                    .map_or("", |(_, l)| *l),
            )
            .show_ui(ui, |ui| {
                for (key, label) in KINDS {
                    if s.language == QueryLanguage::Jsonata && key.ends_with("Path") {
                        continue;
                    }
                    if ui.selectable_label(key == current, label).clicked() && key != current {
                        let default = match key {
                            "Seconds" => json!(5),
                            "Timestamp" => json!("2030-01-01T00:00:00Z"),
                            "SecondsPath" => json!("$.waitSeconds"),
                            _ => json!("$.waitUntil"),
                        };
                        let mut batch: Vec<Edit> = KINDS
                            .iter()
                            .filter(|(k, _)| s.obj.contains_key(*k))
                            .map(|(k, _)| Edit::set_state_field(s.state, k, None))
                            .collect();
                        batch.push(Edit::set_state_field(s.state, key, Some(default)));
                        f.edit(Edit::Batch(batch));
                    }
                }
            })
            .response
            .accessible_name("Wait kind");
        let kind = match current {
            "Seconds" => Kind::Uint,
            "Timestamp" => Kind::OptText,
            _ => Kind::Path,
        };
        self.field_ui(ui, f, current, s.sp, current, s.obj.get(current), kind);
    }

    fn map_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        if s.language == QueryLanguage::Jsonata {
            self.field_ui(
                ui,
                f,
                "Items (JSON or {% %})",
                s.sp,
                "Items",
                s.obj.get("Items"),
                Kind::Json,
            );
        } else {
            self.field_ui(
                ui,
                f,
                "Items path",
                s.sp,
                "ItemsPath",
                s.obj.get("ItemsPath"),
                Kind::Path,
            );
        }
        self.field_ui(
            ui,
            f,
            "Item selector (JSON)",
            s.sp,
            "ItemSelector",
            s.obj.get("ItemSelector"),
            Kind::Json,
        );
        self.field_ui(
            ui,
            f,
            "Max concurrency (0: no limit)",
            s.sp,
            "MaxConcurrency",
            s.obj.get("MaxConcurrency"),
            Kind::Uint,
        );

        let processor = s.obj.get("ItemProcessor").and_then(Value::as_object);
        let Some(processor) = processor else {
            if s.obj.contains_key("Iterator") {
                ui.label(
                    RichText::new("This Map uses the legacy Iterator field (inline only).").weak(),
                );
            }
            return;
        };
        let pp = s.sp.key("ItemProcessor");
        let config = processor.get("ProcessorConfig").and_then(Value::as_object);
        let mode = config
            .and_then(|c| c.get("Mode"))
            .and_then(Value::as_str)
            .unwrap_or("INLINE");
        ui.label("Processing mode");
        egui::ComboBox::from_id_salt(("inspector-map-mode", s.sp.as_str()))
            .selected_text(if mode == "DISTRIBUTED" {
                "Distributed"
            } else {
                "Inline"
            })
            .show_ui(ui, |ui| {
                for (value, label) in [("INLINE", "Inline"), ("DISTRIBUTED", "Distributed")] {
                    if ui.selectable_label(mode == value, label).clicked() && mode != value {
                        let mut new = config.cloned().unwrap_or_default();
                        new.insert("Mode".into(), Value::from(value));
                        if value == "DISTRIBUTED" {
                            new.entry("ExecutionType")
                                .or_insert_with(|| Value::from("STANDARD"));
                        } else {
                            new.shift_remove("ExecutionType");
                        }
                        f.edit(Edit::SetField {
                            object: pp.clone(),
                            key: "ProcessorConfig".into(),
                            value: Some(Value::Object(new)),
                        });
                    }
                }
            })
            .response
            .accessible_name("Processing mode");
        if mode == "DISTRIBUTED" {
            let execution = config
                .and_then(|c| c.get("ExecutionType"))
                .and_then(Value::as_str)
                .unwrap_or("STANDARD");
            ui.label("Child executions");
            egui::ComboBox::from_id_salt(("inspector-map-exec", s.sp.as_str()))
                .selected_text(execution)
                .show_ui(ui, |ui| {
                    for value in ["STANDARD", "EXPRESS"] {
                        if ui.selectable_label(execution == value, value).clicked()
                            && execution != value
                        {
                            f.edit(Edit::SetField {
                                object: pp.key("ProcessorConfig"),
                                key: "ExecutionType".into(),
                                value: Some(Value::from(value)),
                            });
                        }
                    }
                })
                .response
                .accessible_name("Child executions");
            self.field_ui(
                ui,
                f,
                "Tolerated failure (%)",
                s.sp,
                "ToleratedFailurePercentage",
                s.obj.get("ToleratedFailurePercentage"),
                Kind::Number,
            );
            self.field_ui(
                ui,
                f,
                "Tolerated failure (count)",
                s.sp,
                "ToleratedFailureCount",
                s.obj.get("ToleratedFailureCount"),
                Kind::Uint,
            );
            self.field_ui(
                ui,
                f,
                "Label",
                s.sp,
                "Label",
                s.obj.get("Label"),
                Kind::OptText,
            );
            self.field_ui(
                ui,
                f,
                "Item reader (JSON)",
                s.sp,
                "ItemReader",
                s.obj.get("ItemReader"),
                Kind::Json,
            );
            self.field_ui(
                ui,
                f,
                "Item batcher (JSON)",
                s.sp,
                "ItemBatcher",
                s.obj.get("ItemBatcher"),
                Kind::Json,
            );
            self.field_ui(
                ui,
                f,
                "Result writer (JSON)",
                s.sp,
                "ResultWriter",
                s.obj.get("ResultWriter"),
                Kind::Json,
            );
        }
    }

    // ---- Choice rules ------------------------------------------------------------------------

    fn choice_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        ui.label(RichText::new("Choice rules").strong());
        let rules: &[Value] = s
            .obj
            .get("Choices")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let n = rules.len();
        for (i, rule) in rules.iter().enumerate() {
            let rp = s.sp.key("Choices").index(i);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("Rule {}", i + 1)).strong());
                    if let Some(edit) = rule_buttons_ui(ui, s.state, RuleList::Choices, i, n, n > 1)
                    {
                        f.edit(edit);
                    }
                });
                if let Some(obj) = rule.as_object() {
                    self.condition_ui(ui, f, s, &rp, obj, 0);
                    ui.horizontal(|ui| {
                        ui.label("Then go to");
                        let current = obj.get("Next").and_then(Value::as_str).unwrap_or("");
                        if let Some(Some(pick)) = names_combo(
                            ui,
                            ("inspector-rule-next", rp.as_str()),
                            current,
                            s.siblings,
                            None,
                            "Then go to",
                        ) && pick != current
                        {
                            f.edit(Edit::SetTransition {
                                from: s.state.clone(),
                                via: Via::Choice(i),
                                to: Some(pick),
                            });
                        }
                    });
                } else {
                    ui.label("This rule is not an object: fix it in the code view.");
                }
            });
        }
        let target = s
            .obj
            .get("Default")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| s.siblings.first().cloned());
        let add = ui.add_enabled(target.is_some(), egui::Button::new("➕ Add rule"));
        if add.clicked()
            && let Some(next) = target
        {
            let mut rule = if s.language == QueryLanguage::Jsonata {
                json!({"Condition": "{% $states.input.status = 'OK' %}"})
            } else {
                json!({"Variable": "$.status", "StringEquals": "OK"})
            };
            if let Some(obj) = rule.as_object_mut() {
                obj.insert("Next".into(), Value::from(next));
            }
            f.edit(Edit::InsertRule {
                state: s.state.clone(),
                list: RuleList::Choices,
                index: None,
                rule,
            });
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label("Default");
            let current = s.obj.get("Default").and_then(Value::as_str).unwrap_or("");
            if let Some(pick) = names_combo(
                ui,
                ("inspector-default", s.sp.as_str()),
                current,
                s.siblings,
                Some("(no default)"),
                "Default state",
            ) && pick.as_deref().unwrap_or("") != current
            {
                f.edit(Edit::SetTransition {
                    from: s.state.clone(),
                    via: Via::Default,
                    to: pick,
                });
            }
        });
    }

    /// The condition of a rule at `p` (a top-level rule or one nested in And/Or/Not).
    fn condition_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        s: &StateCtx<'_>,
        p: &Pointer,
        obj: &Map<String, Value>,
        depth: usize,
    ) {
        if s.language == QueryLanguage::Jsonata || obj.contains_key("Condition") {
            self.field_ui(
                ui,
                f,
                "Condition",
                p,
                "Condition",
                obj.get("Condition"),
                Kind::Json,
            );
            return;
        }
        if depth > MAX_CONDITION_DEPTH {
            ui.label(RichText::new("Nested too deep to edit here: use the code view.").weak());
            return;
        }
        let kind = condition_kind(obj);
        ui.horizontal(|ui| {
            let labels = [
                (CondKind::Compare, "Compare"),
                (CondKind::And, "And (all of)"),
                (CondKind::Or, "Or (any of)"),
                (CondKind::Not, "Not"),
            ];
            let shown = labels
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or("", |(_, l)| *l);
            egui::ComboBox::from_id_salt(("inspector-cond-kind", p.as_str()))
                .selected_text(shown)
                .width(110.0)
                .show_ui(ui, |ui| {
                    for (k, label) in labels {
                        if ui.selectable_label(k == kind, label).clicked() && k != kind {
                            let new = convert_condition(obj, kind, k);
                            f.edit(replace_condition(p, obj, &new));
                        }
                    }
                })
                .response
                .accessible_name("Condition kind");
        });
        match kind {
            CondKind::Compare => self.compare_ui(ui, f, p, obj),
            CondKind::Not => {
                if let Some(inner) = obj.get("Not").and_then(Value::as_object) {
                    ui.indent(("not", p.as_str()), |ui| {
                        self.condition_ui(ui, f, s, &p.key("Not"), inner, depth + 1);
                    });
                }
            }
            CondKind::And | CondKind::Or => {
                let key = if kind == CondKind::And { "And" } else { "Or" };
                let items: Vec<Value> = obj
                    .get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                ui.indent((key, p.as_str()), |ui| {
                    for (j, item) in items.iter().enumerate() {
                        let cp = p.key(key).index(j);
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            if let Some(child) = item.as_object() {
                                self.condition_ui(ui, f, s, &cp, child, depth + 1);
                            }
                            if items.len() > 1 && ui.small_button("🗑 Remove condition").clicked()
                            {
                                let mut rest = items.clone();
                                rest.remove(j);
                                f.edit(Edit::SetField {
                                    object: p.clone(),
                                    key: key.into(),
                                    value: Some(Value::Array(rest)),
                                });
                            }
                        });
                    }
                    if ui.small_button("➕ Add condition").clicked() {
                        let mut more = items.clone();
                        more.push(json!({"Variable": "$.value", "StringEquals": ""}));
                        f.edit(Edit::SetField {
                            object: p.clone(),
                            key: key.into(),
                            value: Some(Value::Array(more)),
                        });
                    }
                });
            }
        }
    }

    /// One comparison as a row: variable, operator, value.
    fn compare_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        p: &Pointer,
        obj: &Map<String, Value>,
    ) {
        let op = obj.keys().find_map(|k| Operator::from_name(k));
        let width = ui.available_width();
        // The path gets a line of its own (paths are long); operator and value share the next.
        self.inline = Some(width);
        self.field_ui(
            ui,
            f,
            "Variable",
            p,
            "Variable",
            obj.get("Variable"),
            Kind::OptText,
        );
        let operator_width = (width * 0.6).max(90.0);
        let value_width = (width - operator_width - ui.spacing().item_spacing.x).max(60.0);
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt(("inspector-operator", p.as_str()))
                .selected_text(op.map_or("(operator)", Operator::name))
                .width(operator_width)
                .height(320.0)
                .show_ui(ui, |ui| {
                    for candidate in Operator::ALL {
                        if ui
                            .selectable_label(op == Some(*candidate), candidate.name())
                            .clicked()
                            && op != Some(*candidate)
                        {
                            f.edit(change_operator(p, obj, op, *candidate));
                        }
                    }
                })
                .response
                .accessible_name("Operator");
            let Some(op) = op else {
                return;
            };
            let key = op.name();
            self.inline = Some(value_width);
            match op.operand() {
                Operand::Boolean => {
                    let current = obj.get(key).and_then(Value::as_bool);
                    for b in [true, false] {
                        if ui
                            .selectable_label(current == Some(b), b.to_string())
                            .clicked()
                            && current != Some(b)
                        {
                            f.edit(Edit::SetField {
                                object: p.clone(),
                                key: key.into(),
                                value: Some(Value::Bool(b)),
                            });
                        }
                    }
                }
                Operand::Number => {
                    self.field_ui(ui, f, "Value", p, key, obj.get(key), Kind::Number);
                }
                Operand::Path => {
                    self.field_ui(
                        ui,
                        f,
                        "Compare with (path)",
                        p,
                        key,
                        obj.get(key),
                        Kind::Text,
                    );
                }
                Operand::String | Operand::Timestamp => {
                    self.field_ui(ui, f, "Value", p, key, obj.get(key), Kind::Text);
                }
            }
        });
        self.inline = None;
    }

    // ---- Input/Output, Variables -------------------------------------------------------------

    fn input_output_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        let Some(ty) = s.ty else {
            ui.label("Set a valid Type first.");
            return;
        };
        let fields: &[(&str, &str, Kind)] = if s.language == QueryLanguage::Jsonata {
            ui.label(
                RichText::new("JSONata: use {% expressions %} over $states.input.")
                    .small()
                    .weak(),
            );
            &[
                ("Arguments", "Arguments (JSON)", Kind::Json),
                ("Output", "Output (JSON)", Kind::Json),
            ]
        } else {
            &[
                ("InputPath", "InputPath", Kind::Path),
                ("Parameters", "Parameters (JSON)", Kind::Json),
                ("ResultSelector", "ResultSelector (JSON)", Kind::Json),
                ("ResultPath", "ResultPath", Kind::Path),
                ("OutputPath", "OutputPath", Kind::Path),
            ]
        };
        let mut any = false;
        for (key, label, kind) in fields {
            if state_field(key).is_some_and(|spec| spec.allowed_in(ty)) {
                any = true;
                self.field_ui(ui, f, label, s.sp, key, s.obj.get(*key), *kind);
            }
        }
        if !any {
            ui.label(format!(
                "A {} state has no input or output processing.",
                ty.as_str()
            ));
        }
    }

    fn variables_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        if s.ty
            .is_some_and(|t| matches!(t, StateType::Succeed | StateType::Fail))
        {
            ui.label("Succeed and Fail states cannot assign variables.");
            return;
        }
        ui.label(
            RichText::new("Variables this state sets, as a JSON object of names to values.")
                .small()
                .weak(),
        );
        self.field_ui(
            ui,
            f,
            "Assign (JSON)",
            s.sp,
            "Assign",
            s.obj.get("Assign"),
            Kind::Json,
        );
    }

    // ---- Error handling ----------------------------------------------------------------------

    fn error_handling_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        ui.label(RichText::new("Retry").strong());
        let retriers: &[Value] = s
            .obj
            .get("Retry")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let n = retriers.len();
        for (i, rule) in retriers.iter().enumerate() {
            let rp = s.sp.key("Retry").index(i);
            let Some(obj) = rule.as_object() else {
                continue;
            };
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("Retrier {}", i + 1)).strong());
                    if let Some(edit) = rule_buttons_ui(ui, s.state, RuleList::Retry, i, n, true) {
                        f.edit(edit);
                    }
                });
                self.error_list_ui(ui, f, &rp, obj);
                ui.columns(2, |cols| {
                    self.field_ui(
                        &mut cols[0],
                        f,
                        "Interval (s)",
                        &rp,
                        "IntervalSeconds",
                        obj.get("IntervalSeconds"),
                        Kind::Uint,
                    );
                    self.field_ui(
                        &mut cols[1],
                        f,
                        "Max attempts",
                        &rp,
                        "MaxAttempts",
                        obj.get("MaxAttempts"),
                        Kind::Uint,
                    );
                    self.field_ui(
                        &mut cols[0],
                        f,
                        "Backoff rate",
                        &rp,
                        "BackoffRate",
                        obj.get("BackoffRate"),
                        Kind::Number,
                    );
                    self.field_ui(
                        &mut cols[1],
                        f,
                        "Max delay (s)",
                        &rp,
                        "MaxDelaySeconds",
                        obj.get("MaxDelaySeconds"),
                        Kind::Uint,
                    );
                });
                ui.horizontal(|ui| {
                    ui.label("Jitter");
                    let current = obj.get("JitterStrategy").and_then(Value::as_str);
                    egui::ComboBox::from_id_salt(("inspector-jitter", rp.as_str()))
                        .selected_text(current.unwrap_or("(default: none)"))
                        .show_ui(ui, |ui| {
                            for (label, value) in [
                                ("(default: none)", None),
                                ("FULL", Some("FULL")),
                                ("NONE", Some("NONE")),
                            ] {
                                if ui.selectable_label(current == value, label).clicked()
                                    && current != value
                                {
                                    f.edit(Edit::SetField {
                                        object: rp.clone(),
                                        key: "JitterStrategy".into(),
                                        value: value.map(Value::from),
                                    });
                                }
                            }
                        })
                        .response
                        .accessible_name("Jitter");
                });
            });
        }
        if ui.button("➕ Add retrier").clicked() {
            f.edit(Edit::InsertRule {
                state: s.state.clone(),
                list: RuleList::Retry,
                index: None,
                rule: json!({"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}),
            });
        }

        ui.add_space(8.0);
        ui.label(RichText::new("Catch").strong());
        let catchers: &[Value] = s
            .obj
            .get("Catch")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let n = catchers.len();
        for (i, rule) in catchers.iter().enumerate() {
            let rp = s.sp.key("Catch").index(i);
            let Some(obj) = rule.as_object() else {
                continue;
            };
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("Catcher {}", i + 1)).strong());
                    if let Some(edit) = rule_buttons_ui(ui, s.state, RuleList::Catch, i, n, true) {
                        f.edit(edit);
                    }
                });
                self.error_list_ui(ui, f, &rp, obj);
                ui.horizontal(|ui| {
                    ui.label("Then go to");
                    let current = obj.get("Next").and_then(Value::as_str).unwrap_or("");
                    if let Some(Some(pick)) = names_combo(
                        ui,
                        ("inspector-catch-next", rp.as_str()),
                        current,
                        s.siblings,
                        None,
                        "Catcher next state",
                    ) && pick != current
                    {
                        f.edit(Edit::SetTransition {
                            from: s.state.clone(),
                            via: Via::Catch(i),
                            to: Some(pick),
                        });
                    }
                });
                if s.language == QueryLanguage::Jsonata {
                    self.field_ui(
                        ui,
                        f,
                        "Output (JSON)",
                        &rp,
                        "Output",
                        obj.get("Output"),
                        Kind::Json,
                    );
                } else {
                    self.field_ui(
                        ui,
                        f,
                        "ResultPath (error output)",
                        &rp,
                        "ResultPath",
                        obj.get("ResultPath"),
                        Kind::Path,
                    );
                }
            });
        }
        let target = s.siblings.first().cloned();
        let add = ui
            .add_enabled(target.is_some(), egui::Button::new("➕ Add catcher"))
            .on_disabled_hover_text("A catcher needs another state in this scope to go to.");
        if add.clicked()
            && let Some(next) = target
        {
            let mut rule = json!({"ErrorEquals": ["States.ALL"]});
            if let Some(obj) = rule.as_object_mut() {
                if s.language == QueryLanguage::JsonPath {
                    obj.insert("ResultPath".into(), Value::from("$.error"));
                }
                obj.insert("Next".into(), Value::from(next));
            }
            f.edit(Edit::InsertRule {
                state: s.state.clone(),
                list: RuleList::Catch,
                index: None,
                rule,
            });
        }
    }

    fn error_list_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        rp: &Pointer,
        obj: &Map<String, Value>,
    ) {
        self.field_ui(
            ui,
            f,
            "Errors (comma-separated)",
            rp,
            "ErrorEquals",
            obj.get("ErrorEquals"),
            Kind::ErrorList,
        );
        let current: Vec<&str> = obj
            .get("ErrorEquals")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        egui::ComboBox::from_id_salt(("inspector-add-error", rp.as_str()))
            .selected_text("➕ Add a States.* error")
            .show_ui(ui, |ui| {
                for name in ErrorName::ALL_NAMES {
                    let name = name.as_str();
                    if current.contains(&name) {
                        continue;
                    }
                    if ui.selectable_label(false, name).clicked() {
                        let mut list: Vec<Value> =
                            current.iter().map(|s| Value::from(*s)).collect();
                        list.push(Value::from(name));
                        f.edit(Edit::SetField {
                            object: rp.clone(),
                            key: "ErrorEquals".into(),
                            value: Some(Value::Array(list)),
                        });
                    }
                }
            })
            .response
            .accessible_name("Add an error name");
    }

    // ---- fields ------------------------------------------------------------------------------

    /// A labelled text field bound to `object[key]`: each change that parses queues a
    /// `SetField` on that field (merged by the history); text that does not parse shows why.
    #[allow(clippy::too_many_arguments)]
    fn field_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        label: &str,
        object: &Pointer,
        key: &str,
        current: Option<&Value>,
        kind: Kind,
    ) {
        let field = object.key(key);
        let id = Id::unique(("inspector-field", field.as_str()));
        let focused = ui.memory(|m| m.has_focus(id));
        let shown = show(kind, current);
        let draft = self
            .drafts
            .entry(field.as_str().to_owned())
            .or_insert_with(|| Draft {
                text: shown.clone(),
                error: None,
            });
        if !focused && draft.error.is_none() && draft.text != shown {
            draft.text = shown;
        }
        let inline = self.inline;
        let label_id = match inline {
            None => Some(ui.label(label).id),
            Some(_) => None,
        };
        let edit = match kind {
            Kind::Json => egui::TextEdit::multiline(&mut draft.text)
                .code_editor()
                .desired_rows(3),
            Kind::Prose => egui::TextEdit::multiline(&mut draft.text).desired_rows(1),
            Kind::LongText | Kind::ErrorList => egui::TextEdit::multiline(&mut draft.text)
                .desired_rows(1)
                .return_key(None),
            _ => egui::TextEdit::singleline(&mut draft.text),
        };
        let hint = match kind {
            Kind::Path => "$.field",
            Kind::Json => "{ }",
            Kind::Uint | Kind::Number => "(not set)",
            _ => "",
        };
        let response = ui.add(
            edit.id(id)
                .hint_text(if inline.is_some() { label } else { hint })
                .desired_width(inline.unwrap_or(f32::INFINITY)),
        );
        let response = match label_id {
            Some(l) => response.labelled_by(l),
            None => response.accessible_name(label).on_hover_text(label),
        };
        if response.changed() {
            match parse(kind, &draft.text) {
                Ok(value) => {
                    draft.error = None;
                    if value.as_ref() != current {
                        let placeholder = value
                            .as_ref()
                            .and_then(Value::as_str)
                            .and_then(stepcraft::placeholder::whole)
                            .is_some();
                        f.edit(Edit::SetField {
                            object: object.clone(),
                            key: key.to_owned(),
                            value,
                        });
                        if placeholder && matches!(kind, Kind::Uint | Kind::Number) {
                            f.actions.push(Action::MarkBare(field.clone()));
                        }
                    }
                }
                Err(e) => draft.error = Some(e),
            }
        }
        if response.lost_focus()
            && draft.error.is_some()
            && ui.input(|i| i.key_pressed(Key::Escape))
        {
            draft.error = None;
        }
        if let Some(error) = &draft.error {
            ui.colored_label(theme::severity_color(Severity::Error), error);
        }
        chips_ui(ui, f, current);
        for d in f
            .diagnostics
            .iter()
            .filter(|d| d.pointer.starts_with(&field))
        {
            ui.colored_label(
                theme::severity_color(d.severity),
                RichText::new(&d.message).small(),
            );
        }
    }
}

/// Chips for the placeholders in a field's value, each with its value on hover.
fn chips_ui(ui: &mut Ui, f: &Frame<'_>, value: Option<&Value>) {
    let Some(value) = value else { return };
    let names = stepcraft::placeholder::names(value);
    if names.is_empty() {
        return;
    }
    chips::row(ui, names.iter().map(String::as_str), |n| {
        f.parameter_value(n)
    });
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

fn payload_key(language: QueryLanguage) -> &'static str {
    match language {
        QueryLanguage::JsonPath => "Parameters",
        QueryLanguage::Jsonata => "Arguments",
    }
}

fn language_ui(ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
    let current = s.obj.get("QueryLanguage").and_then(Value::as_str);
    ui.horizontal(|ui| {
        ui.label("Query language");
        let inherited = format!("{} (inherited)", f.machine.query_language.as_str());
        egui::ComboBox::from_id_salt(("inspector-language", s.sp.as_str()))
            .selected_text(current.unwrap_or(&inherited))
            .show_ui(ui, |ui| {
                for (label, value) in [
                    (inherited.as_str(), None),
                    ("JSONPath", Some("JSONPath")),
                    ("JSONata", Some("JSONata")),
                ] {
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

/// The name of the Pass state a new branch starts with (made unique by the engine).
const NEW_BRANCH_STATE: &str = "Pass";

/// A Parallel state's branches: each with its first state and size, to select, reorder or
/// remove (not the last one); and a button adding a branch that holds one Pass state.
fn branches_ui(ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
    let branches: &[Value] = s
        .obj
        .get("Branches")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let n = branches.len();
    ui.label(RichText::new(format!("Branches ({n})")).strong());
    ui.label(
        RichText::new("Branches run side by side; edit their states on the graph.")
            .small()
            .weak(),
    );
    for (i, branch) in branches.iter().enumerate() {
        let start = branch.get("StartAt").and_then(Value::as_str);
        let count = branch
            .get("States")
            .and_then(Value::as_object)
            .map_or(0, Map::len);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("Branch {}", i + 1)).strong());
                if let Some(edit) = branch_buttons_ui(ui, s.state, i, n) {
                    f.edit(edit);
                }
            });
            let states = if count == 1 { "state" } else { "states" };
            match start {
                Some(start) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!("{count} {states}, starts at"));
                        let scope = s.state.branch(i);
                        if ui.link(start).on_hover_text("Select this state").clicked() {
                            f.select(Selection::States(vec![StateRef::new(scope, start)]));
                        }
                    });
                }
                None => {
                    ui.label(format!("{count} {states}, no StartAt"));
                }
            }
        });
    }
    if ui
        .button("➕ Add branch")
        .on_hover_text("Add a branch holding one Pass state")
        .clicked()
    {
        f.edit(Edit::InsertState {
            at: InsertPoint::NewBranch {
                parallel: s.state.clone(),
                index: None,
            },
            name: NEW_BRANCH_STATE.to_owned(),
            state: json!({"Type": "Pass"}),
        });
    }
}

/// Up, down and remove buttons of branch `i` of `n`; the edit of the one clicked.
fn branch_buttons_ui(ui: &mut Ui, parallel: &StateRef, i: usize, n: usize) -> Option<Edit> {
    let mut out = None;
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let remove = ui
            .add_enabled(n > 1, egui::Button::new("🗑").small())
            .on_hover_text(format!("Remove branch {}", i + 1))
            .on_disabled_hover_text("A Parallel state needs at least one branch")
            .accessible_name(format!("Remove branch {}", i + 1));
        if remove.clicked() {
            out = Some(Edit::RemoveBranch {
                parallel: parallel.clone(),
                index: i,
            });
        }
        for (enabled, to, arrow, text) in [
            (i + 1 < n, i + 1, "⬇", "Move down"),
            (i > 0, i.saturating_sub(1), "⬆", "Move up"),
        ] {
            if ui
                .add_enabled(enabled, egui::Button::new(arrow).small())
                .on_hover_text(text)
                .accessible_name(format!("{text} branch {}", i + 1))
                .clicked()
            {
                out = Some(Edit::MoveBranch {
                    parallel: parallel.clone(),
                    from: i,
                    to,
                });
            }
        }
    });
    out
}

/// Up, down and remove buttons of rule `i` of `n`; the edit of the one clicked.
fn rule_buttons_ui(
    ui: &mut Ui,
    state: &StateRef,
    list: RuleList,
    i: usize,
    n: usize,
    removable: bool,
) -> Option<Edit> {
    let mut out = None;
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if ui
            .add_enabled(removable, egui::Button::new("🗑").small())
            .on_hover_text("Remove")
            .clicked()
        {
            out = Some(Edit::RemoveRule {
                state: state.clone(),
                list,
                index: i,
            });
        }
        if ui
            .add_enabled(i + 1 < n, egui::Button::new("⬇").small())
            .on_hover_text("Move down")
            .clicked()
        {
            out = Some(Edit::MoveRule {
                state: state.clone(),
                list,
                from: i,
                to: i + 1,
            });
        }
        if ui
            .add_enabled(i > 0, egui::Button::new("⬆").small())
            .on_hover_text("Move up")
            .clicked()
        {
            out = Some(Edit::MoveRule {
                state: state.clone(),
                list,
                from: i,
                to: i - 1,
            });
        }
    });
    out
}

/// A combo of state names; `Some(choice)` when the user picked one (`None` inside: the
/// `none_label` entry).
fn names_combo(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    current: &str,
    names: &[String],
    none_label: Option<&str>,
    name: &str,
) -> Option<Option<String>> {
    let mut out = None;
    let shown = if current.is_empty() {
        none_label.unwrap_or("(choose a state)").to_owned()
    } else {
        current.to_owned()
    };
    let missing = !current.is_empty() && !names.iter().any(|n| n == current);
    let text = if missing {
        RichText::new(format!("{shown} (missing)")).color(theme::severity_color(Severity::Error))
    } else {
        RichText::new(shown)
    };
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(text)
        .width(ui.available_width().clamp(80.0, 240.0))
        .show_ui(ui, |ui| {
            if let Some(label) = none_label
                && ui.selectable_label(current.is_empty(), label).clicked()
            {
                out = Some(None);
            }
            for name in names {
                if ui.selectable_label(name == current, name).clicked() {
                    out = Some(Some(name.clone()));
                }
            }
        })
        .response
        .accessible_name(name);
    out
}

fn diagnostics_ui(ui: &mut Ui, diagnostics: &[&Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    egui::Frame::new()
        .inner_margin(6.0)
        .corner_radius(4.0)
        .fill(ui.visuals().extreme_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            for d in diagnostics.iter().take(12) {
                let color: Color32 = theme::severity_color(d.severity);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(d.severity.as_str())
                            .color(color)
                            .strong()
                            .small(),
                    );
                    ui.label(RichText::new(&d.message).small());
                });
            }
            if diagnostics.len() > 12 {
                ui.label(
                    RichText::new(format!("… and {} more", diagnostics.len() - 12))
                        .small()
                        .weak(),
                );
            }
        });
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CondKind {
    Compare,
    And,
    Or,
    Not,
}

fn condition_kind(obj: &Map<String, Value>) -> CondKind {
    if obj.contains_key("And") {
        CondKind::And
    } else if obj.contains_key("Or") {
        CondKind::Or
    } else if obj.contains_key("Not") {
        CondKind::Not
    } else {
        CondKind::Compare
    }
}

/// The keys that make up a condition (not Next, Comment, Assign, Output).
fn is_condition_key(key: &str) -> bool {
    matches!(key, "Variable" | "And" | "Or" | "Not" | "Condition")
        || Operator::from_name(key).is_some()
}

fn default_compare() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Variable".into(), Value::from("$.value"));
    m.insert("StringEquals".into(), Value::from(""));
    m
}

fn default_operand(operand: Operand) -> Value {
    match operand {
        Operand::String => json!(""),
        Operand::Number => json!(0),
        Operand::Boolean => json!(true),
        Operand::Timestamp => json!("2030-01-01T00:00:00Z"),
        Operand::Path => json!("$.other"),
    }
}

/// The edit switching a comparison's operator, keeping the operand when its type allows.
fn change_operator(
    p: &Pointer,
    obj: &Map<String, Value>,
    old: Option<Operator>,
    new: Operator,
) -> Edit {
    let operand = match old.and_then(|o| obj.get(o.name())) {
        Some(v) if old.map(Operator::operand) == Some(new.operand()) => v.clone(),
        _ => default_operand(new.operand()),
    };
    let mut batch = Vec::new();
    if let Some(o) = old {
        batch.push(Edit::SetField {
            object: p.clone(),
            key: o.name().into(),
            value: None,
        });
    }
    batch.push(Edit::SetField {
        object: p.clone(),
        key: new.name().into(),
        value: Some(operand),
    });
    Edit::Batch(batch)
}

/// The condition part of `obj` only.
fn condition_part(obj: &Map<String, Value>) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, _)| is_condition_key(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The condition keys `obj` gets when turned from one kind into another, keeping what can be
/// kept (a comparison wrapped in And/Or/Not, the first of a group unwrapped).
fn convert_condition(obj: &Map<String, Value>, from: CondKind, to: CondKind) -> Map<String, Value> {
    let inner: Map<String, Value> = match from {
        CondKind::Compare => condition_part(obj),
        CondKind::Not => obj
            .get("Not")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        CondKind::And | CondKind::Or => {
            let key = if from == CondKind::And { "And" } else { "Or" };
            let items = obj.get(key).and_then(Value::as_array);
            if matches!(to, CondKind::And | CondKind::Or) {
                let mut m = Map::new();
                let key = if to == CondKind::And { "And" } else { "Or" };
                m.insert(key.into(), Value::Array(items.cloned().unwrap_or_default()));
                return m;
            }
            items
                .and_then(|a| a.first())
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        }
    };
    let inner = if inner.is_empty() {
        default_compare()
    } else {
        inner
    };
    let mut m = Map::new();
    match to {
        CondKind::Compare => {
            if condition_kind(&inner) == CondKind::Compare {
                return inner;
            }
            return default_compare();
        }
        CondKind::And => m.insert("And".into(), Value::Array(vec![Value::Object(inner)])),
        CondKind::Or => m.insert("Or".into(), Value::Array(vec![Value::Object(inner)])),
        CondKind::Not => m.insert("Not".into(), Value::Object(inner)),
    };
    m
}

/// One edit replacing the condition keys of the rule at `p` with `new`'s, keeping its other
/// fields (Next, Comment...).
fn replace_condition(p: &Pointer, old: &Map<String, Value>, new: &Map<String, Value>) -> Edit {
    let mut batch: Vec<Edit> = old
        .keys()
        .filter(|k| is_condition_key(k) && !new.contains_key(*k))
        .map(|k| Edit::SetField {
            object: p.clone(),
            key: k.clone(),
            value: None,
        })
        .collect();
    batch.extend(new.iter().map(|(k, v)| Edit::SetField {
        object: p.clone(),
        key: k.clone(),
        value: Some(v.clone()),
    }));
    Edit::Batch(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_and_show() {
        assert_eq!(parse(Kind::Uint, " 30 "), Ok(Some(json!(30))));
        assert_eq!(parse(Kind::Uint, ""), Ok(None));
        assert!(parse(Kind::Uint, "-1").is_err());
        assert_eq!(parse(Kind::Number, "1.5"), Ok(Some(json!(1.5))));
        assert_eq!(parse(Kind::Path, "null"), Ok(Some(Value::Null)));
        assert_eq!(
            parse(Kind::ErrorList, "States.ALL, Custom"),
            Ok(Some(json!(["States.ALL", "Custom"])))
        );
        assert!(parse(Kind::Json, "{").is_err());
        assert_eq!(show(Kind::ErrorList, Some(&json!(["A", "B"]))), "A, B");
    }

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

    #[test]
    fn conditions_convert_between_kinds() {
        let compare = default_compare();
        let and = convert_condition(&compare, CondKind::Compare, CondKind::And);
        assert_eq!(
            Value::Object(and.clone()),
            json!({"And": [{"Variable": "$.value", "StringEquals": ""}]})
        );
        let or = convert_condition(&and, CondKind::And, CondKind::Or);
        assert!(or.contains_key("Or"));
        let back = convert_condition(&or, CondKind::Or, CondKind::Compare);
        assert_eq!(back, compare);
    }
}
