//! Histories exported from AWS read back into events: every kind the interpreter writes survives
//! the trip through GetExecutionHistory's JSON, unknown AWS event types are kept, and a replayed
//! history gives the same state runs as the run it came from.

use crate::support::exec;

use exec::{execute, fail, ok};
use serde_json::{Value, json};
use stepcraft::history::to_aws_json;
use stepcraft::interp::Execution;
use stepcraft::replay::read_history;
use stepcraft::tasks::TableResolver;
use stepcraft::trace::{RunStatus, Trace};
use stepcraft::value::Val;

/// Executions that between them write every kind of event the interpreter has.
fn executions() -> Vec<Execution> {
    let lambda = "arn:aws:lambda:us-east-1:123456789012:function:f";
    let sqs = "arn:aws:states:::sqs:sendMessage";
    vec![
        execute(
            &json!({"StartAt": "Call", "States": {
                "Call": {"Type": "Task", "Resource": lambda, "TimeoutSeconds": 30,
                    "Retry": [{"ErrorEquals": ["Busy"]}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}], "Next": "Send"},
                "Send": {"Type": "Task", "Resource": sqs, "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"}, "HeartbeatSeconds": 5, "TimeoutSeconds": 60, "Next": "Both"},
                "Both": {"Type": "Parallel", "Next": "Each", "Branches": [
                    {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 2, "End": true}}},
                    {"StartAt": "Pick", "States": {"Pick": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Yes"}], "Default": "Yes"},
                                                   "Yes": {"Type": "Pass", "End": true}}}]},
                "Each": {"Type": "Map", "ItemsPath": "$[0]", "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}, "Next": "Done"},
                "Done": {"Type": "Succeed"},
                "Oops": {"Type": "Fail", "Error": "Failed", "Cause": "no"}}}),
            json!({"x": 1}),
            TableResolver::new()
                .with("Call", fail("Busy"))
                .with("Call", ok(json!([1, 2])))
                .with("Send", ok(json!({"MessageId": "m"}))),
        ),
        execute(
            &json!({"StartAt": "Call", "QueryLanguage": "JSONata", "States": {
                "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "f"}, "Assign": {"seen": "{% $states.result %}"},
                    "Catch": [{"ErrorEquals": ["Nope"], "Next": "Bad"}], "End": true},
                "Bad": {"Type": "Pass", "Output": "{% $undefinedThing.x %}", "End": true}}}),
            json!({}),
            TableResolver::new().with("Call", fail("Nope")),
        ),
    ]
}

#[test]
fn every_event_survives_the_trip_through_aws_json() {
    for exec in executions() {
        let exported = to_aws_json(exec.history());
        let read = read_history(&exported).expect("reads");
        assert_eq!(read.len(), exec.history().len());
        assert_eq!(to_aws_json(&read), exported);
        // The state runs of the replay are those of the run.
        let live = Trace::from_events(exec.history());
        let replayed = Trace::from_events(&read);
        let summary = |t: &Trace| -> Vec<(String, RunStatus, Value, Option<Value>)> {
            t.runs()
                .iter()
                .map(|r| {
                    (
                        r.name.to_string(),
                        r.status,
                        r.input.to_value(),
                        r.output.as_ref().map(Val::to_value),
                    )
                })
                .collect()
        };
        assert_eq!(summary(&replayed), summary(&live));
    }
}

#[test]
fn aws_histories_in_any_order_with_unknown_events_are_read() {
    let history = json!({"events": [
        {"timestamp": "2026-03-14T01:59:02.000Z", "type": "ExecutionSucceeded", "id": 5, "previousEventId": 4,
         "executionSucceededEventDetails": {"output": "{\"ok\":true}", "outputDetails": {"truncated": false}}},
        {"timestamp": "2026-03-14T01:59:01.500Z", "type": "PassStateExited", "id": 4, "previousEventId": 3,
         "stateExitedEventDetails": {"name": "Hello", "output": "{\"ok\":true}", "outputDetails": {"truncated": false}}},
        {"timestamp": "2026-03-14T01:59:01.000Z", "type": "PassStateEntered", "id": 3, "previousEventId": 2,
         "stateEnteredEventDetails": {"name": "Hello", "input": "{}", "inputDetails": {"truncated": false}}},
        {"timestamp": "2026-03-14T01:59:00.500Z", "type": "ExecutionRedriven", "id": 2, "previousEventId": 1,
         "executionRedrivenEventDetails": {"redriveCount": 1}},
        {"timestamp": "2026-03-14T01:59:00.000Z", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
         "executionStartedEventDetails": {"input": "{}", "roleArn": "arn:aws:iam::1:role/r"}}
    ]});
    let events = read_history(&history).expect("reads");
    let types: Vec<String> = events.iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "ExecutionRedriven",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        to_aws_json(&events)["events"][1]["executionRedrivenEventDetails"]["redriveCount"],
        1
    );
    let trace = Trace::from_events(&events);
    let hello = trace.latest_run_of("Hello").expect("replayed");
    assert_eq!(hello.status, RunStatus::Succeeded);
    assert_eq!(hello.ended_at.expect("ended") - hello.entered_at, 500);
}

#[test]
fn a_broken_history_says_which_event() {
    let err = read_history(&json!({"events": [{"type": "ExecutionStarted", "id": 1}, {"id": 2}]}))
        .expect_err("no type");
    assert_eq!(err, "/events/1: the event has no \"type\"");
    assert!(read_history(&json!("x")).is_err());
}
