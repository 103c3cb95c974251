//! The Run mode's right panel: the selected state run (status, error, input, output, variables)
//! or history event, and the selected state's breakpoint.

use super::format::elapsed;
use super::json_tree::{JsonTree, json_tree_ui};
use super::{Focus, RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::theme;
use egui::{RichText, Ui};
use std::sync::Arc;
use stepcraft::history::{HistoryEvent, to_aws_json};
use stepcraft::model::StateType;
use stepcraft::trace::{RunStatus, StateRun};
use stepcraft::value::Val;

impl RunMode {
    /// The right panel: the selected run or event.
    /// A breakpoint toggled is queued as a [`RunAction`].
    pub fn details_ui(&mut self, ui: &mut Ui, selected_state: Option<&str>, actions: &mut Actions) {
        ui.heading("Details");
        let focus = match (self.focus(), selected_state) {
            (Some(f), _) => Some(f),
            (None, Some(name)) => self
                .trace()
                .runs()
                .iter()
                .rposition(|r| &*r.name == name)
                .map(Focus::Run),
            (None, None) => None,
        };
        if let Some(name) = selected_state {
            let mut on = self.breakpoints().contains(name);
            if ui
                .checkbox(&mut on, format!("Pause before {name}"))
                .on_hover_text("A breakpoint: the run stops before entering this state")
                .changed()
            {
                actions.push(Action::Run(RunAction::ToggleBreakpoint(name.to_owned())));
            }
        }
        egui::ScrollArea::vertical()
            .id_salt("run-details")
            .auto_shrink([false, false])
            .show(ui, |ui| match focus {
                Some(Focus::Run(i)) => {
                    if let Some(run) = self.trace().runs().get(i) {
                        self.run_details_ui(ui, i, run);
                        if run.state_type == StateType::Map {
                            self.map_iterations_ui(ui, i, actions);
                        }
                    }
                }
                Some(Focus::Event(i)) => {
                    if let Some(event) = self.events().get(i) {
                        let tree = self.event_tree(event);
                        ui.label(
                            RichText::new(format!("Event {} · {}", event.id, event.kind.type_name()))
                                .strong(),
                        );
                        json_tree_ui(ui, ui.scope_id().with(("run-event", event.id)), &tree);
                    }
                }
                None => {
                    ui.label(
                        RichText::new(
                            "Select a state on the graph, or a row below, to see its input and output.",
                        )
                        .weak(),
                    );
                }
            });
    }

    fn run_details_ui(&self, ui: &mut Ui, index: usize, run: &StateRun) {
        let trace = self.trace();
        let which = index as u64;
        ui.label(
            RichText::new(format!("{} · {}", run.name, run.state_type))
                .strong()
                .size(15.0),
        );
        ui.label(RichText::new(run.status.label()).color(theme::run_color(run.status)));
        if let Some(iteration) = run.iteration {
            ui.label(RichText::new(format!("Map iteration {iteration}")).small());
        } else if let Some(parent) = run.parent.and_then(|p| trace.runs().get(p)) {
            ui.label(RichText::new(format!("In {}", parent.name)).small());
        }
        if run.attempts > 1 {
            ui.label(RichText::new(format!("{} attempts (retried)", run.attempts)).small());
        }
        if let Some(end) = run.ended_at {
            ui.label(
                RichText::new(format!(
                    "Took {}",
                    elapsed(end.saturating_sub(run.entered_at))
                ))
                .small(),
            );
        }
        if let Some((error, cause)) = &run.error {
            ui.add_space(4.0);
            ui.colored_label(
                theme::run_color(RunStatus::Failed),
                RichText::new(format!("Error: {error}")).strong(),
            );
            if let Some(c) = cause {
                ui.label(RichText::new(format!("Cause: {c}")).small());
            }
        }
        ui.add_space(4.0);
        for section in payload_sections(run) {
            ui.label(RichText::new(section.title).strong());
            let text = self.pretty(section.cache, which, || section.value.to_value());
            json_view(ui, section.id, &text);
        }
    }

    /// An event as a tree (its JSON-text fields parsed), made once per run.
    fn event_tree(&self, event: &HistoryEvent) -> Arc<JsonTree> {
        let mut cache = self.pretty.borrow_mut();
        let run = self.controller.runs_started();
        match &cache.event_tree {
            Some((r, id, tree)) if *r == run && *id == event.id => Arc::clone(tree),
            _ => {
                let value = to_aws_json(std::slice::from_ref(event))["events"][0].take();
                let tree = Arc::new(JsonTree::new(&value));
                cache.event_tree = Some((run, event.id, Arc::clone(&tree)));
                tree
            }
        }
    }
}

/// One payload of a state run shown in the details: its title, where its pretty text is
/// cached, its scroll area's id, the value.
struct PayloadSection<'a> {
    title: &'static str,
    cache: u8,
    id: &'static str,
    value: &'a Val,
}

/// The payloads of a run the details show, in order: input, output, variables assigned. The
/// data path (the value after InputPath, Parameters, ResultSelector, ResultPath) slots in here.
fn payload_sections(run: &StateRun) -> Vec<PayloadSection<'_>> {
    let mut out = vec![PayloadSection {
        title: "Input",
        cache: PRETTY_INPUT,
        id: "run-input",
        value: &run.input,
    }];
    if let Some(output) = &run.output {
        out.push(PayloadSection {
            title: "Output",
            cache: PRETTY_OUTPUT,
            id: "run-output-state",
            value: output,
        });
    }
    if let Some(assigned) = &run.assigned {
        out.push(PayloadSection {
            title: "Variables assigned",
            cache: PRETTY_ASSIGNED,
            id: "run-assigned",
            value: assigned,
        });
    }
    out
}

/// What a pretty text in the details cache is of.
pub(super) const PRETTY_INPUT: u8 = 0;
pub(super) const PRETTY_OUTPUT: u8 = 1;
pub(super) const PRETTY_ASSIGNED: u8 = 2;
pub(super) const PRETTY_EXEC_OUTPUT: u8 = 4;

/// A JSON text, selectable, not editable; long ones scroll.
pub(super) fn json_view(ui: &mut Ui, id: &str, text: &str) {
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(egui::Margin::same(6))
        .corner_radius(egui::CornerRadius::same(4))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(id)
                .max_height(260.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
                });
        });
}
