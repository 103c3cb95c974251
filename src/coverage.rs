//! Coverage of a definition by a set of runs (the cases of a test file, or histories exported
//! from AWS): which states were entered, which Choice rules and Defaults were taken, which Catch
//! rules caught and which Retry rules fired, and which edges of the [`graph`](crate::graph) were
//! followed, at every depth (Parallel branches and Map processors included).
//!
//! Every item has a stable identifier: its kind and a JSON pointer into the definition (the state
//! for a state, `/States/A/Choices/1` for a rule, `/States/A/Retry/0`, and for an edge the field
//! that makes the transition, as [`Edge::field`](crate::graph::Edge::field) gives it), so the
//! studio draws it on the graph and the command line names it.
//!
//! Everything is decided from the history events alone:
//!
//! - a state was entered when a `...StateEntered` event names it;
//! - the edge a state left by is read from the event that follows its `...StateExited` in its
//!   branch (the next state entered, or nothing: the end of its scope);
//! - a Choice's history names only the next state. When one rule (or the Default) leads there,
//!   it is that one. When several do, the rules are evaluated again, in order, against the
//!   state's input (its InputPath applied), the Context object's execution input, name and entry
//!   time, and the variables assigned so far (by any scope: what one Map iteration assigns, the
//!   others see here); the first that holds is the one AWS took. An
//!   evaluation that cannot be made again (a path into `$$.Map`, a JSONata error) or that
//!   disagrees with the next state falls back to the first rule leading there, and counts as
//!   [`Item::inferred`];
//! - a Catch rule caught when the state left with an error: the first rule whose `ErrorEquals`
//!   covers the error (as AWS picks it) and leads to the next state;
//! - a Retry rule fired when a state started again (`TaskScheduled`, `ParallelStateStarted`,
//!   `MapStateStarted`) after an error: the first rule whose `ErrorEquals` covers that error (for
//!   a Parallel or Map, which writes no failure event before a retry, the error of the state
//!   inside it that failed).
//!
//! Nothing here prints: the command line and the studio render [`Coverage`].

use crate::expr::env::{Env, Variables};
use crate::expr::functions::SplitMix;
use crate::graph::{EdgeKind, NodeKind, WorkflowGraph};
use crate::history::{EventKind, HistoryEvent, format_timestamp};
use crate::interp::compile::{CState, Kind as CKind, Processing, Program, Test};
use crate::interp::jsonata::states_object;
use crate::interp::rules;
use crate::model::error_name::RESERVED_PREFIX;
use crate::model::{ErrorName, StateKind, StateMachine, StateType, Transition};
use crate::pointer::Pointer;
use crate::trace::{RunStatus, Trace};
use crate::value::{ObjectMap, Val};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What an item of coverage is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    /// A state, entered at least once.
    State,
    /// A Choice rule (by its index in `Choices`), taken.
    ChoiceRule,
    /// A Choice state's `Default`, taken.
    ChoiceDefault,
    /// A Catch rule (by index), that caught an error.
    Catch,
    /// A Retry rule (by index), that retried an error.
    Retry,
    /// An edge of the workflow graph, followed.
    Edge,
}

impl ItemKind {
    /// Every kind, in the order summaries list them.
    pub const ALL: [ItemKind; 6] = [
        Self::State,
        Self::ChoiceRule,
        Self::ChoiceDefault,
        Self::Catch,
        Self::Retry,
        Self::Edge,
    ];

    /// Its name in identifiers and JSON reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::ChoiceRule => "choice",
            Self::ChoiceDefault => "default",
            Self::Catch => "catch",
            Self::Retry => "retry",
            Self::Edge => "edge",
        }
    }
}

