//! The Run mode's state runs table, as the console's Execution details page shows it: one row
//! per state run (Name, Type, Status, Resource, Started after, Duration) with a Gantt bar on the
//! execution's time line; Maps and Parallels open into their iterations and branches; filters by
//! status and name. Only the rows in view are laid out and drawn.

use super::format::{elapsed, short_arn, shorten};
use super::views::{Row, RowFilter, RowKind, SegmentKind, segments};
use super::{RunAction, RunMode};
use crate::studio::action::{Action, Actions};
use crate::studio::session::Session;
use crate::studio::state::Selection;
use crate::studio::theme;
use egui::{Align2, FontId, Pos2, Rect, Role, Sense, Ui, WidgetInfo, pos2, vec2};
use std::collections::HashSet;
use std::sync::Arc;
use stepcraft::edit::StateRef;
use stepcraft::history::Millis;
use stepcraft::trace::RunStatus;

/// The columns before the timeline: title and width.
const COLUMNS: [(&str, f32); 6] = [
    ("Name", 250.0),
    ("Type", 70.0),
    ("Status", 80.0),
    ("Resource", 240.0),
    ("Started after", 95.0),
    ("Duration", 85.0),
];
/// The Resource column's place in [`COLUMNS`].
const RESOURCE_COLUMN: usize = 3;
/// The most characters of an ARN the Resource column shows.
const RESOURCE_CHARS: usize = 34;

/// Where column `col` spans, for a row starting at `x`.
fn column_span(x: f32, col: usize) -> std::ops::Range<f32> {
    let start = x + COLUMNS[..col].iter().map(|(_, w)| w).sum::<f32>();
    start..start + COLUMNS[col].1
}

/// The narrowest timeline.
const MIN_TIMELINE: f32 = 120.0;
/// How far each level of the tree is indented.
const INDENT: f32 = 14.0;
/// The narrowest piece of a bar, so an instant still shows.
const MIN_PIECE: f32 = 4.0;

/// A row of the table as drawn: for tests and assistive technology.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnRow {
    /// What it shows.
    pub kind: RowKind,
    /// Its name: the state's, or `Iteration N`.
    pub name: String,
    /// Its status.
    pub status: RunStatus,
    /// How deep in the tree.
    pub depth: usize,
    /// Whether it is the run the details show.
    pub selected: bool,
    /// Its Task's resource ARN (empty for other rows).
    pub resource: String,
    /// The resource as the column shows it (shortened when long).
    pub resource_shown: String,
    /// A point in the resource's cell (where hovering shows the whole ARN).
    pub resource_at: Pos2,
}

/// A piece of a timeline bar as drawn, in points from the timeline's left edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawnPiece {
    /// Where it starts.
    pub x: f32,
    /// How wide it is.
    pub width: f32,
    /// What it stands for (its colour).
    pub kind: SegmentKind,
}

/// The bar of one row as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnBar {
    /// Its row.
    pub row: RowKind,
    /// The row's name.
    pub name: String,
    /// Its pieces: the run first, then failed attempts and backoff waits over it.
    pub pieces: Vec<DrawnPiece>,
    /// The timeline's width.
    pub span_width: f32,
}

/// What the table keeps between frames.
#[derive(Debug, Default)]
pub(super) struct TableState {
    /// The Maps, Parallels and iterations opened.
    pub expanded: HashSet<RowKind>,
    /// Bumped when `expanded` changes, so the rows are listed again.
    expanded_version: u64,
    pub filter: RowFilter,
    /// A row to scroll to on the next frame.
    pub reveal: Option<RowKind>,
    pub drawn_rows: Vec<DrawnRow>,
    pub drawn_bars: Vec<DrawnBar>,
    rows: Option<ListedRows>,
}

