//! Redrive (AWS's RedriveExecution) of failed, aborted and timed-out executions: where they go
//! on, the events added, the Context object, retries, Parallel branches and Map iterations
//! kept or run again, distributed Map Runs, the timeout started again, and the refusals.

use serde_json::{Value, json};
use std::sync::Arc;
use stepcraft::history::{EventKind, HistoryEvent, to_aws_json};
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, RedriveRefusal, Status};
use stepcraft::replay::read_history;
use stepcraft::tasks::{TableResolver, TaskOutcome};
use stepcraft::trace::RunStatus;
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

fn execution(definition: &Value, input: Value, tasks: TableResolver, config: Config) -> Execution {
    let doc = Document::from_value(definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    let program = Arc::new(Program::compile(&machine).expect("compiles"));
    Execution::new(program, Val::from(input), config, Box::new(tasks))
}

fn fail(error: &str) -> TaskOutcome {
    TaskOutcome::Failure {
        error: error.into(),
        cause: format!("{error} happened"),
    }
}

fn ok(v: Value) -> TaskOutcome {
    TaskOutcome::Success(Val::from(v))
}

fn types<'a>(events: impl IntoIterator<Item = &'a HistoryEvent>) -> Vec<String> {
    events.into_iter().map(|e| e.kind.type_name()).collect()
}

fn count(exec: &Execution, type_name: &str) -> usize {
    types(exec.history())
        .iter()
        .filter(|t| *t == type_name)
        .count()
}

fn entered(exec: &Execution, state: &str) -> usize {
    exec.history()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::StateEntered { name, .. } if &**name == state))
        .count()
}

fn output(exec: &Execution) -> Value {
    match exec.status() {
        Status::Succeeded(v) => v.to_value(),
        other => panic!("expected success, got {other:?}"),
    }
}

fn failed(exec: &Execution) -> bool {
    matches!(exec.status(), Status::Failed { .. })
}

#[test]
fn a_failed_task_runs_again_and_the_history_goes_on() {
    let def = json!({"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.prep", "Next": "Work"},
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.work", "Next": "Count"},
        "Count": {"Type": "Pass", "Parameters": {
            "redrives.$": "$$.Execution.RedriveCount",
            "time.$": "$$.Execution.RedriveTime",
            "work.$": "$.work"}, "End": true}
    }});
    let tasks = TableResolver::new()
        .with("Work", fail("Boom"))
        .with("Work", ok(json!({"done": true})));
    let mut exec = execution(&def, json!({"id": 7}), tasks, Config::default());
    exec.run();
    assert!(failed(&exec));
    let before = exec.history().len();
    let failed_id = exec.history()[before - 1].id;

    assert_eq!(exec.redrive(), Ok(1));
    exec.run();
    assert_eq!(exec.redrive_count(), 1);
    let events = exec.history();
    // ExecutionRedriven follows the closing event with the next id; the redriven state is
    // entered again with the input it had.
    let redriven = &events[before];
    assert_eq!(
        redriven.kind,
        EventKind::ExecutionRedriven { redrive_count: 1 }
    );
    assert_eq!(
        (redriven.id, redriven.previous_event_id),
        (failed_id + 1, failed_id)
    );
    let again = &events[before + 1];
    assert_eq!(again.previous_event_id, redriven.id);
    match &again.kind {
        EventKind::StateEntered { name, input, .. } => {
            assert_eq!(&**name, "Work");
            assert_eq!(input.to_value(), json!({"id": 7, "prep": {"n": 1}}));
        }
        other => panic!("expected Work entered again, got {other:?}"),
    }
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1, "ids go on without a gap");
    }
    // The succeeded state before it did not run again.
    assert_eq!(entered(&exec, "Prepare"), 1);
    assert_eq!(entered(&exec, "Work"), 2);
    let out = output(&exec);
    assert_eq!(out["redrives"], json!(1));
    assert_eq!(out["work"], json!({"done": true}));
    assert!(
        out["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "RedriveTime is a timestamp: {out}"
    );

    // The export carries the event as AWS writes it, and reads back.
    let exported = to_aws_json(exec.history());
    let aws = exported["events"][before].clone();
    assert_eq!(aws["type"], json!("ExecutionRedriven"));
    assert_eq!(
        aws["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    let read = read_history(&exported).expect("reads back");
    assert_eq!(
        read[before].kind,
        EventKind::ExecutionRedriven { redrive_count: 1 }
    );

    // The state runs: the failed run stays failed, the new one succeeded, the execution ended.
    let trace = crate::support::exec::read_checked(exec.history());
    let runs: Vec<RunStatus> = trace.runs_of("Work").map(|r| r.status).collect();
    assert_eq!(runs, vec![RunStatus::Failed, RunStatus::Succeeded]);
    assert!(trace.is_ended());
}

#[test]
fn retry_counters_start_again_on_a_redrive() {
    let def = json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                 "End": true}
    }});
    let tasks = TableResolver::new()
        .with("Work", fail("Boom"))
        .with("Work", fail("Boom"))
        .with("Work", fail("Boom"))
        .with("Work", ok(json!("fine")));
    let mut exec = execution(&def, json!({}), tasks, Config::default());
    exec.run();
    assert!(failed(&exec), "one retry, then it fails");
    exec.redrive().expect("redrives");
    exec.run();
    // Had the counter carried on, the third failure would have ended the run.
    assert_eq!(output(&exec), json!("fine"));
    assert_eq!(count(&exec, "TaskFailed"), 3);
}