/// One thing a run can cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// Where it is: the state, the rule (`/States/A/Choices/1`, `/States/A/Default`,
    /// `/States/A/Catch/0`, `/States/A/Retry/0`) or, for an edge, the field that makes the
    /// transition ([`crate::graph::Edge::field`]). With the kind, this identifies the item.
    pub pointer: Pointer,
    /// The state it belongs to (for a scope's start edge, the state it starts at).
    pub state: String,
    /// The pointer of that state (for a start edge, of its scope).
    pub state_pointer: Pointer,
    /// The rule's index in `Choices`, `Catch` or `Retry`.
    pub index: Option<usize>,
    /// For an edge, which transition it draws.
    pub edge: Option<EdgeKind>,
    /// For an edge or a rule, the state it leads to (`None`: the end of its scope).
    pub target: Option<String>,
    /// How many times the runs covered it.
    pub hits: u32,
    /// Of those, how many were attributed by the next state only (a Choice whose rules could not
    /// be evaluated again, see the module doc).
    pub inferred: u32,
}

impl Item {
    /// Whether some run covered it.
    pub fn covered(&self) -> bool {
        self.hits > 0
    }

    /// Its stable identifier: `kind:pointer` (`choice:/States/Route/Choices/1`).
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.pointer)
    }
}

/// Covered items out of all, for one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Items covered.
    pub covered: usize,
    /// Items in the definition.
    pub total: usize,
}

impl Tally {
    /// The share covered, in percent (`None` when there is nothing to cover).
    pub fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 * 100.0 / self.total as f64)
    }
}

/// The per-kind counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// States entered.
    pub states: Tally,
    /// Choice rules and Defaults taken.
    pub branches: Tally,
    /// Catch rules that caught.
    pub catches: Tally,
    /// Retry rules that fired.
    pub retries: Tally,
    /// Graph edges followed.
    pub edges: Tally,
}

impl Summary {
    /// Every item together.
    pub fn overall(&self) -> Tally {
        let all = [
            self.states,
            self.branches,
            self.catches,
            self.retries,
            self.edges,
        ];
        Tally {
            covered: all.iter().map(|t| t.covered).sum(),
            total: all.iter().map(|t| t.total).sum(),
        }
    }
}

/// What the analysis needs of one state of the model.
#[derive(Debug)]
struct StateInfo {
    pointer: Pointer,
    state_type: Option<StateType>,
    /// `Next` (`None`: End, or no transition).
    next: Option<String>,
    end: bool,
    /// The scope's pointer, and whether this state is the scope's StartAt.
    scope: Pointer,
    starts_scope: bool,
    /// Choice rules' `Next`, and the Default.
    rules: Vec<Option<String>>,
    default: Option<String>,
    /// Catch rules: ErrorEquals and Next.
    catch: Vec<(Vec<String>, Option<String>)>,
    /// Retry rules' ErrorEquals.
    retry: Vec<Vec<String>>,
}

/// Which branch of a Choice a run took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Rule(usize),
    Default,
}

/// The coverage of one definition by the runs added so far.
#[derive(Debug)]
pub struct Coverage {
    items: Vec<Item>,
    by_key: HashMap<(ItemKind, Pointer), usize>,
    states: HashMap<String, StateInfo>,
    program: Option<Program>,
    /// Where each compiled state is: scope and index, by name.
    compiled: HashMap<Arc<str>, (usize, usize)>,
    runs: usize,
}

impl Coverage {
    /// Nothing covered yet: every state, rule and edge of `machine`.
    pub fn new(machine: &StateMachine) -> Self {
        let mut cov = Self {
            items: Vec::new(),
            by_key: HashMap::new(),
            states: HashMap::new(),
            program: Program::compile(machine).ok(),
            compiled: HashMap::new(),
            runs: 0,
        };
        if let Some(program) = &cov.program {
            for (s, scope) in program.scopes.iter().enumerate() {
                for (i, state) in scope.states.iter().enumerate() {
                    cov.compiled.insert(state.name.clone(), (s, i));
                }
            }
        }
        for scope in machine.scope.scopes() {
            let start = scope.start_at.as_ref().map(|s| s.0.clone());
            for state in scope.states.values() {
                cov.add_state(state, &scope.pointer, start.as_deref());
            }
        }
        let graph = WorkflowGraph::from_machine(machine);
        for g in graph.scopes() {
            for edge in &g.edges {
                let target = g.nodes.get(edge.to).and_then(|n| match n.kind {
                    NodeKind::End => None,
                    _ => Some(n.title.clone()),
                });
                let from = g.nodes.get(edge.from);
                let (state, state_pointer) = match (&edge.state, from) {
                    (Some(p), Some(n)) => (n.title.clone(), p.clone()),
                    _ => (target.clone().unwrap_or_default(), g.pointer.clone()),
                };
                let index = match edge.kind {
                    EdgeKind::Choice(i) | EdgeKind::Catch(i) => Some(i),
                    _ => None,
                };
                cov.push(Item {
                    kind: ItemKind::Edge,
                    pointer: edge.field.clone(),
                    state,
                    state_pointer,
                    index,
                    edge: Some(edge.kind),
                    target,
                    hits: 0,
                    inferred: 0,
                });
            }
        }
        cov
    }

