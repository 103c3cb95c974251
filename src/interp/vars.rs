//! Workflow variables and their scopes: a Parallel branch or Map iteration reads the variables of
//! the scope around it as they were when it started; what it assigns stays inside it.

use crate::expr::env::Variables;
use crate::value::{Hasher, Val};
use std::collections::HashMap;
use std::sync::Arc;

/// One scope of variables.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: HashMap<Arc<str>, Val, Hasher>,
    outer: Option<Arc<Vars>>,
}

impl Vars {
    /// A scope nested in `outer`.
    pub fn nested(outer: Arc<Vars>) -> Self {
        Self {
            values: HashMap::default(),
            outer: Some(outer),
        }
    }

    /// Sets a variable in this scope.
    pub fn set(&mut self, name: Arc<str>, value: Val) {
        self.values.insert(name, value);
    }

    /// Every variable visible here, innermost first wins.
    pub fn visible(&self) -> HashMap<Arc<str>, Val> {
        let mut out = self.outer.as_ref().map(|o| o.visible()).unwrap_or_default();
        for (k, v) in &self.values {
            out.insert(k.clone(), v.clone());
        }
        out
    }
}

impl Variables for Vars {
    fn get(&self, name: &str) -> Option<Val> {
        match self.values.get(name) {
            Some(v) => Some(v.clone()),
            None => self.outer.as_ref().and_then(|o| o.get(name)),
        }
    }
}
