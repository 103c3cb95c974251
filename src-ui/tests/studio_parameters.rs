//! The workflow's parameters in the studio: placeholders drawn as chips, the Parameters list in
//! the definition settings, values kept in the sidecar file (never in the ASL) and used to check
//! the definition, on a real SAM application copied to a temp folder.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::Code;
use stepcraft_studio::app::StudioApp;
use support::{harness, sam_copy};

use crate::support;

const DEFINITION: &str = "statemachine/orders.asl.json";
const SIDECAR: &str = "statemachine/orders.asl.subs.json";

fn has_error(app: &StudioApp, code: Code, pointer: &str) -> bool {
    app.session()
        .diagnostics()
        .iter()
        .any(|d| d.code == code && d.pointer.as_str() == pointer)
}

#[test]
fn parameters_are_listed_edited_and_kept_beside_the_file() {
    let copy = sam_copy("params-edit");
    let original = std::fs::read_to_string(copy.path(DEFINITION)).expect("read");
    let mut harness = harness(StudioApp::from_path(&copy.path(DEFINITION)));
    // The template next to the file gives every placeholder a value: no problems.
    assert!(
        !harness
            .state()
            .session()
            .diagnostics()
            .iter()
            .any(stepcraft::Diagnostic::is_error)
    );
    // The Lambda node names its function by the parameter, and the definition settings list
    // every parameter with the template's value as a hint.
    let rows = harness.state().session().parameter_rows();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ValidateFunctionArn",
            "ItemConcurrency",
            "OrdersTable",
            "ArchivePrefix",
            "ReviewThreshold",
            "NotifyTopicArn"
        ]
    );
    let node = harness
        .state()
        .session()
        .graph()
        .nodes()
        .into_iter()
        .find(|n| n.title == "Validate Order")
        .and_then(|n| n.subtitle.clone());
    assert_eq!(node.as_deref(), Some("Lambda: ${ValidateFunctionArn}"));
    harness.get_by_label("Parameters");
    harness
        .get_by_role_and_label(Role::TextInput, "Value of ItemConcurrency")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Value of ItemConcurrency")
        .type_text("-5");
    harness.run();
    // The value is checked (MaxConcurrency must be 0 or more), saved in the sidecar, and the
    // definition itself is untouched.
    assert!(
        has_error(
            harness.state(),
            Code::InvalidValue,
            "/States/Price Items/MaxConcurrency"
        ),
        "{:#?}",
        harness.state().session().diagnostics()
    );
    // The sidecar is written once typing stops, not per keystroke.
    assert!(!copy.path(SIDECAR).exists());
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(
        std::fs::read_to_string(copy.path(SIDECAR)).expect("sidecar written"),
        "{\n  \"ItemConcurrency\": \"-5\"\n}\n"
    );
    assert!(!harness.state().is_dirty());
    assert_eq!(harness.state().document().to_text(), original);
    // Clearing the value goes back to the template's, and the sidecar goes away.
    harness
        .get_by_role_and_label(Role::TextInput, "Value of ItemConcurrency")
        .focus();
    harness.run();
    for _ in 0..2 {
        harness.key_press(egui::Key::Backspace);
        harness.run();
    }
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(!has_error(
        harness.state(),
        Code::InvalidValue,
        "/States/Price Items/MaxConcurrency"
    ));
    assert!(!copy.path(SIDECAR).exists());
    // A fresh studio reads the sidecar back.
    std::fs::write(copy.path(SIDECAR), "{\"ReviewThreshold\": \"oops\"}").expect("write");
    let harness = self::harness(StudioApp::from_path(&copy.path(DEFINITION)));
    assert!(has_error(
        harness.state(),
        Code::InvalidSubstitution,
        "/States/Large Order?/Choices/0/NumericGreaterThan"
    ));
}

/// Selects `state` on the graph and types `text` into its inspector field `label`.
fn type_into(harness: &mut Harness<'static, StudioApp>, state: &str, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::Button, state)
        .click_accesskit();
    harness.run();
    harness.get_by_label(label).focus();
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

#[test]
fn an_edit_keeps_bare_placeholders_bare() {
    let copy = sam_copy("params-bare");
    let mut harness = harness(StudioApp::from_path(&copy.path(DEFINITION)));
    type_into(&mut harness, "Flag For Review", "Comment", "x");
    let text = harness.state().document().to_text();
    assert!(harness.state().is_dirty());
    assert!(
        text.contains("\"MaxConcurrency\": ${ItemConcurrency},"),
        "{text}"
    );
    assert!(
        text.contains("\"NumericGreaterThan\": ${ReviewThreshold},"),
        "{text}"
    );
}

#[test]
fn a_placeholder_typed_where_a_number_goes_is_written_bare() {
    let copy = sam_copy("params-number");
    let mut harness = harness(StudioApp::from_path(&copy.path(DEFINITION)));
    type_into(
        &mut harness,
        "Validate Order",
        "Timeout (s)",
        "${TaskTimeout}",
    );
    let text = harness.state().document().to_text();
    assert!(
        text.contains("\"TimeoutSeconds\": ${TaskTimeout}"),
        "{text}"
    );
    // It is a parameter now, without an error.
    let rows = harness.state().session().parameter_rows();
    assert!(rows.iter().any(|r| r.name == "TaskTimeout"));
    assert!(
        !harness
            .state()
            .session()
            .diagnostics()
            .iter()
            .any(stepcraft::Diagnostic::is_error)
    );
}

#[test]
fn a_value_for_a_placeholder_no_longer_used_can_be_removed() {
    let copy = sam_copy("params-stale");
    std::fs::write(copy.path(SIDECAR), "{\"OldTable\": \"legacy\"}\n").expect("write");
    let mut harness = harness(StudioApp::from_path(&copy.path(DEFINITION)));
    assert!(
        harness
            .state()
            .session()
            .diagnostics()
            .iter()
            .any(|d| d.code == Code::UnusedSubstitution)
    );
    harness.get_by_label("not used in the definition");
    // The list is below the fold of the inspector's scroll area: press it as assistive
    // technology does.
    harness
        .get_by_role_and_label(Role::Button, "Remove")
        .click_accesskit();
    harness.run();
    harness.run();
    let rows = harness.state().session().parameter_rows();
    assert!(!rows.iter().any(|r| r.name == "OldTable"), "{rows:?}");
    assert!(
        !copy.path(SIDECAR).exists(),
        "the sidecar held only that value"
    );
    assert!(
        !harness
            .state()
            .session()
            .diagnostics()
            .iter()
            .any(|d| d.code == Code::UnusedSubstitution)
    );
}
