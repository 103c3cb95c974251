//! Rules on the fields of each state: which are allowed by type and query language, which exclude
//! each other, and the ranges of numbers.

use crate::diag::{Code, Diagnostics};
use crate::expr::jsonata;
use crate::history::is_timestamp;
use crate::model::dataset::{CsvDelimiter, HeaderLocation, InputType, OutputType, Transformation};
use crate::model::error_name::RESERVED_PREFIX;
use crate::model::fields::state_field;
use crate::model::map::ProcessorMode;
use crate::model::read::{as_uint, type_name};
use crate::model::{
    ErrorName, Map, MaybeExpr, QueryLanguage, Retrier, State, StateKind, StateMachine,
};
use crate::pointer::Pointer;
use serde_json::Value;
use std::collections::HashMap;

/// The largest value AWS accepts for timeouts, heartbeats, waits and retry intervals.
pub const MAX_SECONDS: u64 = 99_999_999;
/// The largest `MaxDelaySeconds` AWS accepts (one year and a day).
pub const MAX_DELAY_SECONDS: u64 = 31_622_400;
/// The largest `MaxInputBytesPerBatch` AWS accepts (256 KiB, the payload limit).
pub const MAX_INPUT_BYTES_PER_BATCH: u64 = 262_144;
/// The longest Map `Label` AWS accepts, in characters.
pub const MAX_LABEL_CHARS: usize = 40;

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    if let Some(v) = &machine.version
        && v != "1.0"
    {
        diags.push(
            Code::InvalidValue,
            Pointer::root().key("Version"),
            format!(
                "Version must be \"1.0\", the only version of the States Language, not \"{v}\"."
            ),
        );
    }
    if let Some(t) = machine.timeout_seconds {
        range(
            diags,
            &Pointer::root().key("TimeoutSeconds"),
            "TimeoutSeconds",
            t,
            1,
            MAX_SECONDS,
        );
    }
    let mut labels: HashMap<&str, &Pointer> = HashMap::new();
    for state in machine.states() {
        check_state(machine, state, diags);
        if let StateKind::Map(map) = &state.kind
            && let Some(label) = map.label.as_deref()
            && !skip_label(label, state.language)
        {
            let at = state.pointer.key("Label");
            if let Some(problem) = label_problem(label) {
                diags.push(Code::InvalidValue, at.clone(), problem);
            }
            if let Some(first) = labels.get(label) {
                diags.push(
                    Code::InvalidValue,
                    at,
                    format!("Another Map already has the Label \"{label}\" (at {first}): labels name child executions, so each must be unique in the state machine."),
                );
            } else {
                labels.insert(label, &state.pointer);
            }
        }
    }
}

/// Labels that are placeholders or (in JSONata) expressions are not checked.
fn skip_label(label: &str, language: QueryLanguage) -> bool {
    crate::placeholder::contains(label)
        || (language == QueryLanguage::Jsonata && jsonata::expression(label).is_some())
}

/// What is wrong with a Map `Label`: at most 40 characters, none of them whitespace, a control
/// character, or one AWS forbids in names.
fn label_problem(label: &str) -> Option<String> {
    const FORBIDDEN: &str = "?*<>{}[]:;,\\|^~$#%&`\"";
    let chars = label.chars().count();
    if chars > MAX_LABEL_CHARS {
        return Some(format!(
            "The Label is {chars} characters long; AWS allows at most {MAX_LABEL_CHARS}."
        ));
    }
    let bad = label
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(*c))?;
    let shown = if bad.is_whitespace() || bad.is_control() {
        format!("U+{:04X}", u32::from(bad))
    } else {
        format!("'{bad}'")
    };
    Some(format!(
        "The Label \"{label}\" contains {shown}: a Label cannot contain whitespace, control characters or any of ? * < > {{ }} [ ] : ; , \\ | ^ ~ $ # % & ` \"."
    ))
}

fn range(diags: &mut Diagnostics, pointer: &Pointer, field: &str, value: u64, min: u64, max: u64) {
    if value < min || value > max {
        diags.push(
            Code::InvalidValue,
            pointer.clone(),
            format!("{field} must be between {min} and {max}, not {value}."),
        );
    }
}

