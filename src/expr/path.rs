//! ASL's JSONPath: Paths and Reference Paths, parsed once into segments.
//!
//! ASL takes JSONPath in the Jayway dialect AWS runs: dot names may hold characters that RFC 9535
//! forbids (hyphens, `:` and so on), `$$` opens the Context object, and `$name` opens a workflow
//! variable. A *Reference Path* is the restricted form that names one node: only names and indexes.

use std::fmt;

/// What a path starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's input (or whatever the field applies to).
    Input,
    /// `$$`: the Context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Child(String),
    /// `[n]`; negative counts from the end (Paths only).
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `..name`, `..*` or `..[...]`: the step applied at every depth.
    Descendant(Box<Segment>),
    /// `[start:end:step]`.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `['a','b']` or `[0,2]`.
    Union(Vec<Segment>),
    /// `[?(expression)]`, parsed when the path is.
    Filter(FilterSegment),
}

/// A filter step: its text as written and the filter it reads as.
#[derive(Clone, Debug)]
pub struct FilterSegment {
    /// The expression between `[?(` and `)]`.
    pub text: String,
    /// The parsed expression.
    pub filter: std::sync::Arc<super::filter::Filter>,
}

impl PartialEq for FilterSegment {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Segment {
    /// Whether this step names exactly one node (a name or a non-negative index).
    pub fn is_singular(&self) -> bool {
        matches!(self, Self::Child(_)) || matches!(self, Self::Index(i) if *i >= 0)
    }
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Where the path starts.
    pub root: Root,
    /// The steps from the root.
    pub segments: Vec<Segment>,
}

impl Path {
    /// Parses a Path (`$`, `$$` or `$name` followed by any JSONPath steps).
    pub fn parse(text: &str) -> Result<Self, PathError> {
        Parser { text, at: 0 }.path()
    }

    /// Parses a Reference Path: a path whose steps are only names and non-negative indexes.
    pub fn parse_reference(text: &str) -> Result<Self, PathError> {
        let path = Self::parse(text)?;
        match path.segments.iter().position(|s| !s.is_singular()) {
            None => Ok(path),
            Some(_) => Err(PathError {
                offset: 0,
                message: "a reference path may only use names and indexes (no wildcards, filters, slices, unions or '..')".to_owned(),
            }),
        }
    }

