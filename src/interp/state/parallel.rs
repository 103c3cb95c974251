//! Parallel: every branch runs on the same effective input; the results, in branch order, are
//! the state's result. The first failure aborts the other branches.

use crate::history::EventKind;
use crate::interp::compile::{CState, Kind};
use crate::interp::frame::{Kids, Role, Step};
use crate::interp::{Execution, FrameId};

impl Execution {
    /// `ParallelStateStarted`, then a child frame per branch.
    pub(in crate::interp) fn parallel_start(&mut self, fid: FrameId, state: &CState) {
        self.emit(fid, EventKind::ParallelStateStarted);
        let Kind::Parallel { branches } = &state.kind else {
            return;
        };
        let input = self.frames[fid].effective.clone();
        let mut kids = Kids {
            frames: Vec::new(),
            results: vec![None; branches.len()],
            ok: vec![false; branches.len()],
            redo: Vec::new(),
            items: Vec::new(),
            started: branches.len(),
            done: 0,
            running: branches.len(),
            limit: 0,
            failure: None,
            failures: 0,
            tolerated: None,
            map: false,
            distributed: false,
            weights: None,
            prepared: false,
            record: None,
        };
        // A redrive runs again only the branches that did not succeed.
        let redriven = self.reuse_prior(fid, &mut kids);
        if !redriven {
            for (slot, scope) in branches.iter().enumerate() {
                let child = self.spawn(fid, slot, *scope, input.clone(), Role::Branch, None);
                kids.frames.push(child);
                self.ready.push_back(child);
            }
        }
        let nothing_runs = kids.running == 0;
        self.frames[fid].kids = Some(Box::new(kids));
        self.frames[fid].step = Step::Children;
        if nothing_runs {
            self.children_done(fid, state);
        }
    }
}
