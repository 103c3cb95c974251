//! Evaluating JSONata the way Step Functions does: expressions parsed once per definition,
//! `$states` and workflow variables bound, Step Functions' added functions (`$partition`,
//! `$range`, `$hash`, `$random`, `$uuid`, `$parse`), and a bound on time and depth so a hostile
//! expression cannot hang the studio.

use super::functions::{Random, SplitMix, uuid};
use crate::value::{ObjectMap, Val};
use indexmap::IndexMap;
use jsonata_core::ast::{AstNode, BinaryOp, Stage, UnaryOp};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::value::JValue;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// Longest a single evaluation may run.
pub const EVAL_TIMEOUT_MS: u64 = 2_000;
/// Deepest a single evaluation may nest.
pub const EVAL_MAX_DEPTH: usize = 2_000;

/// A JSONata expression parsed once.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The text between `{%` and `%}`, trimmed.
    pub text: Arc<str>,
    ast: Arc<AstNode>,
    /// Whether the expression may read `$states.context` (so the Context object is built only
    /// when needed: it holds the whole execution input).
    pub needs_context: bool,
    /// The `$names` the expression mentions (only these variables are bound).
    pub variables: Vec<Arc<str>>,
    /// For `$name.a.b` (no predicates, no operators): the variable and the steps, read without
    /// the evaluator. `$states.input.x` is `states` then `input`, `x`.
    fast: Option<(Arc<str>, Vec<Arc<str>>)>,
    /// For arithmetic, comparisons and `and`/`or` of such paths and literals: worked out
    /// without the evaluator where the values are plain ([`Fast`]).
    arith: Option<Fast>,
}

/// An expression simple enough to work out without the JSONata evaluator: paths of plain
/// member steps from a variable, number and string literals, and binary operators on them.
///
/// [`Fast::eval`] answers only where the answer cannot differ from the evaluator's: numbers with
/// arithmetic and comparisons (JSONata's numbers are doubles, as here), strings with `=`, `!=`
/// and `&`, booleans with `and`, `or`, `=` and `!=`. Anything else (a member that is missing, an
/// array on the way, a type JSONata would convert or refuse, a result out of range) returns
/// `None` and goes to the evaluator, which gives the exact result or error.
#[derive(Debug, Clone)]
enum Fast {
    Path(Arc<str>, Vec<Arc<str>>),
    /// `path[n]` (an integer, negative from the end) on an array the path reaches.
    Item(Arc<str>, Vec<Arc<str>>, i64),
    /// `$count(path)` of an array the path reaches.
    Count(Arc<str>, Vec<Arc<str>>),
    Number(f64),
    String(Arc<str>),
    Binary(BinaryOp, Box<Fast>, Box<Fast>),
}

impl Fast {
    /// Reads the parsed expression; `None` when it has any other form.
    fn from_ast(node: &AstNode) -> Option<Self> {
        Some(match node {
            AstNode::Number(n) => Self::Number(*n),
            AstNode::String(s) => Self::String(Arc::from(s.as_str())),
            AstNode::Variable(name) if name != "states" && !name.is_empty() => {
                Self::Path(Arc::from(name.as_str()), Vec::new())
            }
            AstNode::Path { steps } => {
                let (first, rest) = steps.split_first()?;
                let plain = |s: &jsonata_core::ast::PathStep| {
                    s.stages.is_empty()
                        && s.focus.is_none()
                        && s.index_var.is_none()
                        && s.ancestor_label.is_none()
                };
                let AstNode::Variable(name) = &first.node else {
                    return None;
                };
                if !plain(first) || name.is_empty() || (name == "states" && rest.is_empty()) {
                    return None;
                }
                let mut names = Vec::with_capacity(rest.len());
                let mut index = None;
                for (i, step) in rest.iter().enumerate() {
                    let AstNode::Name(n) = &step.node else {
                        return None;
                    };
                    let last = i + 1 == rest.len();
                    match step.stages.as_slice() {
                        [] if plain(step) => {}
                        [Stage::Filter(f)]
                            if last
                                && step.focus.is_none()
                                && step.index_var.is_none()
                                && step.ancestor_label.is_none() =>
                        {
                            index = Some(integer_literal(f)?);
                        }
                        _ => return None,
                    }
                    names.push(Arc::from(n.as_str()));
                }
                match index {
                    Some(i) => Self::Item(Arc::from(name.as_str()), names, i),
                    None => Self::Path(Arc::from(name.as_str()), names),
                }
            }
            AstNode::Function {
                name,
                args,
                is_builtin: true,
            } if name == "count" && args.len() == 1 => match Self::from_ast(&args[0])? {
                Self::Path(name, steps) => Self::Count(name, steps),
                _ => return None,
            },
            AstNode::Binary { op, lhs, rhs } => {
                use BinaryOp::*;
                if !matches!(
                    op,
                    Add | Subtract
                        | Multiply
                        | Divide
                        | Modulo
                        | Equal
                        | NotEqual
                        | LessThan
                        | LessThanOrEqual
                        | GreaterThan
                        | GreaterThanOrEqual
                        | And
                        | Or
                        | Concatenate
                ) {
                    return None;
                }
                Self::Binary(
                    *op,
                    Box::new(Self::from_ast(lhs)?),
                    Box::new(Self::from_ast(rhs)?),
                )
            }
            _ => return None,
        })
    }

