//! A test case's local backends in the studio's Run mode, with real processes: the consent
//! asked before they first run (naming each handler and command line), Allow running them and
//! Deny answering from the mocks, the answer remembered beside the definition and asked again
//! once revoked or once the configuration changes; what a Python handler printed shown in the
//! step details' Logs; the window live (Pause, Stop) while a handler takes its time.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::json;
use stepcraft::interp::Status;
use stepcraft_studio::app::StudioApp;
use support::TempDir;

use crate::support;

const ORDER: &str = r#"{
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "validate", "Payload.$": "$"},
      "ResultSelector": {"ok.$": "$.Payload.ok"},
      "ResultPath": "$.validated",
      "Next": "Charge"
    },
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$"},
      "ResultPath": "$.charged",
      "End": true
    }
  }
}"#;

const VALIDATE_PY: &str = r#"
import sys

def handler(event, context):
    print("checking", event["sku"])
    print("stock low for", event["sku"], file=sys.stderr)
    return {"ok": "handler"}
"#;

const CHARGE_PY: &str = r#"
import json, sys
order = json.load(sys.stdin)
sku = order["MessageBody"]["sku"]
print("charging", sku, file=sys.stderr)
print(json.dumps({"chargeId": "real-" + sku}))
"#;

const TESTS: &str = r#"
definition: order.asl.json
backends:
  functions:
    validate: {handler: validate.py:handler, runtime: python3.12}
  commands:
    Charge: [python3, charge.py]
cases:
  - name: local order
    input: {"sku": "A-1"}
    mocks:
      Validate: {Return: {Payload: {ok: mocked}}}
      Charge: {Return: {chargeId: mocked}}
    expect:
      status: SUCCEEDED
"#;

fn open(dir: &TempDir) -> Harness<'static, StudioApp> {
    support::run_mode_on_its_case(StudioApp::from_path(&dir.path("order.asl.json")))
}

fn project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("order.asl.json", ORDER);
    dir.write("order.test.yaml", TESTS);
    dir.write("validate.py", VALIDATE_PY);
    dir.write("charge.py", CHARGE_PY);
    dir
}

fn press(harness: &mut Harness<'static, StudioApp>, label: &str) {
    harness
        .get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    support::until_the_run_rests(harness);
}

fn output(harness: &Harness<'static, StudioApp>) -> serde_json::Value {
    match harness.state().run_mode().status() {
        Some(Status::Succeeded(out)) => out.to_value(),
        other => panic!("the run did not succeed: {other:?}"),
    }
}

fn shown(harness: &Harness<'static, StudioApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn asking(harness: &Harness<'static, StudioApp>) -> Option<Vec<String>> {
    harness
        .state()
        .run_mode()
        .controller()
        .asking()
        .map(|a| a.runs.clone())
}

#[test]
fn allowed_backends_run_and_the_answer_is_remembered() {
    let dir = project("consent-allow");
    let consent = dir.path("order.asl.consent.json");
    let mut harness = open(&dir);
    press(&mut harness, "▶ Start");
    // Nothing ran: the studio asks first, naming the handler and the command line.
    assert!(harness.state().run_mode().status().is_none(), "no run yet");
    let runs = asking(&harness).expect("the consent prompt");
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(
        runs.iter()
            .any(|r| r.starts_with("command `python3 charge.py`") && r.ends_with("for 'Charge'")),
        "{runs:?}"
    );
    assert!(
        runs.iter()
            .any(|r| r.starts_with("function validate: handler validate.py:handler (python3)")),
        "{runs:?}"
    );
    assert!(shown(&harness, "Run this workflow's local backends?"));
    assert!(shown(&harness, "command `python3 charge.py`"));
    assert!(shown(&harness, "handler validate.py:handler"));
    assert!(!consent.exists(), "nothing remembered before the answer");

    press(&mut harness, "Allow");
    assert_eq!(
        output(&harness),
        json!({"sku": "A-1", "validated": {"ok": "handler"}, "charged": {"chargeId": "real-A-1"}}),
        "the real handler and command answered"
    );
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&consent).expect("remembered"))
            .expect("JSON");
    assert_eq!(kept["answers"][0]["allow"], json!(true));
    assert_eq!(kept["answers"][0]["runs"], json!(runs));
    assert!(shown(&harness, "Local backends: allowed"));

    // Remembered: a new studio on the same definition runs without asking.
    let mut again = open(&dir);
    press(&mut again, "▶ Start");
    assert!(asking(&again).is_none(), "not asked again");
    assert_eq!(output(&again)["charged"], json!({"chargeId": "real-A-1"}));

    // A changed configuration (another command line) asks again.
    dir.write(
        "order.test.yaml",
        &TESTS.replace("[python3, charge.py]", "[python3, -B, charge.py]"),
    );
    let mut changed = open(&dir);
    press(&mut changed, "▶ Start");
    let runs = asking(&changed).expect("asked again");
    assert!(
        runs.iter().any(|r| r.contains("`python3 -B charge.py`")),
        "{runs:?}"
    );

    // Revoked: forgotten beside the definition, asked again.
    dir.write("order.test.yaml", TESTS);
    let mut revoked = open(&dir);
    assert!(shown(&revoked, "Local backends: allowed"));
    press(&mut revoked, "Revoke");
    assert!(!consent.exists(), "the answers are forgotten");
    press(&mut revoked, "▶ Start");
    assert!(asking(&revoked).is_some(), "asked once more");
}

