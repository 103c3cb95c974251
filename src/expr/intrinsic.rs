//! Intrinsic functions (`States.Format('{}', $.x)` and the rest): parsing and the signature table.

use super::MAX_EXPR_DEPTH;
use super::path::{Path, PathError};
use std::fmt;
use std::sync::Arc;

macro_rules! functions {
    ($( $variant:ident = $name:literal, $min:expr, $max:expr; )*) => {
        /// Every intrinsic function Step Functions defines.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Function {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl Function {
            /// Every function, in declaration order.
            pub const ALL: &'static [Function] = &[$(Function::$variant,)*];

            /// The function's full name, such as `States.Format`.
            pub fn name(self) -> &'static str {
                match self { $(Function::$variant => $name,)* }
            }

            /// The fewest and most arguments the function takes (`None`: no upper bound).
            pub fn arity(self) -> (usize, Option<usize>) {
                match self { $(Function::$variant => ($min, $max),)* }
            }

            /// Looks a function up by its full name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Function::$variant),)* _ => None }
            }
        }
    };
}

functions! {
    Format = "States.Format", 1, None;
    StringToJson = "States.StringToJson", 1, Some(1);
    JsonToString = "States.JsonToString", 1, Some(1);
    Array = "States.Array", 0, None;
    ArrayPartition = "States.ArrayPartition", 2, Some(2);
    ArrayContains = "States.ArrayContains", 2, Some(2);
    ArrayRange = "States.ArrayRange", 3, Some(3);
    ArrayGetItem = "States.ArrayGetItem", 2, Some(2);
    ArrayLength = "States.ArrayLength", 1, Some(1);
    ArrayUnique = "States.ArrayUnique", 1, Some(1);
    Base64Encode = "States.Base64Encode", 1, Some(1);
    Base64Decode = "States.Base64Decode", 1, Some(1);
    Hash = "States.Hash", 2, Some(2);
    JsonMerge = "States.JsonMerge", 3, Some(3);
    MathRandom = "States.MathRandom", 2, Some(3);
    MathAdd = "States.MathAdd", 2, Some(2);
    StringSplit = "States.StringSplit", 2, Some(2);
    Uuid = "States.UUID", 0, Some(0);
}

/// One argument of an intrinsic call.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `'text'`, with `\'`, `\{`, `\}` and `\\` unescaped.
    String(Arc<str>),
    /// A number literal.
    Number(serde_json::Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A path into the input, the Context object or a variable.
    Path(Path),
    /// A nested call.
    Call(Call),
}

/// A parsed intrinsic call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Which function.
    pub function: Function,
    /// Its arguments, as written.
    pub args: Vec<Arg>,
}

/// Why an intrinsic call did not parse or does not fit its function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    /// Byte offset into the call text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

impl std::error::Error for IntrinsicError {}

