//! Colours and spacing of the studio, in one place: every panel takes its colours from here.

use egui::{Color32, FontId, Visuals};
use stepcraft::Severity;
use stepcraft::graph::NodeKind;
use stepcraft::model::StateType;
use stepcraft::trace::RunStatus;

/// Font size of a node's title, in scene points.
pub const TITLE_FONT: f32 = 13.0;
/// Font size of a node's subtitle and of the type label.
pub const SUBTITLE_FONT: f32 = 11.0;
/// Font size of edge and body labels.
pub const LABEL_FONT: f32 = 11.0;
/// Horizontal padding inside a node.
pub const NODE_PAD_X: f32 = 12.0;
/// Vertical padding inside a node.
pub const NODE_PAD_Y: f32 = 7.0;
/// Gap between the lines of a node.
pub const LINE_GAP: f32 = 2.0;
/// The narrowest state node.
pub const NODE_MIN_WIDTH: f32 = 150.0;
/// The widest state node; longer text is cut with "…".
pub const NODE_MAX_WIDTH: f32 = 300.0;
/// Corner radius of a node.
pub const NODE_RADIUS: u8 = 6;
/// Width of the coloured stripe on a node's left.
pub const STRIPE: f32 = 5.0;
/// Radius of a drop target's dot.
pub const DROP_RADIUS: f32 = 7.0;
/// Radius of a problem badge.
pub const BADGE_RADIUS: f32 = 8.0;
/// Radius of the handle dragged from a node to set its next state, on screen.
pub const HANDLE_RADIUS: f32 = 6.0;

/// A side or bottom panel's size: where it starts, how small it may get, and the largest share
/// of the window it may take (a panel grows to fit what it holds, so every panel has a bound).
#[derive(Clone, Copy, Debug)]
pub struct PanelSize {
    /// The panel's id, under which egui remembers the size the user dragged it to.
    pub id: &'static str,
    /// The size it starts at, and returns to on View > Reset layout.
    pub default: f32,
    /// The smallest size.
    pub min: f32,
    /// The largest share of the window's width (side panels) or height (bottom panels).
    pub max_share: f32,
}

impl PanelSize {
    /// The largest size in a window `extent` wide (or high), never below the minimum.
    pub fn max(&self, extent: f32) -> f32 {
        (extent * self.max_share).max(self.min)
    }
}

/// The states browser, left in Design.
pub const BROWSER_PANEL: PanelSize = PanelSize {
    id: "stepcraft states browser",
    default: 270.0,
    min: 160.0,
    max_share: 0.35,
};
/// The inspector, right in Design.
pub const INSPECTOR_PANEL: PanelSize = PanelSize {
    id: "stepcraft inspector",
    default: 320.0,
    min: 200.0,
    max_share: 0.4,
};
/// The problems list, at the bottom in Design and Code.
pub const PROBLEMS_PANEL: PanelSize = PanelSize {
    id: "stepcraft problems",
    default: 140.0,
    min: 60.0,
    max_share: 0.5,
};
/// The Run mode's controls, left.
pub const RUN_CONTROLS_PANEL: PanelSize = PanelSize {
    id: "stepcraft run controls",
    default: 300.0,
    min: 220.0,
    max_share: 0.35,
};
/// The Run mode's details of a state run, right.
pub const RUN_DETAILS_PANEL: PanelSize = PanelSize {
    id: "stepcraft run details",
    default: 320.0,
    min: 200.0,
    max_share: 0.4,
};
/// The Run mode's state-run and event lists, at the bottom.
pub const RUN_LISTS_PANEL: PanelSize = PanelSize {
    id: "stepcraft run lists",
    default: 260.0,
    min: 80.0,
    max_share: 0.6,
};
/// Every resizable panel, for View > Reset layout.
pub const PANELS: [PanelSize; 6] = [
    BROWSER_PANEL,
    INSPECTOR_PANEL,
    PROBLEMS_PANEL,
    RUN_CONTROLS_PANEL,
    RUN_DETAILS_PANEL,
    RUN_LISTS_PANEL,
];

