//! State runs read from real executions' histories: statuses (succeeded, failed, caught,
//! cancelled), retries, Parallel branches and Map iterations, inputs and outputs, and reading
//! event by event as the studio's Run mode does.

use crate::support::exec;

use exec::{execute, fail, ok, read_checked};
use serde_json::{Value, json};
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution};
use stepcraft::tasks::{TableResolver, TaskOutcome};
use stepcraft::trace::{RunStatus, Trace};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

const TASK: &str = "arn:aws:states:::lambda:invoke";

fn statuses(trace: &Trace) -> Vec<(String, RunStatus)> {
    trace
        .runs()
        .iter()
        .map(|r| (r.name.to_string(), r.status))
        .collect()
}

#[test]
fn a_run_that_succeeds_after_a_retry() {
    let def = json!({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": TASK,
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}], "Next": "Done"},
        "Done": {"Type": "Pass", "Result": {"ok": true}, "End": true}}});
    let exec = execute(
        &def,
        json!({"amount": 5}),
        TableResolver::new()
            .with("Charge", fail("Busy"))
            .with("Charge", ok(json!({"paid": 5}))),
    );
    let trace = read_checked(exec.history());
    assert_eq!(
        statuses(&trace),
        [
            ("Charge".to_owned(), RunStatus::Succeeded),
            ("Done".to_owned(), RunStatus::Succeeded)
        ]
    );
    let charge = trace.latest_run_of("Charge").expect("ran");
    assert_eq!(charge.attempts, 2);
    assert_eq!(charge.error, None, "the retry succeeded");
    assert_eq!(charge.input.to_value(), json!({"amount": 5}));
    assert_eq!(
        charge.output.as_ref().map(Val::to_value),
        Some(json!({"paid": 5}))
    );
    assert!(
        charge.ended_at.expect("ended") >= charge.entered_at + 1000,
        "the retry waited 1 s"
    );
    assert!(trace.is_ended());
}

#[test]
fn a_caught_error_and_an_uncaught_one() {
    let def = json!({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": TASK,
            "Catch": [{"ErrorEquals": ["Declined"], "Next": "Refund"}], "Next": "Done"},
        "Refund": {"Type": "Task", "Resource": TASK, "End": true},
        "Done": {"Type": "Succeed"}}});
    let exec = execute(
        &def,
        json!({}),
        TableResolver::new()
            .with("Charge", fail("Declined"))
            .with("Refund", fail("Broken")),
    );
    let trace = read_checked(exec.history());
    assert_eq!(
        statuses(&trace),
        [
            ("Charge".to_owned(), RunStatus::Caught),
            ("Refund".to_owned(), RunStatus::Failed)
        ]
    );
    let charge = trace.latest_run_of("Charge").expect("ran");
    assert_eq!(charge.error.as_ref().map(|(e, _)| &**e), Some("Declined"));
    let refund = trace.latest_run_of("Refund").expect("ran");
    assert_eq!(
        refund.error.as_ref().and_then(|(_, c)| c.as_deref()),
        Some("Broken happened")
    );
    assert_eq!(trace.status_of("Done"), None, "never entered");
}

#[test]
fn a_failing_branch_cancels_its_sibling_and_runs_know_their_parent() {
    let def = json!({"StartAt": "Both", "States": {
    "Both": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Quick", "States": {"Quick": {"Type": "Task", "Resource": TASK, "End": true}}},
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 60, "Next": "Never"},
                                       "Never": {"Type": "Pass", "End": true}}}
    ]}}});
    let exec = execute(
        &def,
        json!({}),
        TableResolver::new().with("Quick", fail("Boom")),
    );
    let trace = read_checked(exec.history());
    let status = |n: &str| trace.status_of(n);
    assert_eq!(status("Quick"), Some(RunStatus::Failed));
    assert_eq!(status("Slow"), Some(RunStatus::Cancelled));
    assert_eq!(status("Both"), Some(RunStatus::Failed));
    assert_eq!(
        trace
            .latest_run_of("Both")
            .and_then(|r| r.error.as_ref())
            .map(|(e, _)| &**e),
        Some("Boom"),
        "a Parallel fails with its branch's error"
    );
    assert_eq!(status("Never"), None);
    let both = trace
        .runs()
        .iter()
        .position(|r| &*r.name == "Both")
        .expect("ran");
    for name in ["Quick", "Slow"] {
        assert_eq!(
            trace.latest_run_of(name).and_then(|r| r.parent),
            Some(both),
            "{name}"
        );
    }
}

