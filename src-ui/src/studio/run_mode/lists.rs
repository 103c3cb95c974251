//! The Run mode's bottom panel: the state runs or the history events, one row each, only the
//! rows in view drawn.

use super::format::{elapsed, shorten};
use super::{Focus, RunMode, RunTab};
use crate::studio::theme;
use egui::{RichText, Ui};

impl RunMode {
    /// The bottom panel: state runs or events.
    pub fn lists_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, RunTab::States, "State runs");
            ui.selectable_value(&mut self.tab, RunTab::Events, "Events");
        });
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let start = self.events().first().map_or(0, |e| e.timestamp);
        match self.tab {
            RunTab::States => {
                let count = self.trace().runs().len();
                let mut clicked = None;
                egui::ScrollArea::vertical()
                    .id_salt("run-states")
                    .auto_shrink([false, false])
                    .stick_to_bottom(true)
                    .show_rows(ui, row_height, count, |ui, rows| {
                        for i in rows {
                            let run = &self.trace().runs()[i];
                            let selected = self.focus() == Some(Focus::Run(i));
                            let text = format!(
                                "{:>4}  {:<28} {:<10} {:<10} +{:<10} {}",
                                i + 1,
                                shorten(&run.name, 28),
                                run.state_type,
                                run.status.label(),
                                elapsed(run.entered_at.saturating_sub(start)),
                                run.ended_at.map_or_else(
                                    || "…".to_owned(),
                                    |e| elapsed(e.saturating_sub(run.entered_at))
                                )
                            );
                            let label = RichText::new(text)
                                .monospace()
                                .color(theme::run_color(run.status));
                            if ui.selectable_label(selected, label).clicked() {
                                clicked = Some(i);
                            }
                        }
                    });
                if let Some(i) = clicked {
                    self.set_focus(Focus::Run(i));
                }
            }
            RunTab::Events => {
                let count = self.events().len();
                let mut clicked = None;
                egui::ScrollArea::vertical()
                    .id_salt("run-events")
                    .auto_shrink([false, false])
                    .stick_to_bottom(true)
                    .show_rows(ui, row_height, count, |ui, rows| {
                        for i in rows {
                            let e = &self.events()[i];
                            let selected = self.focus() == Some(Focus::Event(i));
                            let text = format!(
                                "{:>5}  {:<30} {:<28} +{}",
                                e.id,
                                e.kind.type_name(),
                                shorten(e.kind.state_name().unwrap_or(""), 28),
                                elapsed(e.timestamp.saturating_sub(start))
                            );
                            if ui
                                .selectable_label(selected, RichText::new(text).monospace())
                                .clicked()
                            {
                                clicked = Some(i);
                            }
                        }
                    });
                if let Some(i) = clicked {
                    self.set_focus(Focus::Event(i));
                }
            }
        }
    }
}
