//! A definition as the user wrote it: its text, the lossless JSON value it denotes, and where each
//! value sits in the text.

use crate::diag::{Diagnostic, Location};
use crate::model::StateMachine;
use crate::numbers::NumberTexts;
use crate::placeholder::Bare;
use crate::pointer::Pointer;
use crate::source::{self, Format, SourceMap};
use crate::write;
use serde_json::Value;

/// A definition, lossless: unknown fields, key order and (until it is edited) the exact text.
#[derive(Clone, Debug)]
pub struct Document {
    text: String,
    format: Format,
    value: Value,
    map: SourceMap,
    read_warnings: Vec<Diagnostic>,
    bare: Bare,
    numbers: NumberTexts,
    edited: bool,
}

impl Document {
    /// Reads a definition from text. A text that is not JSON (or YAML) gives one diagnostic with
    /// its line:column.
    pub fn parse(text: &str, format: Format) -> Result<Self, Diagnostic> {
        let parsed = source::parse(text, format)?;
        Ok(Self {
            text: text.to_owned(),
            format,
            value: parsed.value,
            map: parsed.map,
            read_warnings: parsed.warnings,
            bare: parsed.bare,
            numbers: parsed.numbers,
            edited: false,
        })
    }

    /// Reads a definition, guessing JSON or YAML from the text.
    pub fn parse_any(text: &str) -> Result<Self, Diagnostic> {
        Self::parse(text, Format::sniff(text))
    }

    /// A new document holding `value`, written in `format`.
    pub fn from_value(value: Value, format: Format) -> Self {
        let text = write::to_string(&value, format);
        let map = source::parse(&text, format)
            .map(|p| p.map)
            .unwrap_or_default();
        Self {
            text,
            format,
            value,
            map,
            read_warnings: Vec::new(),
            bare: Bare::default(),
            numbers: NumberTexts::default(),
            edited: false,
        }
    }

    /// The document written anew from its value, as it will be saved: same format, bare
    /// placeholders still bare, positions those of the new text.
    pub fn rewritten(&self) -> Self {
        let text = self.write(self.format);
        match source::parse(&text, self.format) {
            Ok(parsed) => Self {
                text,
                format: self.format,
                value: self.value.clone(),
                map: parsed.map,
                read_warnings: Vec::new(),
                bare: parsed.bare,
                numbers: parsed.numbers,
                edited: false,
            },
            Err(_) => Self::from_value(self.value.clone(), self.format),
        }
    }

    /// The same document placed in another text: positions (and those of the warnings found
    /// while reading) come from `map` and `relocate`. Used for a definition read from inside a
    /// template, located at the template's lines.
    pub(crate) fn placed(&self, map: SourceMap, relocate: impl Fn(Location) -> Location) -> Self {
        let mut doc = self.clone();
        doc.map = map;
        for w in &mut doc.read_warnings {
            w.location = w.location.map(&relocate);
        }
        doc
    }

    /// The JSON value of the definition.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Replaces the value (an edit); the text is regenerated when saved.
    pub fn set_value(&mut self, value: Value) {
        self.value = value;
        self.edited = true;
    }

    /// The format the definition was read in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the value changed since it was read.
    pub fn is_edited(&self) -> bool {
        self.edited
    }

    /// The text as read.
    pub fn source_text(&self) -> &str {
        &self.text
    }

    /// The text to save: byte for byte the original until the document is edited, then the value
    /// written out in the document's format.
    pub fn to_text(&self) -> String {
        if self.edited {
            self.write(self.format)
        } else {
            self.text.clone()
        }
    }

    /// The value written out in `format`, normalised (what `stepcraft fmt` prints).
    ///
    /// A placeholder that stood bare in JSON is written bare in either format. One that was a
    /// plain YAML scalar is a string as far as YAML goes (SAM turns YAML into JSON before it
    /// substitutes), so it is quoted in JSON.
    pub fn formatted(&self, format: Format) -> String {
        if self.bare.is_yaml() && format == Format::Json {
            write::to_string_kept(&self.value, format, &Bare::default(), &self.numbers)
        } else {
            self.write(format)
        }
    }

    /// The value written in `format`, bare placeholders bare and numbers as they were read.
    fn write(&self, format: Format) -> String {
        write::to_string_kept(&self.value, format, &self.bare, &self.numbers)
    }

    /// The placeholders written bare (unquoted) in the text; they read as strings and are written
    /// back without quotes.
    pub fn bare_placeholders(&self) -> &Bare {
        &self.bare
    }

    /// Marks the whole-placeholder string at `pointer` as bare, so it is written without quotes
    /// (a placeholder typed where a number goes).
    pub fn mark_bare(&mut self, pointer: Pointer) {
        if self.bare.is_empty() {
            self.bare = Bare::new(
                &self.value,
                std::collections::BTreeSet::new(),
                self.format == Format::Yaml,
            );
        }
        self.bare.mark(pointer);
    }

    /// Where a pointer sits in the source text (for an edited document, in the text as read).
    pub fn locate(&self, pointer: &Pointer) -> Option<Location> {
        self.map.locate(pointer)
    }

    /// Where each value sits in the text.
    pub(crate) fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// Problems found while reading that did not stop it (duplicate keys).
    pub fn read_warnings(&self) -> &[Diagnostic] {
        &self.read_warnings
    }

    /// The typed view of the definition and the problems found while reading it.
    pub fn model(&self) -> (StateMachine, Vec<Diagnostic>) {
        let mut diags = crate::diag::Diagnostics::default();
        let machine = StateMachine::read(&self.value, &mut diags);
        (machine, diags.0)
    }
}
