//! The Run mode's Coverage action through egui_kittest: every test case run at once, the graph
//! marking the states and edges they reach and fading what none reaches, the counts in the
//! left panel; a run started afterwards shows its statuses again.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft_studio::app::{Mode, StudioApp};
use support::{TempDir, harness, repo};

use crate::support;

/// The studio in Run mode on a copy of the hello-world example and its test file.
fn hello_world(dir: &TempDir) -> Harness<'static, StudioApp> {
    for f in ["hello-world.asl.json", "hello-world.test.yaml"] {
        let text = std::fs::read_to_string(repo(&format!("assets/examples/{f}"))).expect("example");
        dir.write(f, &text);
    }
    let mut harness = harness(StudioApp::from_path(&dir.path("hello-world.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    harness
}

fn mark(harness: &Harness<'static, StudioApp>, id: &str) -> Option<bool> {
    harness
        .state()
        .canvas()
        .coverage_marks()
        .iter()
        .find(|(m, _)| m == id)
        .map(|(_, covered)| *covered)
}

#[test]
fn coverage_marks_what_the_test_cases_reach_and_fades_the_rest() {
    let dir = TempDir::new("run-coverage");
    let mut harness = hello_world(&dir);
    assert_eq!(harness.state().run_mode().scenarios().len(), 2);
    assert!(harness.state().canvas().coverage_marks().is_empty());
    harness
        .get_by_role_and_label(Role::Button, "Coverage")
        .click_accesskit();
    harness.run();
    // Both cases celebrate: the Default and Carry On are never reached.
    assert_eq!(mark(&harness, "state:/States/Celebrate"), Some(true));
    assert_eq!(mark(&harness, "state:/States/Check The Mood"), Some(true));
    assert_eq!(mark(&harness, "state:/States/Carry On"), Some(false));
    assert_eq!(
        mark(&harness, "edge:/States/Check The Mood/Choices/0/Next"),
        Some(true)
    );
    assert_eq!(
        mark(&harness, "edge:/States/Check The Mood/Default"),
        Some(false)
    );
    assert_eq!(mark(&harness, "edge:/StartAt"), Some(true));
    let marks = harness.state().canvas().coverage_marks().len();
    assert_eq!(marks, 6 + 8, "every state and every edge is marked once");
    // The left panel counts them and names what is missing.
    harness.get_by_label("Coverage of 2 test cases: 12 of 16 items (75%)");
    harness.get_by_label("choice branches: 1/2");
    harness.get_by_label("Default of Check The Mood");
    harness.get_by_role_and_label(Role::Label, "Carry On");
    // Starting a run hides the coverage: the run's statuses are shown instead.
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    for _ in 0..5 {
        harness.step();
    }
    assert!(harness.state().run_mode().controller().coverage().is_none());
    assert!(harness.state().canvas().coverage_marks().is_empty());
}

#[test]
fn hide_coverage_takes_the_marks_away() {
    let dir = TempDir::new("run-coverage-hide");
    let mut harness = hello_world(&dir);
    harness
        .get_by_role_and_label(Role::Button, "Coverage")
        .click_accesskit();
    harness.run();
    assert!(!harness.state().canvas().coverage_marks().is_empty());
    harness
        .get_by_role_and_label(Role::Button, "Hide coverage")
        .click_accesskit();
    harness.run();
    assert!(harness.state().canvas().coverage_marks().is_empty());
    assert!(harness.query_by_label("Hide coverage").is_none());
}
