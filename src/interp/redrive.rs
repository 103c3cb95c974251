//! Redrive (AWS's RedriveExecution): a failed, aborted or timed-out Standard execution goes on
//! from the states that did not succeed, in the same history.
//!
//! What AWS documents, and how it is done here:
//! - The history goes on: `ExecutionRedriven` (`redriveCount`, 1 for the first redrive) follows
//!   the closing event, with the next event id, and the events of the states run again follow
//!   it. `$$.Execution.RedriveCount` becomes the count and `$$.Execution.RedriveTime` the time
//!   of the redrive.
//! - The state that did not succeed is entered again with the input it had (its
//!   `...StateEntered` is written again; the states before it are not run again). Its retry
//!   counters start from zero: AWS resets a redriven state's retry attempts so that it gets
//!   all of them again.
//! - A Parallel or inline Map that did not succeed keeps the results of its branches and
//!   iterations that succeeded and runs only the failed and aborted ones again, each from its
//!   own state that did not succeed (nested Parallels and Maps likewise). A distributed Map
//!   writes `MapRunRedriven` in place of `MapRunStarted` and runs its failed and aborted child
//!   executions again, keeping the same Map Run (its ResultWriter record).
//! - The state machine's `TimeoutSeconds` starts again from the redrive.
//! - Limits count the whole history: 25,000 events over every attempt (AWS refuses a redrive
//!   once the history holds 24,999, leaving no room for `ExecutionRedriven`), and our local
//!   limit on states entered counts on too. At most 1,000 redrives.
//! - Refused (AWS: `ExecutionNotRedrivable`): a succeeded execution, one still running (or
//!   paused, or waiting for a callback), an Express one.
//! - Not modelled: AWS's 14-day window (a local run has no calendar to be late on) and the
//!   state machine's version or alias (a local run has one definition).
//!
//! Task answers come from the same resolver: a mock configuration's later responses answer
//! the states run again, as AWS's later invocations would.

use super::frame::{Kids, Step};
use super::{EXECUTION_TIMER, Execution, FrameId, STANDARD_MAX_MILLIS, Status};
use crate::history::{EventKind, format_timestamp};
use crate::interp::compile::Kind;
use crate::validate::WorkflowType;
use crate::value::Val;

/// The most times one execution may be redriven (AWS's quota).
pub const MAX_REDRIVES: u32 = 1_000;
/// A history holding this many events can no longer be redriven (AWS: fewer than 24,999, so
/// that `ExecutionRedriven` fits under the 25,000-event limit).
pub const MAX_EVENTS_TO_REDRIVE: u64 = 24_999;

/// Why an execution cannot be redriven. AWS answers each with `ExecutionNotRedrivable`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedriveRefusal {
    /// It succeeded.
    #[error(
        "the execution succeeded; only a failed, aborted or timed-out execution can be redriven"
    )]
    Succeeded,
    /// It has not ended (running, paused at a breakpoint, waiting for a callback).
    #[error("the execution has not ended; stop it first, or let it fail")]
    NotEnded,
    /// Express workflows cannot be redriven.
    #[error("Express executions cannot be redriven; only Standard ones can")]
    Express,
    /// Its history is too long to take `ExecutionRedriven`.
    #[error(
        "the execution's history holds {0} events; an execution with {MAX_EVENTS_TO_REDRIVE} or more cannot be redriven"
    )]
    HistoryTooLong(u64),
    /// It was redriven as often as AWS allows.
    #[error("the execution was redriven {MAX_REDRIVES} times, the most AWS allows")]
    TooManyRedrives,
}

impl RedriveRefusal {
    /// AWS's error name for the refusal.
    pub fn aws_error(&self) -> &'static str {
        "ExecutionNotRedrivable"
    }
}

impl Execution {
    /// How many times the execution was redriven (`$$.Execution.RedriveCount`).
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// Whether [`redrive`](Self::redrive) would go ahead, and why not.
    pub fn can_redrive(&self) -> Result<(), RedriveRefusal> {
        if self.config.workflow_type == WorkflowType::Express {
            return Err(RedriveRefusal::Express);
        }
        match self.status {
            Status::Succeeded(_) => return Err(RedriveRefusal::Succeeded),
            Status::Failed { .. } | Status::TimedOut { .. } | Status::Aborted => {}
            Status::Running | Status::Paused { .. } | Status::WaitingForCallback => {
                return Err(RedriveRefusal::NotEnded);
            }
        }
        let events = self.next_id.saturating_sub(1);
        if events >= MAX_EVENTS_TO_REDRIVE {
            return Err(RedriveRefusal::HistoryTooLong(events));
        }
        if self.redrive_count >= MAX_REDRIVES {
            return Err(RedriveRefusal::TooManyRedrives);
        }
        Ok(())
    }