    /// The value, where it is sure to be the evaluator's (see the type's comment).
    fn eval<'v>(&self, states: &'v Val, variable: &dyn Fn(&str) -> Option<&'v Val>) -> Option<Val> {
        match self {
            Self::Number(n) => Some(number(*n)),
            Self::String(s) => Some(Val::String(s.clone())),
            Self::Path(name, steps) => {
                let node = walk(name, steps, states, variable)?;
                // An array (JSONata flattens and maps over it) or null is left to the evaluator.
                matches!(node, Val::Number(_) | Val::String(_) | Val::Bool(_)).then(|| node.clone())
            }
            // An array from the data keeps its items as they are (arrays among them too):
            // `[n]` picks one, `$count` counts them. Anything else goes to the evaluator.
            Self::Item(name, steps, index) => {
                let items = walk(name, steps, states, variable)?.as_array()?;
                let at = if *index < 0 {
                    items
                        .len()
                        .checked_sub(usize::try_from(index.unsigned_abs()).ok()?)?
                } else {
                    usize::try_from(*index).ok()?
                };
                items.get(at).cloned()
            }
            Self::Count(name, steps) => {
                let items = walk(name, steps, states, variable)?.as_array()?;
                Some(Val::int(i64::try_from(items.len()).ok()?))
            }
            Self::Binary(op, lhs, rhs) => {
                let (l, r) = (lhs.eval(states, variable)?, rhs.eval(states, variable)?);
                binary(*op, &l, &r)
            }
        }
    }
}

/// The value a path of member names reaches through objects (`None` past anything else).
fn walk<'v>(
    name: &str,
    steps: &[Arc<str>],
    states: &'v Val,
    variable: &dyn Fn(&str) -> Option<&'v Val>,
) -> Option<&'v Val> {
    let mut node = if name == "states" {
        states
    } else {
        variable(name)?
    };
    for step in steps {
        match node {
            Val::Object(_) => node = node.get(step)?,
            _ => return None,
        }
    }
    Some(node)
}

/// An integer written in the expression: `2`, `-1`.
fn integer_literal(node: &AstNode) -> Option<i64> {
    let whole = |n: f64| (n.fract() == 0.0 && n.abs() < 1e15).then_some(n as i64);
    match node {
        AstNode::Number(n) => whole(*n),
        AstNode::Unary {
            op: UnaryOp::Negate,
            operand,
        } => match &**operand {
            AstNode::Number(n) => whole(*n).map(|i| -i),
            _ => None,
        },
        _ => None,
    }
}

