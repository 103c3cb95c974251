//! The one life cycle every state runs, whatever its type and query language:
//!
//! 1. **entered**: `StateEntered`, the entry time and retry counters reset;
//! 2. **input processing**: the effective input ([`Execution::process_input`]);
//! 3. **evaluate**: the state type's own work (`state/*.rs`), which either finishes at once
//!    or starts something that finishes later (a task, a timer, branches, iterations);
//! 4. **output processing and assign**: once the work has its result
//!    ([`Execution::process_output`]);
//! 5. **exited**: payload and variable limits, the variables set, `StateExited`;
//! 6. **transition**: to the next state, or the end of the scope.
//!
//! An error anywhere goes to [`Execution::recovery`], which decides once: retry, catch or fail.

use super::compile::{CState, Kind, Next, Processing, Program};
use super::error::{Recovery, StateError};
use super::frame::{Role, Step};
use super::inspect::InspectedError;
use super::{
    Execution, FrameId, MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH, MAX_STANDARD_EVENTS, Status, results,
};
use crate::history::EventKind;
use crate::model::{AnyErrorName, ErrorName};
use crate::tasks::TaskOutcome;
use crate::value::Val;
use std::sync::Arc;

impl Execution {
    /// Performs one action of a frame (at most a few events, usually one). `program` is the
    /// execution's own (`self.program`), handed in by the caller so that the states can be
    /// borrowed while `self` changes without touching its reference count on every action.
    pub(super) fn advance(&mut self, program: &Program, fid: FrameId) {
        let step = std::mem::replace(&mut self.frames[fid].step, Step::Done);
        let frame = &self.frames[fid];
        let state = &program.scopes[frame.scope].states[frame.state];
        match step {
            Step::Enter => self.enter(fid, state),
            Step::Exit {
                output,
                next,
                assigned,
            } => self.exit(fid, state, output, next, assigned),
            Step::Error(error) => self.handle_error(fid, state, error),
            Step::TaskSchedule => self.task_schedule(fid, state),
            Step::TaskStart => self.task_start(fid, state),
            Step::TaskSubmit(outcome) => self.task_submit(fid, state, outcome),
            Step::TaskAwait => self.task_awaited_too_long(fid),
            Step::TaskRunning(ticket) => self.frames[fid].step = Step::TaskRunning(ticket),
            Step::TaskResult(outcome) => self.task_result(fid, state, outcome),
            Step::TaskTimeout { heartbeat } => self.task_timed_out(fid, state, heartbeat),
            Step::WaitExit => self.finish_with(fid, state, None),
            Step::ParallelStart => self.parallel_start(fid, state),
            Step::MapStart => self.map_start(fid, state),
            Step::Fanning => self.map_fan(fid, state),
            Step::Children => {
                self.frames[fid].step = Step::Children;
                self.children_done(fid, state);
            }
            Step::Sleeping(next) => {
                self.frames[fid].step = *next;
                self.advance(program, fid);
            }
            Step::Done => {}
        }
    }

    /// Steps 1 to 3: entered, input processing, evaluate.
    fn enter(&mut self, fid: FrameId, state: &CState) {
        self.transitions += 1;
        if let Some(max) = self.config.max_transitions
            && self.transitions > max
        {
            let cause = format!(
                "The execution entered {max} states without ending, the most a local run allows (on AWS, an Express execution would run on until its 5 minutes are up; a Standard one stops at {MAX_STANDARD_EVENTS} history events). If it should go on, raise the limit (stepcraft run --max-transitions N); if not, look for a loop of Pass and Choice states that never reaches an end."
            );
            self.finish_failed(ErrorName::Runtime.as_str().into(), Some(cause.into()));
            return;
        }
        self.emit_with(fid, |ex| EventKind::StateEntered {
            state_type: state.ty,
            name: state.name.clone(),
            input: ex.frames[fid].input.clone(),
        });
        let frame = &mut self.frames[fid];
        frame.entered_event = frame.prev_event;
        frame.entered_at = self.clock;
        // Children of an earlier state (a Parallel or Map that was caught) are gone: a
        // frame's `kids` always belong to the state it is at, which a redrive relies on.
        frame.kids = None;
        frame.retry_count = 0;
        frame.retry_attempts.clear();
        frame.retry_attempts.resize(state.retry.len(), 0);
        if fid == 0
            && let Some(n) = self.retry_preset.take()
        {
            frame.retry_count = n;
            frame.retry_attempts.fill(n);
        }
        if self.config.inspect {
            let input = self.frames[fid].input.clone();
            self.inspect(fid, |i| i.input = Some(input));
        }
        match self.process_input(fid, state) {
            Ok(effective) => {
                if self.config.inspect && matches!(state.io, Processing::JsonPath(_)) {
                    let v = effective.clone();
                    self.inspect(fid, |i| i.after_input_path = Some(v));
                }
                self.frames[fid].effective = effective.clone();
                self.evaluate(fid, state, effective);
            }
            Err(e) => self.fail_with(fid, e),
        }
    }

