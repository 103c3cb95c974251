//! `stepcraft test --coverage` and `--coverage-json FILE`: the cases' histories gathered per
//! definition ([`stepcraft::coverage`]), rendered as text after the test summary or as JSON.
//!
//! The JSON document: `{"definitions": [{"testFiles": [path, ...], "cases": [name, ...],
//! "runs": n, "summary": {"states" | "branches" | "catches" | "retries" | "edges" | "overall":
//! {"covered", "total", "percent"}}, "items": [{"id", "kind", "pointer", "state",
//! "statePointer", "index", "edge", "target", "hits", "inferred", "covered"}]}]}`. `kind` is
//! `state`, `choice`, `default`, `catch`, `retry` or `edge`; `edge` (for edges) is `start`,
//! `next`, `end`, `choice`, `default`, `catch` or `terminal`; `percent` is null when there is
//! nothing of that kind.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::coverage::{Coverage, Item, ItemKind, Summary, Tally};
use stepcraft::graph::EdgeKind;
use stepcraft::testing::{self, CaseResult, RunOptions, TestFile};

/// The coverage of one definition.
#[derive(Debug)]
struct Group {
    definition: Arc<Value>,
    files: Vec<PathBuf>,
    cases: Vec<String>,
    coverage: Coverage,
}

/// The coverage of every definition the cases ran, in the order first run.
#[derive(Debug, Default)]
pub struct Collector {
    groups: Vec<Group>,
}

impl Collector {
    /// Runs the cases of a file whose names contain `filter`, adding their histories.
    pub fn run_file(
        &mut self,
        file: &TestFile,
        filter: Option<&str>,
        options: &RunOptions,
    ) -> Vec<CaseResult> {
        let mut results = Vec::new();
        for case in file
            .cases
            .iter()
            .filter(|c| filter.is_none_or(|f| c.name.contains(f)))
        {
            let (result, history) = testing::run_case_recorded(case, options);
            results.push(result);
            let Ok(definition) = &case.definition else {
                continue;
            };
            if history.is_empty() {
                continue;
            }
            let at = match self.groups.iter().position(|g| g.definition == *definition) {
                Some(at) => at,
                None => {
                    self.groups.push(Group {
                        definition: Arc::clone(definition),
                        files: Vec::new(),
                        cases: Vec::new(),
                        coverage: Coverage::of_definition(definition),
                    });
                    self.groups.len() - 1
                }
            };
            let group = &mut self.groups[at];
            if !group.files.contains(&file.path) {
                group.files.push(file.path.clone());
            }
            group.cases.push(case.name.clone());
            group.coverage.add_history(&history);
        }
        results
    }

    /// The text report: per definition, the counts and what no case covered.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for g in &self.groups {
            let files: Vec<String> = g.files.iter().map(|p| p.display().to_string()).collect();
            let s = g.coverage.summary();
            out.push_str(&format!(
                "coverage of the definition tested by {} ({} run{}):\n",
                files.join(", "),
                g.coverage.runs(),
                if g.coverage.runs() == 1 { "" } else { "s" }
            ));
            let parts: Vec<String> = kinds(&s)
                .iter()
                .filter(|(_, _, t)| t.total > 0)
                .map(|(_, label, t)| format!("{label} {}", tally(*t)))
                .collect();
            out.push_str(&format!("  {}\n", parts.join(", ")));
            let missing: Vec<&Item> = g.coverage.uncovered().collect();
            if missing.is_empty() {
                out.push_str("  everything covered\n");
            } else {
                out.push_str("  not covered:\n");
                for item in missing {
                    out.push_str(&format!("    {} ({})\n", describe(item), item.pointer));
                }
            }
        }
        out
    }

    /// The JSON report (see the module doc).
    pub fn json(&self) -> Value {
        let definitions: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let s = g.coverage.summary();
                let mut summary = serde_json::Map::new();
                for (key, _, t) in kinds(&s) {
                    summary.insert(key.to_owned(), tally_json(t));
                }
                json!({
                    "testFiles": g.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                    "cases": g.cases,
                    "runs": g.coverage.runs(),
                    "summary": summary,
                    "items": g.coverage.items().iter().map(item_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({ "definitions": definitions })
    }

    /// Writes the JSON report to a file, atomically.
    pub fn write_json(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(&self.json()).unwrap_or_default();
        crate::files::write_atomic(path, &text).map_err(|e| e.to_string())
    }
}

/// The kinds in report order: JSON key, words, counts.
fn kinds(s: &Summary) -> [(&'static str, &'static str, Tally); 6] {
    [
        ("states", "states", s.states),
        ("branches", "choice branches", s.branches),
        ("catches", "catch rules", s.catches),
        ("retries", "retry rules", s.retries),
        ("edges", "edges", s.edges),
        ("overall", "overall", s.overall()),
    ]
}

fn tally(t: Tally) -> String {
    match t.percent() {
        Some(p) => format!("{}/{} ({p:.0}%)", t.covered, t.total),
        None => format!("{}/{}", t.covered, t.total),
    }
}

fn tally_json(t: Tally) -> Value {
    json!({"covered": t.covered, "total": t.total, "percent": t.percent()})
}

fn edge_name(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Start => "start",
        EdgeKind::Next => "next",
        EdgeKind::End => "end",
        EdgeKind::Choice(_) => "choice",
        EdgeKind::Default => "default",
        EdgeKind::Catch(_) => "catch",
        EdgeKind::Terminal => "terminal",
    }
}

fn item_json(item: &Item) -> Value {
    json!({
        "id": item.id(),
        "kind": item.kind.as_str(),
        "pointer": item.pointer.as_str(),
        "state": item.state,
        "statePointer": item.state_pointer.as_str(),
        "index": item.index,
        "edge": item.edge.map(edge_name),
        "target": item.target,
        "hits": item.hits,
        "inferred": item.inferred,
        "covered": item.covered(),
    })
}

/// An uncovered item in words, rules numbered from 1 as the studio's inspector numbers them:
/// `rule 2 of "Route Order" (to "Hold")` for `/States/Route Order/Choices/1`.
fn describe(item: &Item) -> String {
    let to = |t: &Option<String>| match t {
        Some(t) => format!("\"{t}\""),
        None => "the end".to_owned(),
    };
    let number = item.index.unwrap_or_default() + 1;
    match item.kind {
        ItemKind::State => format!("state \"{}\"", item.state),
        ItemKind::ChoiceRule => format!(
            "rule {number} of \"{}\" (to {})",
            item.state,
            to(&item.target)
        ),
        ItemKind::ChoiceDefault => {
            format!("Default of \"{}\" (to {})", item.state, to(&item.target))
        }
        ItemKind::Catch => format!(
            "catcher {number} of \"{}\" (to {})",
            item.state,
            to(&item.target)
        ),
        ItemKind::Retry => format!("retrier {number} of \"{}\"", item.state),
        ItemKind::Edge => match item.edge {
            Some(EdgeKind::Start) => format!("edge from the start to \"{}\"", item.state),
            Some(kind) => format!(
                "{} edge from \"{}\" to {}",
                edge_name(kind),
                item.state,
                to(&item.target)
            ),
            None => format!("edge of \"{}\"", item.state),
        },
    }
}