#[test]
fn denied_backends_do_not_run_and_the_mocks_answer() {
    let dir = project("consent-deny");
    let mut harness = open(&dir);
    press(&mut harness, "▶ Start");
    assert!(asking(&harness).is_some());
    press(&mut harness, "Deny");
    assert_eq!(
        output(&harness),
        json!({"sku": "A-1", "validated": {"ok": "mocked"}, "charged": {"chargeId": "mocked"}}),
        "the mocks answered"
    );
    assert!(shown(&harness, "Local backends denied for this workflow"));
    // No Logs: nothing ran.
    assert!(
        harness
            .state()
            .run_mode()
            .controller()
            .logs_of_run(1)
            .is_empty()
    );
    // Remembered as denied: the next run asks nothing and runs on the mocks.
    let mut again = open(&dir);
    press(&mut again, "▶ Start");
    assert!(asking(&again).is_none());
    assert_eq!(output(&again)["charged"], json!({"chargeId": "mocked"}));
    assert!(shown(&again, "Local backends: denied"));
}

#[test]
fn a_python_handlers_prints_show_in_the_step_details() {
    let dir = project("handler-logs");
    let mut harness = open(&dir);
    press(&mut harness, "▶ Start");
    press(&mut harness, "Allow");
    assert_eq!(output(&harness)["validated"], json!({"ok": "handler"}));
    harness
        .get_by_role_and_label(Role::Row, "Validate")
        .click_accesskit();
    harness.run();
    assert!(shown(&harness, "Logs"), "a Logs section");
    assert!(shown(&harness, "checking A-1"), "the handler's stdout");
    assert!(shown(&harness, "stock low for A-1"), "its stderr");
    assert!(!shown(&harness, "charging A-1"), "not the other task's");
    harness
        .get_by_role_and_label(Role::Row, "Charge")
        .click_accesskit();
    harness.run();
    assert!(shown(&harness, "charging A-1"), "the command's stderr");
    assert!(!shown(&harness, "checking A-1"));
}

const PARENT: &str = r#"{
  "StartAt": "Start Child",
  "States": {
    "Start Child": {
      "Type": "Task",
      "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {
        "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child",
        "Input": {"n.$": "$.n", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}
      },
      "OutputPath": "$.Output",
      "End": true
    }
  }
}"#;