/// A binary operator on plain values, or `None` to leave it to the evaluator.
fn binary(op: BinaryOp, l: &Val, r: &Val) -> Option<Val> {
    use BinaryOp::*;
    if op == Concatenate {
        // `&` reads both sides as `$string` does.
        let mut text = String::new();
        string_of(l, &mut text)?;
        string_of(r, &mut text)?;
        return Some(Val::string(&text));
    }
    match (l, r) {
        (Val::Number(a), Val::Number(b)) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            let arithmetic = |x: f64| x.is_finite().then(|| number(x));
            match op {
                Add => arithmetic(a + b),
                Subtract => arithmetic(a - b),
                Multiply => arithmetic(a * b),
                Divide => arithmetic(a / b),
                Modulo => arithmetic(a % b),
                Equal => Some(Val::Bool(a == b)),
                NotEqual => Some(Val::Bool(a != b)),
                LessThan => Some(Val::Bool(a < b)),
                LessThanOrEqual => Some(Val::Bool(a <= b)),
                GreaterThan => Some(Val::Bool(a > b)),
                GreaterThanOrEqual => Some(Val::Bool(a >= b)),
                _ => None,
            }
        }
        (Val::String(a), Val::String(b)) => match op {
            Equal => Some(Val::Bool(a == b)),
            NotEqual => Some(Val::Bool(a != b)),
            _ => None,
        },
        (Val::Bool(a), Val::Bool(b)) => match op {
            And => Some(Val::Bool(*a && *b)),
            Or => Some(Val::Bool(*a || *b)),
            Equal => Some(Val::Bool(a == b)),
            NotEqual => Some(Val::Bool(a != b)),
            _ => None,
        },
        _ => None,
    }
}

/// Appends what `$string` makes of a plain value, where that is sure: a string as it is, a
/// boolean as `true`/`false`, an integer below 10^15 in its digits (JSONata writes numbers with
/// 15 significant digits, so larger ones and fractions are left to the evaluator).
fn string_of(v: &Val, out: &mut String) -> Option<()> {
    use std::fmt::Write;
    match v {
        Val::String(s) => out.push_str(s),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Number(n) => {
            let i = n.as_i64()?;
            if i.unsigned_abs() >= 1_000_000_000_000_000 {
                return None;
            }
            write!(out, "{i}").ok()?;
        }
        _ => return None,
    }
    Some(())
}

/// Recognises `$name(.ident)*`, the commonest expression by far.
fn simple_path(text: &str) -> Option<(Arc<str>, Vec<Arc<str>>)> {
    let rest = text.strip_prefix('$')?;
    let is_ident = |s: &str| {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
    };
    let mut parts = rest.split('.');
    let name = parts.next().filter(|n| is_ident(n))?;
    let mut steps = Vec::new();
    for p in parts {
        if !is_ident(p) {
            return None;
        }
        steps.push(Arc::from(p));
    }
    if name == "states" && steps.is_empty() {
        return None;
    }
    Some((Arc::from(name), steps))
}

/// Which `$names` a text mentions, and whether it may read `$states.context` (it names
/// `context`, or uses `$states` other than through a `.member`).
fn scan(text: &str) -> (bool, Vec<Arc<str>>) {
    let mut names: Vec<Arc<str>> = Vec::new();
    let mut whole_states = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] >= 0x80)
            {
                end += 1;
            }
            let name = &text[start..end];
            if name == "states" {
                whole_states |= bytes.get(end) != Some(&b'.');
            } else if !name.is_empty() && !names.iter().any(|n| &**n == name) {
                names.push(Arc::from(name));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    (whole_states || text.contains("context"), names)
}

/// Why an evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonataError {
    /// The expression returned nothing.
    Undefined,
    /// The evaluator reported an error.
    Failed(String),
    /// The result is a function or other value with no JSON form.
    Unsupported,
}