fn exclusive(state: &State, a: &str, b: &str, diags: &mut Diagnostics) {
    if state.has(a) && state.has(b) {
        diags.push(
            Code::ConflictingFields,
            state.pointer.key(b),
            format!("{a} and {b} exclude each other: keep one."),
        );
    }
}

fn check_state(machine: &StateMachine, state: &State, diags: &mut Diagnostics) {
    let Some(ty) = state.state_type() else { return };
    if machine.query_language == QueryLanguage::Jsonata
        && state.query_language == Some(QueryLanguage::JsonPath)
    {
        diags.push(
            Code::InvalidValue,
            state.pointer.key("QueryLanguage"),
            "A state cannot use JSONPath when the whole state machine is JSONata: remove QueryLanguage here, or make the top level JSONPath.",
        );
    }
    for field in &state.fields {
        let Some(spec) = state_field(field) else {
            continue;
        };
        if !spec.allowed_in(ty) {
            // Next and End on Choice, Succeed and Fail are TRANSITION_NOT_ALLOWED (structure.rs).
            if matches!(field.as_str(), "Next" | "End") && !ty.needs_transition() {
                continue;
            }
            diags.push(
                Code::FieldNotAllowed,
                state.pointer.key(field),
                format!("A {} state does not take {field}.", ty.as_str()),
            );
        } else if !spec.lang.allows(state.language) {
            let other = match state.language {
                QueryLanguage::JsonPath => "JSONata",
                QueryLanguage::Jsonata => "JSONPath",
            };
            diags.push(
                Code::FieldNotInQueryLanguage,
                state.pointer.key(field),
                format!(
                    "{field} is a {other} field, but this state uses {}: {}.",
                    state.language.as_str(),
                    language_hint(field, state.language)
                ),
            );
        }
    }
    for (i, retrier) in state.retry.iter().enumerate() {
        check_retrier(retrier, i + 1 == state.retry.len(), diags);
    }
    check_unreachable_rules(
        state
            .retry
            .iter()
            .map(|r| (r.error_equals.as_slice(), &r.pointer)),
        "Retry",
        diags,
    );
    for (i, catcher) in state.catch.iter().enumerate() {
        check_error_equals(
            &catcher.error_equals,
            &catcher.pointer,
            i + 1 == state.catch.len(),
            "Catch",
            diags,
        );
        if catcher.next.is_none() {
            diags.push(
                Code::MissingField,
                catcher.pointer.clone(),
                "A catcher needs Next: the state to go to when it catches an error.",
            );
        }
        match state.language {
            QueryLanguage::JsonPath if catcher.output.is_some() => diags.push(
                Code::FieldNotInQueryLanguage,
                catcher.pointer.key("Output"),
                "Output on a catcher is a JSONata field, but this state uses JSONPath: place the error output with ResultPath, or set \"QueryLanguage\": \"JSONata\".",
            ),
            QueryLanguage::Jsonata if catcher.result_path.is_some() => diags.push(
                Code::FieldNotInQueryLanguage,
                catcher.pointer.key("ResultPath"),
                "ResultPath on a catcher is a JSONPath field, but this state uses JSONata: shape the output with Output and $states.errorOutput instead.",
            ),
            _ => {}
        }
    }
    check_unreachable_rules(
        state
            .catch
            .iter()
            .map(|c| (c.error_equals.as_slice(), &c.pointer)),
        "Catch",
        diags,
    );
    match &state.kind {
        StateKind::Task(task) => {
            if task.resource.is_none() && !state.has("Resource") {
                diags.push(
                    Code::MissingField,
                    state.pointer.clone(),
                    "A Task state needs a Resource: the ARN of what does the work.",
                );
            }
            if let Some(resource) = &task.resource {
                check_resource(resource, &state.pointer.key("Resource"), diags);
            }
            if let Some(credentials) = &task.credentials {
                check_credentials(credentials, state, diags);
            }
            exclusive(state, "TimeoutSeconds", "TimeoutSecondsPath", diags);
            exclusive(state, "HeartbeatSeconds", "HeartbeatSecondsPath", diags);
            number_string(&task.timeout_seconds, state, "TimeoutSeconds", diags);
            number_string(&task.heartbeat_seconds, state, "HeartbeatSeconds", diags);
            let timeout = task.timeout_seconds.as_ref().and_then(MaybeExpr::literal);
            let heartbeat = task.heartbeat_seconds.as_ref().and_then(MaybeExpr::literal);
            if let Some(t) = timeout {
                range(
                    diags,
                    &state.pointer.key("TimeoutSeconds"),
                    "TimeoutSeconds",
                    t,
                    1,
                    MAX_SECONDS,
                );
            }
            if let Some(h) = heartbeat {
                range(
                    diags,
                    &state.pointer.key("HeartbeatSeconds"),
                    "HeartbeatSeconds",
                    h,
                    1,
                    MAX_SECONDS,
                );
                let limit = timeout.unwrap_or(MAX_SECONDS);
                if h >= limit && h <= MAX_SECONDS {
                    diags.push(
                        Code::HeartbeatNotBelowTimeout,
                        state.pointer.key("HeartbeatSeconds"),
                        format!("HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({limit}): a heartbeat is only useful within the timeout."),
                    );
                }
            }
        }
        StateKind::Wait(wait) => {
            let given: Vec<&str> = crate::model::wait::WAIT_FIELDS
                .iter()
                .copied()
                .filter(|f| state.has(f))
                .collect();
            match given.len() {
                0 => diags.push(
                    Code::MissingField,
                    state.pointer.clone(),
                    "A Wait state needs one of Seconds, Timestamp, SecondsPath or TimestampPath.",
                ),
                1 => {}
                _ => diags.push(
                    Code::ConflictingFields,
                    state.pointer.key(given[1]),
                    format!("A Wait state takes exactly one of Seconds, Timestamp, SecondsPath and TimestampPath, not {}.", given.join(" and ")),
                ),
            }
            number_string(&wait.seconds, state, "Seconds", diags);
            if let Some(MaybeExpr::Literal(s)) = wait.seconds {
                range(
                    diags,
                    &state.pointer.key("Seconds"),
                    "Seconds",
                    s,
                    0,
                    MAX_SECONDS,
                );
            }
            if let Some(ts) = &wait.timestamp
                && jsonata::expression(ts).is_none()
                && !crate::placeholder::contains(ts)
                && !is_timestamp(ts)
            {
                diags.push(
                        Code::InvalidValue,
                        state.pointer.key("Timestamp"),
                        format!("\"{ts}\" is not an RFC 3339 timestamp such as 2026-03-14T01:59:00Z (uppercase T, and Z or an offset)."),
                    );
            }
        }
        StateKind::Fail(_) => {
            exclusive(state, "Error", "ErrorPath", diags);
            exclusive(state, "Cause", "CausePath", diags);
        }
        StateKind::Choice(_) => {
            if !state.has("Choices") {
                diags.push(
                    Code::MissingField,
                    state.pointer.clone(),
                    "A Choice state needs Choices: a list of rules.",
                );
            }
        }
        StateKind::Parallel(_) => {
            if !state.has("Branches") {
                diags.push(
                    Code::MissingField,
                    state.pointer.clone(),
                    "A Parallel state needs Branches: a list of branches, each with StartAt and States.",
                );
            }
        }
        StateKind::Map(map) => check_map(state, map, diags),
        StateKind::Pass(_) | StateKind::Succeed | StateKind::Unknown => {}
    }
}

