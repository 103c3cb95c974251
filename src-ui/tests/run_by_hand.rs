//! Runs without a test file: each Task waits in the Run mode for its result, typed by the user
//! (a failure goes through Retry and Catch like any task's), and the finished run is saved as a
//! test case beside the definition, which `stepcraft test` then passes.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::interp::Status;
use stepcraft_studio::app::{Mode, StudioApp};
use support::{TempDir, harness, stderr, stdout, stepcraft};

use crate::support;

const ORDER: &str = r#"{
  "StartAt": "Price",
  "States": {
    "Price": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "price", "Payload.$": "$"},
      "ResultSelector": {"total.$": "$.Payload.total"},
      "ResultPath": "$.price",
      "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 1}],
      "Next": "Ship"
    },
    "Ship": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/ship", "MessageBody.$": "$"},
      "ResultPath": null,
      "End": true
    }
  }
}"#;

fn press(harness: &mut Harness<'static, StudioApp>, label: &str) {
    harness
        .get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    for _ in 0..4 {
        harness.step();
    }
}

fn status(harness: &Harness<'static, StudioApp>) -> Option<Status> {
    harness.state().run_mode().status().cloned()
}

fn waiting_for(harness: &Harness<'static, StudioApp>) -> Vec<String> {
    harness
        .state()
        .run_mode()
        .controller()
        .execution()
        .map(|e| {
            e.pending_callbacks()
                .iter()
                .map(|p| p.state.to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_task_asks_for_its_result_and_the_run_is_saved_as_a_case() {
    let dir = TempDir::new("run-by-hand");
    let definition = dir.write("order.asl.json", ORDER);
    let mut harness = harness(StudioApp::from_path(&dir.path("order.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    assert!(
        harness.state().run_mode().scenarios().is_empty(),
        "no test file yet"
    );
    harness
        .state_mut()
        .run_mode_mut()
        .set_input(r#"{"sku": "A-1"}"#);
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    press(&mut harness, "▶ Start");
    assert_eq!(status(&harness), Some(Status::WaitingForCallback));
    assert_eq!(waiting_for(&harness), ["Price"]);
    // The status line and the answering section's heading.
    assert_eq!(
        harness.query_all_by_label("Waiting for an answer").count(),
        2
    );

    // A failure the Retry rule takes: the task asks again.
    harness
        .state_mut()
        .run_mode_mut()
        .set_callback_error("Busy");
    harness.run();
    press(&mut harness, "✖ Send failure");
    for _ in 0..6 {
        harness.step();
    }
    assert_eq!(waiting_for(&harness), ["Price"], "retried, waiting again");
    harness
        .state_mut()
        .run_mode_mut()
        .set_callback_output(r#"{"Payload": {"total": 42}}"#);
    harness.run();
    press(&mut harness, "✔ Send success");
    assert_eq!(waiting_for(&harness), ["Ship"]);
    harness
        .state_mut()
        .run_mode_mut()
        .set_callback_output(r#"{"MessageId": "m-1"}"#);
    harness.run();
    press(&mut harness, "✔ Send success");
    match status(&harness) {
        Some(Status::Succeeded(out)) => {
            assert_eq!(
                out.to_value(),
                serde_json::json!({"sku": "A-1", "price": {"total": 42}})
            );
        }
        other => panic!("{other:?}"),
    }

    press(&mut harness, "💾 Save as test case");
    let tests = dir.path("order.test.yaml");
    assert!(
        tests.is_file(),
        "the test file is created beside the definition"
    );
    // Every answer given is in the case: the failure the Retry took, then the two results.
    let written = std::fs::read_to_string(&tests).expect("the test file");
    for answer in ["Busy", "total: 42", "m-1"] {
        assert!(written.contains(answer), "{answer} in:\n{written}");
    }
    assert_eq!(
        harness.state().run_mode().scenarios().len(),
        1,
        "the case is offered at once"
    );
    let out = stepcraft(&["test", &definition]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("1 passed"), "{}", stdout(&out));
}
