//! The states browser: the catalog's Actions, Flow states and Patterns, searchable, each entry
//! dragged onto the canvas (or activated by click / Enter for keyboard users).

use super::action::{self, Actions};
use super::state::DragPayload;
use super::theme;
use egui::Galley;
use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{
    Align2, Color32, CornerRadius, FontId, Id, Key, Rect, Role, Sense, Stroke, StrokeKind, Ui,
    UiBuilder, Vec2, WidgetInfo,
};
use std::collections::HashMap;
use std::sync::Arc;
use stepcraft::catalog::{Action, Catalog, Entry, FlowState, Integration, Pattern, Tab};
use stepcraft::model::StateType;

/// Least height of one entry row.
const ROW_HEIGHT: f32 = 40.0;
/// Space above and below a row's text.
const ROW_PADDING: f32 = 4.0;
/// Space between a row's name and the line below it.
const LINE_GAP: f32 = 1.0;
/// Lines a long name wraps to before it is cut (its hover text has it whole).
const TITLE_ROWS: usize = 2;
/// Width of an entry's chip.
const CHIP_WIDTH: f32 = 36.0;
/// Where a row's text starts, from its left edge (after the chip).
const TEXT_LEFT: f32 = 6.0 + CHIP_WIDTH + 8.0;
/// Width kept on the right of an action's second line for its integration-pattern picker.
const PICKER_WIDTH: f32 = 78.0;
/// Height of that picker.
const PICKER_HEIGHT: f32 = 18.0;

/// The states browser panel: owns the catalog, the tab, the search text and, per action, the
/// integration pattern the user picked.
#[derive(Debug)]
pub struct StatesBrowser {
    catalog: Catalog,
    tab: Tab,
    query: String,
    chosen: HashMap<String, Integration>,
}

