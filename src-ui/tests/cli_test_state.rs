//! `stepcraft test-state`: AWS's TestState response shape from the command line, the task's
//! answer from flags and files, the outcome in the output (exit 0), set-up problems exit 2.

use serde_json::{Value, json};
use support::{TempDir, stderr, stdout, stepcraft};

use crate::support;

const MACHINE: &str = r#"{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
      "ResultSelector": {"ok.$": "$.Payload.ok"},
      "ResultPath": "$.charge",
      "Retry": [{"ErrorEquals": ["Card.Declined"], "MaxAttempts": 1, "IntervalSeconds": 4}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}],
      "Next": "Fan"
    },
    "Fan": {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "End": true},
    "Refund": {"Type": "Succeed"}
  }
}"#;

fn json_out(args: &[&str]) -> Value {
    let out = stepcraft(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON on stdout")
}

#[test]
fn prints_the_test_state_response() {
    let dir = TempDir::new("test-state");
    let file = dir.write("m.asl.json", MACHINE);
    let result = dir.write("result.json", r#"{"Payload": {"ok": true}}"#);
    let aws = json_out(&[
        "test-state",
        &file,
        "--state",
        "Charge",
        "--input",
        r#"{"amount": 5}"#,
        "--result",
        &format!("@{result}"),
    ]);
    assert_eq!(aws["status"], "SUCCEEDED");
    assert_eq!(aws["nextState"], "Fan");
    assert_eq!(aws["output"], json!(r#"{"amount":5,"charge":{"ok":true}}"#));
    assert_eq!(
        aws["inspectionData"]["afterParameters"],
        json!(r#"{"FunctionName":"charge","Payload":{"amount":5}}"#)
    );
    assert_eq!(
        aws["inspectionData"]["afterResultSelector"],
        json!(r#"{"ok":true}"#)
    );

    // INFO: the outcome without the data path.
    let aws = json_out(&[
        "test-state",
        &file,
        "--state",
        "Charge",
        "--error",
        "Card.Declined",
        "--cause",
        "no",
        "--inspection-level",
        "INFO",
    ]);
    assert_eq!(
        aws,
        json!({"error": "Card.Declined", "cause": "no", "status": "RETRIABLE"})
    );

    let aws = json_out(&[
        "test-state",
        &file,
        "--state",
        "Charge",
        "--error",
        "Card.Declined",
        "--retry-count",
        "1",
    ]);
    assert_eq!(aws["status"], "CAUGHT_ERROR");
    assert_eq!(aws["nextState"], "Refund");
    assert_eq!(
        aws["inspectionData"]["errorDetails"],
        json!({"catchIndex": 0})
    );
}

#[test]
fn states_that_cannot_be_tested_say_why() {
    let dir = TempDir::new("test-state-errors");
    let file = dir.write("m.asl.json", MACHINE);
    let out = stepcraft(&["test-state", &file, "--state", "Fan"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("'Fan' is a Parallel state") && err.contains("--result"),
        "{err}"
    );

    let out = stepcraft(&["test-state", &file, "--state", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no state named 'Nope'"),
        "{}",
        stderr(&out)
    );

    let out = stepcraft(&["test-state", &file, "--state", "Charge", "--input", "{nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--input: not valid JSON"),
        "{}",
        stderr(&out)
    );

    // With a mock of its work, the Parallel runs as a whole.
    let aws = json_out(&["test-state", &file, "--state", "Fan", "--result", "[1, 2]"]);
    assert_eq!(aws["status"], "SUCCEEDED");
    assert_eq!(aws["output"], "[1,2]");
    assert!(aws.get("nextState").is_none());
}
