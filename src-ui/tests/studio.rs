//! The studio window, driven headless through its accessibility tree.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::Format;
use stepcraft_studio::app::{BUNDLED_EXAMPLE, StudioApp};

#[test]
fn opens_on_the_bundled_example_and_lists_its_states() {
    let mut app = StudioApp::from_text(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1, Format::Json);
    let mut harness = Harness::new_ui(move |ui| app.ui_contents(ui));
    harness.run();
    harness.get_by_label(BUNDLED_EXAMPLE.0);
    harness.get_by_label("Validate Order");
    harness.get_by_label("No problems found.");
}

#[test]
fn shows_where_a_malformed_file_is_broken() {
    let mut app = StudioApp::from_text("broken.json", "{\n  \"StartAt\": \n}", Format::Json);
    let mut harness = Harness::new_ui(move |ui| app.ui_contents(ui));
    harness.run();
    assert!(harness.query_by_label_contains("broken.json:3:1").is_some());
}

#[test]
fn lists_diagnostics_with_their_line() {
    let text =
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}\n}";
    let mut app = StudioApp::from_text("bad.json", text, Format::Json);
    let mut harness = Harness::new_ui(move |ui| app.ui_contents(ui));
    harness.run();
    assert!(
        harness
            .query_by_label_contains("3:36 error [MISSING_TRANSITION_TARGET]")
            .is_some()
    );
}
