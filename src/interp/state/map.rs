//! Map: an iteration of its ItemProcessor per item (inline: in this history; distributed:
//! child executions of a Map Run), at most MaxConcurrency at once, failures counted against
//! the tolerances. Items come from the input, `ItemsPath`/`Items`, or an ItemReader; a
//! ResultWriter exports the results.

use crate::history::EventKind;
use crate::interp::compile::{CState, Dynamic, Kind, MapState};
use crate::interp::dataset::Payload;
use crate::interp::error::StateError;
use crate::interp::frame::{Kids, Role, Step};
use crate::interp::map_run::Record;
use crate::interp::processing::display_plain;
use crate::interp::template::path_text;
use crate::interp::{Execution, FrameId, results};
use crate::value::Val;

/// Why a Map could not start: the error, and whether it owes a `MapStateFailed` event.
type StartError = (StateError, bool);

impl Execution {
    /// Reads the items (and sets up the ResultWriter and batches), `MapStateStarted`, then the
    /// iterations start.
    pub(in crate::interp) fn map_start(&mut self, fid: FrameId, state: &CState) {
        let Kind::Map(m) = &state.kind else {
            return;
        };
        if let Err((error, owes_event)) = self.map_prepare(fid, state, m) {
            if owes_event {
                self.frames[fid].failed_event = Some(Box::new(EventKind::MapStateFailed));
            }
            self.fail_with(fid, error);
        }
    }

    fn map_prepare(
        &mut self,
        fid: FrameId,
        state: &CState,
        m: &MapState,
    ) -> Result<(), StartError> {
        // AWS reads MaxConcurrency(Path) first: a bad value fails the state before the items are
        // read and before `MapStateStarted` (recorded: MapStateEntered, then ExecutionFailed).
        let limit = self
            .optional_number(fid, state, m.max_concurrency.as_ref(), "MaxConcurrency")
            .map_err(|e| (e, false))?;
        let items = match &m.item_reader {
            Some(reader) => self.read_items(fid, state, reader).map_err(|e| (e, true))?,
            None => self.map_items(fid, state, m)?,
        };
        // The ResultWriter's bucket and prefix are checked before any child starts.
        let writer = m
            .result_writer
            .as_ref()
            .map(|w| self.writer_setup(fid, state, w))
            .transpose()
            .map_err(|e| (e, true))?;
        // With an ItemBatcher, ItemSelector shapes each item, then each batch is a child's input.
        let (items, weights) = match &m.item_batcher {
            None => (items, None),
            Some(batcher) => {
                let mut selected = Vec::with_capacity(items.len());
                for (index, value) in items.iter().enumerate() {
                    selected.push(
                        self.item_input(fid, state, index, value)
                            .map_err(|e| (e, true))?,
                    );
                }
                let batches = self
                    .batch_items(fid, state, batcher, selected)
                    .map_err(|e| (e, true))?;
                let (inputs, counts): (Vec<Val>, Vec<usize>) = batches.into_iter().unzip();
                (inputs, Some(counts))
            }
        };
        self.emit(
            fid,
            EventKind::MapStateStarted {
                length: items.len(),
            },
        );
        // The tolerances are read after it (recorded: MapStateStarted, then ExecutionFailed).
        let tolerated = self
            .optional_number(
                fid,
                state,
                m.tolerated_count.as_ref(),
                "ToleratedFailureCount",
            )
            .map_err(|e| (e, false))?;
        let percentage = match &m.tolerated_percentage {
            Some(f) => Some(self.percentage(fid, state, f).map_err(|e| (e, false))?),
            None => None,
        };
        let limit = limit.map_or(0, |l| usize::try_from(l).unwrap_or(usize::MAX));
        // Tolerances count items: a failed batch fails every item in it.
        let item_count = weights.as_ref().map_or(items.len(), |w| w.iter().sum());
        let tolerated = match (tolerated, percentage) {
            (Some(c), _) => Some(usize::try_from(c).unwrap_or(usize::MAX)),
            (None, Some(p)) => Some(((p / 100.0) * item_count as f64).floor() as usize),
            (None, None) => None,
        };
        let total = items.len();
        let record = writer.map(|(target, config)| {
            Box::new(Record {
                run: self.new_map_run(&m.label, m.express),
                target,
                config,
                children: Vec::with_capacity(total),
            })
        });
        let mut kids = Kids {
            frames: Vec::with_capacity(total),
            results: vec![None; total],
            ok: vec![false; total],
            redo: Vec::new(),
            items,
            started: 0,
            done: 0,
            running: 0,
            limit: if limit == 0 { usize::MAX } else { limit },
            failure: None,
            failures: 0,
            tolerated,
            map: true,
            distributed: m.distributed,
            prepared: weights.is_some(),
            weights,
            record,
        };
        // A redrive runs again only the iterations (child executions) that did not succeed.
        let redriven = self.reuse_prior(fid, &mut kids);
        if m.distributed {
            let kind = if redriven {
                EventKind::MapRunRedriven {
                    redrive_count: self.redrive_count(),
                }
            } else {
                EventKind::MapRunStarted
            };
            self.emit(fid, kind);
        }
        let all_done = kids.done == total;
        self.frames[fid].kids = Some(Box::new(kids));
        if total == 0 || all_done {
            self.frames[fid].step = Step::Children;
            self.children_done(fid, state);
        } else {
            self.frames[fid].step = Step::Fanning;
        }
        Ok(())
    }

