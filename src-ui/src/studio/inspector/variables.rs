//! The Variables tab: `Assign` as a list of name and value rows (add, rename, remove), with
//! the raw JSON one click away.

use super::field::Kind;
use super::{Frame, Inspector, StateCtx};
use egui::{RichText, Ui};
use serde_json::{Map, Value};
use stepcraft::edit::Edit;
use stepcraft::model::QueryLanguage;

impl Inspector {
    /// `Assign` as rows; `Assign` that is not an object (or the user's choice) as JSON.
    pub(super) fn assign_rows_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
        let assign = s.obj.get("Assign");
        // Read in place; copied only when a click changes it.
        let empty = Map::new();
        let rows = match assign {
            None => Some(&empty),
            Some(Value::Object(m)) => Some(m),
            Some(_) => None,
        };
        ui.horizontal(|ui| {
            if ui
                .selectable_label(!self.assign_as_json && rows.is_some(), "Rows")
                .on_hover_text("Each variable on a row of its own")
                .clicked()
            {
                self.assign_as_json = false;
            }
            if ui
                .selectable_label(self.assign_as_json || rows.is_none(), "JSON")
                .on_hover_text("The whole Assign object as JSON")
                .clicked()
            {
                self.assign_as_json = true;
            }
        });
        let Some(rows) = rows.filter(|_| !self.assign_as_json) else {
            self.field_ui(ui, f, "Assign (JSON)", s.sp, "Assign", assign, Kind::Json);
            return;
        };
        let at = s.sp.key("Assign");
        let jsonata = s.language == QueryLanguage::Jsonata;
        if rows.is_empty() {
            ui.label(RichText::new("No variables yet.").weak());
        }
        for (name, value) in rows {
            ui.horizontal(|ui| {
                let id = ("inspector-assign-name", at.as_str(), name.as_str());
                let draft = self
                    .assign_names
                    .entry(format!("{}#{name}", at.as_str()))
                    .or_insert_with(|| name.clone());
                let response = ui.add(
                    egui::TextEdit::singleline(draft)
                        .id(egui::Id::unique(id))
                        .desired_width(110.0)
                        .hint_text("name"),
                );
                let response = response.on_hover_text(if jsonata {
                    "The variable's name"
                } else {
                    "The variable's name (end it with .$ to read the value from a path)"
                });
                let renamed = draft.trim();
                if response.lost_focus() && renamed != name {
                    if renamed.is_empty() || rows.contains_key(renamed) {
                        // Refused: the draft goes back to the name.
                        draft.clone_from(name);
                    } else {
                        f.edit(Edit::set_state_field(
                            s.state,
                            "Assign",
                            Some(Value::Object(rename(rows, name, renamed))),
                        ));
                    }
                }
                if ui
                    .small_button("🗑")
                    .on_hover_text(format!("Remove the variable {name}"))
                    .accessible_name(format!("Remove the variable {name}"))
                    .clicked()
                {
                    let mut left = rows.clone();
                    left.shift_remove(name);
                    f.edit(Edit::set_state_field(
                        s.state,
                        "Assign",
                        (!left.is_empty()).then_some(Value::Object(left)),
                    ));
                }
            });
            self.inline = Some(ui.available_width());
            self.field_ui(ui, f, name, &at, name, Some(value), Kind::Json);
            self.inline = None;
        }
        if ui.button("➕ Add variable").clicked() {
            let name = (1..)
                .map(|i| format!("variable{i}"))
                .find(|n| !rows.contains_key(n))
                .unwrap_or_default();
            let mut more = rows.clone();
            more.insert(name, Value::String(String::new()));
            f.edit(Edit::set_state_field(
                s.state,
                "Assign",
                Some(Value::Object(more)),
            ));
        }
    }
}

/// `rows` with `old` renamed to `new`, in place (the order kept).
fn rename(rows: &Map<String, Value>, old: &str, new: &str) -> Map<String, Value> {
    rows.iter()
        .map(|(k, v)| (if k == old { new.to_owned() } else { k.clone() }, v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renaming_keeps_the_order() {
        let rows = json!({"a": 1, "b": 2, "c": 3});
        let renamed = rename(rows.as_object().expect("object"), "b", "z");
        assert_eq!(Value::Object(renamed).to_string(), r#"{"a":1,"z":2,"c":3}"#);
    }
}
