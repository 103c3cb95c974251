//! Nested executions through `stateMachines`: `states:startExecution` request-response, `.sync`,
//! `.sync:2` and `.waitForTaskToken` run a local child definition (real files), with AWS's
//! output shapes, the child's failure as `States.TaskFailed` caught by the parent, the child's
//! `$$.Execution` and the parent's id in its input, the child's history kept, and the located
//! errors of a binding that cannot load.

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use stepcraft::history::EventKind;
use stepcraft::interp::{Execution, Status, Stepped, TaskCalls};
use stepcraft::run::run_to_end;
use stepcraft::tasks::backends::{Backends, BackendsConfig, BackendsError, Consent};
use stepcraft::testing::Reach;
use stepcraft::value::Val;

use crate::support::local;

use local::{TempDir, output};

/// The child: echoes its input, its own `$$.Execution` and `$$.StateMachine`, and fails with
/// `Rejected` when asked to.
const CHILD: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.reject", "IsPresent": true, "Next": "Reject"}],
      "Default": "Echo"
    },
    "Reject": {"Type": "Fail", "Error": "Rejected", "Cause": "the child said no"},
    "Echo": {
      "Type": "Pass",
      "Parameters": {
        "got.$": "$",
        "id.$": "$$.Execution.Id",
        "name.$": "$$.Execution.Name",
        "machine.$": "$$.StateMachine.Name"
      },
      "End": true
    }
  }
}"#;

const CHILD_ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:child";

fn backends(dir: &TempDir) -> Arc<Backends> {
    dir.write("child.asl.json", CHILD);
    let value = json!({"stateMachines": {"child": "child.asl.json"}});
    let reach = Reach::of(&dir.0.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", &dir.0, &reach).expect("reads");
    Arc::new(Backends::new(config, Consent::default()).expect("no consent needed"))
}

fn parent(resource: &str, input: &Value) -> Value {
    json!({
        "StartAt": "Start Child",
        "States": {
            "Start Child": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {"StateMachineArn": CHILD_ARN, "Input": input},
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.caught", "Next": "Caught"}],
                "End": true
            },
            "Caught": {"Type": "Pass", "End": true}
        }
    })
}

fn start(definition: &Value, backends: &Arc<Backends>) -> Execution {
    local::start(definition, json!({}), backends)
}

fn run(definition: &Value, backends: &Arc<Backends>) -> Execution {
    local::run(definition, json!({}), backends)
}

