//! Running a definition to its end with table-driven task results: what the trace and replay
//! tests read histories from.

use serde_json::Value;
use stepcraft::interp::Execution;
use stepcraft::run::{RunSetup, Tasks, run_to_end};
use stepcraft::tasks::{TableResolver, TaskOutcome};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// Runs `definition` on `input` until it ends (or waits), answering tasks from `resolver`.
pub fn execute(definition: &Value, input: Value, resolver: TableResolver) -> Execution {
    let mut setup = RunSetup::new(Document::from_value(definition.clone(), Format::Json));
    setup.validate = false;
    setup.tasks = Tasks::Table(resolver);
    let mut exec = setup.start(Val::from(input)).expect("starts");
    run_to_end(&mut exec);
    exec
}

/// A task failure with this error.
pub fn fail(error: &str) -> TaskOutcome {
    TaskOutcome::Failure {
        error: error.into(),
        cause: format!("{error} happened"),
    }
}

/// A task result.
pub fn ok(v: Value) -> TaskOutcome {
    TaskOutcome::Success(Val::from(v))
}
