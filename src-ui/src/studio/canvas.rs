//! The Design mode's canvas: the laid-out workflow graph with pan and zoom, selection, deletion,
//! drop targets for states dragged from the browser or moved on the canvas, handles dragged from
//! a node to another to set its next state, and problem badges.
//!
//! The graph is drawn straight in screen coordinates (`screen = origin + zoom * scene`), with
//! fonts, strokes and radii scaled by the zoom, rather than through a layer transform: glyphs are
//! then rasterized at their real size on screen, so text stays crisp at every zoom.
//!
//! The canvas never changes the document: it queues [`Action`]s (edits, a new selection). A run's
//! statuses are an argument of [`Canvas::ui`], and while they are shown nothing can be edited.
//! Layout is a
//! pure function of a [`LayoutRequest`], rebuilt when the graph changes and laid out again only
//! when the request differs from the cached one.

use super::action::{Action, Actions};
use super::canvas_keys::{self, CanvasKey};
use super::chips;
use super::problems::ProblemIndex;
use super::run_mode::compare::{CompareMark, CompareMarks};
use super::state::{DragPayload, PanelCtx, Selection};
use super::theme::{self, CanvasColors};
use egui::epaint::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{
    Align2, Color32, CornerRadius, FontId, Id, Painter, Pos2, Rangef, Rect, Response, Role, Sense,
    Shape, Stroke, StrokeKind, Ui, Vec2, WidgetInfo, emath::TSTransform, pos2, vec2,
};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use stepcraft::coverage::{Coverage, Item, ItemKind};
use stepcraft::edit::{Edit, InsertPoint, StateRef, Via, can_insert_at};
use stepcraft::graph::{EdgeKind, Node, NodeId, NodeKind, ScopeGraph, WorkflowGraph};
use stepcraft::layout::{self, GraphLayout, Layout, LayoutOptions, LayoutRequest, Measure, Size};
use stepcraft::model::StateType;
use stepcraft::trace::RunStatus;

/// A state of the graph being dragged to another place.
#[derive(Clone, Debug, PartialEq)]
pub struct MovePayload(pub StateRef);

/// The zooms the user can reach: far enough out for a whole thousand-state workflow.
const ZOOM_RANGE: Rangef = Rangef {
    min: 0.01,
    max: 2.0,
};
/// One click of the zoom buttons.
const ZOOM_STEP: f32 = 1.25;
/// The minimap's largest size on screen.
const MINIMAP_SIZE: Vec2 = Vec2::new(200.0, 150.0);
/// Fitting never zooms out further than this, so text stays readable; a taller graph is shown
/// from its top.
const MIN_FIT_ZOOM: f32 = 0.6;
/// A graph that fits whole only below this zoom is fitted to the canvas's width instead (up to
/// this zoom) and shown from its top: readable text first, the rest a scroll away.
const READABLE_FIT_ZOOM: f32 = 0.85;
/// Fitting never enlarges a small graph.
const MAX_FIT_ZOOM: f32 = 1.0;
/// Subtitles, edge and body labels are drawn only when at least this tall on screen.
const MIN_DETAIL_PX: f32 = 6.0;
/// Titles are drawn only when at least this tall on screen.
const MIN_TITLE_PX: f32 = 4.0;

/// A place on the canvas where a dragged state can go.
#[derive(Clone, Debug)]
struct DropTarget {
    at: InsertPoint,
    /// Its centre, in screen coordinates.
    pos: Pos2,
    /// What it says to a screen reader ("Insert between A and B").
    label: String,
}

/// The layout of the graph of one document generation.
#[derive(Debug)]
struct LaidOut {
    generation: u64,
    request: LayoutRequest,
    layout: Layout,
}

/// The insertion points where the current drag may go, computed once per drag.
#[derive(Debug)]
struct DropRules {
    generation: u64,
    key: String,
    allowed: Vec<InsertPoint>,
}

/// The Design mode's canvas.
#[derive(Debug)]
pub struct Canvas {
    /// Scene to canvas coordinates, relative to the canvas's top-left corner.
    view: TSTransform,
    laid_out: Option<LaidOut>,
    fit_pending: Option<Fit>,
    rules: Option<DropRules>,
    /// Screen rectangles of the drop targets drawn last frame, with their labels.
    drop_targets: Vec<(String, Rect)>,
    /// Screen rectangles of the state nodes drawn last frame, with their names.
    node_rects: Vec<(String, Rect)>,
    /// Screen rectangles of the next-state handles drawn last frame, with their states' names.
    handle_rects: Vec<(String, Rect)>,
    /// The state whose handle is being dragged to another node.
    linking: Option<StateRef>,
    /// The coverage marks drawn last frame: each state's and edge's item id
    /// ([`Item::id`]) and whether it is covered.
    coverage_marks: Vec<(String, bool)>,
    /// The state the view was last panned to by Follow.
    followed: Option<String>,
    /// The run statuses drawn last frame: each state node's name and status.
    status_marks: Vec<(String, RunStatus)>,
    /// The marks of two runs compared drawn last frame: each marked state node's name and mark.
    compare_marks: Vec<(String, CompareMark)>,
}

/// The graph the canvas draws, derived from one document generation.
#[derive(Clone, Copy, Debug)]
pub struct GraphView<'a> {
    /// The workflow graph.
    pub graph: &'a WorkflowGraph,
    /// The diagnostics by state, for the badges.
    pub problems: &'a ProblemIndex,
    /// The document generation the graph was derived from (the layout is cached by it).
    pub generation: u64,
}

/// What the Run mode draws over the graph.
#[derive(Clone, Debug, Default)]
pub struct RunOverlay {
    /// Each state's status, by name (states not run have none).
    pub statuses: Arc<HashMap<String, RunStatus>>,
    /// States with a breakpoint.
    pub breakpoints: BTreeSet<String>,
    /// The state the execution is paused before.
    pub paused_at: Option<String>,
    /// The coverage of the definition by its test cases: shown instead of the statuses,
    /// covered states and edges marked, the others faded and outlined.
    pub coverage: Option<Arc<Coverage>>,
    /// Each Map state's iterations (of its latest run, with those a redrive kept): succeeded,
    /// failed, running.
    pub map_counts: Arc<HashMap<String, (usize, usize, usize)>>,
    /// The state the view keeps in sight: the running one while a run plays (Follow), else
    /// the one whose run is shown.
    pub follow: Option<String>,
    /// A pinned run ("A") compared with the current one: where their paths part, the states
    /// only one entered, the states whose data differs.
    pub compare: Option<Arc<CompareMarks>>,
}

impl Default for Canvas {
    fn default() -> Self {
        Self::new()
    }
}

impl Canvas {
    /// A canvas that fits the graph on its first frame.
    pub fn new() -> Self {
        Self {
            view: TSTransform::IDENTITY,
            laid_out: None,
            fit_pending: Some(Fit::Readable),
            rules: None,
            drop_targets: Vec::new(),
            node_rects: Vec::new(),
            coverage_marks: Vec::new(),
            handle_rects: Vec::new(),
            linking: None,
            followed: None,
            status_marks: Vec::new(),
            compare_marks: Vec::new(),
        }
    }

    /// Fits the whole graph on the next frame, however far that zooms out.
    pub fn request_fit(&mut self) {
        self.fit_pending = Some(Fit::Whole);
    }

    /// The zoom now (1.0: scene points are screen points).
    pub fn zoom(&self) -> f32 {
        self.view.scaling
    }

    /// The drop targets drawn last frame: label and screen rectangle.
    pub fn drop_targets(&self) -> &[(String, Rect)] {
        &self.drop_targets
    }

    /// The state nodes drawn last frame: name and screen rectangle.
    pub fn node_rects(&self) -> &[(String, Rect)] {
        &self.node_rects
    }

    /// The coverage marks drawn last frame: item ids (`state:/States/A`, `edge:/States/A/Next`)
    /// and whether each is covered; empty when no coverage is shown.
    pub fn coverage_marks(&self) -> &[(String, bool)] {
        &self.coverage_marks
    }

    /// The run statuses drawn last frame: each state node's name and status (none without a
    /// run, or while coverage is shown).
    pub fn status_marks(&self) -> &[(String, RunStatus)] {
        &self.status_marks
    }

