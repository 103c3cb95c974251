//! Redrive in the Run mode through kittest: a Map whose second iteration fails is redriven with
//! the Redrive button; the same run goes on, the history after `ExecutionRedriven`, only the
//! failed and unstarted iterations running again, and the graph shows the states as they stand.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::history::EventKind;
use stepcraft::interp::Status;
use stepcraft::trace::RunStatus;
use stepcraft_studio::app::{Mode, StudioApp};
use stepcraft_studio::studio::run_mode::views::RowKind;
use support::{TempDir, harness};

use crate::support;

/// A Map over three items, one at a time; the Task fails on the second item the first time.
const FAN_OUT: &str = r#"{
  "StartAt": "Fan Out",
  "States": {
    "Fan Out": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "MaxConcurrency": 1,
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "work", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "End": true
          }
        }
      },
      "Next": "Finish"
    },
    "Finish": {"Type": "Succeed"}
  }
}"#;

const FAN_OUT_TESTS: &str = r"definition: fan-out.asl.json
cases:
  - name: the second item fails once
    input: {items: [1, 2, 3]}
    mocks:
      Work:
        - {Return: {Payload: {done: 1}}}
        - {Throw: {Error: Boom, Cause: the second item}}
        - {Return: {Payload: {done: 2}}}
        - {Return: {Payload: {done: 3}}}
    expect:
      status: FAILED
";

fn frames(harness: &mut Harness<'static, StudioApp>, n: usize) {
    for _ in 0..n {
        harness.step();
    }
}

fn press(harness: &mut Harness<'static, StudioApp>, label: &str) {
    harness
        .get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    frames(harness, 6);
    harness.run();
}

fn status(harness: &Harness<'static, StudioApp>) -> Option<Status> {
    harness.state().run_mode().status().cloned()
}

fn canvas_status(harness: &Harness<'static, StudioApp>, state: &str) -> Option<RunStatus> {
    harness
        .state()
        .canvas()
        .status_marks()
        .iter()
        .find(|(n, _)| n == state)
        .map(|(_, s)| *s)
}

fn trace_status(harness: &Harness<'static, StudioApp>, state: &str) -> Option<RunStatus> {
    harness.state().run_mode().trace().status_of(state)
}

#[test]
fn a_failed_run_is_redriven_from_where_it_failed() {
    let dir = TempDir::new("run-redrive");
    dir.write("fan-out.asl.json", FAN_OUT);
    dir.write("fan-out.test.yaml", FAN_OUT_TESTS);
    let mut harness = harness(StudioApp::from_path(&dir.path("fan-out.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    assert_eq!(harness.state().run_mode().scenarios().len(), 1);
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "⟳ Redrive")
            .is_none(),
        "nothing to redrive before a run"
    );
    press(&mut harness, "▶ Start");
    assert!(
        matches!(status(&harness), Some(Status::Failed { .. })),
        "{:?}",
        status(&harness)
    );
    assert_eq!(canvas_status(&harness, "Fan Out"), Some(RunStatus::Failed));
    assert_eq!(trace_status(&harness, "Work"), Some(RunStatus::Failed));
    // Counts on the Map node: the first item succeeded, the second failed, the third never ran.
    let overlay = harness.state_mut().run_mode_mut().overlay();
    assert_eq!(overlay.map_counts.get("Fan Out"), Some(&(1, 1, 0)));
    let before = harness.state().run_mode().events().len();

    press(&mut harness, "⟳ Redrive");
    assert!(
        matches!(status(&harness), Some(Status::Succeeded(_))),
        "{:?}",
        status(&harness)
    );
    harness.get_by_label("Redriven once");
    // The same run's history goes on: ExecutionRedriven right after ExecutionFailed, then the
    // Map entered again, only iterations 1 and 2 started.
    let events = harness.state().run_mode().events().to_vec();
    assert_eq!(events[before - 1].kind.type_name(), "ExecutionFailed");
    assert_eq!(
        events[before].kind,
        EventKind::ExecutionRedriven { redrive_count: 1 }
    );
    let restarted: Vec<usize> = events[before..]
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MapIterationStarted { index, .. } => Some(index),
            _ => None,
        })
        .collect();
    assert_eq!(restarted, vec![1, 2]);
    if let Some(Status::Succeeded(out)) = status(&harness) {
        assert_eq!(
            out.to_value(),
            serde_json::json!([{"done": 1}, {"done": 2}, {"done": 3}])
        );
    }
    // The redriven Map counts the iteration it kept with the two it ran again, and its rows
    // list all three; the kept one opens on its run from the attempt before.
    let overlay = harness.state_mut().run_mode_mut().overlay();
    assert_eq!(overlay.map_counts.get("Fan Out"), Some(&(3, 0, 0)));
    let latest_map = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .filter(|r| r.name == "Fan Out")
        .count();
    assert_eq!(latest_map, 2, "the Map's first attempt and its redrive");
    let redriven = *harness
        .state()
        .run_mode()
        .trace()
        .run_indexes_of("Fan Out")
        .last()
        .expect("the Map ran");
    harness
        .state_mut()
        .run_mode_mut()
        .toggle_row(RowKind::Run(redriven));
    harness.run();
    let names: Vec<String> = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert!(
        names
            .windows(4)
            .any(|w| w == ["Fan Out", "Iteration 0", "Iteration 1", "Iteration 2"]),
        "{names:?}"
    );
    // The graph shows how the states stand now; the button is gone with nothing to redrive.
    assert_eq!(trace_status(&harness, "Work"), Some(RunStatus::Succeeded));
    assert_eq!(
        canvas_status(&harness, "Fan Out"),
        Some(RunStatus::Succeeded)
    );
    assert_eq!(
        canvas_status(&harness, "Finish"),
        Some(RunStatus::Succeeded)
    );
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "⟳ Redrive")
            .is_none()
    );

    // The events list shows the added event.
    harness.get_by_label("Events").click();
    harness.run();
    harness.get_by_label("Filter by event type").click();
    harness.run();
    harness.get_by_label("ExecutionRedriven").click();
    harness.run();
    let drawn = harness.state().run_mode().drawn_events();
    assert_eq!(drawn.len(), 1, "{drawn:?}");
    assert_eq!(drawn[0].id, events[before].id);
}

#[test]
fn a_stopped_run_is_redriven_and_a_succeeded_one_is_not() {
    let dir = TempDir::new("run-redrive-stop");
    dir.write(
        "hold.asl.json",
        r#"{"StartAt": "Hold", "States": {
            "Hold": {"Type": "Wait", "Seconds": 30, "Next": "Done"},
            "Done": {"Type": "Pass", "End": true}}}"#,
    );
    let mut harness = harness(StudioApp::from_path(&dir.path("hold.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    // At the default speed the run is still in its Wait a couple of frames after Start.
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    frames(&mut harness, 2);
    press(&mut harness, "⏹ Stop");
    assert_eq!(status(&harness), Some(Status::Aborted));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    press(&mut harness, "⟳ Redrive");
    assert!(
        matches!(status(&harness), Some(Status::Succeeded(_))),
        "{:?}",
        status(&harness)
    );
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "⟳ Redrive")
            .is_none(),
        "a succeeded run cannot be redriven"
    );
}
