//! A Choice state's rules: each a condition (a comparison, or And/Or/Not of conditions) and a
//! next state, reordered, added and removed; and the default state.

use super::field::Kind;
use super::widgets::{names_combo, rule_buttons_ui};
use super::{Frame, Inspector, StateCtx};
use egui::{RichText, Ui};
use serde_json::{Map, Value, json};
use stepcraft::Pointer;
use stepcraft::edit::{Edit, RuleList, Via};
use stepcraft::model::choice::Operand;
use stepcraft::model::{Operator, OperatorGroup, QueryLanguage};

/// How deep And/Or/Not conditions are drawn as forms.
pub(super) const MAX_CONDITION_DEPTH: usize = 8;

impl Inspector {
    pub(super) fn choice_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
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
    pub(super) fn condition_ui(
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
    pub(super) fn compare_ui(
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
            // Grouped by the kind of value tested, in plain words; the `...Path` forms are the
            // same comparisons against a path (the toggle below), not more entries.
            let selected = op.map_or_else(
                || "(choose a comparison)".to_owned(),
                |o| format!("{}: {}", o.group().label(), o.label()),
            );
            egui::ComboBox::from_id_salt(("inspector-operator", p.as_str()))
                .selected_text(selected)
                .width(operator_width)
                .height(420.0)
                .show_ui(ui, |ui| {
                    for group in OperatorGroup::ALL {
                        ui.label(RichText::new(group.label()).strong().small());
                        for candidate in Operator::ALL
                            .iter()
                            .filter(|o| o.group() == group && !o.is_path())
                        {
                            // Keep comparing with a path when the new operator can.
                            let wanted = match op {
                                Some(o) if o.is_path() => {
                                    candidate.with_path(true).unwrap_or(*candidate)
                                }
                                _ => *candidate,
                            };
                            let current = op.and_then(|o| o.with_path(false)) == Some(*candidate);
                            let response = ui
                                .selectable_label(current, format!("  {}", candidate.label()))
                                .on_hover_text(wanted.name());
                            if response.clicked() && op != Some(wanted) {
                                f.edit(change_operator(p, obj, op, wanted));
                            }
                        }
                    }
                })
                .response
                .accessible_name("Operator");
            if let Some(current) = op
                && let Some(other) = current.with_path(!current.is_path())
            {
                let mut by_path = current.is_path();
                if ui
                    .checkbox(&mut by_path, "compare with a path")
                    .on_hover_text(format!(
                        "{} compares with the value at a path",
                        other.name()
                    ))
                    .changed()
                {
                    f.edit(change_operator(p, obj, op, other));
                }
            }
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CondKind {
    Compare,
    And,
    Or,
    Not,
}

pub(super) fn condition_kind(obj: &Map<String, Value>) -> CondKind {
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
pub(super) fn is_condition_key(key: &str) -> bool {
    matches!(key, "Variable" | "And" | "Or" | "Not" | "Condition")
        || Operator::from_name(key).is_some()
}

pub(super) fn default_compare() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Variable".into(), Value::from("$.value"));
    m.insert("StringEquals".into(), Value::from(""));
    m
}

pub(super) fn default_operand(operand: Operand) -> Value {
    match operand {
        Operand::String => json!(""),
        Operand::Number => json!(0),
        Operand::Boolean => json!(true),
        Operand::Timestamp => json!("2030-01-01T00:00:00Z"),
        Operand::Path => json!("$.other"),
    }
}

/// The edit switching a comparison's operator, keeping the operand when its type allows.
pub(super) fn change_operator(
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
pub(super) fn condition_part(obj: &Map<String, Value>) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, _)| is_condition_key(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The condition keys `obj` gets when turned from one kind into another, keeping what can be
/// kept (a comparison wrapped in And/Or/Not, the first of a group unwrapped).
pub(super) fn convert_condition(
    obj: &Map<String, Value>,
    from: CondKind,
    to: CondKind,
) -> Map<String, Value> {
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
pub(super) fn replace_condition(
    p: &Pointer,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Edit {
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
