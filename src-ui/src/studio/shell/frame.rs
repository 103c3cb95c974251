//! One frame: the panels of the current mode drawn with a read-only view of the session, then
//! the actions they queued applied in order, the undo step sealed when the user is neither typing
//! nor dragging, autosave and the window title.

use super::{Mode, StudioApp};
use crate::studio::action::{Action, Actions};
use crate::studio::canvas::GraphView;
use crate::studio::commands::UiCommand;
use crate::studio::config_view::{ConfigCtx, config_ui};
use crate::studio::problems;
use crate::studio::session::Session;
use crate::studio::theme;
use egui::{RichText, Ui};

impl StudioApp {
    /// Draws the whole window's contents into `ui` and applies what the user did.
    ///
    /// Every panel reads the session and queues [`Action`]s; they are applied in order at the
    /// end of the frame, so the document does not change while the frame is drawn.
    pub fn ui_contents(&mut self, ui: &mut Ui) {
        // Shortcuts are taken before any text field sees the keys, and run after the panels'
        // actions, as they always have.
        let shortcuts = if self.dialog.is_none() {
            UiCommand::from_input(ui.ctx())
        } else {
            Vec::new()
        };
        let mut actions = Actions::new();
        let window = ui.max_rect().size();
        self.panel_rects.clear();

        egui::Panel::top("stepcraft top bar").show(ui, |ui| {
            self.top_bar_ui(ui, &mut actions);
        });
        self.bottom_panel_ui(ui, window, &mut actions);
        match self.mode {
            Mode::Design => self.design_ui(ui, window, &mut actions),
            Mode::Code => {
                egui::CentralPanel::default().show(ui, |ui| {
                    if let Some(e) = &self.load_error {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    self.code.ui(
                        ui,
                        self.session.document(),
                        self.session.generation(),
                        self.session.diagnostics(),
                        &mut actions,
                    );
                });
            }
            Mode::Run => self.run_ui(ui, window, &mut actions),
            Mode::Config => {
                egui::CentralPanel::default().show(ui, |ui| {
                    let default = self.session.default_machine_name();
                    let parameters = self.session.parameters();
                    let ctx = ConfigCtx {
                        config: parameters.config(),
                        default_name: &default,
                        sidecar: parameters.sidecar(),
                        sidecar_error: parameters.sidecar_error(),
                    };
                    config_ui(ui, &ctx, &mut actions);
                });
            }
        }
        self.aws.ui(ui, &self.session, &mut actions);
        self.dialogs_ui(ui);
        self.toasts_ui(ui);

        // End of the frame: the document changes only here.
        actions.extend(shortcuts.into_iter().map(Action::Command));
        for action in actions {
            self.apply(ui, action);
        }
        // An undo step ends when the user is neither typing nor dragging anything (rerun's
        // undo).
        if !ui.ctx().text_edit_focused() && ui.ctx().dragged_id().is_none() {
            self.session.seal();
            // Parameter values reach the sidecar file once typing stops, not per keystroke.
            if let Err(e) = self.session.flush_parameters() {
                self.toast(e, true);
            }
        }
        self.autosave_tick(ui);
        let title = self.title();
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The bottom panel: the run's lists in the Run mode, else the problems list (unless
    /// hidden).
    pub(super) fn bottom_panel_ui(
        &mut self,
        ui: &mut Ui,
        window: egui::Vec2,
        actions: &mut Actions,
    ) {
        if self.mode == Mode::Run {
            let shown = bounded(egui::Panel::bottom, &theme::RUN_LISTS_PANEL, window.y)
                .show(ui, |ui| self.run.lists_ui(ui, &self.session, actions));
            self.panel_rects
                .push((theme::RUN_LISTS_PANEL.id, shown.response.rect));
        } else if !self.settings.hide_problems
            // With nothing to list, the list takes no room (the top bar says "Valid").
            && (!self.session.diagnostics().is_empty() || self.code.parse_error().is_some())
        {
            let shown =
                bounded(egui::Panel::bottom, &theme::PROBLEMS_PANEL, window.y).show(ui, |ui| {
                    problems::problems_ui(
                        ui,
                        self.session.diagnostics(),
                        self.code.parse_error(),
                        actions,
                    );
                });
            self.panel_rects
                .push((theme::PROBLEMS_PANEL.id, shown.response.rect));
        }
    }

    /// The Design mode: browser, inspector and canvas.
    pub(super) fn design_ui(&mut self, ui: &mut Ui, window: egui::Vec2, actions: &mut Actions) {
        let session = &self.session;
        let ctx = session.panel_ctx(&self.selection);
        let shown = bounded(egui::Panel::left, &theme::BROWSER_PANEL, window.x).show(ui, |ui| {
            let _dragged = self.browser.ui(ui, actions);
        });
        self.panel_rects
            .push((theme::BROWSER_PANEL.id, shown.response.rect));
        let shown = bounded(egui::Panel::right, &theme::INSPECTOR_PANEL, window.x).show(ui, |ui| {
            self.inspector
                .ui(ui, &ctx, &session.parameter_rows(), actions);
        });
        self.panel_rects
            .push((theme::INSPECTOR_PANEL.id, shown.response.rect));
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.canvas.ui(ui, &ctx, graph_view(session), None, actions);
            if let Some(e) = &self.load_error {
                ui.put(
                    egui::Rect::from_min_size(
                        ui.max_rect().min + egui::vec2(12.0, 12.0),
                        egui::vec2(ui.max_rect().width() - 24.0, 40.0),
                    ),
                    egui::Label::new(
                        RichText::new(format!("{e} (fix it in the Code mode)"))
                            .color(ui.visuals().error_fg_color),
                    ),
                );
            }
        });
    }

