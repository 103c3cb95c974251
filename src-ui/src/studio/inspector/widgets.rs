//! Small pieces the forms share: a combo of state names, a rule's up/down/remove buttons, and a
//! list of diagnostics.

use crate::studio::theme;
use egui::{Color32, RichText, Ui};
use stepcraft::edit::{Edit, RuleList, StateRef};
use stepcraft::{Diagnostic, Severity};

/// Up, down and remove buttons of rule `i` of `n`; the edit of the one clicked.
pub(super) fn rule_buttons_ui(
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
            .accessible_name(format!("Remove rule {}", i + 1))
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
            .accessible_name(format!("Move rule {} down", i + 1))
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
            .accessible_name(format!("Move rule {} up", i + 1))
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
pub(super) fn names_combo(
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

pub(super) fn diagnostics_ui(ui: &mut Ui, diagnostics: &[&Diagnostic]) {
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