fn language_hint(field: &str, language: QueryLanguage) -> &'static str {
    match (language, field) {
        (QueryLanguage::Jsonata, "Parameters") => "use Arguments instead",
        (QueryLanguage::Jsonata, "ResultSelector" | "ResultPath" | "OutputPath" | "InputPath") => {
            "shape data with Output (and $states.input / $states.result) instead"
        }
        (QueryLanguage::Jsonata, "ItemsPath") => "use Items instead",
        (QueryLanguage::Jsonata, "Result") => "use Output instead",
        (QueryLanguage::Jsonata, _) => "give the value itself, as a JSONata expression if needed",
        (QueryLanguage::JsonPath, "Arguments") => {
            "use Parameters, or set \"QueryLanguage\": \"JSONata\""
        }
        (QueryLanguage::JsonPath, "Output") => {
            "use ResultSelector/ResultPath/OutputPath, or set \"QueryLanguage\": \"JSONata\""
        }
        (QueryLanguage::JsonPath, "Items") => {
            "use ItemsPath, or set \"QueryLanguage\": \"JSONata\""
        }
        (QueryLanguage::JsonPath, _) => "set \"QueryLanguage\": \"JSONata\" on the state to use it",
    }
}

fn check_resource(resource: &str, pointer: &Pointer, diags: &mut Diagnostics) {
    if crate::placeholder::contains(resource) {
        return;
    }
    if jsonata::expression(resource).is_some() {
        diags.push(
            Code::InvalidResource,
            pointer.clone(),
            "Resource must be a constant ARN: it is never evaluated as JSONata. To choose what runs at run time, keep a fixed Resource (such as arn:aws:states:::lambda:invoke) and pass the dynamic part in Arguments (such as FunctionName).",
        );
        return;
    }
    let parts: Vec<&str> = resource.split(':').collect();
    let ok = parts.len() >= 6 && parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty();
    if !ok {
        diags.push(
            Code::InvalidResource,
            pointer.clone(),
            format!("\"{resource}\" is not an ARN: a Resource looks like arn:aws:states:::lambda:invoke or arn:aws:lambda:us-east-1:123456789012:function:name."),
        );
    } else if parts[2] == "lambda" && !is_lambda_function_arn(&parts) {
        diags.push(
            Code::InvalidResource,
            pointer.clone(),
            format!("\"{resource}\" is not a Lambda function ARN: it looks like arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally with a version or alias (…:function:NAME:prod, …:function:NAME:$LATEST)."),
        );
    }
}