fn with_parent_id() -> Value {
    json!({"order": 7, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"})
}

const PARENT_ID: &str =
    "arn:aws:states:us-east-1:123456789012:execution:StateMachine:local-execution";

#[test]
fn sync_returns_describe_execution_with_the_output_as_json_text() {
    let dir = TempDir::new("nested", "sync");
    let b = backends(&dir);
    let exec = run(
        &parent(
            "arn:aws:states:::states:startExecution.sync",
            &with_parent_id(),
        ),
        &b,
    );
    let out = output(&exec);
    let arn = out["ExecutionArn"].as_str().expect("an ARN").to_owned();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:execution:child:"),
        "{arn}"
    );
    assert_eq!(out["Status"], "SUCCEEDED");
    assert_eq!(out["StateMachineArn"], CHILD_ARN);
    assert_eq!(out["InputDetails"], json!({"Included": true}));
    assert_eq!(out["OutputDetails"], json!({"Included": true}));
    assert!(
        out["StartDate"].is_i64() && out["StopDate"].is_i64(),
        "{out}"
    );
    // Input and Output are JSON text.
    let input: Value = serde_json::from_str(out["Input"].as_str().expect("text")).expect("JSON");
    assert_eq!(
        input,
        json!({"order": 7, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": PARENT_ID})
    );
    let child_out: Value =
        serde_json::from_str(out["Output"].as_str().expect("text")).expect("JSON");
    // The child saw the parent's id in its input, and its own `$$.Execution`.
    assert_eq!(child_out["got"], input);
    assert_eq!(child_out["id"], json!(arn));
    assert_eq!(child_out["name"], out["Name"]);
    assert_eq!(child_out["machine"], "child");
    // The parent's events: a service task that was submitted, then succeeded.
    let kinds: Vec<String> = exec.history().iter().map(|e| e.kind.type_name()).collect();
    assert!(kinds.contains(&"TaskSubmitted".to_owned()), "{kinds:?}");
    // The child's history is kept.
    let children = b.children();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].state, "Start Child");
    assert_eq!(children[0].execution_arn, arn);
    assert!(children[0].definition.ends_with("child.asl.json"));
    assert!(matches!(children[0].status, Status::Succeeded(_)));
    assert!(matches!(
        children[0].history.first().map(|e| &e.kind),
        Some(EventKind::ExecutionStarted { .. })
    ));
}

#[test]
fn sync_2_returns_the_output_as_json() {
    let dir = TempDir::new("nested", "sync2");
    let b = backends(&dir);
    let exec = run(
        &parent(
            "arn:aws:states:::states:startExecution.sync:2",
            &json!({"order": 8}),
        ),
        &b,
    );
    let out = output(&exec);
    assert_eq!(out["Input"], json!({"order": 8}));
    assert_eq!(out["Output"]["got"], json!({"order": 8}));
    assert_eq!(out["Output"]["machine"], "child");
    assert_eq!(out["Status"], "SUCCEEDED");
}

#[test]
fn request_response_starts_the_child_and_returns_its_arn_and_start_date() {
    let dir = TempDir::new("nested", "start");
    let b = backends(&dir);
    // Input given as JSON text, as the API takes it, and a Name.
    let mut definition = parent(
        "arn:aws:states:::states:startExecution",
        &json!("{\"order\": 9}"),
    );
    definition["States"]["Start Child"]["Parameters"]["Name"] = json!("order-9");
    let exec = run(&definition, &b);
    let out = output(&exec);
    assert_eq!(
        out,
        json!({
            "ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:child:order-9",
            "StartDate": out["StartDate"].clone(),
        })
    );
    assert!(out["StartDate"].is_i64());
    let child = &b.children()[0];
    match &child.status {
        Status::Succeeded(o) => assert_eq!(o.to_value()["got"], json!({"order": 9})),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_child_fails_the_task_with_states_task_failed_and_the_described_execution() {
    let dir = TempDir::new("nested", "fail");
    let b = backends(&dir);
    for (resource, as_json) in [
        ("arn:aws:states:::states:startExecution.sync", false),
        ("arn:aws:states:::states:startExecution.sync:2", true),
    ] {
        let exec = run(&parent(resource, &json!({"reject": "yes"})), &b);
        let out = output(&exec);
        assert_eq!(out["caught"]["Error"], "States.TaskFailed", "{resource}");
        let cause: Value =
            serde_json::from_str(out["caught"]["Cause"].as_str().expect("text")).expect("JSON");
        assert_eq!(cause["Status"], "FAILED");
        assert_eq!(cause["Error"], "Rejected");
        assert_eq!(cause["Cause"], "the child said no");
        assert!(cause.get("Output").is_none());
        assert_eq!(cause["Input"].is_object(), as_json, "{resource}: {cause}");
    }
    // Request-response does not wait: the child's failure is not the task's.
    let exec = run(
        &parent(
            "arn:aws:states:::states:startExecution",
            &json!({"reject": "yes"}),
        ),
        &b,
    );
    assert!(output(&exec).get("ExecutionArn").is_some());
    assert!(matches!(
        b.latest_child().map(|c| c.status),
        Some(Status::Failed { .. })
    ));
}

#[test]
fn wait_for_task_token_runs_the_child_then_waits_for_the_token() {
    let dir = TempDir::new("nested", "token");
    let b = backends(&dir);
    let definition = parent(
        "arn:aws:states:::states:startExecution.waitForTaskToken",
        &json!({"token.$": "$$.Task.Token"}),
    );
    let mut exec = start(&definition, &b);
    // Stepped (not run to its end, where time would pass to the execution's timeout).
    while exec.step().is_some() {}
    assert_eq!(exec.status(), &Status::WaitingForCallback);
    let token = exec.pending_callbacks()[0].token.to_string();
    let child = b.latest_child().expect("the child ran");
    match &child.status {
        Status::Succeeded(o) => assert_eq!(o.to_value()["got"]["token"], json!(token)),
        other => panic!("{other:?}"),
    }
    exec.send_task_success(&token, Val::from(json!({"approved": true})))
        .expect("answered");
    run_to_end(&mut exec);
    assert_eq!(output(&exec), json!({"approved": true}));
}

#[test]
fn a_machine_not_bound_is_answered_as_before_and_a_bad_definition_is_refused() {
    let dir = TempDir::new("nested", "unbound");
    let b = backends(&dir);
    let mut definition = parent("arn:aws:states:::states:startExecution.sync", &json!({}));
    definition["States"]["Start Child"]["Parameters"]["StateMachineArn"] =
        json!("arn:aws:states:us-east-1:123456789012:stateMachine:other");
    let exec = run(&definition, &b);
    let out = output(&exec);
    assert!(
        out["caught"]["Cause"]
            .as_str()
            .is_some_and(|c| c.contains("No result was given")),
        "{out}"
    );
    assert!(b.children().is_empty());

    dir.write("broken.asl.json", r#"{"StartAt": "Nowhere", "States": {}}"#);
    let value = json!({"stateMachines": {"broken": "broken.asl.json"}});
    let reach = Reach::of(&dir.0.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", &dir.0, &reach).expect("reads");
    match Backends::new(config, Consent::ALL) {
        Err(e @ BackendsError::StateMachine(_)) => {
            let text = e.to_string();
            assert!(text.contains("broken.asl.json"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let err = BackendsConfig::parse(
        &json!({"stateMachines": {"child": 3}}),
        "/backends",
        Path::new(&dir.0),
        &reach,
    )
    .expect_err("a number is no file");
    assert_eq!(err.pointer, "/backends/stateMachines/child");
}

#[test]
fn in_the_background_a_local_child_still_runs_in_place() {
    // The studio calls backends in the background; a nested execution of a local definition
    // runs in place all the same (its depth is counted on the thread that runs it).
    let dir = TempDir::new("nested", "in-place");
    let b = backends(&dir);
    let definition = parent(
        "arn:aws:states:::states:startExecution.sync:2",
        &json!({"order": 3}),
    );
    let mut exec = local::start_calling(&definition, json!({}), &b, TaskCalls::Background);
    let mut running_when_started = None;
    loop {
        match exec.step_within(1_000) {
            Stepped::Event(e) => {
                if e.kind.type_name() == "TaskStarted" {
                    running_when_started = Some(exec.tasks_running());
                }
            }
            Stepped::Busy => {}
            Stepped::Waiting => std::thread::sleep(std::time::Duration::from_millis(5)),
            Stepped::Still => break,
        }
    }
    assert_eq!(running_when_started, Some(0));
    assert_eq!(output(&exec)["Output"]["got"], json!({"order": 3}));
}
