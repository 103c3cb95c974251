//! Building a [`LayoutRequest`] from a [`WorkflowGraph`]: the caller measures the text.

use super::{
    BodyRequest, EdgeRequest, GraphRequest, LayoutOptions, LayoutRequest, NodeRequest, Size,
};
use crate::graph::{NodeKind, ScopeGraph, WorkflowGraph};

/// Measures what the layout must leave room for. The studio measures with its fonts; the SVG
/// renderer and the tests use [`EstimateMeasure`].
pub trait Measure {
    /// The size of a node's box (for a container, of its header).
    fn node_size(&self, node: &crate::graph::Node) -> Size;
    /// The size of an edge label or a body label.
    fn label_size(&self, text: &str) -> Size;
}

/// Sizes estimated from character counts, for a sans-serif font; slightly generous so text fits.
#[derive(Clone, Copy, Debug, Default)]
pub struct EstimateMeasure;

impl EstimateMeasure {
    /// Font size of a node's title.
    pub const TITLE_FONT: f32 = 13.0;
    /// Font size of a node's subtitle.
    pub const SUBTITLE_FONT: f32 = 11.0;
    /// Font size of edge and body labels.
    pub const LABEL_FONT: f32 = 11.0;
    /// Horizontal padding inside a node.
    pub const PAD_X: f32 = 16.0;
    /// The narrowest state node.
    pub const MIN_WIDTH: f32 = 120.0;
    /// The widest state node; longer text is cut with "…".
    pub const MAX_WIDTH: f32 = 280.0;
    /// Height of a node with a title only.
    pub const TITLE_HEIGHT: f32 = 34.0;
    /// Height of a node with a title and a subtitle.
    pub const FULL_HEIGHT: f32 = 48.0;
    /// Size of a start or end marker.
    pub const MARKER: Size = Size::new(64.0, 26.0);
    /// Height of an edge or body label.
    pub const LABEL_HEIGHT: f32 = 16.0;
    /// Horizontal padding inside an edge label.
    pub const LABEL_PAD: f32 = 4.0;

    /// The estimated width of `text` at `font_size`, from the advance widths of DejaVu Sans (the
    /// usual sans-serif on Linux; Helvetica and Arial are narrower, so text fits there too).
    pub fn text_width(text: &str, font_size: f32) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| match c {
                'i' | 'j' | 'l' | 'I' | 'J' => 0.29,
                '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '/' | '`' => 0.34,
                ' ' | '-' => 0.33,
                'f' | 't' | '(' | ')' | '[' | ']' | '{' | '}' => 0.4,
                'r' => 0.42,
                '"' | '*' | '_' => 0.5,
                'm' => 0.98,
                'w' | 'M' => 0.86,
                'W' => 1.0,
                '=' | '<' | '>' | '+' | '~' | '%' | '&' | '@' | '#' => 0.84,
                c if c.is_ascii_uppercase() => 0.73,
                c if c.is_ascii_digit() => 0.64,
                c if c.is_ascii() => 0.61,
                // Wide scripts (CJK, emoji) take about a full em.
                c if (c as u32) >= 0x2E80 => 1.0,
                _ => 0.65,
            })
            .sum();
        em * font_size
    }

    /// The estimated width of `text` in bold (node titles) at `font_size`.
    pub fn bold_width(text: &str, font_size: f32) -> f32 {
        Self::text_width(text, font_size) * 1.1
    }

    /// The longest prefix of `text` (ending in "…" when cut) that fits `width` at `font_size`.
    /// `bold` measures as [`bold_width`](Self::bold_width) does.
    pub fn fit(text: &str, font_size: f32, bold: bool, width: f32) -> String {
        let measure = |t: &str| {
            if bold {
                Self::bold_width(t, font_size)
            } else {
                Self::text_width(t, font_size)
            }
        };
        if measure(text) <= width {
            return text.to_owned();
        }
        let budget = width - measure("…");
        let mut out = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let w = measure(c.encode_utf8(&mut [0; 4]));
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        out.push('…');
        out
    }
}

impl Measure for EstimateMeasure {
    fn node_size(&self, node: &crate::graph::Node) -> Size {
        if matches!(node.kind, NodeKind::Start | NodeKind::End) {
            return Self::MARKER;
        }
        let title = Self::bold_width(&node.title, Self::TITLE_FONT);
        let subtitle = node
            .subtitle
            .as_deref()
            .map_or(0.0, |s| Self::text_width(s, Self::SUBTITLE_FONT));
        let w = (title.max(subtitle) + 2.0 * Self::PAD_X).clamp(Self::MIN_WIDTH, Self::MAX_WIDTH);
        let h = if node.subtitle.is_some() {
            Self::FULL_HEIGHT
        } else {
            Self::TITLE_HEIGHT
        };
        Size::new(w.ceil(), h)
    }

    fn label_size(&self, text: &str) -> Size {
        let w = Self::text_width(text, Self::LABEL_FONT) + 2.0 * Self::LABEL_PAD;
        Size::new(w.ceil(), Self::LABEL_HEIGHT)
    }
}

impl LayoutRequest {
    /// The request for a workflow graph: node and label sizes from `measure`, the start marker
    /// of each scope in its first layer and the end marker in its last.
    pub fn from_graph(
        graph: &WorkflowGraph,
        measure: &dyn Measure,
        options: LayoutOptions,
    ) -> Self {
        Self {
            root: scope_request(&graph.root, measure),
            options,
        }
    }
}

fn scope_request(graph: &ScopeGraph, measure: &dyn Measure) -> GraphRequest {
    let nodes = graph
        .nodes
        .iter()
        .map(|node| {
            if node.is_container() {
                NodeRequest::Container {
                    header: measure.node_size(node),
                    bodies: node
                        .bodies
                        .iter()
                        .map(|b| BodyRequest {
                            label: measure.label_size(&b.label),
                            graph: scope_request(&b.graph, measure),
                        })
                        .collect(),
                }
            } else {
                NodeRequest::Leaf(measure.node_size(node))
            }
        })
        .collect();
    let edges = graph
        .edges
        .iter()
        .map(|e| EdgeRequest {
            from: e.from,
            to: e.to,
            label: e.label.as_deref().map(|t| measure.label_size(t)),
        })
        .collect();
    GraphRequest {
        nodes,
        edges,
        first: Some(ScopeGraph::START),
        last: Some(ScopeGraph::END),
    }
}