#[test]
fn map_iterations_are_told_apart() {
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "End": true, "MaxConcurrency": 2,
            "ItemProcessor": {"StartAt": "Double", "States": {
                "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "Next": "Keep"},
                "Keep": {"Type": "Pass", "End": true}}}}}});
    let exec = execute(
        &def,
        json!([{"n": 1}, {"n": 2}, {"n": 3}]),
        TableResolver::new(),
    );
    let trace = read_checked(exec.history());
    let mut keeps: Vec<(Option<usize>, Value)> = trace
        .runs_of("Keep")
        .map(|r| (r.iteration, r.input.to_value()))
        .collect();
    keeps.sort_by_key(|(i, _)| *i);
    assert_eq!(
        keeps,
        [
            (Some(0), json!({"n": 2})),
            (Some(1), json!({"n": 4})),
            (Some(2), json!({"n": 6}))
        ]
    );
    let each = trace.runs().iter().position(|r| &*r.name == "Each");
    assert!(trace.runs_of("Double").all(|r| r.parent == each));
    assert_eq!(trace.status_of("Each"), Some(RunStatus::Succeeded));
}

#[test]
fn read_event_by_event_a_state_is_running_until_it_leaves() {
    let def = json!({"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "After"},
        "After": {"Type": "Pass", "End": true}}});
    let doc = Document::from_value(def, Format::Json);
    let (machine, _) = doc.model();
    let program = Arc::new(Program::compile(&machine).expect("compiles"));
    let mut exec = Execution::new(
        program,
        Val::from(json!({})),
        Config::default(),
        Box::new(TableResolver::new()),
    );
    let mut trace = Trace::new();
    let mut seen = Vec::new();
    while let Some(event) = exec.step() {
        trace.push(&event);
        seen.push((event.kind.type_name(), trace.status_of("Hold")));
    }
    assert!(seen.contains(&("WaitStateEntered".to_owned(), Some(RunStatus::Running))));
    assert!(seen.contains(&("WaitStateExited".to_owned(), Some(RunStatus::Succeeded))));
    let hold = trace.latest_run_of("Hold").expect("ran");
    assert_eq!(hold.ended_at.expect("ended") - hold.entered_at, 3_600_000);
}

#[test]
fn a_stopped_execution_cancels_what_was_running() {
    let def = json!({"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let doc = Document::from_value(def, Format::Json);
    let (machine, _) = doc.model();
    let program = Arc::new(Program::compile(&machine).expect("compiles"));
    let mut exec = Execution::new(
        program,
        Val::from(json!({})),
        Config::default(),
        Box::new(TableResolver::new()),
    );
    let mut trace = Trace::new();
    while let Some(event) = exec.step() {
        let entered = event.kind.type_name() == "WaitStateEntered";
        trace.push(&event);
        if entered {
            break;
        }
    }
    exec.cancel(None, None);
    let seen = trace.runs().len();
    while let Some(event) = exec.step() {
        trace.push(&event);
    }
    assert_eq!(seen, 1);
    assert_eq!(trace.status_of("Hold"), Some(RunStatus::Cancelled));
}

#[test]
fn a_runtime_error_fails_the_state_that_raised_it() {
    let def = json!({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Pass", "Parameters": {"id.$": "$.requestId"}, "End": true}}});
    let exec = execute(&def, json!({}), TableResolver::new());
    let trace = read_checked(exec.history());
    let ask = trace.latest_run_of("Ask").expect("ran");
    assert_eq!(ask.status, RunStatus::Failed);
    assert_eq!(
        ask.error.as_ref().map(|(e, _)| &**e),
        Some("States.Runtime")
    );
}

#[test]
fn a_retried_parallel_starts_a_new_attempt_of_itself() {
    let def = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "End": true,
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1}],
            "Branches": [{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": TASK, "End": true}}}]}}});
    let exec = execute(
        &def,
        json!({}),
        TableResolver::new()
            .with("Work", fail("Flaky"))
            .with("Work", ok(json!("done"))),
    );
    let trace = read_checked(exec.history());
    let both = trace.runs().iter().position(|r| &*r.name == "Both");
    let works: Vec<(RunStatus, Option<usize>)> = trace
        .runs_of("Work")
        .map(|r| (r.status, r.parent))
        .collect();
    assert_eq!(
        works,
        [(RunStatus::Failed, both), (RunStatus::Succeeded, both)]
    );
    assert_eq!(trace.status_of("Both"), Some(RunStatus::Succeeded));
}

#[test]
fn a_caught_branch_failure_ends_the_runs_inside() {
    let def = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Next": "After",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After"}],
            "Branches": [
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": TASK, "End": true}}},
                {"StartAt": "Stop", "States": {"Stop": {"Type": "Fail", "Error": "Nope"}}}]},
        "After": {"Type": "Pass", "End": true}}});
    let exec = execute(
        &def,
        json!({}),
        TableResolver::new().with("Work", TaskOutcome::Pending),
    );
    let trace = read_checked(exec.history());
    assert_eq!(trace.status_of("Both"), Some(RunStatus::Caught));
    assert_eq!(trace.status_of("Stop"), Some(RunStatus::Failed));
    assert_eq!(trace.status_of("Work"), Some(RunStatus::Cancelled));
    assert_eq!(trace.status_of("After"), Some(RunStatus::Succeeded));
}