/// A Lambda function ARN as a Task's Resource (Lambda's `NameSpacedFunctionArn`):
/// `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, where a name is letters,
/// digits, `-`, `_` and `.`, and a qualifier is `$LATEST`, a version or an alias.
fn is_lambda_function_arn(parts: &[&str]) -> bool {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let qualifier_ok = |s: &str| {
        s == "$LATEST"
            || (!s.is_empty()
                && s.len() <= 128
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    };
    match parts {
        ["arn", _, "lambda", region, account, "function", name] => {
            !region.is_empty() && account.len() == 12 && name_ok(name)
        }
        [
            "arn",
            _,
            "lambda",
            region,
            account,
            "function",
            name,
            qualifier,
        ] => !region.is_empty() && account.len() == 12 && name_ok(name) && qualifier_ok(qualifier),
        _ => false,
    }
}

/// A Task's Credentials: an object with the role to assume, `RoleArn` (a string; in JSONata
/// it may be an expression) or, in JSONPath, `RoleArn.$` (a path or intrinsic function). AWS
/// refuses an empty object and other fields when the state machine is created.
fn check_credentials(credentials: &Value, state: &State, diags: &mut Diagnostics) {
    let at = state.pointer.key("Credentials");
    let Value::Object(fields) = credentials else {
        if !matches!(credentials, Value::String(s) if crate::placeholder::contains(s) || jsonata::expression(s).is_some())
        {
            diags.push(
                Code::WrongType,
                at,
                "Credentials must be an object naming the role to assume: {\"RoleArn\": \"arn:aws:iam::123456789012:role/Name\"}.",
            );
        }
        return;
    };
    let jsonata = state.language == QueryLanguage::Jsonata;
    let allowed: &[&str] = if jsonata {
        &["RoleArn"]
    } else {
        &["RoleArn", "RoleArn.$"]
    };
    for key in fields.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let hint = if jsonata && key == "RoleArn.$" {
            "JSONata states have no .$ fields: write \"RoleArn\": \"{% ... %}\"."
        } else {
            "Credentials takes only RoleArn (or RoleArn.$ for a path)."
        };
        diags.push(
            Code::UnknownField,
            at.key(key),
            format!("\"{key}\" is not a Credentials field. {hint}"),
        );
    }
    let roles = allowed.iter().filter(|k| fields.contains_key(**k)).count();
    if roles == 0 {
        diags.push(
            Code::MissingField,
            at,
            "Credentials needs RoleArn: the ARN of the IAM role the task assumes (or RoleArn.$, a path to it).",
        );
    } else if roles == 2 {
        diags.push(
            Code::ConflictingFields,
            at.key("RoleArn.$"),
            "RoleArn and RoleArn.$ exclude each other: keep one.",
        );
    } else if let Some(v) = fields.get("RoleArn").or_else(|| fields.get("RoleArn.$"))
        && !v.is_string()
    {
        diags.push(
            Code::WrongType,
            at.key(if fields.contains_key("RoleArn") {
                "RoleArn"
            } else {
                "RoleArn.$"
            }),
            "The role must be given as a string (an ARN, a path or an expression).",
        );
    }
}

