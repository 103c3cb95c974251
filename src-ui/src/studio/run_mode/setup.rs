//! How the Run mode sets an execution up: the open document with its parameter values filled in,
//! read and compiled into a program, Task states answered by the chosen test case's mocks (or by
//! hand), a distributed Map's objects from the test case, and the breakpoints set. Kept on its
//! own so it can be swapped for a run set-up shared with the engine.

use super::scenarios::Scenario;
use crate::studio::session::Session;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution};
use stepcraft::tasks::mock::MockResolver;
use stepcraft::tasks::objects::ObjectStore;
use stepcraft::tasks::{TaskOutcome, TaskRequest, TaskResolver};
use stepcraft::testing::{self, Mocks};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// Task results when no test case is chosen: a task that waits for a callback (or an activity
/// worker) waits for the answer typed in the Run panel; any other task fails, saying how to give
/// it a result.
#[derive(Debug)]
pub(super) struct ByHand;

impl TaskResolver for ByHand {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        // An activity waits for a worker: here, for the answer typed in the panel.
        if request.task_token.is_some() || request.resource.contains(":activity:") {
            return TaskOutcome::Pending;
        }
        TaskOutcome::Failure {
            error: "States.TaskFailed".into(),
            cause: format!(
                "No result was given for the Task state '{}'. Choose a test case under Task results to mock it.",
                request.state_name
            ),
        }
    }
}

/// A new execution of the session's definition, with its parameter values, on `input`; Task
/// states answered by `scenario`'s mocks (`None`: by hand). The error says why it cannot run.
pub(super) fn new_execution(
    session: &Session,
    scenario: Option<&Scenario>,
    input: Value,
    breakpoints: &BTreeSet<String>,
) -> Result<Execution, String> {
    let applied = session
        .parameters()
        .effective()
        .apply_to(session.document());
    let (machine, _) = Document::from_value(applied.value, Format::Json).model();
    let program = match Program::compile(&machine) {
        Ok(p) => Arc::new(p),
        Err(e) => {
            return Err(format!("The definition cannot run: {e}"));
        }
    };
    let resolver: Box<dyn TaskResolver> = match scenario.map(|s| &s.mocks) {
        Some(Ok(Mocks::Config {
            config,
            state_machine,
            test_case,
        })) => match MockResolver::new(config, state_machine.as_deref(), test_case) {
            Ok(r) => Box::new(r),
            Err(e) => {
                return Err(format!("The mocks cannot be used: {e}"));
            }
        },
        Some(Err(e)) => {
            return Err(format!("The mocks cannot be used: {e}"));
        }
        Some(Ok(Mocks::None)) | None => Box::new(ByHand),
    };
    let objects: Option<Arc<dyn ObjectStore>> = match scenario.map(|s| &s.objects) {
        Some(Ok(o)) => testing::store_for(o, &testing::RunOptions::default())
            .map(|s| s as Arc<dyn ObjectStore>),
        Some(Err(e)) => {
            return Err(format!("The test case's data cannot be read: {e}"));
        }
        None => None,
    };
    // What the run writes (a ResultWriter's files) stays in memory.
    let config = Config {
        objects,
        ..Config::default()
    };
    let mut exec = Execution::new(program, Val::from(input), config, resolver);
    exec.set_breakpoints(breakpoints.iter().cloned().collect::<Vec<_>>());
    Ok(exec)
}