/// The font of a node's title.
pub fn title_font() -> FontId {
    FontId::proportional(TITLE_FONT)
}

/// The font of a node's subtitle.
pub fn subtitle_font() -> FontId {
    FontId::proportional(SUBTITLE_FONT)
}

/// The font of edge and body labels.
pub fn label_font() -> FontId {
    FontId::proportional(LABEL_FONT)
}

/// The font of the code editor.
pub fn code_font() -> FontId {
    FontId::monospace(13.0)
}

/// The accent colour of a state type (the node's stripe and icon).
pub fn state_color(ty: Option<StateType>) -> Color32 {
    match ty {
        Some(StateType::Task) => Color32::from_rgb(0x2f, 0x7d, 0xd1),
        Some(StateType::Pass) => Color32::from_rgb(0x6b, 0x7a, 0x8f),
        Some(StateType::Choice) => Color32::from_rgb(0xd9, 0x8c, 0x1a),
        Some(StateType::Wait) => Color32::from_rgb(0x8e, 0x5c, 0xd6),
        Some(StateType::Succeed) => Color32::from_rgb(0x2e, 0x9e, 0x5b),
        Some(StateType::Fail) => Color32::from_rgb(0xd1, 0x3f, 0x3f),
        Some(StateType::Parallel) => Color32::from_rgb(0x1f, 0x9e, 0xa8),
        Some(StateType::Map) => Color32::from_rgb(0xb8, 0x4f, 0xa8),
        None => Color32::from_rgb(0x99, 0x99, 0x99),
    }
}

/// A short glyph for a state type, drawn before the type name (all in egui's default fonts).
pub fn state_icon(ty: Option<StateType>) -> &'static str {
    match ty {
        Some(StateType::Task) => "⚙",
        Some(StateType::Pass) => "➡",
        Some(StateType::Choice) => "🔀",
        Some(StateType::Wait) => "⏱",
        Some(StateType::Succeed) => "✔",
        Some(StateType::Fail) => "✖",
        Some(StateType::Parallel) => "☰",
        Some(StateType::Map) => "🔁",
        None => "?",
    }
}

/// The colours of the canvas, for the light or dark theme.
#[derive(Clone, Copy, Debug)]
pub struct CanvasColors {
    /// The canvas background.
    pub background: Color32,
    /// A node's fill.
    pub node_fill: Color32,
    /// A node's border.
    pub node_stroke: Color32,
    /// A node's title.
    pub text: Color32,
    /// A node's subtitle and labels.
    pub weak_text: Color32,
    /// The border of a selected node.
    pub selected: Color32,
    /// Edges.
    pub edge: Color32,
    /// Catch edges.
    pub catch_edge: Color32,
    /// A container body's fill.
    pub body_fill: Color32,
    /// An edge label's background.
    pub label_fill: Color32,
    /// A drop target.
    pub drop: Color32,
    /// A drop target under the pointer.
    pub drop_hot: Color32,
    /// Start and end markers.
    pub marker: Color32,
}

