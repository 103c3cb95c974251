//! File > Export image (SVG) writes the drawing `stepcraft render` makes of the open definition,
//! through the studio's path dialog, beside the definition by default.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use stepcraft_studio::app::StudioApp;
use support::{TempDir, harness, repo, s, stderr, stepcraft};

mod support;

#[test]
fn the_graph_is_exported_as_the_svg_render_draws() {
    let dir = TempDir::new("export-image");
    let example = std::fs::read_to_string(repo("assets/examples/order-processing.asl.json"))
        .expect("the example");
    let definition = dir.write("orders.asl.json", &example);
    let app = StudioApp::from_path(&dir.path("orders.asl.json")).with_picker(None);
    let mut harness = harness(app);
    harness.get_by_label("File").click_accesskit();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export image (SVG)…")
        .click_accesskit();
    harness.run();
    let field = "Path of the image (SVG):";
    let suggested = dir.path("orders.svg");
    let value = harness
        .get_by_role_and_label(Role::TextInput, field)
        .value()
        .unwrap_or_default();
    assert_eq!(value, s(&suggested));
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click_accesskit();
    harness.run();
    let exported = std::fs::read_to_string(&suggested).expect("the image is written");
    assert!(
        exported.starts_with("<svg") || exported.starts_with("<?xml"),
        "{}",
        &exported[..80.min(exported.len())]
    );
    assert!(exported.contains("Validate Order"), "the states are drawn");
    let rendered = dir.path("rendered.svg");
    let out = stepcraft(&["render", &definition, "-o", s(&rendered)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        exported,
        std::fs::read_to_string(&rendered).expect("render wrote"),
        "the same drawing as stepcraft render"
    );
}
