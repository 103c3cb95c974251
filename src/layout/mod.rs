//! Layered top-down layout of the workflow graph, containers laid out inside-out.
//!
//! Layout is a pure function of a [`LayoutRequest`]: node sizes (measured by the caller), edges
//! with their label sizes, and nested containers. The request derives `PartialEq`, so a UI keeps
//! the last request and its [`Layout`] and lays out again only when the request changes.
//!
//! Containers (Parallel and Map states) are laid out inside-out: each body (branch, item
//! processor) first, then the container is one big node in its parent's graph. Bodies sit side
//! by side below the container's header. A [`LayoutEngine`] lays out one flat level; the nesting
//! is done here, the same for every engine.
//!
//! ```
//! use stepcraft::Document;
//! use stepcraft::graph::WorkflowGraph;
//! use stepcraft::layout::{EstimateMeasure, LayoutOptions, LayoutRequest, layout};
//!
//! let doc = Document::parse_any(r#"{"StartAt": "A", "States": {
//!     "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#).unwrap();
//! let graph = WorkflowGraph::from_machine(&doc.model().0);
//! let request = LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());
//! let laid_out = layout(&request);
//! let (a, b) = (laid_out.root.nodes[2].rect, laid_out.root.nodes[3].rect);
//! assert!(a.max().y < b.min.y, "A is above B");
//! ```

mod brandes_koepf;
mod dagre;
mod layered;
mod request;

pub use dagre::Dagre;
pub use layered::Layered;
pub use request::{EstimateMeasure, Measure};

/// A width and height.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Size {
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Size {
    /// A size.
    pub const fn new(w: f32, h: f32) -> Self {
        Self { w, h }
    }
}

/// A point; y grows downwards.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position.
    pub y: f32,
}

impl Point {
    /// A point.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle: its top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Rect {
    /// The top-left corner.
    pub min: Point,
    /// Its size.
    pub size: Size,
}

impl Rect {
    /// The rectangle with top-left corner `min` and this size.
    pub const fn new(min: Point, size: Size) -> Self {
        Self { min, size }
    }

    /// The bottom-right corner.
    pub fn max(&self) -> Point {
        Point::new(self.min.x + self.size.w, self.min.y + self.size.h)
    }

    /// The centre.
    pub fn center(&self) -> Point {
        Point::new(
            self.min.x + self.size.w / 2.0,
            self.min.y + self.size.h / 2.0,
        )
    }

    /// Whether the interiors of the two rectangles overlap (touching edges do not).
    pub fn overlaps(&self, other: &Rect) -> bool {
        let (a, b) = (self.max(), other.max());
        self.min.x < b.x && other.min.x < a.x && self.min.y < b.y && other.min.y < a.y
    }

    /// Whether `other` lies inside this rectangle (edges may touch).
    pub fn contains_rect(&self, other: &Rect) -> bool {
        let (a, b) = (self.max(), other.max());
        other.min.x >= self.min.x && other.min.y >= self.min.y && b.x <= a.x && b.y <= a.y
    }

    /// The smallest rectangle holding both.
    #[must_use]
    pub fn union(&self, other: &Rect) -> Rect {
        let (a, b) = (self.max(), other.max());
        let min = Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y));
        Rect::new(min, Size::new(a.x.max(b.x) - min.x, a.y.max(b.y) - min.y))
    }

    /// The rectangle grown by `margin` on every side.
    #[must_use]
    pub fn inflate(&self, margin: f32) -> Rect {
        Rect::new(
            Point::new(self.min.x - margin, self.min.y - margin),
            Size::new(self.size.w + 2.0 * margin, self.size.h + 2.0 * margin),
        )
    }

    /// Whether the segment from `p` to `q` passes through the interior of this rectangle
    /// (Liang-Barsky clipping).
    pub fn crossed_by(&self, p: Point, q: Point) -> bool {
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let (mut t0, mut t1) = (0.0f32, 1.0f32);
        let max = self.max();
        for (step, room) in [
            (-dx, p.x - self.min.x),
            (dx, max.x - p.x),
            (-dy, p.y - self.min.y),
            (dy, max.y - p.y),
        ] {
            if step == 0.0 {
                if room <= 0.0 {
                    return false;
                }
            } else if step < 0.0 {
                t0 = t0.max(room / step);
            } else {
                t1 = t1.min(room / step);
            }
        }
        t1 - t0 > 1e-4
    }

    /// The rectangle moved by `(dx, dy)`.
    #[must_use]
    pub fn translate(&self, dx: f32, dy: f32) -> Rect {
        Rect::new(Point::new(self.min.x + dx, self.min.y + dy), self.size)
    }
}

/// Spacing of the layout, in the same unit as the sizes (points).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Horizontal gap between two nodes of a layer.
    pub node_gap: f32,
    /// Horizontal gap next to an edge passing through a layer.
    pub edge_gap: f32,
    /// Vertical gap between two layers of nodes (labels add to it).
    pub rank_gap: f32,
    /// Space between a container's border and what it holds.
    pub padding: f32,
    /// Horizontal gap between the bodies (branches) of a container.
    pub body_gap: f32,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            node_gap: 36.0,
            edge_gap: 14.0,
            rank_gap: 44.0,
            padding: 14.0,
            body_gap: 20.0,
        }
    }
}

