//! Reading an execution history exported from AWS (`aws stepfunctions get-execution-history`,
//! `{"events": [...]}`) back into [`HistoryEvent`]s, so it can be replayed on the graph like a
//! local run ([`crate::trace`]).
//!
//! Event types the interpreter writes are read into their own kinds; any other type AWS records
//! (`LambdaFunctionStartFailed`, `TaskStartFailed`...) is kept as [`EventKind::Other`] with its
//! details. Errors name the event by its JSON pointer.

use crate::history::{EventKind, HistoryEvent, Resource, TaskFamily, parse_timestamp};
use crate::model::StateType;
use crate::value::Val;
use serde_json::Value;
use std::sync::Arc;

/// The state types a `...StateEntered` event can name.
/// Reads a GetExecutionHistory response (or a bare array of its events).
pub fn read_history(value: &Value) -> Result<Vec<HistoryEvent>, String> {
    let (events, base) = match value {
        Value::Object(m) => (
            m.get("events").and_then(Value::as_array).ok_or(
                "/: a history is an object with an \"events\" list (GetExecutionHistory's output)",
            )?,
            "/events",
        ),
        Value::Array(items) => (items, ""),
        _ => return Err("/: a history is {\"events\": [...]}".to_owned()),
    };
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let at = format!("{base}/{i}");
        out.push(read_event(e).map_err(|m| format!("{at}: {m}"))?);
    }
    // AWS lists newest first when asked to (`--reverse-order`): replay in order.
    out.sort_by_key(|e| e.id);
    Ok(out)
}

