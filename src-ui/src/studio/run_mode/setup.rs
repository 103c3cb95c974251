//! How the Run mode sets an execution up, through the engine's one run set-up
//! ([`stepcraft::run`]): the open document with its parameter values, Task states answered by
//! the chosen test case's mocks (or by hand), a distributed Map's objects from the test case,
//! and the breakpoints set.

use super::scenarios::Scenario;
use crate::studio::session::Session;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use stepcraft::interp::Execution;
use stepcraft::run::{RunSetup, SetupError, Tasks};
use stepcraft::tasks::objects::ObjectStore;
use stepcraft::testing::{self, Mocks};
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;

/// A new execution of the session's definition, with its parameter values, on `input`; Task
/// states answered by `scenario`'s mocks (`None`: by hand: every task waits for the result, or
/// the callback, typed in the panel). The error says why it cannot run.
pub(super) fn new_execution(
    session: &Session,
    scenario: Option<&Scenario>,
    input: Value,
    breakpoints: &BTreeSet<String>,
) -> Result<Execution, String> {
    let mut setup = RunSetup::new(session.document().clone());
    setup.substitutions = session.parameters().effective();
    // The session's diagnostics were checked before (as the user sees them).
    setup.validate = false;
    let mut prepared = setup.prepare().map_err(|e| match e {
        SetupError::BarePlaceholder { name, pointer } => format!(
            "${{{name}}} stands unquoted at {pointer}, so it needs a value to run: give it one under Parameters."
        ),
        e => format!("The definition cannot run: {e}"),
    })?;
    // Processes and requests need a consent the studio cannot ask for yet: say so, run nothing.
    if let Some(config) = scenario
        .and_then(|s| s.backends.as_deref())
        .filter(|c| !c.is_empty())
    {
        return Err(format!(
            "This test case names local backends ({}), which the studio does not run yet: run it with `stepcraft test --allow-backends`, or choose another test case.",
            config.what_runs().join("; ")
        ));
    }
    prepared.tasks = match scenario.map(|s| &s.mocks) {
        Some(Ok(mocks @ Mocks::Config { .. })) => mocks.tasks(),
        Some(Err(e)) => return Err(format!("The mocks cannot be used: {e}")),
        Some(Ok(Mocks::None)) | None => Tasks::ByHand,
    };
    // Each state run's data path, for the details' "Data path".
    prepared.config.inspect = true;
    prepared.config.workflow_type = scenario.map_or(WorkflowType::Standard, |s| s.workflow_type);
    // What the run writes (a ResultWriter's files) stays in memory.
    prepared.config.objects = match scenario.map(|s| &s.objects) {
        Some(Ok(o)) => testing::store_for(o, &testing::RunOptions::default())
            .map(|s| s as Arc<dyn ObjectStore>),
        Some(Err(e)) => return Err(format!("The test case's data cannot be read: {e}")),
        None => None,
    };
    let mut exec = prepared
        .start(Val::from(input))
        .map_err(|e| format!("The mocks cannot be used: {e}"))?;
    exec.set_breakpoints(breakpoints.iter().cloned().collect::<Vec<_>>());
    Ok(exec)
}
