//! The Run mode's Compare section (left panel): Pin for compare, which run is "A", and what
//! differs from the current run: where the paths part, the states only one entered, and per
//! state the input and output differences by JSON pointer.

use super::compare::{CompareMark, Comparison};
use super::format::shorten;
use super::{RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::theme;
use egui::{RichText, Ui};
use stepcraft::testing::Failure;

/// Values longer than this are cut in the list (the full text on hover).
const VALUE_CHARS: usize = 40;

impl RunMode {
    /// Pin for compare, and the comparison with the pinned run.
    pub(super) fn compare_ui(&mut self, ui: &mut Ui, actions: &mut Actions) {
        ui.separator();
        ui.label(RichText::new("Compare runs").strong());
        let has_events = !self.events().is_empty();
        ui.horizontal_wrapped(|ui| {
            let pin = if self.pinned.is_some() {
                "📌 Pin this run instead"
            } else {
                "📌 Pin for compare"
            };
            if ui
                .add_enabled(has_events, egui::Button::new(pin))
                .on_hover_text(
                    "Keep this run as A; then run again (another input or test case) or replay a \
                     history to see where the two differ",
                )
                .clicked()
            {
                actions.push(Action::Run(RunAction::PinForCompare));
            }
            if self.pinned.is_some() && ui.button("Unpin").clicked() {
                actions.push(Action::Run(RunAction::Unpin));
            }
        });
        let Some(pinned) = &self.pinned else {
            return;
        };
        ui.label(RichText::new(format!("A: {}", pinned.name)).small());
        ui.label(RichText::new("B: the current run").small());
        let Some(c) = self.comparison() else {
            ui.label(RichText::new("Run again to compare with A.").small().weak());
            return;
        };
        comparison_ui(ui, &c);
    }
}

/// What differs between A and B.
fn comparison_ui(ui: &mut Ui, c: &Comparison) {
    if c.is_same() {
        ui.label(format!(
            "Same path and the same data ({} state runs)",
            c.paired
        ));
        return;
    }
    if let Some(p) = &c.parting {
        let next = |n: &Option<String>| n.clone().unwrap_or_else(|| "its end".to_owned());
        let text = match &p.at {
            Some(at) => format!(
                "Paths part after {at}: A went to {}, B to {}",
                next(&p.a_next),
                next(&p.b_next)
            ),
            None => format!(
                "Paths differ from the start: A went to {}, B to {}",
                next(&p.a_next),
                next(&p.b_next)
            ),
        };
        ui.colored_label(theme::compare_color(CompareMark::PathsPart), text);
    }
    for (which, mark, names) in [
        ("A", CompareMark::OnlyA, &c.only_a),
        ("B", CompareMark::OnlyB, &c.only_b),
    ] {
        if !names.is_empty() {
            ui.colored_label(
                theme::compare_color(mark),
                format!("Only {which} entered: {}", names.join(", ")),
            );
        }
    }
    if c.states.is_empty() {
        ui.label(RichText::new("The states both entered had the same data.").small());
        return;
    }
    ui.label(
        RichText::new(format!(
            "{} of {} state runs differ in data:",
            c.states.len(),
            c.paired
        ))
        .small(),
    );
    for d in &c.states {
        let title = if d.run == 0 {
            d.state.clone()
        } else {
            format!("{} (run {})", d.state, d.run + 1)
        };
        ui.colored_label(theme::compare_color(CompareMark::DataDiffers), title);
        for (what, diffs) in [("input", &d.input), ("output", &d.output)] {
            for f in diffs {
                difference_ui(ui, what, f);
            }
        }
    }
}

/// One difference: `input /n: A 1 · B 5`, the full values on hover.
fn difference_ui(ui: &mut Ui, what: &str, f: &Failure) {
    let pointer = if f.pointer.is_empty() {
        "(whole)"
    } else {
        f.pointer.as_str()
    };
    let text = format!(
        "{what} {pointer}: A {} · B {}",
        shorten(&f.expected, VALUE_CHARS),
        shorten(&f.got, VALUE_CHARS)
    );
    ui.label(RichText::new(text).small().monospace())
        .on_hover_text(format!("A: {}\nB: {}", f.expected, f.got));
}
