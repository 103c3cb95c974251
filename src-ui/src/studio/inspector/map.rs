//! A Map state's processing mode (inline or distributed) and a distributed Map's child
//! execution type, picked from the model's enums; the legacy `Iterator` noted.

use super::forms::map_mode;
use super::{Frame, Inspector, StateCtx};
use egui::{RichText, Ui};
use serde_json::Value;
use stepcraft::edit::Edit;
use stepcraft::model::map::{ExecutionType, ProcessorMode};

impl Inspector {
    /// The processing mode and, for a distributed Map, its child executions.
    pub(super) fn map_mode_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
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
        let mode = map_mode(s);
        ui.label("Processing mode");
        egui::ComboBox::from_id_salt(("inspector-map-mode", s.sp.as_str()))
            .selected_text(mode.label())
            .show_ui(ui, |ui| {
                for value in ProcessorMode::ALL {
                    if ui.selectable_label(mode == value, value.label()).clicked() && mode != value
                    {
                        let mut new = config.cloned().unwrap_or_default();
                        new.insert("Mode".into(), Value::from(value.as_str()));
                        if value == ProcessorMode::Distributed {
                            new.entry("ExecutionType")
                                .or_insert_with(|| Value::from(ExecutionType::Standard.as_str()));
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
        if mode != ProcessorMode::Distributed {
            return;
        }
        let execution = config
            .and_then(|c| c.get("ExecutionType"))
            .and_then(Value::as_str)
            .unwrap_or(ExecutionType::Standard.as_str());
        ui.label("Child executions");
        egui::ComboBox::from_id_salt(("inspector-map-exec", s.sp.as_str()))
            .selected_text(execution)
            .show_ui(ui, |ui| {
                for value in ExecutionType::ALL.map(ExecutionType::as_str) {
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
    }
}