    /// Whether the path names at most one node.
    pub fn is_reference(&self) -> bool {
        self.segments.iter().all(Segment::is_singular)
    }
}

/// Why a path did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// Byte offset into the path text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

impl std::error::Error for PathError {}

/// Whether `name` is a valid variable name: a letter or underscore, then letters, digits or
/// underscores.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, PathError> {
        Err(PathError {
            offset: self.at,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn path(mut self) -> Result<Path, PathError> {
        if !self.eat('$') {
            return self.err("a path must start with '$'");
        }
        let root = if self.eat('$') {
            Root::Context
        } else if self.peek().is_some_and(|c| c.is_alphabetic() || c == '_') {
            let start = self.at;
            while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                self.at += self.peek().map_or(1, char::len_utf8);
            }
            Root::Variable(self.text[start..self.at].to_owned())
        } else {
            Root::Input
        };
        let mut segments = Vec::new();
        while self.at < self.text.len() {
            segments.push(self.segment()?);
        }
        Ok(Path { root, segments })
    }

    fn segment(&mut self) -> Result<Segment, PathError> {
        if self.text[self.at..].starts_with("..") {
            self.at += 2;
            let inner = if self.peek() == Some('[') {
                self.bracket()?
            } else {
                self.dot_name()?
            };
            return Ok(Segment::Descendant(Box::new(inner)));
        }
        if self.eat('.') {
            // Jayway (and so AWS) also reads `$.[0]` and `$.['a']` as `$[0]` and `$['a']`.
            if self.peek() == Some('[') {
                return self.bracket();
            }
            return self.dot_name();
        }
        if self.peek() == Some('[') {
            return self.bracket();
        }
        self.err(format!(
            "expected '.' or '[' but found '{}'",
            self.peek().unwrap_or(' ')
        ))
    }

    fn dot_name(&mut self) -> Result<Segment, PathError> {
        if self.eat('*') {
            return Ok(Segment::Wildcard);
        }
        let start = self.at;
        while let Some(c) = self.peek() {
            if matches!(c, '.' | '[' | ']' | '\'' | '"') || c.is_whitespace() {
                break;
            }
            self.at += c.len_utf8();
        }
        if self.at == start {
            return self.err("expected a name after '.'");
        }
        Ok(Segment::Child(self.text[start..self.at].to_owned()))
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
    }

    fn bracket(&mut self) -> Result<Segment, PathError> {
        self.at += 1; // '['
        self.skip_spaces();
        if self.eat('?') {
            return self.filter();
        }
        if self.eat('*') {
            self.skip_spaces();
            return self.close(Segment::Wildcard);
        }
        let mut items = vec![self.selector()?];
        self.skip_spaces();
        if self.peek() == Some(':') {
            let start = match items.pop() {
                Some(Segment::Index(i)) => Some(i),
                _ => None,
            };
            return self.slice(start);
        }
        while self.eat(',') {
            self.skip_spaces();
            items.push(self.selector()?);
            self.skip_spaces();
        }
        let segment = if items.len() == 1 {
            items.pop().unwrap_or(Segment::Wildcard)
        } else {
            Segment::Union(items)
        };
        self.close(segment)
    }

    fn close(&mut self, segment: Segment) -> Result<Segment, PathError> {
        self.skip_spaces();
        if self.eat(']') {
            Ok(segment)
        } else {
            self.err("expected ']'")
        }
    }

    fn selector(&mut self) -> Result<Segment, PathError> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.at += 1;
                let mut name = String::new();
                loop {
                    match self.peek() {
                        None => return self.err("unterminated quoted name"),
                        Some('\\') => {
                            self.at += 1;
                            let Some(c) = self.peek() else {
                                return self.err("unterminated quoted name");
                            };
                            self.at += c.len_utf8();
                            // Jayway's unescaping: the control characters and \uXXXX by their
                            // names, any other escaped character as itself.
                            match c {
                                'n' => name.push('\n'),
                                't' => name.push('\t'),
                                'r' => name.push('\r'),
                                'f' => name.push('\u{c}'),
                                'b' => name.push('\u{8}'),
                                'u' => name.push(self.unicode_escape()?),
                                other => name.push(other),
                            }
                        }
                        Some(c) if c == q => {
                            self.at += 1;
                            return Ok(Segment::Child(name));
                        }
                        Some(c) => {
                            name.push(c);
                            self.at += c.len_utf8();
                        }
                    }
                }
            }
            Some(':') => Ok(Segment::Wildcard),
            _ => self.integer().map(Segment::Index),
        }
    }

    /// The four hex digits after `\u` (a surrogate pair's second half follows as `\uXXXX`).
    fn unicode_escape(&mut self) -> Result<char, PathError> {
        let unit = self.hex4()?;
        if (0xD800..0xDC00).contains(&unit) && self.text[self.at..].starts_with("\\u") {
            let save = self.at;
            self.at += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code).map_or_else(|| self.err("invalid \\u escape"), Ok);
            }
            self.at = save;
        }
        char::from_u32(unit).map_or_else(|| self.err("invalid \\u escape (a lone surrogate)"), Ok)
    }

    fn hex4(&mut self) -> Result<u32, PathError> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.at += 4;
                Ok(v)
            }
            _ => self.err("\\u must be followed by four hex digits"),
        }
    }

    fn integer(&mut self) -> Result<i64, PathError> {
        let start = self.at;
        self.eat('-');
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.text[start..self.at].parse().or_else(|_| {
            self.at = start;
            self.err("expected a quoted name, an index, '*' or a filter inside '[ ]'")
        })
    }

    fn optional_integer(&mut self) -> Result<Option<i64>, PathError> {
        self.skip_spaces();
        if self.peek().is_some_and(|c| c == '-' || c.is_ascii_digit()) {
            self.integer().map(Some)
        } else {
            Ok(None)
        }
    }

    fn slice(&mut self, start: Option<i64>) -> Result<Segment, PathError> {
        self.at += 1; // ':'
        let end = self.optional_integer()?;
        self.skip_spaces();
        let step = if self.eat(':') {
            self.optional_integer()?
        } else {
            None
        };
        self.close(Segment::Slice(start, end, step))
    }

    fn filter(&mut self) -> Result<Segment, PathError> {
        if !self.eat('(') {
            return self.err("expected '(' after '?'");
        }
        let start = self.at;
        let mut depth = 1usize;
        let mut quote = None;
        while let Some(c) = self.peek() {
            self.at += c.len_utf8();
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), '\\') => {
                    self.at += self.peek().map_or(0, char::len_utf8);
                }
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '(') => depth += 1,
                (None, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        let body = self.text[start..self.at - 1].to_owned();
                        // Parsed now, so the validator and the compiler report a filter that
                        // does not read (where it is), and runs never parse it again.
                        return match super::filter::Filter::parse(&body) {
                            Ok(filter) => self.close(Segment::Filter(FilterSegment {
                                text: body,
                                filter: std::sync::Arc::new(filter),
                            })),
                            Err(e) => {
                                self.at = start + e.offset;
                                self.err(format!("in the filter: {}", e.message))
                            }
                        };
                    }
                }
                _ => {}
            }
        }
        self.err("unterminated filter: expected ')'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(s: &str) -> Segment {
        Segment::Child(s.to_owned())
    }

    #[test]
    fn parses_the_forms_asl_uses() {
        let cases: &[(&str, Root, Vec<Segment>)] = &[
            ("$", Root::Input, vec![]),
            ("$.a.b", Root::Input, vec![child("a"), child("b")]),
            ("$.order-id", Root::Input, vec![child("order-id")]),
            (
                "$['a b'][0]",
                Root::Input,
                vec![child("a b"), Segment::Index(0)],
            ),
            (
                "$$.Map.Item.Value",
                Root::Context,
                vec![child("Map"), child("Item"), child("Value")],
            ),
            ("$total.x", Root::Variable("total".into()), vec![child("x")]),
            (
                "$.items[*].id",
                Root::Input,
                vec![child("items"), Segment::Wildcard, child("id")],
            ),
            (
                "$..id",
                Root::Input,
                vec![Segment::Descendant(Box::new(child("id")))],
            ),
            (
                "$.a[1:3]",
                Root::Input,
                vec![child("a"), Segment::Slice(Some(1), Some(3), None)],
            ),
            ("$.a[-1]", Root::Input, vec![child("a"), Segment::Index(-1)]),
            (
                "$.a[?(@.p < 10)]",
                Root::Input,
                vec![
                    child("a"),
                    Segment::Filter(FilterSegment {
                        text: "@.p < 10".into(),
                        filter: std::sync::Arc::new(
                            crate::expr::filter::Filter::parse("@.p < 10").expect("filter"),
                        ),
                    }),
                ],
            ),
            (
                "$.[0].body",
                Root::Input,
                vec![Segment::Index(0), child("body")],
            ),
            (
                "$.a[0,2]",
                Root::Input,
                vec![
                    child("a"),
                    Segment::Union(vec![Segment::Index(0), Segment::Index(2)]),
                ],
            ),
        ];
        for (text, root, segments) in cases {
            let p = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&p.root, root, "{text}");
            assert_eq!(&p.segments, segments, "{text}");
        }
    }

    #[test]
    fn rejects_malformed_paths() {
        for text in [
            "",
            "a.b",
            "$.",
            "$.a[",
            "$.a[0",
            "$.a[x]",
            "$.a[?(@.b]",
            "$ .a",
            "$['a",
        ] {
            assert!(Path::parse(text).is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn reference_paths_name_one_node() {
        for ok in ["$", "$.a", "$.a[0].b", "$$.Execution.Id", "$x", "$['a.b']"] {
            assert!(Path::parse_reference(ok).is_ok(), "{ok}");
        }
        for bad in [
            "$.a[*]",
            "$..a",
            "$.a[?(@.x)]",
            "$.a[0:2]",
            "$.a[0,1]",
            "$.a[-1]",
            "$.*",
        ] {
            assert!(Path::parse_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn variable_names() {
        assert!(is_variable_name("total_1"));
        assert!(is_variable_name("_x"));
        assert!(!is_variable_name("1x"));
        assert!(!is_variable_name("a-b"));
        assert!(!is_variable_name(""));
    }
}