    /// The items: `ItemsPath` over the effective input, JSONata `Items`, or the effective
    /// input; an array, else the state fails (`States.Runtime` in JSONPath,
    /// `States.QueryEvaluationError` with `MapStateFailed` in JSONata).
    fn map_items(
        &mut self,
        fid: FrameId,
        state: &CState,
        m: &MapState,
    ) -> Result<Vec<Val>, StartError> {
        let effective = self.frames[fid].effective.clone();
        let items = match &m.items {
            None | Some(Dynamic::Call(_)) => effective,
            Some(Dynamic::Literal(v)) => v.clone(),
            Some(Dynamic::Path(p)) => {
                let ctx = self.ctx_for(fid, state);
                self.read_path(fid, state, p, &effective, &ctx)
                    .map_err(|e| (e, false))?
            }
            Some(Dynamic::Jsonata(t)) => {
                return match self
                    .jeval(fid, state, t, None, None)
                    .map_err(|e| (e, true))?
                {
                    Val::Array(a) => Ok(a.items().to_vec()),
                    other => {
                        let (text, field) = t.expression().unwrap_or(("", "Items"));
                        let detail = format!(
                            "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected 'array', but was '{}' for value: {other}",
                            other.type_name()
                        );
                        Err((self.query_error(fid, state, &detail), true))
                    }
                };
            }
        };
        match items {
            Val::Array(a) => Ok(a.items().to_vec()),
            other => {
                let detail = format!("Map state input must be an array but was: {other}");
                if state.is_jsonata() {
                    Err((self.query_error(fid, state, &detail), true))
                } else {
                    Err((self.runtime_error(fid, state, &detail), false))
                }
            }
        }
    }

    /// `ToleratedFailurePercentage`: a number from 0 to 100 (a Path's value is checked here;
    /// a literal was checked by the validator).
    fn percentage(
        &mut self,
        fid: FrameId,
        state: &CState,
        field: &Dynamic<f64>,
    ) -> Result<f64, StateError> {
        let input = self.frames[fid].input.clone();
        let (v, source) = match field {
            Dynamic::Literal(p) => return Ok(*p),
            Dynamic::Jsonata(t) => {
                return self.jsonata_number(fid, state, t, "ToleratedFailurePercentage");
            }
            Dynamic::Path(p) => (
                self.read_path(fid, state, p, &input, &Val::Null)?,
                path_text(p),
            ),
            Dynamic::Call(t) => {
                let ctx = self.ctx_for(fid, state);
                (
                    self.eval_template(fid, state, t, &input, &ctx)?,
                    "an intrinsic function".to_owned(),
                )
            }
        };
        match v.as_f64() {
            Some(f) if (0.0..=100.0).contains(&f) => Ok(f),
            Some(_) => Err(self.runtime_error(
                fid,
                state,
                "ToleratedFailurePercentage must be between 0 and 100.",
            )),
            None => Err(self.runtime_error(
                fid,
                state,
                &format!(
                    "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {source}",
                    display_plain(&v)
                ),
            )),
        }
    }

