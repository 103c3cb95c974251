//! Task: its payload goes to the resolver (scheduled, started, maybe submitted, then succeeded,
//! failed or timed out), or waits for a callback with its token.

use crate::history::{EventKind, TaskFamily};
use crate::interp::compile::{CState, Kind};
use crate::interp::error::StateError;
use crate::interp::frame::Step;
use crate::interp::{
    DEFAULT_TASK_TIMEOUT_SECONDS, Execution, FrameId, MAX_PAYLOAD_BYTES, TaskCalls, secs,
};
use crate::model::task::IntegrationPattern;
use crate::model::{AnyErrorName, ErrorName};
use crate::tasks::{TaskOutcome, TaskRequest};
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

impl Execution {
    /// Evaluate: a `.waitForTaskToken` task gets its token first (its payload may carry
    /// `$$.Task.Token`), then its payload is worked out and the task scheduled.
    pub(in crate::interp) fn task_enter(
        &mut self,
        fid: FrameId,
        state: &CState,
        effective: &Val,
    ) -> Result<(), StateError> {
        if matches!(
            state.kind,
            Kind::Task {
                pattern: IntegrationPattern::WaitForTaskToken,
                ..
            }
        ) {
            let token: Arc<str> = Arc::from(crate::expr::functions::uuid(&mut self.rng));
            self.frames[fid].token = Some(token);
        }
        let payload = self.arguments(fid, state, effective)?;
        let frame = &mut self.frames[fid];
        frame.effective = payload.unwrap_or_else(|| effective.clone());
        frame.step = Step::TaskSchedule;
        Ok(())
    }

    /// `TaskScheduled`, with the timeout and heartbeat read now.
    pub(in crate::interp) fn task_schedule(&mut self, fid: FrameId, state: &CState) {
        let Kind::Task {
            family,
            event_resource,
            timeout,
            heartbeat,
            ..
        } = &state.kind
        else {
            return;
        };
        let timeout = match self.optional_number(fid, state, timeout.as_ref(), "TimeoutSeconds") {
            Ok(t) => t,
            Err(e) => return self.fail_with(fid, e),
        };
        let heartbeat =
            match self.optional_number(fid, state, heartbeat.as_ref(), "HeartbeatSeconds") {
                Ok(h) => h,
                Err(e) => return self.fail_with(fid, e),
            };
        let frame = &mut self.frames[fid];
        frame.timeout_deadline = timeout.map(|t| self.clock + secs(t));
        frame.heartbeat = heartbeat;
        frame.heartbeat_deadline = heartbeat.map(|h| self.clock + secs(h));
        let kind = EventKind::TaskScheduled {
            family: *family,
            resource: event_resource.clone(),
            parameters: frame.effective.clone(),
            timeout,
            heartbeat,
        };
        self.emit(fid, kind);
        self.frames[fid].step = Step::TaskStart;
    }

    /// `TaskStarted`; the resolver answers now, in the background (see
    /// [`crate::interp::Config::task_calls`]), or later through a callback.
    pub(in crate::interp) fn task_start(&mut self, fid: FrameId, state: &CState) {
        let Kind::Task {
            family,
            event_resource,
            resource,
            ..
        } = &state.kind
        else {
            return;
        };
        let kind = EventKind::TaskStarted {
            family: *family,
            resource: event_resource.clone(),
        };
        self.emit(fid, kind);
        let frame = &self.frames[fid];
        let request = TaskRequest {
            state_name: &state.name,
            resource,
            input: &frame.effective,
            task_token: frame.token.as_deref(),
            attempt: frame.retry_count,
            clock: self.clock,
            timeout: frame.timeout_deadline.map(|d| d.saturating_sub(self.clock)),
            heartbeat: frame.heartbeat,
        };
        // Overlapping: in the background only when something else could run meanwhile (other
        // frames ready, or tasks already running): a task alone would be waited for at once.
        let background = match self.config.task_calls {
            TaskCalls::InPlace => false,
            TaskCalls::Overlapping => !self.ready.is_empty() || !self.running_tasks.is_empty(),
            TaskCalls::Background => true,
        };
        if background && let Some(ticket) = self.resolver.start(&request) {
            self.running_tasks.insert(ticket, fid);
            self.frames[fid].step = Step::TaskRunning(ticket);
            return;
        }
        let outcome = self.resolver.invoke(&request);
        self.task_answered(fid, state, outcome);
    }

    /// A Task's outcome from its backend: `TaskSubmitted` first for a service task that runs
    /// on, the wait for a callback, or the result.
    pub(in crate::interp) fn task_answered(
        &mut self,
        fid: FrameId,
        state: &CState,
        outcome: TaskOutcome,
    ) {
        let Kind::Task {
            family, pattern, ..
        } = &state.kind
        else {
            return;
        };
        self.frames[fid].step = match pattern {
            IntegrationPattern::WaitForTaskToken | IntegrationPattern::Sync
                if *family == TaskFamily::Service =>
            {
                Step::TaskSubmit(outcome)
            }
            _ if outcome == TaskOutcome::Pending => {
                self.await_callback(fid);
                return;
            }
            _ => Step::TaskResult(outcome),
        };
    }

