//! JSONPath filter expressions (`[?(@.price < 10 && @.tag == 'a')]`) as Jayway reads them: paths
//! relative to the item (`@`) or the document (`$`), literals (strings, numbers, `true`, `false`,
//! `null`, arrays), comparisons, Jayway's other operators (`=~ /regex/flags`, `in`, `nin`,
//! `subsetof`, `anyof`, `noneof`, `size`, `empty`), existence tests, `!`, `&&`, `||` and
//! parentheses. Filters are parsed with the path that holds them, so one that does not parse
//! is an error where the path is written, never a filter that silently selects nothing.

use super::MAX_EXPR_DEPTH;
use super::path::Path;
use crate::value::{Val, numbers_equal};
use std::cmp::Ordering;
use std::sync::Arc;

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
    /// `=~`: the operand is a string the whole of which the pattern matches (Jayway matches
    /// the whole string, as Java's `Matcher.matches`).
    Matches(Operand, Pattern),
}

/// A side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A path from the current item (`@...`).
    Item(Path),
    /// A path from the document the whole path is applied to (`$...`).
    Root(Path),
    /// A literal.
    Literal(Val),
}

/// A `/regex/flags` literal, compiled once.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: Arc<str>,
    regex: regex::Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
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
    /// `in`: the left value is one of the right array's.
    In,
    /// `nin`: the left value is none of the right array's.
    Nin,
    /// `subsetof`: every item of the left array is in the right one.
    SubsetOf,
    /// `anyof`: some item of the left array is in the right one.
    AnyOf,
    /// `noneof`: no item of the left array is in the right one.
    NoneOf,
    /// `size`: the left array (or string) has the right number of items (characters).
    Size,
    /// `empty`: whether the left array (or string) is empty is the right boolean.
    Empty,
}

/// Why a filter did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset into the filter text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
    /// Whether it nests deeper than [`MAX_EXPR_DEPTH`].
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

    /// Whether `item` passes the filter; `root` is the document the whole path is applied to
    /// (what `$` names inside the filter).
    pub fn matches(&self, item: &Val, root: &Val) -> bool {
        match self {
            Self::And(all) => all.iter().all(|f| f.matches(item, root)),
            Self::Or(any) => any.iter().any(|f| f.matches(item, root)),
            Self::Not(a) => !a.matches(item, root),
            Self::Exists(op) => match op {
                Operand::Item(p) => p.exists(item),
                Operand::Root(p) => p.exists(root),
                Operand::Literal(v) => !matches!(v, Val::Null | Val::Bool(false)),
            },
            Self::Compare(a, op, b) => {
                let (Some(x), Some(y)) = (a.value(item, root), b.value(item, root)) else {
                    return false;
                };
                compare(&x, *op, &y)
            }
            Self::Matches(a, pattern) => a
                .value(item, root)
                .as_ref()
                .and_then(Val::as_str)
                .is_some_and(|s| pattern.regex.is_match(s)),
        }
    }
}

impl Operand {
    fn value(&self, item: &Val, root: &Val) -> Option<Val> {
        match self {
            Self::Item(p) => p.get(item).ok(),
            Self::Root(p) => p.get(root).ok(),
            Self::Literal(v) => Some(v.clone()),
        }
    }
}

/// Whether `x` equals one of `items` (Jayway's `in`).
fn contains(items: &[Val], x: &Val) -> bool {
    items.iter().any(|i| i.json_eq(x))
}