/// Whether a string is meant as an intrinsic call (it starts with `States.` and a name).
pub fn looks_like_call(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

impl Call {
    /// Parses a whole call such as `States.Format('{}', $.name)`.
    pub fn parse(text: &str) -> Result<Self, IntrinsicError> {
        let mut p = Parser {
            text,
            at: 0,
            depth: 0,
        };
        p.spaces();
        let call = p.call()?;
        p.spaces();
        if p.at < text.len() {
            return p.err("unexpected text after the closing ')'");
        }
        Ok(call)
    }
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
    /// Calls open around the one being read (bounded by [`MAX_EXPR_DEPTH`]).
    depth: usize,
}

impl Parser<'_> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, IntrinsicError> {
        Err(IntrinsicError {
            offset: self.at,
            message: message.into(),
        })
    }

    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += self.peek().map_or(1, char::len_utf8);
        }
    }

    fn call(&mut self) -> Result<Call, IntrinsicError> {
        if self.depth >= MAX_EXPR_DEPTH {
            return self.err(format!(
                "intrinsic calls nest deeper than {MAX_EXPR_DEPTH} levels here; compute the value \
                 in steps (a Pass state per level) instead"
            ));
        }
        self.depth += 1;
        let call = self.call_body();
        self.depth -= 1;
        call
    }

    fn call_body(&mut self) -> Result<Call, IntrinsicError> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            self.at += 1;
        }
        let name = &self.text[start..self.at];
        let Some(function) = Function::from_name(name) else {
            self.at = start;
            return self.err(format!(
                "'{name}' is not an intrinsic function; the functions are {}",
                Function::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        self.spaces();
        if self.peek() != Some('(') {
            return self.err(format!("expected '(' after {name}"));
        }
        self.at += 1;
        let mut args = Vec::new();
        self.spaces();
        if self.peek() == Some(')') {
            self.at += 1;
        } else {
            loop {
                self.spaces();
                args.push(self.arg()?);
                self.spaces();
                match self.peek() {
                    Some(',') => self.at += 1,
                    Some(')') => {
                        self.at += 1;
                        break;
                    }
                    _ => return self.err("expected ',' or ')' after an argument"),
                }
            }
        }
        let (min, max) = function.arity();
        let count = args.len();
        if count < min || max.is_some_and(|max| count > max) {
            let expected = match (min, max) {
                (a, Some(b)) if a == b => format!("{a}"),
                (a, Some(b)) => format!("{a} to {b}"),
                (a, None) => format!("at least {a}"),
            };
            self.at = start;
            return self.err(format!(
                "{name} takes {expected} argument{}, not {count}",
                if expected == "1" { "" } else { "s" }
            ));
        }
        Ok(Call { function, args })
    }

    fn arg(&mut self) -> Result<Arg, IntrinsicError> {
        match self.peek() {
            Some('\'') => self.string().map(|s| Arg::String(s.into())),
            Some('$') => {
                let start = self.at;
                let end = self.path_end();
                self.at = end;
                Path::parse(&self.text[start..end]).map(Arg::Path).map_err(
                    |PathError { offset, message }| IntrinsicError {
                        offset: start + offset,
                        message,
                    },
                )
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                {
                    self.at += 1;
                }
                match serde_json::from_str::<serde_json::Number>(&self.text[start..self.at]) {
                    Ok(n) => Ok(Arg::Number(n)),
                    Err(_) => {
                        self.at = start;
                        self.err("malformed number")
                    }
                }
            }
            _ if self.rest().starts_with("States.") => self.call().map(Arg::Call),
            _ => {
                for (word, arg) in [
                    ("true", Arg::Bool(true)),
                    ("false", Arg::Bool(false)),
                    ("null", Arg::Null),
                ] {
                    if self.rest().starts_with(word) {
                        self.at += word.len();
                        return Ok(arg);
                    }
                }
                self.err("expected a string in single quotes, a number, true, false, null, a path or a States.* call")
            }
        }
    }

    /// Where a path argument ends: at the first ',' or ')' outside brackets and quotes.
    fn path_end(&self) -> usize {
        let mut depth = 0usize;
        let mut quote = None;
        let mut escaped = false;
        for (i, c) in self.rest().char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match (quote, c) {
                (Some(_), '\\') => escaped = true,
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '(') => depth += 1,
                (None, ']') => depth = depth.saturating_sub(1),
                (None, ')') if depth > 0 => depth -= 1,
                (None, ',' | ')') if depth == 0 => return self.at + i,
                (None, c) if c.is_whitespace() && depth == 0 => return self.at + i,
                _ => {}
            }
        }
        self.text.len()
    }

    fn string(&mut self) -> Result<String, IntrinsicError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    self.at = start;
                    return self.err("unterminated string: expected a closing single quote");
                }
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c) => {
                            // `\{` and `\}` stay escaped: States.Format reads them as literal braces.
                            if matches!(c, '{' | '}') {
                                out.push('\\');
                            }
                            out.push(c);
                            self.at += c.len_utf8();
                        }
                        None => return self.err("a backslash ends the string"),
                    }
                }
                Some('\'') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.at += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls_and_every_argument_kind() {
        let call =
            Call::parse("States.Format('{} has {}', $.name, States.MathAdd($.n, -1.5))").unwrap();
        assert_eq!(call.function, Function::Format);
        assert_eq!(call.args.len(), 3);
        assert_eq!(call.args[0], Arg::String("{} has {}".into()));
        assert!(matches!(&call.args[2], Arg::Call(c) if c.function == Function::MathAdd));
        let call = Call::parse("States.Array(true, null, 3, $$.Execution.Id, $var)").unwrap();
        assert_eq!(call.args.len(), 5);
        assert_eq!(Call::parse("States.UUID()").unwrap().args, vec![]);
    }

    #[test]
    fn escapes_in_strings() {
        let call = Call::parse(r"States.Format('it\'s \{literal\} \\', $.x)").unwrap();
        assert_eq!(call.args[0], Arg::String(r"it's \{literal\} \".into()));
    }

    #[test]
    fn paths_with_brackets_and_commas_inside() {
        let call = Call::parse("States.ArrayGetItem($.a['x,y'], 0)").unwrap();
        assert_eq!(call.args.len(), 2);
    }

    #[test]
    fn checks_names_and_arity() {
        let cases = [
            ("States.Nope(1)", "not an intrinsic"),
            ("States.MathAdd(1)", "takes 2 arguments, not 1"),
            ("States.MathRandom(1, 2, 3, 4)", "takes 2 to 3 arguments"),
            ("States.UUID(1)", "takes 0 arguments"),
            ("States.Format()", "at least 1"),
            ("States.Format('x'", "expected ',' or ')'"),
            ("States.Format('x) ", "unterminated string"),
            ("States.Array(1) extra", "unexpected text"),
            ("States.Array(foo)", "expected a string"),
        ];
        for (text, want) in cases {
            let err = Call::parse(text).expect_err(text);
            assert!(err.message.contains(want), "{text}: {}", err.message);
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let at_limit = format!(
            "{}{}",
            "States.Array(".repeat(MAX_EXPR_DEPTH),
            ")".repeat(MAX_EXPR_DEPTH)
        );
        assert!(Call::parse(&at_limit).is_ok());
        let over = format!(
            "{}{}",
            "States.Array(".repeat(MAX_EXPR_DEPTH + 1),
            ")".repeat(MAX_EXPR_DEPTH + 1)
        );
        let e = Call::parse(&over).unwrap_err();
        assert_eq!(e.offset, "States.Array(".len() * MAX_EXPR_DEPTH);
        assert!(e.message.contains("deeper than 64"), "{e}");
    }
}