    /// The marks of two runs compared drawn last frame (state name, mark); empty when no run
    /// is pinned for comparing.
    pub fn compare_marks(&self) -> &[(String, CompareMark)] {
        &self.compare_marks
    }

    /// The next-state handles drawn last frame: their state's name and screen rectangle. A
    /// handle shows on a selected or hovered node whose state can have a `Next`.
    pub fn handle_rects(&self) -> &[(String, Rect)] {
        &self.handle_rects
    }

    /// The current layout, if the graph was laid out.
    pub fn layout(&self) -> Option<&Layout> {
        self.laid_out.as_ref().map(|l| &l.layout)
    }

    /// Lays the graph out again if its request changed.
    fn update_layout(&mut self, ui: &Ui, graph: &WorkflowGraph, generation: u64) {
        if self
            .laid_out
            .as_ref()
            .is_some_and(|l| l.generation == generation)
        {
            return;
        }
        let request = ui.ctx().fonts_mut(|fonts| {
            let measure = EguiMeasure {
                fonts: RefCell::new(fonts),
            };
            LayoutRequest::from_graph(graph, &measure, LayoutOptions::default())
        });
        if let Some(l) = &mut self.laid_out
            && l.request == request
        {
            l.generation = generation;
            return;
        }
        let layout = layout::layout(&request);
        self.laid_out = Some(LaidOut {
            generation,
            request,
            layout,
        });
    }

    /// Pans by dragging the background or scrolling, zooms with ctrl+scroll or a pinch around the
    /// pointer.
    fn pan_zoom(&mut self, ui: &Ui, response: &Response, canvas: Rect) {
        if response.dragged() {
            self.view.translation += response.drag_delta();
        }
        if !response.contains_pointer() {
            return;
        }
        let (zoom_delta, scroll, pointer) = ui.input(|i| {
            (
                i.zoom_delta(),
                i.smooth_scroll_delta,
                i.pointer.latest_pos(),
            )
        });
        if zoom_delta != 1.0
            && let Some(pointer) = pointer
        {
            let at = pointer - canvas.min;
            let in_scene = self.view.inverse() * at.to_pos2();
            let zoom = ZOOM_RANGE.clamp(self.view.scaling * zoom_delta);
            self.view = TSTransform::new(at - zoom * in_scene.to_vec2(), zoom);
        }
        self.view.translation += scroll;
    }

    /// Zooms by `factor` around `at` (canvas coordinates).
    fn zoom_by(&mut self, factor: f32, at: Vec2) {
        let in_scene = self.view.inverse() * at.to_pos2();
        let zoom = ZOOM_RANGE.clamp(self.view.scaling * factor);
        self.view = TSTransform::new(at - zoom * in_scene.to_vec2(), zoom);
    }