/// What to lay out: a pure value, compared to decide whether to lay out again.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LayoutRequest {
    /// The top-level graph.
    pub root: GraphRequest,
    /// Spacing.
    pub options: LayoutOptions,
}

/// One level of the graph: nodes and the edges between them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GraphRequest {
    /// The nodes, by index.
    pub nodes: Vec<NodeRequest>,
    /// The edges, between indices of `nodes`.
    pub edges: Vec<EdgeRequest>,
    /// A node to put in the first layer (a start marker), if any.
    pub first: Option<usize>,
    /// A node to put in the last layer (an end marker), if any.
    pub last: Option<usize>,
}

/// A node: a box of a given size, or a container with a header and bodies.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeRequest {
    /// A box of this size.
    Leaf(Size),
    /// A header, and below it nested graphs side by side.
    Container {
        /// The size of the header (the owning state's title and subtitle).
        header: Size,
        /// The nested graphs, left to right.
        bodies: Vec<BodyRequest>,
    },
}

/// A nested graph with a label above it.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyRequest {
    /// The size of the label ("Branch 1").
    pub label: Size,
    /// The graph.
    pub graph: GraphRequest,
}

/// An edge, optionally with a label of the given size beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRequest {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// The label's size, if it has one.
    pub label: Option<Size>,
}

/// The result: every rectangle and route in one coordinate space, the top-left at `(0, 0)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    /// The top-level graph.
    pub root: GraphLayout,
}

impl Layout {
    /// Everything's extent.
    pub fn bounds(&self) -> Rect {
        self.root.bounds
    }
}

/// One level, laid out; indices match the [`GraphRequest`]'s.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GraphLayout {
    /// The nodes.
    pub nodes: Vec<NodeLayout>,
    /// The edges.
    pub edges: Vec<EdgeLayout>,
    /// The extent of the nodes, edges and labels.
    pub bounds: Rect,
}

/// A node's place; a container also has its header and bodies.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NodeLayout {
    /// The whole node (for a container, its outer box).
    pub rect: Rect,
    /// The container's parts, for a container.
    pub container: Option<ContainerLayout>,
}

/// The parts of a container.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ContainerLayout {
    /// The header band at the top.
    pub header: Rect,
    /// The bodies, left to right.
    pub bodies: Vec<BodyLayout>,
}

/// A body: its box, its label and its graph.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BodyLayout {
    /// The body's box.
    pub rect: Rect,
    /// Where the label goes.
    pub label: Rect,
    /// The nested graph.
    pub graph: GraphLayout,
}

/// An edge's route: a polyline from the source's border to the target's border (the arrowhead
/// goes at the last point), and where its label goes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EdgeLayout {
    /// The polyline; empty when the edge could not be placed (an index out of range).
    pub points: Vec<Point>,
    /// The label's box, if the edge has a label.
    pub label: Option<Rect>,
}

/// One flat level for a [`LayoutEngine`]: node sizes and edges, containers already sized.
#[derive(Clone, Copy, Debug)]
pub struct FlatGraph<'a> {
    /// The node sizes.
    pub nodes: &'a [Size],
    /// The edges.
    pub edges: &'a [EdgeRequest],
    /// A node to put in the first layer.
    pub first: Option<usize>,
    /// A node to put in the last layer.
    pub last: Option<usize>,
}

/// One flat level, laid out: node rectangles and edge routes, the top-left at `(0, 0)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FlatLayout {
    /// The node rectangles, by index.
    pub nodes: Vec<Rect>,
    /// The edge routes, by index.
    pub edges: Vec<EdgeLayout>,
    /// The extent of everything.
    pub size: Size,
}

