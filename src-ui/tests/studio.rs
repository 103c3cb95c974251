//! The studio window, driven headless through its accessibility tree and pointer events.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::json;
use stepcraft::Format;
use stepcraft_studio::app::{BUNDLED_EXAMPLE, Mode, StudioApp};
use stepcraft_studio::studio::file_picker::{FAST_FAILURE, Picker};
use stepcraft_studio::studio::state::{DragPayload, Selection};
use stepcraft_studio::studio::theme;
use support::harness;

use crate::support;

fn bundled() -> Harness<'static, StudioApp> {
    harness(StudioApp::from_text(
        BUNDLED_EXAMPLE.0,
        BUNDLED_EXAMPLE.1,
        Format::Json,
    ))
}

fn selected_names(app: &StudioApp) -> Vec<String> {
    match app.selection() {
        Selection::None => Vec::new(),
        Selection::States(s) => s.iter().map(|s| s.name.clone()).collect(),
    }
}

#[test]
fn opens_on_the_bundled_example_and_shows_its_states() {
    let harness = bundled();
    harness.get_by_label(BUNDLED_EXAMPLE.0);
    harness.get_by_role_and_label(Role::Button, "Validate Order");
    // A state nested in a Parallel branch is a node too.
    harness.get_by_role_and_label(Role::Button, "Reserve Inventory");
    // Nothing to list: the problems list takes no room, and the top bar says so.
    assert!(harness.query_by_label("No problems found.").is_none());
    assert!(harness.state().panel_rect(&theme::PROBLEMS_PANEL).is_none());
    harness.get_by_label("✔ Valid");
    assert!(!harness.state().is_dirty());
}

#[test]
fn shows_where_a_malformed_file_is_broken() {
    let harness = harness(StudioApp::from_text(
        "broken.json",
        "{\n  \"StartAt\": \n}",
        Format::Json,
    ));
    assert!(harness.query_by_label_contains("broken.json:3:1").is_some());
    assert_eq!(harness.state().mode(), Mode::Code);
}

#[test]
fn lists_diagnostics_with_their_line_and_badges_the_state() {
    let text =
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}\n}";
    let mut harness = harness(StudioApp::from_text("bad.json", text, Format::Json));
    assert!(
        harness
            .query_by_label_contains("3:36 error [MISSING_TRANSITION_TARGET]")
            .is_some()
    );
    // Clicking the problem selects its state.
    harness
        .get_by_label_contains("3:36 error [MISSING_TRANSITION_TARGET]")
        .click();
    harness.run();
    assert_eq!(selected_names(harness.state()), ["A"]);
}

#[test]
fn clicking_a_node_selects_it_and_empty_space_clears() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Validate Order")
        .click_accesskit();
    harness.run();
    assert_eq!(selected_names(harness.state()), ["Validate Order"]);

    // Shift-click adds to the selection (a real pointer click at the node's screen rectangle).
    let rect = node_rect(&harness, "Stamp Order");
    harness.event(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
    harness.hover_at(rect.center());
    harness.event(egui::Event::PointerButton {
        pos: rect.center(),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::SHIFT,
    });
    harness.event(egui::Event::PointerButton {
        pos: rect.center(),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::SHIFT,
    });
    harness.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    harness.run();
    assert_eq!(
        selected_names(harness.state()),
        ["Validate Order", "Stamp Order"]
    );
}

fn node_rect(harness: &Harness<'_, StudioApp>, name: &str) -> egui::Rect {
    harness
        .state()
        .canvas()
        .node_rects()
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| panic!("no node {name}"), |(_, r)| *r)
}

#[test]
fn delete_removes_the_state_and_undo_restores_the_exact_text() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Stamp Order")
        .click_accesskit();
    harness.run();
    harness.key_press(egui::Key::Delete);
    harness.run();
    let value = harness.state().document().value().clone();
    assert!(value["States"].get("Stamp Order").is_none());
    assert_eq!(value["StartAt"], "Validate Order");
    assert!(harness.state().is_dirty());
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Stamp Order")
            .is_none()
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().is_dirty());
    harness.get_by_role_and_label(Role::Button, "Stamp Order");

    // Redo takes the deletion again.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    harness.run();
    assert!(
        harness.state().document().value()["States"]
            .get("Stamp Order")
            .is_none()
    );
}

