//! Rules on workflow variables: every variable read is assigned somewhere, and a Parallel branch
//! or Map iteration never assigns a variable that belongs to a scope around it (it reads outer
//! variables; what it assigns stays its own).

use crate::diag::{Code, Diagnostics};
use crate::expr::intrinsic::{self, Arg, Call};
use crate::expr::jsonata;
use crate::expr::path::{Path, Root};
use crate::model::{Condition, NullablePath, QueryLanguage, Scope, State, StateKind, StateMachine};
use crate::pointer::Pointer;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    let mut assigned = HashSet::new();
    let mut reads: Vec<(String, Pointer)> = Vec::new();
    for state in machine.states() {
        for (name, _) in assignments(state) {
            assigned.insert(name);
        }
        collect_reads(state, &mut reads);
    }
    let mut reported = HashSet::new();
    for (name, pointer) in reads {
        if !assigned.contains(&name) && reported.insert((name.clone(), pointer.clone())) {
            diags.push(
                Code::UnassignedVariable,
                pointer,
                format!("The variable ${name} is read here, but no state assigns it: add it to an Assign, or check the spelling."),
            );
        }
    }
    check_scope(&machine.scope, &BTreeMap::new(), diags);
}

/// Every variable a state may assign (state, Choice rules and Catchers), with where.
fn assignments(state: &State) -> Vec<(String, Pointer)> {
    let mut out = Vec::new();
    let mut add = |assign: &Option<Value>, pointer: Pointer, lang: QueryLanguage| {
        if let Some(Value::Object(map)) = assign {
            for key in map.keys() {
                let name = match lang {
                    QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
                    QueryLanguage::Jsonata => key,
                };
                out.push((name.to_owned(), pointer.key(key)));
            }
        }
    };
    add(&state.assign, state.pointer.key("Assign"), state.language);
    for c in &state.catch {
        add(&c.assign, c.pointer.key("Assign"), state.language);
    }
    if let StateKind::Choice(choice) = &state.kind {
        for rule in &choice.choices {
            add(&rule.assign, rule.pointer.key("Assign"), state.language);
        }
    }
    out
}

/// The places where a Parallel branch or Map iteration assigns a variable of an enclosing scope
/// (what `OUTER_VARIABLE_ASSIGNED` reports), for edits that must not create one.
pub(crate) fn outer_assignments(machine: &StateMachine) -> Vec<crate::diag::Diagnostic> {
    let mut diags = Diagnostics::default();
    check_scope(&machine.scope, &BTreeMap::new(), &mut diags);
    diags.0
}

/// A nested scope (branch or processor) must not assign what an enclosing scope assigns.
fn check_scope(scope: &Scope, outer: &BTreeMap<String, Pointer>, diags: &mut Diagnostics) {
    let mut here: BTreeMap<String, Pointer> = BTreeMap::new();
    for state in scope.states.values() {
        for (name, pointer) in assignments(state) {
            if let Some(at) = outer.get(&name) {
                diags.push(
                    Code::OuterVariableAssigned,
                    pointer.clone(),
                    format!("${name} belongs to an outer scope (assigned at {at}): a Parallel branch or Map iteration can read it but not assign it; use another name, or return the value in the output."),
                );
            }
            here.entry(name).or_insert(pointer);
        }
    }
    let mut visible = outer.clone();
    for (k, v) in here {
        visible.entry(k).or_insert(v);
    }
    for state in scope.states.values() {
        for nested in state.scopes() {
            check_scope(nested, &visible, diags);
        }
    }
}

fn collect_reads(state: &State, reads: &mut Vec<(String, Pointer)>) {
    match state.language {
        QueryLanguage::JsonPath => jsonpath_reads(state, reads),
        QueryLanguage::Jsonata => {
            for (field, value) in [
                ("Arguments", &state.arguments),
                ("Output", &state.output),
                ("Assign", &state.assign),
            ] {
                if let Some(v) = value {
                    jsonata_reads(v, &state.pointer.key(field), reads);
                }
            }
            match &state.kind {
                StateKind::Choice(choice) => {
                    for rule in &choice.choices {
                        if let Condition::Jsonata(v) = &rule.condition {
                            jsonata_reads(v, &rule.pointer.key("Condition"), reads);
                        }
                        for (field, value) in [("Output", &rule.output), ("Assign", &rule.assign)] {
                            if let Some(v) = value {
                                jsonata_reads(v, &rule.pointer.key(field), reads);
                            }
                        }
                    }
                }
                StateKind::Map(map) => {
                    for (field, value) in
                        [("Items", &map.items), ("ItemSelector", &map.item_selector)]
                    {
                        if let Some(v) = value {
                            jsonata_reads(v, &state.pointer.key(field), reads);
                        }
                    }
                }
                StateKind::Fail(fail) => {
                    for (field, value) in [("Error", &fail.error), ("Cause", &fail.cause)] {
                        if let Some(v) = value {
                            jsonata_reads(
                                &Value::String(v.clone()),
                                &state.pointer.key(field),
                                reads,
                            );
                        }
                    }
                }
                _ => {}
            }
            for c in &state.catch {
                for (field, value) in [("Output", &c.output), ("Assign", &c.assign)] {
                    if let Some(v) = value {
                        jsonata_reads(v, &c.pointer.key(field), reads);
                    }
                }
            }
        }
    }
}

fn path_read(text: &str, pointer: &Pointer, reads: &mut Vec<(String, Pointer)>) {
    if let Ok(Path {
        root: Root::Variable(name),
        ..
    }) = Path::parse(text)
    {
        reads.push((name, pointer.clone()));
    }
}

