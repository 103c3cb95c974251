//! Execution history: an append-only log of events in the shape of AWS's GetExecutionHistory.
//!
//! Events hold shared values ([`Val`]), so recording a 200 KiB input in every event costs a
//! reference count; the JSON text AWS puts in `input`/`output` fields is made only on export.

use crate::model::StateType;
use crate::value::Val;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Milliseconds since the Unix epoch, on the execution's (virtual) clock.
pub type Millis = i64;

/// How a Task state's resource is invoked, which decides its event names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskFamily {
    /// A Lambda function ARN given directly: `LambdaFunction*` events.
    Lambda,
    /// An activity ARN: `Activity*` events.
    Activity,
    /// A service integration (`arn:aws:states:::...`): `Task*` events.
    Service,
}

/// The resource fields of Task events.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// `lambda`, `sqs`, `aws-sdk:s3`...
    pub resource_type: Arc<str>,
    /// `invoke`, `sendMessage.waitForTaskToken`...
    pub resource: Arc<str>,
}

impl Resource {
    /// The Task's resource as an ARN: a service integration's
    /// (`arn:aws:states:::lambda:invoke`, `arn:aws:states:::aws-sdk:s3:getObject`), or the
    /// Lambda function's or activity's own ARN as the state names it.
    pub fn arn(&self, family: TaskFamily) -> String {
        match family {
            TaskFamily::Lambda | TaskFamily::Activity => self.resource.to_string(),
            TaskFamily::Service if &*self.resource_type == "unknown" => self.resource.to_string(),
            TaskFamily::Service if self.resource.is_empty() => {
                format!("arn:aws:states:::{}", self.resource_type)
            }
            TaskFamily::Service => {
                format!("arn:aws:states:::{}:{}", self.resource_type, self.resource)
            }
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// The execution started with this input.
    ExecutionStarted { input: Val, role_arn: Arc<str> },
    /// The execution succeeded with this output.
    ExecutionSucceeded { output: Val },
    /// The execution failed.
    ExecutionFailed {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// The execution exceeded its TimeoutSeconds.
    ExecutionTimedOut {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// The execution was stopped by the user.
    ExecutionAborted {
        error: Option<Arc<str>>,
        cause: Option<Arc<str>>,
    },
    /// A failed, aborted or timed-out execution was redriven (RedriveExecution): the history
    /// goes on after its closing event. `redrive_count` counts this redrive (1 for the first).
    ExecutionRedriven { redrive_count: u32 },
    /// A state was entered (`PassStateEntered`, `TaskStateEntered`...).
    StateEntered {
        state_type: StateType,
        name: Arc<str>,
        input: Val,
    },
    /// A state was left (`PassStateExited`...).
    StateExited {
        state_type: StateType,
        name: Arc<str>,
        output: Val,
        assigned: Option<Val>,
    },
    /// A running state was stopped because its branch or iteration was (`TaskStateAborted`...).
    StateAborted {
        state_type: StateType,
        name: Arc<str>,
    },
    /// A task was scheduled with these parameters.
    TaskScheduled {
        family: TaskFamily,
        resource: Resource,
        parameters: Val,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    },
    /// A task started.
    TaskStarted {
        family: TaskFamily,
        resource: Resource,
    },
    /// A `.sync` or `.waitForTaskToken` task was submitted and now waits.
    TaskSubmitted { resource: Resource, output: Val },
    /// A task returned this output.
    TaskSucceeded {
        family: TaskFamily,
        resource: Resource,
        output: Val,
    },
    /// A task failed.
    TaskFailed {
        family: TaskFamily,
        resource: Resource,
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// A task timed out (or missed a heartbeat).
    TaskTimedOut {
        family: TaskFamily,
        resource: Resource,
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// A Parallel state started its branches.
    ParallelStateStarted,
    /// A Parallel state's branches all succeeded.
    ParallelStateSucceeded,
    /// A Parallel state failed.
    ParallelStateFailed,
    /// A Map state started, with this many items.
    MapStateStarted { length: usize },
    /// A Map state's iterations all succeeded (or within the tolerated failures).
    MapStateSucceeded,
    /// A Map state failed.
    MapStateFailed,
    /// A Map iteration started.
    MapIterationStarted { name: Arc<str>, index: usize },
    /// A Map iteration succeeded.
    MapIterationSucceeded { name: Arc<str>, index: usize },
    /// A Map iteration failed.
    MapIterationFailed { name: Arc<str>, index: usize },
    /// A Map iteration was stopped because another failed.
    MapIterationAborted { name: Arc<str>, index: usize },
    /// A distributed Map run started.
    MapRunStarted,
    /// A distributed Map run succeeded.
    MapRunSucceeded,
    /// A distributed Map's Map Run was redriven with its parent execution: its failed and
    /// aborted child executions run again.
    MapRunRedriven { redrive_count: u32 },
    /// A distributed Map run failed.
    MapRunFailed {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// A JSONata evaluation failed.
    EvaluationFailed {
        state: Arc<str>,
        error: Arc<str>,
        cause: Option<Arc<str>>,
        location: Option<Arc<str>>,
    },
    /// An event of a type the interpreter never writes, read from a history recorded on AWS
    /// (`LambdaFunctionStartFailed`, `TaskStartFailed`...): kept as it was.
    Other {
        type_name: Arc<str>,
        details: Option<(Arc<str>, Value)>,
    },
}

/// One event of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    /// 1-based, in order of occurrence.
    pub id: u64,
    /// The event this one follows in its branch (0 for the first).
    pub previous_event_id: u64,
    /// When, on the execution's clock.
    pub timestamp: Millis,
    /// What happened.
    pub kind: EventKind,
}

fn family_prefix(family: TaskFamily) -> &'static str {
    match family {
        TaskFamily::Lambda => "LambdaFunction",
        TaskFamily::Activity => "Activity",
        TaskFamily::Service => "Task",
    }
}

impl EventKind {
    /// AWS's event type, such as `PassStateEntered` or `LambdaFunctionSucceeded`.
    pub fn type_name(&self) -> String {
        let fixed = match self {
            Self::ExecutionStarted { .. } => "ExecutionStarted",
            Self::ExecutionSucceeded { .. } => "ExecutionSucceeded",
            Self::ExecutionFailed { .. } => "ExecutionFailed",
            Self::ExecutionTimedOut { .. } => "ExecutionTimedOut",
            Self::ExecutionAborted { .. } => "ExecutionAborted",
            Self::ExecutionRedriven { .. } => "ExecutionRedriven",
            Self::StateEntered { state_type, .. } => return format!("{state_type}StateEntered"),
            Self::StateExited { state_type, .. } => return format!("{state_type}StateExited"),
            Self::StateAborted { state_type, .. } => return format!("{state_type}StateAborted"),
            Self::TaskScheduled { family, .. } => {
                return format!("{}Scheduled", family_prefix(*family));
            }
            Self::TaskStarted { family, .. } => {
                return format!("{}Started", family_prefix(*family));
            }
            Self::TaskSubmitted { .. } => "TaskSubmitted",
            Self::TaskSucceeded { family, .. } => {
                return format!("{}Succeeded", family_prefix(*family));
            }
            Self::TaskFailed { family, .. } => return format!("{}Failed", family_prefix(*family)),
            Self::TaskTimedOut { family, .. } => {
                return format!("{}TimedOut", family_prefix(*family));
            }
            Self::ParallelStateStarted => "ParallelStateStarted",
            Self::ParallelStateSucceeded => "ParallelStateSucceeded",
            Self::ParallelStateFailed => "ParallelStateFailed",
            Self::MapStateStarted { .. } => "MapStateStarted",
            Self::MapStateSucceeded => "MapStateSucceeded",
            Self::MapStateFailed => "MapStateFailed",
            Self::MapIterationStarted { .. } => "MapIterationStarted",
            Self::MapIterationSucceeded { .. } => "MapIterationSucceeded",
            Self::MapIterationFailed { .. } => "MapIterationFailed",
            Self::MapIterationAborted { .. } => "MapIterationAborted",
            Self::MapRunStarted => "MapRunStarted",
            Self::MapRunSucceeded => "MapRunSucceeded",
            Self::MapRunFailed { .. } => "MapRunFailed",
            Self::MapRunRedriven { .. } => "MapRunRedriven",
            Self::EvaluationFailed { .. } => "EvaluationFailed",
            Self::Other { type_name, .. } => type_name,
        };
        fixed.to_owned()
    }

    /// The state this event is about, for state events.
    pub fn state_name(&self) -> Option<&str> {
        match self {
            Self::StateEntered { name, .. }
            | Self::StateExited { name, .. }
            | Self::StateAborted { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The `...EventDetails` member of the event as AWS writes it, if it has one.
    pub fn details(&self) -> Option<(String, Value)> {
        let text = |v: &Val| Value::String(v.to_json_string());
        let truncated = json!({"truncated": false});
        let error_cause = |error: &str, cause: &Option<Arc<str>>| {
            let mut m = Map::new();
            // A Fail state without Error has no error name at all (AWS leaves the field out).
            if !error.is_empty() {
                m.insert("error".into(), json!(error));
            }
            if let Some(c) = cause {
                m.insert("cause".into(), json!(c.as_ref()));
            }
            m
        };
        let res = |family: TaskFamily, r: &Resource| {
            let mut m = Map::new();
            if family != TaskFamily::Lambda {
                m.insert("resourceType".into(), json!(r.resource_type.as_ref()));
            }
            m.insert("resource".into(), json!(r.resource.as_ref()));
            m
        };
        let lower_first = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        let key = format!("{}EventDetails", lower_first(&self.type_name()));
        let value = match self {
            Self::ExecutionStarted { input, role_arn } => {
                json!({"input": text(input), "inputDetails": truncated, "roleArn": role_arn.as_ref()})
            }
            Self::ExecutionSucceeded { output } => {
                json!({"output": text(output), "outputDetails": truncated})
            }
            Self::ExecutionFailed { error, cause } | Self::ExecutionTimedOut { error, cause } => {
                Value::Object(error_cause(error, cause))
            }
            Self::ExecutionAborted { error, cause } => {
                let mut m = Map::new();
                if let Some(e) = error {
                    m.insert("error".into(), json!(e.as_ref()));
                }
                if let Some(c) = cause {
                    m.insert("cause".into(), json!(c.as_ref()));
                }
                Value::Object(m)
            }
            Self::StateEntered { name, input, .. } => {
                return Some((
                    "stateEnteredEventDetails".into(),
                    json!({"name": name.as_ref(), "input": text(input), "inputDetails": truncated}),
                ));
            }
            Self::StateExited {
                name,
                output,
                assigned,
                ..
            } => {
                let mut m = Map::new();
                m.insert("name".into(), json!(name.as_ref()));
                m.insert("output".into(), text(output));
                m.insert("outputDetails".into(), truncated);
                if let Some(Val::Object(vars)) = assigned {
                    let mut values = Map::new();
                    for (k, v) in vars.map() {
                        values.insert(k.to_string(), text(v));
                    }
                    m.insert("assignedVariables".into(), Value::Object(values));
                    m.insert(
                        "assignedVariablesDetails".into(),
                        json!({"truncated": false}),
                    );
                }
                return Some(("stateExitedEventDetails".into(), Value::Object(m)));
            }
            Self::StateAborted { .. } => return None,
            Self::TaskScheduled {
                family,
                resource,
                parameters,
                timeout,
                heartbeat,
            } => {
                // Lambda's and activities' scheduled events carry `input`, service tasks'
                // `parameters` (AWS's LambdaFunctionScheduled / ActivityScheduled shapes).
                if *family != TaskFamily::Service {
                    let mut m = Map::new();
                    m.insert("resource".into(), json!(resource.resource.as_ref()));
                    m.insert("input".into(), text(parameters));
                    m.insert("inputDetails".into(), truncated);
                    if let Some(t) = timeout {
                        m.insert("timeoutInSeconds".into(), json!(t));
                    }
                    if *family == TaskFamily::Activity
                        && let Some(h) = heartbeat
                    {
                        m.insert("heartbeatInSeconds".into(), json!(h));
                    }
                    Value::Object(m)
                } else {
                    let mut m = res(*family, resource);
                    m.insert("region".into(), json!("us-east-1"));
                    m.insert("parameters".into(), text(parameters));
                    if let Some(t) = timeout {
                        m.insert("timeoutInSeconds".into(), json!(t));
                    }
                    if let Some(h) = heartbeat {
                        m.insert("heartbeatInSeconds".into(), json!(h));
                    }
                    Value::Object(m)
                }
            }
            Self::TaskStarted { family, resource } => {
                // Lambda's has no details; an activity's names its worker, which a local run
                // does not have.
                if *family != TaskFamily::Service {
                    return None;
                }
                Value::Object(res(*family, resource))
            }
            Self::TaskSubmitted { resource, output } => {
                let mut m = res(TaskFamily::Service, resource);
                m.insert("output".into(), text(output));
                m.insert("outputDetails".into(), truncated);
                Value::Object(m)
            }
            Self::TaskSucceeded {
                family,
                resource,
                output,
            } => {
                let mut m = res(*family, resource);
                if *family != TaskFamily::Service {
                    m.clear();
                }
                m.insert("output".into(), text(output));
                m.insert("outputDetails".into(), truncated);
                Value::Object(m)
            }
            Self::TaskFailed {
                family,
                resource,
                error,
                cause,
            }
            | Self::TaskTimedOut {
                family,
                resource,
                error,
                cause,
            } => {
                let mut m = res(*family, resource);
                if *family != TaskFamily::Service {
                    m.clear();
                }
                m.extend(error_cause(error, cause));
                Value::Object(m)
            }
            Self::MapStateStarted { length } => json!({"length": length}),
            // AWS's MapRunRedrivenEventDetails also names the Map Run's ARN; our MapRunStarted
            // carries none either, so both leave it out.
            Self::ExecutionRedriven { redrive_count } | Self::MapRunRedriven { redrive_count } => {
                json!({"redriveCount": redrive_count})
            }
            Self::MapIterationStarted { name, index }
            | Self::MapIterationSucceeded { name, index }
            | Self::MapIterationFailed { name, index }
            | Self::MapIterationAborted { name, index } => {
                json!({"name": name.as_ref(), "index": index})
            }
            Self::MapRunFailed { error, cause } => Value::Object(error_cause(error, cause)),
            Self::EvaluationFailed {
                state,
                error,
                cause,
                location,
            } => {
                let mut m = error_cause(error, cause);
                if let Some(l) = location {
                    m.insert("location".into(), json!(l.as_ref()));
                }
                m.insert("state".into(), json!(state.as_ref()));
                Value::Object(m)
            }
            Self::Other { details, .. } => {
                return details.as_ref().map(|(k, v)| (k.to_string(), v.clone()));
            }
            Self::ParallelStateStarted
            | Self::ParallelStateSucceeded
            | Self::ParallelStateFailed
            | Self::MapStateSucceeded
            | Self::MapStateFailed
            | Self::MapRunStarted
            | Self::MapRunSucceeded => return None,
        };
        Some((key, value))
    }
}

/// Formats milliseconds since the epoch as an RFC 3339 UTC timestamp with milliseconds.
pub fn format_timestamp(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 timestamp as Step Functions accepts it into milliseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Option<Millis> {
    if !is_timestamp(s) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<i64>().ok());
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut millis = 0;
    if s.as_bytes().get(19) == Some(&b'.') {
        let digits: String = s[20..].chars().take_while(char::is_ascii_digit).collect();
        i = 20 + digits.len();
        let padded = format!("{digits:0<3}");
        millis = padded[..3].parse().unwrap_or(0);
    }
    let offset = match &s[i..] {
        "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            sign * (z[1..3].parse::<i64>().ok()? * 60 + z[4..6].parse::<i64>().ok()?) * 60
        }
    };
    let days = days_from_civil(y, u32::try_from(mo).ok()?, u32::try_from(d).ok()?);
    Some((days * 86_400 + h * 3600 + mi * 60 + se - offset) * 1000 + millis)
}

/// A history exported as AWS's GetExecutionHistory response: `{"events": [...]}`.
pub fn to_aws_json<'a>(events: impl IntoIterator<Item = &'a HistoryEvent>) -> Value {
    let events: Vec<Value> = events
        .into_iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("timestamp".into(), json!(format_timestamp(e.timestamp)));
            m.insert("type".into(), json!(e.kind.type_name()));
            m.insert("id".into(), json!(e.id));
            m.insert("previousEventId".into(), json!(e.previous_event_id));
            if let Some((k, v)) = e.kind.details() {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .collect();
    json!({ "events": events })
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
    let year: u32 = s[0..4].parse().unwrap_or(0);
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    let hour: u32 = s[11..13].parse().unwrap_or(99);
    let minute: u32 = s[14..16].parse().unwrap_or(99);
    let second: u32 = s[17..19].parse().unwrap_or(99);
    valid_zone
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61
}

/// The number of days in `month` (1 to 12) of `year` in the Gregorian calendar; 0 for any other
/// month.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for s in [
            "2026-03-14T01:59:00.000Z",
            "1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z",
        ] {
            assert_eq!(format_timestamp(parse_timestamp(s).unwrap()), s);
        }
        assert_eq!(
            parse_timestamp("2026-03-14T03:59:00+02:00"),
            parse_timestamp("2026-03-14T01:59:00Z")
        );
        assert_eq!(parse_timestamp("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