impl Expression {
    /// Parses an expression (without its `{% %}`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        super::jsonata::check_nesting(trimmed)?;
        let ast = jsonata_core::parser::parse(trimmed).map_err(|e| e.to_string())?;
        let (needs_context, variables) = scan(trimmed);
        let fast = simple_path(trimmed);
        let arith = match fast {
            Some(_) => None,
            None => Fast::from_ast(&ast),
        };
        Ok(Self {
            text: Arc::from(trimmed),
            ast: Arc::new(ast),
            needs_context,
            variables,
            fast,
            arith,
        })
    }

    /// Evaluates with `$states` and the variables bound; `rng` seeds `$random()` and `$uuid()`.
    pub fn eval(
        &self,
        states: &Val,
        variables: &[(Arc<str>, Val)],
        rng: &mut SplitMix,
    ) -> Result<Val, JsonataError> {
        let vars: Vec<(Arc<str>, JValue)> = variables
            .iter()
            .map(|(k, v)| (k.clone(), to_jvalue(v)))
            .collect();
        self.eval_converted(&to_jvalue(states), &vars, rng)
    }

    /// Reads a simple path (`$states.input.a`, `$var.b`) straight from the values. `None` when
    /// the expression is not one, or when it steps into an array (JSONata then maps over the
    /// items: the evaluator does that).
    pub fn eval_fast<'v>(
        &self,
        states: &'v Val,
        variable: impl Fn(&str) -> Option<&'v Val>,
    ) -> Option<Result<Val, JsonataError>> {
        if let Some(arith) = &self.arith {
            return arith.eval(states, &variable).map(Ok);
        }
        let (name, steps) = self.fast.as_ref()?;
        let mut node = if &**name == "states" {
            states
        } else {
            match variable(name) {
                Some(v) => v,
                None => return Some(Err(JsonataError::Undefined)),
            }
        };
        for step in steps {
            match node {
                Val::Object(_) => match node.get(step) {
                    Some(next) => node = next,
                    None => return Some(Err(JsonataError::Undefined)),
                },
                Val::Array(_) => return None,
                _ => return Some(Err(JsonataError::Undefined)),
            }
        }
        Some(Ok(node.clone()))
    }

    /// Evaluates with `$states` and variables already converted (convert once, evaluate many).
    pub fn eval_converted(
        &self,
        states: &JValue,
        variables: &[(Arc<str>, JValue)],
        rng: &mut SplitMix,
    ) -> Result<Val, JsonataError> {
        let mut context = Context::new();
        context.bind("states".to_owned(), states.clone());
        for (name, value) in variables {
            if self.variables.contains(name) {
                context.bind(name.to_string(), value.clone());
            }
        }
        let options = EvaluatorOptions {
            timeout_ms: Some(EVAL_TIMEOUT_MS),
            max_stack_depth: Some(EVAL_MAX_DEPTH),
            ..EvaluatorOptions::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        // Registering host functions costs more than evaluating a small expression: register
        // only the ones the expression names.
        if self
            .variables
            .iter()
            .any(|v| STEP_FUNCTIONS_FUNCTIONS.contains(&&**v))
        {
            let shared = Rc::new(RefCell::new(SplitMix(rng.next_u64())));
            register_step_functions(&mut evaluator, &shared, &self.variables);
        }
        let result = evaluator
            .evaluate(&self.ast, &JValue::Undefined)
            .map_err(|e| JsonataError::Failed(e.to_string()))?;
        if result.is_undefined() {
            return Err(JsonataError::Undefined);
        }
        if nests_deeper_than(&result, MAX_RESULT_DEPTH) {
            return Err(JsonataError::Failed(format!(
                "the result nests arrays and objects deeper than {MAX_RESULT_DEPTH} levels; \
                 build a flatter value"
            )));
        }
        from_jvalue(&result).ok_or(JsonataError::Unsupported)
    }
}

/// The functions Step Functions adds to JSONata, and `eval`, which it takes away.
const STEP_FUNCTIONS_FUNCTIONS: &[&str] = &[
    "partition",
    "range",
    "hash",
    "random",
    "uuid",
    "parse",
    "eval",
];

fn type_error(message: &str) -> EvaluatorError {
    EvaluatorError::TypeError(message.to_owned())
}