#[test]
fn a_parallel_runs_only_its_failed_branch_again() {
    let def = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "left", "End": true}}},
            {"StartAt": "Right1", "States": {
                "Right1": {"Type": "Pass", "Result": "r1", "Next": "Right2"},
                "Right2": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}
        ]}
    }});
    let tasks = TableResolver::new()
        .with("Right2", fail("Boom"))
        .with("Right2", ok(json!("right")));
    let mut exec = execution(&def, json!({}), tasks, Config::default());
    exec.run();
    assert!(failed(&exec));
    exec.redrive().expect("redrives");
    exec.run();
    assert_eq!(output(&exec), json!(["left", "right"]));
    // The succeeded branch kept its output; the failed one went on from its failed state.
    assert_eq!(entered(&exec, "Left"), 1);
    assert_eq!(entered(&exec, "Right1"), 1);
    assert_eq!(entered(&exec, "Right2"), 2);
    assert_eq!(entered(&exec, "Both"), 2);
}

#[test]
fn an_inline_map_runs_only_its_failed_and_unstarted_iterations() {
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1, "End": true,
                 "ItemProcessor": {"StartAt": "Work", "States": {
                     "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                              "ResultPath": "$.r", "End": true}}}}
    }});
    let tasks = TableResolver::new()
        .with("Work", ok(json!(0)))
        .with("Work", fail("Boom"))
        .with("Work", ok(json!(1)))
        .with("Work", ok(json!(2)));
    let items = json!([{"i": 0}, {"i": 1}, {"i": 2}]);
    let mut exec = execution(&def, items, tasks, Config::default());
    exec.run();
    assert!(failed(&exec));
    assert_eq!(entered(&exec, "Work"), 2, "the third item never started");
    exec.redrive().expect("redrives");
    exec.run();
    assert_eq!(
        output(&exec),
        json!([{"i": 0, "r": 0}, {"i": 1, "r": 1}, {"i": 2, "r": 2}])
    );
    let started: Vec<usize> = exec
        .history()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MapIterationStarted { index, .. } => Some(index),
            _ => None,
        })
        .collect();
    assert_eq!(started, vec![0, 1, 1, 2]);
}

#[test]
fn a_distributed_map_redrives_its_map_run() {
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1, "End": true,
                 "ItemProcessor": {
                     "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Work", "States": {
                     "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                              "ResultPath": "$.r", "End": true}}}}
    }});
    let tasks = TableResolver::new()
        .with("Work", fail("Boom"))
        .with("Work", ok(json!("a")))
        .with("Work", ok(json!("b")));
    let mut exec = execution(&def, json!([{"i": 0}, {"i": 1}]), tasks, Config::default());
    exec.run();
    assert!(failed(&exec));
    assert_eq!(count(&exec, "MapRunFailed"), 1);
    exec.redrive().expect("redrives");
    exec.run();
    assert_eq!(
        output(&exec),
        json!([{"i": 0, "r": "a"}, {"i": 1, "r": "b"}])
    );
    let kinds = types(exec.history());
    let redriven = kinds.iter().position(|t| t == "MapRunRedriven");
    assert!(redriven.is_some(), "{kinds:?}");
    assert_eq!(
        count(&exec, "MapRunStarted"),
        1,
        "the Map Run is the same one"
    );
    assert!(
        exec.history()
            .iter()
            .any(|e| e.kind == EventKind::MapRunRedriven { redrive_count: 1 })
    );
    let aws = to_aws_json(exec.history());
    let event = aws["events"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["type"] == json!("MapRunRedriven")))
        .cloned()
        .expect("exported");
    assert_eq!(
        event["mapRunRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
}

#[test]
fn an_aborted_execution_enters_its_running_state_again() {
    let def = json!({"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}
    }});
    let mut exec = execution(
        &def,
        json!({"k": 1}),
        TableResolver::new(),
        Config::default(),
    );
    exec.step();
    exec.step();
    exec.cancel(None, None);
    assert_eq!(exec.status(), &Status::Aborted);
    exec.redrive().expect("an aborted execution redrives");
    exec.run();
    assert_eq!(output(&exec), json!({"k": 1}));
    assert_eq!(entered(&exec, "Hold"), 2);
}