impl StatesBrowser {
    /// A browser over `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self {
            catalog,
            tab: Tab::Actions,
            query: String::new(),
            chosen: HashMap::new(),
        }
    }

    /// The catalog shown.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The search text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Draws the browser; returns the payload of the entry being dragged, if any. An entry
    /// activated with a click or Enter (for keyboard users) queues [`action::Action::Activate`]:
    /// the shell inserts it after the selected state.
    pub fn ui(&mut self, ui: &mut Ui, actions: &mut Actions) -> Option<DragPayload> {
        self.search_ui(ui);
        ui.add_space(4.0);
        let searching = !self.query.trim().is_empty();
        self.tabs_ui(ui, searching);
        ui.separator();

        let mut dragged = None;
        egui::ScrollArea::vertical()
            .id_salt("states-browser-list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                dragged = if searching {
                    self.results_ui(ui, actions)
                } else {
                    self.tab_ui(ui, self.tab, actions)
                };
            });
        dragged
    }

    fn search_ui(&mut self, ui: &mut Ui) {
        // Right to left: the clear button takes its own width first and the field the rest, so
        // the row never asks for more than the panel has (a panel grows to fit what it holds).
        let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
        ui.allocate_ui_with_layout(
            row,
            egui::Layout::right_to_left(egui::Align::Center),
            |ui| {
                if !self.query.is_empty()
                    && ui
                        .small_button("✖")
                        .on_hover_text("Clear the search")
                        .accessible_name("Clear the search")
                        .clicked()
                {
                    self.query.clear();
                }
                let edit = egui::TextEdit::singleline(&mut self.query)
                    .id(Id::unique("states-browser-search"))
                    .hint_text("🔍 Search states")
                    .desired_width(ui.available_width());
                let response = ui.add(edit).accessible_name("Search states");
                if response.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
                    self.query.clear();
                }
            },
        );
    }

    fn tabs_ui(&mut self, ui: &mut Ui, searching: bool) {
        ui.horizontal(|ui| {
            for (tab, label) in [
                (Tab::Actions, "Actions"),
                (Tab::Flow, "Flow"),
                (Tab::Patterns, "Patterns"),
            ] {
                let selected = !searching && self.tab == tab;
                if ui.selectable_label(selected, label).clicked() {
                    self.tab = tab;
                    if searching {
                        self.query.clear();
                    }
                }
            }
        });
        if searching {
            ui.label(egui::RichText::new("Matches in every tab").small().weak());
        }
    }

    /// One tab's entries, grouped.
    fn tab_ui(&mut self, ui: &mut Ui, tab: Tab, actions: &mut Actions) -> Option<DragPayload> {
        let catalog = std::mem::take(&mut self.catalog);
        let entries: Vec<Entry<'_>> = catalog.entries().filter(|e| e.tab() == tab).collect();
        let dragged = self.groups_ui(ui, &entries, actions);
        self.catalog = catalog;
        dragged
    }

    /// The search results of all tabs, under a heading per tab.
    fn results_ui(&mut self, ui: &mut Ui, actions: &mut Actions) -> Option<DragPayload> {
        let catalog = std::mem::take(&mut self.catalog);
        let hits = catalog.search(&self.query);
        let mut dragged = None;
        if hits.is_empty() {
            ui.add_space(8.0);
            ui.label(egui::RichText::new("No states match the search.").weak());
        }
        for (tab, label) in [
            (Tab::Actions, "Actions"),
            (Tab::Flow, "Flow"),
            (Tab::Patterns, "Patterns"),
        ] {
            let entries: Vec<Entry<'_>> = hits.iter().copied().filter(|e| e.tab() == tab).collect();
            if entries.is_empty() {
                continue;
            }
            ui.add_space(4.0);
            ui.label(egui::RichText::new(format!("{label} ({})", entries.len())).strong());
            if let Some(d) = self.groups_ui(ui, &entries, actions) {
                dragged = Some(d);
            }
        }
        self.catalog = catalog;
        dragged
    }

    /// Entries grouped by service category (actions), all together (flow) or by category
    /// (patterns), in catalog order.
    fn groups_ui(
        &mut self,
        ui: &mut Ui,
        entries: &[Entry<'_>],
        actions: &mut Actions,
    ) -> Option<DragPayload> {
        let mut groups: Vec<(&str, Vec<Entry<'_>>)> = Vec::new();
        for entry in entries {
            let group = match entry {
                Entry::Action(a) => a.category.as_str(),
                Entry::Flow(_) => "Flow",
                Entry::Pattern(p) => p.category.as_str(),
            };
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, list)) => list.push(*entry),
                None => groups.push((group, vec![*entry])),
            }
        }
        let mut dragged = None;
        let single = groups.len() == 1;
        for (group, list) in groups {
            if !single || !matches!(list.first(), Some(Entry::Flow(_))) {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(group).small().weak());
            }
            for entry in list {
                if let Some(d) = self.entry_ui(ui, entry, actions) {
                    dragged = Some(d);
                }
            }
        }
        dragged
    }

    fn entry_ui(
        &mut self,
        ui: &mut Ui,
        entry: Entry<'_>,
        actions: &mut Actions,
    ) -> Option<DragPayload> {
        match entry {
            Entry::Action(action) => self.action_ui(ui, action, actions),
            Entry::Flow(flow) => flow_ui(ui, flow, actions),
            Entry::Pattern(pattern) => pattern_ui(ui, pattern, actions),
        }
    }

    fn action_ui(
        &mut self,
        ui: &mut Ui,
        action: &Action,
        actions: &mut Actions,
    ) -> Option<DragPayload> {
        let chosen = self
            .chosen
            .get(&action.id)
            .copied()
            .filter(|p| action.integration(*p).is_some())
            .unwrap_or_else(|| action.default_integration());
        let payload = DragPayload::State {
            name: action.suggested_name(),
            state: action
                .state_json(chosen)
                .unwrap_or_else(|| action.default_state_json()),
        };
        let several = action.integrations.len() > 1;
        let chip = Chip {
            text: &action.icon,
            color: theme::state_color(Some(StateType::Task)),
        };
        let title = action.title();
        let row = Row {
            id: Id::unique(("catalog-action", &action.id)),
            chip,
            title: &title,
            subtitle: &action.description,
            reserve_right: if several { PICKER_WIDTH } else { 0.0 },
        };
        let response = row.ui(ui, &payload);
        let resource = action
            .integration(chosen)
            .map(|s| s.resource.as_str())
            .unwrap_or_default();
        let mut tip = format!("{}\n\n{resource}", action.description);
        if let Some(url) = &action.doc_url {
            tip.push_str(&format!("\n{url}"));
        }
        tip.push_str("\n\nDrag onto the graph, or press Enter to add after the selection.");
        let response = response.on_hover_ui(|ui| tip_ui(ui, &title, &tip));
        if several {
            ui.scope_builder(
                UiBuilder::new()
                    .max_rect(picker_rect(response.rect))
                    .layout(egui::Layout::right_to_left(egui::Align::Center)),
                |ui| {
                    egui::ComboBox::from_id_salt(("catalog-pattern", &action.id))
                        .width(PICKER_WIDTH - 12.0)
                        .selected_text(egui::RichText::new(short_label(chosen)).small())
                        .show_ui(ui, |ui| {
                            for pattern in action.patterns() {
                                let mut value = chosen;
                                if ui
                                    .selectable_value(&mut value, pattern, pattern.label())
                                    .clicked()
                                {
                                    self.chosen.insert(action.id.clone(), pattern);
                                }
                            }
                        })
                        .response
                        .accessible_name("Integration pattern")
                        .on_hover_text(format!("Integration pattern: {}", chosen.label()));
                },
            );
        }
        finish(&response, payload, actions)
    }
}