impl CanvasColors {
    /// The colours for these visuals.
    pub fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                background: Color32::from_rgb(0x1b, 0x1e, 0x24),
                node_fill: Color32::from_rgb(0x2a, 0x2f, 0x38),
                node_stroke: Color32::from_rgb(0x4a, 0x52, 0x60),
                text: Color32::from_rgb(0xec, 0xee, 0xf2),
                weak_text: Color32::from_rgb(0xa8, 0xb0, 0xbd),
                selected: Color32::from_rgb(0x4d, 0xa3, 0xff),
                edge: Color32::from_rgb(0x8a, 0x93, 0xa3),
                catch_edge: Color32::from_rgb(0xe0, 0x6c, 0x6c),
                body_fill: Color32::from_rgba_unmultiplied(0x3a, 0x42, 0x50, 0x60),
                label_fill: Color32::from_rgb(0x23, 0x27, 0x2e),
                drop: Color32::from_rgb(0x4d, 0xa3, 0xff),
                drop_hot: Color32::from_rgb(0xff, 0xb3, 0x2e),
                marker: Color32::from_rgb(0x5d, 0x66, 0x75),
            }
        } else {
            Self {
                background: Color32::from_rgb(0xf4, 0xf6, 0xf9),
                node_fill: Color32::WHITE,
                node_stroke: Color32::from_rgb(0xb8, 0xc0, 0xcc),
                text: Color32::from_rgb(0x16, 0x19, 0x1f),
                weak_text: Color32::from_rgb(0x5a, 0x63, 0x70),
                selected: Color32::from_rgb(0x1a, 0x73, 0xe8),
                edge: Color32::from_rgb(0x70, 0x7a, 0x88),
                catch_edge: Color32::from_rgb(0xc6, 0x3b, 0x3b),
                body_fill: Color32::from_rgba_unmultiplied(0xdd, 0xe3, 0xec, 0x80),
                label_fill: Color32::from_rgb(0xf4, 0xf6, 0xf9),
                drop: Color32::from_rgb(0x1a, 0x73, 0xe8),
                drop_hot: Color32::from_rgb(0xf2, 0x8c, 0x00),
                marker: Color32::from_rgb(0x8a, 0x93, 0xa3),
            }
        }
    }

    /// The fill of a start or end marker, or of a missing-state placeholder.
    pub fn marker_fill(&self, kind: NodeKind) -> Color32 {
        match kind {
            NodeKind::Missing => Color32::from_rgb(0xd1, 0x3f, 0x3f),
            _ => self.marker,
        }
    }
}

/// The colour of a diagnostic's severity.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Error => Color32::from_rgb(0xd9, 0x3b, 0x3b),
        Severity::Warning => Color32::from_rgb(0xe0, 0x9a, 0x12),
        Severity::Info => Color32::from_rgb(0x3b, 0x82, 0xd9),
    }
}

/// Colours of the code editor's syntax highlighting.
#[derive(Clone, Copy, Debug)]
pub struct CodeColors {
    /// Object keys.
    pub key: Color32,
    /// String values.
    pub string: Color32,
    /// Numbers, `true`, `false`, `null`.
    pub literal: Color32,
    /// Braces, brackets, commas, colons, YAML dashes.
    pub punct: Color32,
    /// Comments (YAML).
    pub comment: Color32,
    /// Everything else.
    pub plain: Color32,
    /// Deploy-time `${...}` placeholders (the parameter chips' colour).
    pub placeholder: Color32,
    /// The background of a line with an error.
    pub error_line: Color32,
    /// The background of a line with a warning.
    pub warning_line: Color32,
}

impl CodeColors {
    /// The colours for these visuals.
    pub fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                key: Color32::from_rgb(0x7c, 0xc4, 0xff),
                string: Color32::from_rgb(0xa5, 0xd6, 0x8a),
                literal: Color32::from_rgb(0xf0, 0xa8, 0x6a),
                punct: Color32::from_rgb(0x9a, 0xa3, 0xb0),
                comment: Color32::from_rgb(0x78, 0x80, 0x8c),
                plain: Color32::from_rgb(0xdd, 0xe1, 0xe6),
                placeholder: Color32::from_rgb(0xc4, 0xa7, 0xff),
                error_line: Color32::from_rgba_unmultiplied(0xd9, 0x3b, 0x3b, 0x40),
                warning_line: Color32::from_rgba_unmultiplied(0xe0, 0x9a, 0x12, 0x30),
            }
        } else {
            Self {
                key: Color32::from_rgb(0x0b, 0x5c, 0xad),
                string: Color32::from_rgb(0x2a, 0x7a, 0x1f),
                literal: Color32::from_rgb(0xb3, 0x52, 0x00),
                punct: Color32::from_rgb(0x60, 0x68, 0x74),
                comment: Color32::from_rgb(0x80, 0x88, 0x94),
                plain: Color32::from_rgb(0x20, 0x24, 0x2a),
                placeholder: Color32::from_rgb(0x6a, 0x3f, 0xc9),
                error_line: Color32::from_rgba_unmultiplied(0xd9, 0x3b, 0x3b, 0x30),
                warning_line: Color32::from_rgba_unmultiplied(0xe0, 0x9a, 0x12, 0x28),
            }
        }
    }
}

