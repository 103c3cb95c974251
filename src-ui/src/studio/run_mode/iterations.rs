//! The Map iteration viewer in the Run mode's details: a Map run's iteration counts, the
//! iteration the canvas shows inside the Map (and the iteration of a Map nested in it), and
//! the failed and aborted iterations to jump to. Every pick is queued as a [`RunAction`].

use super::{RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::theme;
use egui::{RichText, Ui};
use stepcraft::model::StateType;
use stepcraft::trace::RunStatus;

/// At most this many failed or aborted iterations are listed as buttons.
const MAX_JUMPS: usize = 60;
/// Maps nested deeper than this are not offered a picker of their own.
const MAX_NESTING: usize = 4;

impl RunMode {
    /// The iteration viewer of a Map run.
    pub(super) fn map_iterations_ui(&self, ui: &mut Ui, map: usize, actions: &mut Actions) {
        self.map_iterations_nested_ui(ui, map, 0, actions);
    }

    fn map_iterations_nested_ui(
        &self,
        ui: &mut Ui,
        map: usize,
        depth: usize,
        actions: &mut Actions,
    ) {
        let Some(progress) = self.index.map(map) else {
            return;
        };
        let Some(name) = self.trace().runs().get(map).map(|r| r.name.clone()) else {
            return;
        };
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Iterations of {name}")).strong());
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} started:", progress.iterations.len()));
            for (n, word, status) in [
                (progress.succeeded, "succeeded", RunStatus::Succeeded),
                (progress.failed.len(), "failed", RunStatus::Failed),
                (progress.running(), "running", RunStatus::Running),
                (progress.aborted.len(), "aborted", RunStatus::Cancelled),
            ] {
                ui.label(RichText::new(format!("{n} {word}")).color(theme::run_color(status)));
            }
        });
        let Some(last) = self.index.iteration_indexes(map).max() else {
            return;
        };
        let picked = self.picked_iteration(map);
        let view =
            |iteration: Option<usize>| Action::Run(RunAction::ViewIteration { map, iteration });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Show iteration");
            let mut value = picked.unwrap_or(0);
            let response = ui
                .add(egui::DragValue::new(&mut value).range(0..=last))
                .labelled_by(label.id);
            if response.changed() {
                actions.push(view(Some(value)));
            }
            let at = picked.unwrap_or(0);
            if ui
                .add_enabled(picked.is_some() && at > 0, egui::Button::new("◀ Previous"))
                .clicked()
            {
                actions.push(view(Some(at - 1)));
            }
            if ui
                .add_enabled(picked.is_none_or(|p| p < last), egui::Button::new("Next ▶"))
                .clicked()
            {
                actions.push(view(Some(picked.map_or(0, |p| p + 1))));
            }
            if ui
                .add_enabled(picked.is_some(), egui::Button::new("All iterations"))
                .on_hover_text("Show every iteration's states together on the graph")
                .clicked()
            {
                actions.push(view(None));
            }
        });
        let shown = match picked {
            Some(i) => {
                let status = self.index.iteration_status(self.trace(), map, i);
                format!(
                    "The graph shows iteration {i} inside {name}: {}",
                    status.label()
                )
            }
            None => format!("The graph shows every iteration of {name} together"),
        };
        ui.label(RichText::new(shown).small());
        for (title, list) in [
            ("Failed iterations", &progress.failed),
            ("Aborted iterations", &progress.aborted),
        ] {
            if list.is_empty() {
                continue;
            }
            ui.label(RichText::new(title).small().strong());
            ui.horizontal_wrapped(|ui| {
                for &i in list.iter().take(MAX_JUMPS) {
                    if ui
                        .selectable_label(picked == Some(i), format!("Iteration {i}"))
                        .clicked()
                    {
                        actions.push(view(Some(i)));
                    }
                }
                if list.len() > MAX_JUMPS {
                    ui.label(RichText::new(format!("… {} more", list.len() - MAX_JUMPS)).weak());
                }
            });
        }
        // A Map inside the iteration shown gets a picker of its own.
        let Some(i) = picked else { return };
        if depth >= MAX_NESTING {
            return;
        }
        let nested: Vec<usize> = self
            .index
            .iteration_runs(map, i)
            .iter()
            .copied()
            .filter(|&r| {
                self.trace()
                    .runs()
                    .get(r)
                    .is_some_and(|run| run.state_type == StateType::Map)
                    && self.index.map(r).is_some()
            })
            .collect();
        for inner in nested {
            ui.indent(("nested map", inner), |ui| {
                self.map_iterations_nested_ui(ui, inner, depth + 1, actions);
            });
        }
    }
}
