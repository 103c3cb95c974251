//! The Run mode's events list: the history in the shape of AWS's GetExecutionHistory, one row
//! an event, filtered by event type and by state; only the rows in view are drawn.

use super::format::{elapsed, shorten};
use super::{Focus, RunMode};
use egui::{RichText, Ui};
use stepcraft::history::HistoryEvent;
use stepcraft::trace::Trace;

/// An event row as drawn: for tests and assistive technology.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawnEvent {
    /// The event's id.
    pub id: u64,
    /// Its type (`TaskScheduled`...).
    pub type_name: String,
    /// The state it belongs to ("" for the execution's own events).
    pub state: String,
}

/// What the events list keeps between frames.
#[derive(Debug, Default)]
pub(super) struct EventsState {
    /// Only events of this type.
    type_filter: Option<String>,
    /// Only events of states whose name holds this text.
    state_filter: String,
    /// The events that pass the filters, by index, and what they were worked out from: the
    /// run, the filters and how many events were read (new events are checked as they come).
    matching: Option<Matching>,
    pub drawn: Vec<DrawnEvent>,
}

/// The run, the type filter, the state filter, how many events were read, the indexes of those
/// that pass.
type Matching = (u64, Option<String>, String, usize, Vec<usize>);

/// The state an event belongs to: the one it names, else the run it was given to.
fn state_of<'a>(trace: &'a Trace, e: &'a HistoryEvent) -> &'a str {
    e.kind
        .state_name()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            trace
                .run_of_event(e.id)
                .and_then(|i| trace.runs().get(i))
                .map(|r| &*r.name)
        })
        .unwrap_or("")
}

impl RunMode {
    /// Brings the events that pass the filters up to date (only new events are checked while
    /// the filters stay); whether any filter is set.
    fn update_matching(&mut self) -> bool {
        let f = &mut self.events_view;
        let needle = f.state_filter.trim().to_lowercase();
        if f.type_filter.is_none() && needle.is_empty() {
            f.matching = None;
            return false;
        }
        let run = self.controller.runs_started();
        let events = self.controller.events();
        let trace = self.controller.trace();
        let fresh = match &f.matching {
            Some((r, t, s, read, _)) => {
                *r != run || *t != f.type_filter || *s != f.state_filter || *read > events.len()
            }
            None => true,
        };
        if fresh {
            f.matching = Some((
                run,
                f.type_filter.clone(),
                f.state_filter.clone(),
                0,
                Vec::new(),
            ));
        }
        let type_filter = f.type_filter.clone();
        if let Some((_, _, _, read, m)) = &mut f.matching {
            for (i, e) in events.iter().enumerate().skip(*read) {
                let keep = type_filter
                    .as_ref()
                    .is_none_or(|t| e.kind.type_name() == *t)
                    && (needle.is_empty() || state_of(trace, e).to_lowercase().contains(&needle));
                if keep {
                    m.push(i);
                }
            }
            *read = events.len();
        }
        true
    }

    fn events_filters_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("Event type");
            let types: Vec<String> = self.index.event_types().map(str::to_owned).collect();
            let current = self
                .events_view
                .type_filter
                .clone()
                .unwrap_or_else(|| "All types".to_owned());
            egui::ComboBox::from_id_salt("run-event-type")
                .selected_text(current)
                .height(400.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.events_view.type_filter, None, "All types");
                    for t in types {
                        ui.selectable_value(&mut self.events_view.type_filter, Some(t.clone()), t);
                    }
                })
                .response
                .accessible_name("Filter by event type");
            ui.label("State");
            ui.add(
                egui::TextEdit::singleline(&mut self.events_view.state_filter)
                    .hint_text("filter by state")
                    .desired_width(180.0),
            )
            .accessible_name("Filter by state");
            if (self.events_view.type_filter.is_some() || !self.events_view.state_filter.is_empty())
                && ui.small_button("Clear filters").clicked()
            {
                self.events_view.type_filter = None;
                self.events_view.state_filter.clear();
            }
        });
    }

    /// The events list; a row clicked shows the event in the details.
    pub(super) fn events_ui(&mut self, ui: &mut Ui) {
        self.sync_index();
        self.events_filters_ui(ui);
        let filtered = self.update_matching();
        let matching = self
            .events_view
            .matching
            .as_ref()
            .filter(|_| filtered)
            .map(|m| &m.4);
        let count = matching.map_or(self.events().len(), Vec::len);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let start = self.events().first().map_or(0, |e| e.timestamp);
        let mut clicked = None;
        let mut drawn = Vec::new();
        egui::ScrollArea::vertical()
            .id_salt("run-events")
            .auto_shrink([false, false])
            .stick_to_bottom(true)
            .show_rows(ui, row_height, count, |ui, rows| {
                for row in rows {
                    let i = matching.map_or(row, |m| m[row]);
                    let e = &self.events()[i];
                    let state = state_of(self.trace(), e);
                    let type_name = e.kind.type_name();
                    let selected = self.focus() == Some(Focus::Event(i));
                    let text = format!(
                        "{:>5}  {:<30} {:<28} +{}",
                        e.id,
                        type_name,
                        shorten(state, 28),
                        elapsed(e.timestamp.saturating_sub(start))
                    );
                    drawn.push(DrawnEvent {
                        id: e.id,
                        type_name,
                        state: state.to_owned(),
                    });
                    if ui
                        .selectable_label(selected, RichText::new(text).monospace())
                        .clicked()
                    {
                        clicked = Some(i);
                    }
                }
            });
        self.events_view.drawn = drawn;
        if let Some(i) = clicked {
            self.set_focus(Focus::Event(i));
        }
    }
}
