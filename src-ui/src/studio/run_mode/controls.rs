//! The Run mode's left panel: the scenario and input, the buttons, the speed, the breakpoints,
//! a history to replay, the run's status and the callbacks waiting for an answer.

use super::controller::DEFAULT_SPEED;
use super::details::{PRETTY_EXEC_OUTPUT, json_view};
use super::format::elapsed;
use super::{RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::commands::UiCommand;
use crate::studio::problems::count;
use crate::studio::session::Session;
use crate::studio::theme;
use egui::{RichText, Ui};
use std::path::PathBuf;
use stepcraft::interp::Status;
use stepcraft::trace::RunStatus;

/// What the Task results list calls running without a test case.
const BY_HAND: &str = "None: each task waits for its result, typed here";

impl RunMode {
    /// The left panel: scenario, input, controls, status, waiting callbacks.
    /// What changes the run is queued as [`RunAction`]s.
    pub fn controls_ui(&mut self, ui: &mut Ui, session: &Session, actions: &mut Actions) {
        ui.heading("Run");
        ui.label(RichText::new("Task results").strong());
        let chosen = self.controller.chosen();
        let scenarios = self.controller.scenarios();
        let chosen_name = chosen
            .map_or(BY_HAND, |i| scenarios[i].name.as_str())
            .to_owned();
        let mut pick = None;
        egui::ComboBox::from_id_salt("run-scenario")
            .selected_text(chosen_name)
            .width(ui.available_width())
            .show_ui(ui, |ui| {
                if ui.selectable_label(chosen.is_none(), BY_HAND).clicked() {
                    pick = Some(None);
                }
                for (i, s) in scenarios.iter().enumerate() {
                    if ui.selectable_label(chosen == Some(i), &s.name).clicked() {
                        pick = Some(Some(i));
                    }
                }
            })
            .response
            .on_hover_text(
                "A test case's mocks, and its local backends once allowed, answer its Task \
                 states; a task neither answers waits for its result, typed here.",
            )
            .accessible_name("Task results");
        if let Some(p) = pick {
            actions.push(Action::Run(RunAction::Choose(p)));
        }
        if self.controller.scenarios().is_empty() {
            ui.label(
                RichText::new(
                    "A test file beside the definition (NAME.test.yaml) gives test cases to run \
                     with their inputs and mocked task results.",
                )
                .small()
                .weak(),
            );
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Input").strong());
        let response = egui::ScrollArea::vertical()
            .id_salt("run-input")
            .max_height(220.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.input)
                        .code_editor()
                        .desired_rows(6)
                        .desired_width(f32::INFINITY),
                )
            })
            .inner;
        let response = response.accessible_name("Execution input");
        if response.changed() {
            self.input_error = None;
        }
        if let Some(e) = &self.input_error {
            ui.colored_label(theme::severity_color(stepcraft::Severity::Error), e);
        }
        ui.add_space(6.0);
        self.buttons_ui(ui, actions);
        self.consent_ui(ui, actions);
        self.coverage_ui(ui, actions);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label("Speed");
            let mut fast = self.controller.speed() <= 0.0;
            if ui.checkbox(&mut fast, "Instant").changed() {
                let speed = if fast { 0.0 } else { DEFAULT_SPEED };
                actions.push(Action::Run(RunAction::SetSpeed(speed)));
            }
        });
        let mut speed = self.controller.speed();
        if speed > 0.0
            && ui
                .add(
                    egui::Slider::new(&mut speed, 1.0..=200.0)
                        .logarithmic(true)
                        .text("events/s"),
                )
                .changed()
        {
            actions.push(Action::Run(RunAction::SetSpeed(speed)));
        }
        self.breakpoints_ui(ui, actions);
        self.replay_ui(ui, actions);
        ui.separator();
        self.status_ui(ui, session);
        self.callbacks_ui(ui, actions);
        let finished = self
            .controller
            .execution()
            .is_some_and(|e| e.status().is_final());
        if finished
            && ui
                .button("💾 Save as test case")
                .on_hover_text(
                    "Append this run (its input, the task results it got, its outcome) as a case to the test file beside the definition, so the next run can replay it",
                )
                .clicked()
        {
            actions.push(Action::Run(RunAction::SaveCase));
        }
        if let Some(note) = &self.saved_note {
            ui.label(RichText::new(note).small());
        }
        self.compare_ui(ui, actions);
        if let Some(m) = self.controller.message() {
            ui.colored_label(theme::severity_color(stepcraft::Severity::Error), m);
        }
    }

    fn buttons_ui(&mut self, ui: &mut Ui, actions: &mut Actions) {
        let running = self.controller.can_go_on();
        ui.horizontal_wrapped(|ui| {
            let start = if self.controller.execution().is_some() {
                "⟲ Restart"
            } else {
                "▶ Start"
            };
            if ui
                .button(start)
                .on_hover_text("Run the workflow with this input")
                .clicked()
            {
                actions.push(Action::Run(RunAction::Start));
            }
            if self.controller.is_playing() {
                if ui.button("⏸ Pause").clicked() {
                    actions.push(Action::Run(RunAction::Pause));
                }
            } else if ui
                .add_enabled(running, egui::Button::new("▶ Continue"))
                .clicked()
            {
                actions.push(Action::Run(RunAction::Resume));
            }
            if ui
                .add_enabled(running, egui::Button::new("⏭ Step"))
                .on_hover_text("Take the next event (F10)")
                .clicked()
            {
                actions.push(Action::Run(RunAction::Step));
            }
            if ui
                .add_enabled(running, egui::Button::new("⏹ Stop"))
                .on_hover_text("Stop the execution: ExecutionAborted (Shift+F5)")
                .clicked()
            {
                actions.push(Action::Run(RunAction::Stop));
            }
            if self.controller.can_redrive()
                && ui
                    .button("⟳ Redrive")
                    .on_hover_text(
                        "Go on from the states that did not succeed, as AWS's RedriveExecution \
                         does: the same run and history, succeeded states (and Parallel branches, \
                         Map iterations) kept",
                    )
                    .clicked()
            {
                actions.push(Action::Run(RunAction::Redrive));
            }
        });
    }

    /// The question before a run's local backends run (a modal naming what would run, Allow or
    /// Deny), and the answers remembered, with Revoke.
    fn consent_ui(&self, ui: &mut Ui, actions: &mut Actions) {
        let answers = self.controller.answers();
        if !answers.is_empty() {
            let allowed = answers.iter().filter(|a| a.allow).count();
            let said = match (allowed, answers.len() - allowed) {
                (_, 0) => "allowed".to_owned(),
                (0, _) => "denied".to_owned(),
                (a, d) => format!("{a} allowed, {d} denied"),
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("Local backends: {said}")).small());
                if ui
                    .small_button("Revoke")
                    .on_hover_text(
                        "Forget the answers about this workflow's local backends: the next run with them asks again",
                    )
                    .clicked()
                {
                    actions.push(Action::Run(RunAction::RevokeConsent));
                }
            });
        }
        let Some(ask) = self.controller.asking() else {
            return;
        };
        egui::Modal::new(egui::Id::unique("run-backends-consent")).show(ui.ctx(), |ui| {
            ui.set_max_width(620.0);
            ui.heading("Run this workflow's local backends?");
            ui.label(format!(
                "The test case \"{}\" binds Task states to local backends. Allowed, this run (and the next ones of this workflow) will:",
                ask.case
            ));
            ui.add_space(4.0);
            for line in &ask.runs {
                ui.label(RichText::new(format!("• {line}")).monospace());
            }
            ui.add_space(4.0);
            ui.label(
                RichText::new(
                    "They run with your user's rights. Denied, those Task states are answered by the test case's mocks, or wait for a result typed here. The answer is kept beside the definition (NAME.consent.json) until revoked; a changed configuration asks again.",
                )
                .small()
                .weak(),
            );
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Allow").clicked() {
                    actions.push(Action::Run(RunAction::Consent(true)));
                }
                if ui.button("Deny").clicked() {
                    actions.push(Action::Run(RunAction::Consent(false)));
                }
            });
        });
    }

    /// The Coverage button (with test cases to run) and, once run, what the cases covered.
    fn coverage_ui(&self, ui: &mut Ui, actions: &mut Actions) {
        if self.controller.scenarios().is_empty() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Coverage")
                .on_hover_text(
                    "Run every test case and mark on the graph the states, branches and edges \
                     they reach; what none reaches is faded and outlined",
                )
                .clicked()
            {
                actions.push(Action::Run(RunAction::Coverage));
            }
            if self.controller.coverage().is_some() && ui.button("Hide coverage").clicked() {
                actions.push(Action::Run(RunAction::HideCoverage));
            }
        });
        let Some(run) = self.controller.coverage() else {
            return;
        };
        let s = run.coverage.summary();
        let overall = s.overall();
        ui.label(
            RichText::new(format!(
                "Coverage of {}: {} of {} items ({:.0}%)",
                count(run.cases, "test case"),
                overall.covered,
                overall.total,
                overall.percent().unwrap_or(100.0)
            ))
            .strong()
            .color(theme::coverage_color(overall.covered == overall.total)),
        );
        for (label, t) in [
            ("states", s.states),
            ("choice branches", s.branches),
            ("catch rules", s.catches),
            ("retry rules", s.retries),
            ("edges", s.edges),
        ] {
            if t.total > 0 {
                ui.label(RichText::new(format!("{label}: {}/{}", t.covered, t.total)).small());
            }
        }
        let missing: Vec<String> = run
            .coverage
            .uncovered()
            .filter(|i| i.kind != stepcraft::coverage::ItemKind::Edge)
            .map(uncovered_label)
            .collect();
        if !missing.is_empty() {
            ui.label(RichText::new("Not covered").small().strong());
            for m in missing {
                ui.label(RichText::new(m).small().color(theme::coverage_color(false)));
            }
        }
        for (name, why) in &run.skipped {
            ui.label(
                RichText::new(format!("{name} could not run: {why}"))
                    .small()
                    .weak(),
            );
        }
    }

    fn status_ui(&mut self, ui: &mut Ui, session: &Session) {
        if let Some(r) = self.controller.replay() {
            ui.label(
                RichText::new(format!(
                    "Replaying {}: event {} of {}",
                    r.name,
                    r.shown().len(),
                    r.len()
                ))
                .strong(),
            );
            if let Some(last) = r.shown().last() {
                ui.label(RichText::new(last.kind.type_name()).small().weak());
            }
            return;
        }
        let Some(exec) = self.controller.execution() else {
            ui.label(RichText::new("Not run yet.").weak());
            return;
        };
        let (text, color) = match exec.status() {
            Status::Running if self.controller.is_playing() => {
                let text = match self.controller.tasks_waited_for() {
                    0 => "Running".to_owned(),
                    1 => "Running: waiting for a task's backend".to_owned(),
                    n => format!("Running: waiting for {n} tasks' backends"),
                };
                (text, theme::run_color(RunStatus::Running))
            }
            Status::Running => ("Paused".to_owned(), theme::run_color(RunStatus::Running)),
            Status::Paused { state } => (
                format!("Paused before {state} (breakpoint)"),
                theme::run_color(RunStatus::Caught),
            ),
            Status::WaitingForCallback => (
                "Waiting for an answer".to_owned(),
                theme::run_color(RunStatus::Caught),
            ),
            Status::Succeeded(_) => (
                "Succeeded".to_owned(),
                theme::run_color(RunStatus::Succeeded),
            ),
            Status::Failed { error, .. } => (
                format!("Failed: {error}"),
                theme::run_color(RunStatus::Failed),
            ),
            Status::TimedOut { error, .. } => (
                format!("Timed out: {error}"),
                theme::run_color(RunStatus::Failed),
            ),
            Status::Aborted => ("Stopped".to_owned(), theme::run_color(RunStatus::Cancelled)),
        };
        ui.label(RichText::new(text).strong().color(color));
        match exec.redrive_count() {
            0 => {}
            1 => {
                ui.label(RichText::new("Redriven once").small());
            }
            n => {
                ui.label(RichText::new(format!("Redriven {n} times")).small());
            }
        }
        let start = exec.history().first().map_or(0, |e| e.timestamp);
        ui.label(
            RichText::new(format!(
                "{} · {} · virtual time {}",
                count(exec.history().len(), "event"),
                count(self.trace().runs().len(), "state run"),
                elapsed(exec.clock().saturating_sub(start))
            ))
            .small()
            .weak(),
        );
        if let Status::Failed { cause: Some(c), .. } | Status::TimedOut { cause: Some(c), .. } =
            exec.status()
        {
            ui.label(RichText::new(c.as_ref()).small());
        }
        if let Status::Succeeded(output) = exec.status() {
            ui.label(RichText::new("Output").small().strong());
            let text = self.pretty(PRETTY_EXEC_OUTPUT, 0, || output.to_value());
            json_view(ui, "run-output", &text);
        }
        if self.controller.started_from() != session.generation() {
            ui.label(
                RichText::new("The definition changed since this run started: Restart to run it.")
                    .small()
                    .color(theme::severity_color(stepcraft::Severity::Warning)),
            );
        }
    }

    /// The breakpoints set, each with a button to clear it (a state renamed since keeps its old
    /// name here, so it can still be removed).
    fn breakpoints_ui(&mut self, ui: &mut Ui, actions: &mut Actions) {
        if self.controller.breakpoints().is_empty() {
            return;
        }
        ui.label(RichText::new("Breakpoints").strong());
        let mut remove = None;
        for name in self.controller.breakpoints() {
            ui.horizontal(|ui| {
                let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(dot.center(), 4.0, theme::run_color(RunStatus::Failed));
                ui.label(name);
                if ui
                    .small_button("✖")
                    .on_hover_text(format!("Clear the breakpoint on {name}"))
                    .accessible_name(format!("Clear the breakpoint on {name}"))
                    .clicked()
                {
                    remove = Some(name.clone());
                }
            });
        }
        if let Some(name) = remove {
            actions.push(Action::Run(RunAction::ToggleBreakpoint(name)));
        }
    }

    /// Opening a history exported from AWS to replay it.
    fn replay_ui(&mut self, ui: &mut Ui, actions: &mut Actions) {
        egui::CollapsingHeader::new("Replay a history from AWS")
            .id_salt("run-replay")
            .show(ui, |ui| {
                ui.label(
                    RichText::new(
                        "The JSON of `aws stepfunctions get-execution-history` (or the console's \
                         export): its events play on this graph.",
                    )
                    .small()
                    .weak(),
                );
                let label = ui.label("History file");
                ui.add(
                    egui::TextEdit::singleline(&mut self.replay_path)
                        .hint_text("/path/to/history.json")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                let choose = UiCommand::ChooseReplayHistory;
                if ui
                    .button(choose.label())
                    .on_hover_text(choose.tooltip())
                    .clicked()
                {
                    actions.push(Action::Command(choose));
                }
                if ui
                    .add_enabled(
                        !self.replay_path.trim().is_empty(),
                        egui::Button::new("⟲ Replay"),
                    )
                    .clicked()
                {
                    let path = PathBuf::from(self.replay_path.trim());
                    actions.push(Action::Run(RunAction::Replay(path)));
                }
            });
    }

    fn callbacks_ui(&mut self, ui: &mut Ui, actions: &mut Actions) {
        let Some(exec) = self.controller.execution() else {
            return;
        };
        let pending = exec.pending_callbacks();
        let waiting = matches!(exec.status(), Status::WaitingForCallback);
        let timers = exec.has_timers();
        if pending.is_empty() {
            return;
        }
        ui.separator();
        ui.label(RichText::new("Waiting for an answer").strong());
        ui.label(
            RichText::new(
                "Each task below waits for its result (or its callback): send it a success with the output, or a failure.",
            )
            .small()
            .weak(),
        );
        let label = ui.label(RichText::new("Output (JSON) for success").small());
        ui.add(
            egui::TextEdit::multiline(&mut self.callback_output)
                .code_editor()
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("Error").small());
            ui.text_edit_singleline(&mut self.callback_error)
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("Cause").small());
            ui.text_edit_singleline(&mut self.callback_cause)
                .labelled_by(label.id);
        });
        let mut answer = None;
        // Thousands may wait (a Map over callbacks): only the rows in view are drawn.
        let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("run-callbacks")
            .max_height(8.0 * row_height)
            .show_rows(ui, row_height, pending.len(), |ui, rows| {
                for p in &pending[rows] {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(p.state.as_ref()).strong());
                        if ui.small_button("✔ Send success").clicked() {
                            answer = Some((p.token.to_string(), true));
                        }
                        if ui.small_button("✖ Send failure").clicked() {
                            answer = Some((p.token.to_string(), false));
                        }
                    });
                }
            });
        if waiting
            && timers
            && ui
                .button("⏩ Let time pass")
                .on_hover_text("Move the virtual clock to the next timeout or heartbeat")
                .clicked()
        {
            actions.push(Action::Run(RunAction::LetTimePass));
        }
        if let Some((token, success)) = answer {
            actions.push(Action::Run(RunAction::Answer { token, success }));
        }
    }
}

/// An item no test case covered, in words: "Default of Check The Mood".
fn uncovered_label(item: &stepcraft::coverage::Item) -> String {
    use stepcraft::coverage::ItemKind;
    let index = item.index.unwrap_or_default();
    match item.kind {
        ItemKind::State => item.state.clone(),
        ItemKind::ChoiceRule => format!("Rule {} of {}", index + 1, item.state),
        ItemKind::ChoiceDefault => format!("Default of {}", item.state),
        ItemKind::Catch => format!("Catcher {} of {}", index + 1, item.state),
        ItemKind::Retry => format!("Retrier {} of {}", index + 1, item.state),
        ItemKind::Edge => format!("Edge from {}", item.state),
    }
}
