//! What the Run mode's table, timeline and Map iteration viewer show of a run, without egui:
//! an index of the state runs (which run holds which, the attempts of each, a Map's iterations)
//! kept up to date event by event, the rows of the table as a tree, the segments of each
//! run's Gantt bar, and the statuses of one Map iteration.
//!
//! Everything here is read from the [`Trace`] and the events, so a replayed history shows the
//! same as a run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use stepcraft::event_log::EventLog;
use stepcraft::history::{EventKind, HistoryEvent, Millis};
use stepcraft::model::{StateMachine, StateType};
use stepcraft::trace::{RunStatus, StateRun, Trace};

/// One attempt of a state: a Task's call, or a whole Parallel's or Map's run of its branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// When it was scheduled (or started).
    pub start: Millis,
    /// When it ended, once it has.
    pub end: Option<Millis>,
    /// Whether it ended with an error (that a Retry rule may have retried).
    pub failed: bool,
}

/// How a Map's iterations stand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapProgress {
    /// Each iteration started, by index, and how it stands.
    pub iterations: BTreeMap<usize, RunStatus>,
    /// Iterations that succeeded.
    pub succeeded: usize,
    /// Iterations that failed, in the order they failed.
    pub failed: Vec<usize>,
    /// Iterations stopped because another failed, in order.
    pub aborted: Vec<usize>,
}

impl MapProgress {
    /// Iterations started and not yet ended.
    pub fn running(&self) -> usize {
        self.iterations
            .len()
            .saturating_sub(self.succeeded + self.failed.len() + self.aborted.len())
    }

    /// An iteration ended: counted once (a second end, or one never started, changes nothing).
    fn end(&mut self, index: usize, status: RunStatus) {
        if self.iterations.get(&index) != Some(&RunStatus::Running) {
            return;
        }
        self.iterations.insert(index, status);
        match status {
            RunStatus::Succeeded => self.succeeded += 1,
            RunStatus::Failed => self.failed.push(index),
            _ => self.aborted.push(index),
        }
    }
}

/// A row of the state runs table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A state run.
    Run(usize),
    /// A Map iteration: the Map's run and the iteration's index.
    Iteration {
        /// The Map's run.
        map: usize,
        /// The iteration's index.
        index: usize,
    },
    /// A Parallel's branch: the Parallel's run and the branch's index (from 0).
    Branch {
        /// The Parallel's run.
        parallel: usize,
        /// The branch's index.
        index: usize,
    },
}

/// A row as the table lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// What it shows.
    pub kind: RowKind,
    /// How deep in the tree (0: a top-level state).
    pub depth: usize,
}

/// What the table lists: every run, or those of one status and whose name holds a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Only runs with this status.
    pub status: Option<RunStatus>,
    /// Only runs whose name holds this text (any case).
    pub name: String,
}

impl RowFilter {
    /// Whether it leaves anything out: the table is then flat, the matching runs in order.
    pub fn is_active(&self) -> bool {
        self.status.is_some() || !self.name.trim().is_empty()
    }

    fn matches(&self, run: &StateRun, needle: &str) -> bool {
        self.status.is_none_or(|s| s == run.status)
            && (needle.is_empty() || run.name.to_lowercase().contains(needle))
    }
}

/// What a piece of a Gantt bar stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// The run, from entered to its end (or now), in its status's colour.
    Run(RunStatus),
    /// An attempt that failed (and was retried, or ended the run).
    FailedAttempt,
    /// The wait between a failed attempt and the next: a Retry rule's backoff.
    Backoff,
}

/// A piece of a Gantt bar, on the execution's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Where it starts.
    pub from: Millis,
    /// Where it ends.
    pub to: Millis,
    /// What it stands for.
    pub kind: SegmentKind,
}

/// The pieces of a run's bar: the run itself, then its failed attempts and the backoff waits
/// between attempts drawn over it (for a run tried more than once: a single attempt that
/// failed is the run's own status). A run still going ends `now`.
pub fn segments(run: &StateRun, attempts: &[Attempt], now: Millis) -> Vec<Segment> {
    let end = run.ended_at.unwrap_or(now).max(run.entered_at);
    let mut out = vec![Segment {
        from: run.entered_at,
        to: end,
        kind: SegmentKind::Run(run.status),
    }];
    if attempts.len() < 2 {
        return out;
    }
    for (i, a) in attempts.iter().enumerate() {
        if !a.failed {
            continue;
        }
        let failed_at = a.end.unwrap_or(end);
        out.push(Segment {
            from: a.start,
            to: failed_at,
            kind: SegmentKind::FailedAttempt,
        });
        if let Some(next) = attempts.get(i + 1) {
            out.push(Segment {
                from: failed_at,
                to: next.start,
                kind: SegmentKind::Backoff,
            });
        }
    }
    out
}

