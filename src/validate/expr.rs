//! Rules on expressions: Paths and Reference Paths, payload templates with `.$` keys and intrinsic
//! functions, JSONata `{% %}` strings, and variable names in `Assign`.

use crate::diag::{Code, Diagnostics};
use crate::expr::intrinsic::{self, Arg, Call, Function};
use crate::expr::jsonata;
use crate::expr::path::{Path, Root, is_variable_name};
use crate::model::read::MaybeExpr;
use crate::model::{
    ChoiceRule, Condition, NullablePath, QueryLanguage, State, StateKind, StateMachine,
};
use crate::pointer::Pointer;
use serde_json::Value;
use std::collections::HashSet;

/// The longest variable name AWS accepts, in characters.
pub const MAX_VARIABLE_NAME_CHARS: usize = 80;

/// The intrinsic functions a Fail state's ErrorPath and CausePath may call.
pub const FAIL_PATH_FUNCTIONS: &[Function] = &[
    Function::Format,
    Function::JsonToString,
    Function::ArrayGetItem,
    Function::Base64Encode,
    Function::Base64Decode,
    Function::Hash,
    Function::Uuid,
];

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    for state in machine.states() {
        match state.language {
            QueryLanguage::JsonPath => check_jsonpath_state(state, diags),
            QueryLanguage::Jsonata => check_jsonata_state(state, diags),
        }
        if let Some(assign) = &state.assign {
            check_assign(assign, &state.pointer.key("Assign"), state.language, diags);
        }
        for catcher in &state.catch {
            if let Some(assign) = &catcher.assign {
                check_assign(
                    assign,
                    &catcher.pointer.key("Assign"),
                    state.language,
                    diags,
                );
            }
        }
        if let StateKind::Choice(choice) = &state.kind {
            for rule in &choice.choices {
                if let Some(assign) = &rule.assign {
                    check_assign(assign, &rule.pointer.key("Assign"), state.language, diags);
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PathKind {
    /// Any JSONPath.
    Path,
    /// Names and indexes only, into the input or context.
    Reference,
    /// A reference path that is written to: not the Context object, not a variable.
    ResultPath,
}

fn check_path(text: &str, kind: PathKind, pointer: &Pointer, field: &str, diags: &mut Diagnostics) {
    if crate::placeholder::contains(text) {
        return;
    }
    let parsed = match Path::parse(text) {
        Ok(p) => p,
        Err(e) => {
            let hint = if e.to_string().starts_with("in the filter") {
                "A filter compares the item (@) or the input ($) with quoted text, numbers, true, false, null or arrays, as in \"$.items[?(@.kind == 'book')]\"."
            } else {
                "A path starts with $, as in \"$.order.id\"."
            };
            diags.push(
                Code::InvalidPath,
                pointer.clone(),
                format!("{field} \"{text}\" is not a valid path: {e}. {hint}"),
            );
            return;
        }
    };
    if kind != PathKind::Path && !parsed.is_reference() {
        diags.push(
            Code::InvalidReferencePath,
            pointer.clone(),
            format!("{field} must name a single value, so \"{text}\" cannot use wildcards, filters, slices, unions or '..'."),
        );
        return;
    }
    if kind == PathKind::ResultPath {
        let problem = match parsed.root {
            Root::Context => Some("the Context object ($$) is read-only"),
            Root::Variable(_) => {
                Some("a variable cannot be written through ResultPath; use Assign")
            }
            Root::Input => None,
        };
        if let Some(problem) = problem {
            diags.push(
                Code::InvalidReferencePath,
                pointer.clone(),
                format!("{field} \"{text}\" is not allowed: {problem}."),
            );
        }
    }
}

fn nullable(
    path: &Option<NullablePath>,
    kind: PathKind,
    state: &State,
    field: &str,
    diags: &mut Diagnostics,
) {
    if let Some(NullablePath::Path(p)) = path {
        check_path(p, kind, &state.pointer.key(field), field, diags);
    }
}

fn optional(
    path: &Option<String>,
    kind: PathKind,
    state: &State,
    field: &str,
    diags: &mut Diagnostics,
) {
    if let Some(p) = path {
        check_path(p, kind, &state.pointer.key(field), field, diags);
    }
}

fn check_jsonpath_state(state: &State, diags: &mut Diagnostics) {
    nullable(&state.input_path, PathKind::Path, state, "InputPath", diags);
    nullable(
        &state.output_path,
        PathKind::Path,
        state,
        "OutputPath",
        diags,
    );
    nullable(
        &state.result_path,
        PathKind::ResultPath,
        state,
        "ResultPath",
        diags,
    );
    for (field, template) in [
        ("Parameters", &state.parameters),
        ("ResultSelector", &state.result_selector),
    ] {
        if let Some(t) = template {
            check_template(t, &state.pointer.key(field), diags);
        }
    }
    for catcher in &state.catch {
        if let Some(NullablePath::Path(p)) = &catcher.result_path {
            check_path(
                p,
                PathKind::ResultPath,
                &catcher.pointer.key("ResultPath"),
                "ResultPath",
                diags,
            );
        }
    }
    match &state.kind {
        StateKind::Task(task) => {
            optional(
                &task.timeout_seconds_path,
                PathKind::Reference,
                state,
                "TimeoutSecondsPath",
                diags,
            );
            optional(
                &task.heartbeat_seconds_path,
                PathKind::Reference,
                state,
                "HeartbeatSecondsPath",
                diags,
            );
            if let Some(c) = &task.credentials {
                check_template(c, &state.pointer.key("Credentials"), diags);
            }
        }
        StateKind::Wait(wait) => {
            optional(
                &wait.seconds_path,
                PathKind::Reference,
                state,
                "SecondsPath",
                diags,
            );
            optional(
                &wait.timestamp_path,
                PathKind::Reference,
                state,
                "TimestampPath",
                diags,
            );
        }
        StateKind::Fail(fail) => {
            for (field, value) in [
                ("ErrorPath", &fail.error_path),
                ("CausePath", &fail.cause_path),
            ] {
                if let Some(text) = value {
                    let pointer = state.pointer.key(field);
                    if intrinsic::looks_like_call(text) {
                        if let Some(call) = check_intrinsic(text, &pointer, field, diags)
                            && !FAIL_PATH_FUNCTIONS.contains(&call.function)
                        {
                            let allowed = FAIL_PATH_FUNCTIONS
                                .iter()
                                .map(|f| f.name())
                                .collect::<Vec<_>>()
                                .join(", ");
                            diags.push(
                                Code::InvalidIntrinsic,
                                pointer,
                                format!("{field} cannot call {}: a Fail state's {field} takes a Reference Path or one of {allowed}.", call.function.name()),
                            );
                        }
                    } else {
                        check_path(text, PathKind::Reference, &pointer, field, diags);
                    }
                }
            }
        }
        StateKind::Map(map) => {
            optional(
                &map.items_path,
                PathKind::Reference,
                state,
                "ItemsPath",
                diags,
            );
            optional(
                &map.max_concurrency_path,
                PathKind::Reference,
                state,
                "MaxConcurrencyPath",
                diags,
            );
            optional(
                &map.tolerated_failure_count_path,
                PathKind::Reference,
                state,
                "ToleratedFailureCountPath",
                diags,
            );
            optional(
                &map.tolerated_failure_percentage_path,
                PathKind::Reference,
                state,
                "ToleratedFailurePercentagePath",
                diags,
            );
            if let Some(t) = &map.item_selector {
                check_template(t, &state.pointer.key("ItemSelector"), diags);
            }
            if let Some(reader) = &map.item_reader {
                if let Some(t) = &reader.parameters {
                    check_template(t, &state.pointer.key("ItemReader").key("Parameters"), diags);
                }
                if let Some(Value::Object(config)) = &reader.reader_config
                    && let Some(Value::String(p)) = config.get("MaxItemsPath")
                {
                    let at = state
                        .pointer
                        .key("ItemReader")
                        .key("ReaderConfig")
                        .key("MaxItemsPath");
                    check_path(p, PathKind::Reference, &at, "MaxItemsPath", diags);
                }
            }
            if let Some(writer) = &map.result_writer
                && let Some(t) = &writer.parameters
            {
                check_template(
                    t,
                    &state.pointer.key("ResultWriter").key("Parameters"),
                    diags,
                );
            }
            if let Some(Value::Object(batcher)) = &map.item_batcher {
                let at = state.pointer.key("ItemBatcher");
                for field in ["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"] {
                    if let Some(Value::String(p)) = batcher.get(field) {
                        check_path(p, PathKind::Reference, &at.key(field), field, diags);
                    }
                }
                if let Some(t) = batcher.get("BatchInput") {
                    check_template(t, &at.key("BatchInput"), diags);
                }
            }
        }
        StateKind::Choice(choice) => {
            for rule in &choice.choices {
                check_rule_paths(rule, diags);
            }
        }
        StateKind::Pass(_) | StateKind::Succeed | StateKind::Parallel(_) | StateKind::Unknown => {}
    }
}

fn check_rule_paths(rule: &ChoiceRule, diags: &mut Diagnostics) {
    match &rule.condition {
        Condition::Compare {
            variable,
            operator,
            operand,
        } => {
            check_path(
                variable,
                PathKind::Path,
                &rule.pointer.key("Variable"),
                "Variable",
                diags,
            );
            if let (crate::model::choice::Operand::Path, Value::String(p)) =
                (operator.operand(), operand)
            {
                check_path(
                    p,
                    PathKind::Reference,
                    &rule.pointer.key(operator.name()),
                    operator.name(),
                    diags,
                );
            }
        }
        Condition::And(rules) | Condition::Or(rules) => {
            rules.iter().for_each(|r| check_rule_paths(r, diags));
        }
        Condition::Not(inner) => check_rule_paths(inner, diags),
        Condition::Jsonata(_) | Condition::Invalid => {}
    }
}

/// Checks an intrinsic call; returns it when it parses (and is not a deploy-time placeholder).
fn check_intrinsic(
    text: &str,
    pointer: &Pointer,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Call> {
    if crate::placeholder::contains(text) {
        return None;
    }
    match Call::parse(text) {
        Ok(call) => {
            check_format_templates(&call, pointer, field, diags);
            Some(call)
        }
        Err(e) => {
            diags.push(
                Code::InvalidIntrinsic,
                pointer.clone(),
                format!("{field}: {e}."),
            );
            None
        }
    }
}

/// Checks that every States.Format call with a literal template, nested ones included, has one
/// argument per `{}` of its template.
fn check_format_templates(call: &Call, pointer: &Pointer, field: &str, diags: &mut Diagnostics) {
    if call.function == Function::Format
        && let Some(Arg::String(template)) = call.args.first()
    {
        let (fewest, most) = format_placeholders(template);
        let given = call.args.len() - 1;
        let want = if given < fewest {
            Some(fewest)
        } else if given > most {
            Some(most)
        } else {
            None
        };
        if let Some(want) = want {
            let placeholders = if want == 1 {
                "1 {} placeholder".to_owned()
            } else {
                format!("{want} {{}} placeholders")
            };
            let arguments = if given == 1 {
                "1 argument follows".to_owned()
            } else {
                format!("{given} arguments follow")
            };
            diags.push(
                Code::InvalidIntrinsic,
                pointer.clone(),
                format!(
                    "{field}: the States.Format template '{template}' has {placeholders} but {arguments} it: give one argument per {{}} (write \\{{ and \\}} for literal braces)."
                ),
            );
        }
    }
    for arg in &call.args {
        if let Arg::Call(inner) = arg {
            check_format_templates(inner, pointer, field, diags);
        }
    }
}

/// The fewest and most `{}` placeholders a parsed States.Format template can have. The parser
/// keeps `\{` and `\}` escaped but turns `\\` into one backslash, so a `{}` right after a
/// backslash may be an escaped brace or a placeholder after a literal backslash.
fn format_placeholders(template: &str) -> (usize, usize) {
    let (mut fewest, mut most) = (0, 0);
    let mut previous = None;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && chars.peek() == Some(&'}') {
            most += 1;
            if previous != Some('\\') {
                fewest += 1;
            }
        }
        previous = Some(c);
    }
    (fewest, most)
}

/// Checks a JSONPath payload template: each `.$` key's value must be a path or an intrinsic call.
fn check_template(value: &Value, pointer: &Pointer, diags: &mut Diagnostics) {
    match value {
        Value::Object(map) => {
            let mut names: HashSet<&str> = HashSet::new();
            for (key, v) in map {
                let at = pointer.key(key);
                let stripped = key.strip_suffix(".$").unwrap_or(key);
                if !names.insert(stripped) {
                    diags.push(
                        Code::ConflictingFields,
                        at.clone(),
                        format!("\"{key}\" and another key both give \"{stripped}\" once .$ is removed: keep one."),
                    );
                }
                if let Some(name) = key.strip_suffix(".$") {
                    match v {
                        Value::String(s) if intrinsic::looks_like_call(s) => {
                            check_intrinsic(s, &at, name, diags);
                        }
                        Value::String(s) => check_path(s, PathKind::Path, &at, name, diags),
                        other => diags.push(
                            Code::WrongType,
                            at,
                            format!("\"{key}\" ends in .$, so its value must be a path or an intrinsic function as a string, not {}.", crate::model::read::type_name(other)),
                        ),
                    }
                } else {
                    check_template(v, &at, diags);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_template(v, &pointer.index(i), diags);
            }
        }
        _ => {}
    }
}

fn check_assign(
    assign: &Value,
    pointer: &Pointer,
    language: QueryLanguage,
    diags: &mut Diagnostics,
) {
    match assign {
        Value::Object(map) => {
            for key in map.keys() {
                let name = match language {
                    QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
                    QueryLanguage::Jsonata => key,
                };
                let at = pointer.key(key);
                if name == "states" {
                    diags.push(Code::InvalidVariableName, at, "\"states\" is reserved ($states holds the input, result and context): choose another variable name.");
                } else if !is_variable_name(name) || name.chars().count() > MAX_VARIABLE_NAME_CHARS
                {
                    diags.push(
                        Code::InvalidVariableName,
                        at,
                        format!("\"{name}\" is not a valid variable name: use a letter or _ followed by letters, digits or _, at most {MAX_VARIABLE_NAME_CHARS} characters."),
                    );
                }
            }
            if language == QueryLanguage::JsonPath {
                check_template(assign, pointer, diags);
            }
        }
        Value::String(s)
            if language == QueryLanguage::Jsonata && jsonata::expression(s).is_some() => {}
        other => diags.push(
            Code::WrongType,
            pointer.clone(),
            format!(
                "Assign must be an object of variable names and values, not {}.",
                crate::model::read::type_name(other)
            ),
        ),
    }
}

/// Checks every `{% %}` string in a JSONata state's fields.
fn check_jsonata_state(state: &State, diags: &mut Diagnostics) {
    let mut fields: Vec<(&str, Value)> = Vec::new();
    for (name, value) in [
        ("Arguments", &state.arguments),
        ("Output", &state.output),
        ("Assign", &state.assign),
    ] {
        if let Some(v) = value {
            fields.push((name, v.clone()));
        }
    }
    let expr_field = |v: &Option<MaybeExpr<u64>>| match v {
        Some(MaybeExpr::Expr(s)) => Some(Value::String(s.clone())),
        _ => None,
    };
    match &state.kind {
        StateKind::Task(task) => {
            for (name, v) in [
                ("TimeoutSeconds", expr_field(&task.timeout_seconds)),
                ("HeartbeatSeconds", expr_field(&task.heartbeat_seconds)),
            ] {
                if let Some(v) = v {
                    fields.push((name, v));
                }
            }
            if let Some(c) = &task.credentials {
                fields.push(("Credentials", c.clone()));
            }
        }
        StateKind::Wait(wait) => {
            if let Some(v) = expr_field(&wait.seconds) {
                fields.push(("Seconds", v));
            }
            if let Some(t) = &wait.timestamp {
                fields.push(("Timestamp", Value::String(t.clone())));
            }
        }
        StateKind::Fail(fail) => {
            for (name, v) in [("Error", &fail.error), ("Cause", &fail.cause)] {
                if let Some(v) = v {
                    fields.push((name, Value::String(v.clone())));
                }
            }
        }
        StateKind::Map(map) => {
            for (name, v) in [
                ("Items", &map.items),
                ("ItemSelector", &map.item_selector),
                ("ItemBatcher", &map.item_batcher),
            ] {
                if let Some(v) = v {
                    fields.push((name, v.clone()));
                }
            }
            if let Some(v) = expr_field(&map.max_concurrency) {
                fields.push(("MaxConcurrency", v));
            }
            if let Some(v) = expr_field(&map.tolerated_failure_count) {
                fields.push(("ToleratedFailureCount", v));
            }
            if let Some(MaybeExpr::Expr(s)) = &map.tolerated_failure_percentage {
                fields.push(("ToleratedFailurePercentage", Value::String(s.clone())));
            }
            if let Some(reader) = &map.item_reader {
                let at = state.pointer.key("ItemReader");
                for (name, v) in [
                    ("ReaderConfig", &reader.reader_config),
                    ("Arguments", &reader.arguments),
                ] {
                    if let Some(v) = v {
                        walk_strings(v, &at.key(name), diags);
                    }
                }
            }
            if let Some(writer) = &map.result_writer {
                let at = state.pointer.key("ResultWriter");
                for (name, v) in [
                    ("WriterConfig", &writer.writer_config),
                    ("Arguments", &writer.arguments),
                ] {
                    if let Some(v) = v {
                        walk_strings(v, &at.key(name), diags);
                    }
                }
            }
        }
        StateKind::Choice(choice) => {
            for (i, rule) in choice.choices.iter().enumerate() {
                let at = state.pointer.key("Choices").index(i);
                if let Condition::Jsonata(Value::String(s)) = &rule.condition {
                    check_jsonata_string(s, &at.key("Condition"), diags);
                }
                for (name, v) in [("Output", &rule.output), ("Assign", &rule.assign)] {
                    if let Some(v) = v {
                        walk_strings(v, &at.key(name), diags);
                    }
                }
            }
        }
        _ => {}
    }
    for catcher in &state.catch {
        for (name, v) in [("Output", &catcher.output), ("Assign", &catcher.assign)] {
            if let Some(v) = v {
                walk_strings(v, &catcher.pointer.key(name), diags);
            }
        }
    }
    for (name, value) in fields {
        walk_strings(&value, &state.pointer.key(name), diags);
    }
}

fn walk_strings(value: &Value, pointer: &Pointer, diags: &mut Diagnostics) {
    match value {
        Value::String(s) => check_jsonata_string(s, pointer, diags),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_strings(v, &pointer.index(i), diags);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                walk_strings(v, &pointer.key(k), diags);
            }
        }
        _ => {}
    }
}

fn check_jsonata_string(s: &str, pointer: &Pointer, diags: &mut Diagnostics) {
    if let Some(expression) = jsonata::expression(s) {
        if crate::placeholder::contains(expression) {
            return;
        }
        if let Err(message) = jsonata::check_syntax(expression) {
            diags.push(
                Code::InvalidJsonata,
                pointer.clone(),
                format!("This JSONata expression does not parse: {message}."),
            );
        }
    } else if jsonata::misplaced_delimiters(s) {
        diags.push(
            Code::JsonataNotWholeString,
            pointer.clone(),
            "This string is plain text, not a JSONata expression: an expression must be the whole string, from {% to %} with nothing around it; to build text, concatenate inside it, as in \"{% 'Total: ' & $total %}\".",
        );
    }
}
