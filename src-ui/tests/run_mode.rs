//! The Run mode through egui_kittest: running a bundled example with a test case's mocks,
//! statuses on the graph, details of a state's run, breakpoints, stopping, and answering a
//! callback by hand.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::Format;
use stepcraft::interp::Status;
use stepcraft::trace::RunStatus;
use stepcraft_studio::app::{BUNDLED_EXAMPLE, Mode, StudioApp};
use support::{harness, repo};

use crate::support;

fn in_run_mode(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = harness(app);
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    harness
}

fn bundled() -> Harness<'static, StudioApp> {
    in_run_mode(StudioApp::from_text(
        BUNDLED_EXAMPLE.0,
        BUNDLED_EXAMPLE.1,
        Format::Json,
    ))
}

/// Clicks a button by its text, as assistive technology does, and draws one frame (a playing
/// run keeps asking for frames, so the harness is stepped, not run to rest).
fn press(harness: &mut Harness<'static, StudioApp>, label: &str) {
    harness
        .get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    harness.step();
    harness.step();
}

/// A history in GetExecutionHistory's JSON, as the CLI exports it, of a local run of the
/// hello-world example.
fn hello_world_history(dir: &support::TempDir) -> std::path::PathBuf {
    let history = dir.path("history.json");
    let out = support::stepcraft(&[
        "run",
        support::s(&repo("assets/examples/hello-world.asl.json")),
        "--history",
        support::s(&history),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    history
}

/// Starts the run at instant speed and checks that it succeeds.
fn run_instantly_to_success(harness: &mut Harness<'static, StudioApp>) {
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    press(harness, "▶ Start");
    frames(harness, 5);
    assert!(
        matches!(status(harness), Some(Status::Succeeded(_))),
        "{:?}",
        status(harness)
    );
}

/// Draws a few frames.
fn frames(harness: &mut Harness<'static, StudioApp>, n: usize) {
    for _ in 0..n {
        harness.step();
    }
}

fn status(harness: &Harness<'static, StudioApp>) -> Option<Status> {
    harness.state().run_mode().status().cloned()
}

fn run_status(harness: &Harness<'static, StudioApp>, state: &str) -> Option<RunStatus> {
    harness.state().run_mode().trace().status_of(state)
}

#[test]
fn a_test_case_runs_and_the_graph_shows_each_state_status() {
    let mut harness = bundled();
    let scenarios: Vec<String> = harness
        .state()
        .run_mode()
        .scenarios()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert!(
        scenarios.contains(&"order-processing wallet order is fulfilled".to_owned()),
        "{scenarios:?}"
    );
    let wallet = scenarios
        .iter()
        .position(|s| s == "order-processing wallet order is fulfilled");
    harness.state_mut().run_mode_mut().choose(wallet);
    run_instantly_to_success(&mut harness);
    assert_eq!(
        run_status(&harness, "Charge Payment"),
        Some(RunStatus::Succeeded)
    );
    assert_eq!(
        run_status(&harness, "Order Rejected"),
        None,
        "not on this path"
    );
    harness.get_by_label("Succeeded");
    // A click on a node shows that state's run: its input and output.
    harness
        .get_by_role_and_label(Role::Button, "Validate Order")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Validate Order · Task");
    // Its input, in the details pane (the input editor holds it too).
    assert!(
        harness
            .query_all_by_label_contains("\"token\": \"tok-1\"")
            .count()
            >= 2
    );
    // The events list is AWS's history, one row an event.
    harness.get_by_label("Events").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("ExecutionSucceeded")
            .is_some()
    );
    // The run changed nothing in the definition.
    assert!(!harness.state().is_dirty());
}

#[test]
fn a_breakpoint_pauses_before_its_state_and_continue_finishes() {
    let mut harness = bundled();
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness
        .state_mut()
        .run_mode_mut()
        .toggle_breakpoint("Route Order");
    harness.run();
    press(&mut harness, "▶ Start");
    harness.run();
    assert_eq!(harness.state().run_mode().paused_at(), Some("Route Order"));
    harness.get_by_label("Paused before Route Order (breakpoint)");
    assert_eq!(
        run_status(&harness, "Validate Order"),
        Some(RunStatus::Succeeded)
    );
    assert_eq!(run_status(&harness, "Route Order"), None, "not entered yet");
    press(&mut harness, "▶ Continue");
    frames(&mut harness, 5);
    assert!(matches!(status(&harness), Some(Status::Succeeded(_))));
}

#[test]
fn stepping_then_stopping_cancels_what_runs() {
    let mut harness = bundled();
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.run();
    press(&mut harness, "▶ Start");
    press(&mut harness, "⏸ Pause");
    let before = harness.state().run_mode().events().len();
    press(&mut harness, "⏭ Step");
    assert_eq!(harness.state().run_mode().events().len(), before + 1);
    press(&mut harness, "⏹ Stop");
    assert_eq!(status(&harness), Some(Status::Aborted));
    harness.get_by_label("Stopped");
    assert!(
        harness
            .state()
            .run_mode()
            .trace()
            .runs()
            .iter()
            .all(|r| r.status != RunStatus::Running)
    );
}

#[test]
fn a_callback_is_answered_by_hand() {
    let path = repo("assets/examples/callback-approval.asl.json");
    let mut harness = in_run_mode(StudioApp::from_path(&path));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.state_mut().run_mode_mut().set_input(
        r#"{"requestId": "r-1", "requester": "ana", "amount": 250, "description": "laptop"}"#,
    );
    harness.run();
    press(&mut harness, "▶ Start");
    harness.run();
    assert_eq!(status(&harness), Some(Status::WaitingForCallback));
    // The status line and the answering section's heading.
    assert_eq!(
        harness.query_all_by_label("Waiting for an answer").count(),
        2
    );
    harness
        .state_mut()
        .run_mode_mut()
        .set_callback_output(r#"{"approved": true}"#);
    harness.run();
    press(&mut harness, "✔ Send success");
    frames(&mut harness, 5);
    assert!(
        matches!(status(&harness), Some(Status::Succeeded(_))),
        "{:?}",
        status(&harness)
    );
    assert_eq!(
        run_status(&harness, "Request Approved"),
        Some(RunStatus::Succeeded)
    );
}

#[test]
fn a_definition_with_errors_does_not_start() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
    let mut harness = in_run_mode(StudioApp::from_text("bad.asl.json", text, Format::Json));
    press(&mut harness, "▶ Start");
    assert!(status(&harness).is_none());
    assert!(
        harness
            .query_by_label_contains("The definition has 1 error")
            .is_some()
    );
}

#[test]
fn a_distributed_map_reads_the_test_case_data() {
    let path = repo("assets/examples/distributed-map-csv.asl.json");
    let mut harness = in_run_mode(StudioApp::from_path(&path));
    let first = harness
        .state()
        .run_mode()
        .scenarios()
        .iter()
        .position(|s| s.name.contains("every batch loads"));
    assert!(
        first.is_some(),
        "{:?}",
        harness
            .state()
            .run_mode()
            .scenarios()
            .iter()
            .map(|s| &s.name)
            .collect::<Vec<_>>()
    );
    harness.state_mut().run_mode_mut().choose(first);
    run_instantly_to_success(&mut harness);
    assert_eq!(
        run_status(&harness, "Import Sales Rows"),
        Some(RunStatus::Succeeded)
    );
}

#[test]
fn a_history_exported_from_aws_replays_on_the_graph() {
    // A history in GetExecutionHistory's JSON, as the CLI exports it (here from a local run).
    let dir = support::TempDir::new("replay");
    let history = hello_world_history(&dir);
    let mut harness = in_run_mode(StudioApp::from_path(&repo(
        "assets/examples/hello-world.asl.json",
    )));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.state_mut().run_mode_mut().replay_file(&history);
    frames(&mut harness, 4);
    assert!(harness.state().run_mode().is_replay());
    let events = harness.state().run_mode().events().len();
    assert!(events > 3, "{events}");
    assert!(
        harness
            .query_by_label_contains(&format!("event {events} of {events}"))
            .is_some()
    );
    let trace = harness.state().run_mode().trace();
    assert!(
        trace
            .runs()
            .iter()
            .all(|r| r.status == RunStatus::Succeeded)
    );
    assert!(!trace.runs().is_empty());
    // A breakpoint holds a replay before its state, and Continue plays on.
    let first_state = trace.runs()[0].name.to_string();
    harness
        .state_mut()
        .run_mode_mut()
        .toggle_breakpoint(&first_state);
    harness.state_mut().run_mode_mut().replay_file(&history);
    frames(&mut harness, 3);
    assert_eq!(
        harness.state().run_mode().paused_at(),
        Some(first_state.as_str())
    );
    assert!(harness.state().run_mode().trace().runs().is_empty());
    press(&mut harness, "▶ Continue");
    frames(&mut harness, 3);
    assert_eq!(harness.state().run_mode().events().len(), events);
    // A file that is not a history says what is wrong and where.
    let bad = dir.file("bad.json", r#"{"events": [{"id": 1}]}"#);
    harness.state_mut().run_mode_mut().replay_file(&bad);
    harness.step();
    assert!(
        harness
            .query_by_label_contains("/events/0: the event has no \"type\"")
            .is_some()
    );
}

#[test]
fn the_run_is_driven_from_the_keyboard() {
    let mut harness = harness(StudioApp::from_text(
        BUNDLED_EXAMPLE.0,
        BUNDLED_EXAMPLE.1,
        Format::Json,
    ));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num3);
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Run);
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.step();
    harness.key_press(egui::Key::F5);
    harness.step();
    assert!(harness.state().run_mode().is_playing(), "F5 starts");
    harness.key_press(egui::Key::F5);
    harness.step();
    assert!(!harness.state().run_mode().is_playing(), "F5 again pauses");
    let before = harness.state().run_mode().events().len();
    harness.key_press(egui::Key::F10);
    harness.step();
    assert_eq!(
        harness.state().run_mode().events().len(),
        before + 1,
        "F10 steps"
    );
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::F5);
    harness.step();
    assert_eq!(status(&harness), Some(Status::Aborted), "Shift+F5 stops");
}

#[test]
fn a_history_of_another_state_machine_is_flagged() {
    let dir = support::TempDir::new("replay-other");
    let history = hello_world_history(&dir);
    let mut harness = bundled();
    harness
        .state_mut()
        .run_mode_mut()
        .set_replay_path(support::s(&history));
    harness.run();
    harness.get_by_label("Replay a history from AWS").click();
    harness.run();
    press(&mut harness, "⟲ Replay");
    assert!(
        harness
            .query_by_label_contains("that this definition does not have")
            .is_some()
    );
}
