//! The workflow graph derived from a definition: nodes, labelled edges, containers.
//!
//! Each scope (the top level, a Parallel branch, a Map item processor) becomes a [`ScopeGraph`]:
//! a start and an end marker, a node per state, and an edge per transition. A Parallel or Map
//! state is a container: its node holds one [`Body`] per branch (or its item processor), each a
//! nested [`ScopeGraph`], and the state itself is the container's header.
//!
//! The graph is derived, never edited, and never fails: unreachable states are nodes like any
//! other (flagged), and a transition to a state that does not exist leads to a placeholder node.
//!
//! ```
//! use stepcraft::Document;
//! use stepcraft::graph::{EdgeKind, WorkflowGraph};
//!
//! let doc = Document::parse_any(r#"{"StartAt": "A", "States": {
//!     "A": {"Type": "Choice", "Choices": [
//!         {"Variable": "$.n", "NumericGreaterThan": 100, "Next": "B"}], "Default": "B"},
//!     "B": {"Type": "Succeed"}}}"#).unwrap();
//! let graph = WorkflowGraph::from_machine(&doc.model().0);
//! let labels: Vec<_> = graph.root.edges.iter().filter_map(|e| e.label.as_deref()).collect();
//! assert_eq!(labels, ["$.n > 100", "Default"]);
//! assert_eq!(graph.root.edges[1].kind, EdgeKind::Choice(0));
//! ```

mod describe;

pub use describe::{rule_label, shorten, state_subtitle, task_subtitle};

use crate::edit::{InsertPoint, StateRef, Via};
use crate::model::{Scope, State, StateKind, StateMachine, StateName, StateType, Transition};
use crate::pointer::Pointer;
use std::collections::HashMap;

/// What identifies a node across rebuilds of the graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NodeId {
    /// The start marker of the scope at this pointer.
    Start(Pointer),
    /// The end marker of the scope at this pointer.
    End(Pointer),
    /// A state, by its JSON pointer (`/States/Charge`).
    State(Pointer),
    /// A placeholder for a transition target that names no state of the scope.
    Missing {
        /// The scope whose states were searched.
        scope: Pointer,
        /// The name that was not found.
        name: StateName,
    },
}

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// Where the scope starts.
    Start,
    /// Where the scope ends.
    End,
    /// A state; its type is `None` when `Type` is missing or unknown.
    State(Option<StateType>),
    /// A transition target that does not exist.
    Missing,
}

/// One node of a scope's graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What identifies it.
    pub id: NodeId,
    /// What it stands for.
    pub kind: NodeKind,
    /// The text to show first: the state's name, "Start" or "End".
    pub title: String,
    /// A short second line: the Task's service and action, the Wait's duration, the Map's mode.
    pub subtitle: Option<String>,
    /// Whether the scope's start reaches it (markers count as reachable).
    pub reachable: bool,
    /// For a Parallel state, one body per branch; for a Map, its item processor.
    pub bodies: Vec<Body>,
}

impl Node {
    /// The state's name, for a state or a missing target.
    pub fn state_name(&self) -> Option<&str> {
        match &self.id {
            NodeId::State(_) => Some(&self.title),
            NodeId::Missing { name, .. } => Some(name.as_str()),
            NodeId::Start(_) | NodeId::End(_) => None,
        }
    }

    /// The state type, for a state node of a known type.
    pub fn state_type(&self) -> Option<StateType> {
        match self.kind {
            NodeKind::State(t) => t,
            _ => None,
        }
    }

    /// Whether the node contains nested graphs (a Parallel or Map state).
    pub fn is_container(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::State(Some(StateType::Parallel | StateType::Map))
        )
    }
}

/// A nested graph inside a container node: a Parallel branch or a Map item processor.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// "Branch 1", "Item processor", "Distributed item processor".
    pub label: String,
    /// The states of the branch or processor.
    pub graph: ScopeGraph,
}

/// Which transition an edge draws. With the edge's [`Edge::state`] this names the place an edit
/// inserts at: "the Next of X", "rule 2 of X", "Catch 0 of X", "the Default of X", "the End of X",
/// "the start of the scope"; [`Edge::insert_point`] gives it as the edit module's
/// [`InsertPoint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// From the start marker to the scope's `StartAt`.
    Start,
    /// A state's `Next`.
    Next,
    /// A state's `"End": true`, to the end marker.
    End,
    /// The `Next` of a Choice rule, by index in `Choices`.
    Choice(usize),
    /// A Choice state's `Default`.
    Default,
    /// The `Next` of a Catch rule, by index in `Catch`.
    Catch(usize),
    /// From a Succeed state to the end marker (no field: nothing can follow it). Fail states
    /// have no such edge.
    Terminal,
}

/// One transition, between two nodes of the same scope graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Index of the source node in [`ScopeGraph::nodes`].
    pub from: usize,
    /// Index of the target node in [`ScopeGraph::nodes`].
    pub to: usize,
    /// Which transition.
    pub kind: EdgeKind,
    /// The text to show beside it: a Choice rule, "Default", "Catch: States.ALL".
    pub label: Option<String>,
    /// The pointer of the state the transition leaves (`None` for the start edge).
    pub state: Option<Pointer>,
    /// The pointer of the field that makes the transition (`/States/A/Next`,
    /// `/States/A/Choices/1/Next`, `/StartAt`); for a terminal edge, the state.
    pub field: Pointer,
}

