//! File > Export image (SVG, PNG) writes the drawing `stepcraft render` makes of the open
//! definition, through the studio's path dialog, beside the definition by default.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use stepcraft_studio::app::StudioApp;
use support::{TempDir, harness, repo, s, stderr, stepcraft};

use crate::support;

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

/// The RGBA of pixel (x, y).
fn pixel(image: &resvg::tiny_skia::Pixmap, x: u32, y: u32) -> [u8; 4] {
    let p = image.pixel(x, y).expect("inside the image");
    [p.red(), p.green(), p.blue(), p.alpha()]
}

#[test]
fn the_graph_is_exported_as_a_png_of_the_same_drawing() {
    let dir = TempDir::new("export-png");
    let example = std::fs::read_to_string(repo("assets/examples/order-processing.asl.json"))
        .expect("the example");
    let definition = dir.write("orders.asl.json", &example);
    let app = StudioApp::from_path(&dir.path("orders.asl.json")).with_picker(None);
    let mut harness = harness(app);
    harness.get_by_label("File").click_accesskit();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export image (PNG)…")
        .click_accesskit();
    harness.run();
    let suggested = dir.path("orders.png");
    let field = "Path of the image (PNG):";
    let value = harness
        .get_by_role_and_label(Role::TextInput, field)
        .value()
        .unwrap_or_default();
    assert_eq!(value, s(&suggested));
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click_accesskit();
    harness.run();
    let bytes = std::fs::read(&suggested).expect("the PNG is written");
    let image = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG that decodes");

    // Twice the SVG's size, as `stepcraft render` gives it.
    let out = stepcraft(&["render", &definition]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let svg = String::from_utf8(out.stdout).expect("UTF-8");
    let attr = |name: &str| -> f32 {
        let start = svg.find(&format!(" {name}=\"")).expect("the attribute") + name.len() + 3;
        let end = start + svg[start..].find('"').expect("closed");
        svg[start..end].parse().expect("a number")
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let expected = (
        (attr("width") * 2.0).ceil() as u32,
        (attr("height") * 2.0).ceil() as u32,
    );
    assert_eq!((image.width(), image.height()), expected);
    // The white page (the outermost pixels are partly covered: the SVG's width is its
    // viewBox's, rounded), the Catch edges' red and the labels' dark text are all drawn.
    assert_eq!(pixel(&image, 4, 4), [255, 255, 255, 255]);
    let near = |p: [u8; 4], c: [u8; 3]| p[3] == 255 && (0..3).all(|i| p[i].abs_diff(c[i]) <= 12);
    let (mut red, mut text) = (0, 0);
    for y in 0..image.height() {
        for x in 0..image.width() {
            let p = pixel(&image, x, y);
            red += usize::from(near(p, [0xc5, 0x22, 0x1f]));
            text += usize::from(near(p, [0x20, 0x21, 0x24]));
        }
    }
    assert!(red > 500, "the Catch edges are drawn ({red} red pixels)");
    assert!(
        text > 2000,
        "the state names are drawn ({text} text pixels)"
    );

    // `stepcraft render --format png --scale 2` makes the very same image.
    let cli = dir.path("cli.png");
    let out = stepcraft(&[
        "render",
        &definition,
        "--format",
        "png",
        "--scale",
        "2",
        "-o",
        s(&cli),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&cli).expect("written"), bytes);
    // A scale that makes no image is refused with what to do.
    let out = stepcraft(&["render", &definition, "--format", "png", "--scale", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("positive number"), "{}", stderr(&out));
    let out = stepcraft(&["render", &definition, "--format", "png", "--scale", "100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("use a smaller scale"),
        "{}",
        stderr(&out)
    );
}
