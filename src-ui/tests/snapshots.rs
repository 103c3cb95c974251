//! Image snapshots of the studio on bundled examples, rendered with wgpu (headless: Mesa's
//! lavapipe Vulkan driver on a machine without a GPU). The images are committed under
//! `tests/snapshots/`; `UPDATE_SNAPSHOTS=1 cargo test --test studio snapshots` rewrites them after an
//! intended change (look at each before committing it). A failing run leaves `NAME.new.png` and
//! `NAME.diff.png` beside the snapshot.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use stepcraft::Format;
use stepcraft_studio::app::StudioApp;

/// The studio window's default size.
const SIZE: egui::Vec2 = egui::vec2(1280.0, 800.0);

fn studio(name: &str, text: &str) -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .with_render_cursor(false)
        .wgpu()
        .build_ui_state(
            |ui, app: &mut StudioApp| app.ui_contents(ui),
            StudioApp::from_text(name, text, Format::Json),
        );
    harness.run();
    harness
}

fn order_processing() -> Harness<'static, StudioApp> {
    studio(
        "order-processing.asl.json",
        include_str!("../../assets/examples/order-processing.asl.json"),
    )
}

/// Text is rasterized the same way on every run on one machine; the threshold absorbs the
/// last bit of anti-aliasing that differs between GPU drivers.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(1.0).max_failed_pixels(12)
}

#[test]
fn design_mode_on_order_processing() {
    let mut harness = order_processing();
    harness.snapshot_options("design_order_processing", &options());
}

#[test]
fn a_selected_parallel_state_in_the_inspector() {
    let mut harness = order_processing();
    harness
        .get_by_role_and_label(Role::Button, "Fulfil Order")
        .click_accesskit();
    harness.run();
    harness.snapshot_options("inspector_parallel_branches", &options());
}

#[test]
fn code_mode_on_order_processing() {
    let mut harness = order_processing();
    harness.get_by_label("Code").click();
    harness.run();
    harness.snapshot_options("code_order_processing", &options());
}

#[test]
fn design_mode_on_a_map_with_its_item_processor() {
    let mut harness = studio(
        "map-items.asl.json",
        include_str!("../../assets/examples/map-items.asl.json"),
    );
    harness.get_by_label("Flow").click();
    harness.run();
    harness.snapshot_options("design_map_items_flow_tab", &options());
}