/// The runs of an execution indexed for the table and the iteration viewer, kept up to date
/// as events come in (only the new ones are read).
#[derive(Debug, Default)]
pub struct RunIndex {
    /// The run (or replay) indexed, by the controller's count of runs started.
    run_key: u64,
    events_read: usize,
    runs_read: usize,
    /// Runs in no Map or Parallel.
    top: Vec<usize>,
    /// A Parallel's runs (and any run inside a container outside a Map iteration).
    children: HashMap<usize, Vec<usize>>,
    /// A Map's runs, by iteration.
    iterations: HashMap<usize, BTreeMap<usize, Vec<usize>>>,
    attempts: HashMap<usize, Vec<Attempt>>,
    resources: HashMap<usize, Arc<str>>,
    maps: BTreeMap<usize, MapProgress>,
    /// A redriven Map's run, and the run of the attempt before whose succeeded iterations it
    /// keeps (they do not run again, so their runs are under that one).
    carried: HashMap<usize, usize>,
    /// Every event type seen, for the events filter.
    event_types: std::collections::BTreeSet<String>,
    /// The branch each state of a Parallel is in, by name (names are unique in a definition),
    /// and the document generation it was read from.
    branch_of: (Option<u64>, HashMap<String, usize>),
}

impl RunIndex {
    /// Reads what is new: the runs and events added since the last call (everything again for
    /// another run, or a history that got shorter).
    pub fn update(&mut self, run_key: u64, trace: &Trace, events: &EventLog) {
        if run_key != self.run_key
            || events.len() < self.events_read
            || trace.runs().len() < self.runs_read
        {
            *self = Self {
                run_key,
                branch_of: std::mem::take(&mut self.branch_of),
                ..Self::default()
            };
        }
        for (i, run) in trace.runs().iter().enumerate().skip(self.runs_read) {
            match (run.parent, run.iteration) {
                (Some(map), Some(it)) => self
                    .iterations
                    .entry(map)
                    .or_default()
                    .entry(it)
                    .or_default()
                    .push(i),
                (Some(p), None) => self.children.entry(p).or_default().push(i),
                (None, _) => self.top.push(i),
            }
        }
        self.runs_read = trace.runs().len();
        for e in events.iter_from(self.events_read) {
            self.read_event(trace, e);
        }
        self.events_read = events.len();
    }

    fn read_event(&mut self, trace: &Trace, e: &HistoryEvent) {
        if !self.event_types.contains(e.kind.type_name().as_str()) {
            self.event_types.insert(e.kind.type_name());
        }
        let Some(run) = trace.run_of_event(e.id) else {
            return;
        };
        match &e.kind {
            EventKind::TaskScheduled {
                family, resource, ..
            } => {
                self.resources
                    .entry(run)
                    .or_insert_with(|| Arc::from(resource.arn(*family)));
                self.start_attempt(run, e.timestamp);
            }
            EventKind::ParallelStateStarted => self.start_attempt(run, e.timestamp),
            EventKind::MapStateStarted { .. } => {
                self.start_attempt(run, e.timestamp);
                // A Map retried as a whole starts its iterations again; a Map redriven keeps
                // the iterations that succeeded in the attempt before.
                let kept = self.redriven_from(trace, run);
                let mut progress = MapProgress::default();
                if let Some(before) = kept.and_then(|b| self.maps.get(&b)) {
                    for (&index, &status) in &before.iterations {
                        if status == RunStatus::Succeeded {
                            progress.iterations.insert(index, status);
                            progress.succeeded += 1;
                        }
                    }
                }
                if let Some(before) = kept {
                    self.carried.insert(run, before);
                }
                self.maps.insert(run, progress);
            }
            EventKind::TaskFailed { .. }
            | EventKind::TaskTimedOut { .. }
            | EventKind::EvaluationFailed { .. }
            | EventKind::ParallelStateFailed
            | EventKind::MapStateFailed => self.end_attempt(run, e.timestamp, true),
            EventKind::TaskSucceeded { .. }
            | EventKind::ParallelStateSucceeded
            | EventKind::MapStateSucceeded => self.end_attempt(run, e.timestamp, false),
            EventKind::MapIterationStarted { index, .. } => {
                self.maps
                    .entry(run)
                    .or_default()
                    .iterations
                    .insert(*index, RunStatus::Running);
            }
            EventKind::MapIterationSucceeded { index, .. } => {
                self.maps
                    .entry(run)
                    .or_default()
                    .end(*index, RunStatus::Succeeded);
            }
            EventKind::MapIterationFailed { index, .. } => {
                self.maps
                    .entry(run)
                    .or_default()
                    .end(*index, RunStatus::Failed);
            }
            EventKind::MapIterationAborted { index, .. } => {
                self.maps
                    .entry(run)
                    .or_default()
                    .end(*index, RunStatus::Cancelled);
            }
            _ => {}
        }
    }

