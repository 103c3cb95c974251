//! JSONPath filter expressions (`[?(@.price < 10 && @.tag == 'a')]`) as Jayway reads them: paths
//! relative to the item (`@`), literals, comparisons, existence tests, `!`, `&&`, `||` and
//! parentheses.

use super::path::Path;
use crate::value::{Val, numbers_equal};
use std::cmp::Ordering;

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
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

impl Filter {
    /// Parses the text between `[?(` and `)]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut p = Parser { s: text, at: 0 };
        let f = p.or()?;
        p.ws();
        if p.at < text.len() {
            return Err(format!("unexpected text in filter at {}", p.at + 1));
        }
        Ok(f)
    }

    /// Whether `item` passes the filter.
    pub fn matches(&self, item: &Val) -> bool {
        match self {
            Self::And(a, b) => a.matches(item) && b.matches(item),
            Self::Or(a, b) => a.matches(item) || b.matches(item),
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
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s[self.at..].starts_with(char::is_whitespace) {
            self.at += 1;
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
        let mut left = self.and()?;
        while self.eat("||") {
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.eat("!") && !self.s[self.at..].starts_with('=') {
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let inner = self.or()?;
            if !self.eat(")") {
                return Err("expected ')' in filter".into());
            }
            return Ok(inner);
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
}
