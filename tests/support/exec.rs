//! Running a definition to its end with table-driven task results: what the trace and replay
//! tests read histories from.

use serde_json::Value;
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution};
use stepcraft::tasks::{TableResolver, TaskOutcome, TaskResolver};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// Runs `definition` on `input` until it ends (or waits), answering tasks from `resolver`.
pub fn execute(definition: &Value, input: Value, resolver: TableResolver) -> Execution {
    let doc = Document::from_value(definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    let program = Arc::new(Program::compile(&machine).expect("compiles"));
    let resolver: Box<dyn TaskResolver> = Box::new(resolver);
    let mut exec = Execution::new(program, Val::from(input), Config::default(), resolver);
    exec.run();
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