/// The rows listed, with what they were made from.
#[derive(Debug)]
struct ListedRows {
    /// The run, the open rows' version and the filter: when one changes, the rows are listed
    /// again.
    shape: (u64, u64, RowFilter),
    /// The events and runs read then.
    read: (usize, usize),
    /// Whether they are the top-level runs only (nothing opened, no filter): then a streaming
    /// run's new runs are appended instead of the whole table listed again each frame.
    top_only: bool,
    rows: Arc<Vec<Row>>,
}

impl TableState {
    /// Opens a row.
    pub fn open(&mut self, row: RowKind) {
        if self.expanded.insert(row) {
            self.expanded_version += 1;
        }
    }

    /// Opens a closed row, closes an open one.
    pub fn toggle(&mut self, row: RowKind) {
        if !self.expanded.remove(&row) {
            self.expanded.insert(row);
        }
        self.expanded_version += 1;
    }

    /// Closes every row (a new run: the old rows' indexes mean other runs now).
    pub fn close_all(&mut self) {
        self.expanded.clear();
        self.expanded_version += 1;
        self.reveal = None;
    }
}

impl RunMode {
    /// The clock now: the execution's, or the last event's of a replay.
    pub(super) fn now(&self) -> Millis {
        match self.controller.execution() {
            Some(exec) if !self.is_replay() => exec.clock(),
            _ => self.events().last().map_or(0, |e| e.timestamp),
        }
    }

    /// The rows listed now: listed again when the run, the open rows or the filter change, or
    /// runs came in; with nothing opened or filtered, new runs are appended (a run streaming
    /// 200,000 states would otherwise list them all again every frame).
    fn listed_rows(&mut self) -> Arc<Vec<Row>> {
        let shape = (
            self.controller.runs_started(),
            self.table.expanded_version,
            self.table.filter.clone(),
        );
        let read = (self.events().len(), self.trace().runs().len());
        let top_only = self.table.expanded.is_empty() && !self.table.filter.is_active();
        if let Some(listed) = &mut self.table.rows
            && listed.shape == shape
        {
            if listed.read == read {
                return Arc::clone(&listed.rows);
            }
            if top_only && listed.top_only {
                let rows = Arc::make_mut(&mut listed.rows);
                let top = self.index.top();
                rows.extend(top[rows.len().min(top.len())..].iter().map(|&i| Row {
                    kind: RowKind::Run(i),
                    depth: 0,
                }));
                listed.read = read;
                return Arc::clone(&listed.rows);
            }
        }
        let rows = Arc::new(self.index.rows(
            self.controller.trace(),
            &self.table.expanded,
            &self.table.filter,
        ));
        self.table.rows = Some(ListedRows {
            shape,
            read,
            top_only,
            rows: Arc::clone(&rows),
        });
        rows
    }