pub(super) fn check_error_equals(
    names: &[String],
    pointer: &Pointer,
    last: bool,
    what: &str,
    diags: &mut Diagnostics,
) {
    let at = pointer.key("ErrorEquals");
    // A missing or empty ErrorEquals is reported once, by the reader.
    if names.is_empty() {
        return;
    }
    let has_all = names.iter().any(|n| n == ErrorName::All.as_str());
    if has_all && names.len() > 1 {
        diags.push(
            Code::InvalidErrorEquals,
            at.clone(),
            "States.ALL matches every error, so it must be the only name in its ErrorEquals.",
        );
    }
    if has_all && !last {
        diags.push(
            Code::InvalidErrorEquals,
            at.clone(),
            format!(
                "The {what} rule with States.ALL must come last: rules after it can never match."
            ),
        );
    }
    for (i, name) in names.iter().enumerate() {
        if name.starts_with(RESERVED_PREFIX) && ErrorName::from_name(name).is_none() {
            diags.push(
                Code::UnknownStatesError,
                at.index(i),
                format!("\"{name}\" is not an error Step Functions raises; names starting with States. are reserved (custom errors must not use that prefix)."),
            );
        }
    }
}

/// Reports a Retry or Catch rule whose every error name an earlier rule of the same list already
/// names: the earlier rule always matches first, so this one never runs. Rules after a States.ALL
/// rule are left to INVALID_ERROR_EQUALS (States.ALL must come last).
fn check_unreachable_rules<'a>(
    rules: impl Iterator<Item = (&'a [String], &'a Pointer)>,
    what: &str,
    diags: &mut Diagnostics,
) {
    let mut earlier: Vec<&str> = Vec::new();
    for (names, pointer) in rules {
        if names.is_empty() {
            continue;
        }
        if earlier.contains(&ErrorName::All.as_str()) {
            return;
        }
        if names.iter().all(|n| earlier.contains(&n.as_str())) {
            let list = names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            diags.push(
                Code::UnreachableRule,
                pointer.clone(),
                format!("An earlier {what} rule already handles {list}, so this rule never runs: remove it, or merge it into the earlier rule."),
            );
        }
        earlier.extend(names.iter().map(String::as_str));
    }
}

/// What is wrong with `text` given where a number is expected (`None`: nothing). A JSONPath state
/// takes a number only; a JSONata state also takes a `{% %}` expression (a string with misplaced
/// delimiters is plain text, so it is wrong here too). Deploy-time placeholders are never wrong.
fn number_string_problem(text: &str, field: &str, language: QueryLanguage) -> Option<String> {
    if crate::placeholder::contains(text) {
        return None;
    }
    match language {
        QueryLanguage::JsonPath => Some(format!(
            "{field} must be a number, not the string \"{text}\": write it without quotes (a JSONPath state does not evaluate strings here)."
        )),
        QueryLanguage::Jsonata => jsonata::expression(text).is_none().then(|| {
            format!("{field} must be a number or a JSONata expression such as \"{{% $states.input.n %}}\", not the string \"{text}\".")
        }),
    }
}

/// Reports a number field of a state (`TimeoutSeconds`, `Seconds`, `MaxConcurrency`...) given as a
/// string that is not allowed in the state's language.
fn number_string<T>(
    value: &Option<MaybeExpr<T>>,
    state: &State,
    field: &str,
    diags: &mut Diagnostics,
) {
    if let Some(MaybeExpr::Expr(text)) = value
        && let Some(problem) = number_string_problem(text, field, state.language)
    {
        diags.push(Code::WrongType, state.pointer.key(field), problem);
    }
}

