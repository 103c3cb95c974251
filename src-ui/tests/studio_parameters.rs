//! The workflow's parameters in the studio: placeholders drawn as chips, the Parameters list in
//! the definition settings, values kept in the sidecar file (never in the ASL) and used to check
//! the definition, on a real SAM application copied to a temp folder.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use stepcraft::Code;
use stepcraft_studio::app::StudioApp;

struct Copy(PathBuf);

impl Copy {
    fn new(name: &str) -> Self {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sam-orders");
        let dir =
            std::env::temp_dir().join(format!("stepcraft-params-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("statemachine")).expect("dir");
        for rel in ["template.yaml", "statemachine/orders.asl.json"] {
            std::fs::copy(from.join(rel), dir.join(rel)).expect("copy");
        }
        Self(dir)
    }

    fn definition(&self) -> PathBuf {
        self.0.join("statemachine/orders.asl.json")
    }

    fn sidecar(&self) -> PathBuf {
        self.0.join("statemachine/orders.asl.subs.json")
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn harness(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut StudioApp| app.ui_contents(ui), app);
    harness.run();
    harness
}

fn has_error(app: &StudioApp, code: Code, pointer: &str) -> bool {
    app.session()
        .diagnostics()
        .iter()
        .any(|d| d.code == code && d.pointer.as_str() == pointer)
}

#[test]
fn parameters_are_listed_edited_and_kept_beside_the_file() {
    let copy = Copy::new("edit");
    let original = std::fs::read_to_string(copy.definition()).expect("read");
    let mut harness = harness(StudioApp::from_path(&copy.definition()));
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
    assert!(!copy.sidecar().exists());
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(
        std::fs::read_to_string(copy.sidecar()).expect("sidecar written"),
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
    assert!(!copy.sidecar().exists());
    // A fresh studio reads the sidecar back.
    std::fs::write(copy.sidecar(), "{\"ReviewThreshold\": \"oops\"}").expect("write");
    let harness = self::harness(StudioApp::from_path(&copy.definition()));
    assert!(has_error(
        harness.state(),
        Code::InvalidSubstitution,
        "/States/Large Order?/Choices/0/NumericGreaterThan"
    ));
}

#[test]
fn an_edit_keeps_bare_placeholders_bare() {
    let copy = Copy::new("bare");
    let mut harness = harness(StudioApp::from_path(&copy.definition()));
    harness
        .get_by_role_and_label(Role::Button, "Flag For Review")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Comment").focus();
    harness.run();
    harness.get_by_label("Comment").type_text("x");
    harness.run();
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
    let copy = Copy::new("number");
    let mut harness = harness(StudioApp::from_path(&copy.definition()));
    harness
        .get_by_role_and_label(Role::Button, "Validate Order")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Timeout (s)").focus();
    harness.run();
    harness
        .get_by_label("Timeout (s)")
        .type_text("${TaskTimeout}");
    harness.run();
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
    let copy = Copy::new("stale");
    std::fs::write(copy.sidecar(), "{\"OldTable\": \"legacy\"}\n").expect("write");
    let mut harness = harness(StudioApp::from_path(&copy.definition()));
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
    assert!(!copy.sidecar().exists(), "the sidecar held only that value");
    assert!(
        !harness
            .state()
            .session()
            .diagnostics()
            .iter()
            .any(|d| d.code == Code::UnusedSubstitution)
    );
}