impl Edge {
    /// The transition of the edit module this edge draws; `None` for the start edge and a
    /// Succeed state's terminal edge.
    pub fn via(&self) -> Option<Via> {
        Some(match self.kind {
            EdgeKind::Next | EdgeKind::End => Via::Next,
            EdgeKind::Choice(i) => Via::Choice(i),
            EdgeKind::Default => Via::Default,
            EdgeKind::Catch(i) => Via::Catch(i),
            EdgeKind::Start | EdgeKind::Terminal => return None,
        })
    }

    /// Where states dropped on this edge are inserted: on the transition it draws, or at the
    /// start of the scope for the start edge; `None` after a Succeed state.
    pub fn insert_point(&self) -> Option<InsertPoint> {
        if self.kind == EdgeKind::Start {
            return Some(InsertPoint::start(self.field.parent()));
        }
        let from = StateRef::from_pointer(self.state.as_ref()?)?;
        Some(InsertPoint::edge(from, self.via()?))
    }
}

/// The graph of one scope.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScopeGraph {
    /// The scope's pointer (`""`, `/States/P/Branches/0`, `/States/M/ItemProcessor`).
    pub pointer: Pointer,
    /// The nodes: the start marker, the end marker, the states in the order written, then
    /// placeholders for missing targets.
    pub nodes: Vec<Node>,
    /// The transitions, state by state in the order written.
    pub edges: Vec<Edge>,
}

impl ScopeGraph {
    /// The index of the start marker.
    pub const START: usize = 0;
    /// The index of the end marker.
    pub const END: usize = 1;

    /// Every node of this graph and of the graphs nested in it, depth first.
    pub fn walk_nodes(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.walk_into(&mut out);
        out
    }

    fn walk_into<'g>(&'g self, out: &mut Vec<&'g Node>) {
        for node in &self.nodes {
            out.push(node);
            for body in &node.bodies {
                body.graph.walk_into(out);
            }
        }
    }

    /// This graph and every graph nested in it, this one first.
    pub fn scopes(&self) -> Vec<&ScopeGraph> {
        let mut out = vec![self];
        for node in &self.nodes {
            for body in &node.bodies {
                out.extend(body.graph.scopes());
            }
        }
        out
    }

    /// The index of the node with this id in this graph (not in nested ones).
    pub fn index_of(&self, id: &NodeId) -> Option<usize> {
        self.nodes.iter().position(|n| &n.id == id)
    }
}

/// The graph of a whole state machine.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WorkflowGraph {
    /// The top-level scope.
    pub root: ScopeGraph,
}

impl WorkflowGraph {
    /// Derives the graph of a state machine. Never fails: see the module doc.
    pub fn from_machine(machine: &StateMachine) -> Self {
        Self {
            root: scope_graph(&machine.scope),
        }
    }

    /// Every node at every depth, depth first.
    pub fn nodes(&self) -> Vec<&Node> {
        self.root.walk_nodes()
    }

    /// Every scope graph, the top level first.
    pub fn scopes(&self) -> Vec<&ScopeGraph> {
        self.root.scopes()
    }

    /// The node with this id, at any depth.
    pub fn find(&self, id: &NodeId) -> Option<&Node> {
        self.nodes().into_iter().find(|n| &n.id == id)
    }
}

fn marker(kind: NodeKind, id: NodeId, title: &str) -> Node {
    Node {
        id,
        kind,
        title: title.to_owned(),
        subtitle: None,
        reachable: true,
        bodies: Vec::new(),
    }
}

fn scope_graph(scope: &Scope) -> ScopeGraph {
    let p = &scope.pointer;
    let mut nodes = vec![
        marker(NodeKind::Start, NodeId::Start(p.clone()), "Start"),
        marker(NodeKind::End, NodeId::End(p.clone()), "End"),
    ];
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(scope.states.len());
    for (name, state) in &scope.states {
        index.insert(name.as_str(), nodes.len());
        nodes.push(state_node(state));
    }
    let mut builder = Builder {
        index,
        missing: Vec::new(),
        edges: Vec::new(),
        first_missing: nodes.len(),
    };
    if let Some(start) = &scope.start_at {
        let to = builder.target(start);
        builder.edges.push(Edge {
            from: ScopeGraph::START,
            to,
            kind: EdgeKind::Start,
            label: None,
            state: None,
            field: p.key("StartAt"),
        });
    }
    for (i, state) in scope.states.values().enumerate() {
        builder.state_edges(i + 2, state);
    }
    let Builder { missing, edges, .. } = builder;
    for name in missing {
        nodes.push(Node {
            id: NodeId::Missing {
                scope: p.clone(),
                name: name.clone(),
            },
            kind: NodeKind::Missing,
            subtitle: Some("missing state".to_owned()),
            title: name.0,
            reachable: false,
            bodies: Vec::new(),
        });
    }
    let mut graph = ScopeGraph {
        pointer: p.clone(),
        nodes,
        edges,
    };
    mark_reachable(&mut graph);
    graph
}

