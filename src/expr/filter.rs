//! JSONPath filter expressions (`[?(@.price < 10 && @.tag == 'a')]`) as Jayway reads them: paths
//! relative to the item (`@`), literals, comparisons, existence tests, `!`, `&&`, `||` and
//! parentheses.

use super::MAX_EXPR_DEPTH;
use super::path::Path;
use crate::value::{Val, numbers_equal};
use std::cmp::Ordering;

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Every one holds (a chain `a && b && c` is one list, so long chains do not nest).
    And(Vec<Filter>),
    /// Any one holds.
    Or(Vec<Filter>),
    /// Does not hold.
    Not(Box<Filter>),
    /// A comparison of two operands.
    Compare(Operand, CompareOp, Operand),
    /// The operand exists (and is not false/null when it is a literal).
    Exists(Operand),
}

/// A side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A path from the current item (`@...`).
    Item(Path),
    /// A literal.
    Literal(Val),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Why a filter did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset into the filter text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
    /// Whether it nests deeper than [`MAX_EXPR_DEPTH`] (which the path parser reports; other
    /// filters that do not parse select nothing, as before).
    pub too_deep: bool,
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

impl Filter {
    /// Parses the text between `[?(` and `)]`.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let mut p = Parser {
            s: text,
            at: 0,
            depth: 0,
        };
        let f = p.or().map_err(|e| p.error(e))?;
        p.ws();
        if p.at < text.len() {
            return Err(p.error("unexpected text in filter".into()));
        }
        Ok(f)
    }

    /// Whether `item` passes the filter.
    pub fn matches(&self, item: &Val) -> bool {
        match self {
            Self::And(all) => all.iter().all(|f| f.matches(item)),
            Self::Or(any) => any.iter().any(|f| f.matches(item)),
            Self::Not(a) => !a.matches(item),
            Self::Exists(op) => match op {
                Operand::Item(p) => p.exists(item),
                Operand::Literal(v) => !matches!(v, Val::Null | Val::Bool(false)),
            },
            Self::Compare(a, op, b) => {
                let (Some(x), Some(y)) = (a.value(item), b.value(item)) else {
                    return false;
                };
                compare(&x, *op, &y)
            }
        }
    }
}

impl Operand {
    fn value(&self, item: &Val) -> Option<Val> {
        match self {
            Self::Item(p) => p.get(item).ok(),
            Self::Literal(v) => Some(v.clone()),
        }
    }
}

