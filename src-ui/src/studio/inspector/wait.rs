//! A Wait state's kind (seconds, a timestamp, or either read from the input), switched in one
//! edit, and the one field of that kind from the field table.

use super::{Frame, Inspector, StateCtx};
use egui::Ui;
use serde_json::json;
use stepcraft::edit::Edit;
use stepcraft::model::fields::state_field;

impl Inspector {
    pub(super) fn wait_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
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
                    if !state_field(key).is_some_and(|spec| spec.lang.allows(s.language)) {
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
        if let Some(spec) = state_field(current) {
            self.spec_ui(ui, f, spec, None, s.sp, s.obj);
        }
    }
}
