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

/// Checks the syntax of a JSONata expression, returning the parser's message when it is invalid.
pub fn check_syntax(expression: &str) -> Result<(), String> {
    if expression.trim().is_empty() {
        return Err("the expression is empty".to_owned());
    }
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