#[test]
fn a_refused_delete_is_a_message_not_a_panic() {
    let text = r#"{"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}}"#;
    let mut harness = harness(StudioApp::from_text("one.json", text, Format::Json));
    harness
        .get_by_role_and_label(Role::Button, "Only")
        .click_accesskit();
    harness.run();
    harness.key_press(egui::Key::Delete);
    harness.run();
    assert!(harness.query_by_label_contains("Cannot delete").is_some());
    assert_eq!(harness.state().document().to_text(), text);
}

#[test]
fn copy_and_paste_duplicate_with_fresh_names() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Stamp Order")
        .click_accesskit();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::C);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::V);
    harness.run();
    let value = harness.state().document().value();
    assert_eq!(value["States"]["Stamp Order"]["Next"], "Stamp Order 2");
    assert_eq!(value["States"]["Stamp Order 2"]["Next"], "Validate Order");
    assert_eq!(selected_names(harness.state()), ["Stamp Order 2"]);
}

#[test]
fn ctrl_d_duplicates_the_selection_after_it_in_one_undo_step() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Stamp Order")
        .click_accesskit();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    harness.run();
    let value = harness.state().document().value();
    assert_eq!(value["States"]["Stamp Order"]["Next"], "Stamp Order 2");
    assert_eq!(value["States"]["Stamp Order 2"]["Next"], "Validate Order");
    assert_eq!(selected_names(harness.state()), ["Stamp Order 2"]);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

#[test]
fn code_mode_edits_update_the_graph() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Code);
    let renamed = BUNDLED_EXAMPLE
        .1
        .replace("\"Stamp Order\"", "\"Stamp The Order\"");
    let editor = harness.get_by_role(Role::MultilineTextInput);
    editor.focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text(&renamed);
    harness.run_steps(6);
    let value = harness.state().document().value().clone();
    assert_eq!(value["StartAt"], "Stamp The Order");
    assert!(value["States"].get("Stamp The Order").is_some());
    // The text is kept as typed, and the graph follows.
    assert_eq!(harness.state().document().source_text(), renamed);
    harness.get_by_label("Design").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Stamp The Order");

    // Undo gives back the original text.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

#[test]
fn code_mode_keeps_the_last_good_graph_while_the_text_is_broken() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    harness.get_by_role(Role::MultilineTextInput).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text("{\n  \"StartAt\": ");
    harness.run_steps(6);
    assert!(
        harness
            .query_by_label_contains("The text does not parse at 2:")
            .is_some()
    );
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(harness.state().is_dirty(), "typed text is unsaved work");
}

#[test]
fn dropping_a_task_from_the_browser_on_an_edge_inserts_it_there() {
    let mut harness = bundled();
    // What the states browser does when a drag starts from it.
    egui::DragAndDrop::set_payload(
        &harness.ctx,
        DragPayload::State {
            name: "Lambda Invoke".to_owned(),
            state: json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "my-function"},
                "End": true
            }),
        },
    );
    harness.hover_at(egui::pos2(700.0, 400.0));
    harness.step();
    harness.step();
    let label = "Insert between Stamp Order and Validate Order";
    // Drop targets are accessible by name too.
    harness.get_by_label(label);
    let target = harness
        .state()
        .canvas()
        .drop_targets()
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, r)| *r)
        .expect("a drop target on the edge");
    // A Succeed may not go mid-flow, so some edges offer no target for it; a Task goes anywhere.
    assert!(harness.state().canvas().drop_targets().len() > 10);
    harness.hover_at(target.center());
    harness.step();
    harness.step();
    harness.drop_at(target.center());
    harness.run();
    let value = harness.state().document().value();
    assert_eq!(value["States"]["Stamp Order"]["Next"], "Lambda Invoke");
    let task = &value["States"]["Lambda Invoke"];
    assert_eq!(task["Resource"], "arn:aws:states:::lambda:invoke");
    assert_eq!(task["Next"], "Validate Order");
    assert_eq!(selected_names(harness.state()), ["Lambda Invoke"]);
    assert!(harness.state().canvas().drop_targets().is_empty());
    // One undo step.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