/// Checks a whole-number field inside an object the model keeps as written (`MaxItems`,
/// `MaxItemsPerBatch`, `MaxInputBytesPerBatch`): its type, and its range when it is a literal.
fn whole_number_in(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    pointer: &Pointer,
    (min, max): (u64, u64),
    language: QueryLanguage,
    diags: &mut Diagnostics,
) {
    let at = pointer.key(key);
    match obj.get(key) {
        None => {}
        Some(Value::String(text)) => {
            if let Some(problem) = number_string_problem(text, key, language) {
                diags.push(Code::WrongType, at, problem);
            }
        }
        Some(v @ Value::Number(_)) => match as_uint(v) {
            Some(n) => range(diags, &at, key, n, min, max),
            None => diags.push(
                Code::InvalidValue,
                at,
                format!("{key} must be a whole number of {min} or more, not {v}."),
            ),
        },
        Some(other) => diags.push(
            Code::WrongType,
            at,
            format!("{key} must be a whole number, not {}.", type_name(other)),
        ),
    }
}

/// Reports each of the JSONPath-only `*Path` keys present in `obj`, in a JSONata state.
fn path_keys_in_jsonata(
    obj: &serde_json::Map<String, Value>,
    keys: &[&str],
    pointer: &Pointer,
    diags: &mut Diagnostics,
) {
    for key in keys {
        if obj.contains_key(*key) {
            let plain = key.strip_suffix("Path").unwrap_or(key);
            diags.push(
                Code::FieldNotInQueryLanguage,
                pointer.key(key),
                format!("{key} is a JSONPath field, but this state uses JSONata: give {plain} instead, as a JSONata expression if needed."),
            );
        }
    }
}

fn check_retrier(r: &Retrier, last: bool, diags: &mut Diagnostics) {
    check_error_equals(&r.error_equals, &r.pointer, last, "Retry", diags);
    if let Some(v) = r.interval_seconds {
        range(
            diags,
            &r.pointer.key("IntervalSeconds"),
            "IntervalSeconds",
            v,
            1,
            MAX_SECONDS,
        );
    }
    if let Some(v) = r.max_attempts {
        range(
            diags,
            &r.pointer.key("MaxAttempts"),
            "MaxAttempts",
            v,
            0,
            MAX_SECONDS,
        );
    }
    if let Some(v) = r.max_delay_seconds {
        range(
            diags,
            &r.pointer.key("MaxDelaySeconds"),
            "MaxDelaySeconds",
            v,
            1,
            MAX_DELAY_SECONDS,
        );
    }
    if let Some(b) = r.backoff_rate
        && b < 1.0
    {
        diags.push(
            Code::InvalidValue,
            r.pointer.key("BackoffRate"),
            format!("BackoffRate must be 1.0 or more (the interval never shrinks), not {b}."),
        );
    }
}

