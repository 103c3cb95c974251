//! JSONata inside a definition: `{% expression %}` strings.

/// The expression inside a `{% ... %}` string, if the string is one.
///
/// AWS requires the delimiters to enclose the whole string: `"{% $x %}"` is an expression,
/// `"total: {% $x %}"` is not (and [`misplaced_delimiters`] reports it).
pub fn expression(text: &str) -> Option<&str> {
    text.strip_prefix("{%")?.strip_suffix("%}")
}

/// Whether a string holds `{%` ... `%}` but not as the whole string.
pub fn misplaced_delimiters(text: &str) -> bool {
    expression(text).is_none() && text.contains("{%") && text.contains("%}")
}

/// How deeply `(`, `[` and `{` may nest in a JSONata expression. jsonata-core's parser recurses
/// per level (and stops itself only at 1,000), so the text is checked before it is handed over.
pub const MAX_JSONATA_NESTING: usize = super::MAX_EXPR_DEPTH;

/// The message and byte offset when brackets in `expression` nest deeper than
/// [`MAX_JSONATA_NESTING`] (strings and comments skipped; no recursion).
pub fn check_nesting(expression: &str) -> Result<(), String> {
    let bytes = expression.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' | b'\'' | b'`' => {
                at += 1;
                while let Some(&c) = bytes.get(at) {
                    if c == b'\\' && b != b'`' {
                        at += 1;
                    } else if c == b {
                        break;
                    }
                    at += 1;
                }
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = expression[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + 2 + end + 1);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSONATA_NESTING {
                    return Err(format!(
                        "brackets nest deeper than {MAX_JSONATA_NESTING} levels at character {}; \
                         split the expression (a variable per level, or one state per step)",
                        expression[..at].chars().count() + 1
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    Ok(())
}

/// Checks the syntax of a JSONata expression, returning the parser's message when it is invalid.
pub fn check_syntax(expression: &str) -> Result<(), String> {
    if expression.trim().is_empty() {
        return Err("the expression is empty".to_owned());
    }
    check_nesting(expression)?;
    jsonata_core::parser::parse(expression)
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whole_string_expressions() {
        assert_eq!(
            expression("{% $states.input.x %}"),
            Some(" $states.input.x ")
        );
        assert_eq!(expression("x {% 1 %}"), None);
        assert!(misplaced_delimiters("total: {% $x %}"));
        assert!(!misplaced_delimiters("{% $x %}"));
        assert!(!misplaced_delimiters("50% off {%"));
    }

    #[test]
    fn checks_syntax() {
        assert!(check_syntax("$states.input.items[price > 10].name").is_ok());
        assert!(check_syntax("$sum($states.input.a) +").is_err());
        assert!(check_syntax("  ").is_err());
    }
}
