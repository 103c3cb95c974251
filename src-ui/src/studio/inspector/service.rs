//! A Task whose Resource is a catalog action, drawn as that action's form: its service fields
//! (name or ARN typed or from the state input, payloads by mode, DynamoDB attribute rows,
//! choices, text and JSON), the integration pattern as a picker, and the raw JSON one click
//! away. Values the form cannot show (a path where a literal is expected, keys it does not
//! know) are shown as they are, never dropped. Every change is an edit queued as an action.

use super::field::Kind;
use super::forms::payload_key;
use super::{Frame, Inspector, StateCtx};
use crate::studio::theme;
use egui::{RichText, Ui};
use serde_json::{Map, Value, json};
use stepcraft::catalog::{
    Action, FieldValue, Integration, PayloadMode, ServiceField, ServiceFieldKind,
};
use stepcraft::edit::Edit;
use stepcraft::model::QueryLanguage;
use stepcraft::{Code, Pointer, Severity};

/// The DynamoDB attribute types a row offers, as DynamoDB JSON names them.
const ATTRIBUTE_TYPES: [&str; 10] = ["S", "N", "BOOL", "NULL", "M", "L", "SS", "NS", "B", "BS"];

/// The catalog action (of the bundled catalog) whose pattern has this Resource.
pub(super) fn action_of(s: &StateCtx<'_>) -> Option<&'static Action> {
    let resource = s.obj.get("Resource").and_then(Value::as_str)?;
    stepcraft::catalog::bundled()
        .action_for_resource(resource)
        .map(|(a, _)| a)
        .filter(|a| !a.form.is_empty())
}

/// The edit setting (or, with `None`, removing) `key` of the payload object at `at`.
fn set(at: &Pointer, key: &str, value: Option<Value>) -> Edit {
    Edit::SetField {
        object: at.clone(),
        key: key.to_owned(),
        value,
    }
}

/// One edit replacing `name` and `name.$` in `obj` with `write` (the key, `name` or `name.$`,
/// and its value), or removing both.
fn replace(
    at: &Pointer,
    obj: &Map<String, Value>,
    name: &str,
    write: Option<(String, Value)>,
) -> Edit {
    let path_key = format!("{name}.$");
    let mut batch: Vec<Edit> = [name.to_owned(), path_key]
        .into_iter()
        .filter(|k| obj.contains_key(k) && write.as_ref().is_none_or(|(w, _)| w != k))
        .map(|k| set(at, &k, None))
        .collect();
    if let Some((key, value)) = write {
        batch.push(set(at, &key, Some(value)));
    }
    Edit::Batch(batch)
}

/// The input field a value is read from by default: `FunctionName` from `functionName`.
fn input_path(name: &str) -> String {
    let mut chars = name.chars();
    let lower: String = chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect();
    lower
}

/// Whether a JSONata string is exactly the state input.
fn is_state_input(language: QueryLanguage, value: FieldValue<'_>) -> bool {
    match (language, value) {
        (QueryLanguage::JsonPath, FieldValue::Path(v)) => v == "$",
        (QueryLanguage::Jsonata, FieldValue::Literal(Value::String(s))) => {
            s.split_whitespace().collect::<String>() == "{%$states.input%}"
        }
        _ => false,
    }
}

/// Whether a payload passes the task token somewhere.
fn mentions_task_token(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("Task.Token"),
        Value::Array(items) => items.iter().any(mentions_task_token),
        Value::Object(obj) => obj.values().any(mentions_task_token),
        _ => false,
    }
}

/// The payload mode a field's value is in.
fn payload_mode(language: QueryLanguage, value: FieldValue<'_>) -> PayloadMode {
    if is_state_input(language, value) {
        PayloadMode::StateInput
    } else if value == FieldValue::Missing {
        PayloadMode::None
    } else {
        PayloadMode::Custom
    }
}