/// Lays out one flat level of nodes with fixed sizes. Must not panic on any input (cycles,
/// self-loops, parallel edges, out-of-range indices), and must not overlap node rectangles.
pub trait LayoutEngine {
    /// Lays out `graph`.
    fn layout_flat(&self, graph: &FlatGraph<'_>, options: &LayoutOptions) -> FlatLayout;
}

/// Lays out a request with the default engine ([`Layered`]).
pub fn layout(request: &LayoutRequest) -> Layout {
    layout_with(&Layered, request)
}

/// Lays out a request with the given engine.
pub fn layout_with(engine: &dyn LayoutEngine, request: &LayoutRequest) -> Layout {
    Layout {
        root: layout_graph(engine, &request.root, &request.options),
    }
}

/// Lays out one level with its nested containers, in local coordinates (top-left at 0, 0).
fn layout_graph(
    engine: &dyn LayoutEngine,
    graph: &GraphRequest,
    options: &LayoutOptions,
) -> GraphLayout {
    // Inside-out: every container's bodies first, which gives the container's size.
    let inner: Vec<Option<ContainerLayout>> = graph
        .nodes
        .iter()
        .map(|node| match node {
            NodeRequest::Leaf(_) => None,
            NodeRequest::Container { header, bodies } => {
                Some(layout_container(engine, *header, bodies, options))
            }
        })
        .collect();
    let sizes: Vec<Size> = graph
        .nodes
        .iter()
        .zip(&inner)
        .map(|(node, inner)| match (node, inner) {
            (NodeRequest::Leaf(size), _) => *size,
            (NodeRequest::Container { .. }, Some(c)) => container_size(c, options),
            (NodeRequest::Container { header, .. }, None) => *header,
        })
        .collect();
    let flat = engine.layout_flat(
        &FlatGraph {
            nodes: &sizes,
            edges: &graph.edges,
            first: graph.first,
            last: graph.last,
        },
        options,
    );
    let mut nodes = Vec::with_capacity(sizes.len());
    for (i, inner) in inner.into_iter().enumerate() {
        let rect = flat
            .nodes
            .get(i)
            .copied()
            .unwrap_or(Rect::new(Point::default(), sizes[i]));
        let container = inner.map(|c| translate_container(c, rect.min.x, rect.min.y));
        nodes.push(NodeLayout { rect, container });
    }
    let mut edges = flat.edges;
    edges.resize_with(graph.edges.len(), EdgeLayout::default);
    let mut bounds = Rect::new(Point::default(), flat.size);
    for n in &nodes {
        bounds = bounds.union(&n.rect);
    }
    GraphLayout {
        nodes,
        edges,
        bounds,
    }
}

/// The outer size of a laid-out container: its header and bodies, and the padding below them.
fn container_size(c: &ContainerLayout, options: &LayoutOptions) -> Size {
    let extent = c.bodies.iter().fold(c.header, |acc, b| acc.union(&b.rect));
    let below = if c.bodies.is_empty() {
        0.0
    } else {
        options.padding
    };
    Size::new(extent.size.w, extent.size.h + below)
}

/// Lays a container out in coordinates local to its top-left corner: the header across the top,
/// the bodies side by side below it, each as tall as the tallest.
fn layout_container(
    engine: &dyn LayoutEngine,
    header: Size,
    bodies: &[BodyRequest],
    options: &LayoutOptions,
) -> ContainerLayout {
    let pad = options.padding;
    let laid: Vec<(Size, GraphLayout)> = bodies
        .iter()
        .map(|b| (b.label, layout_graph(engine, &b.graph, options)))
        .collect();
    let body_h = laid
        .iter()
        .map(|(label, g)| label.h + g.bounds.size.h + 2.0 * pad)
        .fold(0.0f32, f32::max);
    let body_w = |(label, g): &(Size, GraphLayout)| label.w.max(g.bounds.size.w) + 2.0 * pad;
    let total_w: f32 = laid.iter().map(body_w).sum::<f32>()
        + options.body_gap * laid.len().saturating_sub(1) as f32;
    let width = header.w.max(total_w + 2.0 * pad);
    let mut x = (width - total_w) / 2.0;
    let top = header.h + if laid.is_empty() { 0.0 } else { pad };
    let mut out = Vec::with_capacity(laid.len());
    for item in laid {
        let w = body_w(&item);
        let (label, graph) = item;
        let rect = Rect::new(Point::new(x, top), Size::new(w, body_h));
        let label_rect = Rect::new(Point::new(x + pad, top + pad / 2.0), label);
        // The graph is centred horizontally in the body, below its label.
        let gx = x + (w - graph.bounds.size.w) / 2.0 - graph.bounds.min.x;
        let gy = top + pad / 2.0 + label.h + pad / 2.0 - graph.bounds.min.y;
        out.push(BodyLayout {
            rect,
            label: label_rect,
            graph: translate_graph(graph, gx, gy),
        });
        x += w + options.body_gap;
    }
    ContainerLayout {
        header: Rect::new(Point::default(), Size::new(width, header.h)),
        bodies: out,
    }
}

fn translate_container(c: ContainerLayout, dx: f32, dy: f32) -> ContainerLayout {
    ContainerLayout {
        header: c.header.translate(dx, dy),
        bodies: c
            .bodies
            .into_iter()
            .map(|b| BodyLayout {
                rect: b.rect.translate(dx, dy),
                label: b.label.translate(dx, dy),
                graph: translate_graph(b.graph, dx, dy),
            })
            .collect(),
    }
}

fn translate_graph(g: GraphLayout, dx: f32, dy: f32) -> GraphLayout {
    GraphLayout {
        nodes: g
            .nodes
            .into_iter()
            .map(|n| NodeLayout {
                rect: n.rect.translate(dx, dy),
                container: n.container.map(|c| translate_container(c, dx, dy)),
            })
            .collect(),
        edges: g
            .edges
            .into_iter()
            .map(|e| EdgeLayout {
                points: e
                    .points
                    .into_iter()
                    .map(|p| Point::new(p.x + dx, p.y + dy))
                    .collect(),
                label: e.label.map(|r| r.translate(dx, dy)),
            })
            .collect(),
        bounds: g.bounds.translate(dx, dy),
    }
}