    /// Step 3: the state type's own work on its effective input.
    fn evaluate(&mut self, fid: FrameId, state: &CState, effective: Val) {
        let outcome = match &state.kind {
            Kind::Pass { result } => self.pass(fid, state, result.as_ref(), &effective),
            Kind::Succeed => {
                self.finish_to(fid, state, None, None, Some(Next::End));
                Ok(())
            }
            Kind::Fail { error, cause } => self.fail_state(fid, state, error, cause, &effective),
            Kind::Choice { branches, default } => {
                self.choose(fid, state, branches, *default, &effective)
            }
            Kind::Wait(wait) => self.wait(fid, state, wait, &effective),
            Kind::Task { .. } => self.task_enter(fid, state, &effective),
            Kind::Parallel { .. } | Kind::Map(_) if fid == 0 && self.first_state_mock.is_some() => {
                self.mocked_work(fid, state, &effective)
            }
            Kind::Parallel { .. } => self.arguments(fid, state, &effective).map(|args| {
                let frame = &mut self.frames[fid];
                frame.effective = args.unwrap_or(effective);
                frame.step = Step::ParallelStart;
            }),
            Kind::Map(_) => {
                self.frames[fid].step = Step::MapStart;
                Ok(())
            }
        };
        if let Err(e) = outcome {
            self.fail_with(fid, e);
        }
    }

    /// TestState's mock of a Parallel's or Map's whole work: its result (or error) as if its
    /// branches or iterations had run.
    fn mocked_work(
        &mut self,
        fid: FrameId,
        state: &CState,
        effective: &Val,
    ) -> Result<(), StateError> {
        if matches!(state.kind, Kind::Parallel { .. }) {
            self.arguments(fid, state, effective)?;
        }
        match self.first_state_mock.take() {
            Some(TaskOutcome::Success(result)) => self.finish_with(fid, state, Some(result)),
            Some(TaskOutcome::Failure { error, cause }) => self.fail_with(
                fid,
                StateError::from_task(AnyErrorName::parse(&error), Some(cause)),
            ),
            Some(TaskOutcome::Pending) | None => self.finish_with(fid, state, None),
        }
        Ok(())
    }

    /// Step 4 for a state whose work gave `result` (`None`: it passes its input on).
    pub(super) fn finish_with(&mut self, fid: FrameId, state: &CState, result: Option<Val>) {
        self.finish_to(fid, state, result, None, None);
    }

    /// Step 4, then on to exit with `next` (a Choice's or Catch's target; `None`: the state's
    /// own `Next`/`End`). `rule` is the Choice rule taken.
    pub(super) fn finish_to(
        &mut self,
        fid: FrameId,
        state: &CState,
        result: Option<Val>,
        rule: Option<usize>,
        next: Option<Next>,
    ) {
        match self.process_output(fid, state, result, rule) {
            Ok((output, assigned)) => self.exit_with(fid, output, next, assigned),
            Err(e) => self.fail_with(fid, e),
        }
    }

    pub(super) fn exit_with(
        &mut self,
        fid: FrameId,
        output: Val,
        next: Option<Next>,
        assigned: Option<Val>,
    ) {
        self.frames[fid].step = Step::Exit {
            output,
            next,
            assigned,
        };
    }

