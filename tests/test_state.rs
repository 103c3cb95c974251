//! TestState offline: each state type's data path, next state and status, as AWS's TestState API
//! reports them (inspection level DEBUG). Field names and statuses: the TestState API reference
//! (`InspectionData`, `InspectionErrorDetails`, `TestExecutionStatus`).

use serde_json::{Value, json};
use stepcraft::run::RunSetup;
use stepcraft::tasks::TaskOutcome;
use stepcraft::test_state::{Request, TestStateError, TestStatus, test_state};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

fn setup(definition: &Value) -> RunSetup {
    RunSetup::new(Document::parse(&definition.to_string(), Format::Json).expect("JSON"))
}

fn ok(v: &Value) -> Option<TaskOutcome> {
    Some(TaskOutcome::Success(Val::from(v)))
}

fn fails(error: &str, cause: &str) -> Option<TaskOutcome> {
    Some(TaskOutcome::Failure {
        error: error.into(),
        cause: cause.into(),
    })
}

/// The response's inspection data, each step parsed back from the JSON text AWS writes.
fn steps(aws: &Value) -> Value {
    let data = aws["inspectionData"].as_object().expect("inspectionData");
    data.iter()
        .map(|(k, v)| {
            let parsed = match v {
                Value::String(s) => serde_json::from_str(s).expect("JSON text"),
                other => other.clone(),
            };
            (k.clone(), parsed)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn task_machine() -> Value {
    json!({
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "InputPath": "$.order",
                "Parameters": {"FunctionName": "charge", "Payload": {"amount.$": "$.total", "try.$": "$$.State.RetryCount"}},
                "ResultSelector": {"charged.$": "$.Payload.ok"},
                "ResultPath": "$.payment",
                "OutputPath": "$.payment",
                "Retry": [{"ErrorEquals": ["Card.Declined"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Refund"}],
                "Next": "Ship"
            },
            "Ship": {"Type": "Succeed"},
            "Refund": {"Type": "Succeed"}
        }
    })
}

#[test]
fn a_task_shows_every_step_of_its_data_path() {
    let mut request = Request::new("Charge", Val::from(&json!({"order": {"total": 30}})));
    request.mock = ok(&json!({"Payload": {"ok": true}, "StatusCode": 200}));
    let response = test_state(&setup(&task_machine()), &request).expect("runs");
    assert_eq!(response.status, TestStatus::Succeeded);
    let aws = response.to_aws_json(true);
    assert_eq!(aws["status"], "SUCCEEDED");
    assert_eq!(aws["nextState"], "Ship");
    assert_eq!(
        serde_json::from_str::<Value>(aws["output"].as_str().expect("text")).expect("JSON"),
        json!({"charged": true})
    );
    assert_eq!(
        steps(&aws),
        json!({
            "input": {"order": {"total": 30}},
            "afterInputPath": {"total": 30},
            "afterParameters": {"FunctionName": "charge", "Payload": {"amount": 30, "try": 0}},
            "result": {"Payload": {"ok": true}, "StatusCode": 200},
            "afterResultSelector": {"charged": true},
            "afterResultPath": {"order": {"total": 30}, "payment": {"charged": true}},
            "variables": {}
        })
    );
}

#[test]
fn an_error_a_retrier_takes_is_retriable_then_caught_once_retries_run_out() {
    let mut request = Request::new("Charge", Val::from(&json!({"order": {"total": 30}})));
    request.mock = fails("Card.Declined", "insufficient funds");
    let response = test_state(&setup(&task_machine()), &request).expect("runs");
    assert_eq!(response.status, TestStatus::Retriable);
    let aws = response.to_aws_json(true);
    assert_eq!(aws["error"], "Card.Declined");
    assert_eq!(aws["cause"], "insufficient funds");
    assert!(aws.get("nextState").is_none() && aws.get("output").is_none());
    assert_eq!(
        aws["inspectionData"]["errorDetails"],
        json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 2})
    );

    // The second retry waits IntervalSeconds × BackoffRate.
    request.retry_count = 1;
    let aws = test_state(&setup(&task_machine()), &request)
        .expect("runs")
        .to_aws_json(true);
    assert_eq!(
        aws["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"],
        6
    );
    assert_eq!(steps(&aws)["afterParameters"]["Payload"]["try"], 1);

    // MaxAttempts (2) used up: the Catch rule takes it, and the state goes to its Next.
    request.retry_count = 2;
    let response = test_state(&setup(&task_machine()), &request).expect("runs");
    assert_eq!(response.status, TestStatus::CaughtError);
    let aws = response.to_aws_json(true);
    assert_eq!(aws["status"], "CAUGHT_ERROR");
    assert_eq!(aws["nextState"], "Refund");
    assert_eq!(
        aws["inspectionData"]["errorDetails"],
        json!({"catchIndex": 0})
    );
    assert_eq!(
        serde_json::from_str::<Value>(aws["output"].as_str().expect("text")).expect("JSON"),
        json!({"order": {"total": 30}, "failure": {"Error": "Card.Declined", "Cause": "insufficient funds"}})
    );
}

#[test]
fn an_error_nothing_handles_fails() {
    let machine = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$"},
        "End": true}}});
    let mut request = Request::new("T", Val::from(&json!({})));
    request.mock = fails("SQS.QueueDoesNotExist", "no queue");
    let response = test_state(&setup(&machine), &request).expect("runs");
    assert_eq!(response.status, TestStatus::Failed);
    let aws = response.to_aws_json(false);
    assert_eq!(
        aws,
        json!({"error": "SQS.QueueDoesNotExist", "cause": "no queue", "status": "FAILED"})
    );
}

