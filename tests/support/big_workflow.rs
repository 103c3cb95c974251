//! A generated workflow of a given size, with Choices (some looping back), Catches, Parallels
//! and Maps (some nested), for layout tests and the layout bench.

use serde_json::{Map, Value, json};

/// A definition with at least `target` states, counting nested ones.
pub fn big_workflow(target: usize) -> Value {
    let mut g = Gen { count: 0 };
    let states = g.chain("", target, 0);
    json!({ "Comment": format!("generated, {} states", g.count), "StartAt": first(&states), "States": states })
}

fn first(states: &Map<String, Value>) -> String {
    states.keys().next().cloned().unwrap_or_default()
}

struct Gen {
    count: usize,
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";
const SHARED_FAILURE: &str = "Report Timeout";

impl Gen {
    /// Blocks of states in sequence until `target` states exist; the last one ends the scope.
    fn chain(&mut self, prefix: &str, target: usize, depth: usize) -> Map<String, Value> {
        let mut blocks: Vec<Vec<(String, Value)>> = Vec::new();
        let start = self.count;
        let mut i = 0;
        while self.count - start < target {
            blocks.push(self.block(prefix, i, depth));
            i += 1;
        }
        let finish = self.name(prefix, "Finish", i);
        blocks.push(vec![(finish, json!({"Type": "Pass", "Next": ""}))]);

        // Wire each block's open ends ("Next": "") to the next block's first state.
        let mut out = Map::new();
        let entries: Vec<Option<String>> = blocks
            .iter()
            .map(|b| b.first().map(|(n, _)| n.clone()))
            .collect();
        for (k, block) in blocks.into_iter().enumerate() {
            let next = entries.get(k + 1).cloned().flatten();
            for (name, mut state) in block {
                wire(&mut state, next.as_deref());
                out.insert(name, state);
            }
        }
        if depth == 0 {
            self.count += 1;
            out.insert(
                SHARED_FAILURE.to_owned(),
                json!({"Type": "Fail", "Error": "Timeout"}),
            );
        }
        out
    }

    fn name(&mut self, prefix: &str, what: &str, i: usize) -> String {
        self.count += 1;
        format!("{prefix}{what} {i}")
    }

    fn block(&mut self, prefix: &str, i: usize, depth: usize) -> Vec<(String, Value)> {
        match (i % 6, depth) {
            (0, _) => {
                let task = self.name(prefix, "Call Service", i);
                let recover = self.name(prefix, "Recover", i);
                // At the top level a timeout also goes to one shared failure state, from
                // everywhere: long edges, as in real workflows.
                let mut catch = vec![json!({"ErrorEquals": ["States.ALL"], "Next": recover})];
                if depth == 0 {
                    catch.insert(
                        0,
                        json!({"ErrorEquals": ["States.Timeout"], "Next": SHARED_FAILURE}),
                    );
                }
                vec![
                    (
                        task,
                        json!({"Type": "Task", "Resource": LAMBDA, "Next": "", "Catch": catch}),
                    ),
                    (recover, json!({"Type": "Pass", "Next": ""})),
                ]
            }
            (1, _) => {
                let check = self.name(prefix, "Check Status", i);
                let wait = self.name(prefix, "Wait Before Retry", i);
                let reject = self.name(prefix, "Rejected", i);
                vec![
                    (
                        check.clone(),
                        json!({"Type": "Choice", "Choices": [
                            {"Variable": "$.status", "StringEquals": "DONE", "Next": ""},
                            {"Variable": "$.status", "StringEquals": "PENDING", "Next": wait},
                            {"Variable": "$.attempts", "NumericGreaterThan": 5, "Next": reject}],
                        "Default": ""}),
                    ),
                    (wait, json!({"Type": "Wait", "Seconds": 30, "Next": check})),
                    (reject, json!({"Type": "Fail", "Error": "Rejected"})),
                ]
            }
            (2, 0..=1) => {
                let par = self.name(prefix, "Fan Out", i);
                let branches: Vec<Value> = (0..3)
                    .map(|b| {
                        let states = self.chain(&format!("{prefix}B{i}.{b} "), 3 + b, depth + 1);
                        json!({"StartAt": first(&states), "States": states})
                    })
                    .collect();
                vec![(
                    par,
                    json!({"Type": "Parallel", "Branches": branches, "Next": "",
                    "Catch": [{"ErrorEquals": ["States.TaskFailed", "Custom.Error"], "Next": ""}]}),
                )]
            }
            (3, 0..=1) => {
                let map = self.name(prefix, "For Each Item", i);
                let states = self.chain(&format!("{prefix}M{i} "), 5, depth + 1);
                vec![(
                    map,
                    json!({"Type": "Map", "ItemsPath": "$.items", "Next": "",
                    "ItemProcessor": {"ProcessorConfig": {"Mode": if i % 4 == 3 { "DISTRIBUTED" } else { "INLINE" }},
                        "StartAt": first(&states), "States": states}}),
                )]
            }
            (4, _) => {
                let wait = self.name(prefix, "Pause", i);
                vec![(wait, json!({"Type": "Wait", "Seconds": 3600, "Next": ""}))]
            }
            _ => {
                let pass = self.name(prefix, "Shape Data", i);
                vec![(pass, json!({"Type": "Pass", "Next": ""}))]
            }
        }
    }
}

/// Replaces every empty `Next` (and an empty `Default`) with `next`; with no next (the last
/// state of a scope, always a Pass) the state ends.
fn wire(state: &mut Value, next: Option<&str>) {
    let Some(obj) = state.as_object_mut() else {
        return;
    };
    if obj.get("Next").and_then(Value::as_str) == Some("") {
        match next {
            Some(n) => {
                obj.insert("Next".into(), json!(n));
            }
            None => {
                obj.remove("Next");
                obj.insert("End".into(), json!(true));
            }
        }
    }
    let Some(next) = next else {
        return;
    };
    let target = json!(next);
    if obj.get("Default").and_then(Value::as_str) == Some("") {
        obj.insert("Default".into(), target.clone());
    }
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(rules)) = obj.get_mut(list) {
            for rule in rules {
                if rule.get("Next").and_then(Value::as_str) == Some("") {
                    rule["Next"] = target.clone();
                }
            }
        }
    }
}
