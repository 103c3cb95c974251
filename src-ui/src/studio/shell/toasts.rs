//! Short messages in the window's corner, each shown for a few seconds.

use super::StudioApp;
use crate::studio::theme;
use egui::{RichText, Ui};

/// How long a message stays, in seconds.
const TOAST_SECONDS: f64 = 6.0;

/// A short message in the corner.
#[derive(Debug)]
pub(super) struct Toast {
    pub(super) text: String,
    pub(super) error: bool,
    pub(super) until: Option<f64>,
}

impl StudioApp {
    pub(super) fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toasts.push(Toast {
            text: text.into(),
            error,
            until: None,
        });
    }

    pub(super) fn toasts_ui(&mut self, ui: &Ui) {
        let now = ui.input(|i| i.time);
        for t in &mut self.toasts {
            t.until.get_or_insert(now + TOAST_SECONDS);
        }
        self.toasts.retain(|t| t.until.is_none_or(|u| u > now));
        if self.toasts.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("stepcraft toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -16.0))
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(ui.ctx(), |ui| {
                for t in &self.toasts {
                    egui::Frame::new()
                        .fill(theme::toast_color(t.error))
                        .corner_radius(6)
                        .inner_margin(10)
                        .show(ui, |ui| {
                            ui.set_max_width(420.0);
                            ui.label(RichText::new(&t.text).color(theme::ON_FILL));
                        });
                    ui.add_space(6.0);
                }
            });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(1.0));
    }
}
