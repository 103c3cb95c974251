//! The laid-out workflow graph as a standalone SVG document.
//!
//! ```
//! use stepcraft::{Document, render_svg};
//!
//! let doc = Document::parse_any(r#"{"StartAt": "Hello", "States": {
//!     "Hello": {"Type": "Pass", "End": true}}}"#).unwrap();
//! let svg = render_svg::render_machine(&doc.model().0);
//! assert!(svg.starts_with("<svg") && svg.contains("Hello"));
//! ```

use crate::graph::{Edge, EdgeKind, Node, NodeKind, ScopeGraph, WorkflowGraph};
use crate::layout::{
    EstimateMeasure, GraphLayout, Layout, LayoutOptions, LayoutRequest, NodeLayout, Point, Rect,
};
use crate::model::{StateMachine, StateType};
use std::fmt::Write;

/// Space around the drawing.
const MARGIN: f32 = 24.0;
const FONT: &str = "Helvetica, Arial, sans-serif";
const TEXT: &str = "#202124";
const MUTED: &str = "#5f6368";
const EDGE: &str = "#6b7280";
const CATCH: &str = "#c5221f";

/// Fill and stroke of a node of this kind.
fn colours(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Start | NodeKind::End => ("#5f6368", "#5f6368"),
        NodeKind::Missing => ("#ffffff", "#c5221f"),
        NodeKind::State(None) => ("#ffffff", "#9aa0a6"),
        NodeKind::State(Some(t)) => match t {
            StateType::Task => ("#e8f0fe", "#3b6fd4"),
            StateType::Pass => ("#f1f3f4", "#80868b"),
            StateType::Choice => ("#fff4e0", "#d98e04"),
            StateType::Wait => ("#f3e8fd", "#8e44c9"),
            StateType::Succeed => ("#e6f4ea", "#2e8b57"),
            StateType::Fail => ("#fce8e6", "#c5221f"),
            StateType::Parallel => ("#e3f5f5", "#138a8a"),
            StateType::Map => ("#e8eaf6", "#4656b0"),
        },
    }
}

/// Lays out a state machine with estimated text sizes and renders it.
pub fn render_machine(machine: &StateMachine) -> String {
    let graph = WorkflowGraph::from_machine(machine);
    let request = LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());
    let layout = crate::layout::layout(&request);
    render(&graph, &layout)
}

/// Renders a graph with its layout (which must come from a request built from the same graph;
/// parts missing from the layout are left out).
pub fn render(graph: &WorkflowGraph, layout: &Layout) -> String {
    let bounds = layout.bounds();
    let (w, h) = (bounds.size.w + 2.0 * MARGIN, bounds.size.h + 2.0 * MARGIN);
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
         viewBox=\"{} {} {w:.1} {h:.1}\" font-family=\"{FONT}\">",
        n(bounds.min.x - MARGIN),
        n(bounds.min.y - MARGIN),
    );
    let _ = writeln!(
        out,
        "<defs>\
<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{EDGE}\"/></marker>\
<marker id=\"arrow-catch\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{CATCH}\"/></marker>\
</defs>"
    );
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#ffffff\"/>",
        n(bounds.min.x - MARGIN),
        n(bounds.min.y - MARGIN),
    );
    scope(&mut out, &graph.root, &layout.root);
    out.push_str("</svg>\n");
    out
}

/// A number with at most one decimal, no trailing ".0".
/// A rectangle `r` with corner radius `rx` and the given presentation attributes.
fn rect(out: &mut String, r: Rect, rx: f32, style: &str) {
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {style}/>",
        n(r.min.x),
        n(r.min.y),
        n(r.size.w),
        n(r.size.h),
        n(rx)
    );
}

fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn scope(out: &mut String, graph: &ScopeGraph, layout: &GraphLayout) {
    // Container frames first, then what they hold, then this level's edges, then its nodes.
    for (node, place) in graph.nodes.iter().zip(&layout.nodes) {
        if let Some(container) = &place.container {
            container_frame(out, node, place);
            for (body, body_place) in node.bodies.iter().zip(&container.bodies) {
                let r = body_place.rect;
                rect(
                    out,
                    r,
                    6.0,
                    "fill=\"#ffffff\" fill-opacity=\"0.7\" stroke=\"#9aa0a6\" stroke-dasharray=\"4 3\"",
                );
                let l = body_place.label;
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{MUTED}\" font-style=\"italic\">{}</text>",
                    n(l.min.x),
                    n(l.min.y + l.size.h * 0.75),
                    EstimateMeasure::LABEL_FONT,
                    escape(&body.label)
                );
                scope(out, &body.graph, &body_place.graph);
            }
        }
    }
    for (edge, place) in graph.edges.iter().zip(&layout.edges) {
        edge_path(out, edge, &place.points);
    }
    for (edge, place) in graph.edges.iter().zip(&layout.edges) {
        if let (Some(text), Some(rect)) = (&edge.label, place.label) {
            edge_label(out, edge, text, rect);
        }
    }
    for (node, place) in graph.nodes.iter().zip(&layout.nodes) {
        if place.container.is_none() {
            leaf(out, node, place.rect);
        }
    }
}