#[test]
fn dragging_a_node_onto_an_edge_moves_it_in_one_undo_step() {
    let mut harness = bundled();
    let from = node_rect(&harness, "Stamp Order").center();
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for i in 1..=6 {
        harness.hover_at(from + egui::vec2(0.0, 10.0 * i as f32));
        harness.step();
    }
    let label = "Insert between Validate Order and Route Order";
    let target = harness
        .state()
        .canvas()
        .drop_targets()
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, r)| *r)
        .expect("a drop target while moving");
    harness.hover_at(target.center());
    harness.step();
    harness.step();
    harness.drop_at(target.center());
    harness.run();
    assert!(
        harness.state().messages().is_empty(),
        "{:?}",
        harness.state().messages()
    );
    let value = harness.state().document().value();
    assert_eq!(value["StartAt"], "Validate Order");
    assert_eq!(value["States"]["Validate Order"]["Next"], "Stamp Order");
    assert_eq!(value["States"]["Stamp Order"]["Next"], "Route Order");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

#[test]
fn switching_to_run_mode_and_back_loses_nothing() {
    let mut harness = bundled();
    harness.get_by_label("Run").click();
    harness.run();
    harness.get_by_label("Execution input");
    harness.get_by_label("Not run yet.");
    harness.get_by_label("Design").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Validate Order");
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

fn handle_rect(harness: &Harness<'_, StudioApp>, name: &str) -> egui::Rect {
    harness
        .state()
        .canvas()
        .handle_rects()
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| panic!("no handle on {name}"), |(_, r)| *r)
}

/// Drags with the primary button from `from` to `to` in a few pointer moves.
fn drag_pointer(harness: &mut Harness<'_, StudioApp>, from: egui::Pos2, to: egui::Pos2) {
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for i in 1..=8 {
        harness.hover_at(from + (to - from) * (i as f32 / 8.0));
        harness.step();
    }
    harness.drop_at(to);
    harness.run();
}

#[test]
fn dragging_a_nodes_handle_to_another_node_sets_its_next_in_one_undo_step() {
    let mut harness = bundled();
    // Choice, Succeed and Fail states have no handle; a selected Pass has one.
    harness
        .get_by_role_and_label(Role::Button, "Stamp Order")
        .click_accesskit();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Set the next state of Stamp Order");
    let handle = handle_rect(&harness, "Stamp Order").center();
    let target = node_rect(&harness, "Route Order").center();
    drag_pointer(&mut harness, handle, target);
    assert!(
        harness.state().messages().is_empty(),
        "{:?}",
        harness.state().messages()
    );
    let value = harness.state().document().value();
    assert_eq!(value["States"]["Stamp Order"]["Next"], "Route Order");
    // Nothing else moved.
    assert_eq!(value["StartAt"], "Stamp Order");
    assert!(value["States"].get("Validate Order").is_some());
    assert!(harness.state().is_dirty());

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().is_dirty());
}

#[test]
fn releasing_a_nodes_handle_on_empty_space_changes_nothing() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Validate Order")
        .click_accesskit();
    harness.run();
    let handle = handle_rect(&harness, "Validate Order").center();
    // Far to the side of the graph: no node there.
    let rects = harness.state().canvas().node_rects().to_vec();
    let mut empty = handle + egui::vec2(-240.0, 30.0);
    while rects.iter().any(|(_, r)| r.expand(10.0).contains(empty)) {
        empty.x -= 40.0;
    }
    drag_pointer(&mut harness, handle, empty);
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().session().history().can_undo());
    assert!(harness.state().canvas().handle_rects().len() <= 1);
}

/// A malformed definition as found in the wild: a key where a value should be.
const MALFORMED: &str = r#"{
  "Comment": "A description of my state machine",
  "StartAt": "BatchPutMessage",
  "States": {
    "BatchPutMessage": {
      "Type": "Task",
      "Parameters": {
        "ChannelName": "channel",
        "Messages": "Messages.$": "$.Messages"
      },
      "Resource": "arn:aws:states:::aws-sdk:iotanalytics:batchPutMessage",
      "End": true
    }
  }
}
"#;