/// Reads one event.
fn read_event(e: &Value) -> Result<HistoryEvent, String> {
    let obj = e.as_object().ok_or("an event is an object")?;
    let type_name = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or("the event has no \"type\"")?;
    let id = obj
        .get("id")
        .and_then(Value::as_u64)
        .ok_or("the event has no numeric \"id\"")?;
    let previous_event_id = obj
        .get("previousEventId")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let timestamp = match obj.get("timestamp") {
        Some(Value::String(s)) => {
            parse_timestamp(s).ok_or_else(|| format!("\"timestamp\" {s:?} is not a time"))?
        }
        // The CLI prints epoch seconds with a fraction when asked for numbers.
        Some(Value::Number(n)) => n.as_f64().map_or(0, |s| (s * 1000.0).round() as i64),
        _ => 0,
    };
    let details = obj
        .iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .map(|(k, v)| (k.as_str(), v));
    let d = |key: &str| details.and_then(|(_, v)| v.get(key));
    let text = |key: &str| d(key).and_then(Value::as_str).map(Arc::<str>::from);
    let json = |key: &str| -> Val {
        match d(key) {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s)
                .map_or_else(|_| Val::from(Value::String(s.clone())), |v| Val::from(&v)),
            Some(other) => Val::from(other),
            None => Val::from(Value::Null),
        }
    };
    let error = || text("error").unwrap_or_else(|| Arc::from(""));
    let resource = || Resource {
        resource_type: text("resourceType").unwrap_or_else(|| Arc::from("lambda")),
        resource: text("resource").unwrap_or_else(|| Arc::from("")),
    };
    let index = || d("index").and_then(Value::as_u64).unwrap_or(0) as usize;
    let redrive_count = || {
        d("redriveCount")
            .and_then(Value::as_u64)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    let name = || text("name").unwrap_or_else(|| Arc::from(""));

    let kind = if let Some(ty) = type_name.strip_suffix("StateEntered")
        && let Some(state_type) = StateType::from_name(ty)
    {
        EventKind::StateEntered {
            state_type,
            name: name(),
            input: json("input"),
        }
    } else if let Some(ty) = type_name.strip_suffix("StateExited")
        && let Some(state_type) = StateType::from_name(ty)
    {
        let assigned = d("assignedVariables")
            .and_then(Value::as_object)
            .map(|vars| {
                let values: serde_json::Map<String, Value> = vars
                    .iter()
                    .map(|(k, v)| {
                        let v = v
                            .as_str()
                            .and_then(|s| serde_json::from_str(s).ok())
                            .unwrap_or_else(|| v.clone());
                        (k.clone(), v)
                    })
                    .collect();
                Val::from(Value::Object(values))
            });
        EventKind::StateExited {
            state_type,
            name: name(),
            output: json("output"),
            assigned,
        }
    } else if let Some(ty) = type_name.strip_suffix("StateAborted")
        && let Some(state_type) = StateType::from_name(ty)
    {
        EventKind::StateAborted {
            state_type,
            name: name(),
        }
    } else if let Some((family, what)) = task_event(type_name) {
        let timeout = d("timeoutInSeconds").and_then(Value::as_u64);
        let heartbeat = d("heartbeatInSeconds").and_then(Value::as_u64);
        match what {
            "Scheduled" => EventKind::TaskScheduled {
                family,
                resource: resource(),
                parameters: if family == TaskFamily::Service {
                    json("parameters")
                } else {
                    json("input")
                },
                timeout,
                heartbeat,
            },
            "Started" => EventKind::TaskStarted {
                family,
                resource: resource(),
            },
            "Submitted" => EventKind::TaskSubmitted {
                resource: resource(),
                output: json("output"),
            },
            "Succeeded" => EventKind::TaskSucceeded {
                family,
                resource: resource(),
                output: json("output"),
            },
            "Failed" => EventKind::TaskFailed {
                family,
                resource: resource(),
                error: error(),
                cause: text("cause"),
            },
            _ => EventKind::TaskTimedOut {
                family,
                resource: resource(),
                error: error(),
                cause: text("cause"),
            },
        }
    } else {
        match type_name {
            "ExecutionStarted" => EventKind::ExecutionStarted {
                input: json("input"),
                role_arn: text("roleArn").unwrap_or_else(|| Arc::from("")),
            },
            "ExecutionSucceeded" => EventKind::ExecutionSucceeded {
                output: json("output"),
            },
            "ExecutionFailed" => EventKind::ExecutionFailed {
                error: error(),
                cause: text("cause"),
            },
            "ExecutionTimedOut" => EventKind::ExecutionTimedOut {
                error: error(),
                cause: text("cause"),
            },
            "ExecutionAborted" => EventKind::ExecutionAborted {
                error: text("error"),
                cause: text("cause"),
            },
            "ExecutionRedriven" => EventKind::ExecutionRedriven {
                redrive_count: redrive_count(),
            },
            "MapRunRedriven" => EventKind::MapRunRedriven {
                redrive_count: redrive_count(),
            },
            "ParallelStateStarted" => EventKind::ParallelStateStarted,
            "ParallelStateSucceeded" => EventKind::ParallelStateSucceeded,
            "ParallelStateFailed" => EventKind::ParallelStateFailed,
            "MapStateStarted" => EventKind::MapStateStarted {
                length: d("length").and_then(Value::as_u64).unwrap_or(0) as usize,
            },
            "MapStateSucceeded" => EventKind::MapStateSucceeded,
            "MapStateFailed" => EventKind::MapStateFailed,
            "MapIterationStarted" => EventKind::MapIterationStarted {
                name: name(),
                index: index(),
            },
            "MapIterationSucceeded" => EventKind::MapIterationSucceeded {
                name: name(),
                index: index(),
            },
            "MapIterationFailed" => EventKind::MapIterationFailed {
                name: name(),
                index: index(),
            },
            "MapIterationAborted" => EventKind::MapIterationAborted {
                name: name(),
                index: index(),
            },
            "MapRunStarted" => EventKind::MapRunStarted,
            "MapRunSucceeded" => EventKind::MapRunSucceeded,
            "MapRunFailed" => EventKind::MapRunFailed {
                error: error(),
                cause: text("cause"),
            },
            "EvaluationFailed" => EventKind::EvaluationFailed {
                state: text("state").unwrap_or_else(|| Arc::from("")),
                error: error(),
                cause: text("cause"),
                location: text("location"),
            },
            other => EventKind::Other {
                type_name: Arc::from(other),
                details: details.map(|(k, v)| (Arc::from(k), v.clone())),
            },
        }
    };
    Ok(HistoryEvent {
        id,
        previous_event_id,
        timestamp,
        kind,
    })
}

/// `LambdaFunctionScheduled` → (Lambda, "Scheduled"); `TaskSubmitted` → (Service, "Submitted").
fn task_event(type_name: &str) -> Option<(TaskFamily, &str)> {
    let (family, rest) = if let Some(r) = type_name.strip_prefix("LambdaFunction") {
        (TaskFamily::Lambda, r)
    } else if let Some(r) = type_name.strip_prefix("Activity") {
        (TaskFamily::Activity, r)
    } else if let Some(r) = type_name.strip_prefix("Task") {
        (TaskFamily::Service, r)
    } else {
        return None;
    };
    let known = match family {
        TaskFamily::Service => [
            "Scheduled",
            "Started",
            "Submitted",
            "Succeeded",
            "Failed",
            "TimedOut",
        ]
        .contains(&rest),
        _ => ["Scheduled", "Started", "Succeeded", "Failed", "TimedOut"].contains(&rest),
    };
    known.then_some((family, rest))
}