    /// The zoom buttons in the canvas's bottom-right corner: out, the level (a click gives
    /// 100%), in, and Fit.
    fn zoom_controls_ui(&mut self, ui: &mut Ui, canvas: Rect) {
        let centre = canvas.size() / 2.0;
        let id = ui.scope_id().with("canvas zoom");
        egui::Area::new(id)
            .order(egui::Order::Foreground)
            .fixed_pos(canvas.right_bottom() - vec2(190.0, 40.0))
            .constrain_to(canvas)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style())
                    .inner_margin(4)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            if ui
                                .button("−")
                                .on_hover_text("Zoom out (Ctrl+scroll)")
                                .accessible_name("Zoom out")
                                .clicked()
                            {
                                self.zoom_by(1.0 / ZOOM_STEP, centre);
                            }
                            let level = format!("{:.0}%", self.view.scaling * 100.0);
                            if ui
                                .button(&level)
                                .on_hover_text("The zoom level: click for 100%")
                                .accessible_name(format!("Zoom {level}: click for 100%"))
                                .clicked()
                            {
                                self.zoom_by(1.0 / self.view.scaling, centre);
                            }
                            if ui
                                .button("+")
                                .on_hover_text("Zoom in (Ctrl+scroll)")
                                .accessible_name("Zoom in")
                                .clicked()
                            {
                                self.zoom_by(ZOOM_STEP, centre);
                            }
                            if ui
                                .button("Fit")
                                .on_hover_text("Show the whole graph (F)")
                                .clicked()
                            {
                                self.request_fit();
                            }
                        });
                    });
            });
    }

    /// A minimap in the canvas's bottom-left corner when the graph is larger than the view: every
    /// state as a block, the view as a frame; a click or drag there moves the view.
    fn minimap_ui(&mut self, ui: &mut Ui, canvas: Rect, layout: &Layout, colors: &CanvasColors) {
        let bounds = to_rect(layout.bounds()).expand(30.0);
        let seen = Rect::from_min_max(
            self.view.inverse() * Pos2::ZERO,
            self.view.inverse() * canvas.size().to_pos2(),
        );
        // A few screen points of slack: a fitted graph is in view to the last point.
        let slack = 4.0 / self.view.scaling;
        if seen.expand(slack).contains_rect(bounds)
            || bounds.width() <= 0.0
            || bounds.height() <= 0.0
        {
            return;
        }
        // A tall graph gets a taller map (up to half the canvas); a very narrow or flat one is
        // stretched to a usable width or height rather than drawn as a line.
        let tall = bounds.height() > 4.0 * bounds.width();
        let room = if tall {
            vec2(MINIMAP_SIZE.x, MINIMAP_SIZE.y.max(canvas.height() * 0.5))
        } else {
            MINIMAP_SIZE
        };
        let uniform = (room.x / bounds.width()).min(room.y / bounds.height());
        let size = (bounds.size() * uniform).max(vec2(36.0, 36.0)).min(room);
        let scale = vec2(size.x / bounds.width(), size.y / bounds.height());
        let rect = Rect::from_min_size(canvas.left_bottom() + vec2(10.0, -10.0 - size.y), size);
        let map = |p: Pos2| rect.min + (p - bounds.min) * scale;
        let response = ui
            .interact(
                rect,
                ui.scope_id().with("canvas minimap"),
                Sense::click_and_drag(),
            )
            .on_hover_text("Minimap: click or drag to move the view");
        response.widget_info(|| WidgetInfo::labeled(Role::Image, true, "Minimap"));
        let painter = ui.painter_at(canvas);
        painter.rect(
            rect.expand(4.0),
            CornerRadius::same(4),
            colors.background,
            Stroke::new(1.0, colors.node_stroke),
            StrokeKind::Outside,
        );
        let mut nodes = Vec::new();
        scene_nodes(&layout.root, &mut nodes);
        for (node, container) in nodes {
            let r = Rect::from_min_max(map(node.min), map(node.max));
            if container {
                painter.rect_stroke(
                    r,
                    0.0,
                    Stroke::new(1.0, colors.node_stroke),
                    StrokeKind::Inside,
                );
            } else {
                painter.rect_filled(r, 0.0, colors.node_stroke);
            }
        }
        let frame = Rect::from_min_max(map(seen.min), map(seen.max)).intersect(rect.expand(2.0));
        painter.rect_stroke(
            frame,
            0.0,
            Stroke::new(1.5, colors.selected),
            StrokeKind::Inside,
        );
        if (response.clicked() || response.dragged())
            && let Some(pointer) = response.interact_pointer_pos()
        {
            // Centre the view on the scene point under the pointer.
            let target = bounds.min + (pointer - rect.min) / scale;
            self.view.translation = canvas.size() / 2.0 - self.view.scaling * target.to_vec2();
        }
    }

    /// Draws the canvas and queues what the user did: edits, and the new selection. With an
    /// `overlay` (the Run mode) it shows a run's statuses and queues no edits.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ctx: &PanelCtx<'_>,
        view: GraphView<'_>,
        overlay: Option<&RunOverlay>,
        actions: &mut Actions,
    ) {
        let GraphView {
            graph,
            problems,
            generation,
        } = view;
        self.update_layout(ui, graph, generation);
        let Some(laid_out) = self.laid_out.take() else {
            return;
        };
        let colors = CanvasColors::for_visuals(ui.visuals());
        let avail = ui.available_rect_before_wrap();
        let canvas_id = ui.scope_id().with("canvas");
        // Taken before the canvas's widget sees them (Enter on a focused widget is a click).
        let keys = canvas_keys_pressed(ui, canvas_id);
        let response = ui.interact(avail, canvas_id, Sense::click_and_drag());
        response.widget_info(|| WidgetInfo::labeled(Role::Canvas, true, "Workflow graph"));
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_description(
                "Tab and Shift+Tab move between states, the arrow keys follow transitions, \
                 Enter opens the state in the inspector",
            );
        });
        ui.advance_cursor_after_rect(avail);
        if let Some(fit) = self.fit_pending
            && avail.width() > 1.0
            && avail.height() > 1.0
        {
            self.view = match fit {
                Fit::Readable => fit_view(&laid_out.layout, avail.size()),
                Fit::Whole => fit_whole(&laid_out.layout, avail.size()),
            };
            self.fit_pending = None;
        }
        self.pan_zoom(ui, &response, avail);
        let painter = ui.painter_at(avail);
        painter.rect_filled(avail, 0.0, colors.background);

        // While a run is shown nothing is dragged in or moved.
        let editable = overlay.is_none();
        let dragging_payload =
            egui::DragAndDrop::payload::<DragPayload>(ui.ctx()).filter(|_| editable);
        let moving = egui::DragAndDrop::payload::<MovePayload>(ui.ctx()).filter(|_| editable);
        let drag_key = match (&dragging_payload, &moving) {
            (Some(p), _) => Some(format!("{p:?}")),
            (None, Some(m)) => Some(format!("move {:?}", m.0)),
            (None, None) => None,
        };
        match &drag_key {
            Some(key)
                if !self
                    .rules
                    .as_ref()
                    .is_some_and(|r| r.generation == generation && &r.key == key) =>
            {
                let allowed = allowed_points(
                    ctx.value,
                    graph,
                    dragging_payload.as_deref(),
                    moving.as_deref(),
                );
                self.rules = Some(DropRules {
                    generation,
                    key: key.clone(),
                    allowed,
                });
            }
            None => self.rules = None,
            _ => {}
        }

        let mut drawer = Drawer {
            colors,
            painter,
            to_screen: TSTransform::from_translation(avail.min.to_vec2()) * self.view,
            selection: ctx.selection,
            problems,
            clicked: None,
            drag_started: None,
            targets: Vec::new(),
            nodes: Vec::new(),
            any_node_hovered: false,
            pointer: ui.ctx().pointer_latest_pos(),
            link_from: self.linking.clone(),
            link_started: None,
            handles: Vec::new(),
            handle_states: Vec::new(),
            states: Vec::new(),
            overlay,
            coverage_marks: Vec::new(),
        };
        drawer.scope_ui(ui, &graph.root, &laid_out.layout.root);
        // After the nodes, so they are hit before the nodes and the background.
        let dropped = match &self.rules {
            Some(rules) => drop_targets_ui(
                ui,
                &drawer.painter,
                &colors,
                &rules.allowed,
                &drawer.targets,
                self.view.scaling,
            ),
            None => Dropped::default(),
        };
        let link_edit = if editable {
            self.link_ui(ui, &drawer, &colors)
        } else {
            None
        };
        let Drawer {
            clicked,
            drag_started,
            nodes,
            any_node_hovered,
            handles,
            coverage_marks,
            ..
        } = drawer;
        self.coverage_marks = coverage_marks;
        if let Some(edit) = link_edit {
            actions.push(Action::Edit(edit));
        }

        // A click on the canvas gives it the keyboard (Tab between states, arrows along
        // transitions).
        if clicked.is_some() || response.clicked() {
            response.request_focus();
        }
        actions.extend(self.keyboard_ui(ui, keys, graph, &laid_out.layout, avail, ctx.selection));

        // Selection.
        if let Some((state, modifiers)) = clicked {
            let mut selection = ctx.selection.clone();
            select(&mut selection, state, modifiers.shift || modifiers.command);
            actions.push(Action::Select(selection));
        } else if response.clicked() {
            actions.push(Action::Select(Selection::None));
        }
        if let Some(state) = drag_started.filter(|_| editable) {
            egui::DragAndDrop::set_payload(ui.ctx(), MovePayload(state));
        }

        self.drop_targets = dropped.targets;
        if let Some(edit) = dropped.edit {
            actions.push(Action::Edit(edit));
        }
        if self.rules.as_ref().is_some_and(|r| r.allowed.is_empty())
            && dragging_payload.is_some()
            && response.contains_pointer()
        {
            response.clone().on_hover_text_at_pointer(
                "This state cannot be inserted anywhere in this workflow",
            );
        }

        // A ghost of what is dragged, beside the pointer.
        if let Some(pos) = ui.ctx().pointer_latest_pos() {
            let text = match (&dragging_payload, &moving) {
                (Some(p), _) => Some(match p.as_ref() {
                    DragPayload::State { name, .. } | DragPayload::Pattern { name, .. } => {
                        name.clone()
                    }
                }),
                (None, Some(m)) => Some(m.0.name.clone()),
                _ => None,
            };
            if let Some(text) = text {
                let layer =
                    egui::LayerId::new(egui::Order::Tooltip, Id::unique("canvas drag ghost"));
                let painter = ui.ctx().layer_painter(layer);
                let galley = painter.layout_no_wrap(text, theme::title_font(), colors.text);
                let rect = Rect::from_min_size(pos + vec2(14.0, 10.0), galley.size())
                    .expand2(vec2(8.0, 5.0));
                painter.rect(
                    rect,
                    CornerRadius::same(theme::NODE_RADIUS),
                    colors.node_fill.gamma_multiply(0.9),
                    Stroke::new(1.5, colors.selected),
                    StrokeKind::Inside,
                );
                painter.galley(rect.min + vec2(8.0, 5.0), galley, colors.text);
            }
        }

        self.minimap_ui(ui, avail, &laid_out.layout, &colors);
        self.zoom_controls_ui(ui, avail);
        self.status_marks = overlay
            .filter(|o| o.coverage.is_none())
            .map(|o| {
                nodes
                    .iter()
                    .filter_map(|(name, _)| o.statuses.get(name).map(|s| (name.clone(), *s)))
                    .collect()
            })
            .unwrap_or_default();
        self.compare_marks = overlay
            .and_then(|o| o.compare.as_ref())
            .map(|c| {
                nodes
                    .iter()
                    .filter_map(|(name, _)| c.mark(name).map(|m| (name.clone(), m)))
                    .collect()
            })
            .unwrap_or_default();
        self.node_rects = nodes;
        self.handle_rects = handles;
        self.follow(ui, avail, overlay.and_then(|o| o.follow.as_deref()));
        if self.linking.is_some() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Alias);
        } else if response.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
        } else if response.contains_pointer() && !any_node_hovered && self.rules.is_none() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grab);
        }
        self.laid_out = Some(laid_out);
    }
}

impl Canvas {
    /// The canvas's keys while it has the keyboard focus: Tab and Shift+Tab select the next and
    /// previous state, the arrow keys follow transitions (see [`canvas_keys`]), Enter opens the
    /// selected state in the inspector (its name field takes the focus). The state reached is
    /// brought into view.
    fn keyboard_ui(
        &mut self,
        ui: &Ui,
        keys: CanvasKeys,
        graph: &WorkflowGraph,
        layout: &Layout,
        canvas: Rect,
        selection: &Selection,
    ) -> Option<Action> {
        let current = selection.primary().map(StateRef::pointer);
        let mut select = None;
        if let Some(key) = keys.moved
            && let Some(to) = canvas_keys::step(graph, current.as_ref(), key)
            && let Some(state) = StateRef::from_pointer(&to)
        {
            select = Some(Action::Select(Selection::States(vec![state])));
            if let Some(scene) = scene_rect_of(&graph.root, &layout.root, &to) {
                let rect =
                    (TSTransform::from_translation(canvas.min.to_vec2()) * self.view) * scene;
                let margin = (canvas.size() * 0.15).min(vec2(80.0, 80.0));
                if !canvas.shrink2(margin).contains_rect(rect) {
                    self.view.translation += canvas.center() - rect.center();
                }
            }
            ui.ctx().request_repaint();
        }
        if current.is_some() && keys.enter {
            ui.memory_mut(|m| m.request_focus(super::inspector::name_id()));
        }
        select
    }