fn flow_ui(ui: &mut Ui, flow: &FlowState, actions: &mut Actions) -> Option<DragPayload> {
    let ty = StateType::from_name(flow.state_type());
    let payload = DragPayload::State {
        name: flow.name.clone(),
        state: flow.state.clone(),
    };
    let row = Row {
        id: Id::unique(("catalog-flow", &flow.id)),
        chip: Chip {
            text: theme::state_icon(ty),
            color: theme::state_color(ty),
        },
        title: &flow.name,
        subtitle: &flow.description,
        reserve_right: 0.0,
    };
    let tip = format!(
        "{}\n\nDrag onto the graph, or press Enter to add after the selection.",
        flow.description
    );
    let response = row
        .ui(ui, &payload)
        .on_hover_ui(|ui| tip_ui(ui, &flow.name, &tip));
    finish(&response, payload, actions)
}

fn pattern_ui(ui: &mut Ui, pattern: &Pattern, actions: &mut Actions) -> Option<DragPayload> {
    let payload = DragPayload::Pattern {
        name: pattern.name.clone(),
        pattern: pattern.definition.clone(),
    };
    let count = pattern
        .definition
        .get("States")
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len);
    let row = Row {
        id: Id::unique(("catalog-pattern-entry", &pattern.id)),
        chip: Chip {
            text: theme::state_icon(Some(StateType::Parallel)),
            color: theme::state_color(Some(StateType::Parallel)),
        },
        title: &pattern.name,
        subtitle: &pattern.description,
        reserve_right: 0.0,
    };
    let tip = format!(
        "{}\n\n{count} states. Drag onto the graph, or press Enter to add after the selection.",
        pattern.description
    );
    let response = row
        .ui(ui, &payload)
        .on_hover_ui(|ui| tip_ui(ui, &pattern.name, &tip));
    finish(&response, payload, actions)
}

/// An entry's hover text: its whole name, then the description and how to use it.
fn tip_ui(ui: &mut Ui, title: &str, text: &str) {
    ui.label(egui::RichText::new(title).strong());
    ui.label(text);
}

/// What an entry's response means: the payload while dragged; activation on click or Enter.
fn finish(
    response: &egui::Response,
    payload: DragPayload,
    actions: &mut Actions,
) -> Option<DragPayload> {
    if response.clicked() {
        actions.push(action::Action::Activate(payload.clone()));
    }
    if response.dragged() || response.drag_started() {
        Some(payload)
    } else {
        None
    }
}

fn short_label(pattern: Integration) -> &'static str {
    match pattern {
        Integration::RequestResponse => "Request",
        Integration::Sync => ".sync",
        Integration::WaitForTaskToken => "Callback",
    }
}

/// A coloured chip with a glyph or abbreviation.
struct Chip<'a> {
    text: &'a str,
    color: Color32,
}

/// One entry: chip, name and a one-line description; draggable and clickable. The name has
/// the row's whole width (wrapping to a second line when long); the description, and an
/// action's integration-pattern picker, share the line below it.
struct Row<'a> {
    id: Id,
    chip: Chip<'a>,
    title: &'a str,
    subtitle: &'a str,
    reserve_right: f32,
}

