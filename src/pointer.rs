//! JSON pointers (RFC 6901): where in a definition a field or problem lives.

use std::fmt;

/// A JSON pointer such as `/States/Charge card/Retry/0/MaxAttempts`.
///
/// Stored already escaped (`~0` for `~`, `~1` for `/`), so it can be printed and compared as is.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses an already escaped pointer (`""` or starting with `/`).
    pub fn from_escaped(text: &str) -> Option<Self> {
        (text.is_empty() || text.starts_with('/')).then(|| Self(text.to_owned()))
    }

    /// The pointer one step down, into an object key.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + key.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        push_escaped(&mut out, key);
        Self(out)
    }

    /// The pointer one step down, into an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The escaped text of the pointer.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens, from the root down.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
    }

    /// The pointer one step up; the root is its own parent.
    #[must_use]
    pub fn parent(&self) -> Self {
        match self.0.rfind('/') {
            Some(at) => Self(self.0[..at].to_owned()),
            None => Self::root(),
        }
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0.starts_with(&other.0)
            && (self.0.len() == other.0.len() || self.0.as_bytes()[other.0.len()] == b'/')
    }

    /// Looks the pointer up in a JSON value.
    pub fn resolve<'v>(&self, value: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        value.pointer(&self.0)
    }
}

fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes_tokens() {
        let p = Pointer::root().key("States").key("a/b~c").index(2);
        assert_eq!(p.as_str(), "/States/a~1b~0c/2");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["States", "a/b~c", "2"]);
        assert_eq!(p.parent().as_str(), "/States/a~1b~0c");
    }

    #[test]
    fn starts_with_respects_token_boundaries() {
        let a = Pointer::root().key("States").key("A");
        let ab = Pointer::root().key("States").key("AB");
        assert!(a.key("Next").starts_with(&a));
        assert!(!ab.starts_with(&a));
        assert!(a.starts_with(&Pointer::root()));
    }

    #[test]
    fn resolves_in_a_value() {
        let v = serde_json::json!({"States": {"a/b": {"Next": "X"}}});
        let p = Pointer::root().key("States").key("a/b").key("Next");
        assert_eq!(p.resolve(&v), Some(&serde_json::json!("X")));
    }
}