    /// Follow: when the state to follow changes, and its node is not well inside the canvas,
    /// the view is moved to centre it (from the next frame on).
    fn follow(&mut self, ui: &Ui, canvas: Rect, name: Option<&str>) {
        let Some(name) = name else {
            self.followed = None;
            return;
        };
        if self.followed.as_deref() == Some(name) {
            return;
        }
        let Some((_, rect)) = self.node_rects.iter().find(|(n, _)| n == name) else {
            return;
        };
        self.followed = Some(name.to_owned());
        let margin = (canvas.size() * 0.15).min(vec2(80.0, 80.0));
        if !canvas.shrink2(margin).contains_rect(*rect) {
            self.view.translation += canvas.center() - rect.center();
            ui.ctx().request_repaint();
        }
    }

    /// The drag from a node's handle: a rubber band from the handle to the pointer, the node
    /// under it outlined when it may be the source's next state. Releasing there returns the edit
    /// that sets it; releasing elsewhere or pressing Escape cancels.
    fn link_ui(&mut self, ui: &Ui, drawer: &Drawer<'_>, colors: &CanvasColors) -> Option<Edit> {
        if let Some(state) = &drawer.link_started {
            self.linking = Some(state.clone());
        }
        let from = self.linking.clone()?;
        let (released, escape) =
            ui.input(|i| (!i.pointer.primary_down(), i.key_pressed(egui::Key::Escape)));
        let Some(pointer) = drawer.pointer.filter(|_| !escape) else {
            if escape || released {
                self.linking = None;
            }
            return None;
        };
        let target = drawer
            .states
            .iter()
            .find(|(s, r)| r.contains(pointer) && s.scope == from.scope && s != &from)
            .map(|(s, r)| (s.clone(), *r));
        let start = drawer
            .handles
            .iter()
            .zip(&drawer.handle_states)
            .find(|(_, s)| *s == &from)
            .map(|((_, r), _)| r.center());
        let stroke = Stroke::new(2.0, colors.selected);
        if let Some(start) = start {
            let end = target.as_ref().map_or(pointer, |(_, r)| r.center_top());
            drawer.painter.line_segment([start, end], stroke);
            drawer
                .painter
                .circle_filled(end, theme::HANDLE_RADIUS * 0.6, colors.selected);
        }
        if let Some((_, rect)) = target {
            drawer.painter.rect_stroke(
                rect.expand(3.0),
                CornerRadius::same(theme::NODE_RADIUS + 2),
                stroke,
                StrokeKind::Outside,
            );
        }
        if !released {
            return None;
        }
        self.linking = None;
        target.map(|(to, _)| Edit::SetTransition {
            from,
            via: Via::Next,
            to: Some(to.name),
        })
    }
}

/// The drop targets drawn this frame (screen coordinates) and the edit of a drop.
#[derive(Debug, Default)]
struct Dropped {
    targets: Vec<(String, Rect)>,
    edit: Option<Edit>,
}

/// Draws the allowed drop targets over the graph, at a fixed size on screen whatever the zoom,
/// and takes a drop on one of them.
fn drop_targets_ui(
    ui: &Ui,
    painter: &Painter,
    colors: &CanvasColors,
    allowed: &[InsertPoint],
    targets: &[DropTarget],
    zoom: f32,
) -> Dropped {
    // Targets shrink with the graph when it is zoomed far out, so they never cover the nodes.
    let scale = marker_scale(zoom);
    let mut out = Dropped::default();
    let visible = painter.clip_rect();
    for (i, target) in targets.iter().enumerate() {
        if !allowed.contains(&target.at) || !visible.contains(target.pos) {
            continue;
        }
        let rect = Rect::from_center_size(target.pos, Vec2::splat(26.0 * scale));
        let r = ui.interact(rect, Id::unique(("drop target", i)), Sense::hover());
        r.widget_info(|| WidgetInfo::labeled(Role::Button, true, &target.label));
        let hot = r.dnd_hover_payload::<DragPayload>().is_some()
            || r.dnd_hover_payload::<MovePayload>().is_some();
        let (radius, color) = if hot {
            (theme::DROP_RADIUS * 1.5 * scale, colors.drop_hot)
        } else {
            (theme::DROP_RADIUS * scale, colors.drop)
        };
        painter.circle(
            target.pos,
            radius + 4.0 * scale,
            color.gamma_multiply(0.25),
            Stroke::NONE,
        );
        painter.circle(target.pos, radius, color, Stroke::new(2.0, theme::ON_FILL));
        painter.text(
            target.pos,
            Align2::CENTER_CENTER,
            "+",
            FontId::proportional(radius * 1.6),
            theme::ON_FILL,
        );
        out.targets.push((target.label.clone(), rect));
        // Taking a payload takes it whatever its type: ask for the type it has.
        if egui::DragAndDrop::has_payload_of_type::<DragPayload>(ui.ctx()) {
            if let Some(payload) = r.dnd_release_payload::<DragPayload>() {
                out.edit = Some(insert_edit(&payload, &target.at));
            }
        } else if let Some(moved) = r.dnd_release_payload::<MovePayload>() {
            out.edit = Some(Edit::MoveState {
                state: moved.0.clone(),
                to: target.at.clone(),
            });
        }
    }
    out
}

/// Selects `state`, or with `toggle` adds it to or removes it from the selection.
fn select(selection: &mut Selection, state: StateRef, toggle: bool) {
    if !toggle {
        *selection = Selection::States(vec![state]);
        return;
    }
    match selection {
        Selection::States(states) => {
            if let Some(i) = states.iter().position(|s| s == &state) {
                states.remove(i);
                if states.is_empty() {
                    *selection = Selection::None;
                }
            } else {
                states.push(state);
            }
        }
        Selection::None => *selection = Selection::States(vec![state]),
    }
}

/// The edit that inserts a dragged payload at `at`.
pub fn insert_edit(payload: &DragPayload, at: &InsertPoint) -> Edit {
    match payload {
        DragPayload::State { name, state } => Edit::InsertState {
            at: at.clone(),
            name: name.clone(),
            state: state.clone(),
        },
        DragPayload::Pattern { pattern, .. } => Edit::InsertPattern {
            at: at.clone(),
            pattern: pattern.clone(),
        },
    }
}

/// Every insertion point of the graph: its edges and its empty bodies.
fn insert_points(graph: &WorkflowGraph) -> Vec<InsertPoint> {
    let mut out = Vec::new();
    for scope in graph.scopes() {
        out.extend(
            scope
                .edges
                .iter()
                .filter_map(stepcraft::graph::Edge::insert_point),
        );
        if is_empty_scope(scope) {
            out.push(InsertPoint::start(scope.pointer.clone()));
        }
    }
    out
}

fn is_empty_scope(scope: &ScopeGraph) -> bool {
    !scope
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::State(_)))
}

/// The insertion points the rules allow for what is dragged.
fn allowed_points(
    value: &serde_json::Value,
    graph: &WorkflowGraph,
    payload: Option<&DragPayload>,
    moving: Option<&MovePayload>,
) -> Vec<InsertPoint> {
    let points = insert_points(graph);
    match (payload, moving) {
        (Some(DragPayload::State { state, .. }), _) => {
            let ty = state
                .get("Type")
                .and_then(serde_json::Value::as_str)
                .and_then(StateType::from_name);
            match ty {
                Some(ty) => points
                    .into_iter()
                    .filter(|p| can_insert_at(value, p, ty).is_ok())
                    .collect(),
                None => Vec::new(),
            }
        }
        (Some(payload @ DragPayload::Pattern { .. }), _) => points
            .into_iter()
            .filter(|p| insert_edit(payload, p).can_apply(value).is_ok())
            .collect(),
        (None, Some(MovePayload(state))) => points
            .into_iter()
            .filter(|p| {
                // Not next to itself: moving a state onto its own edges changes nothing.
                !matches!(p, InsertPoint::Edge { from, .. } if from == state)
                    && (Edit::MoveState {
                        state: state.clone(),
                        to: p.clone(),
                    })
                    .can_apply(value)
                    .is_ok_and(|()| moves_something(value, state, p))
            })
            .collect(),
        (None, None) => Vec::new(),
    }
}

/// Whether moving `state` to `to` changes the definition.
fn moves_something(value: &serde_json::Value, state: &StateRef, to: &InsertPoint) -> bool {
    let mut copy = value.clone();
    (Edit::MoveState {
        state: state.clone(),
        to: to.clone(),
    })
    .apply(&mut copy)
    .is_ok()
        && &copy != value
}