fn register_step_functions(
    evaluator: &mut Evaluator,
    rng: &Rc<RefCell<SplitMix>>,
    names: &[Arc<str>],
) {
    let wanted = |f: &str| names.iter().any(|n| &**n == f);
    if wanted("partition") {
        let _ = evaluator.register_fn("partition", |args: &[JValue]| {
            let items = args
                .first()
                .and_then(JValue::as_array)
                .ok_or_else(|| type_error("$partition expects an array"))?;
            let size = args
                .get(1)
                .and_then(JValue::as_f64)
                .filter(|n| *n >= 1.0)
                .ok_or_else(|| type_error("$partition expects a chunk size of 1 or more"))?;
            let size = size as usize;
            Ok(JValue::array(
                items
                    .chunks(size)
                    .map(|c| JValue::array(c.to_vec()))
                    .collect(),
            ))
        });
    }
    if wanted("range") {
        let _ = evaluator.register_fn("range", |args: &[JValue]| {
            let n = |i: usize| {
                args.get(i)
                    .and_then(JValue::as_f64)
                    .ok_or_else(|| type_error("$range expects numbers (start, end, step)"))
            };
            let (start, end, step) = (n(0)?, n(1)?, n(2)?);
            if step == 0.0 {
                return Err(type_error("$range step cannot be 0"));
            }
            let count = ((end - start) / step).floor() + 1.0;
            if count > super::functions::MAX_RANGE_ITEMS as f64 {
                return Err(type_error("$range would produce more than 1000 items"));
            }
            let count = if count < 0.0 { 0 } else { count as usize };
            // A sequence, as AWS's $range gives (recorded: `$range(1, 9, 9)` is `1`, not `[1]`).
            Ok(JValue::sequence(
                (0..count)
                    .map(|i| JValue::from_f64(start + i as f64 * step))
                    .collect(),
            ))
        });
    }
    if wanted("hash") {
        let _ = evaluator.register_fn("hash", |args: &[JValue]| {
            let data = match args.first() {
                Some(JValue::String(s)) => s.to_string(),
                Some(other) => other.to_json_string().unwrap_or_default(),
                None => return Err(type_error("$hash expects data and an algorithm")),
            };
            let algorithm = args
                .get(1)
                .and_then(JValue::as_str)
                .ok_or_else(|| type_error("$hash expects an algorithm"))?;
            super::functions::hash_hex(data.as_bytes(), algorithm)
                .map(JValue::from)
                .map_err(|m| type_error(&m))
        });
    }
    let r = rng.clone();
    if wanted("random") {
        let _ = evaluator.register_fn_override("random", move |args: &[JValue]| {
            let bits = match args.first().and_then(JValue::as_f64) {
                Some(seed) => SplitMix(seed as u64).next_u64(),
                None => r.borrow_mut().next_u64(),
            };
            Ok(JValue::from_f64((bits >> 11) as f64 / (1u64 << 53) as f64))
        });
    }
    let r = rng.clone();
    if wanted("uuid") {
        let _ = evaluator.register_fn("uuid", move |_args: &[JValue]| {
            Ok(JValue::from(uuid(&mut *r.borrow_mut())))
        });
    }
    if wanted("parse") {
        let _ = evaluator.register_fn("parse", |args: &[JValue]| {
            let text = args
                .first()
                .and_then(JValue::as_str)
                .ok_or_else(|| type_error("$parse expects a string"))?;
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| type_error(&format!("$parse: {e}")))?;
            Ok(JValue::from(value))
        });
    }
    // Step Functions supports every JSONata 2.0.6 function but $eval ("use $parse instead").
    if wanted("eval") {
        let _ = evaluator.register_fn_override("eval", |_args: &[JValue]| {
            Err(EvaluatorError::EvaluationError(
                "$eval is not available in Step Functions: use $parse".to_owned(),
            ))
        });
    }
}

/// Converts an interpreter value for JSONata.
pub fn to_jvalue(v: &Val) -> JValue {
    match v {
        Val::Null => JValue::Null,
        Val::Bool(b) => JValue::Bool(*b),
        Val::Number(n) => JValue::from_f64(n.as_f64().unwrap_or(0.0)),
        Val::String(s) => JValue::string(s.as_ref()),
        Val::Array(a) => JValue::array(a.items().iter().map(to_jvalue).collect()),
        Val::Object(o) => {
            let mut m = IndexMap::with_capacity(o.map().len());
            for (k, v) in o.map() {
                m.insert(k.to_string(), to_jvalue(v));
            }
            JValue::object(m)
        }
    }
}

/// How deeply a JSONata result may nest (a `$reduce` can build any depth): deeper results fail
/// the evaluation, so converting, writing and dropping values never recurse without bound.
pub const MAX_RESULT_DEPTH: usize = 1_000;