/// The colour of a toast message.
pub fn toast_color(error: bool) -> Color32 {
    if error {
        Color32::from_rgb(0xb3, 0x26, 0x1e)
    } else {
        Color32::from_rgb(0x2b, 0x5f, 0x9e)
    }
}

/// Text and rings drawn on a filled colour (badges, drop targets, toasts, the dragged ghost).
pub const ON_FILL: Color32 = Color32::WHITE;

/// No fill at all.
pub const TRANSPARENT: Color32 = Color32::TRANSPARENT;

/// "Keep the galley's own colours" when painting laid-out text.
pub const GALLEY_COLORS: Color32 = Color32::PLACEHOLDER;

/// The colour of a run status, on the canvas and in the Run mode's lists.
pub fn run_color(status: RunStatus) -> Color32 {
    match status {
        RunStatus::Running => Color32::from_rgb(0x3b, 0x82, 0xf6),
        RunStatus::Succeeded => Color32::from_rgb(0x2e, 0xa0, 0x43),
        RunStatus::Failed => Color32::from_rgb(0xd9, 0x3b, 0x3b),
        RunStatus::Caught => Color32::from_rgb(0xe0, 0x8a, 0x12),
        RunStatus::Cancelled => Color32::from_rgb(0x8a, 0x93, 0xa3),
    }
}

/// The colour of a state's mark when two runs are compared.
pub fn compare_color(mark: crate::studio::run_mode::compare::CompareMark) -> Color32 {
    use crate::studio::run_mode::compare::CompareMark;
    match mark {
        CompareMark::PathsPart => Color32::from_rgb(0xc0, 0x26, 0xd3),
        CompareMark::OnlyA => Color32::from_rgb(0xd9, 0x77, 0x06),
        CompareMark::OnlyB => Color32::from_rgb(0x0e, 0x94, 0x88),
        CompareMark::DataDiffers => Color32::from_rgb(0x63, 0x66, 0xf1),
    }
}

/// A Retry rule's backoff wait between two attempts, on the Run mode's timeline.
pub const BACKOFF: Color32 = Color32::from_rgb(0x9a, 0xa0, 0xaa);

/// The lane behind each bar of the Run mode's timeline.
pub fn timeline_lane(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(0x25, 0x29, 0x31)
    } else {
        Color32::from_rgb(0xec, 0xef, 0xf3)
    }
}

/// Coverage on the canvas: what the test cases reached, and the outline of what none did.
pub fn coverage_color(covered: bool) -> Color32 {
    if covered {
        Color32::from_rgb(0x2e, 0xa0, 0x43)
    } else {
        Color32::from_rgb(0xc2, 0x41, 0x0c)
    }
}

/// How much of its colour an uncovered state or edge keeps (the rest fades to the background).
pub const UNCOVERED_FADE: f32 = 0.45;

/// A parameter chip's background and text colour.
pub fn chip_colors(dark_mode: bool) -> (Color32, Color32) {
    if dark_mode {
        (
            Color32::from_rgb(0x3b, 0x33, 0x5c),
            Color32::from_rgb(0xd9, 0xcf, 0xff),
        )
    } else {
        (
            Color32::from_rgb(0xec, 0xe6, 0xff),
            Color32::from_rgb(0x4b, 0x2f, 0xa8),
        )
    }
}