    /// `TaskSubmitted` (a service task that runs on: `.sync`, `.waitForTaskToken`).
    pub(in crate::interp) fn task_submit(
        &mut self,
        fid: FrameId,
        state: &CState,
        outcome: TaskOutcome,
    ) {
        if let Kind::Task { event_resource, .. } = &state.kind {
            let kind = EventKind::TaskSubmitted {
                resource: event_resource.clone(),
                output: Val::object(ObjectMap::default()),
            };
            self.emit(fid, kind);
        }
        if outcome == TaskOutcome::Pending {
            self.await_callback(fid);
        } else {
            self.frames[fid].step = Step::TaskResult(outcome);
        }
    }

    /// Waits for the task's callback, with a token (a new one unless the task has one).
    fn await_callback(&mut self, fid: FrameId) {
        let token = match self.frames[fid].token.clone() {
            Some(t) => t,
            None => {
                let t: Arc<str> = Arc::from(crate::expr::functions::uuid(&mut self.rng));
                self.frames[fid].token = Some(t.clone());
                t
            }
        };
        self.tokens.insert(token, fid);
        let frame = &mut self.frames[fid];
        frame.step = Step::TaskAwait;
        if frame.timeout_deadline.is_none() {
            frame.timeout_deadline = Some(self.clock + secs(DEFAULT_TASK_TIMEOUT_SECONDS));
        }
        self.arm_task_timer(fid);
    }

    /// Sets the waiting task's timer to its next deadline (heartbeat or timeout).
    pub(in crate::interp) fn arm_task_timer(&mut self, fid: FrameId) {
        let frame = &self.frames[fid];
        let at = match (frame.timeout_deadline, frame.heartbeat_deadline) {
            (Some(t), Some(h)) => t.min(h),
            (Some(t), None) => t,
            (None, Some(h)) => h,
            (None, None) => return,
        };
        self.set_timer(fid, at, true);
    }

    /// A timer fired while the task waited: which deadline ran out.
    pub(in crate::interp) fn task_awaited_too_long(&mut self, fid: FrameId) {
        let frame = &self.frames[fid];
        let heartbeat = frame.heartbeat_deadline.is_some_and(|d| d <= self.clock)
            && frame.timeout_deadline.is_none_or(|t| t > self.clock);
        if let Some(token) = frame.token.clone() {
            self.tokens.remove(&token);
        }
        self.frames[fid].step = Step::TaskTimeout { heartbeat };
    }

    /// `TaskTimedOut`, then `States.HeartbeatTimeout` or `States.Timeout`.
    pub(in crate::interp) fn task_timed_out(
        &mut self,
        fid: FrameId,
        state: &CState,
        heartbeat: bool,
    ) {
        let error = if heartbeat {
            ErrorName::HeartbeatTimeout
        } else {
            ErrorName::Timeout
        };
        if let Kind::Task {
            family,
            event_resource,
            ..
        } = &state.kind
        {
            let kind = EventKind::TaskTimedOut {
                family: *family,
                resource: event_resource.clone(),
                error: error.as_str().into(),
                cause: None,
            };
            self.emit(fid, kind);
        }
        self.fail_with(fid, StateError::from_task(error.into(), None));
    }

    /// The task's outcome: `TaskSucceeded` and on to output processing, or `TaskFailed` and
    /// the error.
    pub(in crate::interp) fn task_result(
        &mut self,
        fid: FrameId,
        state: &CState,
        outcome: TaskOutcome,
    ) {
        let Kind::Task {
            family,
            event_resource,
            ..
        } = &state.kind
        else {
            return;
        };
        match outcome {
            TaskOutcome::Pending => self.await_callback(fid),
            TaskOutcome::Failure { error, cause } => {
                let kind = EventKind::TaskFailed {
                    family: *family,
                    resource: event_resource.clone(),
                    error: Arc::from(error.as_str()),
                    cause: Some(Arc::from(cause.as_str())),
                };
                self.emit(fid, kind);
                let mut failure = StateError::from_task(AnyErrorName::parse(&error), Some(cause));
                // A backend that cannot run the task at all says `States.Runtime`: as AWS's
                // runtime errors, it is neither retried nor caught.
                failure.catchable = !failure.error.is(ErrorName::Runtime);
                self.fail_with(fid, failure);
            }
            TaskOutcome::Success(result) if result.json_size() > MAX_PAYLOAD_BYTES => {
                let cause = format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    event_resource.resource_type
                );
                let kind = EventKind::TaskFailed {
                    family: *family,
                    resource: event_resource.clone(),
                    error: ErrorName::DataLimitExceeded.as_str().into(),
                    cause: Some(Arc::from(cause.as_str())),
                };
                self.emit(fid, kind);
                self.fail_with(
                    fid,
                    StateError::new(ErrorName::DataLimitExceeded, Some(cause)),
                );
            }
            TaskOutcome::Success(result) => {
                let kind = EventKind::TaskSucceeded {
                    family: *family,
                    resource: event_resource.clone(),
                    output: result.clone(),
                };
                self.emit(fid, kind);
                self.finish_with(fid, state, Some(result));
            }
        }
    }
}