#[test]
fn a_malformed_file_is_not_unsaved_and_lists_only_its_parse_error() {
    let mut harness = harness(StudioApp::from_text(
        "broken.asl.json",
        MALFORMED,
        Format::Json,
    ));
    assert_eq!(harness.state().mode(), Mode::Code);
    assert!(!harness.state().is_dirty());
    assert!(!harness.state().title().starts_with('*'));
    assert!(harness.query_by_label_contains("unsaved").is_none());
    assert!(
        harness
            .query_by_label_contains("the text does not parse")
            .is_some()
    );
    // The empty stand-in document's own findings are not listed.
    assert!(harness.query_by_label_contains("MISSING_FIELD").is_none());
    // The parse error counts: in the list's header and on the Validate button.
    harness.get_by_label("1 error, 0 warnings");
    harness.get_by_label("Validate: 1 error, 0 warnings");

    // Typing makes it unsaved work (still broken).
    harness.get_by_role(Role::MultilineTextInput).focus();
    harness.run();
    harness.get_by_role(Role::MultilineTextInput).type_text(" ");
    harness.run();
    assert!(harness.state().is_dirty());
    assert!(harness.query_by_label_contains("unsaved").is_some());
}

#[test]
fn activating_a_browser_entry_inserts_it_after_the_selected_state() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Stamp Order")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label_contains("Wait — ").click();
    harness.run();
    let names = selected_names(harness.state());
    let [name] = names.as_slice() else {
        panic!("one inserted state selected, got {names:?}");
    };
    let value = harness.state().document().value();
    assert_eq!(value["States"]["Stamp Order"]["Next"], name.as_str());
    assert_eq!(value["States"][name]["Type"], "Wait");
    assert_eq!(value["States"][name]["Next"], "Validate Order");
    // One undo step.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

#[test]
fn enter_on_a_browser_entry_with_nothing_selected_inserts_it_at_the_start() {
    let mut harness = bundled();
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label_contains("Pass — ").focus();
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    let names = selected_names(harness.state());
    let [name] = names.as_slice() else {
        panic!("one inserted state selected, got {names:?}");
    };
    let value = harness.state().document().value();
    assert_eq!(value["StartAt"], name.as_str());
    assert_eq!(value["States"][name]["Type"], "Pass");
    assert_eq!(value["States"][name]["Next"], "Stamp Order");
}

#[test]
fn activating_an_entry_after_a_state_without_next_is_a_message() {
    let mut harness = bundled();
    harness
        .get_by_role_and_label(Role::Button, "Order Complete")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label_contains("Wait — ").click();
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().messages().is_empty());
}

/// A Parallel with two branches beside a state already named "Pass".
const PARALLEL: &str = r#"{
  "StartAt": "Pass",
  "States": {
    "Pass": {"Type": "Pass", "Next": "Fan Out"},
    "Fan Out": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "End": true}}}
      ],
      "End": true
    }
  }
}"#;

fn select_node(harness: &mut Harness<'_, StudioApp>, name: &str) {
    harness
        .get_by_role_and_label(Role::Button, name)
        .click_accesskit();
    harness.run();
}

