//! The canvas from the keyboard: which state Tab, Shift+Tab and the arrow keys go to, read from
//! the workflow graph (no egui here).
//!
//! Tab and Shift+Tab go through every state in the graph's order (a container before the states
//! inside it). Down follows the selected state's first transition, Right its next one (a
//! Choice's other rules, a Catch); Up goes back to the first state that leads to it, Left to the
//! last one. A container's first inner state follows it when nothing else does, and a scope's
//! first state leads back to its container.

use stepcraft::Pointer;
use stepcraft::graph::{NodeId, ScopeGraph, WorkflowGraph};

/// A key the canvas acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanvasKey {
    /// Tab: the next state in order.
    Next,
    /// Shift+Tab: the previous state in order.
    Previous,
    /// Down: the first state this one leads to.
    Follow,
    /// Right: another state this one leads to.
    FollowOther,
    /// Up: the first state leading here.
    Back,
    /// Left: another state leading here.
    BackOther,
}

/// The states of `graph`, in order (containers before their insides).
pub fn states_in_order(graph: &WorkflowGraph) -> Vec<Pointer> {
    let mut out = Vec::new();
    collect(&graph.root, &mut out);
    out
}

fn collect(scope: &ScopeGraph, out: &mut Vec<Pointer>) {
    for node in &scope.nodes {
        if let NodeId::State(p) = &node.id {
            out.push(p.clone());
        }
        for body in &node.bodies {
            collect(&body.graph, out);
        }
    }
}

/// The scope holding the state at `pointer`, and the state's index in it; with the container
/// of that scope (`None` at the top).
fn find<'g>(
    scope: &'g ScopeGraph,
    container: Option<&'g Pointer>,
    pointer: &Pointer,
) -> Option<(&'g ScopeGraph, usize, Option<&'g Pointer>)> {
    for (i, node) in scope.nodes.iter().enumerate() {
        if let NodeId::State(p) = &node.id
            && p == pointer
        {
            return Some((scope, i, container));
        }
        let inner = match &node.id {
            NodeId::State(p) => Some(p),
            _ => None,
        };
        for body in &node.bodies {
            if let Some(found) = find(&body.graph, inner, pointer) {
                return Some(found);
            }
        }
    }
    None
}

fn state_at(scope: &ScopeGraph, i: usize) -> Option<&Pointer> {
    match &scope.nodes.get(i)?.id {
        NodeId::State(p) => Some(p),
        _ => None,
    }
}

/// The first state inside a scope (its start edge's target).
fn first_inside(scope: &ScopeGraph) -> Option<&Pointer> {
    scope
        .edges
        .iter()
        .filter(|e| matches!(scope.nodes[e.from].id, NodeId::Start(_)))
        .find_map(|e| state_at(scope, e.to))
}

/// The states the state at `pointer` leads to, in the order of its transitions; for a container
/// with none, the first state of each of its bodies.
pub fn successors(graph: &WorkflowGraph, pointer: &Pointer) -> Vec<Pointer> {
    neighbours(graph, pointer, true)
}

/// The states leading to the state at `pointer`; for a scope's first state, its container.
pub fn predecessors(graph: &WorkflowGraph, pointer: &Pointer) -> Vec<Pointer> {
    neighbours(graph, pointer, false)
}

fn neighbours(graph: &WorkflowGraph, pointer: &Pointer, forward: bool) -> Vec<Pointer> {
    let Some((scope, i, container)) = find(&graph.root, None, pointer) else {
        return Vec::new();
    };
    let mut out: Vec<Pointer> = scope
        .edges
        .iter()
        .filter_map(|e| {
            let (here, there) = if forward {
                (e.from, e.to)
            } else {
                (e.to, e.from)
            };
            if here == i {
                state_at(scope, there)
            } else {
                None
            }
        })
        .cloned()
        .collect();
    if out.is_empty() {
        if forward {
            out.extend(
                scope.nodes[i]
                    .bodies
                    .iter()
                    .filter_map(|b| first_inside(&b.graph).cloned()),
            );
        } else {
            out.extend(container.cloned());
        }
    }
    dedup(out)
}