/// Whether arrays and objects in `v` nest deeper than `limit`, found without recursion.
fn nests_deeper_than(v: &JValue, limit: usize) -> bool {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Vec<&JValue> = if let Some(items) = v.as_array() {
            items.iter().collect()
        } else if let Some(map) = v.as_object() {
            map.values().collect()
        } else {
            continue;
        };
        if depth + 1 > limit {
            return true;
        }
        stack.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    false
}

/// Converts a JSONata result back; `None` for values with no JSON form (functions).
pub fn from_jvalue(v: &JValue) -> Option<Val> {
    Some(match v {
        JValue::Null => Val::Null,
        JValue::Bool(b) => Val::Bool(*b),
        JValue::Number(n) => number(*n),
        JValue::String(s) => Val::String(Arc::from(s.as_ref())),
        JValue::Array(_) => Val::array(
            v.as_array()?
                .iter()
                .filter(|x| !x.is_undefined())
                .map(from_jvalue)
                .collect::<Option<Vec<_>>>()?,
        ),
        JValue::Object(_) => {
            let mut m = ObjectMap::default();
            for (k, x) in v.as_object()? {
                if x.is_undefined() {
                    continue;
                }
                m.insert(Arc::from(k.as_str()), from_jvalue(x)?);
            }
            Val::object(m)
        }
        JValue::Undefined => return None,
        _ => return None,
    })
}