    /// For a Map run entered after the last redrive: the run of the same state before the
    /// redrive that did not succeed (in the same place: at the top, or under a run of the same
    /// state), which this run goes on from.
    fn redriven_from(&self, trace: &Trace, run: usize) -> Option<usize> {
        let boundary = trace.runs_before_redrive();
        let runs = trace.runs();
        let this = runs.get(run)?;
        if boundary == 0 || run < boundary {
            return None;
        }
        let parent_name = |r: &StateRun| r.parent.and_then(|p| runs.get(p)).map(|p| p.name.clone());
        trace
            .run_indexes_of(&this.name)
            .iter()
            .rev()
            .copied()
            .filter(|&i| i < boundary)
            .find(|&i| {
                let before = &runs[i];
                before.status != RunStatus::Succeeded
                    && before.iteration == this.iteration
                    && parent_name(before) == parent_name(this)
            })
    }

    fn start_attempt(&mut self, run: usize, at: Millis) {
        self.attempts.entry(run).or_default().push(Attempt {
            start: at,
            end: None,
            failed: false,
        });
    }

    fn end_attempt(&mut self, run: usize, at: Millis, failed: bool) {
        if let Some(a) = self.attempts.get_mut(&run).and_then(|v| v.last_mut())
            && a.end.is_none()
        {
            a.end = Some(at);
            a.failed = failed;
        }
    }

    /// Reads which branch of its Parallel each state is in, from the definition (once per
    /// generation): `/States/P/Branches/1/States/X` is in branch 1.
    pub fn set_branches(&mut self, generation: u64, machine: &StateMachine) {
        if self.branch_of.0 == Some(generation) {
            return;
        }
        let mut map = HashMap::new();
        for state in machine.states() {
            let tokens: Vec<String> = state.pointer.tokens().collect();
            if let [.., branches, index, states, _] = tokens.as_slice()
                && branches == "Branches"
                && states == "States"
                && let Ok(i) = index.parse::<usize>()
            {
                map.insert(state.name.0.clone(), i);
            }
        }
        self.branch_of = (Some(generation), map);
    }

    /// The branch a run of a Parallel is in, if the definition says.
    fn branch(&self, trace: &Trace, run: usize) -> Option<usize> {
        let r = trace.runs().get(run)?;
        self.branch_of.1.get(&*r.name).copied()
    }

    /// The runs of one branch of a Parallel run, in order.
    pub fn branch_runs(&self, trace: &Trace, parallel: usize, index: usize) -> Vec<usize> {
        self.children.get(&parallel).map_or_else(Vec::new, |kids| {
            kids.iter()
                .copied()
                .filter(|&k| self.branch(trace, k) == Some(index))
                .collect()
        })
    }

    /// The run (or replay) indexed, by the controller's count of runs started.
    pub fn run_key(&self) -> u64 {
        self.run_key
    }

    /// The attempts of a run (none for states that call nothing).
    pub fn attempts(&self, run: usize) -> &[Attempt] {
        self.attempts.get(&run).map_or(&[], Vec::as_slice)
    }

    /// What a Task run called: `lambda:invoke`, `sqs:sendMessage.waitForTaskToken`...
    pub fn resource(&self, run: usize) -> Option<&str> {
        self.resources.get(&run).map(|r| &**r)
    }

    /// How a Map run's iterations stand.
    pub fn map(&self, run: usize) -> Option<&MapProgress> {
        self.maps.get(&run)
    }