fn check_map(state: &State, map: &Map, diags: &mut Diagnostics) {
    exclusive(state, "MaxConcurrency", "MaxConcurrencyPath", diags);
    exclusive(
        state,
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        diags,
    );
    exclusive(
        state,
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        diags,
    );
    exclusive(state, "ItemSelector", "Parameters", diags);
    number_string(&map.max_concurrency, state, "MaxConcurrency", diags);
    number_string(
        &map.tolerated_failure_count,
        state,
        "ToleratedFailureCount",
        diags,
    );
    number_string(
        &map.tolerated_failure_percentage,
        state,
        "ToleratedFailurePercentage",
        diags,
    );
    if let Some(MaybeExpr::Literal(p)) = map.tolerated_failure_percentage
        && !(0.0..=100.0).contains(&p)
    {
        diags.push(
            Code::InvalidValue,
            state.pointer.key("ToleratedFailurePercentage"),
            format!("ToleratedFailurePercentage must be between 0 and 100, not {p}."),
        );
    }
    let processor = state.pointer.key(if state.has("Iterator") {
        "Iterator"
    } else {
        "ItemProcessor"
    });
    match map.mode {
        ProcessorMode::Inline => {
            // AWS accepts ToleratedFailure* on an inline Map (recorded executions show it), so
            // only the dataset fields and Label need distributed mode.
            for field in ["ItemReader", "ItemBatcher", "ResultWriter", "Label"] {
                if state.has(field) {
                    diags.push(
                        Code::RequiresDistributedMap,
                        state.pointer.key(field),
                        format!("{field} needs a distributed Map: set \"ProcessorConfig\": {{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}} in the ItemProcessor, or remove {field}."),
                    );
                }
            }
            if map.execution_type.is_some() {
                diags.push(
                    Code::RequiresDistributedMap,
                    processor.key("ProcessorConfig").key("ExecutionType"),
                    "ExecutionType applies to a distributed Map only: set \"Mode\": \"DISTRIBUTED\", or remove ExecutionType.",
                );
            }
        }
        ProcessorMode::Distributed => {
            if map.execution_type.is_none() {
                diags.push(
                    Code::MissingField,
                    processor.key("ProcessorConfig"),
                    "A distributed Map needs ExecutionType in its ProcessorConfig: \"STANDARD\" or \"EXPRESS\" child workflows.",
                );
            }
        }
    }
    let language = state.language;
    let (own_payload, other_payload) = match language {
        QueryLanguage::JsonPath => ("Parameters", "Arguments"),
        QueryLanguage::Jsonata => ("Arguments", "Parameters"),
    };
    if let Some(reader) = &map.item_reader {
        let at = state.pointer.key("ItemReader");
        if reader.resource.is_none() {
            diags.push(
                Code::MissingField,
                at.clone(),
                "An ItemReader needs a Resource, such as arn:aws:states:::s3:getObject.",
            );
        }
        let other = match language {
            QueryLanguage::JsonPath => &reader.arguments,
            QueryLanguage::Jsonata => &reader.parameters,
        };
        if other.is_some() {
            payload_in_other_language(
                "an ItemReader",
                other_payload,
                own_payload,
                &at,
                language,
                diags,
            );
        }
        if let Some(Value::Object(config)) = &reader.reader_config {
            let p = at.key("ReaderConfig");
            check_enum(config, "InputType", InputType::NAMES, &p, diags);
            check_enum(
                config,
                "CSVHeaderLocation",
                HeaderLocation::NAMES,
                &p,
                diags,
            );
            check_enum(config, "CSVDelimiter", CsvDelimiter::NAMES, &p, diags);
            // GIVEN headers are the CSVHeaders list; the reader has no other way to name columns.
            let given = config.get("CSVHeaderLocation").and_then(Value::as_str)
                == Some(HeaderLocation::Given.as_str());
            match config.get("CSVHeaders") {
                None if given => diags.push(
                    Code::MissingField,
                    p.clone(),
                    "CSVHeaderLocation GIVEN needs CSVHeaders: the column names, in order, such as [\"id\", \"amount\"].",
                ),
                Some(Value::Array(names))
                    if names.iter().all(Value::is_string) && !names.is_empty() => {}
                Some(Value::String(s)) if crate::placeholder::whole(s).is_some() => {}
                Some(_) => diags.push(
                    Code::WrongType,
                    p.key("CSVHeaders"),
                    "CSVHeaders must be a non-empty list of column names (strings).",
                ),
                None => {}
            }
            // 0 means no limit (recorded on AWS: MaxItems 0 reads every item).
            whole_number_in(config, "MaxItems", &p, (0, u64::MAX), language, diags);
            if language == QueryLanguage::Jsonata {
                path_keys_in_jsonata(config, &["MaxItemsPath"], &p, diags);
            } else if config.contains_key("MaxItems") && config.contains_key("MaxItemsPath") {
                diags.push(
                    Code::ConflictingFields,
                    p.key("MaxItemsPath"),
                    "MaxItems and MaxItemsPath exclude each other: keep one.",
                );
            }
        }
    }
    if let Some(Value::Object(batcher)) = &map.item_batcher {
        let p = state.pointer.key("ItemBatcher");
        let max_fields = [
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
        ];
        if !max_fields.iter().any(|f| batcher.contains_key(*f)) {
            diags.push(Code::MissingField, p.clone(), "An ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms).");
        }
        whole_number_in(
            batcher,
            "MaxItemsPerBatch",
            &p,
            (1, u64::MAX),
            language,
            diags,
        );
        whole_number_in(
            batcher,
            "MaxInputBytesPerBatch",
            &p,
            (1, MAX_INPUT_BYTES_PER_BATCH),
            language,
            diags,
        );
        if language == QueryLanguage::Jsonata {
            path_keys_in_jsonata(
                batcher,
                &["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"],
                &p,
                diags,
            );
        }
        for (a, b) in [
            ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
            ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
        ] {
            if batcher.contains_key(a) && batcher.contains_key(b) {
                diags.push(
                    Code::ConflictingFields,
                    p.key(b),
                    format!("{a} and {b} exclude each other: keep one."),
                );
            }
        }
        let mut r = crate::model::read::Reader::new(batcher, p, diags);
        r.unknown_fields(
            &[
                "MaxItemsPerBatch",
                "MaxItemsPerBatchPath",
                "MaxInputBytesPerBatch",
                "MaxInputBytesPerBatchPath",
                "BatchInput",
            ],
            "an ItemBatcher",
        );
    }
    if let Some(writer) = &map.result_writer {
        let at = state.pointer.key("ResultWriter");
        let payload = writer.parameters.is_some() || writer.arguments.is_some();
        if writer.resource.is_none() && writer.writer_config.is_none() && !payload {
            diags.push(
                Code::MissingField,
                at.clone(),
                format!("A ResultWriter cannot be empty: give WriterConfig, or a Resource (arn:aws:states:::s3:putObject) with {own_payload} naming the Bucket and Prefix, or all three."),
            );
        } else if writer.resource.is_none() && payload {
            diags.push(
                Code::MissingField,
                at.clone(),
                "A ResultWriter that names a Bucket and Prefix needs a Resource: arn:aws:states:::s3:putObject.",
            );
        }
        let other = match language {
            QueryLanguage::JsonPath => &writer.arguments,
            QueryLanguage::Jsonata => &writer.parameters,
        };
        if other.is_some() {
            payload_in_other_language(
                "a ResultWriter",
                other_payload,
                own_payload,
                &at,
                language,
                diags,
            );
        }
        if let Some(Value::Object(config)) = &writer.writer_config {
            let p = at.key("WriterConfig");
            check_enum(config, "OutputType", OutputType::NAMES, &p, diags);
            check_enum(config, "Transformation", Transformation::NAMES, &p, diags);
        }
    }
}

