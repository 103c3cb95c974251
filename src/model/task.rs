//! The Task state: a unit of work done by a resource (Lambda, an AWS service, an activity, HTTP).

use super::read::{MaybeExpr, Reader};
use serde_json::Value;

/// A Task state's own fields.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Task {
    /// The resource ARN (`arn:aws:states:::lambda:invoke`, a Lambda ARN, an activity ARN...).
    pub resource: Option<String>,
    /// Seconds before the task times out (default 99999999), or a JSONata expression.
    pub timeout_seconds: Option<MaybeExpr<u64>>,
    /// Reference path to the timeout in the input.
    pub timeout_seconds_path: Option<String>,
    /// Seconds between heartbeats before the task times out, or a JSONata expression.
    pub heartbeat_seconds: Option<MaybeExpr<u64>>,
    /// Reference path to the heartbeat interval in the input.
    pub heartbeat_seconds_path: Option<String>,
    /// The role to assume (`RoleArn` or `RoleArn.$`).
    pub credentials: Option<Value>,
}

/// The integration pattern a resource ARN asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegrationPattern {
    /// Call the service and continue with its response.
    RequestResponse,
    /// `.sync`: wait for the job to complete.
    Sync,
    /// `.waitForTaskToken`: wait for a callback with the task token.
    WaitForTaskToken,
}

impl Task {
    /// The integration pattern the resource ARN names.
    pub fn integration_pattern(&self) -> IntegrationPattern {
        let resource = self.resource.as_deref().unwrap_or_default();
        if resource.ends_with(".waitForTaskToken") {
            IntegrationPattern::WaitForTaskToken
        } else if resource.ends_with(".sync") || resource.contains(".sync:") {
            IntegrationPattern::Sync
        } else {
            IntegrationPattern::RequestResponse
        }
    }

    /// Whether the resource is an activity (`arn:...:states:...:activity:name`).
    pub fn is_activity(&self) -> bool {
        self.resource
            .as_deref()
            .is_some_and(|r| r.starts_with("arn:") && r.split(':').nth(5) == Some("activity"))
    }
}

pub(crate) fn read(r: &mut Reader<'_>) -> Task {
    Task {
        resource: r.string("Resource"),
        timeout_seconds: r.uint_or_expr("TimeoutSeconds"),
        timeout_seconds_path: r.string("TimeoutSecondsPath"),
        heartbeat_seconds: r.uint_or_expr("HeartbeatSeconds"),
        heartbeat_seconds_path: r.string("HeartbeatSecondsPath"),
        credentials: r.value("Credentials"),
    }
}