fn dedup(list: Vec<Pointer>) -> Vec<Pointer> {
    let mut out: Vec<Pointer> = Vec::with_capacity(list.len());
    for p in list {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Where `key` goes from `current` (the selected state, if any); `None` to stay.
pub fn step(graph: &WorkflowGraph, current: Option<&Pointer>, key: CanvasKey) -> Option<Pointer> {
    let order = states_in_order(graph);
    let Some(current) = current.filter(|c| order.contains(c)) else {
        // Nothing selected yet: any key starts at the first state (Shift+Tab at the last).
        return match key {
            CanvasKey::Previous => order.last().cloned(),
            _ => order.first().cloned(),
        };
    };
    let at = order.iter().position(|p| p == current)?;
    match key {
        CanvasKey::Next => order.get((at + 1) % order.len()).cloned(),
        CanvasKey::Previous => order.get((at + order.len() - 1) % order.len()).cloned(),
        CanvasKey::Follow => successors(graph, current).first().cloned(),
        CanvasKey::FollowOther => {
            let next = successors(graph, current);
            next.get(1).or_else(|| next.first()).cloned()
        }
        CanvasKey::Back => predecessors(graph, current).first().cloned(),
        CanvasKey::BackOther => predecessors(graph, current).last().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepcraft::graph::WorkflowGraph;

    fn graph(json: &str) -> WorkflowGraph {
        let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
        let machine = stepcraft::model::StateMachine::read(
            &value,
            &mut stepcraft::diag::Diagnostics::default(),
        );
        WorkflowGraph::from_machine(&machine)
    }

    const CHOICE: &str = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "C"},
        "B": {"Type": "Pass", "Next": "D"},
        "C": {"Type": "Pass", "Next": "D"},
        "D": {"Type": "Parallel", "Branches": [{"StartAt": "E", "States": {"E": {"Type": "Succeed"}}}], "End": true}
    }}"#;

    fn p(s: &str) -> Pointer {
        Pointer::from_escaped(s).expect("pointer")
    }

    #[test]
    fn arrows_follow_transitions_both_ways() {
        let g = graph(CHOICE);
        let a = p("/States/A");
        assert_eq!(step(&g, Some(&a), CanvasKey::Follow), Some(p("/States/B")));
        assert_eq!(
            step(&g, Some(&a), CanvasKey::FollowOther),
            Some(p("/States/C"))
        );
        let d = p("/States/D");
        assert_eq!(step(&g, Some(&d), CanvasKey::Back), Some(p("/States/B")));
        assert_eq!(
            step(&g, Some(&d), CanvasKey::BackOther),
            Some(p("/States/C"))
        );
        // Into a container's branch and back out.
        let e = p("/States/D/Branches/0/States/E");
        assert_eq!(step(&g, Some(&d), CanvasKey::Follow), Some(e.clone()));
        assert_eq!(step(&g, Some(&e), CanvasKey::Back), Some(d));
        // The end: nowhere to go.
        assert_eq!(step(&g, Some(&e), CanvasKey::Follow), None);
        assert_eq!(step(&g, Some(&a), CanvasKey::Back), None);
    }

    #[test]
    fn tab_goes_through_every_state_and_wraps() {
        let g = graph(CHOICE);
        let order = states_in_order(&g);
        assert_eq!(order.len(), 5);
        assert_eq!(step(&g, None, CanvasKey::Next), Some(p("/States/A")));
        assert_eq!(step(&g, None, CanvasKey::Previous), order.last().cloned());
        let mut at = order[0].clone();
        for expected in order.iter().skip(1).chain(std::iter::once(&order[0])) {
            at = step(&g, Some(&at), CanvasKey::Next).expect("a next state");
            assert_eq!(&at, expected);
        }
        assert_eq!(
            step(&g, Some(&order[0]), CanvasKey::Previous).as_ref(),
            order.last()
        );
    }
}
