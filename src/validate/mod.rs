//! The validator: every MUST of the States Language and what AWS enforces on top, as diagnostics.
//!
//! Rules are grouped by what they look at: the graph of states ([`structure`]), the fields of each
//! state ([`fields`]), Choice rules ([`choice`]), expressions ([`expr`]), the parameters of
//! service integrations ([`service`]) and the workflow type ([`workflow_type`]). Each returns every problem it finds; none stops at the first.

mod choice;
mod expr;
mod fields;
mod service;
mod structure;
pub(crate) mod variables;
mod workflow_type;

pub use crate::history::is_timestamp;

use crate::diag::{Diagnostic, Diagnostics};
use crate::document::Document;
use crate::model::StateMachine;
use crate::subst::{Substitutions, placeholders_info};

/// The two workflow types, whose limits differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowType {
    /// Long-running, exactly-once, with a 25,000-event history.
    Standard,
    /// Short (five minutes at most), at-least-once, request-response integrations only.
    Express,
}

impl WorkflowType {
    /// `STANDARD` or `EXPRESS`, as AWS writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::Express => "EXPRESS",
        }
    }

    /// Parses `STANDARD` or `EXPRESS` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "STANDARD" => Some(Self::Standard),
            "EXPRESS" => Some(Self::Express),
            _ => None,
        }
    }
}

/// What to validate against.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Check the restrictions of this workflow type too.
    pub workflow_type: Option<WorkflowType>,
    /// Values for deploy-time placeholders: the definition is checked with them filled in.
    /// Placeholders without a value are accepted as whatever they stand for.
    pub substitutions: Substitutions,
}

/// Validates a document: reading problems, then every rule. Diagnostics come back located
/// (line:column) and ordered by position.
pub fn validate(doc: &Document, options: &Options) -> Vec<Diagnostic> {
    let mut diags = Diagnostics(doc.read_warnings().to_vec());
    let substituted;
    let value = if options.substitutions.is_empty() {
        doc.value()
    } else {
        substituted = options.substitutions.apply_to(doc);
        diags.0.extend(substituted.diagnostics.iter().cloned());
        &substituted.value
    };
    diags
        .0
        .extend(placeholders_info(doc.value(), &options.substitutions));
    let machine = StateMachine::read(value, &mut diags);
    check(&machine, options, &mut diags);
    let mut out = diags.0;
    for d in &mut out {
        if d.location.is_none() {
            d.location = doc.locate(&d.pointer);
        }
    }
    out.sort_by(|a, b| {
        (a.location, a.severity, a.pointer.as_str()).cmp(&(
            b.location,
            b.severity,
            b.pointer.as_str(),
        ))
    });
    out.dedup_by(|a, b| a.code == b.code && a.pointer == b.pointer && a.message == b.message);
    out
}

/// Runs every rule over a model already read.
pub fn check(machine: &StateMachine, options: &Options, diags: &mut Diagnostics) {
    structure::check(machine, diags);
    fields::check(machine, diags);
    choice::check(machine, diags);
    expr::check(machine, diags);
    service::check(machine, diags);
    variables::check(machine, diags);
    if let Some(ty) = options.workflow_type {
        workflow_type::check(machine, ty, diags);
    }
}