    /// Nothing covered yet, for a definition given as its value (a test case's).
    pub fn of_definition(definition: &serde_json::Value) -> Self {
        let mut diags = crate::diag::Diagnostics::default();
        Self::new(&StateMachine::read(definition, &mut diags))
    }

    fn push(&mut self, item: Item) {
        let key = (item.kind, item.pointer.clone());
        if !self.by_key.contains_key(&key) {
            self.by_key.insert(key, self.items.len());
            self.items.push(item);
        }
    }

    fn add_state(&mut self, state: &crate::model::State, scope: &Pointer, start: Option<&str>) {
        let name = state.name.0.clone();
        let sp = state.pointer.clone();
        let item = |kind, pointer: Pointer, index, target: Option<String>| Item {
            kind,
            pointer,
            state: name.clone(),
            state_pointer: sp.clone(),
            index,
            edge: None,
            target,
            hits: 0,
            inferred: 0,
        };
        let mut items = vec![item(ItemKind::State, sp.clone(), None, None)];
        let (mut rules, mut default) = (Vec::new(), None);
        if let StateKind::Choice(c) = &state.kind {
            for (i, rule) in c.choices.iter().enumerate() {
                let next = rule.next.as_ref().map(|n| n.0.clone());
                items.push(item(
                    ItemKind::ChoiceRule,
                    rule.pointer.clone(),
                    Some(i),
                    next.clone(),
                ));
                rules.push(next);
            }
            if let Some(d) = &c.default {
                default = Some(d.0.clone());
                items.push(item(
                    ItemKind::ChoiceDefault,
                    sp.key("Default"),
                    None,
                    default.clone(),
                ));
            }
        }
        for (i, c) in state.catch.iter().enumerate() {
            let next = c.next.as_ref().map(|n| n.0.clone());
            items.push(item(ItemKind::Catch, c.pointer.clone(), Some(i), next));
        }
        for (i, r) in state.retry.iter().enumerate() {
            items.push(item(ItemKind::Retry, r.pointer.clone(), Some(i), None));
        }
        for it in items {
            self.push(it);
        }
        let (next, end) = match &state.transition {
            Some(Transition::Next(n)) => (Some(n.0.clone()), false),
            Some(Transition::End) => (None, true),
            None => (None, false),
        };
        self.states.insert(
            name.clone(),
            StateInfo {
                pointer: sp.clone(),
                state_type: state.state_type(),
                next,
                end,
                scope: scope.clone(),
                starts_scope: start == Some(name.as_str()),
                rules,
                default,
                catch: state
                    .catch
                    .iter()
                    .map(|c| (c.error_equals.clone(), c.next.as_ref().map(|n| n.0.clone())))
                    .collect(),
                retry: state.retry.iter().map(|r| r.error_equals.clone()).collect(),
            },
        );
    }

    /// Every item, states first (in the order written, depth first), then the edges.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The item of this kind at this pointer.
    pub fn item(&self, kind: ItemKind, pointer: &Pointer) -> Option<&Item> {
        self.by_key
            .get(&(kind, pointer.clone()))
            .map(|&i| &self.items[i])
    }

    /// The item of a graph edge (edges are identified by the field that makes them).
    pub fn edge(&self, edge: &crate::graph::Edge) -> Option<&Item> {
        self.item(ItemKind::Edge, &edge.field)
    }