    /// The Run mode: controls, details and the canvas with the run's statuses (read-only).
    pub(super) fn run_ui(&mut self, ui: &mut Ui, window: egui::Vec2, actions: &mut Actions) {
        self.run.tick(ui, &self.session);
        let shown =
            bounded(egui::Panel::left, &theme::RUN_CONTROLS_PANEL, window.x).show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("run-controls")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.run.controls_ui(ui, &self.session, actions));
            });
        self.panel_rects
            .push((theme::RUN_CONTROLS_PANEL.id, shown.response.rect));
        let shown =
            bounded(egui::Panel::right, &theme::RUN_DETAILS_PANEL, window.x).show(ui, |ui| {
                let selected = self.selection.primary().map(|s| s.name.clone());
                self.run.details_ui(ui, selected.as_deref(), actions);
            });
        self.panel_rects
            .push((theme::RUN_DETAILS_PANEL.id, shown.response.rect));
        let overlay = self.run.overlay();
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let session = &self.session;
            let ctx = session.panel_ctx(&self.selection);
            self.canvas
                .ui(ui, &ctx, graph_view(session), Some(&overlay), actions);
        });
    }
}

/// What the canvas draws of the session.
fn graph_view(session: &Session) -> GraphView<'_> {
    GraphView {
        graph: session.graph(),
        problems: session.problems(),
        generation: session.generation(),
    }
}

/// A resizable panel made by `side` (`egui::Panel::left` and so on), bounded by `size` in a
/// window `extent` wide (or high).
fn bounded(
    side: fn(&'static str) -> egui::Panel,
    size: &theme::PanelSize,
    extent: f32,
) -> egui::Panel {
    side(size.id)
        .resizable(true)
        .default_size(size.default)
        .min_size(size.min)
        .max_size(size.max(extent))
}

/// The id under which egui keeps the size of a panel drawn in `ui`.
pub fn panel_id(ui: &Ui, size: &theme::PanelSize) -> egui::Id {
    ui.scope_id().with_salt(egui::IdSalt::new(size.id))
}

/// Forgets the sizes the user dragged the panels to: each starts again at its default.
pub(super) fn reset_layout(ui: &Ui) {
    ui.ctx().data_mut(|d| {
        for size in theme::PANELS {
            d.remove::<egui::containers::panel::PanelState>(panel_id(ui, &size));
        }
    });
}
