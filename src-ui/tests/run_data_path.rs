//! The Run mode's step details show a state run's data path, step by step, for the runs made in
//! the studio: JSONPath (after InputPath, after Parameters, the result, after ResultSelector,
//! after ResultPath) and JSONata (after Arguments, the result).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft_studio::app::{Mode, StudioApp};
use support::{TempDir, harness};

use crate::support;

const PATHS: &str = r#"{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "InputPath": "$.order",
      "Parameters": {"FunctionName": "charge", "Payload": {"cents.$": "$.total"}},
      "ResultSelector": {"receipt.$": "$.Payload.receipt"},
      "ResultPath": "$.payment",
      "End": true
    }
  }
}"#;

const PATHS_TESTS: &str = r"definition: paths.asl.json
cases:
  - name: charged
    input: {order: {total: 1250}}
    mocks:
      Charge:
        - {Return: {Payload: {receipt: r-77}, StatusCode: 200}}
    expect:
      status: SUCCEEDED
";

const JSONATA: &str = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Price",
  "States": {
    "Price": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": "price", "Payload": {"sku": "{% $states.input.sku %}"}},
      "Output": "{% $states.result.Payload %}",
      "End": true
    }
  }
}"#;

const JSONATA_TESTS: &str = r"definition: priced.asl.json
cases:
  - name: priced
    input: {sku: A-1}
    mocks:
      Price:
        - {Return: {Payload: {unit: 5}}}
    expect:
      status: SUCCEEDED
";

fn run_and_open(
    dir: &TempDir,
    name: &str,
    definition: &str,
    tests: &str,
    state: &str,
) -> Harness<'static, StudioApp> {
    dir.write(&format!("{name}.asl.json"), definition);
    dir.write(&format!("{name}.test.yaml"), tests);
    let mut harness = harness(StudioApp::from_path(&dir.path(&format!("{name}.asl.json"))));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    assert_eq!(
        harness.state().run_mode().scenarios().len(),
        1,
        "the test file's case"
    );
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    harness
        .get_by_role_and_label(Role::Row, state)
        .click_accesskit();
    harness.run();
    harness.get_by_label("Data path").click_accesskit();
    harness.run();
    harness
}

fn shown(harness: &Harness<'static, StudioApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn a_jsonpath_task_shows_each_step_of_its_data_path() {
    let dir = TempDir::new("data-path-jsonpath");
    let harness = run_and_open(&dir, "paths", PATHS, PATHS_TESTS, "Charge");
    for step in [
        "After InputPath",
        "After Parameters",
        "Result",
        "After ResultSelector",
        "After ResultPath",
    ] {
        assert!(harness.query_by_label(step).is_some(), "{step}");
    }
    assert!(harness.query_by_label("After Arguments").is_none());
    // The values: the InputPath's selection, the payload built from it, and the result placed
    // into the raw input.
    assert!(shown(&harness, "\"cents\": 1250"), "after Parameters");
    assert!(
        shown(&harness, "\"receipt\": \"r-77\""),
        "after ResultSelector"
    );
    assert!(shown(&harness, "\"StatusCode\": 200"), "the raw result");
}

#[test]
fn a_jsonata_task_shows_its_arguments_and_result() {
    let dir = TempDir::new("data-path-jsonata");
    let harness = run_and_open(&dir, "priced", JSONATA, JSONATA_TESTS, "Price");
    for step in ["After Arguments", "Result"] {
        assert!(harness.query_by_label(step).is_some(), "{step}");
    }
    for step in [
        "After InputPath",
        "After Parameters",
        "After ResultSelector",
    ] {
        assert!(harness.query_by_label(step).is_none(), "{step}");
    }
    assert!(shown(&harness, "\"sku\": \"A-1\""));
    assert!(shown(&harness, "\"unit\": 5"));
}

/// "Test this state" in the details runs the selected state alone (TestState): a task's error
/// that its Retry rule takes is RETRIABLE, with the wait; a result gives the data path and the
/// next state.
#[test]
fn a_state_is_tested_alone_from_the_details() {
    let dir = TempDir::new("test-state-panel");
    let mut harness = run_and_open(&dir, "paths", PATHS, PATHS_TESTS, "Charge");
    harness.get_by_label("Test this state").click_accesskit();
    harness.run();
    harness.state_mut().run_mode_mut().tester_mut().set_fields(
        r#"{"order": {"total": 5}}"#,
        "{}",
        Ok(r#"{"Payload": {"receipt": "r-1"}}"#),
    );
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "▶ Test state")
        .click_accesskit();
    harness.run();
    let (state, outcome) = harness
        .state()
        .run_mode()
        .tester()
        .outcome()
        .expect("tested");
    assert_eq!(state, "Charge");
    let response = outcome.expect("the state ran");
    assert_eq!(response.status.as_str(), "SUCCEEDED");
    assert!(shown(&harness, "Status: SUCCEEDED"));
    assert!(shown(&harness, "\"cents\": 5"), "its own data path");
    assert_eq!(
        response
            .output
            .as_ref()
            .map(stepcraft::value::Val::to_value),
        Some(serde_json::json!({"order": {"total": 5}, "payment": {"receipt": "r-1"}}))
    );
}