#[test]
fn the_state_machine_timeout_starts_again_from_the_redrive() {
    let def = json!({"StartAt": "Hold", "TimeoutSeconds": 10, "States": {
        "Hold": {"Type": "Wait", "Seconds": 60, "End": true}
    }});
    let mut exec = execution(&def, json!({}), TableResolver::new(), Config::default());
    exec.run();
    assert!(matches!(exec.status(), Status::TimedOut { .. }));
    let first_end = exec.clock();
    exec.redrive().expect("a timed-out execution redrives");
    exec.run();
    assert!(matches!(exec.status(), Status::TimedOut { .. }));
    let redriven_at = exec
        .history()
        .iter()
        .find(|e| matches!(e.kind, EventKind::ExecutionRedriven { .. }))
        .map(|e| e.timestamp)
        .expect("redriven");
    assert_eq!(redriven_at, first_end);
    assert_eq!(
        exec.clock() - redriven_at,
        10_000,
        "ten seconds after the redrive"
    );
}

#[test]
fn each_redrive_counts() {
    let def = json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "ResultSelector": {"count.$": "$$.Execution.RedriveCount"}, "End": true}
    }});
    let tasks = TableResolver::new()
        .with("Work", fail("Boom"))
        .with("Work", fail("Boom"))
        .with("Work", ok(json!({})));
    let mut exec = execution(&def, json!({}), tasks, Config::default());
    exec.run();
    assert_eq!(exec.redrive(), Ok(1));
    exec.run();
    assert!(failed(&exec));
    assert_eq!(exec.redrive(), Ok(2));
    exec.run();
    assert_eq!(output(&exec), json!({"count": 2}));
    let counts: Vec<u32> = exec
        .history()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ExecutionRedriven { redrive_count } => Some(redrive_count),
            _ => None,
        })
        .collect();
    assert_eq!(counts, vec![1, 2]);
}

#[test]
fn refusals_name_aws_error() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let mut done = execution(&def, json!({}), TableResolver::new(), Config::default());
    done.run();
    let refusal = done
        .redrive()
        .expect_err("a succeeded execution is not redriven");
    assert_eq!(refusal, RedriveRefusal::Succeeded);
    assert_eq!(refusal.aws_error(), "ExecutionNotRedrivable");
    assert!(
        done.history()
            .iter()
            .all(|e| !matches!(e.kind, EventKind::ExecutionRedriven { .. }))
    );

    let failing = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let express = Config {
        workflow_type: WorkflowType::Express,
        ..Config::default()
    };
    let mut exec = execution(&failing, json!({}), TableResolver::new(), express);
    exec.run();
    assert!(failed(&exec));
    assert_eq!(exec.redrive(), Err(RedriveRefusal::Express));

    let mut running = execution(&def, json!({}), TableResolver::new(), Config::default());
    running.set_breakpoints(["P".to_owned()]);
    running.run_until_pause();
    assert_eq!(running.redrive(), Err(RedriveRefusal::NotEnded));

    // A Fail state fails again when redriven: the redrive itself is allowed.
    let mut exec = execution(&failing, json!({}), TableResolver::new(), Config::default());
    exec.run();
    assert_eq!(exec.redrive(), Ok(1));
    exec.run();
    assert!(failed(&exec));
    assert_eq!(count(&exec, "ExecutionFailed"), 2);
}

/// A state that fails after its ResultPath was written (here its OutputPath matches nothing) is
/// entered again by the redrive with the input it had, not with the result written into it.
#[test]
fn a_state_failing_after_its_result_path_is_redriven_with_its_own_input() {
    let def = json!({"StartAt": "Shape", "States": {
        "Shape": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.shaped",
                  "OutputPath": "$.missing", "End": true}
    }});
    for workflow_type in [WorkflowType::Standard, WorkflowType::Express] {
        let config = Config {
            workflow_type,
            ..Config::default()
        };
        let mut exec = execution(&def, json!({"id": 7}), TableResolver::new(), config);
        exec.run();
        assert!(failed(&exec), "{workflow_type:?}");
        if workflow_type == WorkflowType::Express {
            assert!(exec.redrive().is_err(), "an Express run is not redriven");
            continue;
        }
        assert_eq!(exec.redrive(), Ok(1));
        exec.run();
        assert!(failed(&exec));
        let inputs: Vec<Value> = exec
            .history()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::StateEntered { input, .. } => Some(input.to_value()),
                _ => None,
            })
            .collect();
        assert_eq!(inputs, [json!({"id": 7}), json!({"id": 7})]);
    }
}