    /// Redrives the ended execution: `ExecutionRedriven`, then the states that did not succeed
    /// run again (see the module's notes). Nothing runs until `step` or `run`. Returns the
    /// redrive count.
    pub fn redrive(&mut self) -> Result<u32, RedriveRefusal> {
        self.can_redrive()?;
        self.redrive_count += 1;
        let count = self.redrive_count;
        if let Some(m) = self.context_execution.object_mut() {
            m.insert("RedriveCount".into(), Val::int(i64::from(count)));
            m.insert(
                "RedriveTime".into(),
                Val::string(&format_timestamp(self.clock)),
            );
        }
        self.ended = false;
        self.closing = false;
        self.status = Status::Running;
        self.emit(
            EXECUTION_TIMER,
            EventKind::ExecutionRedriven {
                redrive_count: count,
            },
        );
        let timeout = self
            .program
            .timeout_seconds
            .map_or(STANDARD_MAX_MILLIS, |t| {
                super::secs(t).min(STANDARD_MAX_MILLIS)
            });
        self.deadline = self.clock.saturating_add(timeout);
        let deadline = self.deadline;
        self.push_timer(deadline, EXECUTION_TIMER, 0, true);
        let last = self.next_id - 1;
        self.revive(0, last);
        Ok(count)
    }

    /// Sets a frame going again at the state it stopped at, after event `prev`. A Parallel's
    /// or Map's children are kept for the state to reuse ([`Self::reuse_prior`]).
    fn revive(&mut self, fid: FrameId, prev: u64) {
        let program = self.program.clone();
        let frame = &mut self.frames[fid];
        let fans_out = matches!(
            program.scopes[frame.scope].states[frame.state].kind,
            Kind::Parallel { .. } | Kind::Map(_)
        );
        frame.prior = frame.kids.take().filter(|_| fans_out);
        frame.alive = true;
        frame.step = Step::Enter;
        frame.prev_event = prev;
        frame.token = None;
        frame.failed_event = None;
        frame.timer_gen += 1;
        self.ready.push_back(fid);
    }

    /// A redriven Parallel or Map (`fid`, with its new `kids`) takes over the children of its
    /// attempt before: succeeded slots keep their results; a Parallel's other branches run
    /// again now, a Map's failed and aborted iterations are queued in `redo` (started before
    /// the ones never started, within MaxConcurrency). Returns whether there was an attempt
    /// before.
    pub(in crate::interp) fn reuse_prior(&mut self, fid: FrameId, kids: &mut Kids) -> bool {
        let Some(prior) = self.frames[fid].prior.take() else {
            return false;
        };
        if prior.results.len() != kids.results.len() {
            // A Map whose items changed (its ItemReader's file did): every item runs.
            return false;
        }
        kids.frames.clone_from(&prior.frames);
        kids.record = prior.record;
        let mut again = Vec::new();
        for (slot, &child) in prior.frames.iter().enumerate() {
            if prior.ok[slot] {
                kids.results[slot].clone_from(&prior.results[slot]);
                kids.ok[slot] = true;
                kids.done += 1;
            } else {
                again.push((slot, child));
            }
        }
        if kids.map {
            kids.started = prior.started;
            kids.redo = again.iter().rev().map(|(slot, _)| *slot).collect();
        } else {
            kids.running = again.len();
            let prev = self.frames[fid].prev_event;
            for (_, child) in again {
                self.revive(child, prev);
            }
        }
        true
    }

    /// A Map's iteration in `slot` runs again (its frame from the attempt before).
    pub(in crate::interp) fn revive_iteration(&mut self, fid: FrameId, slot: usize) -> FrameId {
        let child = self.frames[fid]
            .kids
            .as_ref()
            .map_or(usize::MAX, |k| k.frames[slot]);
        let prev = self.frames[fid].prev_event;
        self.revive(child, prev);
        // `revive` queued it; the Map's fan-out queues it too.
        self.ready.pop_back();
        child
    }
}
