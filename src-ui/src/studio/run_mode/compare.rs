//! Two runs compared, without egui: a run kept as "A" (pinned) and the current one ("B"),
//! local or replayed. Where their paths part (the last state both took before the first state
//! that differs), the states only one of them entered, and per state the differences of input
//! and output by JSON pointer (the n-th run of a state in A against its n-th run in B).

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use stepcraft::history::HistoryEvent;
use stepcraft::testing::{Failure, differences};
use stepcraft::trace::Trace;

/// At most this many differences are listed per payload.
pub const MAX_DIFFERENCES: usize = 20;

/// A run kept to compare others with.
#[derive(Debug, Clone)]
pub struct PinnedRun {
    /// What it is called in the panel ("Run 2 · {"n": 1}", a replayed file's name).
    pub name: String,
    /// Its state runs.
    pub trace: Arc<Trace>,
    /// How many events it had when pinned.
    pub events: usize,
}

impl PinnedRun {
    /// Pins a run from its events.
    pub fn new<'a>(name: String, events: impl IntoIterator<Item = &'a HistoryEvent>) -> Self {
        let mut count = 0;
        let trace = Trace::from_events(events.into_iter().inspect(|_| count += 1));
        Self {
            name,
            trace: Arc::new(trace),
            events: count,
        }
    }
}

/// Where the two paths part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parting {
    /// The last state both entered before they differ (`None`: they differ from the start).
    pub at: Option<String>,
    /// The state A entered next (`None`: A ended there).
    pub a_next: Option<String>,
    /// The state B entered next (`None`: B ended there).
    pub b_next: Option<String>,
}

/// What differs in one state's run.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDifference {
    /// The state.
    pub state: String,
    /// Which of its runs (0: the first), when it ran more than once.
    pub run: usize,
    /// Input differences: pointer, A's value, B's value.
    pub input: Vec<Failure>,
    /// Output differences (a run that has no output on one side differs at `""`).
    pub output: Vec<Failure>,
}

/// Two runs compared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Where their paths part; `None`: the same states in the same order.
    pub parting: Option<Parting>,
    /// States A entered and B did not, in A's order.
    pub only_a: Vec<String>,
    /// States B entered and A did not, in B's order.
    pub only_b: Vec<String>,
    /// The state runs both made that differ in input or output, in A's order.
    pub states: Vec<StateDifference>,
    /// How many state runs both made (paired by state and order).
    pub paired: usize,
}

impl Comparison {
    /// Compares run A with run B.
    pub fn new(a: &Trace, b: &Trace) -> Self {
        let path_a: Vec<&str> = a.runs().iter().map(|r| &*r.name).collect();
        let path_b: Vec<&str> = b.runs().iter().map(|r| &*r.name).collect();
        let common = path_a
            .iter()
            .zip(&path_b)
            .take_while(|(x, y)| x == y)
            .count();
        let parting = (common < path_a.len().max(path_b.len())).then(|| Parting {
            at: common.checked_sub(1).map(|i| path_a[i].to_owned()),
            a_next: path_a.get(common).map(|s| (*s).to_owned()),
            b_next: path_b.get(common).map(|s| (*s).to_owned()),
        });
        let names_a: HashSet<&str> = path_a.iter().copied().collect();
        let names_b: HashSet<&str> = path_b.iter().copied().collect();
        let only = |path: &[&str], other: &HashSet<&str>| {
            let mut seen = BTreeSet::new();
            path.iter()
                .filter(|n| !other.contains(*n) && seen.insert(**n))
                .map(|n| (*n).to_owned())
                .collect::<Vec<_>>()
        };
        let mut out = Self {
            parting,
            only_a: only(&path_a, &names_b),
            only_b: only(&path_b, &names_a),
            ..Self::default()
        };
        let mut done = HashSet::new();
        for name in path_a.iter().filter(|n| names_b.contains(*n)) {
            if !done.insert(*name) {
                continue;
            }
            for (run, (x, y)) in a.runs_of(name).zip(b.runs_of(name)).enumerate() {
                out.paired += 1;
                let input = differences(
                    &x.input.to_value(),
                    &y.input.to_value(),
                    "",
                    MAX_DIFFERENCES,
                );
                let output = match (&x.output, &y.output) {
                    (Some(p), Some(q)) => {
                        differences(&p.to_value(), &q.to_value(), "", MAX_DIFFERENCES)
                    }
                    (None, None) => Vec::new(),
                    (p, q) => {
                        let show = |v: &Option<stepcraft::value::Val>| {
                            v.as_ref().map_or_else(
                                || "no output (the state did not leave)".to_owned(),
                                |v| v.to_value().to_string(),
                            )
                        };
                        vec![Failure {
                            pointer: String::new(),
                            expected: show(p),
                            got: show(q),
                        }]
                    }
                };
                if !input.is_empty() || !output.is_empty() {
                    out.states.push(StateDifference {
                        state: (*name).to_owned(),
                        run,
                        input,
                        output,
                    });
                }
            }
        }
        out
    }

    /// Whether the runs took the same path with the same data.
    pub fn is_same(&self) -> bool {
        self.parting.is_none() && self.states.is_empty()
    }
}

/// What the canvas marks when two runs are compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompareMarks {
    /// The state where the paths part.
    pub parted_at: Option<String>,
    /// States only A entered.
    pub only_a: BTreeSet<String>,
    /// States only B entered.
    pub only_b: BTreeSet<String>,
    /// States both entered whose data differs.
    pub differ: BTreeSet<String>,
}

impl CompareMarks {
    /// The marks of a comparison.
    pub fn of(c: &Comparison) -> Self {
        Self {
            parted_at: c.parting.as_ref().and_then(|p| p.at.clone()),
            only_a: c.only_a.iter().cloned().collect(),
            only_b: c.only_b.iter().cloned().collect(),
            differ: c.states.iter().map(|d| d.state.clone()).collect(),
        }
    }

    /// The mark of a state, if it has one.
    pub fn mark(&self, state: &str) -> Option<CompareMark> {
        if self.parted_at.as_deref() == Some(state) {
            Some(CompareMark::PathsPart)
        } else if self.only_a.contains(state) {
            Some(CompareMark::OnlyA)
        } else if self.only_b.contains(state) {
            Some(CompareMark::OnlyB)
        } else if self.differ.contains(state) {
            Some(CompareMark::DataDiffers)
        } else {
            None
        }
    }
}

/// How a state stands when two runs are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareMark {
    /// The paths part here (both entered it; they went on to different states).
    PathsPart,
    /// Only run A entered it.
    OnlyA,
    /// Only run B (the current run) entered it.
    OnlyB,
    /// Both entered it with different input or output.
    DataDiffers,
}

impl CompareMark {
    /// The word drawn above the node.
    pub fn label(self) -> &'static str {
        match self {
            Self::PathsPart => "paths part",
            Self::OnlyA => "A only",
            Self::OnlyB => "B only",
            Self::DataDiffers => "data differs",
        }
    }
}