/// How much the handles and drop targets (a fixed size on screen near zoom 1) shrink when the
/// graph is zoomed far out: with the zoom, down to a third of their size.
fn marker_scale(zoom: f32) -> f32 {
    (zoom * 1.5).clamp(0.35, 1.0)
}

/// How to fit the graph into the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// On opening: readable text first (see [`fit_view`]).
    Readable,
    /// On request (F, Fit): the whole graph, however far out that zooms.
    Whole,
}

/// The view that shows the whole layout centred, as large as fits (never enlarged past 1).
fn fit_whole(layout: &Layout, canvas: Vec2) -> TSTransform {
    let bounds = to_rect(layout.bounds()).expand(30.0);
    let zoom = (canvas.x / bounds.width())
        .min(canvas.y / bounds.height())
        .min(MAX_FIT_ZOOM);
    let zoom = ZOOM_RANGE.clamp(zoom);
    TSTransform::new(canvas / 2.0 - zoom * bounds.center().to_vec2(), zoom)
}

/// The canvas's keys pressed this frame.
#[derive(Clone, Copy, Debug, Default)]
struct CanvasKeys {
    /// Tab, Shift+Tab or an arrow.
    moved: Option<CanvasKey>,
    /// Enter.
    enter: bool,
}

/// Takes the canvas's keys while it has the focus (`id`), and keeps Tab and the arrows on it
/// (Escape leaves it).
fn canvas_keys_pressed(ui: &Ui, id: Id) -> CanvasKeys {
    if !ui.memory(|m| m.has_focus(id)) {
        return CanvasKeys::default();
    }
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            id,
            egui::EventFilter {
                tab: true,
                horizontal_arrows: true,
                vertical_arrows: true,
                escape: false,
            },
        );
    });
    let none = egui::Modifiers::NONE;
    ui.input_mut(|i| {
        let moved = if i.consume_key(egui::Modifiers::SHIFT, egui::Key::Tab) {
            Some(CanvasKey::Previous)
        } else if i.consume_key(none, egui::Key::Tab) {
            Some(CanvasKey::Next)
        } else if i.consume_key(none, egui::Key::ArrowDown) {
            Some(CanvasKey::Follow)
        } else if i.consume_key(none, egui::Key::ArrowRight) {
            Some(CanvasKey::FollowOther)
        } else if i.consume_key(none, egui::Key::ArrowUp) {
            Some(CanvasKey::Back)
        } else if i.consume_key(none, egui::Key::ArrowLeft) {
            Some(CanvasKey::BackOther)
        } else {
            None
        };
        // Space too: on a focused widget it would be a click (clearing the selection).
        let enter = i.consume_key(none, egui::Key::Enter) | i.consume_key(none, egui::Key::Space);
        CanvasKeys { moved, enter }
    })
}

/// The scene rectangle of the state at `pointer` (inside containers too).
fn scene_rect_of(
    graph: &ScopeGraph,
    layout: &GraphLayout,
    pointer: &stepcraft::Pointer,
) -> Option<Rect> {
    for (node, placed) in graph.nodes.iter().zip(&layout.nodes) {
        if matches!(&node.id, NodeId::State(p) if p == pointer) {
            return Some(to_rect(placed.rect));
        }
        if let Some(container) = &placed.container {
            for (body, body_layout) in node.bodies.iter().zip(&container.bodies) {
                if let Some(rect) = scene_rect_of(&body.graph, &body_layout.graph, pointer) {
                    return Some(rect);
                }
            }
        }
    }
    None
}

/// Every state node's rectangle in scene coordinates, containers' inner nodes included, each
/// with whether it is a container (a Parallel or Map, drawn as an outline around its states).
fn scene_nodes(graph: &GraphLayout, out: &mut Vec<(Rect, bool)>) {
    for node in &graph.nodes {
        out.push((to_rect(node.rect), node.container.is_some()));
        if let Some(container) = &node.container {
            for body in &container.bodies {
                scene_nodes(&body.graph, out);
            }
        }
    }
}

/// The view that shows the whole layout centred, zoomed between [`MIN_FIT_ZOOM`] and
/// [`MAX_FIT_ZOOM`]; a graph that would be smaller than [`READABLE_FIT_ZOOM`] whole is fitted
/// to the width instead; a graph taller than the canvas at the zoom chosen is shown from its
/// top.
fn fit_view(layout: &Layout, canvas: Vec2) -> TSTransform {
    let bounds = to_rect(layout.bounds()).expand(30.0);
    let across = canvas.x / bounds.width();
    let whole = across.min(canvas.y / bounds.height());
    let zoom = if whole >= READABLE_FIT_ZOOM {
        whole
    } else {
        across.min(READABLE_FIT_ZOOM)
    }
    .clamp(MIN_FIT_ZOOM, MAX_FIT_ZOOM);
    let mut translation = canvas / 2.0 - zoom * bounds.center().to_vec2();
    if bounds.height() * zoom > canvas.y {
        translation.y = -zoom * bounds.min.y;
    }
    TSTransform::new(translation, zoom)
}

fn to_rect(r: layout::Rect) -> Rect {
    Rect::from_min_size(pos2(r.min.x, r.min.y), vec2(r.size.w, r.size.h))
}

fn to_pos(p: layout::Point) -> Pos2 {
    pos2(p.x, p.y)
}

/// Measures nodes with egui's fonts.
struct EguiMeasure<'a, 'f> {
    fonts: RefCell<&'a mut egui::epaint::text::FontsView<'f>>,
}

impl EguiMeasure<'_, '_> {
    fn width(&self, text: &str, font: FontId) -> f32 {
        self.fonts
            .borrow_mut()
            .layout_no_wrap(text.to_owned(), font, theme::ON_FILL)
            .size()
            .x
    }

    fn height(&self, font: &FontId) -> f32 {
        self.fonts.borrow_mut().row_height(font)
    }
}

/// The second line of a node: its type and subtitle.
fn detail_line(node: &Node) -> String {
    let ty = node.state_type();
    let type_name = ty.map_or("Unknown type", StateType::as_str);
    match &node.subtitle {
        Some(s) if node.kind == NodeKind::Missing => s.clone(),
        Some(s) => format!("{} {type_name} · {s}", theme::state_icon(ty)),
        None => format!("{} {type_name}", theme::state_icon(ty)),
    }
}

impl Measure for EguiMeasure<'_, '_> {
    fn node_size(&self, node: &Node) -> Size {
        if matches!(node.kind, NodeKind::Start | NodeKind::End) {
            return Size::new(64.0, 26.0);
        }
        let title = self.width(&node.title, theme::title_font());
        let detail = self.width(
            &chips::display(&detail_line(node)).0,
            theme::subtitle_font(),
        );
        let w = (title.max(detail) + 2.0 * theme::NODE_PAD_X + theme::STRIPE)
            .clamp(theme::NODE_MIN_WIDTH, theme::NODE_MAX_WIDTH);
        let h = 2.0 * theme::NODE_PAD_Y
            + self.height(&theme::title_font())
            + theme::LINE_GAP
            + self.height(&theme::subtitle_font());
        Size::new(w.ceil(), h.ceil())
    }

    fn label_size(&self, text: &str) -> Size {
        let w = self.width(&chips::display(text).0, theme::label_font()) + 10.0;
        Size::new(
            w.ceil().min(220.0),
            self.height(&theme::label_font()).ceil() + 4.0,
        )
    }
}

/// Draws one frame of the graph and collects what the user did.
///
/// Everything is drawn in screen coordinates: `to_screen` maps the layout's scene coordinates to
/// the screen, and sizes (fonts, strokes, radii) are multiplied by its zoom.
struct Drawer<'a> {
    /// The Run mode's statuses, when a run is shown.
    overlay: Option<&'a RunOverlay>,
    colors: CanvasColors,
    /// Paints clipped to the canvas.
    painter: Painter,
    to_screen: TSTransform,
    selection: &'a Selection,
    problems: &'a ProblemIndex,
    clicked: Option<(StateRef, egui::Modifiers)>,
    drag_started: Option<StateRef>,
    targets: Vec<DropTarget>,
    nodes: Vec<(String, Rect)>,
    any_node_hovered: bool,
    /// Where the pointer is, on screen.
    pointer: Option<Pos2>,
    /// The state whose handle was being dragged when the frame began.
    link_from: Option<StateRef>,
    /// The state whose handle started being dragged this frame.
    link_started: Option<StateRef>,
    /// The next-state handles drawn: their states' names and screen rectangles.
    handles: Vec<(String, Rect)>,
    /// The state of each handle in `handles`.
    handle_states: Vec<StateRef>,
    /// The nodes a handle may be dropped on: their states and screen rectangles.
    states: Vec<(StateRef, Rect)>,
    /// The coverage marks drawn: item ids and whether covered.
    coverage_marks: Vec<(String, bool)>,
}