fn compare(x: &Val, op: CompareOp, y: &Val) -> bool {
    match op {
        CompareOp::In => return y.as_array().is_some_and(|a| contains(a, x)),
        CompareOp::Nin => return y.as_array().is_some_and(|a| !contains(a, x)),
        CompareOp::SubsetOf | CompareOp::AnyOf | CompareOp::NoneOf => {
            let (Some(left), Some(right)) = (x.as_array(), y.as_array()) else {
                return false;
            };
            let mut hits = left.iter().map(|v| contains(right, v));
            return match op {
                CompareOp::SubsetOf => hits.all(|h| h),
                CompareOp::AnyOf => hits.any(|h| h),
                _ => !hits.any(|h| h),
            };
        }
        CompareOp::Size => {
            let len = match x {
                Val::Array(a) => a.items().len(),
                Val::String(s) => s.chars().count(),
                _ => return false,
            };
            return y.as_f64().is_some_and(|n| n == len as f64);
        }
        CompareOp::Empty => {
            let empty = match x {
                Val::Array(a) => a.items().is_empty(),
                Val::String(s) => s.is_empty(),
                _ => return false,
            };
            return matches!(y, Val::Bool(b) if *b == empty);
        }
        _ => {}
    }
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
        _ => false,
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
        if self.eat("=~") {
            return Ok(Filter::Matches(left, self.pattern()?));
        }
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
        for (word, op) in [
            ("in", CompareOp::In),
            ("nin", CompareOp::Nin),
            ("subsetof", CompareOp::SubsetOf),
            ("anyof", CompareOp::AnyOf),
            ("noneof", CompareOp::NoneOf),
            ("size", CompareOp::Size),
            ("empty", CompareOp::Empty),
        ] {
            if self.eat_word(word) {
                let right = self.operand()?;
                return Ok(Filter::Compare(left, op, right));
            }
        }
        Ok(Filter::Exists(left))
    }

    /// A word operator (`in`, `size`...), not the start of a longer word.
    fn eat_word(&mut self, word: &str) -> bool {
        self.ws();
        let rest = &self.s[self.at..];
        let follows = rest[word.len().min(rest.len())..].chars().next();
        if rest.starts_with(word) && !follows.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    /// `/regex/flags` after `=~`. Flags are Java's that Rust's regex has too: `i`, `m`, `s`, `x`.
    fn pattern(&mut self) -> Result<Pattern, String> {
        self.ws();
        let rest = &self.s[self.at..];
        let Some(body) = rest.strip_prefix('/') else {
            return Err("expected a regular expression /.../ after =~".into());
        };
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '/' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("unterminated regular expression: expected '/'")?;
        let source = &body[..end];
        let flags: String = body[end + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let mut builder = regex::RegexBuilder::new(&format!("^(?:{source})$"));
        for flag in flags.chars() {
            match flag {
                'i' => builder.case_insensitive(true),
                'm' => builder.multi_line(true),
                's' => builder.dot_matches_new_line(true),
                'x' => builder.ignore_whitespace(true),
                other => {
                    return Err(format!(
                        "the regular expression flag '{other}' is not supported (use i, m, s or x)"
                    ));
                }
            };
        }
        let regex = builder.size_limit(1 << 20).build().map_err(|e| {
            format!(
                "/{source}/ is not a regular expression Stepcraft can read (look-around and back-references are not supported): {}",
                e.to_string().lines().last().unwrap_or_default()
            )
        })?;
        self.at += 1 + end + 1 + flags.len();
        Ok(Pattern {
            source: Arc::from(format!("/{source}/{flags}")),
            regex,
        })
    }

    /// `[literal, ...]`: an array of strings, numbers, booleans, nulls (and arrays).
    fn array(&mut self) -> Result<Val, String> {
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s[self.at..].starts_with(']') {
            self.at += 1;
            return Ok(Val::array(items));
        }
        loop {
            match self.operand()? {
                Operand::Literal(v) => items.push(v),
                _ => return Err("an array in a filter holds literals only".into()),
            }
            if self.eat(",") {
                continue;
            }
            if self.eat("]") {
                return Ok(Val::array(items));
            }
            return Err("expected ',' or ']' in an array".into());
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.ws();
        let rest = &self.s[self.at..];
        if let Some(root @ ('@' | '$')) = rest.chars().next() {
            let path = &rest[1..];
            let len = path
                .find(|c: char| c.is_whitespace() || "=!<>&|),".contains(c))
                .unwrap_or(path.len());
            self.at += 1 + len;
            let parsed = Path::parse(&format!("${}", &path[..len])).map_err(|e| e.to_string())?;
            return Ok(if root == '@' {
                Operand::Item(parsed)
            } else {
                Operand::Root(parsed)
            });
        }
        if rest.starts_with('[') {
            return self.array().map(Operand::Literal);
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
        if rest.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            return Err(format!(
                "'{word}' is not quoted: Jayway reads an unquoted word as a number and fails (on AWS the path fails when it runs); write '{word}' in quotes"
            ));
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_digit() || "-+.eE".contains(c)))
            .unwrap_or(rest.len());
        let number: serde_json::Number = rest[..len].parse().map_err(|_| {
            let word: String = rest.chars().take_while(|c| !c.is_whitespace()).take(20).collect();
            format!("unexpected '{word}' in filter (Jayway's operators are ==, !=, <, <=, >, >=, =~, in, nin, subsetof, anyof, noneof, size, empty)")
        })?;
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
            assert_eq!(Filter::parse(f).unwrap().matches(&item, &item), want, "{f}");
        }
    }

    #[test]
    fn chains_are_flat_and_nesting_is_bounded() {
        let item = Val::from(&json!({"p": 5}));
        let chain = vec!["@.p == 5"; 10_000].join(" && ");
        assert!(Filter::parse(&chain).unwrap().matches(&item, &item));
        let deep = format!(
            "{}@.p{}",
            "(".repeat(MAX_EXPR_DEPTH),
            ")".repeat(MAX_EXPR_DEPTH)
        );
        assert!(Filter::parse(&deep).unwrap().matches(&item, &item));
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

    /// Jayway's operators beyond comparisons, on one item; `$` reads the whole document.
    #[test]
    fn jayway_operators() {
        let item = Val::from(&json!({"name": "Alpha-1", "size": "M", "tags": ["x", "y"],
                                     "notes": "", "p": 5}));
        let root = Val::from(&json!({"limit": 6, "sizes": ["S", "M"]}));
        for (f, want) in [
            ("@.name =~ /alpha-\\d/i", true),
            ("@.name =~ /alpha-\\d/", false),
            ("@.name =~ /Alpha/", false), // the whole string must match, as Java's matches()
            ("@.size in ['S', 'M']", true),
            ("@.size in $.sizes", true),
            ("@.size nin ['S', 'M']", false),
            ("@.p in [1, 5.0]", true),
            ("@.tags subsetof ['x', 'y', 'z']", true),
            ("@.tags subsetof ['x']", false),
            ("@.tags anyof ['z', 'y']", true),
            ("@.tags noneof ['z']", true),
            ("@.tags size 2", true),
            ("@.name size 7", true),
            ("@.notes empty true", true),
            ("@.tags empty true", false),
            ("@.p < $.limit", true),
            ("@.missing in ['a']", false),
            ("@.inside == 1 || @.index size 0", false),
        ] {
            let parsed = Filter::parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(parsed.matches(&item, &root), want, "{f}");
        }
        for (bad, says) in [
            ("@.p <> 3", "unexpected"),
            ("@.Name==Receipt", "'Receipt' is not quoted"),
            ("@.name =~ 'a'", "expected a regular expression"),
            ("@.name =~ /a", "unterminated regular expression"),
            ("@.name =~ /a/u", "flag 'u'"),
            ("@.name =~ /(?<=a)b/", "look-around"),
            ("@.size in ['a', 3 == 3]", "expected ','"),
            ("@.size in ['a', $ ]", "literals only"),
            ("@.size in ['a' 'b']", "expected ','"),
        ] {
            let e = Filter::parse(bad).expect_err(bad);
            assert!(e.message.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn any_whitespace_is_skipped() {
        // U+3000 is whitespace three bytes long: skipping it byte by byte used to panic.
        let item = Val::from(&json!({"p": 5}));
        assert!(
            Filter::parse("@.p ==\u{3000}5")
                .unwrap()
                .matches(&item, &item)
        );
    }
}