fn container_frame(out: &mut String, node: &Node, place: &NodeLayout) {
    let (fill, stroke) = colours(node.kind);
    let r = place.rect;
    let dim = if node.reachable {
        ""
    } else {
        " opacity=\"0.55\""
    };
    let _ = writeln!(
        out,
        "<g class=\"container\" data-id=\"{}\"{dim}><title>{}</title>",
        escape(pointer_of(node)),
        escape(&node.title)
    );
    rect(
        out,
        r,
        10.0,
        &format!(
            "fill=\"{fill}\" fill-opacity=\"0.45\" stroke=\"{stroke}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\""
        ),
    );
    if let Some(c) = &place.container {
        let header = Rect::new(c.header.min, c.header.size);
        node_text(out, node, header);
    }
    out.push_str("</g>\n");
}

fn pointer_of(node: &Node) -> &str {
    match &node.id {
        crate::graph::NodeId::State(p)
        | crate::graph::NodeId::Start(p)
        | crate::graph::NodeId::End(p) => p.as_str(),
        crate::graph::NodeId::Missing { scope, .. } => scope.as_str(),
    }
}

fn leaf(out: &mut String, node: &Node, r: Rect) {
    let (fill, stroke) = colours(node.kind);
    let dim = if node.reachable {
        ""
    } else {
        " opacity=\"0.55\""
    };
    let class = match node.kind {
        NodeKind::Start => "start",
        NodeKind::End => "end",
        NodeKind::Missing => "missing",
        NodeKind::State(_) => "state",
    };
    let _ = writeln!(
        out,
        "<g class=\"{class}\" data-id=\"{}\"{dim}><title>{}</title>",
        escape(pointer_of(node)),
        escape(&node.title)
    );
    match node.kind {
        NodeKind::Start | NodeKind::End => {
            rect(out, r, r.size.h / 2.0, &format!("fill=\"{fill}\""));
            let c = r.center();
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text>",
                n(c.x),
                n(c.y + 4.0),
                escape(&node.title)
            );
        }
        _ => {
            let dash = if matches!(node.kind, NodeKind::Missing | NodeKind::State(None)) {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            rect(
                out,
                r,
                8.0,
                &format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}"),
            );
            // A stripe of the type's colour down the left side.
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"4\" height=\"{}\" rx=\"2\" fill=\"{stroke}\"/>",
                n(r.min.x + 3.0),
                n(r.min.y + 6.0),
                n((r.size.h - 12.0).max(0.0))
            );
            node_text(out, node, r);
        }
    }
    out.push_str("</g>\n");
}

/// The title (and subtitle) centred in `r`'s top band of one or two lines.
fn node_text(out: &mut String, node: &Node, r: Rect) {
    let inner = r.size.w.min(EstimateMeasure::MAX_WIDTH) - 2.0 * EstimateMeasure::PAD_X;
    let cx = r.center().x;
    let title = EstimateMeasure::fit(&node.title, EstimateMeasure::TITLE_FONT, true, inner);
    let (title_y, sub_y) = match node.subtitle {
        Some(_) => (r.min.y + 20.0, r.min.y + 37.0),
        None => (r.min.y + 21.5, 0.0),
    };
    let colour = if node.kind == NodeKind::Missing {
        CATCH
    } else {
        TEXT
    };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"600\" fill=\"{colour}\" text-anchor=\"middle\">{}</text>",
        n(cx),
        n(title_y),
        EstimateMeasure::TITLE_FONT,
        escape(&title)
    );
    if let Some(sub) = &node.subtitle {
        let sub = EstimateMeasure::fit(sub, EstimateMeasure::SUBTITLE_FONT, false, inner);
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{MUTED}\" text-anchor=\"middle\">{}</text>",
            n(cx),
            n(sub_y),
            EstimateMeasure::SUBTITLE_FONT,
            escape(&sub)
        );
    }
}

fn edge_path(out: &mut String, edge: &Edge, points: &[Point]) {
    let Some((first, rest)) = points.split_first() else {
        return;
    };
    let mut d = format!("M{},{}", n(first.x), n(first.y));
    for p in rest {
        let _ = write!(d, " L{},{}", n(p.x), n(p.y));
    }
    let (stroke, marker, extra) = match edge.kind {
        EdgeKind::Catch(_) => (CATCH, "arrow-catch", " stroke-dasharray=\"6 3\""),
        EdgeKind::Terminal => (EDGE, "arrow", " stroke-opacity=\"0.6\""),
        _ => (EDGE, "arrow", ""),
    };
    let _ = writeln!(
        out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1.4\" stroke-linejoin=\"round\"{extra} marker-end=\"url(#{marker})\"/>"
    );
}

fn edge_label(out: &mut String, edge: &Edge, text: &str, r: Rect) {
    let colour = if matches!(edge.kind, EdgeKind::Catch(_)) {
        CATCH
    } else {
        MUTED
    };
    rect(out, r, 3.0, "fill=\"#ffffff\" fill-opacity=\"0.9\"");
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{colour}\">{}</text>",
        n(r.min.x + EstimateMeasure::LABEL_PAD),
        n(r.min.y + r.size.h * 0.75),
        EstimateMeasure::LABEL_FONT,
        escape(text)
    );
}

/// The drawing `stepcraft render` makes of a definition, its placeholders filled in with
/// `substitutions` where they have values.
pub fn render_document(
    doc: &crate::Document,
    substitutions: &crate::subst::Substitutions,
) -> String {
    let applied = substitutions.apply_to(doc);
    let machine = StateMachine::read(&applied.value, &mut crate::diag::Diagnostics::default());
    render_machine(&machine)
}