/// A single line of text cut with "…" to fit `width`.
fn line_galley(ui: &Ui, text: &str, font: FontId, color: Color32, width: f32) -> Arc<egui::Galley> {
    let job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat {
            font_id: font,
            color,
            ..Default::default()
        },
    );
    one_line(ui, job, width)
}

/// Like [`line_galley`], with deploy-time placeholders drawn as parameter chips.
fn chip_line_galley(
    ui: &Ui,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Arc<egui::Galley> {
    let job = chips::job(text, font, color, ui.visuals().dark_mode);
    one_line(ui, job, width)
}

/// Lays out a job on one line of at most `width`, cut with an ellipsis.
fn one_line(ui: &Ui, mut job: LayoutJob, width: f32) -> Arc<egui::Galley> {
    job.wrap = TextWrapping {
        max_width: width.max(1.0),
        max_rows: 1,
        break_anywhere: true,
        overflow_character: Some('…'),
    };
    ui.ctx().fonts_mut(|f| f.layout_job(job))
}

impl Drawer<'_> {
    fn zoom(&self) -> f32 {
        self.to_screen.scaling
    }

    /// A length of the scene, on screen.
    fn len(&self, scene: f32) -> f32 {
        scene * self.zoom()
    }

    /// A layout rectangle, on screen.
    fn rect(&self, r: layout::Rect) -> Rect {
        self.to_screen * to_rect(r)
    }

    /// A stroke of `width` scene points, on screen: never thinner than a pixel, so it stays
    /// visible and sharp when zoomed out.
    fn stroke(&self, width: f32, color: Color32) -> Stroke {
        Stroke::new(self.len(width).max(1.0), color)
    }

    /// A corner radius of `radius` scene points, on screen.
    fn radius(&self, radius: u8) -> CornerRadius {
        CornerRadius::from(self.len(f32::from(radius)))
    }

    /// The font of `size` scene points at this zoom, or `None` when it would be smaller than
    /// `min_px` on screen.
    fn font(&self, size: f32, min_px: f32) -> Option<FontId> {
        let px = self.len(size);
        (px >= min_px).then(|| FontId::proportional(px))
    }

    /// The coverage item of a state node or an edge's field, when coverage is shown.
    fn coverage_of(&self, kind: ItemKind, pointer: &stepcraft::Pointer) -> Option<&Item> {
        self.overlay?.coverage.as_ref()?.item(kind, pointer)
    }

    /// Whether coverage is shown and the node's state is not covered.
    fn uncovered(&self, node: &Node) -> bool {
        match &node.id {
            NodeId::State(p) => self
                .coverage_of(ItemKind::State, p)
                .is_some_and(|i| !i.covered()),
            _ => false,
        }
    }

    fn scope_ui(&mut self, ui: &mut Ui, graph: &ScopeGraph, layout: &GraphLayout) {
        // Edges under the nodes.
        for (edge, route) in graph.edges.iter().zip(&layout.edges) {
            let points: Vec<Pos2> = route
                .points
                .iter()
                .map(|p| self.to_screen * to_pos(*p))
                .collect();
            if points.len() < 2 {
                continue;
            }
            let catch = matches!(edge.kind, EdgeKind::Catch(_));
            let covered = self
                .coverage_of(ItemKind::Edge, &edge.field)
                .map(Item::covered);
            if let Some(covered) = covered {
                self.coverage_marks
                    .push((format!("edge:{}", edge.field), covered));
            }
            let color = match (covered, catch) {
                (Some(true), _) => theme::coverage_color(true),
                (Some(false), true) => self.colors.catch_edge.gamma_multiply(theme::UNCOVERED_FADE),
                (Some(false), false) => self.colors.edge.gamma_multiply(theme::UNCOVERED_FADE),
                (None, true) => self.colors.catch_edge,
                (None, false) => self.colors.edge,
            };
            let stroke = self.stroke(if covered == Some(true) { 2.5 } else { 1.5 }, color);
            if catch {
                // Dashes stay long enough to tell a catch edge from the others.
                self.painter.extend(Shape::dashed_line(
                    &points,
                    stroke,
                    self.len(6.0).max(4.0),
                    self.len(4.0).max(3.0),
                ));
            } else {
                self.painter.add(Shape::line(points.clone(), stroke));
            }
            arrowhead(&self.painter, &points, self.len(8.0).max(4.0), color);
            let label_rect = route.label.map(|r| self.rect(r));
            if let (Some(text), Some(rect), Some(font)) = (
                &edge.label,
                label_rect,
                self.font(theme::LABEL_FONT, MIN_DETAIL_PX),
            ) {
                self.painter
                    .rect_filled(rect, self.radius(3), self.colors.label_fill);
                let galley = chip_line_galley(
                    ui,
                    text,
                    font,
                    if catch {
                        self.colors.catch_edge
                    } else {
                        self.colors.weak_text
                    },
                    rect.width() - self.len(4.0),
                );
                let pos = rect.center() - galley.size() / 2.0;
                self.painter.galley(pos, galley, self.colors.weak_text);
            }
            if let Some(at) = edge.insert_point() {
                let pos = along(&points, 0.5, label_rect);
                let from = graph.nodes.get(edge.from).map_or("", |n| n.title.as_str());
                let to = graph.nodes.get(edge.to).map_or("", |n| n.title.as_str());
                self.targets.push(DropTarget {
                    at,
                    pos,
                    label: format!("Insert between {from} and {to}"),
                });
            }
        }
        for (node, place) in graph.nodes.iter().zip(&layout.nodes) {
            let rect = self.rect(place.rect);
            match (&place.container, node.is_container()) {
                (Some(container), true) => {
                    self.container_ui(ui, node, rect, self.rect(container.header));
                    for (body, body_place) in node.bodies.iter().zip(&container.bodies) {
                        let body_rect = self.rect(body_place.rect);
                        self.painter.rect(
                            body_rect,
                            self.radius(4),
                            self.colors.body_fill,
                            self.stroke(1.0, self.colors.node_stroke.gamma_multiply(0.6)),
                            StrokeKind::Inside,
                        );
                        if let Some(font) = self.font(theme::LABEL_FONT, MIN_DETAIL_PX) {
                            let galley = line_galley(
                                ui,
                                &body.label,
                                font,
                                self.colors.weak_text,
                                body_rect.width() - self.len(8.0),
                            );
                            self.painter.galley(
                                self.rect(body_place.label).min,
                                galley,
                                self.colors.weak_text,
                            );
                        }
                        if is_empty_scope(&body.graph) {
                            self.targets.push(DropTarget {
                                at: InsertPoint::start(body.graph.pointer.clone()),
                                pos: body_rect.center(),
                                label: format!("Insert into {} of {}", body.label, node.title),
                            });
                        }
                        self.scope_ui(ui, &body.graph, &body_place.graph);
                    }
                }
                _ => self.node_ui(ui, node, rect),
            }
        }
    }

    /// Interaction common to state nodes and container headers; `rect` is on screen.
    fn interact(&mut self, ui: &Ui, node: &Node, rect: Rect) -> Option<(Response, StateRef, bool)> {
        let NodeId::State(pointer) = &node.id else {
            return None;
        };
        let state = StateRef::from_pointer(pointer)?;
        let selected = self.selection.contains(&state);
        let response = ui.interact(
            rect,
            Id::unique(("canvas node", pointer.as_str())),
            Sense::click_and_drag(),
        );
        let title = node.title.clone();
        response.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, &title));
        // The type, for screen readers (the name stays the state's name).
        let kind = node
            .state_type()
            .map_or_else(|| "State".to_owned(), |t| format!("{} state", t.as_str()));
        ui.ctx().accesskit_node_builder(response.id, |n| {
            n.set_description(kind);
            n.set_selected(selected);
        });
        if response.hovered() {
            self.any_node_hovered = true;
        }
        if response.clicked() {
            let modifiers = ui.input(|i| i.modifiers);
            self.clicked = Some((state.clone(), modifiers));
        }
        if response.drag_started() {
            self.drag_started = Some(state.clone());
        }
        self.nodes.push((node.title.clone(), rect));
        self.states.push((state.clone(), rect));
        let response = match self.problems.messages(pointer) {
            Some(messages) => response.on_hover_text(messages.join("\n")),
            None => response,
        };
        Some((response, state, selected))
    }

    /// Notes a state's coverage mark (drawn or scrolled out of view).
    fn mark_coverage(&mut self, node: &Node) {
        if let NodeId::State(p) = &node.id
            && let Some(covered) = self.coverage_of(ItemKind::State, p).map(Item::covered)
        {
            self.coverage_marks.push((format!("state:{p}"), covered));
        }
    }

    fn node_ui(&mut self, ui: &Ui, node: &Node, rect: Rect) {
        let c = self.colors;
        self.mark_coverage(node);
        if !self.painter.clip_rect().intersects(rect.expand(10.0)) {
            // Still reachable by name and clickable, just not painted.
            let _ = self.interact(ui, node, rect);
            return;
        }
        match node.kind {
            NodeKind::Start | NodeKind::End => {
                self.painter
                    .rect_filled(rect, self.radius(13), c.marker_fill(node.kind));
                if let Some(font) = self.font(theme::SUBTITLE_FONT, MIN_TITLE_PX) {
                    self.painter.text(
                        rect.center(),
                        Align2::CENTER_CENTER,
                        &node.title,
                        font,
                        theme::ON_FILL,
                    );
                }
                return;
            }
            NodeKind::Missing => {
                self.painter.rect(
                    rect,
                    self.radius(theme::NODE_RADIUS),
                    c.node_fill,
                    Stroke::NONE,
                    StrokeKind::Inside,
                );
                let outline = [
                    rect.left_top(),
                    rect.right_top(),
                    rect.right_bottom(),
                    rect.left_bottom(),
                    rect.left_top(),
                ];
                self.painter.extend(Shape::dashed_line(
                    &outline,
                    self.stroke(1.5, c.marker_fill(NodeKind::Missing)),
                    self.len(5.0),
                    self.len(3.0),
                ));
                self.node_text(ui, node, rect, c.marker_fill(NodeKind::Missing));
                return;
            }
            NodeKind::State(_) => {}
        }
        let Some((_, state, selected)) = self.interact(ui, node, rect) else {
            self.box_ui(ui, node, rect, false);
            return;
        };
        self.box_ui(ui, node, rect, selected);
        self.handle_ui(ui, node, &state, rect, selected);
    }

    /// The handle at the bottom of a node whose state can have a `Next`, shown while the node
    /// is selected or the pointer is near it, and dragged to another node to make it the next
    /// state. `anchor` is the node's whole rectangle on screen.
    fn handle_ui(&mut self, ui: &Ui, node: &Node, state: &StateRef, anchor: Rect, selected: bool) {
        if self.overlay.is_some() {
            return;
        }
        let can_have_next = matches!(
            node.state_type(),
            Some(
                StateType::Task
                    | StateType::Pass
                    | StateType::Wait
                    | StateType::Parallel
                    | StateType::Map
            )
        );
        // Not while a state is dragged to a drop target.
        if !can_have_next || egui::DragAndDrop::has_any_payload(ui.ctx()) {
            return;
        }
        let radius = theme::HANDLE_RADIUS * marker_scale(self.to_screen.scaling);
        let linking = self.link_from.as_ref() == Some(state);
        let near = self
            .pointer
            .is_some_and(|p| anchor.expand(2.0 * radius).contains(p));
        if !(selected || near || linking) {
            return;
        }
        let center = anchor.center_bottom();
        let hit = Rect::from_center_size(center, Vec2::splat(2.0 * radius + 6.0));
        let response = ui.interact(
            hit,
            Id::unique(("canvas next handle", state.pointer().as_str())),
            Sense::drag(),
        );
        let title = node.title.clone();
        response.widget_info(|| {
            WidgetInfo::labeled(Role::Button, true, format!("Set the next state of {title}"))
        });
        if response.drag_started() {
            self.link_started = Some(state.clone());
        }
        let hot = linking || response.hovered() || response.dragged();
        if response.hovered() {
            self.any_node_hovered = true;
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        }
        let (fill, stroke) = if hot {
            (self.colors.selected, Stroke::new(2.0, theme::ON_FILL))
        } else {
            (
                self.colors.node_fill,
                Stroke::new(2.0, self.colors.selected),
            )
        };
        self.painter.circle(
            center,
            if hot { radius * 1.25 } else { radius },
            fill,
            stroke,
        );
        self.handles.push((node.title.clone(), hit));
        self.handle_states.push(state.clone());
    }

    fn box_ui(&self, ui: &Ui, node: &Node, rect: Rect, selected: bool) {
        let c = self.colors;
        let accent = theme::state_color(node.state_type());
        let covered = match &node.id {
            NodeId::State(p) => self.coverage_of(ItemKind::State, p).map(Item::covered),
            _ => None,
        };
        // Coverage, when shown, takes the place of the last run's statuses.
        let status = self
            .overlay
            .filter(|o| o.coverage.is_none())
            .and_then(|o| o.statuses.get(node.title.as_str()).copied());
        let stroke = if selected {
            // Selection stays visible however far out the view is zoomed.
            Stroke::new(self.len(2.5).max(2.0), c.selected)
        } else if covered == Some(true) {
            Stroke::new(self.len(2.5).max(2.0), theme::coverage_color(true))
        } else if let Some(status) = status {
            Stroke::new(self.len(2.5).max(2.0), theme::run_color(status))
        } else {
            self.stroke(1.0, c.node_stroke)
        };
        let fill = match (covered, status) {
            (Some(true), _) => c.node_fill.lerp_to_gamma(theme::coverage_color(true), 0.18),
            (Some(false), _) => c
                .node_fill
                .lerp_to_gamma(c.background, 1.0 - theme::UNCOVERED_FADE),
            (None, Some(status)) => c.node_fill.lerp_to_gamma(theme::run_color(status), 0.18),
            (None, None) => c.node_fill,
        };
        let radius = self.radius(theme::NODE_RADIUS);
        self.painter
            .rect(rect, radius, fill, Stroke::NONE, StrokeKind::Inside);
        if let Some(o) = self.overlay {
            self.run_marks_ui(o, node, rect, status);
        }
        let stripe = Rect::from_min_max(
            rect.min,
            pos2(rect.min.x + self.len(theme::STRIPE), rect.max.y),
        );
        self.painter.rect_filled(
            stripe,
            CornerRadius {
                ne: 0,
                se: 0,
                ..radius
            },
            accent,
        );
        self.painter
            .rect(rect, radius, theme::TRANSPARENT, stroke, StrokeKind::Inside);
        if covered == Some(false) && !selected {
            self.uncovered_outline_ui(rect);
        }
        if let (Some(covered), Some(font)) = (covered, self.font(9.0, MIN_DETAIL_PX)) {
            let hits = match &node.id {
                NodeId::State(p) => self.coverage_of(ItemKind::State, p).map_or(0, |i| i.hits),
                _ => 0,
            };
            let word = if covered {
                format!("covered ×{hits}")
            } else {
                "not covered".to_owned()
            };
            // Above the dashed outline of an uncovered state.
            let lift = if covered { 1.0 } else { 4.5 };
            self.painter.text(
                pos2(rect.max.x - self.len(4.0), rect.min.y - self.len(lift)),
                Align2::RIGHT_BOTTOM,
                word,
                font,
                theme::coverage_color(covered),
            );
        }
        self.node_text(ui, node, rect, accent);
        self.badge_ui(node, rect);
    }

    /// A dashed outline around a state no test case entered.
    fn uncovered_outline_ui(&self, rect: Rect) {
        let r = rect.expand(self.len(3.0));
        let points = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
            r.left_top(),
        ];
        self.painter.extend(Shape::dashed_line(
            &points,
            Stroke::new(self.len(1.5).max(1.0), theme::coverage_color(false)),
            self.len(5.0).max(3.0),
            self.len(3.0).max(2.0),
        ));
    }

    /// The title and, when large enough to read, the detail line of a node.
    fn node_text(&self, ui: &Ui, node: &Node, rect: Rect, accent: Color32) {
        let Some(title_font) = self.font(theme::TITLE_FONT, MIN_TITLE_PX) else {
            return;
        };
        let c = self.colors;
        let dim = if node.reachable && !self.uncovered(node) {
            1.0
        } else {
            0.55
        };
        let left = rect.min.x + self.len(theme::STRIPE + theme::NODE_PAD_X);
        // A pixel of slack: text measured at zoom 1 need not scale exactly with the font.
        let width = rect.max.x - self.len(theme::NODE_PAD_X) - left + 1.0;
        let title = line_galley(
            ui,
            &node.title,
            title_font,
            c.text.gamma_multiply(dim),
            width,
        );
        let title_h = title.size().y;
        let Some(detail_font) = self.font(theme::SUBTITLE_FONT, MIN_DETAIL_PX) else {
            // Only the title, centred in the node.
            self.painter
                .galley(pos2(left, rect.center().y - title_h / 2.0), title, c.text);
            return;
        };
        let top = rect.min.y + self.len(theme::NODE_PAD_Y);
        self.painter.galley(pos2(left, top), title, c.text);
        let detail = chip_line_galley(
            ui,
            &detail_line(node),
            detail_font,
            if node.kind == NodeKind::Missing {
                accent
            } else {
                c.weak_text.gamma_multiply(dim)
            },
            width,
        );
        self.painter.galley(
            pos2(left, top + title_h + self.len(theme::LINE_GAP)),
            detail,
            c.weak_text,
        );
    }

    /// A run's marks on a node: a breakpoint dot, the state paused before, the status word.
    fn run_marks_ui(&self, o: &RunOverlay, node: &Node, rect: Rect, status: Option<RunStatus>) {
        if o.breakpoints.contains(node.title.as_str()) {
            let center = pos2(rect.min.x - self.len(7.0), rect.center().y);
            self.painter.circle_filled(
                center,
                self.len(4.5).max(3.0),
                theme::run_color(RunStatus::Failed),
            );
        }
        if o.paused_at.as_deref() == Some(node.title.as_str()) {
            self.painter.rect(
                rect.expand(self.len(4.0)),
                self.radius(theme::NODE_RADIUS + 3),
                theme::TRANSPARENT,
                Stroke::new(self.len(2.0).max(1.5), theme::run_color(RunStatus::Caught)),
                StrokeKind::Outside,
            );
        }
        // A Map's iterations: how many succeeded, failed and still run, above its top left.
        if let (Some(&(ok, failed, running)), Some(font), None) = (
            o.map_counts.get(node.title.as_str()),
            self.font(9.0, MIN_DETAIL_PX),
            &o.coverage,
        ) {
            let mut job = LayoutJob::default();
            for (text, status) in [
                (format!("✔ {ok}  "), RunStatus::Succeeded),
                (format!("✖ {failed}  "), RunStatus::Failed),
                (format!("▶ {running}"), RunStatus::Running),
            ] {
                job.append(
                    &text,
                    0.0,
                    TextFormat {
                        font_id: font.clone(),
                        color: theme::run_color(status),
                        ..Default::default()
                    },
                );
            }
            let galley = self.painter.layout_job(job);
            let at = pos2(
                rect.min.x + self.len(4.0),
                rect.min.y - self.len(1.0) - galley.size().y,
            );
            self.painter.galley(at, galley, theme::GALLEY_COLORS);
        }
        if let Some(mark) = o.compare.as_ref().and_then(|c| c.mark(node.title.as_str())) {
            self.compare_mark_ui(mark, rect);
        }
        // The status word sits just above the node's top right corner, clear of its text (where
        // the coverage word goes when coverage is shown instead).
        if let (Some(status), Some(font), None) =
            (status, self.font(9.0, MIN_DETAIL_PX), &o.coverage)
        {
            self.painter.text(
                pos2(rect.max.x - self.len(4.0), rect.min.y - self.len(1.0)),
                Align2::RIGHT_BOTTOM,
                status.label(),
                font,
                theme::run_color(status),
            );
        }
    }

    /// Two runs compared: a bar in the mark's colour along the node's bottom edge (clear of
    /// the status word above it), and the mark's word under it.
    fn compare_mark_ui(&self, mark: CompareMark, rect: Rect) {
        let color = theme::compare_color(mark);
        let thick = if mark == CompareMark::PathsPart {
            4.0
        } else {
            2.5
        };
        let top = rect.max.y + self.len(2.0);
        let bar = Rect::from_min_max(
            pos2(rect.min.x, top),
            pos2(rect.max.x, top + self.len(thick).max(1.5)),
        );
        self.painter
            .rect_filled(bar, self.radius(theme::NODE_RADIUS / 2), color);
        if let Some(font) = self.font(9.0, MIN_DETAIL_PX) {
            self.painter.text(
                pos2(rect.min.x + self.len(4.0), bar.max.y + self.len(1.0)),
                Align2::LEFT_TOP,
                mark.label(),
                font,
                color,
            );
        }
    }

    fn badge_ui(&self, node: &Node, rect: Rect) {
        let NodeId::State(pointer) = &node.id else {
            return;
        };
        let Some((severity, count)) = self.problems.badge(pointer) else {
            return;
        };
        let center = pos2(rect.max.x - self.len(2.0), rect.min.y + self.len(2.0));
        // Never smaller than a dot that can be seen.
        let radius = self.len(theme::BADGE_RADIUS).max(4.0);
        self.painter.circle(
            center,
            radius,
            theme::severity_color(severity),
            self.stroke(1.5, self.colors.node_fill),
        );
        if let Some(font) = self.font(10.0, MIN_DETAIL_PX) {
            self.painter.text(
                center,
                Align2::CENTER_CENTER,
                if count > 9 {
                    "9+".to_owned()
                } else {
                    count.to_string()
                },
                font,
                theme::ON_FILL,
            );
        }
    }

    fn container_ui(&mut self, ui: &Ui, node: &Node, outer: Rect, header: Rect) {
        self.mark_coverage(node);
        let accent = theme::state_color(node.state_type());
        let interacted = self.interact(ui, node, header);
        let selected = interacted.as_ref().is_some_and(|(_, _, s)| *s);
        let stroke = if selected {
            Stroke::new(self.len(2.5).max(2.0), self.colors.selected)
        } else {
            self.stroke(1.5, accent.gamma_multiply(0.8))
        };
        self.painter.rect(
            outer,
            self.radius(theme::NODE_RADIUS + 2),
            self.colors.node_fill.gamma_multiply(0.6),
            stroke,
            StrokeKind::Inside,
        );
        self.box_ui(ui, node, header, selected);
        if let Some((_, state, _)) = interacted {
            self.handle_ui(ui, node, &state, outer, selected);
        }
    }
}

