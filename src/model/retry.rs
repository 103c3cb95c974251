//! Retry and Catch rules (Task, Parallel and Map states).

use super::StateName;
use super::read::{NullablePath, Reader};
use crate::diag::{Code, Diagnostics};
use crate::pointer::Pointer;
use serde_json::Value;

/// How retry delays are randomised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitterStrategy {
    /// A random delay between 0 and the computed interval.
    Full,
    /// The computed interval exactly.
    None,
}

impl JitterStrategy {
    /// Both strategies.
    pub const ALL: [JitterStrategy; 2] = [Self::Full, Self::None];

    /// The `JitterStrategy` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::None => "NONE",
        }
    }
}

/// One entry of `Retry`.
#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    /// Where the rule is.
    pub pointer: Pointer,
    /// Error names the rule applies to.
    pub error_equals: Vec<String>,
    /// Seconds before the first retry (AWS default 1).
    pub interval_seconds: Option<u64>,
    /// Retries at most (AWS default 3; 0 never retries).
    pub max_attempts: Option<u64>,
    /// Multiplier of the interval at each attempt (AWS default 2.0).
    pub backoff_rate: Option<f64>,
    /// Cap on the interval.
    pub max_delay_seconds: Option<u64>,
    /// Randomisation of the interval.
    pub jitter_strategy: Option<JitterStrategy>,
    /// Free text.
    pub comment: Option<String>,
}

/// One entry of `Catch`.
#[derive(Clone, Debug, PartialEq)]
pub struct Catcher {
    /// Where the rule is.
    pub pointer: Pointer,
    /// Error names the rule applies to.
    pub error_equals: Vec<String>,
    /// The state to go to.
    pub next: Option<StateName>,
    /// Where the error output goes in the input (JSONPath).
    pub result_path: Option<NullablePath>,
    /// Variables to set (both languages).
    pub assign: Option<Value>,
    /// The output to pass on (JSONata).
    pub output: Option<Value>,
    /// Free text.
    pub comment: Option<String>,
}

const RETRIER_FIELDS: &[&str] = &[
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
];

const CATCHER_FIELDS: &[&str] = &[
    "ErrorEquals",
    "Next",
    "ResultPath",
    "Assign",
    "Output",
    "Comment",
];

fn each_object<'a>(
    r: &mut Reader<'a>,
    key: &str,
    what: &str,
) -> Vec<(Pointer, &'a serde_json::Map<String, Value>)> {
    let Some(items) = r.array(key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let pointer = r.pointer.key(key).index(i);
        match item {
            Value::Object(obj) => out.push((pointer, obj)),
            other => r.diags.push(
                Code::WrongType,
                pointer,
                format!(
                    "Each {what} must be an object, not {}.",
                    super::read::type_name(other)
                ),
            ),
        }
    }
    out
}

pub(crate) fn read_retry(r: &mut Reader<'_>) -> Vec<Retrier> {
    let mut out = Vec::new();
    for (pointer, obj) in each_object(r, "Retry", "retrier") {
        let mut r = Reader::new(obj, pointer.clone(), r.diags);
        r.unknown_fields(RETRIER_FIELDS, "a retrier");
        let jitter_strategy = match r.string("JitterStrategy").as_deref() {
            None => None,
            Some("FULL") => Some(JitterStrategy::Full),
            Some("NONE") => Some(JitterStrategy::None),
            Some(other) => {
                r.diags.push(
                    Code::InvalidValue,
                    pointer.key("JitterStrategy"),
                    format!("JitterStrategy must be \"FULL\" or \"NONE\", not \"{other}\"."),
                );
                None
            }
        };
        out.push(Retrier {
            error_equals: error_equals(&mut r),
            interval_seconds: r.uint("IntervalSeconds"),
            max_attempts: r.uint("MaxAttempts"),
            backoff_rate: r.number("BackoffRate"),
            max_delay_seconds: r.uint("MaxDelaySeconds"),
            jitter_strategy,
            comment: r.string("Comment"),
            pointer,
        });
    }
    out
}

pub(crate) fn read_catch(r: &mut Reader<'_>) -> Vec<Catcher> {
    let mut out = Vec::new();
    for (pointer, obj) in each_object(r, "Catch", "catcher") {
        let mut r = Reader::new(obj, pointer.clone(), r.diags);
        r.unknown_fields(CATCHER_FIELDS, "a catcher");
        out.push(Catcher {
            error_equals: error_equals(&mut r),
            next: r.string("Next").map(StateName),
            result_path: r.nullable_path("ResultPath"),
            assign: r.value("Assign"),
            output: r.value("Output"),
            comment: r.string("Comment"),
            pointer,
        });
    }
    out
}

/// Reads `ErrorEquals`. A missing or empty list is reported here, once: the validator checks only
/// the names a list holds.
fn error_equals(r: &mut Reader<'_>) -> Vec<String> {
    match r.obj.get("ErrorEquals") {
        None => {
            missing(
                r.diags,
                &r.pointer,
                "ErrorEquals",
                "a list of error names, such as [\"States.ALL\"]",
            );
            Vec::new()
        }
        Some(Value::Array(items)) if items.is_empty() => {
            r.diags.push(
                Code::InvalidErrorEquals,
                r.pointer.key("ErrorEquals"),
                "ErrorEquals needs at least one error name, such as \"States.ALL\".",
            );
            Vec::new()
        }
        Some(_) => r.strings("ErrorEquals").unwrap_or_default(),
    }
}

pub(crate) fn missing(diags: &mut Diagnostics, pointer: &Pointer, key: &str, want: &str) {
    diags.push(
        Code::MissingField,
        pointer.clone(),
        format!("{key} is required here: add {want}."),
    );
}
