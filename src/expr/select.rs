//! Evaluating ASL paths against values: selecting nodes (InputPath, `.$` fields, Variable),
//! getting the one node a reference path names, and writing through ResultPath.
//!
//! Error texts follow what AWS (Jayway JsonPath underneath) reports, since users and recorded
//! executions see them: "No results for path: $['a']" when the last step is missing and
//! "Missing property in path $['a']" when an intermediate one is.

use super::path::{Path, Segment};
use crate::value::Val;
use std::fmt::Write as _;

/// Why a path found nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathMissing {
    /// AWS's description, such as `No results for path: $['a']`.
    pub message: String,
}

/// Why ResultPath could not write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteFailure {
    /// What went wrong, in words.
    pub message: String,
}

fn normalized(segments: &[Segment]) -> String {
    let mut out = String::from("$");
    for s in segments {
        match s {
            Segment::Child(name) => {
                let _ = write!(out, "['{name}']");
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Segment::Wildcard => out.push_str("[*]"),
            _ => out.push_str("[?]"),
        }
    }
    out
}

fn index_of(len: usize, i: i64) -> Option<usize> {
    if i >= 0 {
        usize::try_from(i).ok().filter(|&u| u < len)
    } else {
        let back = usize::try_from(i.unsigned_abs()).ok()?;
        len.checked_sub(back)
    }
}

impl Path {
    /// Whether the path names at most one node (no wildcards, filters, slices, unions or `..`).
    pub fn is_definite(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Child(_) | Segment::Index(_)))
    }

    /// The value the path gives when applied to `root` (whatever the root stands for):
    /// for a definite path, the one node or an error; otherwise an array of every match (possibly
    /// empty), as Jayway returns.
    pub fn apply(&self, root: &Val) -> Result<Val, PathMissing> {
        if self.is_definite() {
            self.get(root)
        } else {
            let mut out = Vec::new();
            select_into(root, &self.segments, root, &mut out);
            Ok(Val::array(out))
        }
    }

    /// The one node a definite path names.
    pub fn get(&self, root: &Val) -> Result<Val, PathMissing> {
        let mut node = root;
        for (i, segment) in self.segments.iter().enumerate() {
            let next = match (segment, node) {
                (Segment::Child(name), Val::Object(_)) => node.get(name),
                (Segment::Index(idx), Val::Array(a)) => {
                    index_of(a.items().len(), *idx).map(|u| &a.items()[u])
                }
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => {
                    let last = i + 1 == self.segments.len();
                    let message = if last {
                        format!("No results for path: {}", normalized(&self.segments))
                    } else {
                        format!(
                            "Missing property in path {}",
                            normalized(&self.segments[..=i])
                        )
                    };
                    return Err(PathMissing { message });
                }
            }
        }
        Ok(node.clone())
    }

    /// Whether the path finds a node (for `IsPresent`).
    pub fn exists(&self, root: &Val) -> bool {
        if self.is_definite() {
            self.get(root).is_ok()
        } else {
            let mut out = Vec::new();
            select_into(root, &self.segments, root, &mut out);
            !out.is_empty()
        }
    }

    /// Writes `value` at this reference path inside `root`, creating missing objects on the way,
    /// as ResultPath does. `$` replaces the root.
    pub fn set(&self, root: &mut Val, value: Val) -> Result<(), WriteFailure> {
        set_at(root, &self.segments, value, &self.segments)
    }
}