#[test]
fn nested_maps_fail_outwards_with_the_inner_error() {
    let def = json!({"StartAt": "Outer", "States": {
        "Outer": {"Type": "Map", "Next": "Done",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
            "ItemProcessor": {"StartAt": "Inner", "States": {
                "Inner": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Work", "States": {
                    "Work": {"Type": "Task", "Resource": TASK, "End": true}}}}}}},
        "Done": {"Type": "Pass", "End": true}}});
    let exec = execute(
        &def,
        json!([[1]]),
        TableResolver::new().with("Work", fail("Broken")),
    );
    let trace = read_checked(exec.history());
    assert_eq!(trace.status_of("Work"), Some(RunStatus::Failed));
    assert_eq!(trace.status_of("Inner"), Some(RunStatus::Failed));
    assert_eq!(trace.status_of("Outer"), Some(RunStatus::Caught));
    let outer = trace.latest_run_of("Outer").expect("ran");
    assert_eq!(outer.error.as_ref().map(|(e, _)| &**e), Some("Broken"));
    assert_eq!(trace.status_of("Done"), Some(RunStatus::Succeeded));
}

#[test]
fn parallels_inside_map_iterations_keep_their_own_outputs() {
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Both", "States": {
            "Both": {"Type": "Parallel", "Next": "After", "Branches": [
                {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}]},
            "After": {"Type": "Pass", "End": true}}}}}});
    let exec = execute(&def, json!([1, 2]), TableResolver::new());
    let trace = read_checked(exec.history());
    let mut boths: Vec<(Option<usize>, Value, Option<Value>)> = trace
        .runs_of("Both")
        .map(|r| {
            (
                r.iteration,
                r.input.to_value(),
                r.output.as_ref().map(Val::to_value),
            )
        })
        .collect();
    boths.sort_by_key(|b| b.0);
    assert_eq!(
        boths,
        [
            (Some(0), json!(1), Some(json!([1]))),
            (Some(1), json!(2), Some(json!([2])))
        ]
    );
    let mut afters: Vec<(Option<usize>, Value)> = trace
        .runs_of("After")
        .map(|r| (r.iteration, r.input.to_value()))
        .collect();
    afters.sort_by_key(|a| a.0);
    assert_eq!(afters, [(Some(0), json!([1])), (Some(1), json!([2]))]);
}

#[test]
fn a_tolerated_failed_iteration_shows_failed_and_the_map_succeeds() {
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work", "States": {
                "Work": {"Type": "Task", "Resource": TASK, "End": true}}}}}});
    let exec = execute(
        &def,
        json!([1, 2]),
        TableResolver::new()
            .with("Work", fail("Bad"))
            .with("Work", ok(json!("fine"))),
    );
    let trace = read_checked(exec.history());
    let statuses: Vec<RunStatus> = trace.runs_of("Work").map(|r| r.status).collect();
    assert!(statuses.contains(&RunStatus::Failed), "{statuses:?}");
    assert!(!statuses.contains(&RunStatus::Running), "{statuses:?}");
}