impl Row<'_> {
    fn ui(&self, ui: &mut Ui, payload: &DragPayload) -> egui::Response {
        // 1. size: the name wraps in the width beside the chip; the line below holds the
        // description and leaves room for the picker.
        let width = ui.available_width().max(120.0);
        let text_width = (width - TEXT_LEFT - 4.0).max(10.0);
        let visuals = ui.visuals();
        let title = wrapped(
            ui,
            self.title,
            FontId::proportional(13.5),
            visuals.strong_text_color(),
            text_width,
            TITLE_ROWS,
        );
        let subtitle = wrapped(
            ui,
            self.subtitle,
            FontId::proportional(11.0),
            visuals.weak_text_color(),
            (text_width - self.reserve_right).max(10.0),
            1,
        );
        let second = if self.reserve_right > 0.0 {
            subtitle.size().y.max(PICKER_HEIGHT)
        } else {
            subtitle.size().y
        };
        let height = (2.0 * ROW_PADDING + title.size().y + LINE_GAP + second).max(ROW_HEIGHT);
        // 2. interact
        let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
        let response = ui.interact(rect, self.id, Sense::click_and_drag());
        response.dnd_set_drag_payload(payload.clone());
        // 3. paint
        if ui.is_rect_visible(rect) {
            self.paint(ui, rect, &response, title, subtitle, second);
        }
        if response.dragged() {
            drag_preview_ui(ui, self.id, &self.chip, self.title);
        }
        // 4. accessibility
        let label = format!("{} — {}", self.title, self.subtitle);
        let enabled = ui.is_enabled();
        response.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, &label));
        response
    }

    fn paint(
        &self,
        ui: &Ui,
        rect: Rect,
        response: &egui::Response,
        title: Arc<Galley>,
        subtitle: Arc<Galley>,
        second: f32,
    ) {
        let visuals = ui.visuals();
        let painter = ui.painter();
        let radius = CornerRadius::same(4);
        if response.hovered() || response.dragged() || response.has_focus() {
            painter.rect_filled(rect, radius, visuals.widgets.hovered.weak_bg_fill);
        }
        if response.has_focus() {
            painter.rect_stroke(rect, radius, visuals.selection.stroke, StrokeKind::Inside);
        }
        let chip = Rect::from_center_size(
            rect.left_center() + Vec2::new(6.0 + CHIP_WIDTH / 2.0, 0.0),
            Vec2::new(CHIP_WIDTH, 24.0),
        );
        paint_chip(painter, chip, &self.chip);

        let text_left = rect.left() + TEXT_LEFT;
        let block = title.size().y + LINE_GAP + second;
        let top = rect.center().y - block / 2.0;
        let sub_top = top + title.size().y + LINE_GAP + (second - subtitle.size().y) / 2.0;
        painter.galley(egui::pos2(text_left, top), title, theme::GALLEY_COLORS);
        painter.galley(
            egui::pos2(text_left, sub_top),
            subtitle,
            theme::GALLEY_COLORS,
        );
    }
}

/// Where a row with a picker puts it: right-aligned on the line below the name.
fn picker_rect(row: Rect) -> Rect {
    let bottom = row.bottom() - ROW_PADDING;
    Rect::from_min_max(
        egui::pos2(row.right() - PICKER_WIDTH, bottom - PICKER_HEIGHT),
        egui::pos2(row.right() - 4.0, bottom),
    )
}

fn paint_chip(painter: &egui::Painter, rect: Rect, chip: &Chip<'_>) {
    painter.rect(
        rect,
        CornerRadius::same(5),
        chip.color,
        Stroke::NONE,
        StrokeKind::Inside,
    );
    let size = if chip.text.chars().count() > 3 {
        9.0
    } else if chip.text.chars().count() > 1 {
        10.5
    } else {
        14.0
    };
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        chip.text,
        FontId::proportional(size),
        theme::ON_FILL,
    );
}

/// `text` laid out in `width`, on at most `rows` lines (the last one cut with an ellipsis).
fn wrapped(
    ui: &Ui,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
    rows: usize,
) -> Arc<Galley> {
    let mut job = LayoutJob::single_section(text.to_owned(), TextFormat::simple(font, color));
    job.wrap = TextWrapping {
        max_width: width,
        max_rows: rows,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    ui.painter().layout_job(job)
}

/// The dragged entry, following the pointer.
fn drag_preview_ui(ui: &Ui, id: Id, chip: &Chip<'_>, title: &str) {
    let Some(pointer) = ui.ctx().pointer_interact_pos() else {
        return;
    };
    egui::Area::new(id.with("drag-preview"))
        .order(egui::Order::Tooltip)
        .fixed_pos(pointer + Vec2::new(12.0, 8.0))
        .interactable(false)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(Vec2::new(CHIP_WIDTH, 20.0), Sense::hover());
                    paint_chip(ui.painter(), rect, chip);
                    ui.label(egui::RichText::new(title).strong());
                });
            });
        });
}
