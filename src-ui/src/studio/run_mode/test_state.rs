//! Test a state (TestState, offline) from the Run mode's details: the selected state run alone
//! with an input, variables, a retry count and its task's answer (a result or an error), through
//! the engine's [`stepcraft::test_state`]; the outcome (SUCCEEDED, FAILED, RETRIABLE,
//! CAUGHT_ERROR), the next state, and each step of the data path.

use super::details::{data_path, json_view};
use super::{RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::session::Session;
use crate::studio::theme;
use egui::{RichText, Ui};
use stepcraft::Severity;
use stepcraft::run::RunSetup;
use stepcraft::tasks::TaskOutcome;
use stepcraft::test_state::{Request, Response, TestStatus, test_state};
use stepcraft::trace::RunStatus;
use stepcraft::value::Val;

/// What the user types to test a state, and the last outcome.
#[derive(Debug)]
pub struct StateTester {
    /// The state the fields are for (they are filled afresh for another).
    state: Option<String>,
    input: String,
    variables: String,
    /// The task's answer: a result, or (with `fails`) an error and cause.
    result: String,
    fails: bool,
    error: String,
    cause: String,
    retry_count: u32,
    /// The state tested and its response, or why it could not be tested.
    outcome: Option<(String, Result<Response, String>)>,
}

impl Default for StateTester {
    fn default() -> Self {
        Self {
            state: None,
            input: "{}".into(),
            variables: "{}".into(),
            result: "{}".into(),
            fails: false,
            error: String::new(),
            cause: String::new(),
            retry_count: 0,
            outcome: None,
        }
    }
}

impl StateTester {
    /// The last outcome: the state and its response.
    pub fn outcome(&self) -> Option<(&str, Result<&Response, &str>)> {
        self.outcome
            .as_ref()
            .map(|(s, r)| (s.as_str(), r.as_ref().map_err(String::as_str)))
    }

    /// Sets the fields as a user would: input, variables, the task's result (or error).
    pub fn set_fields(&mut self, input: &str, variables: &str, answer: Result<&str, &str>) {
        input.clone_into(&mut self.input);
        variables.clone_into(&mut self.variables);
        match answer {
            Ok(result) => {
                self.fails = false;
                result.clone_into(&mut self.result);
            }
            Err(error) => {
                self.fails = true;
                error.clone_into(&mut self.error);
            }
        }
    }

    /// Runs the test of `state` on the session's definition with what is typed.
    pub fn run(&mut self, state: &str, session: &Session) {
        let outcome = self.request(state).and_then(|request| {
            let mut setup = RunSetup::new(session.document().clone());
            setup.substitutions = session.parameters().effective();
            setup.validate = false;
            test_state(&setup, &request).map_err(|e| e.to_string())
        });
        self.outcome = Some((state.to_owned(), outcome));
    }

    fn request(&self, state: &str) -> Result<Request, String> {
        let json = |what: &str, text: &str| {
            serde_json::from_str::<serde_json::Value>(text)
                .map(|v| Val::from(&v))
                .map_err(|e| format!("The {what} is not JSON: {e}"))
        };
        let mut request = Request::new(state, json("input", &self.input)?);
        request.variables = Some(json("variables", &self.variables)?);
        request.retry_count = self.retry_count;
        request.mock = Some(if self.fails {
            TaskOutcome::Failure {
                error: self.error.clone(),
                cause: self.cause.clone(),
            }
        } else {
            TaskOutcome::Success(json("result", &self.result)?)
        });
        Ok(request)
    }
}

impl RunMode {
    /// The "Test this state" section for the selected state: the fields, the Test button, and
    /// the last outcome for this state.
    pub(super) fn test_state_ui(&mut self, ui: &mut Ui, state: &str, actions: &mut Actions) {
        if self.tester.state.as_deref() != Some(state) {
            // A state chosen afresh: its latest run's input, if it ran.
            let input = self
                .trace()
                .runs()
                .iter()
                .rev()
                .find(|r| &*r.name == state)
                .map(|r| serde_json::to_string_pretty(&r.input.to_value()).unwrap_or_default());
            self.tester.state = Some(state.to_owned());
            self.tester.input = input.unwrap_or_else(|| "{}".into());
        }
        egui::CollapsingHeader::new(RichText::new("Test this state").strong())
            .id_salt("run-test-state")
            .show(ui, |ui| {
                ui.label(
                    RichText::new(
                        "Runs this state alone, as AWS's TestState does: its data path, where it goes next, and how it ends.",
                    )
                    .small()
                    .weak(),
                );
                let t = &mut self.tester;
                let label = ui.label(RichText::new("Input (JSON)").small());
                ui.add(
                    egui::TextEdit::multiline(&mut t.input)
                        .code_editor()
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                let label = ui.label(RichText::new("Variables (JSON object)").small());
                ui.add(
                    egui::TextEdit::singleline(&mut t.variables)
                        .code_editor()
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                ui.horizontal(|ui| {
                    ui.radio_value(&mut t.fails, false, "Task result");
                    ui.radio_value(&mut t.fails, true, "Task error");
                });
                if t.fails {
                    ui.horizontal(|ui| {
                        let label = ui.label(RichText::new("Error").small());
                        ui.text_edit_singleline(&mut t.error).labelled_by(label.id);
                    });
                    ui.horizontal(|ui| {
                        let label = ui.label(RichText::new("Cause").small());
                        ui.text_edit_singleline(&mut t.cause).labelled_by(label.id);
                    });
                } else {
                    let label = ui.label(RichText::new("Result (JSON)").small());
                    ui.add(
                        egui::TextEdit::multiline(&mut t.result)
                            .code_editor()
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("What the task returns (for a Parallel or Map: its whole result)");
                }
                ui.horizontal(|ui| {
                    let label = ui.label(RichText::new("Retries already made").small());
                    ui.add(egui::DragValue::new(&mut t.retry_count).range(0..=100))
                        .labelled_by(label.id);
                });
                if ui.button("▶ Test state").clicked() {
                    actions.push(Action::Run(RunAction::TestState(state.to_owned())));
                }
                self.test_outcome_ui(ui, state);
            });
    }

    fn test_outcome_ui(&self, ui: &mut Ui, state: &str) {
        let Some((tested, outcome)) = self.tester.outcome() else {
            return;
        };
        if tested != state {
            return;
        }
        let response = match outcome {
            Ok(r) => r,
            Err(message) => {
                ui.colored_label(theme::severity_color(Severity::Error), message);
                return;
            }
        };
        let color = theme::run_color(match response.status {
            TestStatus::Succeeded => RunStatus::Succeeded,
            TestStatus::Failed => RunStatus::Failed,
            TestStatus::Retriable | TestStatus::CaughtError => RunStatus::Caught,
        });
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!("Status: {}", response.status.as_str()))
                .color(color)
                .strong(),
        );
        if let Some(next) = &response.next_state {
            ui.label(format!("Next state: {next}"));
        }
        if let Some(error) = &response.error {
            ui.label(format!("Error: {error}"));
        }
        if let Some(cause) = &response.cause {
            ui.label(RichText::new(format!("Cause: {cause}")).small());
        }
        if let Some(details) = &response.inspection.error {
            if let (Some(rule), Some(wait)) = (details.retry_index, details.retry_backoff_seconds) {
                ui.label(format!("Retry rule {} would wait {wait} s", rule + 1));
            }
            if let Some(rule) = details.catch_index {
                ui.label(format!("Caught by Catch rule {}", rule + 1));
            }
        }
        for step in data_path(&response.inspection) {
            ui.label(RichText::new(step.title).strong());
            let text = serde_json::to_string_pretty(&step.value.to_value()).unwrap_or_default();
            json_view(ui, &format!("test-state-{}", step.id), &text);
        }
        if let Some(output) = &response.output {
            ui.label(RichText::new("Output").strong());
            let text = serde_json::to_string_pretty(&output.to_value()).unwrap_or_default();
            json_view(ui, "test-state-output", &text);
        }
        ui.label(RichText::new("Variables after").strong());
        let text = serde_json::to_string_pretty(&response.variables.to_value()).unwrap_or_default();
        json_view(ui, "test-state-variables", &text);
    }
}
