//! One field of a form: a labelled text box bound to `object[key]`, its draft while typed into,
//! how its text maps to JSON, the parameter chips of its value and its diagnostics. Fields from
//! the table in `stepcraft::model::fields` take their label, kind and help from it.

use super::{Frame, Inspector};
use crate::studio::action::Action;
use crate::studio::chips;
use crate::studio::theme;
use egui::{Id, Key, RichText, Ui};
use serde_json::{Map, Value};
use stepcraft::edit::Edit;
use stepcraft::model::fields::{FieldKind, FieldSpec};
use stepcraft::{Pointer, Severity};

/// The text of a field being typed into, kept while it has focus (or does not parse).
#[derive(Clone, Debug, Default)]
pub(super) struct Draft {
    pub(super) text: String,
    pub(super) error: Option<String>,
}

/// How a field's text maps to its JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
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

pub(super) fn parse(kind: Kind, text: &str) -> Result<Option<Value>, String> {
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

pub(super) fn show(kind: Kind, value: Option<&Value>) -> String {
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

impl Kind {
    /// How a field of the table's `kind` is typed, if it is typed as text.
    pub(super) fn of(kind: FieldKind) -> Option<Self> {
        match kind {
            FieldKind::Text => Some(Self::OptText),
            FieldKind::Prose => Some(Self::Prose),
            FieldKind::LongText => Some(Self::LongText),
            FieldKind::Path => Some(Self::Path),
            FieldKind::WholeNumber => Some(Self::Uint),
            FieldKind::Number => Some(Self::Number),
            FieldKind::Json => Some(Self::Json),
            FieldKind::Bool | FieldKind::Enum(_) | FieldKind::StateName | FieldKind::Structure => {
                None
            }
        }
    }
}

impl Inspector {
    /// A field of the table bound to `obj[spec.name]` at `object`: its label, kind and help
    /// from the table (`label` instead of its own, where a form names it otherwise).
    pub(super) fn spec_ui(
        &mut self,
        ui: &mut Ui,
        f: &mut Frame<'_>,
        spec: &FieldSpec,
        label: Option<&str>,
        object: &Pointer,
        obj: &Map<String, Value>,
    ) {
        let Some(kind) = Kind::of(spec.kind) else {
            return;
        };
        self.help = Some(spec.help);
        let label = label.unwrap_or(spec.label);
        self.field_ui(ui, f, label, object, spec.name, obj.get(spec.name), kind);
    }

    /// A labelled text field bound to `object[key]`: each change that parses queues a
    /// `SetField` on that field (merged by the history); text that does not parse shows why.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn field_ui(
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
        let help = self.help.take();
        let label_id = match inline {
            None => {
                let label = ui.label(label);
                Some(match help {
                    Some(help) => label.on_hover_text(help).id,
                    None => label.id,
                })
            }
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
pub(super) fn chips_ui(ui: &mut Ui, f: &Frame<'_>, value: Option<&Value>) {
    let Some(value) = value else { return };
    let names = stepcraft::placeholder::names(value);
    if names.is_empty() {
        return;
    }
    chips::row(ui, names.iter().map(String::as_str), |n| {
        f.parameter_value(n)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
