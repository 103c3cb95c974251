//! The dagre-dgl-rs layout (a port of dagre-js) behind our [`LayoutEngine`] trait.
//!
//! It lays out well but slowly (about 200 ms for 500 nodes in one level, 12 ms for 50), so it is
//! not the default; [`Layered`](super::Layered) is. A panic inside the library falls back to
//! [`Layered`](super::Layered) so the engine keeps the trait's promise never to panic.

use super::{EdgeLayout, FlatGraph, FlatLayout, LayoutEngine, LayoutOptions, Point, Rect, Size};
use dagre_dgl_rs::{EdgeLabel, Graph, GraphLabel, NodeLabel};

/// The dagre-dgl-rs engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dagre;

fn node_id(i: usize) -> String {
    format!("n{i}")
}

impl LayoutEngine for Dagre {
    fn layout_flat(&self, graph: &FlatGraph<'_>, options: &LayoutOptions) -> FlatLayout {
        let n = graph.nodes.len();
        if n == 0 {
            return FlatLayout {
                nodes: Vec::new(),
                edges: vec![EdgeLayout::default(); graph.edges.len()],
                size: Size::default(),
            };
        }
        let mut g = Graph::with_options(true, true, false);
        g.set_graph(GraphLabel {
            rankdir: Some("TB".to_owned()),
            nodesep: Some(f64::from(options.node_gap)),
            edgesep: Some(f64::from(options.edge_gap)),
            ranksep: Some(f64::from(options.rank_gap)),
            ..GraphLabel::default()
        });
        for (i, size) in graph.nodes.iter().enumerate() {
            g.set_node(
                &node_id(i),
                NodeLabel {
                    width: f64::from(size.w),
                    height: f64::from(size.h),
                    ..NodeLabel::default()
                },
            );
        }
        let mut names = Vec::with_capacity(graph.edges.len());
        for (j, e) in graph.edges.iter().enumerate() {
            if e.from >= n || e.to >= n {
                names.push(None);
                continue;
            }
            let name = format!("e{j}");
            g.set_edge(
                &node_id(e.from),
                &node_id(e.to),
                EdgeLabel {
                    width: e.label.map(|s| f64::from(s.w)),
                    height: e.label.map(|s| f64::from(s.h)),
                    labelpos: Some("r".to_owned()),
                    labeloffset: Some(5.0),
                    minlen: Some(1),
                    weight: Some(1.0),
                    ..EdgeLabel::default()
                },
                Some(&name),
            );
            names.push(Some((node_id(e.from), node_id(e.to), name)));
        }
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            dagre_dgl_rs::layout(&mut g);
            g
        }));
        let Ok(g) = ran else {
            return super::Layered.layout_flat(graph, options);
        };
        let f = |v: f64| v as f32;
        let nodes = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, size)| {
                let label = g.node_opt(&node_id(i));
                let x = label.and_then(|l| l.x).map_or(0.0, f);
                let y = label.and_then(|l| l.y).map_or(0.0, f);
                Rect::new(Point::new(x - size.w / 2.0, y - size.h / 2.0), *size)
            })
            .collect();
        let edges = graph
            .edges
            .iter()
            .zip(&names)
            .map(|(e, name)| {
                let Some((v, w, name)) = name else {
                    return EdgeLayout::default();
                };
                let Some(label) = g.edge_label_named(v, w, name) else {
                    return EdgeLayout::default();
                };
                EdgeLayout {
                    points: label
                        .points
                        .iter()
                        .flatten()
                        .map(|p| Point::new(f(p.x), f(p.y)))
                        .collect(),
                    label: e.label.zip(label.x.zip(label.y)).map(|(size, (x, y))| {
                        Rect::new(Point::new(f(x) - size.w / 2.0, f(y) - size.h / 2.0), size)
                    }),
                }
            })
            .collect();
        FlatLayout {
            nodes,
            edges,
            size: Size::new(
                g.graph().width.map_or(0.0, f),
                g.graph().height.map_or(0.0, f),
            ),
        }
    }
}