#[test]
fn the_inspector_adds_and_removes_parallel_branches_and_undo_restores_the_text() {
    let mut harness = harness(StudioApp::from_text("fan.json", PARALLEL, Format::Json));
    select_node(&mut harness, "Fan Out");
    harness.get_by_label("Branches (2)");

    // Add: a third branch holding one Pass state, its name made unique.
    harness.get_by_label("➕ Add branch").click();
    harness.run();
    let value = harness.state().document().value().clone();
    let branches = value["States"]["Fan Out"]["Branches"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(branches.len(), 3);
    assert_eq!(
        branches[2],
        json!({"StartAt": "Pass 2", "States": {"Pass 2": {"Type": "Pass", "End": true}}})
    );
    assert_eq!(selected_names(harness.state()), ["Pass 2"]);
    harness.get_by_role_and_label(Role::Button, "Pass 2");

    // Remove the first branch.
    select_node(&mut harness, "Fan Out");
    harness.get_by_label("Branches (3)");
    harness.get_by_label("Remove branch 1").click();
    harness.run();
    let value = harness.state().document().value().clone();
    let starts: Vec<&str> = value["States"]["Fan Out"]["Branches"]
        .as_array()
        .map(|b| b.iter().filter_map(|b| b["StartAt"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(starts, ["Right", "Pass 2"]);
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "Left")
            .is_none()
    );

    // Two undos give back the exact text, two redos the edits.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), PARALLEL);
    assert!(!harness.state().is_dirty());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    harness.run();
    assert_eq!(harness.state().document().value(), &value);
}

#[test]
fn the_last_branch_of_a_parallel_cannot_be_removed() {
    let one = PARALLEL.replace(
        r#",
        {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "End": true}}}"#,
        "",
    );
    let mut harness = harness(StudioApp::from_text("one.json", &one, Format::Json));
    select_node(&mut harness, "Fan Out");
    harness.get_by_label("Branches (1)");
    let remove = harness.get_by_label("Remove branch 1");
    assert!(remove.accesskit_node().is_disabled());
    remove.click();
    harness.run();
    assert_eq!(harness.state().document().to_text(), one);
}

