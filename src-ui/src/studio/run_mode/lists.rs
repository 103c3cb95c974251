//! The Run mode's bottom panel: the state runs table with its timeline, or the history events;
//! Follow, the history's export and a status line (virtual time, state transitions, history
//! events against AWS's limit).

use super::format::elapsed;
use super::{RunAction, RunMode, RunTab};
use crate::studio::action::{Action, Actions};
use crate::studio::commands::UiCommand;
use crate::studio::session::Session;
use crate::studio::theme;
use egui::{RichText, Ui};

/// The most events a Standard workflow's history may hold.
pub const HISTORY_LIMIT: usize = 25_000;

impl RunMode {
    /// The bottom panel: state runs or events. What changes the run or the studio is queued.
    pub fn lists_ui(&mut self, ui: &mut Ui, session: &Session, actions: &mut Actions) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, RunTab::States, "State runs");
            ui.selectable_value(&mut self.tab, RunTab::Events, "Events");
            ui.separator();
            let mut follow = self.follow;
            if ui
                .checkbox(&mut follow, "Follow")
                .on_hover_text("Keep the running state in view on the graph while the run plays")
                .changed()
            {
                actions.push(Action::Run(RunAction::SetFollow(follow)));
            }
            if ui
                .add_enabled(
                    !self.events().is_empty(),
                    egui::Button::new(UiCommand::ExportHistory.label()),
                )
                .on_hover_text(UiCommand::ExportHistory.tooltip())
                .clicked()
            {
                actions.push(Action::Command(UiCommand::ExportHistory));
            }
            ui.separator();
            self.status_line_ui(ui);
        });
        ui.separator();
        match self.tab {
            RunTab::States => self.table_ui(ui, session, actions),
            RunTab::Events => self.events_ui(ui),
        }
    }

    /// Virtual time since the execution started, state transitions, history events against
    /// the limit of Standard workflows.
    fn status_line_ui(&self, ui: &mut Ui) {
        let events = self.events().len();
        if events == 0 {
            return;
        }
        let start = self.events().first().map_or(0, |e| e.timestamp);
        let text = format!(
            "Elapsed {} · {} · {} of {} history events",
            elapsed(self.now().saturating_sub(start)),
            plural(self.trace().runs().len(), "state transition"),
            thousands(events),
            thousands(HISTORY_LIMIT),
        );
        let over = events > HISTORY_LIMIT;
        let color = if over {
            theme::severity_color(stepcraft::Severity::Error)
        } else if events * 5 > HISTORY_LIMIT * 4 {
            theme::severity_color(stepcraft::Severity::Warning)
        } else {
            ui.visuals().weak_text_color()
        };
        let label = ui.label(RichText::new(text).small().color(color));
        if over {
            label.on_hover_text(
                "AWS stops a Standard workflow whose history passes 25,000 events: \
                 split the work (a Map in distributed mode, or child executions).",
            );
        }
    }
}

/// `n` things, `n` grouped by thousands: `1 state transition`, `200,001 state transitions`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n))
    }
}

/// `25000` as `25,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(25_000), "25,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