    /// The filters over the table: a status and a text in the names.
    fn table_filters_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("Status");
            let current = self.table.filter.status.map_or("All", RunStatus::label);
            egui::ComboBox::from_id_salt("run-status-filter")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.table.filter.status, None, "All");
                    for s in [
                        RunStatus::Running,
                        RunStatus::Succeeded,
                        RunStatus::Failed,
                        RunStatus::Caught,
                        RunStatus::Cancelled,
                    ] {
                        ui.selectable_value(&mut self.table.filter.status, Some(s), s.label());
                    }
                })
                .response
                .accessible_name("Filter by status");
            ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut self.table.filter.name)
                    .hint_text("filter by name")
                    .desired_width(180.0),
            )
            .accessible_name("Filter by name");
            if self.table.filter.is_active() && ui.small_button("Clear filters").clicked() {
                self.table.filter = RowFilter::default();
            }
        });
    }

    /// The state runs table with its timeline. A row clicked selects its state on the canvas
    /// and shows the run in the details; both are queued.
    pub(super) fn table_ui(&mut self, ui: &mut Ui, session: &Session, actions: &mut Actions) {
        self.sync_index();
        self.index
            .set_branches(session.generation(), session.machine());
        self.table_filters_ui(ui);
        let rows = self.listed_rows();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let start = self.events().first().map_or(0, |e| e.timestamp);
        let now = self.now();
        let end = self.events().last().map_or(now, |e| e.timestamp.max(now));
        let span = (end - start).max(1);
        let header = ui.allocate_exact_size(vec2(ui.available_width(), row_height), Sense::hover());
        let timeline_x = header_ui(ui, header.0, (!self.events().is_empty()).then_some(span));
        let focused = self.focused_run();
        let reveal = self.table.reveal.take();
        let spacing = ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("run-states")
            .auto_shrink([false, false]);
        if let Some(at) = reveal.and_then(|r| rows.iter().position(|row| row.kind == r)) {
            let offset = (at as f32 * (row_height + spacing) - 2.0 * row_height).max(0.0);
            area = area.vertical_scroll_offset(offset);
        } else {
            area = area.stick_to_bottom(self.is_playing());
        }
        let mut drawn_rows = Vec::new();
        let mut drawn_bars = Vec::new();
        let mut clicked = None;
        let mut toggled = None;
        area.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                let (rect, response) =
                    ui.allocate_exact_size(vec2(ui.available_width(), row_height), Sense::click());
                let line = self.row_line(row, focused, start, now);
                let name = line.name.clone();
                let selected = line.selected;
                response.widget_info(|| WidgetInfo::selected(Role::Row, true, selected, &name));
                if response.clicked() {
                    clicked = Some(row.kind);
                }
                // Over the bar: the attempts and waits, in words.
                if let RowKind::Run(i) = row.kind
                    && response.hover_pos().is_some_and(|p| p.x >= timeline_x)
                {
                    let attempts = attempts_text(self.index.attempts(i), start);
                    if !attempts.is_empty() {
                        response.clone().on_hover_text_at_pointer(attempts);
                    }
                }
                // Over the resource: the whole ARN.
                let resource_cell = column_span(rect.min.x, RESOURCE_COLUMN);
                if !line.resource.is_empty()
                    && response
                        .hover_pos()
                        .is_some_and(|p| resource_cell.contains(&p.x))
                {
                    response.clone().on_hover_text_at_pointer(&line.resource);
                }
                if self.expandable(row) {
                    let open = self.table.expanded.contains(&row.kind);
                    let toggle = Rect::from_min_size(
                        pos2(rect.min.x + row.depth as f32 * INDENT, rect.min.y),
                        vec2(INDENT + 4.0, rect.height()),
                    );
                    let r = ui.interact(toggle, response.id.with("toggle"), Sense::click());
                    let verb = if open { "Collapse" } else { "Expand" };
                    r.widget_info(|| {
                        WidgetInfo::labeled(Role::Button, true, format!("{verb} {name}"))
                    });
                    if r.clicked() {
                        toggled = Some(row.kind);
                    }
                }
                let pieces = self.row_ui(ui, rect, row, &line, timeline_x, start, span, now);
                drawn_bars.push(DrawnBar {
                    row: row.kind,
                    name: line.name.clone(),
                    pieces,
                    span_width: rect.max.x - timeline_x,
                });
                drawn_rows.push(DrawnRow {
                    kind: row.kind,
                    name: line.name,
                    status: line.status,
                    depth: row.depth,
                    selected: line.selected,
                    resource_shown: short_arn(&line.resource, RESOURCE_CHARS),
                    resource: line.resource,
                    resource_at: pos2(resource_cell.start + 4.0, rect.center().y),
                });
            }
        });
        self.table.drawn_rows = drawn_rows;
        self.table.drawn_bars = drawn_bars;
        if let Some(kind) = toggled {
            actions.push(Action::Run(RunAction::ToggleRow(kind)));
        } else if let Some(kind) = clicked {
            self.row_clicked(kind, session, actions);
        }
    }

    /// A row clicked: its state selected on the canvas, the run shown in the details (after the
    /// selection, which would show the state's latest run); an iteration's row shows that
    /// iteration on the canvas.
    fn row_clicked(&self, kind: RowKind, session: &Session, actions: &mut Actions) {
        match kind {
            RowKind::Run(run) => {
                let Some(name) = self.trace().runs().get(run).map(|r| r.name.clone()) else {
                    return;
                };
                if let Some(state) = session
                    .machine()
                    .states()
                    .into_iter()
                    .find(|s| s.name.0 == *name)
                    .and_then(|s| StateRef::from_pointer(&s.pointer))
                {
                    actions.push(Action::Select(Selection::States(vec![state])));
                }
                actions.push(Action::Run(RunAction::FocusRun(run)));
            }
            RowKind::Branch { parallel, .. } => {
                actions.push(Action::Run(RunAction::FocusRun(parallel)));
            }
            RowKind::Iteration { map, index } => {
                actions.push(Action::Run(RunAction::FocusRun(map)));
                actions.push(Action::Run(RunAction::ViewIteration {
                    map,
                    iteration: Some(index),
                }));
            }
        }
    }

    /// What a row says.
    fn row_line(&self, row: &Row, focused: Option<usize>, start: Millis, now: Millis) -> Line {
        let trace = self.trace();
        match row.kind {
            RowKind::Run(i) => {
                let Some(run) = trace.runs().get(i) else {
                    return Line::default();
                };
                Line {
                    name: run.name.to_string(),
                    state_type: run.state_type.to_string(),
                    status: run.status,
                    resource: self.index.resource(i).unwrap_or("").to_owned(),
                    started: elapsed(run.entered_at.saturating_sub(start)),
                    duration: run.ended_at.map_or_else(
                        || format!("{} …", elapsed(now.saturating_sub(run.entered_at))),
                        |e| elapsed(e.saturating_sub(run.entered_at)),
                    ),
                    selected: focused == Some(i),
                    span: None,
                }
            }
            RowKind::Iteration { .. } | RowKind::Branch { .. } => {
                let span = self.index.group_span(trace, row.kind, now);
                let status = self.index.group_status(trace, row.kind);
                let name = match row.kind {
                    RowKind::Iteration { index, .. } => format!("Iteration {index}"),
                    RowKind::Branch { index, .. } => format!("Branch {}", index + 1),
                    RowKind::Run(_) => String::new(),
                };
                Line {
                    name,
                    state_type: String::new(),
                    status,
                    resource: String::new(),
                    started: span
                        .map_or_else(String::new, |(s, _)| elapsed(s.saturating_sub(start))),
                    duration: span.map_or_else(String::new, |(s, e)| elapsed(e.saturating_sub(s))),
                    selected: false,
                    span,
                }
            }
        }
    }

    /// Whether a row opens (a Map, a Parallel, an iteration; a filtered table is flat).
    fn expandable(&self, row: &Row) -> bool {
        !self.table.filter.is_active() && self.index.has_rows_under(row.kind)
    }

    /// Paints a row's cells and its bar; returns the bar's pieces.
    #[allow(clippy::too_many_arguments)]
    fn row_ui(
        &self,
        ui: &Ui,
        rect: Rect,
        row: &Row,
        line: &Line,
        timeline_x: f32,
        start: Millis,
        span: Millis,
        now: Millis,
    ) -> Vec<DrawnPiece> {
        let painter = ui.painter_at(rect);
        let visuals = ui.visuals();
        if line.selected {
            painter.rect_filled(rect, 2.0, visuals.selection.bg_fill);
        } else if ui.rect_contains_pointer(rect) {
            painter.rect_filled(rect, 2.0, visuals.widgets.hovered.weak_bg_fill);
        }
        let font = FontId::proportional(13.0);
        let text = visuals.text_color();
        let weak = visuals.weak_text_color();
        let mid = rect.center().y;
        let mut x = rect.min.x;
        let indent = row.depth as f32 * INDENT;
        for (col, (_, width)) in COLUMNS.iter().enumerate() {
            let cell = Rect::from_min_max(pos2(x, rect.min.y), pos2(x + width - 6.0, rect.max.y));
            let p = painter.with_clip_rect(cell);
            match col {
                0 => {
                    if self.expandable(row) {
                        let open = self.table.expanded.contains(&row.kind);
                        p.text(
                            pos2(x + indent + 2.0, mid),
                            Align2::LEFT_CENTER,
                            if open { "⏷" } else { "⏵" },
                            font.clone(),
                            weak,
                        );
                    }
                    let color = if !matches!(row.kind, RowKind::Run(_)) {
                        weak
                    } else {
                        text
                    };
                    p.text(
                        pos2(x + indent + INDENT + 4.0, mid),
                        Align2::LEFT_CENTER,
                        shorten(&line.name, 40),
                        font.clone(),
                        color,
                    );
                }
                1 => {
                    p.text(
                        pos2(x, mid),
                        Align2::LEFT_CENTER,
                        &line.state_type,
                        font.clone(),
                        weak,
                    );
                }
                2 => {
                    p.text(
                        pos2(x, mid),
                        Align2::LEFT_CENTER,
                        line.status.label(),
                        font.clone(),
                        theme::run_color(line.status),
                    );
                }
                3 => {
                    p.text(
                        pos2(x, mid),
                        Align2::LEFT_CENTER,
                        short_arn(&line.resource, RESOURCE_CHARS),
                        font.clone(),
                        weak,
                    );
                }
                4 => {
                    p.text(
                        pos2(x, mid),
                        Align2::LEFT_CENTER,
                        &line.started,
                        font.clone(),
                        text,
                    );
                }
                _ => {
                    p.text(
                        pos2(x, mid),
                        Align2::LEFT_CENTER,
                        &line.duration,
                        font.clone(),
                        text,
                    );
                }
            }
            x += width;
        }
        // The bar, scaled to the execution's span.
        let width = (rect.max.x - timeline_x).max(1.0);
        let to_x = |t: Millis| (t - start) as f32 / span as f32 * width;
        let bar = |from: Millis, to: Millis, kind| {
            // An instant at the very end still shows, inside the lane.
            let x = to_x(from).clamp(0.0, (width - MIN_PIECE).max(0.0));
            DrawnPiece {
                x,
                width: (to_x(to) - x).clamp(MIN_PIECE, (width - x).max(MIN_PIECE)),
                kind,
            }
        };
        let pieces: Vec<DrawnPiece> = match row.kind {
            RowKind::Run(i) => self.trace().runs().get(i).map_or_else(Vec::new, |run| {
                segments(run, self.index.attempts(i), now)
                    .into_iter()
                    .map(|s| bar(s.from, s.to, s.kind))
                    .collect()
            }),
            RowKind::Iteration { .. } | RowKind::Branch { .. } => line
                .span
                .map(|(s, e)| vec![bar(s, e, SegmentKind::Run(line.status))])
                .unwrap_or_default(),
        };
        let lane = Rect::from_min_max(
            pos2(timeline_x, rect.min.y + 4.0),
            pos2(rect.max.x, rect.max.y - 4.0),
        );
        painter.rect_filled(lane, 2.0, theme::timeline_lane(visuals.dark_mode));
        // The run first, the backoff waits over it (thinner, so the run's colour still edges
        // them), the failed attempts on top: an attempt that fails at once is never hidden by
        // the wait that follows it.
        for layer in [0, 1, 2] {
            for piece in &pieces {
                let (on, inset) = match piece.kind {
                    SegmentKind::Run(_) => (0, 0.0),
                    SegmentKind::Backoff => (1, 3.0),
                    SegmentKind::FailedAttempt => (2, 0.0),
                };
                if on != layer {
                    continue;
                }
                let r = Rect::from_min_size(
                    pos2(timeline_x + piece.x, lane.min.y),
                    vec2(piece.width, lane.height()),
                )
                .shrink2(vec2(0.0, inset));
                painter.rect_filled(r, 2.0, segment_color(piece.kind));
            }
        }
        pieces
    }
}

