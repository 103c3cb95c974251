//! A Task, Parallel or Map state's Retry and Catch rules: their errors, intervals and jitter,
//! where a catcher goes and what it keeps of the error.

use super::field::Kind;
use super::widgets::{names_combo, rule_buttons_ui};
use super::{Frame, Inspector, StateCtx};
use egui::{RichText, Ui};
use serde_json::{Map, Value, json};
use stepcraft::Pointer;
use stepcraft::edit::{Edit, RuleList, Via};
use stepcraft::model::{ErrorName, JitterStrategy, QueryLanguage};

impl Inspector {
    pub(super) fn error_handling_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
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
                            let strategies =
                                JitterStrategy::ALL.map(|j| (j.as_str(), Some(j.as_str())));
                            for (label, value) in
                                std::iter::once(("(default: none)", None)).chain(strategies)
                            {
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
                rule: json!({"ErrorEquals": [ErrorName::All.as_str()], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}),
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
            let mut rule = json!({"ErrorEquals": [ErrorName::All.as_str()]});
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

    pub(super) fn error_list_ui(
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
}
