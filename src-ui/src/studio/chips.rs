//! Deploy-time placeholders drawn as parameter chips: `${ProcessFunctionArn}` shows as a tinted
//! `ProcessFunctionArn` on the canvas and in the inspector, so a parameter reads as one, not as
//! broken text.

use egui::text::LayoutJob;
use egui::{Color32, CornerRadius, FontId, RichText, TextFormat, Ui};
use std::ops::Range;
use stepcraft::placeholder;
use stepcraft::subst::{Origin, Substitution};

/// A chip's background and text colour for these visuals.
pub fn colors(dark_mode: bool) -> (Color32, Color32) {
    super::theme::chip_colors(dark_mode)
}

/// `text` as displayed with chips: each `${Name}` becomes ` Name ` (thin spaces pad the chip),
/// and the byte ranges of the chips in the displayed text.
pub fn display(text: &str) -> (String, Vec<Range<usize>>) {
    if !text.contains("${") {
        return (text.to_owned(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut chips = Vec::new();
    let mut at = 0;
    for found in placeholder::find(text) {
        out.push_str(&text[at..found.range.start]);
        let start = out.len();
        out.push('\u{2009}');
        out.push_str(found.name);
        out.push('\u{2009}');
        chips.push(start..out.len());
        at = found.range.end;
    }
    out.push_str(&text[at..]);
    (out, chips)
}

/// A one-font layout job for `text` with its placeholders as chips.
pub fn job(text: &str, font: FontId, color: Color32, dark_mode: bool) -> LayoutJob {
    let (shown, chips) = display(text);
    let (chip_bg, chip_fg) = colors(dark_mode);
    let plain = TextFormat {
        font_id: font.clone(),
        color,
        ..Default::default()
    };
    let chip = TextFormat {
        font_id: font,
        color: chip_fg,
        background: chip_bg,
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    let mut at = 0;
    for r in chips {
        job.append(&shown[at..r.start], 0.0, plain.clone());
        job.append(&shown[r.clone()], 0.0, chip.clone());
        at = r.end;
    }
    job.append(&shown[at..], 0.0, plain);
    job
}

/// What a chip's hover says: the value it runs with, and from where.
pub fn describe(name: &str, value: Option<&Substitution>) -> String {
    match value {
        Some(sub) => {
            let from = match &sub.origin {
                Origin::Flag => "typed in the studio".to_owned(),
                Origin::File(path) => format!(
                    "from {}",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    )
                ),
                Origin::Template {
                    path,
                    resource,
                    stand_in,
                } => format!(
                    "from {} ({resource}){}",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    ),
                    if *stand_in { ", a local stand-in" } else { "" }
                ),
            };
            format!("${{{name}}} = {} — {from}", sub.text())
        }
        None => format!(
            "${{{name}}} is filled in at deploy time. It has no value here yet: give one under \
             Parameters in the definition settings (select nothing on the graph)."
        ),
    }
}

/// A row of chips, one per name, each with its value on hover.
pub fn row<'a>(
    ui: &mut Ui,
    names: impl IntoIterator<Item = &'a str>,
    value: impl Fn(&str) -> Option<Substitution>,
) {
    let (bg, fg) = colors(ui.visuals().dark_mode);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for name in names {
            let v = value(name);
            let text = match &v {
                Some(s) => format!("{name} = {}", stepcraft::graph::shorten(&s.text(), 32)),
                None => name.to_owned(),
            };
            egui::Frame::new()
                .fill(bg)
                .corner_radius(CornerRadius::same(8))
                .inner_margin(egui::Margin::symmetric(6, 1))
                .show(ui, |ui| {
                    ui.label(RichText::new(text).small().color(fg))
                        .on_hover_text(describe(name, v.as_ref()));
                });
        }
    });
}