const CHILD: &str = r#"{
  "StartAt": "Double",
  "States": {
    "Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#;

const PARENT_TESTS: &str = r#"
definition: parent.asl.json
backends:
  stateMachines:
    child: child.asl.json
cases:
  - name: nested
    input: {"n": 21}
    expect:
      status: SUCCEEDED
"#;

#[test]
fn a_child_execution_opens_from_the_parents_step_details() {
    let dir = TempDir::new("open-child");
    dir.write("parent.asl.json", PARENT);
    dir.write("parent.test.yaml", PARENT_TESTS);
    dir.write("child.asl.json", CHILD);
    let mut harness =
        support::run_mode_on_its_case(StudioApp::from_path(&dir.path("parent.asl.json")));
    press(&mut harness, "▶ Start");
    let runs = asking(&harness).expect("asked first");
    assert!(
        runs.iter()
            .any(|r| r.contains("child.asl.json") && r.contains("'child'")),
        "{runs:?}"
    );
    press(&mut harness, "Allow");
    assert_eq!(output(&harness), json!({"twice": 42}));
    harness
        .get_by_role_and_label(Role::Row, "Start Child")
        .click_accesskit();
    harness.run();
    assert!(shown(&harness, "Child execution"));
    press(&mut harness, "Open child execution ↗");
    let app = harness.state();
    assert_eq!(
        app.session().name(),
        "child.asl.json",
        "the child's definition"
    );
    assert!(app.run_mode().is_replay(), "its run replayed");
    // Played to its end: both states of the child ran.
    let names: Vec<String> = app
        .run_mode()
        .trace()
        .runs()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(names, ["Double", "Done"]);
}

/// Waits (up to 20 s) for `release` beside it before answering, printing first.
const SLOW_PY: &str = r#"
import os, time

def handler(event, context):
    print("waiting for the release of", event["sku"])
    release = os.path.join(os.path.dirname(os.path.abspath(__file__)), "release")
    deadline = time.time() + 20
    while not os.path.exists(release):
        if time.time() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.01)
    return {"ok": "released"}
"#;

/// The project's handler made [`SLOW_PY`], with time enough (Lambda's default is 3 s).
fn slow(dir: &TempDir) {
    dir.write("validate.py", SLOW_PY);
    let tests = TESTS.replace("runtime: python3.12}", "runtime: python3.12, timeout: 30}");
    assert_ne!(tests, TESTS);
    dir.write("order.test.yaml", &tests);
}

/// Draws a few frames, each of which must come back while the handler still runs.
/// The project's case run with [`slow`]'s handler, allowed, 20 frames on: the handler waits
/// for its release.
fn started_on_the_slow_handler(dir: &TempDir) -> Harness<'static, StudioApp> {
    slow(dir);
    let mut harness = open(dir);
    press(&mut harness, "▶ Start");
    harness
        .get_by_role_and_label(Role::Button, "Allow")
        .click_accesskit();
    frames(&mut harness, 20);
    harness
}

fn frames(harness: &mut Harness<'static, StudioApp>, n: usize) {
    for _ in 0..n {
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
}

#[test]
fn the_window_stays_live_while_a_handler_runs_and_its_logs_arrive_with_its_result() {
    let dir = project("live-window");
    let mut harness = started_on_the_slow_handler(&dir);
    // The handler waits for its release: the frames go on, and the run says what it waits for.
    let controller = harness.state().run_mode().controller();
    assert!(controller.is_playing());
    assert_eq!(controller.tasks_waited_for(), 1);
    assert!(shown(&harness, "Running: waiting for a task's backend"));
    assert_eq!(harness.state().run_mode().status(), Some(&Status::Running));

    // Pause holds the run while the call goes on; Continue takes its result once it ends.
    harness
        .get_by_role_and_label(Role::Button, "⏸ Pause")
        .click_accesskit();
    frames(&mut harness, 4);
    assert!(!harness.state().run_mode().controller().is_playing());
    dir.write("release", "");
    frames(&mut harness, 10);
    assert_eq!(harness.state().run_mode().status(), Some(&Status::Running));
    press(&mut harness, "▶ Continue");
    assert_eq!(output(&harness)["validated"], json!({"ok": "released"}));
    harness
        .get_by_role_and_label(Role::Row, "Validate")
        .click_accesskit();
    harness.run();
    assert!(shown(&harness, "waiting for the release of A-1"), "its log");
}

#[test]
fn stop_ends_the_run_at_once_while_a_handler_runs() {
    let dir = project("stop-while-running");
    let mut harness = started_on_the_slow_handler(&dir);
    assert_eq!(
        harness.state().run_mode().controller().tasks_waited_for(),
        1
    );
    press(&mut harness, "⏹ Stop");
    assert_eq!(harness.state().run_mode().status(), Some(&Status::Aborted));
    assert!(shown(&harness, "Stopped"));
    // The next run gets a fresh call once the handler is released.
    dir.write("release", "");
    press(&mut harness, "⟲ Restart");
    assert_eq!(output(&harness)["validated"], json!({"ok": "released"}));
}