    pub(super) fn fail_with(&mut self, fid: FrameId, error: StateError) {
        self.frames[fid].step = Step::Error(error);
    }

    /// Steps 5 and 6: limits, variables, `StateExited`, the transition.
    fn exit(
        &mut self,
        fid: FrameId,
        state: &CState,
        output: Val,
        next: Option<Next>,
        assigned: Option<Val>,
    ) {
        if let Some(cause) = output_over_limits(&output, state) {
            self.fail_with(
                fid,
                StateError::terminal(ErrorName::DataLimitExceeded, cause),
            );
            return;
        }
        if self.config.inspect {
            let (out, vars) = (output.clone(), assigned.clone());
            self.inspect(fid, |i| {
                i.output = Some(out);
                i.assigned = vars;
            });
        }
        if let Some(Val::Object(vars)) = &assigned {
            // AWS limits one variable, and all of one state's assignments, to 256 KiB. It does
            // not name the error for this; we raise States.DataLimitExceeded, as for every other
            // payload over the limit.
            let too_big = vars
                .map()
                .iter()
                .find(|(_, v)| v.json_size() > MAX_PAYLOAD_BYTES)
                .map(|(k, _)| k.clone());
            let total: usize = vars.map().values().map(Val::json_size).sum();
            if too_big.is_some() || total > MAX_PAYLOAD_BYTES {
                let what = match &too_big {
                    Some(k) => format!(
                        "The variable '{k}' assigned by the state '{}' is larger than 256 KiB.",
                        state.name
                    ),
                    None => format!(
                        "The variables assigned by the state '{}' are larger than 256 KiB together.",
                        state.name
                    ),
                };
                self.fail_with(
                    fid,
                    StateError::terminal(ErrorName::DataLimitExceeded, what),
                );
                return;
            }
            let scope = Arc::make_mut(&mut self.frames[fid].vars);
            for (k, v) in vars.map() {
                scope.set(k.clone(), v.clone());
            }
        }
        self.emit_with(fid, |_| EventKind::StateExited {
            state_type: state.ty,
            name: state.name.clone(),
            output: output.clone(),
            assigned,
        });
        match next.or(state.next) {
            Some(Next::To(target)) => {
                let frame = &mut self.frames[fid];
                frame.state = target;
                frame.input = output;
                frame.step = Step::Enter;
                frame.token = None;
            }
            Some(Next::End) | None => self.complete(fid, Ok(output)),
        }
    }

    /// An error of the frame's state: the failure event a Parallel or Map owes (unless it is
    /// retried), then what [`Execution::recovery`] decided.
    fn handle_error(&mut self, fid: FrameId, state: &CState, error: StateError) {
        let failed_event = self.frames[fid].failed_event.take();
        let recovery = self.recovery(fid, state, &error);
        if self.config.inspect {
            let clock = self.clock;
            let seen = InspectedError {
                error: error.name(),
                cause: error.cause.clone(),
                retry_index: match recovery {
                    Recovery::Retry { rule, .. } => Some(rule),
                    _ => None,
                },
                retry_backoff_seconds: match recovery {
                    Recovery::Retry { at, .. } => Some((at - clock) as f64 / 1000.0),
                    _ => None,
                },
                catch_index: match recovery {
                    Recovery::Catch(index) => Some(index),
                    _ => None,
                },
            };
            self.inspect(fid, |i| i.error = Some(seen));
        }
        if !matches!(recovery, Recovery::Retry { .. })
            && let Some(event) = failed_event
        {
            self.emit(fid, *event);
        }
        match recovery {
            Recovery::Retry { rule, at } => {
                let frame = &mut self.frames[fid];
                if let Some(a) = frame.retry_attempts.get_mut(rule) {
                    *a += 1;
                }
                frame.retry_count += 1;
                frame.kids = None;
                // The state's work starts again once the delay is over; the timer wakes it.
                let again = match state.kind {
                    Kind::Parallel { .. } => Step::ParallelStart,
                    Kind::Map(_) => Step::MapStart,
                    _ => Step::TaskSchedule,
                };
                frame.step = Step::Sleeping(Box::new(again));
                self.set_timer(fid, at, false);
            }
            Recovery::Catch(index) => {
                let next = state.catch[index].next;
                match self.process_catch(fid, state, index, error.output()) {
                    Ok((output, assigned)) => {
                        self.exit_with(fid, output, Some(Next::To(next)), assigned);
                    }
                    Err(e) => self.complete(fid, Err(e)),
                }
            }
            Recovery::Fail => self.complete(fid, Err(error)),
        }
    }