    /// Every Map run with iterations, in run order.
    pub fn maps(&self) -> impl Iterator<Item = (usize, &MapProgress)> {
        self.maps.iter().map(|(&i, p)| (i, p))
    }

    /// The event types seen, in name order.
    pub fn event_types(&self) -> impl Iterator<Item = &str> {
        self.event_types.iter().map(String::as_str)
    }

    /// The runs of one iteration of a Map run (its states at the top of the iteration).
    pub fn iteration_runs(&self, map: usize, index: usize) -> &[usize] {
        let own = self.iterations.get(&map).and_then(|its| its.get(&index));
        match own {
            Some(runs) => runs,
            // An iteration a redriven Map kept: its runs are under the attempt before.
            None => match self.carried.get(&map) {
                Some(&before) if before != map => self.iteration_runs(before, index),
                _ => &[],
            },
        }
    }

    /// The iteration indexes a Map run has runs in.
    pub fn iteration_indexes(&self, map: usize) -> impl Iterator<Item = usize> + '_ {
        let own = self
            .iterations
            .get(&map)
            .into_iter()
            .flat_map(|its| its.keys().copied());
        // A redriven Map's kept iterations come first in index order with its own.
        let kept = self
            .carried
            .contains_key(&map)
            .then(|| self.maps.get(&map))
            .flatten()
            .into_iter()
            .flat_map(|p| p.iterations.keys().copied());
        own.chain(kept)
            .collect::<std::collections::BTreeSet<usize>>()
            .into_iter()
    }

    /// The rows directly under a row: a Map's iterations, a Parallel's branches (states whose
    /// branch is unknown, directly), an iteration's or a branch's runs.
    fn rows_under(&self, trace: &Trace, kind: RowKind) -> Vec<RowKind> {
        match kind {
            RowKind::Run(r) => {
                let mut out: Vec<RowKind> = self
                    .iteration_indexes(r)
                    .map(|index| RowKind::Iteration { map: r, index })
                    .collect();
                if let Some(kids) = self.children.get(&r) {
                    let mut branches = std::collections::BTreeSet::new();
                    let mut loose = Vec::new();
                    for &k in kids {
                        match self.branch(trace, k) {
                            Some(b) => {
                                branches.insert(b);
                            }
                            None => loose.push(RowKind::Run(k)),
                        }
                    }
                    out.extend(
                        branches
                            .into_iter()
                            .map(|index| RowKind::Branch { parallel: r, index }),
                    );
                    out.extend(loose);
                }
                out
            }
            RowKind::Iteration { map, index } => self
                .iteration_runs(map, index)
                .iter()
                .map(|&k| RowKind::Run(k))
                .collect(),
            RowKind::Branch { parallel, index } => self
                .branch_runs(trace, parallel, index)
                .into_iter()
                .map(RowKind::Run)
                .collect(),
        }
    }

    /// The runs in no Map or Parallel, in order.
    pub fn top(&self) -> &[usize] {
        &self.top
    }

    /// Whether a row has rows under it.
    pub fn has_rows_under(&self, kind: RowKind) -> bool {
        match kind {
            RowKind::Run(r) => self.iterations.contains_key(&r) || self.children.contains_key(&r),
            RowKind::Iteration { .. } | RowKind::Branch { .. } => true,
        }
    }

    /// The rows of the table: a tree of the runs, Maps and Parallels opened when `expanded`
    /// holds them, a Map's runs under their iterations; with a filter, the matching runs only,
    /// flat and in order.
    pub fn rows(&self, trace: &Trace, expanded: &HashSet<RowKind>, filter: &RowFilter) -> Vec<Row> {
        let runs = trace.runs();
        if filter.is_active() {
            let needle = filter.name.trim().to_lowercase();
            return runs
                .iter()
                .enumerate()
                .filter(|(_, r)| filter.matches(r, &needle))
                .map(|(i, _)| Row {
                    kind: RowKind::Run(i),
                    depth: 0,
                })
                .collect();
        }
        let mut out = Vec::with_capacity(self.top.len());
        // Depth first, without recursion: the stack holds what is still to list, last first.
        let mut stack: Vec<(RowKind, usize)> = self
            .top
            .iter()
            .rev()
            .map(|&i| (RowKind::Run(i), 0))
            .collect();
        while let Some((kind, depth)) = stack.pop() {
            out.push(Row { kind, depth });
            if self.has_rows_under(kind) && expanded.contains(&kind) {
                stack.extend(
                    self.rows_under(trace, kind)
                        .into_iter()
                        .rev()
                        .map(|k| (k, depth + 1)),
                );
            }
        }
        out
    }

    /// The rows to open so that a run's row shows: the containers and iterations above it.
    pub fn ancestors(&self, trace: &Trace, run: usize) -> Vec<RowKind> {
        let runs = trace.runs();
        let mut out = Vec::new();
        let mut at = run;
        while let Some(r) = runs.get(at) {
            let Some(parent) = r.parent else { break };
            if let Some(index) = r.iteration {
                out.push(RowKind::Iteration { map: parent, index });
            } else if let Some(index) = self.branch(trace, at) {
                out.push(RowKind::Branch {
                    parallel: parent,
                    index,
                });
            }
            out.push(RowKind::Run(parent));
            at = parent;
        }
        out
    }

    /// How an iteration stands: as its Map's events say, else from its runs.
    pub fn iteration_status(&self, trace: &Trace, map: usize, index: usize) -> RunStatus {
        if let Some(s) = self.maps.get(&map).and_then(|m| m.iterations.get(&index))
            && *s != RunStatus::Running
        {
            return *s;
        }
        group_status(trace, self.iteration_runs(map, index))
    }

    /// The runs of an iteration or a branch row, in order.
    pub fn group_runs(&self, trace: &Trace, row: RowKind) -> Vec<usize> {
        match row {
            RowKind::Run(r) => vec![r],
            RowKind::Iteration { map, index } => self.iteration_runs(map, index).to_vec(),
            RowKind::Branch { parallel, index } => self.branch_runs(trace, parallel, index),
        }
    }

    /// How a group of runs (an iteration, a branch) stands.
    pub fn group_status(&self, trace: &Trace, row: RowKind) -> RunStatus {
        match row {
            RowKind::Iteration { map, index } => self.iteration_status(trace, map, index),
            _ => group_status(trace, &self.group_runs(trace, row)),
        }
    }

    /// When a group of runs began and ended (or `now`).
    pub fn group_span(&self, trace: &Trace, row: RowKind, now: Millis) -> Option<(Millis, Millis)> {
        let runs: Vec<&StateRun> = self
            .group_runs(trace, row)
            .iter()
            .filter_map(|&i| trace.runs().get(i))
            .collect();
        let start = runs.iter().map(|r| r.entered_at).min()?;
        let end = runs
            .iter()
            .map(|r| r.ended_at.unwrap_or(now))
            .max()
            .unwrap_or(start);
        Some((start, end))
    }

    /// Every run of one iteration of a Map run, at any depth.
    pub fn runs_in_iteration(&self, trace: &Trace, map: usize, index: usize, out: &mut Vec<usize>) {
        self.runs_inside(trace, RowKind::Iteration { map, index }, out);
    }

    /// Every run inside a row (at any depth).
    fn runs_inside(&self, trace: &Trace, kind: RowKind, out: &mut Vec<usize>) {
        let mut stack = self.rows_under(trace, kind);
        while let Some(k) = stack.pop() {
            if let RowKind::Run(r) = k {
                out.push(r);
            }
            stack.extend(self.rows_under(trace, k));
        }
    }

    /// The statuses the canvas shows when Map runs are looked at one iteration each: `views`
    /// pairs a Map run with an iteration, outermost first. Each state inside a viewed Map takes
    /// its status in that iteration (states that did not run there have none); the others
    /// keep `statuses`.
    pub fn iteration_statuses(
        &self,
        trace: &Trace,
        statuses: &HashMap<String, RunStatus>,
        views: &[(usize, usize)],
    ) -> HashMap<String, RunStatus> {
        let mut out = statuses.clone();
        let runs = trace.runs();
        for &(map, index) in views {
            let mut all = Vec::new();
            self.runs_inside(trace, RowKind::Run(map), &mut all);
            for &r in &all {
                if let Some(run) = runs.get(r) {
                    out.remove(&*run.name);
                }
            }
            let mut inside = Vec::new();
            self.runs_in_iteration(trace, map, index, &mut inside);
            inside.sort_unstable();
            let mut by_name: HashMap<&str, RunStatus> = HashMap::new();
            for &r in &inside {
                let Some(run) = runs.get(r) else { continue };
                let s = by_name.entry(&run.name).or_insert(run.status);
                // As the trace does for a state: running over failed over the latest.
                *s = match (*s, run.status) {
                    (RunStatus::Running, _) | (_, RunStatus::Running) => RunStatus::Running,
                    (RunStatus::Failed, _) | (_, RunStatus::Failed) => RunStatus::Failed,
                    (_, latest) => latest,
                };
            }
            for (name, s) in by_name {
                out.insert(name.to_owned(), s);
            }
        }
        out
    }

    /// Each Map state's iteration counts, of its latest run (with the iterations a redrive
    /// kept from the attempt before): succeeded, failed, running.
    pub fn map_counts(&self, trace: &Trace) -> HashMap<String, (usize, usize, usize)> {
        let mut out = HashMap::new();
        for (run, p) in self.maps() {
            if let Some(r) = trace.runs().get(run)
                && r.state_type == StateType::Map
            {
                out.insert(
                    r.name.to_string(),
                    (p.succeeded, p.failed.len(), p.running()),
                );
            }
        }
        out
    }
}