#[test]
fn a_choice_names_the_state_it_goes_to() {
    let machine = json!({"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
            {"Variable": "$level", "StringEquals": "gold", "Next": "Gold"}],
            "Default": "Small"},
        "Big": {"Type": "Succeed"}, "Gold": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}});
    let next = |input: Value, vars: Value| {
        let mut request = Request::new("Route", Val::from(&input));
        request.variables = Some(Val::from(&vars));
        let r = test_state(&setup(&machine), &request).expect("runs");
        assert_eq!(
            r.status,
            TestStatus::Succeeded,
            "{:?} {:?}",
            r.error,
            r.cause
        );
        r.next_state.map(|s| s.to_string())
    };
    assert_eq!(
        next(json!({"n": 11}), json!({"level": "gold"})).as_deref(),
        Some("Big")
    );
    assert_eq!(
        next(json!({"n": 1}), json!({"level": "gold"})).as_deref(),
        Some("Gold")
    );
    assert_eq!(
        next(json!({"n": 1}), json!({"level": "silver"})).as_deref(),
        Some("Small")
    );
    // A variable the state reads must be given: unset, the path fails as it would on AWS.
    let r = test_state(
        &setup(&machine),
        &Request::new("Route", Val::from(&json!({"n": 1}))),
    )
    .expect("runs");
    assert_eq!(r.status, TestStatus::Failed);
    assert!(
        r.cause
            .as_deref()
            .is_some_and(|c| c.contains("'level' is not defined"))
    );
}

#[test]
fn jsonata_shows_arguments_result_output_and_variables() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "Price", "States": {
        "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "price", "Payload": {"sku": "{% $states.input.sku %}", "qty": "{% $qty %}"}},
            "Assign": {"total": "{% $states.result.Payload.unit * $qty %}"},
            "Output": {"sku": "{% $states.input.sku %}", "unit": "{% $states.result.Payload.unit %}"},
            "End": true}}});
    let mut request = Request::new("Price", Val::from(&json!({"sku": "A1"})));
    request.variables = Some(Val::from(&json!({"qty": 3})));
    request.mock = ok(&json!({"Payload": {"unit": 5}}));
    let response = test_state(&setup(&machine), &request).expect("runs");
    assert_eq!(response.status, TestStatus::Succeeded);
    let aws = response.to_aws_json(true);
    assert!(
        aws.get("nextState").is_none(),
        "an End state has no next state"
    );
    assert_eq!(
        steps(&aws),
        json!({
            "input": {"sku": "A1"},
            "afterArguments": {"FunctionName": "price", "Payload": {"sku": "A1", "qty": 3}},
            "result": {"Payload": {"unit": 5}},
            "variables": {"qty": 3, "total": 15}
        })
    );
    assert_eq!(aws["output"], json!(r#"{"sku":"A1","unit":5}"#));
}

#[test]
fn a_map_needs_a_mock_of_its_work_and_reads_its_item_context() {
    let machine = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass",
                "Parameters": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"}, "End": true}}},
            "ResultSelector": {"count.$": "States.ArrayLength($)"},
            "Next": "Done"},
        "Done": {"Type": "Succeed"}}});
    let request = Request::new("Each", Val::from(&json!({"items": [1, 2]})));
    match test_state(&setup(&machine), &request) {
        Err(TestStateError::NeedsMock(state, _)) => assert_eq!(state, "Each"),
        other => panic!("{other:?}"),
    }
    let mut mocked = request;
    mocked.mock = ok(&json!([{"a": 1}, {"a": 2}, {"a": 3}]));
    let response = test_state(&setup(&machine), &mocked).expect("runs");
    assert_eq!(response.status, TestStatus::Succeeded);
    assert_eq!(response.next_state.as_deref(), Some("Done"));
    assert_eq!(
        response.output.expect("output").to_value(),
        json!({"count": 3})
    );

    // A state inside the processor, with the iteration's item as its Context object has it.
    let mut inner = Request::new("One", Val::from(&json!("ignored")));
    inner.map_item = Some((4, Val::from(&json!({"id": "x"}))));
    let response = test_state(&setup(&machine), &inner).expect("runs");
    assert_eq!(
        response.output.expect("output").to_value(),
        json!({"i": 4, "v": {"id": "x"}})
    );
}

#[test]
fn unknown_states_and_bad_variables_are_refused() {
    let request = Request::new("Nope", Val::from(&json!({})));
    match test_state(&setup(&task_machine()), &request) {
        Err(TestStateError::State(e)) => assert!(e.to_string().contains("'Nope'"), "{e}"),
        other => panic!("{other:?}"),
    }
    let mut request = Request::new("Charge", Val::from(&json!({})));
    request.variables = Some(Val::from(&json!([1])));
    assert!(matches!(
        test_state(&setup(&task_machine()), &request),
        Err(TestStateError::Variables)
    ));
}

#[test]
fn a_wait_goes_on_without_waiting_for_real() {
    let machine = json!({"StartAt": "Pause", "States": {
        "Pause": {"Type": "Wait", "Seconds": 3600, "Next": "After"},
        "After": {"Type": "Succeed"}}});
    let started = std::time::Instant::now();
    let response = test_state(
        &setup(&machine),
        &Request::new("Pause", Val::from(&json!({"k": 1}))),
    )
    .expect("runs");
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(response.status, TestStatus::Succeeded);
    assert_eq!(response.next_state.as_deref(), Some("After"));
    assert_eq!(response.output.expect("output").to_value(), json!({"k": 1}));
}