fn set_at(
    node: &mut Val,
    rest: &[Segment],
    value: Val,
    all: &[Segment],
) -> Result<(), WriteFailure> {
    let Some((first, tail)) = rest.split_first() else {
        *node = value;
        return Ok(());
    };
    let fail = |node: &Val| WriteFailure {
        message: format!(
            "Unable to apply step \"{}\" to input {}",
            match first {
                Segment::Child(n) => n.clone(),
                Segment::Index(i) => i.to_string(),
                _ => "?".to_owned(),
            },
            node.to_json_string()
        ),
    };
    match first {
        Segment::Child(name) if tail.is_empty() => {
            node.set_field(name, value).map_err(|_| fail(node))
        }
        Segment::Child(name) => {
            if let Some(map) = node.as_object()
                && !map.contains_key(name.as_str())
                && let Some(step) = tail.iter().find(|s| !matches!(s, Segment::Child(_)))
            {
                // A missing key is created as an empty object, and the path then fails at its
                // first step that is not a name. That failure is reported from here, before
                // anything is created: a failed write leaves the value as it was, so the state
                // input it was written into is still the state input (for Catch and redrive).
                return Err(match step {
                    Segment::Index(i) => WriteFailure {
                        message: format!("Unable to apply step \"{i}\" to input {{}}"),
                    },
                    _ => WriteFailure {
                        message: format!("ResultPath {} must name a single node", normalized(all)),
                    },
                });
            }
            let Some(map) = node.object_mut() else {
                return Err(fail(node));
            };
            let slot = map.entry(name.as_str().into()).or_insert_with(|| {
                if tail.is_empty() {
                    Val::Null
                } else {
                    Val::object(Default::default())
                }
            });
            set_at(slot, tail, value, all)
        }
        Segment::Index(i) => {
            let len = node.as_array().map(<[Val]>::len);
            let Some(u) = len.and_then(|len| index_of(len, *i)) else {
                return Err(fail(node));
            };
            let items = node.array_mut().ok_or_else(|| WriteFailure {
                message: String::new(),
            })?;
            set_at(&mut items[u], tail, value, all)
        }
        _ => Err(WriteFailure {
            message: format!("ResultPath {} must name a single node", normalized(all)),
        }),
    }
}

/// Every node `segments` select from `node`; `root` is the whole document (`$` in filters).
fn select_into(node: &Val, segments: &[Segment], root: &Val, out: &mut Vec<Val>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(node.clone());
        return;
    };
    match first {
        Segment::Child(name) => {
            if let Some(v) = node.get(name) {
                select_into(v, rest, root, out);
            }
        }
        Segment::Index(i) => {
            if let Some(items) = node.as_array()
                && let Some(u) = index_of(items.len(), *i)
            {
                select_into(&items[u], rest, root, out);
            }
        }
        Segment::Wildcard => match node {
            Val::Array(a) => a
                .items()
                .iter()
                .for_each(|v| select_into(v, rest, root, out)),
            Val::Object(o) => o
                .map()
                .values()
                .for_each(|v| select_into(v, rest, root, out)),
            _ => {}
        },
        Segment::Union(parts) => {
            for part in parts {
                select_into(node, &prepend(part, rest), root, out);
            }
        }
        Segment::Slice(start, end, step) => {
            if let Some(items) = node.as_array() {
                for idx in slice_indexes(items.len(), *start, *end, *step) {
                    select_into(&items[idx], rest, root, out);
                }
            }
        }
        Segment::Descendant(inner) => {
            let step = prepend(inner, rest);
            select_into(node, &step, root, out);
            match node {
                Val::Array(a) => a
                    .items()
                    .iter()
                    .for_each(|v| select_into(v, segments, root, out)),
                Val::Object(o) => o
                    .map()
                    .values()
                    .for_each(|v| select_into(v, segments, root, out)),
                _ => {}
            }
        }
        Segment::Filter(f) => match node {
            Val::Array(a) => {
                for item in a.items() {
                    if f.filter.matches(item, root) {
                        select_into(item, rest, root, out);
                    }
                }
            }
            Val::Object(_) if f.filter.matches(node, root) => select_into(node, rest, root, out),
            _ => {}
        },
    }
}

fn prepend(first: &Segment, rest: &[Segment]) -> Vec<Segment> {
    let mut v = Vec::with_capacity(rest.len() + 1);
    v.push(first.clone());
    v.extend_from_slice(rest);
    v
}

