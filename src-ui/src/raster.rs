//! The graph as a PNG: the SVG drawing (`render_svg::render_document`, the one drawing of a
//! definition) rasterised with resvg. Text is set in the studio's own bundled font (Ubuntu
//! Light, as egui draws it), so a PNG looks the same on every machine and no system font is
//! read.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{Options, Tree};

/// The largest side of a PNG, in pixels: a 500-state graph at scale 2 stays well inside it,
/// and a mistaken scale cannot ask for gigabytes.
pub const MAX_SIDE: u32 = 16_384;

/// `svg` drawn at `scale` (1: one pixel per SVG unit; 2 for high-density screens), as PNG bytes.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(format!("the scale must be a positive number, not {scale}"));
    }
    let mut options = Options::default();
    {
        let fonts = options.fontdb_mut();
        fonts.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
        fonts.set_sans_serif_family("Ubuntu");
    }
    let tree = Tree::from_str(svg, &options).map_err(|e| format!("the SVG cannot be read: {e}"))?;
    let size = tree.size();
    let width = (size.width() * scale).ceil();
    let height = (size.height() * scale).ceil();
    if width > MAX_SIDE as f32 || height > MAX_SIDE as f32 {
        return Err(format!(
            "the image would be {width}×{height} pixels, more than {MAX_SIDE} on a side: use a smaller scale"
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mut pixmap = Pixmap::new(width.max(1.0) as u32, height.max(1.0) as u32)
        .ok_or_else(|| "the image has no pixels".to_owned())?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("the PNG cannot be written: {e}"))
}
