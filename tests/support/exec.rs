//! Running a definition to its end with table-driven task results: what the trace and replay
//! tests read histories from.

use serde_json::Value;
use stepcraft::history::{EventKind, HistoryEvent};
use stepcraft::interp::Execution;
use stepcraft::run::{RunSetup, Tasks, run_to_end};
use stepcraft::tasks::{TableResolver, TaskOutcome};
use stepcraft::trace::{RunStatus, Trace};
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

/// Reads `events` into a trace one by one, as the studio does, checking after each that every
/// state's status (kept by tallies as runs come and change) is what its runs say: running if
/// one is, else failed if one failed, else as its last run; after a redrive only the runs
/// since it count, once there are some.
pub fn read_checked<'a>(events: impl IntoIterator<Item = &'a HistoryEvent>) -> Trace {
    let mut trace = Trace::new();
    let mut since_redrive = 0;
    for e in events {
        if matches!(e.kind, EventKind::ExecutionRedriven { .. }) {
            since_redrive = trace.runs().len();
        }
        trace.push(e);
        let names: Vec<String> = trace.names().map(ToString::to_string).collect();
        for name in names {
            let all: Vec<(usize, RunStatus)> = trace
                .runs()
                .iter()
                .enumerate()
                .filter(|(_, r)| *r.name == *name)
                .map(|(i, r)| (i, r.status))
                .collect();
            let after: Vec<RunStatus> = all
                .iter()
                .filter(|(i, _)| *i >= since_redrive)
                .map(|&(_, s)| s)
                .collect();
            let counted = if after.is_empty() {
                all.iter().map(|&(_, s)| s).collect()
            } else {
                after
            };
            let expected = if counted.contains(&RunStatus::Running) {
                RunStatus::Running
            } else if counted.contains(&RunStatus::Failed) {
                RunStatus::Failed
            } else {
                *counted.last().expect("a name has runs")
            };
            assert_eq!(
                trace.status_of(&name),
                Some(expected),
                "{name} after event {} ({})",
                e.id,
                e.kind.type_name()
            );
        }
    }
    trace
}