/// A run's attempts in words, times from the execution's start: "Attempt 1: +0 ms, failed
/// after 0 ms", "waited 2.0 s"...; nothing for a run tried once.
fn attempts_text(attempts: &[super::views::Attempt], start: Millis) -> String {
    if attempts.len() < 2 {
        return String::new();
    }
    let mut lines = Vec::new();
    for (i, a) in attempts.iter().enumerate() {
        let how = match (a.end, a.failed) {
            (Some(end), true) => format!("failed after {}", elapsed(end.saturating_sub(a.start))),
            (Some(end), false) => {
                format!("succeeded after {}", elapsed(end.saturating_sub(a.start)))
            }
            (None, _) => "running".to_owned(),
        };
        lines.push(format!(
            "Attempt {}: +{}, {how}",
            i + 1,
            elapsed(a.start.saturating_sub(start))
        ));
        if let (Some(end), Some(next)) = (a.end, attempts.get(i + 1)) {
            lines.push(format!(
                "  waited {} (Retry backoff)",
                elapsed(next.start.saturating_sub(end))
            ));
        }
    }
    lines.join("\n")
}

/// The colour of a piece of a bar: the run's status, red for a failed attempt, grey for a
/// backoff wait.
fn segment_color(kind: SegmentKind) -> egui::Color32 {
    match kind {
        SegmentKind::Run(status) => theme::run_color(status),
        SegmentKind::FailedAttempt => theme::run_color(RunStatus::Failed),
        SegmentKind::Backoff => theme::BACKOFF,
    }
}

