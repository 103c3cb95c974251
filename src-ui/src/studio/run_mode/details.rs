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
use stepcraft::interp::inspect::Inspection;
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
            .show(ui, |ui| {
                self.focus_ui(ui, focus, actions);
                if let Some(name) = selected_state {
                    ui.separator();
                    self.test_state_ui(ui, name, actions);
                }
            });
    }

    fn focus_ui(&mut self, ui: &mut Ui, focus: Option<Focus>, actions: &mut Actions) {
        match focus {
            Some(Focus::Run(i)) => {
                if let Some(run) = self.trace().runs().get(i) {
                    self.run_details_ui(ui, i, run, actions);
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
        }
    }

    fn run_details_ui(&self, ui: &mut Ui, index: usize, run: &StateRun, actions: &mut Actions) {
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
        let sections = payload_sections(run);
        let (input, rest) = sections.split_at(1);
        for section in input {
            self.section_ui(ui, section, which);
        }
        // What input and output processing made of the data, step by step (recorded for runs
        // made here; a replayed history has none).
        let inspection = self
            .controller
            .execution()
            .filter(|_| run.ended_at.is_some())
            .and_then(|e| e.inspection(run.entered_event));
        if let Some(inspection) = inspection {
            let steps = data_path(inspection);
            if !steps.is_empty() {
                egui::CollapsingHeader::new(RichText::new("Data path").strong())
                    .id_salt(("run-data-path", which))
                    .show(ui, |ui| {
                        for section in &steps {
                            self.section_ui(ui, section, which);
                        }
                    });
            }
        }
        for section in rest {
            self.section_ui(ui, section, which);
        }
        self.logs_ui(ui, index);
        self.children_ui(ui, index, actions);
    }

    /// The child executions the task started, each with a button that opens its run.
    fn children_ui(&self, ui: &mut Ui, index: usize, actions: &mut Actions) {
        for child in self.controller.children_of_run(index) {
            ui.add_space(4.0);
            ui.label(RichText::new("Child execution").strong());
            let name = child
                .execution_arn
                .rsplit(':')
                .next()
                .unwrap_or_default()
                .to_owned();
            let ended = match &child.status {
                stepcraft::interp::Status::Succeeded(_) => "succeeded",
                stepcraft::interp::Status::Failed { .. } => "failed",
                stepcraft::interp::Status::TimedOut { .. } => "timed out",
                stepcraft::interp::Status::Aborted => "aborted",
                _ => "waiting",
            };
            ui.label(
                RichText::new(format!("{name} · {ended} · {}", child.definition.display())).small(),
            );
            if ui
                .button("Open child execution ↗")
                .on_hover_text("Open the child's definition and replay its run")
                .clicked()
            {
                actions.push(Action::Run(RunAction::OpenChild {
                    definition: child.definition.clone(),
                    name: child.execution_arn.clone(),
                    events: Arc::new(child.history.clone()),
                }));
            }
        }
    }

    /// What the task's local function or command printed (stdout and stderr), per attempt.
    fn logs_ui(&self, ui: &mut Ui, index: usize) {
        let logs = self.controller.logs_of_run(index);
        if logs.is_empty() {
            return;
        }
        egui::CollapsingHeader::new(RichText::new("Logs").strong())
            .id_salt(("run-logs", index))
            .default_open(true)
            .show(ui, |ui| {
                for (attempt, (id, text)) in logs.iter().enumerate() {
                    if logs.len() > 1 {
                        ui.label(RichText::new(format!("Attempt {}", attempt + 1)).small());
                    }
                    json_view(ui, &format!("run-log-{id}"), text);
                }
            });
    }

    fn section_ui(&self, ui: &mut Ui, section: &PayloadSection<'_>, which: u64) {
        ui.label(RichText::new(section.title).strong());
        let text = self.pretty(section.cache, which, || section.value.to_value());
        json_view(ui, section.id, &text);
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
pub(super) struct PayloadSection<'a> {
    pub(super) title: &'static str,
    cache: u8,
    pub(super) id: &'static str,
    pub(super) value: &'a Val,
}

/// The payloads of a run the details show, in order: input, output, variables assigned (the
/// data path goes between the input and the output).
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

/// The steps between a state's input and its output, as AWS's TestState names them: after
/// InputPath, after Parameters (JSONata: after Arguments), the raw result, after
/// ResultSelector, after ResultPath. Only the steps the state has.
pub(super) fn data_path(i: &Inspection) -> Vec<PayloadSection<'_>> {
    let steps: [(&'static str, u8, &'static str, &Option<Val>); 6] = [
        (
            "After InputPath",
            PRETTY_AFTER_INPUT_PATH,
            "run-after-input-path",
            &i.after_input_path,
        ),
        (
            "After Parameters",
            PRETTY_AFTER_PARAMETERS,
            "run-after-parameters",
            &i.after_parameters,
        ),
        (
            "After Arguments",
            PRETTY_AFTER_ARGUMENTS,
            "run-after-arguments",
            &i.after_arguments,
        ),
        ("Result", PRETTY_RESULT, "run-result", &i.result),
        (
            "After ResultSelector",
            PRETTY_AFTER_SELECTOR,
            "run-after-selector",
            &i.after_result_selector,
        ),
        (
            "After ResultPath",
            PRETTY_AFTER_RESULT_PATH,
            "run-after-result-path",
            &i.after_result_path,
        ),
    ];
    steps
        .into_iter()
        .filter_map(|(title, cache, id, value)| {
            value.as_ref().map(|value| PayloadSection {
                title,
                cache,
                id,
                value,
            })
        })
        .collect()
}

/// What a pretty text in the details cache is of.
pub(super) const PRETTY_INPUT: u8 = 0;
pub(super) const PRETTY_OUTPUT: u8 = 1;
pub(super) const PRETTY_ASSIGNED: u8 = 2;
pub(super) const PRETTY_EXEC_OUTPUT: u8 = 4;
const PRETTY_AFTER_INPUT_PATH: u8 = 10;
const PRETTY_AFTER_PARAMETERS: u8 = 11;
const PRETTY_AFTER_ARGUMENTS: u8 = 12;
const PRETTY_RESULT: u8 = 13;
const PRETTY_AFTER_SELECTOR: u8 = 14;
const PRETTY_AFTER_RESULT_PATH: u8 = 15;

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
