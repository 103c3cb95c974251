//! What a JSONPath expression is evaluated against: the input, the Context object and the
//! workflow variables in scope.

use super::path::{Path, Root};
use super::select::PathMissing;
use crate::value::Val;

/// Looks variables up by name.
pub trait Variables {
    /// The value of `$name`, if it is assigned in scope.
    fn get(&self, name: &str) -> Option<Val>;
}

/// No variables.
#[derive(Debug, Clone, Copy)]
pub struct NoVariables;

impl Variables for NoVariables {
    fn get(&self, _name: &str) -> Option<Val> {
        None
    }
}

/// The roots a path can start from.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// `$`.
    pub input: &'a Val,
    /// `$$`.
    pub context: &'a Val,
    /// `$name`.
    pub variables: &'a dyn Variables,
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("input", self.input)
            .field("context", self.context)
            .finish_non_exhaustive()
    }
}

impl Env<'_> {
    /// Applies `path` to the root it names.
    pub fn resolve(&self, path: &Path) -> Result<Val, PathMissing> {
        match &path.root {
            Root::Input => path.apply(self.input),
            Root::Context => path.apply(self.context),
            Root::Variable(name) => match self.variables.get(name) {
                Some(v) => path.apply(&v),
                None => Err(PathMissing {
                    message: format!("The variable '{name}' is not defined"),
                }),
            },
        }
    }

    /// Whether `path` finds a node.
    pub fn exists(&self, path: &Path) -> bool {
        match &path.root {
            Root::Input => path.exists(self.input),
            Root::Context => path.exists(self.context),
            Root::Variable(name) => self.variables.get(name).is_some_and(|v| path.exists(&v)),
        }
    }
}