/// The words of one row.
#[derive(Debug)]
struct Line {
    name: String,
    state_type: String,
    status: RunStatus,
    resource: String,
    started: String,
    duration: String,
    selected: bool,
    /// An iteration's start and end.
    span: Option<(Millis, Millis)>,
}

impl Default for Line {
    fn default() -> Self {
        Self {
            name: String::new(),
            state_type: String::new(),
            status: RunStatus::Running,
            resource: String::new(),
            started: String::new(),
            duration: String::new(),
            selected: false,
            span: None,
        }
    }
}

/// The header row: the columns' titles and the timeline's scale. Returns where the timeline
/// starts.
fn header_ui(ui: &Ui, rect: Rect, span: Option<Millis>) -> f32 {
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(12.0);
    let color = ui.visuals().strong_text_color();
    let mid = rect.center().y;
    let mut x = rect.min.x;
    for (title, width) in COLUMNS {
        painter.text(
            pos2(x, mid),
            Align2::LEFT_CENTER,
            title,
            font.clone(),
            color,
        );
        x += width;
    }
    let timeline_x = x.min(rect.max.x - MIN_TIMELINE);
    painter.text(
        pos2(timeline_x, mid),
        Align2::LEFT_CENTER,
        "Timeline",
        font.clone(),
        color,
    );
    // The scale: the execution's span, once it has events.
    if let Some(span) = span {
        painter.text(
            pos2(rect.max.x - 4.0, mid),
            Align2::RIGHT_CENTER,
            elapsed(span),
            font,
            color,
        );
    }
    timeline_x
}

#[cfg(test)]
mod tests {
    use super::super::views::Attempt;
    use super::attempts_text;

    #[test]
    fn attempts_read_as_words() {
        let attempts = [
            Attempt {
                start: 1000,
                end: Some(1000),
                failed: true,
            },
            Attempt {
                start: 3000,
                end: Some(3500),
                failed: false,
            },
        ];
        assert_eq!(
            attempts_text(&attempts, 1000),
            "Attempt 1: +0 ms, failed after 0 ms\n  waited 2.0 s (Retry backoff)\nAttempt 2: +2.0 s, succeeded after 500 ms"
        );
        assert_eq!(attempts_text(&attempts[..1], 1000), "");
    }
}