fn slice_indexes(
    len: usize,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Vec<usize> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let norm = |v: i64| {
        if v < 0 {
            (len_i + v).max(0)
        } else {
            v.min(len_i)
        }
    };
    let step = step.unwrap_or(1);
    if step <= 0 {
        return Vec::new();
    }
    let s = norm(start.unwrap_or(0));
    let e = norm(end.unwrap_or(len_i));
    (s..e)
        .step_by(usize::try_from(step).unwrap_or(1))
        .filter_map(|i| usize::try_from(i).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(j: serde_json::Value) -> Val {
        Val::from(j)
    }

    #[test]
    fn selects_like_jayway() {
        let doc = v(
            json!({"a": {"b": [1, 2, 3]}, "items": [{"id": 1, "p": 5}, {"id": 2, "p": 15}], "my-key": "h"}),
        );
        let cases = [
            ("$", doc.to_value()),
            ("$.a.b[1]", json!(2)),
            ("$.a.b[-1]", json!(3)),
            ("$.my-key", json!("h")),
            ("$.items[*].id", json!([1, 2])),
            ("$..id", json!([1, 2])),
            ("$.a.b[0:2]", json!([1, 2])),
            ("$.a.b[0,2]", json!([1, 3])),
            ("$.items[?(@.p > 10)].id", json!([2])),
            ("$.nothing[*]", json!([])),
        ];
        for (path, want) in cases {
            let got = Path::parse(path).unwrap().apply(&doc).unwrap();
            assert_eq!(got.to_value(), want, "{path}");
        }
    }

    #[test]
    fn missing_paths_say_what_aws_says() {
        let doc = v(json!({}));
        let e = Path::parse("$.no.such.path")
            .unwrap()
            .apply(&doc)
            .unwrap_err();
        assert_eq!(e.message, "Missing property in path $['no']");
        let e = Path::parse("$.NoSuchOutputPath")
            .unwrap()
            .apply(&doc)
            .unwrap_err();
        assert_eq!(e.message, "No results for path: $['NoSuchOutputPath']");
    }

    #[test]
    fn result_path_writes_and_creates() {
        let mut doc = v(json!({"a": 1}));
        Path::parse("$.x.y")
            .unwrap()
            .set(&mut doc, Val::int(2))
            .unwrap();
        assert_eq!(doc.to_value(), json!({"a": 1, "x": {"y": 2}}));
        Path::parse("$.a")
            .unwrap()
            .set(&mut doc, Val::int(3))
            .unwrap();
        assert_eq!(doc.to_value(), json!({"a": 3, "x": {"y": 2}}));
        let mut s = v(json!("text"));
        assert!(
            Path::parse("$.a")
                .unwrap()
                .set(&mut s, Val::int(1))
                .is_err()
        );
        let mut root = v(json!({"a": 1}));
        Path::parse("$")
            .unwrap()
            .set(&mut root, Val::int(9))
            .unwrap();
        assert_eq!(root.to_value(), json!(9));
    }

    #[test]
    fn a_failed_result_path_write_leaves_the_value_as_it_was() {
        // Each path fails below a missing key (which a write would create as `{}`) or at an
        // existing value of the wrong type; the message is the one the write fails with.
        for (path, message) in [
            ("$.x.y[0]", "Unable to apply step \"0\" to input {}"),
            ("$.x[2]", "Unable to apply step \"2\" to input {}"),
            ("$.a.b", "Unable to apply step \"b\" to input 1"),
            ("$.l[5].z", "Unable to apply step \"5\" to input [{}]"),
            ("$.l[0].q[1]", "Unable to apply step \"1\" to input {}"),
        ] {
            let before = json!({"a": 1, "l": [{}]});
            let mut doc = v(before.clone());
            let e = Path::parse(path)
                .unwrap()
                .set(&mut doc, Val::int(2))
                .unwrap_err();
            assert_eq!(e.message, message, "{path}");
            assert_eq!(doc.to_value(), before, "{path}");
        }
    }
}
