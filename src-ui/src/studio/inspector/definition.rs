//! The definition's settings, shown with nothing selected: comment, start state, timeout, query
//! language, version, and the Parameters list of deploy-time placeholders.

use super::field::Kind;
use super::widgets::{diagnostics_ui, names_combo};
use super::{Frame, Inspector, owner_state};
use crate::studio::action::Action;
use crate::studio::chips;
use crate::studio::problems;
use crate::studio::theme;
use egui::{Id, RichText, Ui};
use serde_json::Value;
use stepcraft::edit::Edit;
use stepcraft::model::fields::Closed;
use stepcraft::{Code, Diagnostic, Pointer, Severity};

impl Inspector {
    pub(super) fn definition_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>) {
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
                problems::count(f.machine.states().len(), "state"),
                problems::count(errors, "error"),
                problems::count(warnings, "warning"),
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
                let languages = Closed::QueryLanguage
                    .values()
                    .into_iter()
                    .map(|l| (l, Some(l)));
                for (label, value) in std::iter::once(("JSONPath (default)", None)).chain(languages)
                {
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

    /// The Parameters list of the definition settings: every placeholder, its uses, and an
    /// editable value (kept in the sidecar file, never in the definition).
    pub(super) fn parameters_ui(&mut self, ui: &mut Ui, f: &mut Frame<'_>) {
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
}