/// Steps the harness (in real time) until `done`, for answers that come from another thread.
fn wait_until(
    harness: &mut Harness<'_, StudioApp>,
    what: &str,
    done: impl Fn(&Harness<'_, StudioApp>) -> bool,
) {
    for _ in 0..300 {
        harness.step();
        if done(harness) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("timed out waiting until {what}");
}

const IN_APP_DIALOG: &str = "Path of the file (JSON or YAML):";
const WAITING: &str = "Choose the file in the file dialog window.";

#[test]
fn a_native_dialog_that_never_appears_falls_back_to_the_in_app_one() {
    let (answered, answer) = std::sync::mpsc::channel();
    let app = StudioApp::from_text(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1, Format::Json).with_picker(
        Some(Picker::new(move |_| {
            answered.send(()).ok();
            None
        })),
    );
    let mut harness = harness(app);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.step();
    answer
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the picker is called");
    // Let the thread hand its answer over, then run as long as the app asks for frames.
    std::thread::sleep(std::time::Duration::from_millis(50));
    harness.run();
    harness.get_by_label(IN_APP_DIALOG);
    assert!(harness.query_by_label(WAITING).is_none());
}

#[test]
fn cancelling_a_native_dialog_opens_no_second_dialog() {
    let app = StudioApp::from_text(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1, Format::Json).with_picker(
        Some(Picker::new(|_| {
            // A person reading the dialog, then pressing Cancel.
            std::thread::sleep(FAST_FAILURE + std::time::Duration::from_millis(100));
            None
        })),
    );
    let mut harness = harness(app);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.step();
    harness.get_by_label(WAITING);
    wait_until(&mut harness, "the wait ends", |h| {
        h.query_by_label(WAITING).is_none()
    });
    harness.run();
    assert!(harness.query_by_label(IN_APP_DIALOG).is_none());
}

#[test]
fn a_path_chosen_in_a_native_dialog_is_written() {
    let dir = std::env::temp_dir().join(format!("stepcraft-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let target = dir.join("exported.yaml");
    let chosen = target.clone();
    let app = StudioApp::from_text(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1, Format::Json).with_picker(
        Some(Picker::new(move |request| {
            assert_eq!(
                request.file_name.as_deref(),
                Some("order-processing.asl.yaml")
            );
            Some(chosen.clone())
        })),
    );
    let mut harness = harness(app);
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export YAML…").click();
    wait_until(&mut harness, "the file is written", |_| target.is_file());
    let text = std::fs::read_to_string(&target).expect("the export is readable");
    assert!(text.starts_with("Comment:"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The states browser's width, as its panel last drew it.
fn browser_width(harness: &Harness<'_, StudioApp>) -> f32 {
    harness
        .state()
        .panel_rect(&theme::BROWSER_PANEL)
        .expect("the browser panel was drawn")
        .width()
}

#[test]
fn searching_the_browser_while_the_mouse_moves_keeps_the_panel_width() {
    let mut harness = bundled();
    let before = browser_width(&harness);
    harness
        .ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique("states-browser-search")));
    harness.run();
    for c in ["s", "n", "s"] {
        harness.event(egui::Event::Text(c.to_owned()));
        harness.step();
    }
    // The pointer wandering over the window asks for a frame each time it moves.
    for i in 0..60 {
        let x = 100.0 + (i % 10) as f32 * 90.0;
        harness.hover_at(egui::pos2(x, 300.0 + i as f32));
        harness.step();
    }
    let after = browser_width(&harness);
    assert!(
        (after - before).abs() < 1.0,
        "the browser grew from {before} to {after} while searching"
    );
    // The search found SNS, and the canvas and the inspector are still there.
    assert!(harness.query_by_label_contains("Amazon SNS").is_some());
    harness.get_by_role_and_label(Role::Button, "Validate Order");
    assert!(
        harness
            .state()
            .panel_rect(&theme::INSPECTOR_PANEL)
            .is_some()
    );
}

#[test]
fn panels_dragged_wide_are_bounded_and_reset_layout_gives_their_first_sizes() {
    let mut harness = bundled();
    let first = browser_width(&harness);
    // Drag the browser's right edge (grabbed just inside it) far into the window.
    let edge = harness
        .state()
        .panel_rect(&theme::BROWSER_PANEL)
        .expect("drawn")
        .right_center()
        - egui::vec2(2.0, 0.0);
    harness.hover_at(edge);
    harness.run();
    harness.drag_at(edge);
    harness.run();
    for x in [400.0, 700.0, 1000.0, 1300.0] {
        harness.hover_at(egui::pos2(x, edge.y));
        harness.run();
    }
    harness.drop_at(egui::pos2(1300.0, edge.y));
    harness.run();
    let wide = browser_width(&harness);
    assert!(
        wide > first + 100.0,
        "the drag widened it: {wide} vs {first}"
    );
    assert!(
        wide <= 1400.0 * theme::BROWSER_PANEL.max_share + 1.0,
        "but only to its bound: {wide}"
    );
    assert!(
        harness
            .state()
            .panel_rect(&theme::INSPECTOR_PANEL)
            .is_some()
    );

    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Reset layout").click();
    harness.run();
    assert!((browser_width(&harness) - first).abs() < 1.0);
}

/// Types `text` over the whole of the Code mode's editor.
fn type_code(harness: &mut Harness<'_, StudioApp>, text: &str) {
    harness.get_by_role(Role::MultilineTextInput).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text(text);
    harness.run_steps(6);
}

/// What the Code mode's editor holds.
fn code_text(harness: &Harness<'_, StudioApp>) -> String {
    harness
        .get_by_role(Role::MultilineTextInput)
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

#[test]
fn text_that_does_not_parse_is_never_dropped_by_going_to_design() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    let broken = "{\n  \"StartAt\": \"Validate Order\",\n  \"States\": {";
    type_code(&mut harness, broken);
    assert_eq!(code_text(&harness), broken);

    // Leaving Code is refused while the text does not parse: it says where and why.
    harness.get_by_label("Design").click();
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Code);
    assert!(
        harness
            .query_by_label_contains("The code does not parse at 3:")
            .is_some()
    );
    harness.get_by_label("Keep editing").click();
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Code);
    assert_eq!(code_text(&harness), broken);

    // The keys refuse too.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num1);
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Code);
    harness.get_by_label("Keep editing").click();
    harness.run();
    assert_eq!(code_text(&harness), broken);
    assert!(harness.state().is_dirty());

    // Discarding is the user's explicit choice, and goes back to the last text that parsed.
    harness.get_by_label("Design").click();
    harness.run();
    harness.get_by_label("Discard the text").click();
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Design);
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().is_dirty());
}

#[test]
fn undo_sets_text_that_does_not_parse_aside_and_redo_brings_it_back() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    let broken = "{ \"StartAt\": ";
    type_code(&mut harness, broken);
    // The toolbar's Undo (the editor's own Ctrl+Z is the text field's undo).
    harness.get_by_label("⟲ Undo").click();
    harness.run();
    assert_eq!(code_text(&harness), BUNDLED_EXAMPLE.1);
    assert!(!harness.state().is_dirty());
    harness.get_by_label("⟳ Redo").click();
    harness.run_steps(3);
    assert_eq!(code_text(&harness), broken);
    assert!(harness.state().is_dirty());
    assert!(
        harness
            .query_by_label_contains("The text does not parse at 1:")
            .is_some()
    );
}