    /// The items no run covered.
    pub fn uncovered(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.covered())
    }

    /// How many histories were added.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Covered out of all, per kind.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for item in &self.items {
            let t = match item.kind {
                ItemKind::State => &mut s.states,
                ItemKind::ChoiceRule | ItemKind::ChoiceDefault => &mut s.branches,
                ItemKind::Catch => &mut s.catches,
                ItemKind::Retry => &mut s.retries,
                ItemKind::Edge => &mut s.edges,
            };
            t.total += 1;
            t.covered += usize::from(item.covered());
        }
        s
    }

    fn hit(&mut self, kind: ItemKind, pointer: Pointer, inferred: bool) {
        if let Some(&i) = self.by_key.get(&(kind, pointer)) {
            self.items[i].hits += 1;
            self.items[i].inferred += u32::from(inferred);
        }
    }

    /// Adds the run of one history (of an execution of this definition). States the definition
    /// does not have are passed over.
    pub fn add_history<'a>(&mut self, events: impl IntoIterator<Item = &'a HistoryEvent>) {
        self.runs += 1;
        let mut trace = Trace::new();
        let mut vars = Vars::default();
        let mut exec_input = Val::Null;
        let mut last_error: HashMap<usize, Arc<str>> = HashMap::new();
        // The latest error raised inside each Parallel or Map run, by its run.
        let mut inside_error: HashMap<usize, Arc<str>> = HashMap::new();
        let mut picks: HashMap<u64, Option<Pick>> = HashMap::new();
        let mut retried: Vec<(String, Arc<str>)> = Vec::new();
        let mut previous: HashMap<u64, u64> = HashMap::new();
        for e in events {
            match &e.kind {
                EventKind::ExecutionStarted { input, .. } => exec_input = input.clone(),
                EventKind::StateEntered { .. } => {
                    previous.insert(e.id, e.previous_event_id);
                }
                EventKind::StateExited {
                    state_type: StateType::Choice,
                    name,
                    ..
                } => {
                    // The run the event before the exit belongs to (its own Entered), else the
                    // latest open run of that name.
                    let run = trace
                        .run_of_event(e.previous_event_id)
                        .map(|i| &trace.runs()[i])
                        .filter(|r| &r.name == name && r.status == RunStatus::Running)
                        .or_else(|| {
                            trace
                                .runs_of(name)
                                .filter(|r| r.status == RunStatus::Running)
                                .last()
                        });
                    if let Some(run) = run {
                        let pick =
                            self.evaluate(name, &run.input, &exec_input, run.entered_at, &vars);
                        picks.insert(e.id, pick);
                    }
                }
                _ => {}
            }
            let starts = matches!(
                e.kind,
                EventKind::TaskScheduled { .. }
                    | EventKind::ParallelStateStarted
                    | EventKind::MapStateStarted { .. }
            );
            let container = matches!(
                e.kind,
                EventKind::ParallelStateStarted | EventKind::MapStateStarted { .. }
            );
            trace.push(e);
            if let Some(r) = trace.run_of_event(e.id) {
                // A Parallel or Map started again after a branch or iteration failed (it writes
                // no failure event of its own then): the error of the state inside that failed.
                let inner = if container {
                    inside_error.remove(&r)
                } else {
                    None
                };
                if starts && let Some(error) = last_error.remove(&r).or(inner) {
                    retried.push((trace.runs()[r].name.to_string(), error));
                }
                let runs = trace.runs();
                match &runs[r].error {
                    Some((error, _)) => {
                        last_error.insert(r, error.clone());
                        let mut at = runs[r].parent;
                        while let Some(p) = at {
                            inside_error.insert(p, error.clone());
                            at = runs[p].parent;
                        }
                    }
                    None => {
                        last_error.remove(&r);
                    }
                }
            }
            if let EventKind::StateExited {
                assigned: Some(assigned),
                ..
            } = &e.kind
                && let Some(map) = assigned.as_object()
            {
                for (k, v) in map {
                    vars.0.insert(k.clone(), v.clone());
                }
            }
        }
        for (name, error) in retried {
            let Some(info) = self.states.get(&name) else {
                continue;
            };
            let task = info.state_type == Some(StateType::Task);
            if let Some(i) = info.retry.iter().position(|r| covers(r, &error, task)) {
                let pointer = info.pointer.key("Retry").index(i);
                self.hit(ItemKind::Retry, pointer, false);
            }
        }
        self.read_transitions(&trace, &picks, &previous);
    }

    /// States entered and the edges, rules and catches their runs left by. `previous` gives each
    /// `...Entered` event's `previous_event_id`.
    fn read_transitions(
        &mut self,
        trace: &Trace,
        picks: &HashMap<u64, Option<Pick>>,
        previous: &HashMap<u64, u64>,
    ) {
        let runs = trace.runs();
        // The run entered right after an event (its branch's next state), by that event's id.
        let mut after: HashMap<u64, usize> = HashMap::new();
        let mut exits: HashSet<u64> = HashSet::new();
        for (i, run) in runs.iter().enumerate() {
            if let Some(x) = run.exited_event {
                exits.insert(x);
            }
            if let Some(&prev) = previous.get(&run.entered_event) {
                after.insert(prev, i);
            }
        }
        let mut hits: Vec<(ItemKind, Pointer, bool)> = Vec::new();
        for run in runs {
            let Some(info) = self.states.get(&*run.name) else {
                continue;
            };
            hits.push((ItemKind::State, info.pointer.clone(), false));
            // Entered after no state of its scope: it was entered from the scope's start.
            let from_start = previous
                .get(&run.entered_event)
                .is_none_or(|prev| !exits.contains(prev));
            if info.starts_scope && from_start {
                hits.push((ItemKind::Edge, info.scope.key("StartAt"), false));
            }
            let Some(exit) = run.exited_event else {
                continue;
            };
            let next = after.get(&exit).map(|&j| &*runs[j].name);
            let sp = &info.pointer;
            if run.status == RunStatus::Caught {
                let error = run.error.as_ref().map(|(e, _)| &**e).unwrap_or_default();
                let task = info.state_type == Some(StateType::Task);
                let leads = |to: &Option<String>| to.as_deref() == next;
                let rule = match info
                    .catch
                    .iter()
                    .position(|(names, to)| covers(names, error, task) && leads(to))
                {
                    Some(c) => Some((c, false)),
                    None => info
                        .catch
                        .iter()
                        .position(|(_, to)| leads(to))
                        .map(|c| (c, true)),
                };
                if let Some((c, inferred)) = rule {
                    let at = sp.key("Catch").index(c);
                    hits.push((ItemKind::Catch, at.clone(), inferred));
                    hits.push((ItemKind::Edge, at.key("Next"), inferred));
                }
                continue;
            }
            if info.state_type == Some(StateType::Choice) {
                let picked = picks.get(&exit).copied().flatten();
                let leads = |p: Pick| match p {
                    Pick::Rule(r) => info.rules.get(r).cloned().flatten(),
                    Pick::Default => info.default.clone(),
                };
                let (pick, inferred) = match picked {
                    Some(p) if leads(p).as_deref() == next => (Some(p), false),
                    _ => {
                        let by_target = info
                            .rules
                            .iter()
                            .position(|r| r.as_deref() == next && next.is_some())
                            .map(Pick::Rule)
                            .or_else(|| {
                                (info.default.as_deref() == next && next.is_some())
                                    .then_some(Pick::Default)
                            });
                        // One way there: no doubt about it.
                        let ways = info.rules.iter().filter(|r| r.as_deref() == next).count()
                            + usize::from(info.default.as_deref() == next);
                        (by_target, ways > 1)
                    }
                };
                match pick {
                    Some(Pick::Rule(r)) => {
                        let at = sp.key("Choices").index(r);
                        hits.push((ItemKind::ChoiceRule, at.clone(), inferred));
                        hits.push((ItemKind::Edge, at.key("Next"), inferred));
                    }
                    Some(Pick::Default) => {
                        hits.push((ItemKind::ChoiceDefault, sp.key("Default"), inferred));
                        hits.push((ItemKind::Edge, sp.key("Default"), inferred));
                    }
                    None => {}
                }
                continue;
            }
            match (next, &info.next) {
                (Some(n), Some(want)) if n == want => {
                    hits.push((ItemKind::Edge, sp.key("Next"), false));
                }
                (None, _) if info.end => hits.push((ItemKind::Edge, sp.key("End"), false)),
                (None, _) if info.state_type == Some(StateType::Succeed) => {
                    hits.push((ItemKind::Edge, sp.clone(), false));
                }
                _ => {}
            }
        }
        for (kind, pointer, inferred) in hits {
            self.hit(kind, pointer, inferred);
        }
    }

    /// The branch a Choice takes on `input`, evaluated again; `None` when it cannot be.
    fn evaluate(
        &self,
        name: &str,
        input: &Val,
        exec_input: &Val,
        entered_at: i64,
        vars: &Vars,
    ) -> Option<Pick> {
        let state = self.compiled_state(name)?;
        let CKind::Choice { branches, .. } = &state.kind else {
            return None;
        };
        let effective = match &state.io {
            Processing::JsonPath(f) => match &f.input_path {
                None => input.clone(),
                Some(None) => Val::object(ObjectMap::default()),
                Some(Some(p)) => p.apply(input).ok()?,
            },
            Processing::Jsonata(_) => input.clone(),
        };
        let context = context(name, exec_input, entered_at);
        for (i, branch) in branches.iter().enumerate() {
            let holds = match &branch.test {
                Test::Rule(rule) => {
                    let env = Env {
                        input: &effective,
                        context: &context,
                        variables: vars,
                    };
                    rules::matches(rule, &env).ok()?
                }
                Test::Condition(condition) => {
                    let states = states_object(&effective, &context, None, None);
                    let list: Vec<(Arc<str>, Val)> =
                        vars.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    match condition.eval(&states, &list, &mut SplitMix(0)).ok()? {
                        Val::Bool(b) => b,
                        _ => return None,
                    }
                }
            };
            if holds {
                return Some(Pick::Rule(i));
            }
        }
        Some(Pick::Default)
    }

    fn compiled_state(&self, name: &str) -> Option<&CState> {
        let &(s, i) = self.compiled.get(name)?;
        self.program.as_ref()?.scopes.get(s)?.states.get(i)
    }
}