struct Builder<'s> {
    index: HashMap<&'s str, usize>,
    missing: Vec<StateName>,
    edges: Vec<Edge>,
    first_missing: usize,
}

impl Builder<'_> {
    /// The node a transition leads to: the named state, or a placeholder for it.
    fn target(&mut self, name: &StateName) -> usize {
        if let Some(&i) = self.index.get(name.as_str()) {
            return i;
        }
        let at = match self.missing.iter().position(|m| m == name) {
            Some(at) => at,
            None => {
                self.missing.push(name.clone());
                self.missing.len() - 1
            }
        };
        self.first_missing + at
    }

    fn push(&mut self, from: usize, to: usize, kind: EdgeKind, state: &State, field: Pointer) {
        let label = match kind {
            EdgeKind::Default => Some("Default".to_owned()),
            EdgeKind::Catch(i) => state.catch.get(i).map(|c| {
                let names = if c.error_equals.is_empty() {
                    "(no errors)".to_owned()
                } else {
                    c.error_equals.join(", ")
                };
                shorten(&format!("Catch: {names}"), describe::LABEL_CHARS)
            }),
            EdgeKind::Choice(i) => match &state.kind {
                StateKind::Choice(c) => c.choices.get(i).map(|r| rule_label(r, i)),
                _ => None,
            },
            EdgeKind::Start | EdgeKind::Next | EdgeKind::End | EdgeKind::Terminal => None,
        };
        self.edges.push(Edge {
            from,
            to,
            kind,
            label,
            state: Some(state.pointer.clone()),
            field,
        });
    }

    fn state_edges(&mut self, from: usize, state: &State) {
        let sp = &state.pointer;
        match &state.transition {
            Some(Transition::Next(name)) => {
                let to = self.target(name);
                self.push(from, to, EdgeKind::Next, state, sp.key("Next"));
            }
            Some(Transition::End) => {
                self.push(from, ScopeGraph::END, EdgeKind::End, state, sp.key("End"));
            }
            None => {}
        }
        match &state.kind {
            StateKind::Choice(choice) => {
                for (i, rule) in choice.choices.iter().enumerate() {
                    if let Some(name) = &rule.next {
                        let to = self.target(name);
                        self.push(
                            from,
                            to,
                            EdgeKind::Choice(i),
                            state,
                            rule.pointer.key("Next"),
                        );
                    }
                }
                if let Some(name) = &choice.default {
                    let to = self.target(name);
                    self.push(from, to, EdgeKind::Default, state, sp.key("Default"));
                }
            }
            // A Succeed state ends its scope: an edge to the end marker shows it. A Fail state
            // gets none: it stops the execution with an error, and its colour says so (edges
            // from every Fail state to the end would cross the whole drawing).
            StateKind::Succeed => {
                self.push(from, ScopeGraph::END, EdgeKind::Terminal, state, sp.clone());
            }
            _ => {}
        }
        for (i, catcher) in state.catch.iter().enumerate() {
            if let Some(name) = &catcher.next {
                let to = self.target(name);
                self.push(
                    from,
                    to,
                    EdgeKind::Catch(i),
                    state,
                    catcher.pointer.key("Next"),
                );
            }
        }
    }
}

fn state_node(state: &State) -> Node {
    let bodies = match &state.kind {
        StateKind::Parallel(p) => p
            .branches
            .iter()
            .enumerate()
            .map(|(i, scope)| Body {
                label: format!("Branch {}", i + 1),
                graph: scope_graph(scope),
            })
            .collect(),
        StateKind::Map(m) => m
            .processor
            .iter()
            .map(|scope| Body {
                label: match m.mode {
                    crate::model::map::ProcessorMode::Inline => "Item processor".to_owned(),
                    crate::model::map::ProcessorMode::Distributed => {
                        "Distributed item processor".to_owned()
                    }
                },
                graph: scope_graph(scope),
            })
            .collect(),
        _ => Vec::new(),
    };
    Node {
        id: NodeId::State(state.pointer.clone()),
        kind: NodeKind::State(state.state_type()),
        title: state.name.0.clone(),
        subtitle: state_subtitle(state),
        reachable: false,
        bodies,
    }
}

/// Marks the nodes the start marker reaches (following every transition); markers stay reachable.
fn mark_reachable(graph: &mut ScopeGraph) {
    let n = graph.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &graph.edges {
        out[e.from].push(e.to);
    }
    let mut seen = vec![false; n];
    let mut stack = vec![ScopeGraph::START];
    seen[ScopeGraph::START] = true;
    while let Some(v) = stack.pop() {
        for &w in &out[v] {
            if !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    for (node, seen) in graph.nodes.iter_mut().zip(seen) {
        node.reachable = seen || matches!(node.kind, NodeKind::Start | NodeKind::End);
    }
}