impl Inspector {
    /// The integration pattern of a catalog action, as a picker changing the Resource.
    pub(super) fn pattern_picker_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        s: &StateCtx<'_>,
        action: &Action,
    ) {
        let resource = s.obj.get("Resource").and_then(Value::as_str).unwrap_or("");
        let current = action.integrations.iter().find(|i| i.resource == resource);
        ui.horizontal(|ui| {
            ui.label("Integration pattern");
            egui::ComboBox::from_id_salt(("inspector-pattern", s.sp.as_str()))
                .selected_text(current.map_or("", |i| i.pattern.label()))
                .show_ui(ui, |ui| {
                    for spec in &action.integrations {
                        let chosen = current.is_some_and(|c| c.pattern == spec.pattern);
                        if ui.selectable_label(chosen, spec.pattern.label()).clicked() && !chosen {
                            f.edit(Edit::set_state_field(
                                s.state,
                                "Resource",
                                Some(Value::from(spec.resource.clone())),
                            ));
                        }
                    }
                })
                .response
                .accessible_name("Integration pattern");
        });
        let waits = current.is_some_and(|c| c.pattern == Integration::WaitForTaskToken);
        let payload = s.obj.get(payload_key(s.language));
        if waits && !payload.is_some_and(mentions_task_token) {
            ui.colored_label(
                theme::severity_color(Severity::Warning),
                RichText::new(
                    "Waiting for a callback: pass the task token ($$.Task.Token, or \
                     $states.context.Task.Token in JSONata) in the payload, so the worker can \
                     answer.",
                )
                .small(),
            );
        }
    }

    /// The Task's payload as the action's form, or as raw JSON.
    pub(super) fn service_form_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        s: &StateCtx<'_>,
        action: &Action,
    ) {
        let key = payload_key(s.language);
        let payload = s.obj.get(key);
        ui.horizontal(|ui| {
            ui.label(RichText::new(action.title()).strong());
            if ui
                .selectable_label(!self.payload_as_json, "Form")
                .on_hover_text("The service's fields, one by one")
                .clicked()
            {
                self.payload_as_json = false;
            }
            if ui
                .selectable_label(self.payload_as_json, "Raw JSON")
                .on_hover_text(format!("The whole {key} object as JSON"))
                .clicked()
            {
                self.payload_as_json = true;
            }
        });
        let raw_label = format!("Arguments ({key}, JSON)");
        if self.payload_as_json {
            if let Some(spec) = stepcraft::model::fields::state_field(key) {
                self.spec_ui(ui, f, spec, Some(&raw_label), s.sp, s.obj);
            }
            return;
        }
        let obj = match payload {
            Some(Value::Object(obj)) => obj,
            None => {
                ui.label(format!("This state has no {key} yet."));
                if ui.button(format!("➕ Add {key}")).clicked() {
                    let start = action
                        .parameters
                        .clone()
                        .filter(|_| s.language == QueryLanguage::JsonPath)
                        .unwrap_or_else(|| json!({}));
                    f.edit(Edit::set_state_field(s.state, key, Some(start)));
                }
                return;
            }
            Some(_) => {
                ui.label(
                    RichText::new(format!(
                        "{key} is not an object here (an expression?): edit it as JSON."
                    ))
                    .weak(),
                );
                if let Some(spec) = stepcraft::model::fields::state_field(key) {
                    self.spec_ui(ui, f, spec, Some(&raw_label), s.sp, s.obj);
                }
                return;
            }
        };
        let at = s.sp.key(key);
        for field in &action.form {
            ui.add_space(2.0);
            self.service_field_ui(ui, f, s, &at, obj, field);
        }
        self.others_ui(ui, f, &at, obj, &action.form);
    }

    /// The keys of `obj` at `at` that `fields` do not name, shown and editable as they are.
    fn others_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        at: &Pointer,
        obj: &Map<String, Value>,
        fields: &[ServiceField],
    ) {
        let known = |k: &str| {
            let base = k.strip_suffix(".$").unwrap_or(k);
            fields.iter().any(|field| field.name == base)
        };
        let others: Vec<&String> = obj.keys().filter(|k| !known(k)).collect();
        if !others.is_empty() {
            ui.add_space(4.0);
            ui.label(RichText::new("Other parameters").strong());
            for k in others {
                self.field_ui(ui, f, k, at, k, obj.get(k), Kind::Json);
            }
        }
    }

    /// A list of entries (at `list`), each an object drawn with `fields`; add and remove.
    fn entries_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        s: &StateCtx<'_>,
        list: &Pointer,
        items: &[Value],
        fields: &[ServiceField],
    ) {
        let (object, name) = (list.parent(), list.tokens().last().unwrap_or_default());
        for (i, item) in items.iter().enumerate() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("Entry {}", i + 1)).strong());
                    let what = format!("Remove entry {}", i + 1);
                    if ui
                        .small_button("🗑")
                        .on_hover_text(&what)
                        .accessible_name(&what)
                        .clicked()
                    {
                        let mut rest = items.to_vec();
                        rest.remove(i);
                        f.edit(set(&object, &name, Some(Value::Array(rest))));
                    }
                });
                match item.as_object() {
                    Some(entry) => {
                        let at = list.index(i);
                        for field in fields {
                            self.service_field_ui(ui, f, s, &at, entry, field);
                        }
                        self.others_ui(ui, f, &at, entry, fields);
                    }
                    None => {
                        ui.label(RichText::new("Not an object: edit it as Raw JSON.").weak());
                    }
                }
            });
        }
        if ui.small_button(format!("➕ Add entry to {name}")).clicked() {
            let jsonata = s.language == QueryLanguage::Jsonata;
            let entry: Map<String, Value> = fields
                .iter()
                .filter_map(|field| match &field.kind {
                    ServiceFieldKind::Text | ServiceFieldKind::NameOrArn => {
                        Some((field.name.clone(), Value::from("")))
                    }
                    ServiceFieldKind::Payload { modes } => match (modes.first(), jsonata) {
                        (Some(PayloadMode::StateInput), false) => {
                            Some((format!("{}.$", field.name), Value::from("$")))
                        }
                        (Some(PayloadMode::StateInput), true) => {
                            Some((field.name.clone(), Value::from("{% $states.input %}")))
                        }
                        (Some(PayloadMode::Custom), _) => Some((field.name.clone(), json!({}))),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            let mut more = items.to_vec();
            more.push(Value::Object(entry));
            f.edit(set(&object, &name, Some(Value::Array(more))));
        }
    }

    fn service_field_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        s: &StateCtx<'_>,
        at: &Pointer,
        obj: &Map<String, Value>,
        field: &ServiceField,
    ) {
        let name = field.name.as_str();
        let value = FieldValue::of(obj, name);
        let jsonata = s.language == QueryLanguage::Jsonata;
        let label = if field.required {
            format!("{} *", field.label)
        } else {
            field.label.clone()
        };
        match &field.kind {
            ServiceFieldKind::NameOrArn => {
                let from_input = match value {
                    FieldValue::Path(_) => true,
                    FieldValue::Literal(Value::String(t)) => jsonata && t.starts_with("{%"),
                    _ => false,
                };
                ui.horizontal(|ui| {
                    ui.label(&label).on_hover_text(&field.help);
                    let mut checked = from_input;
                    if ui
                        .checkbox(&mut checked, "from the state input")
                        .on_hover_text(format!(
                            "Read {name} from the state input when the state runs"
                        ))
                        .changed()
                    {
                        let write = match (checked, jsonata) {
                            (true, false) => (
                                format!("{name}.$"),
                                Value::from(format!("$.{}", input_path(name))),
                            ),
                            (true, true) => (
                                name.to_owned(),
                                Value::from(format!("{{% $states.input.{} %}}", input_path(name))),
                            ),
                            (false, _) => (name.to_owned(), Value::from("")),
                        };
                        f.edit(replace(at, obj, name, Some(write)));
                    }
                });
                self.slot_ui(ui, f, at, name, value, &label, Kind::Text);
            }
            ServiceFieldKind::Text => {
                ui.label(&label).on_hover_text(&field.help);
                self.slot_ui(ui, f, at, name, value, &label, Kind::OptText);
            }
            ServiceFieldKind::Json => {
                ui.label(&label).on_hover_text(&field.help);
                self.slot_ui(ui, f, at, name, value, &label, Kind::Json);
            }
            ServiceFieldKind::Choice { choices } => {
                let current = match value {
                    FieldValue::Literal(Value::String(t)) => Some(t.as_str()),
                    _ => None,
                };
                let shown_as_choice = matches!(value, FieldValue::Missing)
                    || current.is_some_and(|c| choices.iter().any(|x| x == c));
                ui.horizontal(|ui| {
                    ui.label(&label).on_hover_text(&field.help);
                    egui::ComboBox::from_id_salt(("inspector-choice", at.as_str(), name))
                        .selected_text(current.unwrap_or(if shown_as_choice {
                            "(not set)"
                        } else {
                            "(a path or expression)"
                        }))
                        .show_ui(ui, |ui| {
                            if !field.required
                                && ui
                                    .selectable_label(value == FieldValue::Missing, "(not set)")
                                    .clicked()
                                && value != FieldValue::Missing
                            {
                                f.edit(replace(at, obj, name, None));
                            }
                            for choice in choices {
                                let on = current == Some(choice.as_str());
                                if ui.selectable_label(on, choice).clicked() && !on {
                                    f.edit(replace(
                                        at,
                                        obj,
                                        name,
                                        Some((name.to_owned(), Value::from(choice.clone()))),
                                    ));
                                }
                            }
                        })
                        .response
                        .accessible_name(field.label.as_str());
                });
                if !shown_as_choice {
                    self.slot_ui(ui, f, at, name, value, &label, Kind::Text);
                }
            }
            ServiceFieldKind::Payload { modes } => {
                let mode = payload_mode(s.language, value);
                ui.horizontal_wrapped(|ui| {
                    ui.label(&label).on_hover_text(&field.help);
                    for m in modes {
                        if ui.selectable_label(mode == *m, m.label()).clicked() && mode != *m {
                            let write = match (m, jsonata) {
                                (PayloadMode::StateInput, false) => {
                                    Some((format!("{name}.$"), Value::from("$")))
                                }
                                (PayloadMode::StateInput, true) => {
                                    Some((name.to_owned(), Value::from("{% $states.input %}")))
                                }
                                (PayloadMode::Custom, _) => Some((name.to_owned(), json!({}))),
                                (PayloadMode::None, _) => None,
                            };
                            f.edit(replace(at, obj, name, write));
                        }
                    }
                });
                if mode == PayloadMode::Custom {
                    self.slot_ui(ui, f, at, name, value, &label, Kind::Json);
                }
            }
            ServiceFieldKind::Entries { fields } => {
                ui.label(&label).on_hover_text(&field.help);
                match value {
                    FieldValue::Literal(Value::Array(items)) => {
                        self.entries_ui(ui, f, s, &at.key(name), items, fields);
                    }
                    FieldValue::Missing => self.entries_ui(ui, f, s, &at.key(name), &[], fields),
                    _ => self.slot_ui(ui, f, at, name, value, &label, Kind::Json),
                }
            }
            ServiceFieldKind::AttributeValues => {
                ui.label(&label).on_hover_text(&field.help);
                match value {
                    FieldValue::Literal(Value::Object(rows)) => {
                        self.attribute_rows_ui(ui, f, at, name, rows, jsonata);
                    }
                    FieldValue::Missing => {
                        self.attribute_rows_ui(ui, f, at, name, &Map::new(), jsonata);
                    }
                    _ => self.slot_ui(ui, f, at, name, value, &label, Kind::Json),
                }
            }
        }
        self.required_problem_ui(ui, f, at, field);
    }

    /// The text field of `name`, or of `name.$` when the value is read from a path.
    #[allow(clippy::too_many_arguments)]
    fn slot_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        at: &Pointer,
        name: &str,
        value: FieldValue<'_>,
        label: &str,
        kind: Kind,
    ) {
        self.inline = Some(ui.available_width());
        match value {
            FieldValue::Path(v) => {
                let key = format!("{name}.$");
                self.field_ui(
                    ui,
                    f,
                    &format!("{label} (path)"),
                    at,
                    &key,
                    Some(v),
                    Kind::Text,
                );
            }
            FieldValue::Literal(v) => self.field_ui(ui, f, label, at, name, Some(v), kind),
            FieldValue::Missing => self.field_ui(ui, f, label, at, name, None, kind),
        }
        self.inline = None;
    }

    /// The validator's "required" problem of a field that is missing (located at the payload
    /// or the state, so no text field shows it).
    fn required_problem_ui(&self, ui: &mut Ui, f: &Frame<'_>, at: &Pointer, field: &ServiceField) {
        let quoted = format!("'{}'", field.name);
        for d in f.diagnostics.iter().filter(|d| {
            d.code == Code::RequiredParameter
                && (d.pointer == *at || d.pointer == at.parent())
                && d.message.contains(&quoted)
        }) {
            ui.colored_label(
                theme::severity_color(d.severity),
                RichText::new(&d.message).small(),
            );
        }
    }

    /// DynamoDB attribute values as rows: name, type, value (or a path), remove; and add.
    fn attribute_rows_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        at: &Pointer,
        name: &str,
        rows: &Map<String, Value>,
        jsonata: bool,
    ) {
        let field_at = at.key(name);
        for (attr, av) in rows {
            let typed = av
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.iter().next())
                .filter(|(k, _)| ATTRIBUTE_TYPES.contains(&k.trim_end_matches(".$")));
            ui.horizontal(|ui| {
                let draft = self
                    .attribute_names
                    .entry(format!("{}#{attr}", field_at.as_str()))
                    .or_insert_with(|| attr.clone());
                let response = ui.add(
                    egui::TextEdit::singleline(draft)
                        .id(egui::Id::unique((
                            "inspector-attr",
                            field_at.as_str(),
                            attr.as_str(),
                        )))
                        .desired_width(90.0)
                        .hint_text("attribute"),
                );
                let response = response.accessible_name(format!("{name} attribute name"));
                let renamed = draft.trim().to_owned();
                if response.lost_focus() && renamed != *attr {
                    if renamed.is_empty() || rows.contains_key(&renamed) {
                        draft.clone_from(attr);
                    } else {
                        let new: Map<String, Value> = rows
                            .iter()
                            .map(|(k, v)| {
                                (
                                    if k == attr {
                                        renamed.clone()
                                    } else {
                                        k.clone()
                                    },
                                    v.clone(),
                                )
                            })
                            .collect();
                        f.edit(set(at, name, Some(Value::Object(new))));
                    }
                }
                if let Some((ty_key, _)) = typed {
                    let ty = ty_key.trim_end_matches(".$");
                    let path = ty_key.ends_with(".$");
                    egui::ComboBox::from_id_salt((
                        "inspector-attr-type",
                        field_at.as_str(),
                        attr.as_str(),
                    ))
                    .selected_text(ty)
                    .width(56.0)
                    .show_ui(ui, |ui| {
                        for t in ATTRIBUTE_TYPES {
                            if ui.selectable_label(t == ty, t).clicked() && t != ty {
                                let value = if path {
                                    av[ty_key].clone()
                                } else {
                                    default_attribute(t)
                                };
                                let key = if path { format!("{t}.$") } else { t.to_owned() };
                                f.edit(set(&field_at, attr, Some(json!({ key: value }))));
                            }
                        }
                    })
                    .response
                    .accessible_name(format!("{attr} type"));
                    if !jsonata {
                        let mut by_path = path;
                        if ui
                            .checkbox(&mut by_path, "path")
                            .on_hover_text(
                                "Read the value from the state input (a path) at run time",
                            )
                            .changed()
                        {
                            let (key, value) = if by_path {
                                (format!("{ty}.$"), Value::from(format!("$.{attr}")))
                            } else {
                                (ty.to_owned(), default_attribute(ty))
                            };
                            f.edit(set(&field_at, attr, Some(json!({ key: value }))));
                        }
                    }
                }
                if ui
                    .small_button("🗑")
                    .on_hover_text(format!("Remove the attribute {attr}"))
                    .clicked()
                {
                    let mut left = rows.clone();
                    left.shift_remove(attr);
                    f.edit(set(at, name, Some(Value::Object(left))));
                }
            });
            self.inline = Some(ui.available_width());
            match typed {
                Some((ty_key, v)) => {
                    let ty = ty_key.trim_end_matches(".$");
                    let kind = if ty_key.ends_with(".$") || matches!(ty, "S" | "N" | "B") {
                        Kind::Text
                    } else {
                        Kind::Json
                    };
                    let object = field_at.key(attr);
                    self.field_ui(
                        ui,
                        f,
                        &format!("{attr} value"),
                        &object,
                        ty_key,
                        Some(v),
                        kind,
                    );
                }
                // Not one typed value: the whole attribute value as JSON.
                None => self.field_ui(
                    ui,
                    f,
                    &format!("{attr} value"),
                    &field_at,
                    attr,
                    Some(av),
                    Kind::Json,
                ),
            }
            self.inline = None;
        }
        if ui
            .small_button(format!("➕ Add attribute to {name}"))
            .clicked()
        {
            let prefix = if name == "ExpressionAttributeValues" {
                ":value"
            } else {
                "attribute"
            };
            let fresh = (1..)
                .map(|i| format!("{prefix}{i}"))
                .find(|n| !rows.contains_key(n))
                .unwrap_or_default();
            let mut more = rows.clone();
            more.insert(fresh, json!({"S": ""}));
            f.edit(set(at, name, Some(Value::Object(more))));
        }
    }
}

/// A new value of a DynamoDB attribute type.
fn default_attribute(ty: &str) -> Value {
    match ty {
        "N" => json!("0"),
        "BOOL" | "NULL" => json!(true),
        "M" => json!({}),
        "L" => json!([]),
        "SS" | "NS" | "BS" => json!([""]),
        _ => json!(""),
    }
}
