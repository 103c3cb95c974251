//! The studio through its accessibility tree (AccessKit), as a screen reader sees it: every
//! button named, the canvas's states as named, typed and selectable nodes, and the canvas driven
//! from the keyboard alone.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use stepcraft::Format;
use stepcraft_studio::app::{BUNDLED_EXAMPLE, Mode, StudioApp};
use stepcraft_studio::studio::state::Selection;
use support::harness;

use crate::support;

const FLOW: &str = r#"{"StartAt": "Check", "States": {
  "Check": {"Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Ship"}],
            "Default": "Refund"},
  "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "ship"}, "Next": "Done"},
  "Refund": {"Type": "Pass", "Next": "Done"},
  "Done": {"Type": "Succeed"}
}}"#;

fn flow() -> Harness<'static, StudioApp> {
    harness(StudioApp::from_text("flow.asl.json", FLOW, Format::Json))
}

fn selected(harness: &Harness<'_, StudioApp>) -> Vec<String> {
    match harness.state().selection() {
        Selection::None => Vec::new(),
        Selection::States(s) => s.iter().map(|s| s.name.clone()).collect(),
    }
}

/// The buttons whose name has no letter or digit (an icon alone says nothing to a screen reader).
fn unnamed_buttons(harness: &Harness<'_, StudioApp>) -> Vec<String> {
    harness
        .query_all_by_role(Role::Button)
        .filter(|n| {
            !n.accesskit_node()
                .label()
                .is_some_and(|l| l.chars().any(char::is_alphanumeric))
        })
        .map(|n| format!("{n:?}"))
        .collect()
}

#[test]
fn every_button_has_a_name_in_each_mode() {
    let mut harness = flow();
    // The inspector of a Choice state: its rule buttons are icons.
    harness.get_by_role_and_label(Role::Button, "Check").click();
    harness.run();
    harness.get_by_label("Move rule 1 down");
    // The zoom buttons are symbols.
    harness.get_by_role_and_label(Role::Button, "Zoom in");
    harness.get_by_role_and_label(Role::Button, "Zoom out");
    assert_eq!(unnamed_buttons(&harness), Vec::<String>::new());
    // The browser's search, with something typed (its clear button is a cross).
    harness
        .get_by_role_and_label(Role::TextInput, "Search states")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Search states")
        .type_text("lambda");
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Clear the search");
    assert_eq!(unnamed_buttons(&harness), Vec::<String>::new());
    for mode in [Mode::Code, Mode::Run] {
        harness.state_mut().set_mode(mode);
        harness.run();
        assert_eq!(unnamed_buttons(&harness), Vec::<String>::new(), "{mode:?}");
    }
}

#[test]
fn states_are_nodes_with_their_type_and_whether_they_are_selected() {
    let mut harness = flow();
    let ship = harness.get_by_role_and_label(Role::Button, "Ship");
    assert_eq!(
        ship.accesskit_node().description().as_deref(),
        Some("Task state")
    );
    assert_eq!(ship.accesskit_node().is_selected(), Some(false));
    let check = harness.get_by_role_and_label(Role::Button, "Check");
    assert_eq!(
        check.accesskit_node().description().as_deref(),
        Some("Choice state")
    );
    harness.get_by_role_and_label(Role::Button, "Ship").click();
    harness.run();
    let ship = harness.get_by_role_and_label(Role::Button, "Ship");
    assert_eq!(ship.accesskit_node().is_selected(), Some(true));
    harness.get_by_role_and_label(Role::Canvas, "Workflow graph");
}

#[test]
fn tab_moves_between_states_and_arrows_follow_transitions() {
    let mut harness = flow();
    harness
        .get_by_role_and_label(Role::Canvas, "Workflow graph")
        .focus();
    harness.run();
    // Tab: the states in order, from the first; Shift+Tab back.
    let mut press = |modifiers: Modifiers, key: Key, expected: &str| {
        harness.key_press_modifiers(modifiers, key);
        harness.run();
        assert_eq!(
            selected(&harness),
            [expected],
            "after {modifiers:?} {key:?}"
        );
    };
    let none = Modifiers::NONE;
    press(none, Key::Tab, "Check");
    press(none, Key::Tab, "Ship");
    press(Modifiers::SHIFT, Key::Tab, "Check");
    // ↓ follows the first transition, ↑ comes back, → takes the next one (the Default).
    press(none, Key::ArrowDown, "Ship");
    press(none, Key::ArrowUp, "Check");
    press(none, Key::ArrowRight, "Refund");
    press(none, Key::ArrowDown, "Done");
    // ← back to the last state leading here, ↑ to the first.
    press(none, Key::ArrowLeft, "Refund");
    press(none, Key::ArrowDown, "Done");
    press(none, Key::ArrowUp, "Ship");
    // The canvas kept the focus all along; Enter gives it to the inspector's name field.
    assert!(
        harness
            .get_by_role_and_label(Role::Canvas, "Workflow graph")
            .is_focused()
    );
    harness.key_press(Key::Enter);
    harness.run();
    let name = harness.get_by_role_and_label(Role::TextInput, "Name");
    assert!(name.is_focused());
    assert_eq!(name.value().as_deref(), Some("Ship"));
}

#[test]
fn a_click_on_a_state_gives_the_canvas_the_keyboard() {
    let mut harness = harness(StudioApp::from_text(
        BUNDLED_EXAMPLE.0,
        BUNDLED_EXAMPLE.1,
        Format::Json,
    ));
    harness
        .get_by_role_and_label(Role::Button, "Validate Order")
        .click();
    harness.run();
    assert_eq!(selected(&harness), ["Validate Order"]);
    harness.key_press(Key::ArrowDown);
    harness.run();
    let after = selected(&harness);
    assert_eq!(after.len(), 1);
    assert_ne!(after, ["Validate Order"], "↓ moved along a transition");
}