#[test]
fn leaving_code_by_any_path_keeps_the_typed_text() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    let broken = "{ \"StartAt\": ";
    type_code(&mut harness, broken);
    // However the studio is asked to leave Code (a test or a command), the text stays.
    harness.state_mut().set_mode(Mode::Design);
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Code);
    harness.get_by_label("Keep editing").click();
    harness.run();
    assert_eq!(code_text(&harness), broken);
}

#[test]
fn typed_text_that_parses_goes_with_the_switch_and_undoes_as_one_step() {
    let mut harness = bundled();
    harness.get_by_label("Code").click();
    harness.run();
    let renamed = BUNDLED_EXAMPLE.1.replace("\"Stamp Order\"", "\"Stamp It\"");
    harness.get_by_role(Role::MultilineTextInput).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text(&renamed);
    // Straight to Design, before the typing pause parses it: the switch parses it first.
    harness.step();
    harness.get_by_label("Design").click();
    harness.run();
    assert_eq!(harness.state().mode(), Mode::Design);
    harness.get_by_role_and_label(Role::Button, "Stamp It");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().to_text(), BUNDLED_EXAMPLE.1);
}

/// A chain of `n` Pass states.
fn chain(n: usize) -> String {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut state = json!({"Type": "Pass"});
        if i + 1 < n {
            state["Next"] = json!(format!("Step {}", i + 1));
        } else {
            state["End"] = json!(true);
        }
        states.insert(format!("Step {i}"), state);
    }
    serde_json::to_string_pretty(&json!({"StartAt": "Step 0", "States": states})).expect("JSON")
}

#[test]
fn fit_shows_a_300_state_workflow_whole_with_a_minimap_and_zoom_buttons() {
    let mut harness = harness(StudioApp::from_text("big.json", &chain(300), Format::Json));
    // Opened readable (zoomed in on its top), so the minimap shows where the view is.
    let opened = harness.state().canvas().zoom();
    assert!(opened >= 0.5, "{opened}");
    harness.get_by_label("Minimap");
    harness.key_press(egui::Key::F);
    harness.run();
    let fitted = harness.state().canvas().zoom();
    assert!(
        fitted < 0.1,
        "a 300-state chain fits whole only far out: {fitted}"
    );
    // Every node's rectangle is inside the canvas now.
    let canvas_height = 900.0;
    let rects = harness.state().canvas().node_rects();
    assert_eq!(rects.len(), 300, "every state drawn");
    assert!(
        rects
            .iter()
            .all(|(_, r)| r.max.y < canvas_height && r.min.y > 0.0)
    );
    // With all of it in view there is no minimap.
    assert!(harness.query_by_label("Minimap").is_none());
    // The zoom buttons show the level and step it.
    harness.get_by_label(&format!("Zoom {:.0}%: click for 100%", fitted * 100.0));
    harness.get_by_label("Zoom in").click();
    harness.run();
    let zoomed = harness.state().canvas().zoom();
    assert!(
        (zoomed / fitted - 1.25).abs() < 0.01,
        "{fitted} -> {zoomed}"
    );
    harness.get_by_label("Zoom out").click();
    harness.run();
    assert!((harness.state().canvas().zoom() - fitted).abs() < 1e-4);
}

#[test]
fn file_new_offers_a_gallery_of_blank_examples_and_patterns() {
    let mut harness = bundled();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.run();
    harness.get_by_label("New state machine");
    harness.get_by_label("Blank");
    harness.get_by_label("Retry with backoff and fallback");
    harness.get_by_label("Hello world").click_accesskit();
    harness.run();
    let hello: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/examples/hello-world.asl.json"))
            .expect("JSON");
    assert_eq!(harness.state().document().value(), &hello);
    assert_eq!(harness.state().session().name(), "untitled.asl.json");
    // Cancel leaves what is open.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.run();
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(harness.state().document().value(), &hello);
    assert!(harness.query_by_label("New state machine").is_none());
}
