//! Horizontal coordinates by Brandes and Köpf ("Fast and Simple Horizontal Coordinate
//! Assignment", 2001), as dagre does it: four alignments (up or down, left or right), each
//! lining items up with a median neighbour into vertical blocks that are then packed as tightly
//! as the gaps allow; each item takes the mean of its two middle candidates. Long edges (chains
//! of dummies) get priority, so they run straight.

use std::collections::HashSet;

/// What the algorithm needs to know of the layered graph.
pub(super) struct Layered<'a> {
    /// The items of each layer, left to right.
    pub layers: &'a [Vec<usize>],
    /// Neighbours in the layer above, per item.
    pub up: &'a [Vec<usize>],
    /// Neighbours in the layer below, per item.
    pub down: &'a [Vec<usize>],
    /// Whether an item is a dummy (part of a long edge).
    pub dummy: &'a [bool],
    /// Half the extent of each item (left, right) around its anchor.
    pub extent: &'a [(f32, f32)],
    /// The minimum distance between the anchors of two neighbours, `sep[layer][k]` between the
    /// items at `k` and `k + 1`.
    pub sep: &'a [Vec<f32>],
}

/// The anchor x of every item.
pub(super) fn positions(g: &Layered<'_>) -> Vec<f32> {
    let count = g.up.len();
    let mut pos = vec![0usize; count];
    let mut layer_of = vec![0usize; count];
    for (r, layer) in g.layers.iter().enumerate() {
        for (k, &v) in layer.iter().enumerate() {
            pos[v] = k;
            layer_of[v] = r;
        }
    }
    let conflicts = type1_conflicts(g, &pos);
    let mut results: Vec<(Vec<f32>, bool)> = Vec::with_capacity(4);
    for downward in [false, true] {
        for rightward in [false, true] {
            let mut layering: Vec<Vec<usize>> = g.layers.to_vec();
            if downward {
                layering.reverse();
            }
            if rightward {
                for layer in &mut layering {
                    layer.reverse();
                }
            }
            let neighbours = if downward { g.down } else { g.up };
            let root = vertical_alignment(&layering, neighbours, &conflicts, count);
            let mut xs = compaction(g, &layering, &root, &pos, &layer_of, rightward);
            if rightward {
                for x in &mut xs {
                    *x = -*x;
                }
            }
            results.push((xs, rightward));
        }
    }
    // Align every result to the narrowest one, by its left or right side.
    let width = |xs: &[f32]| {
        let (lo, hi) = xs
            .iter()
            .enumerate()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), (v, &x)| {
                (lo.min(x - g.extent[v].0), hi.max(x + g.extent[v].1))
            });
        hi - lo
    };
    let min_max = |xs: &[f32]| {
        xs.iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            })
    };
    let narrowest = (0..results.len())
        .min_by(|&a, &b| width(&results[a].0).total_cmp(&width(&results[b].0)))
        .unwrap_or(0);
    let (to_min, to_max) = min_max(&results[narrowest].0);
    for (k, (xs, rightward)) in results.iter_mut().enumerate() {
        if k == narrowest || xs.is_empty() {
            continue;
        }
        let (lo, hi) = min_max(xs);
        let delta = if *rightward { to_max - hi } else { to_min - lo };
        for x in xs.iter_mut() {
            *x += delta;
        }
    }
    (0..count)
        .map(|v| {
            let mut c = [
                results[0].0[v],
                results[1].0[v],
                results[2].0[v],
                results[3].0[v],
            ];
            c.sort_by(f32::total_cmp);
            (c[1] + c[2]) / 2.0
        })
        .collect()
}

/// Segments that cross an inner segment (between two dummies) lose to it: they are marked so the
/// alignment does not use them.
fn type1_conflicts(g: &Layered<'_>, pos: &[usize]) -> HashSet<(usize, usize)> {
    let mut conflicts = HashSet::new();
    for r in 1..g.layers.len() {
        let (prev, layer) = (&g.layers[r - 1], &g.layers[r]);
        let (mut k0, mut scan) = (0usize, 0usize);
        let last = layer.len().saturating_sub(1);
        for (i, &v) in layer.iter().enumerate() {
            let inner = if g.dummy[v] {
                g.up[v].iter().copied().find(|&u| g.dummy[u])
            } else {
                None
            };
            let k1 = inner.map_or(prev.len(), |w| pos[w]);
            if inner.is_some() || i == last {
                for &s in &layer[scan..=i] {
                    for &u in &g.up[s] {
                        let p = pos[u];
                        if (p < k0 || k1 < p) && !(g.dummy[u] && g.dummy[s]) {
                            conflicts.insert((u.min(s), u.max(s)));
                        }
                    }
                }
                scan = i + 1;
                k0 = k1;
            }
        }
    }
    conflicts
}