/// JSONata numbers are doubles; whole ones come back as integers, as JSON writes them.
fn number(n: f64) -> Val {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Val::int(n as i64)
    } else {
        Val::float(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(expr: &str, input: serde_json::Value) -> Result<serde_json::Value, JsonataError> {
        let mut states = ObjectMap::default();
        states.insert("input".into(), Val::from(input));
        Expression::parse(expr)
            .map_err(JsonataError::Failed)?
            .eval(
                &Val::object(states),
                &[("x".into(), Val::int(5))],
                &mut SplitMix(1),
            )
            .map(|v| v.to_value())
    }

    #[test]
    fn step_functions_functions() {
        assert_eq!(
            eval("$partition([1,2,3], 2)", json!({})),
            Ok(json!([[1, 2], [3]]))
        );
        assert_eq!(eval("$range(0, 10, 3)", json!({})), Ok(json!([0, 3, 6, 9])));
        assert_eq!(
            eval("$hash('input data', 'MD5')", json!({})),
            Ok(json!("812f45842bc6d66ee14572ce20db8e86"))
        );
        assert_eq!(
            eval("$parse('{\"a\": [1]}')", json!({})),
            Ok(json!({"a": [1]}))
        );
        assert_eq!(eval("$states.input.a + $x", json!({"a": 2})), Ok(json!(7)));
        assert_eq!(eval("$random(7) = $random(7)", json!({})), Ok(json!(true)));
        assert_eq!(eval("$length($uuid())", json!({})), Ok(json!(36)));
    }

    #[test]
    fn undefined_and_errors() {
        assert_eq!(
            eval("$states.input.nothing", json!({})),
            Err(JsonataError::Undefined)
        );
        assert!(matches!(
            eval("1 + \"a\"", json!({})),
            Err(JsonataError::Failed(_))
        ));
        assert_eq!(
            eval("function($a){$a}", json!({})),
            Err(JsonataError::Unsupported)
        );
    }

    #[test]
    fn runaway_recursion_is_stopped() {
        let r = eval("($f := function($n){ $f($n + 1) }; $f(0))", json!({}));
        assert!(matches!(r, Err(JsonataError::Failed(_))), "{r:?}");
    }

    /// The fast path answers exactly as the evaluator does, or leaves the expression to it.
    #[test]
    fn fast_path_agrees_with_the_evaluator() {
        let inputs = [
            json!({"i": 3, "n": 10, "f": 2.5, "s": "ab", "t": "ab", "b": true, "c": false,
                   "z": 0, "neg": -7, "big": 9007199254740993_u64, "arr": [1, 2], "nul": null,
                   "o": {"p": {"q": 4}}, "e15": 1_000_000_000_000_000_i64,
                   "under": 999_999_999_999_999_i64, "nested": [[1, 2], [3]],
                   "objs": [{"a": 1}, {"b": [1]}], "one": [5], "empty": []}),
            json!({"i": "3", "n": null, "s": 1, "b": "yes"}),
            json!({}),
        ];
        let expressions = [
            "$states.input.i + 1",
            "$states.input.i - $states.input.n",
            "$states.input.i * $states.input.f",
            "$states.input.i / $states.input.z",
            "$states.input.neg % 4",
            "$states.input.f % 1",
            "$states.input.i < $states.input.n",
            "$states.input.i <= 3",
            "$states.input.n > $states.input.f",
            "$states.input.i >= 4",
            "$states.input.i = 3",
            "$states.input.i != 3",
            "$states.input.s = $states.input.t",
            "$states.input.s != 'ab'",
            "$states.input.s & $states.input.t",
            "$states.input.s & 1",
            "'item-' & $states.input.i",
            "$states.input.neg & $states.input.z",
            "$states.input.b & '-' & $states.input.c",
            "$states.input.s & $states.input.f",
            "$states.input.s & $states.input.big",
            "$states.input.s & $states.input.e15",
            "$states.input.s & $states.input.under",
            "$states.input.s & $states.input.nul",
            "$states.input.s & $states.input.missing",
            "$states.input.s & $states.input.arr",
            "$states.input.s & $states.input.o",
            "$states.input.arr[0]",
            "$states.input.arr[1]",
            "$states.input.arr[2]",
            "$states.input.arr[-1]",
            "$states.input.arr[-2]",
            "$states.input.arr[-3]",
            "$states.input.nested[0]",
            "$states.input.nested[-1]",
            "$states.input.objs[1]",
            "$states.input.one[0]",
            "$states.input.o[0]",
            "$states.input.s[0]",
            "$states.input.missing[0]",
            "$states.input.arr[0] + 1",
            "$count($states.input.arr)",
            "$count($states.input.nested)",
            "$count($states.input.objs)",
            "$count($states.input.one)",
            "$count($states.input.empty)",
            "$count($states.input.o)",
            "$count($states.input.s)",
            "$count($states.input.missing)",
            "$count($states.input.arr) * 2",
            "$states.input.b and $states.input.c",
            "$states.input.b or $states.input.c",
            "$states.input.b = true",
            "$states.input.big + 0",
            "$states.input.arr + 1",
            "$states.input.nul = null",
            "$states.input.missing + 1",
            "$states.input.missing < 1",
            "$states.input.s < $states.input.t",
            "$states.input.o.p.q * 2",
            "$x + $states.input.i",
            "1 + 2 * 3",
            "'a' = 'a'",
            "$x.y + 1",
            "$states.input.i + 1 < $states.input.n - 1",
        ];
        let mut fast_answers = 0;
        for input in &inputs {
            let mut m = ObjectMap::default();
            m.insert("input".into(), Val::from(input.clone()));
            let states = Val::object(m);
            let vars: Vec<(Arc<str>, Val)> = vec![("x".into(), Val::int(5))];
            for text in expressions {
                let e = Expression::parse(text).expect(text);
                let slow = e.eval_converted(
                    &to_jvalue(&states),
                    &[("x".into(), to_jvalue(&Val::int(5)))],
                    &mut SplitMix(1),
                );
                let lookup = |n: &str| vars.iter().find(|(k, _)| &**k == n).map(|(_, v)| v);
                if let Some(fast) = e.eval_fast(&states, lookup) {
                    fast_answers += 1;
                    let (f, s) = (fast.map(|v| v.to_value()), slow.map(|v| v.to_value()));
                    assert_eq!(f, s, "{text} on {input}");
                }
            }
        }
        // Most expressions on the first input are plain; the loop benchmark's take the fast path.
        assert!(fast_answers >= 40, "{fast_answers}");
        let states = {
            let mut m = ObjectMap::default();
            m.insert(
                "input".into(),
                Val::from(json!({"i": 1, "n": 2, "l": [{"a": 1}]})),
            );
            Val::object(m)
        };
        for text in [
            "$states.input.i + 1",
            "$states.input.i < $states.input.n",
            "'item-' & $states.input.i",
            "$states.input.l[0]",
            "$states.input.l[-1]",
            "$count($states.input.l)",
        ] {
            let e = Expression::parse(text).expect("parses");
            assert!(e.eval_fast(&states, |_| None).is_some(), "{text}");
        }
    }
}