    /// A frame reached the end of its scope (or failed out of it): the execution ends, or the
    /// parent Parallel/Map learns its child's result.
    pub(super) fn complete(&mut self, fid: FrameId, result: Result<Val, StateError>) {
        let frame = &mut self.frames[fid];
        frame.step = Step::Done;
        frame.alive = false;
        if let Some(token) = frame.token.take() {
            self.tokens.remove(&token);
        }
        let role = frame.role.clone();
        let parent = frame.parent;
        match role {
            Role::Top => {
                // The top frame's own events end here; mark it alive again only to emit.
                self.frames[fid].alive = true;
                match result {
                    Ok(output) if output.json_size() > MAX_PAYLOAD_BYTES => self.finish_failed(
                        ErrorName::DataLimitExceeded.as_str().into(),
                        Some(Arc::from(
                            "The execution output exceeds the maximum number of bytes service limit.",
                        )),
                    ),
                    Ok(output) => self.finish(
                        Status::Succeeded(output.clone()),
                        EventKind::ExecutionSucceeded { output },
                    ),
                    Err(e) => self.finish_failed(e.name(), e.cause),
                }
                return;
            }
            Role::Iteration {
                map,
                index,
                distributed,
            } if !distributed => {
                self.frames[fid].alive = true;
                let kind = if result.is_ok() {
                    EventKind::MapIterationSucceeded { name: map, index }
                } else {
                    EventKind::MapIterationFailed { name: map, index }
                };
                self.emit(fid, kind);
                self.frames[fid].alive = false;
            }
            _ => {}
        }
        let Some((pid, slot)) = parent else { return };
        let prev = self.frames[fid].prev_event;
        let clock = self.clock;
        let parent_frame = &mut self.frames[pid];
        parent_frame.prev_event = parent_frame.prev_event.max(prev);
        if let Some(kids) = parent_frame.kids.as_mut() {
            kids.done += 1;
            kids.running = kids.running.saturating_sub(1);
            if let Some(child) = kids.record.as_mut().and_then(|r| r.children.get_mut(slot)) {
                child.stopped = clock;
                child.end = match &result {
                    Ok(v) => results::ChildEnd::Succeeded(v.clone()),
                    Err(e) => results::ChildEnd::Failed {
                        error: e.name(),
                        cause: e.cause.clone(),
                    },
                };
            }
            let weight = kids
                .weights
                .as_ref()
                .and_then(|w| w.get(slot).copied())
                .unwrap_or(1);
            if let Some(ok) = kids.ok.get_mut(slot) {
                *ok = result.is_ok();
            }
            match result {
                Ok(v) => kids.results[slot] = Some(v),
                Err(e) => {
                    kids.failures += weight;
                    kids.results[slot] = Some(e.output());
                    if kids.failure.is_none() {
                        kids.failure = Some(e);
                    }
                }
            }
        }
        if matches!(parent_frame.step, Step::Children) {
            self.ready.push_back(pid);
        }
    }
}

/// Why a state's output is more than AWS (or a JSON reader) takes: over 256 KiB, or nested
/// deeper than [`MAX_PAYLOAD_DEPTH`].
fn output_over_limits(output: &Val, state: &CState) -> Option<String> {
    if output.json_size() > MAX_PAYLOAD_BYTES {
        return Some(format!(
            "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
            state.name
        ));
    }
    (output.depth() > MAX_PAYLOAD_DEPTH).then(|| {
        format!(
            "The state '{}' returned a result nested more than {MAX_PAYLOAD_DEPTH} levels deep, more than JSON readers take: flatten it (a loop that wraps its input in a new object each turn nests it once more per turn).",
            state.name
        )
    })
}