fn call_reads(call: &Call, pointer: &Pointer, reads: &mut Vec<(String, Pointer)>) {
    for arg in &call.args {
        match arg {
            Arg::Path(Path {
                root: Root::Variable(name),
                ..
            }) => reads.push((name.clone(), pointer.clone())),
            Arg::Call(inner) => call_reads(inner, pointer, reads),
            _ => {}
        }
    }
}

fn template_reads(value: &Value, pointer: &Pointer, reads: &mut Vec<(String, Pointer)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let at = pointer.key(k);
                match (k.ends_with(".$"), v) {
                    (true, Value::String(s)) if intrinsic::looks_like_call(s) => {
                        if let Ok(call) = Call::parse(s) {
                            call_reads(&call, &at, reads);
                        }
                    }
                    (true, Value::String(s)) => path_read(s, &at, reads),
                    _ => template_reads(v, &at, reads),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                template_reads(v, &pointer.index(i), reads);
            }
        }
        _ => {}
    }
}

fn jsonpath_reads(state: &State, reads: &mut Vec<(String, Pointer)>) {
    for (field, value) in [
        ("InputPath", &state.input_path),
        ("OutputPath", &state.output_path),
    ] {
        if let Some(NullablePath::Path(p)) = value {
            path_read(p, &state.pointer.key(field), reads);
        }
    }
    for (field, value) in [
        ("Parameters", &state.parameters),
        ("ResultSelector", &state.result_selector),
        ("Assign", &state.assign),
    ] {
        if let Some(v) = value {
            template_reads(v, &state.pointer.key(field), reads);
        }
    }
    for c in &state.catch {
        if let Some(v) = &c.assign {
            template_reads(v, &c.pointer.key("Assign"), reads);
        }
    }
    match &state.kind {
        StateKind::Choice(choice) => {
            for rule in &choice.choices {
                rule_reads(&rule.condition, &rule.pointer, reads);
                if let Some(v) = &rule.assign {
                    template_reads(v, &rule.pointer.key("Assign"), reads);
                }
            }
        }
        StateKind::Map(map) => {
            if let Some(p) = &map.items_path {
                path_read(p, &state.pointer.key("ItemsPath"), reads);
            }
            if let Some(v) = &map.item_selector {
                template_reads(v, &state.pointer.key("ItemSelector"), reads);
            }
        }
        StateKind::Wait(wait) => {
            for (field, value) in [
                ("SecondsPath", &wait.seconds_path),
                ("TimestampPath", &wait.timestamp_path),
            ] {
                if let Some(p) = value {
                    path_read(p, &state.pointer.key(field), reads);
                }
            }
        }
        _ => {}
    }
}

fn rule_reads(condition: &Condition, pointer: &Pointer, reads: &mut Vec<(String, Pointer)>) {
    match condition {
        Condition::Compare {
            variable,
            operand,
            operator,
        } => {
            path_read(variable, &pointer.key("Variable"), reads);
            if let (Value::String(s), true) = (operand, operator.name().ends_with("Path")) {
                path_read(s, &pointer.key(operator.name()), reads);
            }
        }
        Condition::And(rules) | Condition::Or(rules) => {
            for r in rules {
                rule_reads(&r.condition, &r.pointer, reads);
            }
        }
        Condition::Not(inner) => rule_reads(&inner.condition, &inner.pointer, reads),
        Condition::Jsonata(_) | Condition::Invalid => {}
    }
}

fn jsonata_reads(value: &Value, pointer: &Pointer, reads: &mut Vec<(String, Pointer)>) {
    match value {
        Value::String(s) => {
            if let Some(expr) = jsonata::expression(s) {
                for name in expression_variables(expr) {
                    reads.push((name, pointer.clone()));
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                jsonata_reads(v, &pointer.key(k), reads);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                jsonata_reads(v, &pointer.index(i), reads);
            }
        }
        _ => {}
    }
}

/// The workflow variables a JSONata expression reads: `$name` outside string literals that is not
/// a function call (`$name(`), not bound in the expression (`$name :=`), not a lambda parameter,
/// and not `$states`.
pub(crate) fn expression_variables(expr: &str) -> Vec<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut used: Vec<String> = Vec::new();
    let mut bound: HashSet<String> = HashSet::new();
    let mut i = 0;
    let mut in_params = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if expr_starts_with(&chars, i, "function") || expr_starts_with(&chars, i, "λ") {
            in_params = true;
        }
        if c == ')' {
            in_params = false;
        }
        if c == '$' {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            let name: String = chars[start..end].iter().collect();
            let mut after = end;
            while after < chars.len() && chars[after].is_whitespace() {
                after += 1;
            }
            let call = chars.get(after) == Some(&'(');
            let binds = chars.get(after) == Some(&':') && chars.get(after + 1) == Some(&'=');
            if !name.is_empty() && name != "states" {
                if binds || in_params {
                    bound.insert(name);
                } else if !call && !used.contains(&name) {
                    used.push(name);
                }
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    used.retain(|n| !bound.contains(n));
    used
}

fn expr_starts_with(chars: &[char], at: usize, word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    chars.len() >= at + w.len() && chars[at..at + w.len()] == w[..]
}

#[cfg(test)]
mod tests {
    use super::expression_variables;

    #[test]
    fn finds_the_variables_an_expression_reads() {
        let cases: &[(&str, &[&str])] = &[
            ("$total + $states.input.x", &["total"]),
            ("$sum($items.price) & ' $notavar '", &["items"]),
            ("($x := 1; $x + $y)", &["y"]),
            (
                "$map($list, function($v, $i) { $v * $factor })",
                &["list", "factor"],
            ),
            ("$states.context.Execution.Id", &[]),
        ];
        for (expr, want) in cases {
            assert_eq!(
                expression_variables(expr),
                want.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "{expr}"
            );
        }
    }
}
