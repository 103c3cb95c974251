//! A Parallel state's branches: each with its first state and size, to select, reorder or
//! remove; and a button adding one.

use super::{Frame, StateCtx};
use crate::studio::state::Selection;
use egui::{RichText, Ui};
use serde_json::{Map, Value, json};
use stepcraft::edit::{Edit, InsertPoint, StateRef};

/// The name of the Pass state a new branch starts with (made unique by the engine).
pub(super) const NEW_BRANCH_STATE: &str = "Pass";

/// A Parallel state's branches: each with its first state and size, to select, reorder or
/// remove (not the last one); and a button adding a branch that holds one Pass state.
pub(super) fn branches_ui(ui: &mut Ui, f: &mut Frame<'_>, s: &StateCtx<'_>) {
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
pub(super) fn branch_buttons_ui(
    ui: &mut Ui,
    parallel: &StateRef,
    i: usize,
    n: usize,
) -> Option<Edit> {
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