/// How a group of runs stands: running if one is, else failed if one failed, else as its last.
fn group_status(trace: &Trace, runs: &[usize]) -> RunStatus {
    let statuses = || {
        runs.iter()
            .filter_map(|&i| trace.runs().get(i))
            .map(|r| r.status)
    };
    if statuses().any(|s| s == RunStatus::Running) {
        RunStatus::Running
    } else if statuses().any(|s| s == RunStatus::Failed) {
        RunStatus::Failed
    } else {
        statuses().next_back().unwrap_or(RunStatus::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepcraft::history::EventKind;
    use stepcraft::value::Val;

    fn run(status: RunStatus, entered: Millis, ended: Option<Millis>) -> StateRun {
        let events = [HistoryEvent {
            id: 1,
            previous_event_id: 0,
            timestamp: entered,
            kind: EventKind::StateEntered {
                state_type: StateType::Task,
                name: Arc::from("T"),
                input: Val::from(serde_json::json!({})),
            },
        }];
        let mut r = Trace::from_events(&events).runs()[0].clone();
        r.status = status;
        r.ended_at = ended;
        r
    }

    #[test]
    fn failed_attempts_and_backoffs_are_drawn_over_the_run() {
        let r = run(RunStatus::Succeeded, 100, Some(900));
        let attempts = [
            Attempt {
                start: 100,
                end: Some(150),
                failed: true,
            },
            Attempt {
                start: 400,
                end: Some(420),
                failed: true,
            },
            Attempt {
                start: 800,
                end: Some(900),
                failed: false,
            },
        ];
        let s = segments(&r, &attempts, 1000);
        let kinds: Vec<(Millis, Millis, SegmentKind)> =
            s.iter().map(|s| (s.from, s.to, s.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (100, 900, SegmentKind::Run(RunStatus::Succeeded)),
                (100, 150, SegmentKind::FailedAttempt),
                (150, 400, SegmentKind::Backoff),
                (400, 420, SegmentKind::FailedAttempt),
                (420, 800, SegmentKind::Backoff),
            ]
        );
    }

    #[test]
    fn a_single_failed_attempt_is_the_run_itself() {
        let r = run(RunStatus::Caught, 100, Some(500));
        let once = [Attempt {
            start: 100,
            end: Some(500),
            failed: true,
        }];
        assert_eq!(
            segments(&r, &once, 900),
            vec![Segment {
                from: 100,
                to: 500,
                kind: SegmentKind::Run(RunStatus::Caught)
            }]
        );
    }

    #[test]
    fn a_running_run_grows_to_now() {
        let r = run(RunStatus::Running, 100, None);
        assert_eq!(segments(&r, &[], 350)[0].to, 350);
        assert_eq!(segments(&r, &[], 500)[0].to, 500);
    }

    #[test]
    fn an_iteration_ends_once() {
        let mut p = MapProgress::default();
        p.iterations.insert(0, RunStatus::Running);
        p.iterations.insert(1, RunStatus::Running);
        p.end(0, RunStatus::Failed);
        p.end(0, RunStatus::Failed);
        p.end(7, RunStatus::Succeeded);
        assert_eq!(p.failed, vec![0]);
        assert_eq!(p.succeeded, 0);
        assert_eq!(p.running(), 1);
    }
}