    /// The input of one iteration: the item, shaped by ItemSelector (with `$$.Map.Item`, or
    /// `$states.context.Map.Item`).
    pub(in crate::interp) fn item_input(
        &mut self,
        fid: FrameId,
        state: &CState,
        index: usize,
        value: &Val,
    ) -> Result<Val, StateError> {
        let Kind::Map(m) = &state.kind else {
            return Ok(value.clone());
        };
        match &m.item_selector {
            None => Ok(value.clone()),
            // `$$.Map.Item` is the item's while the Context object is built.
            Some(Payload::Path(t)) => {
                let saved = self.frames[fid].item.replace((index, value.clone()));
                let ctx = self.context(fid, state);
                self.frames[fid].item = saved;
                let effective = self.frames[fid].effective.clone();
                self.eval_template(fid, state, t, &effective, &ctx)
            }
            Some(Payload::Jsonata(t)) => {
                let saved = self.frames[fid].item.replace((index, value.clone()));
                let out = self.jeval(fid, state, t, None, None);
                self.frames[fid].item = saved;
                out
            }
        }
    }

    /// Starts as many iterations as the concurrency limit allows.
    pub(in crate::interp) fn map_fan(&mut self, fid: FrameId, state: &CState) {
        let Kind::Map(m) = &state.kind else {
            return;
        };
        if let Some(kids) = self.frames[fid].kids.as_ref() {
            // Room for the iterations this call may start, so that thousands of them do not
            // grow (and copy) the frame list over and over.
            let room = kids.limit.saturating_sub(kids.running);
            let room = room.min(kids.items.len().saturating_sub(kids.started) + kids.redo.len());
            self.frames.reserve(room);
        }
        loop {
            let Some(kids) = self.frames[fid].kids.as_ref() else {
                return;
            };
            if (kids.redo.is_empty() && kids.started >= kids.items.len())
                || kids.running >= kids.limit
                || kids.over_tolerance()
            {
                break;
            }
            if let Some(&slot) = kids.redo.last() {
                self.map_fan_again(fid, state, slot);
                continue;
            }
            let index = kids.started;
            let value = kids.items[index].clone();
            let (distributed, prepared, recorded) =
                (kids.distributed, kids.prepared, kids.record.is_some());
            let input = if prepared {
                value.clone()
            } else {
                match self.item_input(fid, state, index, &value) {
                    Ok(v) => v,
                    Err(e) => {
                        self.abort_children(fid);
                        return self.fail_with(fid, e);
                    }
                }
            };
            let role = Role::Iteration {
                map: state.name.clone(),
                index,
                distributed,
            };
            if !distributed {
                self.emit_with(fid, |_| EventKind::MapIterationStarted {
                    name: state.name.clone(),
                    index,
                });
            }
            let name = recorded.then(|| crate::expr::functions::uuid(&mut self.rng));
            let child = self.spawn(
                fid,
                index,
                m.processor,
                input.clone(),
                role,
                Some((index, value)),
            );
            let clock = self.clock;
            if let Some(kids) = self.frames[fid].kids.as_mut() {
                kids.frames.push(child);
                kids.started += 1;
                kids.running += 1;
                if let (Some(record), Some(name)) = (kids.record.as_mut(), name) {
                    record.children.push(results::ChildRun {
                        name,
                        input,
                        started: clock,
                        stopped: clock,
                        end: results::ChildEnd::Running,
                    });
                }
            }
            self.ready.push_back(child);
        }
        self.frames[fid].step = Step::Children;
    }

    /// A redriven Map's iteration in `slot` runs again from where it stopped.
    fn map_fan_again(&mut self, fid: FrameId, state: &CState, slot: usize) {
        let distributed = self.frames[fid]
            .kids
            .as_ref()
            .is_some_and(|k| k.distributed);
        if !distributed {
            self.emit(
                fid,
                EventKind::MapIterationStarted {
                    name: state.name.clone(),
                    index: slot,
                },
            );
        }
        let child = self.revive_iteration(fid, slot);
        let clock = self.clock;
        if let Some(kids) = self.frames[fid].kids.as_mut() {
            kids.redo.pop();
            kids.running += 1;
            if let Some(run) = kids.record.as_mut().and_then(|r| r.children.get_mut(slot)) {
                run.started = clock;
                run.stopped = clock;
                run.end = results::ChildEnd::Running;
            }
        }
        self.ready.push_back(child);
    }
}
