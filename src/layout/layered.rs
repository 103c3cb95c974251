//! Our own layered (Sugiyama-style) layout of one flat level.
//!
//! 1. Cycles: a depth-first search from the first node reverses the edges that close a cycle.
//! 2. Layers: longest path from the sources. Every edge spans at least two layers, so there is a
//!    label layer between any two layers of nodes; a long edge becomes a chain of dummy items, one
//!    per layer it crosses, and its label (if any) is the dummy just after its source.
//! 3. Order: depth-first initial order, then barycenter sweeps down and up, keeping the order with
//!    the fewest crossings.
//! 4. Coordinates: Brandes-Köpf (see `brandes_koepf`), which keeps long edges straight and
//!    chains of states in line.
//!    Nodes sit on the top of their layer, so a tall container does not leave its small
//!    neighbours floating halfway down.
//! 5. Routes: each edge leaves its source's bottom at a port, runs vertically through each layer
//!    band it crosses (at its dummy's place, which nothing else occupies) and diagonally through the
//!    gaps between bands, so it never crosses a node; then it is pulled straight wherever a
//!    straight segment touches no node and no label. Self-loops go round the node's right side.

use super::brandes_koepf;
use super::{EdgeLayout, FlatGraph, FlatLayout, LayoutEngine, LayoutOptions, Point, Rect, Size};

/// The layered layout engine (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct Layered;

/// Gap between an edge's line and its label.
const LABEL_OFFSET: f32 = 5.0;
/// How far the first self-loop reaches right of its node, and each further one more.
const LOOP_REACH: f32 = 16.0;
const LOOP_STEP: f32 = 10.0;
/// The most points a straightened segment skips: bounds the work on very long edges (their
/// straight runs are joined again by `simplify`).
const MAX_JUMP: usize = 24;
/// Room kept between a straightened route and the nodes it passes.
const OBSTACLE_MARGIN: f32 = 4.0;
/// Gap between two ports on a node's side.
const PORT_GAP: f32 = 14.0;
/// Smoothing passes over the dummies after Brandes-Köpf.
const DUMMY_PASSES: usize = 4;
/// Sweeps of ordering.
const ORDER_SWEEPS: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemKind {
    Node(usize),
    Dummy,
    Label,
}

#[derive(Clone, Debug)]
struct Item {
    kind: ItemKind,
    rank: usize,
    /// Extent left and right of the anchor x.
    left: f32,
    right: f32,
    height: f32,
}

/// An edge after cycle breaking: its items from the upper end to the lower end.
struct Chain {
    edge: usize,
    reversed: bool,
    items: Vec<usize>,
    label_item: Option<usize>,
}