fn compare(x: &Val, op: CompareOp, y: &Val) -> bool {
    let ordering = match (x, y) {
        (Val::Number(a), Val::Number(b)) => {
            if numbers_equal(a, b) {
                Some(Ordering::Equal)
            } else {
                a.as_f64()
                    .zip(b.as_f64())
                    .and_then(|(a, b)| a.partial_cmp(&b))
            }
        }
        (Val::String(a), Val::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        CompareOp::Eq => ordering.map_or_else(|| x.json_eq(y), Ordering::is_eq),
        CompareOp::Ne => ordering.map_or_else(|| !x.json_eq(y), Ordering::is_ne),
        CompareOp::Lt => ordering == Some(Ordering::Less),
        CompareOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => ordering == Some(Ordering::Greater),
        CompareOp::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

struct Parser<'t> {
    s: &'t str,
    at: usize,
    /// `!` and `(` open around the part being read (bounded by [`MAX_EXPR_DEPTH`]).
    depth: usize,
}

/// The message of a filter that nests too deeply.
const TOO_DEEP: &str = "the filter nests '(' and '!' too deeply";

impl Parser<'_> {
    fn error(&self, message: String) -> FilterError {
        let too_deep = message == TOO_DEEP;
        let message = if too_deep {
            format!(
                "the filter nests '(' and '!' deeper than {MAX_EXPR_DEPTH} levels here; write it \
                 with fewer parentheses"
            )
        } else {
            message
        };
        FilterError {
            offset: self.at,
            message,
            too_deep,
        }
    }

    fn ws(&mut self) {
        while let Some(c) = self.s[self.at..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
        {
            self.at += c.len_utf8();
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        if self.s[self.at..].starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut any = vec![self.and()?];
        while self.eat("||") {
            any.push(self.and()?);
        }
        Ok(if any.len() == 1 {
            any.swap_remove(0)
        } else {
            Filter::Or(any)
        })
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut all = vec![self.unary()?];
        while self.eat("&&") {
            all.push(self.unary()?);
        }
        Ok(if all.len() == 1 {
            all.swap_remove(0)
        } else {
            Filter::And(all)
        })
    }

    /// A `!` or `(` one level deeper, within the bound.
    fn nested(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<Filter, String>,
    ) -> Result<Filter, String> {
        if self.depth >= MAX_EXPR_DEPTH {
            return Err(TOO_DEEP.into());
        }
        self.depth += 1;
        let inner = read(self);
        self.depth -= 1;
        inner
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.eat("!") && !self.s[self.at..].starts_with('=') {
            return self.nested(|p| Ok(Filter::Not(Box::new(p.unary()?))));
        }
        if self.eat("(") {
            return self.nested(|p| {
                let inner = p.or()?;
                if !p.eat(")") {
                    return Err("expected ')' in filter".into());
                }
                Ok(inner)
            });
        }
        let left = self.operand()?;
        for (token, op) in [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ] {
            if self.eat(token) {
                let right = self.operand()?;
                return Ok(Filter::Compare(left, op, right));
            }
        }
        Ok(Filter::Exists(left))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.ws();
        let rest = &self.s[self.at..];
        if let Some(path) = rest.strip_prefix('@') {
            let len = path
                .find(|c: char| c.is_whitespace() || "=!<>&|)".contains(c))
                .unwrap_or(path.len());
            self.at += 1 + len;
            return Path::parse(&format!("${}", &path[..len]))
                .map(Operand::Item)
                .map_err(|e| e.to_string());
        }
        if let Some(q @ ('\'' | '"')) = rest.chars().next() {
            let body = &rest[1..];
            let end = body.find(q).ok_or("unterminated string in filter")?;
            self.at += end + 2;
            return Ok(Operand::Literal(Val::string(&body[..end])));
        }
        for (word, v) in [
            ("true", Val::Bool(true)),
            ("false", Val::Bool(false)),
            ("null", Val::Null),
        ] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Ok(Operand::Literal(v));
            }
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_digit() || "-+.eE".contains(c)))
            .unwrap_or(rest.len());
        let number: serde_json::Number = rest[..len]
            .parse()
            .map_err(|_| format!("unexpected '{rest}' in filter"))?;
        self.at += len;
        Ok(Operand::Literal(Val::Number(number)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters() {
        let item = Val::from(&json!({"p": 5, "t": "a", "flag": true}));
        for (f, want) in [
            ("@.p < 10", true),
            ("@.p >= 6", false),
            ("@.t == 'a' && @.p == 5", true),
            ("@.t != \"a\" || @.flag", true),
            ("!(@.p > 1)", false),
            ("@.missing", false),
            ("@.missing == 1", false),
        ] {
            assert_eq!(Filter::parse(f).unwrap().matches(&item), want, "{f}");
        }
    }

    #[test]
    fn chains_are_flat_and_nesting_is_bounded() {
        let item = Val::from(&json!({"p": 5}));
        let chain = vec!["@.p == 5"; 10_000].join(" && ");
        assert!(Filter::parse(&chain).unwrap().matches(&item));
        let deep = format!(
            "{}@.p{}",
            "(".repeat(MAX_EXPR_DEPTH),
            ")".repeat(MAX_EXPR_DEPTH)
        );
        assert!(Filter::parse(&deep).unwrap().matches(&item));
        for too_deep in [
            format!(
                "{}@.p{}",
                "(".repeat(MAX_EXPR_DEPTH + 1),
                ")".repeat(MAX_EXPR_DEPTH + 1)
            ),
            format!("{}@.p", "!".repeat(MAX_EXPR_DEPTH + 1)),
        ] {
            let e = Filter::parse(&too_deep).unwrap_err();
            assert!(e.too_deep, "{e}");
            assert!(e.message.contains("64"), "{e}");
        }
    }

    #[test]
    fn any_whitespace_is_skipped() {
        // U+3000 is whitespace three bytes long: skipping it byte by byte used to panic.
        let item = Val::from(&json!({"p": 5}));
        assert!(Filter::parse("@.p ==\u{3000}5").unwrap().matches(&item));
    }
}
