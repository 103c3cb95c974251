//! JSON shown as a tree that opens and closes, for the Run mode's event details: strings that
//! hold JSON text (the `input` and `output` of AWS's events) are shown parsed, not escaped.

use egui::{RichText, Ui};
use serde_json::Value;

/// At most this many members of one object or array are listed.
const MAX_CHILDREN: usize = 500;
/// Levels open at first.
const OPEN_DEPTH: usize = 3;

/// A JSON value ready to draw: JSON text inside strings already parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonTree {
    /// A number, `true`, `false`, `null`, or a string (quoted).
    Leaf(String),
    /// An object's members, in order.
    Object(Vec<(String, JsonTree)>),
    /// An array's elements.
    Array(Vec<JsonTree>),
    /// A string holding a JSON object or array, parsed.
    Text(Box<JsonTree>),
}

impl JsonTree {
    /// The tree of a value.
    pub fn new(value: &Value) -> Self {
        match value {
            Value::Object(m) => {
                Self::Object(m.iter().map(|(k, v)| (k.clone(), Self::new(v))).collect())
            }
            Value::Array(a) => Self::Array(a.iter().map(Self::new).collect()),
            Value::String(s) => {
                let t = s.trim_start();
                match (t.starts_with('{') || t.starts_with('['))
                    .then(|| serde_json::from_str::<Value>(s).ok())
                    .flatten()
                {
                    Some(parsed) => Self::Text(Box::new(Self::new(&parsed))),
                    None => Self::Leaf(Value::String(s.clone()).to_string()),
                }
            }
            other => Self::Leaf(other.to_string()),
        }
    }

    /// A word for what it holds when closed: `{3 keys}`, `[2 items]`.
    fn summary(&self) -> String {
        match self {
            Self::Leaf(s) => s.clone(),
            Self::Object(m) => format!("{{{} keys}}", m.len()),
            Self::Array(a) => format!("[{} items]", a.len()),
            Self::Text(inner) => format!("{} (JSON text)", inner.summary()),
        }
    }
}

/// Draws a tree; `id` tells trees apart.
pub fn json_tree_ui(ui: &mut Ui, id: egui::Id, tree: &JsonTree) {
    node_ui(ui, id, None, tree, 0);
}

fn node_ui(ui: &mut Ui, id: egui::Id, key: Option<&str>, tree: &JsonTree, depth: usize) {
    let label = |value: &str| match key {
        Some(k) => format!("{k}: {value}"),
        None => value.to_owned(),
    };
    let inner = match tree {
        JsonTree::Leaf(s) => {
            ui.add(egui::Label::new(RichText::new(label(s)).monospace()).wrap());
            return;
        }
        JsonTree::Text(inner) => inner,
        _ => tree,
    };
    egui::CollapsingHeader::new(RichText::new(label(&tree.summary())).monospace())
        .id_salt(id)
        .default_open(depth < OPEN_DEPTH)
        .show(ui, |ui| match inner {
            JsonTree::Object(members) => {
                for (k, v) in members.iter().take(MAX_CHILDREN) {
                    node_ui(ui, id.with(k), Some(k), v, depth + 1);
                }
                more_ui(ui, members.len());
            }
            JsonTree::Array(items) => {
                for (i, v) in items.iter().enumerate().take(MAX_CHILDREN) {
                    node_ui(ui, id.with(i), Some(&i.to_string()), v, depth + 1);
                }
                more_ui(ui, items.len());
            }
            leaf => node_ui(ui, id.with("text"), None, leaf, depth + 1),
        });
}

fn more_ui(ui: &mut Ui, len: usize) {
    if len > MAX_CHILDREN {
        ui.label(RichText::new(format!("… {} more", len - MAX_CHILDREN)).weak());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_text_in_strings_is_parsed() {
        let tree = JsonTree::new(&json!({"input": "{\"a\": [1, 2]}", "name": "{not json"}));
        let JsonTree::Object(m) = tree else {
            panic!("an object")
        };
        assert_eq!(
            m[0].1,
            JsonTree::Text(Box::new(JsonTree::Object(vec![(
                "a".into(),
                JsonTree::Array(vec![JsonTree::Leaf("1".into()), JsonTree::Leaf("2".into())])
            )])))
        );
        assert_eq!(m[1].1, JsonTree::Leaf("\"{not json\"".into()));
        assert_eq!(m[0].1.summary(), "{1 keys} (JSON text)");
    }
}