/// The point at `fraction` of a polyline's length, moved off a label that covers it.
fn along(points: &[Pos2], fraction: f32, avoid: Option<Rect>) -> Pos2 {
    let at = |f: f32| {
        let total: f32 = points.windows(2).map(|w| w[0].distance(w[1])).sum();
        let mut left = total * f;
        for w in points.windows(2) {
            let d = w[0].distance(w[1]);
            if left <= d && d > 0.0 {
                return w[0] + (w[1] - w[0]) * (left / d);
            }
            left -= d;
        }
        points.last().copied().unwrap_or(Pos2::ZERO)
    };
    let p = at(fraction);
    match avoid {
        Some(r) if r.expand(8.0).contains(p) => {
            let q = at(0.25);
            if r.expand(8.0).contains(q) {
                at(0.8)
            } else {
                q
            }
        }
        _ => p,
    }
}

/// An arrowhead of length `size` (on screen) at the end of a polyline.
fn arrowhead(painter: &Painter, points: &[Pos2], size: f32, color: Color32) {
    let [.., a, b] = points else {
        return;
    };
    let dir = (*b - *a).normalized();
    if !dir.is_finite() {
        return;
    }
    let normal = vec2(-dir.y, dir.x);
    let base = *b - dir * size;
    painter.add(Shape::convex_polygon(
        vec![*b, base + normal * size * 0.45, base - normal * size * 0.45],
        color,
        Stroke::NONE,
    ));
}