/// The variables assigned so far.
#[derive(Debug, Default)]
struct Vars(HashMap<Arc<str>, Val>);

impl Variables for Vars {
    fn get(&self, name: &str) -> Option<Val> {
        self.0.get(name).cloned()
    }
}

/// The part of the Context object a history tells: the execution's input, the state's name and
/// when it was entered.
fn context(name: &str, exec_input: &Val, entered_at: i64) -> Val {
    let mut execution = ObjectMap::default();
    execution.insert("Input".into(), exec_input.clone());
    let mut state = ObjectMap::default();
    state.insert("Name".into(), Val::string(name));
    state.insert(
        "EnteredTime".into(),
        Val::string(&format_timestamp(entered_at)),
    );
    state.insert("RetryCount".into(), Val::int(0));
    let mut m = ObjectMap::default();
    m.insert("Execution".into(), Val::object(execution));
    m.insert("State".into(), Val::object(state));
    Val::object(m)
}

/// Whether a rule's `ErrorEquals` covers an error, as AWS matches them: by name, `States.ALL`
/// for every error, `States.TaskFailed` for what a Task's resource raised (its timeouts
/// excepted). A history does not say where a Task's error came from: errors named `States.*`
/// (other than those a resource raises) are taken as the interpreter's own.
fn covers(names: &[String], error: &str, task: bool) -> bool {
    let known = ErrorName::from_name(error);
    let from_task = task
        && (!error.starts_with(RESERVED_PREFIX)
            || matches!(known, Some(ErrorName::TaskFailed | ErrorName::Permissions)));
    names.iter().any(|n| {
        n == error
            || n == ErrorName::All.as_str()
            || (n == ErrorName::TaskFailed.as_str()
                && from_task
                && !matches!(
                    known,
                    Some(ErrorName::Timeout | ErrorName::HeartbeatTimeout)
                ))
    })
}
