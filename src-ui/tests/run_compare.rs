//! Two runs compared in the Run mode through kittest: a Choice workflow run on two inputs, the
//! first pinned as A; the canvas marks where the paths part and the states only one run
//! entered, and the Compare section lists the differences of each state's data by JSON pointer.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::interp::Status;
use stepcraft_studio::app::{Mode, StudioApp};
use stepcraft_studio::studio::run_mode::compare::CompareMark;
use support::{TempDir, harness};

use crate::support;

const SIZES: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
      "Default": "Small"
    },
    "Big": {"Type": "Pass", "Result": "big", "ResultPath": "$.size", "Next": "Done"},
    "Small": {"Type": "Pass", "Result": "small", "ResultPath": "$.size", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#;

fn run_on(harness: &mut Harness<'static, StudioApp>, input: &str) {
    harness.state_mut().run_mode_mut().set_input(input);
    let label = if harness.state().run_mode().status().is_some() {
        "⟲ Restart"
    } else {
        "▶ Start"
    };
    harness
        .get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    assert!(
        matches!(
            harness.state().run_mode().status(),
            Some(Status::Succeeded(_))
        ),
        "{:?}",
        harness.state().run_mode().status()
    );
}

fn marks(harness: &Harness<'static, StudioApp>) -> Vec<(String, CompareMark)> {
    let mut m = harness.state().canvas().compare_marks().to_vec();
    m.sort_by(|a, b| a.0.cmp(&b.0));
    m
}

#[test]
fn two_runs_of_a_choice_are_compared_where_they_part() {
    let dir = TempDir::new("run-compare");
    dir.write("sizes.asl.json", SIZES);
    let mut harness = harness(StudioApp::from_path(&dir.path("sizes.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    run_on(&mut harness, r#"{"n": 5}"#);
    assert!(marks(&harness).is_empty(), "nothing compared yet");
    harness
        .get_by_role_and_label(Role::Button, "📌 Pin for compare")
        .click_accesskit();
    harness.run();
    harness.get_by_label_contains("A: Run ");

    run_on(&mut harness, r#"{"n": 50}"#);
    // The canvas: the Choice where the paths part, the state each run alone entered, and the
    // state both entered with different data.
    assert_eq!(
        marks(&harness),
        vec![
            ("Big".to_owned(), CompareMark::OnlyB),
            ("Check".to_owned(), CompareMark::PathsPart),
            ("Done".to_owned(), CompareMark::DataDiffers),
            ("Small".to_owned(), CompareMark::OnlyA),
        ]
    );
    harness.get_by_label("Paths part after Check: A went to Small, B to Big");
    harness.get_by_label("Only A entered: Small");
    harness.get_by_label("Only B entered: Big");
    // Per state, the differences by JSON pointer: A's value, then B's.
    // Check and Done both had n in their input.
    assert_eq!(harness.get_all_by_label("input /n: A 5 · B 50").count(), 2);
    harness.get_by_label(r#"input /size: A "small" · B "big""#);
    let c = harness.state().run_mode().comparison().expect("compared");
    let states: Vec<&str> = c.states.iter().map(|d| d.state.as_str()).collect();
    assert_eq!(states, vec!["Check", "Done"]);
    let done = &c.states[1];
    let pointers: Vec<&str> = done.input.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(pointers, vec!["/n", "/size"]);

    // The same input again: the same path and data, nothing marked.
    run_on(&mut harness, r#"{"n": 5}"#);
    assert!(marks(&harness).is_empty(), "{:?}", marks(&harness));
    harness.get_by_label_contains("Same path and the same data");

    harness
        .get_by_role_and_label(Role::Button, "Unpin")
        .click_accesskit();
    harness.run();
    assert!(harness.state().run_mode().comparison().is_none());
}