/// Reports an ItemReader or ResultWriter `Parameters` in a JSONata state, or `Arguments` in a
/// JSONPath one.
fn payload_in_other_language(
    what: &str,
    field: &str,
    instead: &str,
    pointer: &Pointer,
    language: QueryLanguage,
    diags: &mut Diagnostics,
) {
    let other = match language {
        QueryLanguage::JsonPath => "JSONata",
        QueryLanguage::Jsonata => "JSONPath",
    };
    diags.push(
        Code::FieldNotInQueryLanguage,
        pointer.key(field),
        format!(
            "{field} of {what} is a {other} field, but this state uses {}: use {instead} instead.",
            language.as_str()
        ),
    );
}

fn check_enum(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    allowed: &[&str],
    pointer: &Pointer,
    diags: &mut Diagnostics,
) {
    match obj.get(key) {
        None => {}
        Some(Value::String(s))
            if allowed.contains(&s.as_str()) || crate::placeholder::contains(s) => {}
        Some(Value::String(s)) if jsonata::expression(s).is_some() => {}
        Some(other) => diags.push(
            Code::InvalidValue,
            pointer.key(key),
            format!("{key} must be one of {}, not {other}.", allowed.join(", ")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::history::is_timestamp;

    #[test]
    fn timestamps() {
        for ok in [
            "2026-03-14T01:59:00Z",
            "2026-03-14T01:59:00.123Z",
            "2026-03-14T01:59:00+05:30",
            "2024-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2026-12-31T23:59:59Z",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "2026-03-14 01:59:00Z",
            "2026-03-14t01:59:00z",
            "2026-13-14T01:59:00Z",
            "2026-03-14T01:59:00",
            "now",
            "2026-02-30T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-03-00T00:00:00Z",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
