//! Rules on the fields of each state: which are allowed by type and query language, which exclude
//! each other, and the ranges of numbers.

use crate::diag::{Code, Diagnostics};
use crate::model::fields::state_field;
use crate::model::map::ProcessorMode;
use crate::model::{
    ErrorName, Map, MaybeExpr, QueryLanguage, Retrier, State, StateKind, StateMachine,
};
use crate::pointer::Pointer;
use serde_json::Value;

/// The largest value AWS accepts for timeouts, heartbeats, waits and retry intervals.
pub const MAX_SECONDS: u64 = 99_999_999;
/// The largest `MaxDelaySeconds` AWS accepts (one year and a day).
pub const MAX_DELAY_SECONDS: u64 = 31_622_400;

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
    for state in machine.states() {
        check_state(machine, state, diags);
    }
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
    }
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
            exclusive(state, "TimeoutSeconds", "TimeoutSecondsPath", diags);
            exclusive(state, "HeartbeatSeconds", "HeartbeatSecondsPath", diags);
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
                && crate::expr::jsonata::expression(ts).is_none()
                && !super::has_placeholder(ts)
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
    if super::has_placeholder(resource) || crate::expr::jsonata::expression(resource).is_some() {
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
    if names.is_empty() {
        diags.push(
            Code::InvalidErrorEquals,
            at.clone(),
            "ErrorEquals needs at least one error name, such as \"States.ALL\".",
        );
        return;
    }
    let has_all = names.iter().any(|n| n == "States.ALL");
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
        if name.starts_with("States.") && ErrorName::from_name(name).is_none() {
            diags.push(
                Code::UnknownStatesError,
                at.index(i),
                format!("\"{name}\" is not an error Step Functions raises; names starting with States. are reserved (custom errors must not use that prefix)."),
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
            for field in [
                "ItemReader",
                "ItemBatcher",
                "ResultWriter",
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCount",
                "ToleratedFailureCountPath",
                "Label",
            ] {
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
            if state.has("Iterator") {
                diags.push(
                    Code::FieldNotAllowed,
                    state.pointer.key("Iterator"),
                    "A distributed Map takes ItemProcessor, not the older Iterator: rename the field.",
                );
            }
        }
    }
    if let Some(reader) = &map.item_reader {
        if reader.resource.is_none() {
            diags.push(
                Code::MissingField,
                state.pointer.key("ItemReader"),
                "An ItemReader needs a Resource, such as arn:aws:states:::s3:getObject.",
            );
        }
        if let Some(Value::Object(config)) = &reader.reader_config {
            check_enum(
                config,
                "InputType",
                &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"],
                &state.pointer.key("ItemReader").key("ReaderConfig"),
                diags,
            );
            check_enum(
                config,
                "CSVHeaderLocation",
                &["FIRST_ROW", "GIVEN"],
                &state.pointer.key("ItemReader").key("ReaderConfig"),
                diags,
            );
            check_enum(
                config,
                "CSVDelimiter",
                &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
                &state.pointer.key("ItemReader").key("ReaderConfig"),
                diags,
            );
            if config.contains_key("MaxItems") && config.contains_key("MaxItemsPath") {
                diags.push(
                    Code::ConflictingFields,
                    state
                        .pointer
                        .key("ItemReader")
                        .key("ReaderConfig")
                        .key("MaxItemsPath"),
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
    if let Some(writer) = &map.result_writer
        && let Some(Value::Object(config)) = &writer.writer_config
    {
        let p = state.pointer.key("ResultWriter").key("WriterConfig");
        check_enum(config, "OutputType", &["JSON", "JSONL"], &p, diags);
        check_enum(
            config,
            "Transformation",
            &["NONE", "COMPACT", "FLATTEN"],
            &p,
            diags,
        );
    }
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
        Some(Value::String(s)) if allowed.contains(&s.as_str()) || super::has_placeholder(s) => {}
        Some(Value::String(s)) if crate::expr::jsonata::expression(s).is_some() => {}
        Some(other) => diags.push(
            Code::InvalidValue,
            pointer.key(key),
            format!("{key} must be one of {}, not {other}.", allowed.join(", ")),
        ),
    }
}

/// Whether a string is a timestamp as Step Functions accepts it: RFC 3339 with an uppercase `T`
/// and `Z` or a numeric offset, optional fractional seconds.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let zone = &s[i..];
    let zb = zone.as_bytes();
    let valid_zone = zone == "Z"
        || (zb.len() == 6
            && matches!(zb[0], b'+' | b'-')
            && zb[1..3].iter().all(u8::is_ascii_digit)
            && zb[3] == b':'
            && zb[4..6].iter().all(u8::is_ascii_digit));
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    let hour: u32 = s[11..13].parse().unwrap_or(99);
    let minute: u32 = s[14..16].parse().unwrap_or(99);
    let second: u32 = s[17..19].parse().unwrap_or(99);
    valid_zone
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn timestamps() {
        for ok in [
            "2026-03-14T01:59:00Z",
            "2026-03-14T01:59:00.123Z",
            "2026-03-14T01:59:00+05:30",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "2026-03-14 01:59:00Z",
            "2026-03-14t01:59:00z",
            "2026-13-14T01:59:00Z",
            "2026-03-14T01:59:00",
            "now",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