impl LayoutEngine for Layered {
    fn layout_flat(&self, graph: &FlatGraph<'_>, options: &LayoutOptions) -> FlatLayout {
        let n = graph.nodes.len();
        let mut out = FlatLayout {
            nodes: vec![Rect::default(); n],
            edges: vec![EdgeLayout::default(); graph.edges.len()],
            size: Size::default(),
        };
        if n == 0 {
            return out;
        }
        let valid = |i: usize| i < n;
        let mut loops: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut links: Vec<(usize, usize, usize)> = Vec::new();
        for (j, e) in graph.edges.iter().enumerate() {
            if !valid(e.from) || !valid(e.to) {
                continue;
            }
            if e.from == e.to {
                loops[e.from].push(j);
            } else {
                links.push((j, e.from, e.to));
            }
        }
        let first = graph.first.filter(|&f| valid(f));
        let last = graph.last.filter(|&l| valid(l));

        let reversed = break_cycles(n, &links, first);
        let dag: Vec<(usize, usize, usize, bool)> = links
            .iter()
            .zip(&reversed)
            .map(|(&(j, a, b), &rev)| {
                if rev {
                    (j, b, a, true)
                } else {
                    (j, a, b, false)
                }
            })
            .collect();
        let rank = assign_ranks(n, &dag, first, last);

        // Items: the nodes first (item i is node i), then the dummies of each chain.
        let mut items: Vec<Item> = (0..n)
            .map(|v| {
                let size = graph.nodes[v];
                let loop_room = loop_room(graph, &loops[v]);
                Item {
                    kind: ItemKind::Node(v),
                    rank: rank[v],
                    left: size.w / 2.0,
                    right: size.w / 2.0 + loop_room,
                    height: size.h,
                }
            })
            .collect();
        let mut chains = Vec::with_capacity(dag.len());
        for &(j, a, b, rev) in &dag {
            let label = graph.edges[j].label;
            // The label sits next to the original source: below it, or above it when reversed.
            let label_rank = if rev { rank[b] - 1 } else { rank[a] + 1 };
            let mut chain = Chain {
                edge: j,
                reversed: rev,
                items: vec![a],
                label_item: None,
            };
            for r in rank[a] + 1..rank[b] {
                let id = items.len();
                match label {
                    Some(size) if r == label_rank => {
                        items.push(Item {
                            kind: ItemKind::Label,
                            rank: r,
                            left: 0.0,
                            right: LABEL_OFFSET + size.w,
                            height: size.h,
                        });
                        chain.label_item = Some(id);
                    }
                    _ => items.push(Item {
                        kind: ItemKind::Dummy,
                        rank: r,
                        left: 0.0,
                        right: 0.0,
                        height: 0.0,
                    }),
                }
                chain.items.push(id);
            }
            chain.items.push(b);
            chains.push(chain);
        }
        let layer_count = rank.iter().copied().max().unwrap_or(0) + 1;

        // Neighbours in the adjacent layers.
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        for chain in &chains {
            for pair in chain.items.windows(2) {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
        }

        let layers = order(&items, &down, &up, layer_count, first);
        let x = coordinates(&items, &layers, &down, &up, options);

        // Layer bands: each as tall as its tallest item; gaps grow with the edges' slant.
        let band: Vec<f32> = layers
            .iter()
            .map(|l| l.iter().map(|&i| items[i].height).fold(0.0, f32::max))
            .collect();
        let half_gap = options.rank_gap / 2.0;
        let mut top = vec![0.0f32; layer_count];
        for r in 1..layer_count {
            let slant = layers[r - 1]
                .iter()
                .flat_map(|&u| down[u].iter().map(move |&w| (u, w)))
                .map(|(u, w)| (x[u] - x[w]).abs())
                .fold(0.0, f32::max);
            let gap = half_gap.max((slant * 0.22).min(half_gap * 3.0));
            top[r] = top[r - 1] + band[r - 1] + gap;
        }

        for v in 0..n {
            let size = graph.nodes[v];
            let r = rank[v];
            out.nodes[v] = Rect::new(Point::new(x[v] - size.w / 2.0, top[r]), size);
        }

        // Label boxes first: they are obstacles for the routes.
        let labels: Vec<Option<Rect>> = chains
            .iter()
            .map(|chain| {
                let size = graph.edges[chain.edge].label?;
                let d = chain.label_item?;
                let r = items[d].rank;
                Some(Rect::new(
                    Point::new(x[d] + LABEL_OFFSET, top[r] + (band[r] - size.h) / 2.0),
                    size,
                ))
            })
            .collect();
        let mut obstacles: Vec<Vec<(Rect, usize)>> = vec![Vec::new(); layer_count];
        for v in 0..n {
            obstacles[rank[v]].push((out.nodes[v].inflate(OBSTACLE_MARGIN), v));
        }
        for (chain, label) in chains.iter().zip(&labels) {
            if let (Some(rect), Some(d)) = (label, chain.label_item) {
                obstacles[items[d].rank].push((*rect, usize::MAX));
            }
        }

        let ports = Ports::new(&chains, &x, &out.nodes);
        for (c, chain) in chains.iter().enumerate() {
            // Points from the upper end to the lower end, with their layer; `true` = must stay.
            let mut points: Vec<(Point, usize, bool)> =
                Vec::with_capacity(chain.items.len() * 2 + 2);
            let (a, b) = (chain.items[0], chain.items[chain.items.len() - 1]);
            let (ra, rb) = (rank[a], rank[b]);
            let start_x = ports.bottom[c];
            points.push((Point::new(start_x, out.nodes[a].max().y), ra, true));
            points.push((Point::new(start_x, top[ra] + band[ra]), ra, false));
            for &d in &chain.items[1..chain.items.len() - 1] {
                let r = items[d].rank;
                let keep = Some(d) == chain.label_item;
                points.push((Point::new(x[d], top[r]), r, keep));
                points.push((Point::new(x[d], top[r] + band[r]), r, keep));
            }
            let end_x = ports.top[c];
            points.push((Point::new(end_x, top[rb]), rb, false));
            points.push((Point::new(end_x, out.nodes[b].min.y), rb, true));
            let mut points = simplify(straighten(&points, &obstacles, a, b));
            if chain.reversed {
                points.reverse();
            }
            out.edges[chain.edge] = EdgeLayout {
                points,
                label: labels[c],
            };
        }

        for (v, edges) in loops.iter().enumerate() {
            route_loops(graph, edges, out.nodes[v], &mut out.edges);
        }

        // Shift everything so the top-left is (0, 0).
        let mut extent: Option<Rect> = None;
        let mut grow = |r: Rect| extent = Some(extent.map_or(r, |e| e.union(&r)));
        for (i, item) in items.iter().enumerate() {
            let r = item.rank;
            grow(Rect::new(
                Point::new(x[i] - item.left, top[r]),
                Size::new(item.left + item.right, band[r]),
            ));
        }
        for e in &out.edges {
            for p in &e.points {
                grow(Rect::new(*p, Size::default()));
            }
            if let Some(l) = e.label {
                grow(l);
            }
        }
        let extent = extent.unwrap_or_default();
        let (dx, dy) = (-extent.min.x, -extent.min.y);
        for r in &mut out.nodes {
            *r = r.translate(dx, dy);
        }
        for e in &mut out.edges {
            for p in &mut e.points {
                p.x += dx;
                p.y += dy;
            }
            e.label = e.label.map(|l| l.translate(dx, dy));
        }
        out.size = extent.size;
        out
    }
}

/// Room a node needs on its right for its self-loops and their labels.
fn loop_room(graph: &FlatGraph<'_>, loops: &[usize]) -> f32 {
    if loops.is_empty() {
        return 0.0;
    }
    let widest = loops
        .iter()
        .filter_map(|&j| graph.edges[j].label)
        .map(|s| s.w + LABEL_OFFSET)
        .fold(0.0, f32::max);
    LOOP_REACH + LOOP_STEP * (loops.len() - 1) as f32 + widest
}

fn route_loops(graph: &FlatGraph<'_>, loops: &[usize], node: Rect, edges: &mut [EdgeLayout]) {
    let count = loops.len();
    let reach = LOOP_REACH + LOOP_STEP * count.saturating_sub(1) as f32;
    let labels: Vec<Size> = loops.iter().filter_map(|&j| graph.edges[j].label).collect();
    let label_h: f32 = labels.iter().map(|s| s.h).sum();
    let (right, cy) = (node.max().x, node.center().y);
    let mut label_y = cy - label_h / 2.0;
    for (k, &j) in loops.iter().enumerate() {
        let dx = LOOP_REACH + LOOP_STEP * k as f32;
        let dy = (5.0 + 4.0 * k as f32).min(node.size.h / 2.0 - 1.0).max(1.0);
        let points = vec![
            Point::new(right, cy - dy),
            Point::new(right + dx, cy - dy),
            Point::new(right + dx, cy + dy),
            Point::new(right, cy + dy),
        ];
        let label = graph.edges[j].label.map(|size| {
            let r = Rect::new(Point::new(right + reach + LABEL_OFFSET, label_y), size);
            label_y += size.h;
            r
        });
        edges[j] = EdgeLayout { points, label };
    }
}

/// Marks the edges to reverse so the graph has no cycle: those a depth-first search (from the
/// first node, then every node in order, following edges in order) finds closing a cycle.
fn break_cycles(n: usize, links: &[(usize, usize, usize)], first: Option<usize>) -> Vec<bool> {
    let mut out_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, &(_, a, b)) in links.iter().enumerate() {
        out_edges[a].push((k, b));
    }
    let mut reversed = vec![false; links.len()];
    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in first.into_iter().chain(0..n) {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if let Some(&(k, w)) = out_edges[v].get(next) {
                top.1 += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

/// Longest-path layers with every edge spanning at least two; sources other than the first node
/// move down next to their successors; the last node goes to the last layer when it can.
fn assign_ranks(
    n: usize,
    dag: &[(usize, usize, usize, bool)],
    first: Option<usize>,
    last: Option<usize>,
) -> Vec<usize> {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(_, a, b, _) in dag {
        succ[a].push(b);
        indegree[b] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut remaining = indegree.clone();
    let mut queue: Vec<usize> = (0..n).filter(|&v| remaining[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(v) = queue.pop() {
        topo.push(v);
        for &w in &succ[v] {
            rank[w] = rank[w].max(rank[v] + 2);
            remaining[w] -= 1;
            if remaining[w] == 0 {
                queue.push(w);
            }
        }
    }
    for &v in &topo {
        if indegree[v] == 0
            && Some(v) != first
            && let Some(lowest) = succ[v].iter().map(|&w| rank[w]).min()
        {
            rank[v] = rank[v].max(lowest.saturating_sub(2));
        }
    }
    if let Some(l) = last
        && succ[l].is_empty()
    {
        let deepest = (0..n)
            .filter(|&v| v != l)
            .map(|v| rank[v])
            .max()
            .unwrap_or(0);
        if deepest >= rank[l] {
            rank[l] = deepest + 2;
        }
    }
    rank
}

/// Orders each layer to reduce crossings; returns the layers, left to right.
fn order(
    items: &[Item],
    down: &[Vec<usize>],
    up: &[Vec<usize>],
    layer_count: usize,
    first: Option<usize>,
) -> Vec<Vec<usize>> {
    // Initial order: depth first from the nodes, by layer then index; children in edge order.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    let mut seen = vec![false; items.len()];
    let mut roots: Vec<usize> = (0..items.len())
        .filter(|&i| matches!(items[i].kind, ItemKind::Node(_)))
        .collect();
    roots.sort_by_key(|&i| (Some(i) != first, items[i].rank, i));
    let mut stack = Vec::new();
    for root in roots {
        stack.push(root);
        while let Some(i) = stack.pop() {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            layers[items[i].rank].push(i);
            for &w in down[i].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    for (i, s) in seen.iter().enumerate() {
        if !s {
            layers[items[i].rank].push(i);
        }
    }
    let mut pos = vec![0usize; items.len()];
    let index = |layers: &[Vec<usize>], pos: &mut [usize]| {
        for layer in layers {
            for (p, &i) in layer.iter().enumerate() {
                pos[i] = p;
            }
        }
    };
    index(&layers, &mut pos);
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, down, &pos);
    let mut stale = 0;
    for sweep in 0..ORDER_SWEEPS {
        if best_crossings == 0 || stale >= 4 {
            break;
        }
        let downward = sweep % 2 == 0;
        let range: Vec<usize> = if downward {
            (1..layer_count).collect()
        } else {
            (0..layer_count.saturating_sub(1)).rev().collect()
        };
        for r in range {
            let neighbours = if downward { up } else { down };
            reorder(&mut layers[r], neighbours, &mut pos);
        }
        let c = crossings(&layers, down, &pos);
        if c < best_crossings {
            best_crossings = c;
            best.clone_from(&layers);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    best
}

/// Sorts a layer by the mean position of each item's neighbours in the fixed layer; items with
/// no neighbours there keep their place.
fn reorder(layer: &mut [usize], neighbours: &[Vec<usize>], pos: &mut [usize]) {
    let mut movable: Vec<(f32, usize, usize)> = Vec::new();
    for (p, &i) in layer.iter().enumerate() {
        let ns = &neighbours[i];
        if !ns.is_empty() {
            let mean = ns.iter().map(|&w| pos[w] as f32).sum::<f32>() / ns.len() as f32;
            movable.push((mean, p, i));
        }
    }
    movable.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut next = movable.into_iter();
    for slot in layer.iter_mut() {
        if !neighbours[*slot].is_empty()
            && let Some((_, _, i)) = next.next()
        {
            *slot = i;
        }
    }
    for (p, &i) in layer.iter().enumerate() {
        pos[i] = p;
    }
}

/// The number of crossings between every pair of adjacent layers.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    let mut ends: Vec<usize> = Vec::new();
    for r in 0..layers.len().saturating_sub(1) {
        let size = layers[r + 1].len();
        ends.clear();
        for &u in &layers[r] {
            let start = ends.len();
            ends.extend(down[u].iter().map(|&w| pos[w]));
            ends[start..].sort_unstable();
        }
        // Inversions of `ends`, counted with a Fenwick tree.
        let mut tree = vec![0usize; size + 1];
        for (seen, &e) in ends.iter().enumerate() {
            let mut i = e + 1;
            let mut not_greater = 0;
            while i > 0 {
                not_greater += tree[i];
                i &= i - 1;
            }
            total += seen - not_greater;
            let mut i = e + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// The anchor x of every item: Brandes-Köpf, then each layer pushed apart where the minimum gaps
/// are not met (they always are by construction; this makes it certain).
fn coordinates(
    items: &[Item],
    layers: &[Vec<usize>],
    down: &[Vec<usize>],
    up: &[Vec<usize>],
    options: &LayoutOptions,
) -> Vec<f32> {
    let gap = |a: &Item, b: &Item| {
        let real = |i: &Item| matches!(i.kind, ItemKind::Node(_));
        let label = |i: &Item| i.kind == ItemKind::Label;
        // A label sits right of its edge's line: keep the next item clear of its text.
        let g = match (real(a), real(b)) {
            _ if label(a) => options.node_gap,
            (true, true) => options.node_gap,
            (false, false) => options.edge_gap,
            _ => (options.node_gap + options.edge_gap) / 2.0,
        };
        a.right + g + b.left
    };
    let seps: Vec<Vec<f32>> = layers
        .iter()
        .map(|layer| {
            layer
                .windows(2)
                .map(|p| gap(&items[p[0]], &items[p[1]]))
                .collect()
        })
        .collect();
    let dummy: Vec<bool> = items
        .iter()
        .map(|i| !matches!(i.kind, ItemKind::Node(_)))
        .collect();
    let extent: Vec<(f32, f32)> = items.iter().map(|i| (i.left, i.right)).collect();
    let mut x = brandes_koepf::positions(&brandes_koepf::Layered {
        layers,
        up,
        down,
        dummy: &dummy,
        extent: &extent,
        sep: &seps,
    });
    // Nodes stay; a dummy next to a node moves towards the middle of its two neighbours on the
    // edge, within the room its layer leaves, which smooths kinks where edges leave and enter. The last pass with every
    // item held equally also makes the minimum gaps certain.
    let mut targets = Vec::new();
    for pass in 0..=DUMMY_PASSES {
        let order: Vec<usize> = if pass % 2 == 0 {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for r in order {
            let layer = &layers[r];
            targets.clear();
            targets.extend(layer.iter().map(|&i| {
                let ns = up[i].iter().chain(&down[i]);
                let count = up[i].len() + down[i].len();
                // Only the ends of long edges move: their straight middles stay straight.
                let end = up[i].iter().chain(&down[i]).any(|&w| !dummy[w]);
                match (pass < DUMMY_PASSES, dummy[i] && end, count) {
                    (true, true, 1..) => (ns.map(|&w| x[w]).sum::<f32>() / count as f32, 1.0),
                    (true, _, _) => (x[i], 1e4),
                    (false, _, _) => (x[i], 1.0),
                }
            }));
            place(layer, &targets, &seps[r], &mut x);
        }
    }
    x
}

/// Places a layer's items as close to their targets as the minimum gaps allow, minimising the
/// weighted squared distance (pool adjacent violators on positions less the cumulative gaps).
fn place(layer: &[usize], targets: &[(f32, f32)], seps: &[f32], x: &mut [f32]) {
    struct Block {
        weight: f32,
        sum: f32,
        len: usize,
    }
    let mut offset = Vec::with_capacity(layer.len());
    let mut at = 0.0;
    for k in 0..layer.len() {
        offset.push(at);
        at += seps.get(k).copied().unwrap_or(0.0);
    }
    let mut blocks: Vec<Block> = Vec::with_capacity(layer.len());
    for (k, &(target, weight)) in targets.iter().enumerate() {
        let mut b = Block {
            weight,
            sum: weight * (target - offset[k]),
            len: 1,
        };
        while let Some(prev) = blocks.last() {
            if prev.sum / prev.weight >= b.sum / b.weight {
                b.weight += prev.weight;
                b.sum += prev.sum;
                b.len += prev.len;
                blocks.pop();
            } else {
                break;
            }
        }
        blocks.push(b);
    }
    let mut k = 0;
    for b in blocks {
        let y = b.sum / b.weight;
        for _ in 0..b.len {
            x[layer[k]] = y + offset[k];
            k += 1;
        }
    }
}

/// Where each chain leaves its upper node (on the bottom side) and enters its lower node (on the
/// top side): ports spread along the side in the order of the neighbours they lead to.
struct Ports {
    bottom: Vec<f32>,
    top: Vec<f32>,
}

impl Ports {
    fn new(chains: &[Chain], x: &[f32], nodes: &[Rect]) -> Self {
        let mut bottom = vec![0.0; chains.len()];
        let mut top = vec![0.0; chains.len()];
        let mut by_node_bottom: Vec<Vec<(f32, usize)>> = vec![Vec::new(); nodes.len()];
        let mut by_node_top: Vec<Vec<(f32, usize)>> = vec![Vec::new(); nodes.len()];
        for (c, chain) in chains.iter().enumerate() {
            let k = chain.items.len();
            let (a, b) = (chain.items[0], chain.items[k - 1]);
            by_node_bottom[a].push((x[chain.items[1]], c));
            by_node_top[b].push((x[chain.items[k - 2]], c));
        }
        let spread = |list: &mut Vec<(f32, usize)>, node: &Rect, out: &mut Vec<f32>| {
            list.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            let count = list.len();
            let span = (PORT_GAP * count.saturating_sub(1) as f32).min(node.size.w * 0.7);
            let cx = node.center().x;
            for (k, &(_, c)) in list.iter().enumerate() {
                out[c] = if count > 1 {
                    cx - span / 2.0 + span * k as f32 / (count - 1) as f32
                } else {
                    cx
                };
            }
        };
        for (v, node) in nodes.iter().enumerate() {
            spread(&mut by_node_bottom[v], node, &mut bottom);
            spread(&mut by_node_top[v], node, &mut top);
        }
        Self { bottom, top }
    }
}

/// Pulls a route straight: from each point, jumps to the farthest later point that a straight
/// segment reaches without touching a node or label (other than the route's own ends), never
/// past a point that must stay.
fn straighten(
    points: &[(Point, usize, bool)],
    obstacles: &[Vec<(Rect, usize)>],
    from: usize,
    to: usize,
) -> Vec<Point> {
    let clear = |i: usize, j: usize| {
        let ((p, rp, _), (q, rq, _)) = (points[i], points[j]);
        (rp.min(rq)..=rp.max(rq)).all(|r| {
            obstacles[r]
                .iter()
                .all(|&(rect, owner)| owner == from || owner == to || !rect.crossed_by(p, q))
        })
    };
    let mut out = vec![points[0].0];
    let mut i = 0;
    while i + 1 < points.len() {
        let mut j = i + 1;
        while j + 1 < points.len() && j < i + MAX_JUMP && !points[j].2 && clear(i, j + 1) {
            j += 1;
        }
        out.push(points[j].0);
        i = j;
    }
    out
}

/// Drops repeated points and points on a straight line between their neighbours.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if let Some(&last) = out.last()
            && last == p
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            // Drop `b` when it lies on the line from `a` to `p` (within a hundredth of a point).
            let (ux, uy, vx, vy) = (b.x - a.x, b.y - a.y, p.x - b.x, p.y - b.y);
            let cross = ux * vy - uy * vx;
            let same_way = ux * vx + uy * vy >= 0.0;
            if same_way && cross.abs() <= 0.01 * (vx.hypot(vy) + ux.hypot(uy)) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}