/// Lines each item up with a median neighbour in the previous layer of `layering`.
fn vertical_alignment(
    layering: &[Vec<usize>],
    neighbours: &[Vec<usize>],
    conflicts: &HashSet<(usize, usize)>,
    count: usize,
) -> Vec<usize> {
    let mut root: Vec<usize> = (0..count).collect();
    let mut align: Vec<usize> = (0..count).collect();
    let mut pos = vec![0usize; count];
    for layer in layering {
        for (k, &v) in layer.iter().enumerate() {
            pos[v] = k;
        }
    }
    let mut ws: Vec<usize> = Vec::new();
    for layer in layering {
        let mut prev: Option<usize> = None;
        for &v in layer {
            ws.clear();
            ws.extend(neighbours[v].iter().copied());
            if ws.is_empty() {
                continue;
            }
            ws.sort_by_key(|&w| pos[w]);
            let len = ws.len();
            let (lo, hi) = ((len - 1) / 2, len / 2);
            for &w in &ws[lo..=hi] {
                if align[v] == v
                    && prev.is_none_or(|p| p < pos[w])
                    && !conflicts.contains(&(v.min(w), v.max(w)))
                {
                    align[w] = v;
                    root[v] = root[w];
                    align[v] = root[v];
                    prev = Some(pos[w]);
                }
            }
        }
    }
    root
}

/// Packs the blocks (items sharing a root) as far left as the gaps allow, then moves each block
/// right as far as its right neighbours allow, to take up slack.
fn compaction(
    g: &Layered<'_>,
    layering: &[Vec<usize>],
    root: &[usize],
    pos: &[usize],
    layer_of: &[usize],
    rightward: bool,
) -> Vec<f32> {
    let count = root.len();
    // Block graph: an edge from the block of each item to the block of its right neighbour (in
    // this layering's direction), weighted by the largest gap required between them.
    let mut out_edges: Vec<Vec<(usize, f32)>> = vec![Vec::new(); count];
    let mut in_edges: Vec<Vec<(usize, f32)>> = vec![Vec::new(); count];
    for layer in layering {
        for pair in layer.windows(2) {
            let (u, v) = (pair[0], pair[1]);
            // The gap is known for the pair in left-to-right order of the original layer.
            let left = if rightward { v } else { u };
            let gap = g.sep[layer_of[left]][pos[left]];
            let (ru, rv) = (root[u], root[v]);
            if let Some(e) = out_edges[ru].iter_mut().find(|e| e.0 == rv) {
                e.1 = e.1.max(gap);
            } else {
                out_edges[ru].push((rv, gap));
            }
            if let Some(e) = in_edges[rv].iter_mut().find(|e| e.0 == ru) {
                e.1 = e.1.max(gap);
            } else {
                in_edges[rv].push((ru, gap));
            }
        }
    }
    let roots: Vec<usize> = (0..count).filter(|&v| root[v] == v).collect();
    // Topological order of the blocks (Kahn); a block left out by a cycle (which the alignment
    // rules exclude) stays at 0 and the caller's final pass separates it.
    let mut indegree = vec![0usize; count];
    for &b in &roots {
        indegree[b] = in_edges[b].len();
    }
    let mut stack: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&b| indegree[b] == 0)
        .collect();
    let mut order = Vec::with_capacity(roots.len());
    while let Some(b) = stack.pop() {
        order.push(b);
        for &(c, _) in &out_edges[b] {
            indegree[c] -= 1;
            if indegree[c] == 0 {
                stack.push(c);
            }
        }
    }
    let mut xs = vec![0.0f32; count];
    for &b in &order {
        xs[b] = in_edges[b]
            .iter()
            .map(|&(a, w)| xs[a] + w)
            .fold(0.0, f32::max);
    }
    for &b in order.iter().rev() {
        let limit = out_edges[b]
            .iter()
            .map(|&(c, w)| xs[c] - w)
            .fold(f32::INFINITY, f32::min);
        if limit.is_finite() {
            xs[b] = xs[b].max(limit);
        }
    }
    (0..count).map(|v| xs[root[v]]).collect()
}
