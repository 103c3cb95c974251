//! Source text: reading JSON or YAML into a JSON value, and mapping JSON pointers back to line:column.

use crate::diag::{Code, Diagnostic, Location};
use crate::numbers::NumberTexts;
use crate::placeholder::Bare;
use crate::pointer::Pointer;
use serde_json::{Map, Number, Value};
use std::collections::{BTreeSet, HashMap};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The two text formats a definition can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// JSON, the format AWS stores.
    #[default]
    Json,
    /// YAML, as SAM and CloudFormation templates embed it.
    Yaml,
}

impl Format {
    /// The format a file name implies, if its extension says.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            _ => None,
        }
    }

    /// Guesses the format from the text: JSON starts with `{` or `[`.
    pub fn sniff(text: &str) -> Self {
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{' | b'[') => Self::Json,
            _ => Self::Yaml,
        }
    }
}

/// Where a value sits in the source text: the byte offset of its key (for object members) and of
/// the value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    key: Option<u32>,
    value: u32,
}

/// Maps JSON pointers to positions in the text they were read from.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    spans: HashMap<Box<str>, Span>,
    line_starts: Vec<u32>,
    text: String,
}

impl SourceMap {
    pub(crate) fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| to_u32(i + 1)),
        );
        Self {
            spans: HashMap::new(),
            line_starts,
            text: text.to_owned(),
        }
    }

    /// The line and column of a byte offset.
    pub fn location_of_offset(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            .max(1);
        let start = self.line_starts[line - 1] as usize;
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Location {
            line: to_u32(line),
            column: to_u32(column + 1),
        }
    }

    /// The line:column of the value at `pointer` (its key, for object members), or of the nearest
    /// enclosing value that exists in the text.
    pub fn locate(&self, pointer: &Pointer) -> Option<Location> {
        let mut p = pointer.clone();
        loop {
            if let Some(span) = self.spans.get(p.as_str()) {
                return Some(self.location_of_offset(span.key.unwrap_or(span.value) as usize));
            }
            if p.as_str().is_empty() {
                return None;
            }
            p = p.parent();
        }
    }

    /// The line:column of the value itself at `pointer` (not its key), if it is in the text.
    pub fn locate_value(&self, pointer: &Pointer) -> Option<Location> {
        self.spans
            .get(pointer.as_str())
            .map(|span| self.location_of_offset(span.value as usize))
    }

    /// The byte offset where the value at `pointer` starts in the text, if it is there.
    pub(crate) fn value_offset(&self, pointer: &Pointer) -> Option<usize> {
        self.spans.get(pointer.as_str()).map(|s| s.value as usize)
    }

    /// The byte offset where the key of the member at `pointer` starts, if it is there.
    pub(crate) fn key_offset(&self, pointer: &Pointer) -> Option<usize> {
        self.spans
            .get(pointer.as_str())
            .and_then(|s| s.key.map(|k| k as usize))
    }

    /// This map's positions moved into `into`'s text: `offsets` gives, for each byte of this
    /// map's text, the byte of `into`'s text it came from.
    pub(crate) fn translated(&self, offsets: &[u32], into: &SourceMap) -> SourceMap {
        let at = |o: u32| offsets.get(o as usize).copied().unwrap_or(o);
        SourceMap {
            spans: self
                .spans
                .iter()
                .map(|(p, s)| {
                    let span = Span {
                        key: s.key.map(at),
                        value: at(s.value),
                    };
                    (p.clone(), span)
                })
                .collect(),
            line_starts: into.line_starts.clone(),
            text: into.text.clone(),
        }
    }

    /// The text the map was built over.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    fn record(&mut self, pointer: &str, key: Option<usize>, value: usize) -> bool {
        let span = Span {
            key: key.map(to_u32),
            value: to_u32(value),
        };
        self.spans.insert(pointer.into(), span).is_none()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A definition's text read into a JSON value, with its source map and any warnings found while
/// reading (duplicate keys).
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The value the text denotes.
    pub value: Value,
    /// Where each value sits in the text.
    pub map: SourceMap,
    /// Problems that did not stop reading.
    pub warnings: Vec<Diagnostic>,
    /// The placeholders that stand bare in the text, outside quotes (`"Max": ${Limit}` in JSON,
    /// a plain `${Limit}` scalar in YAML); each reads as the string `"${Limit}"`.
    pub bare: Bare,
    /// The numbers whose text normal writing would change (`1E+2`, `1e-400`, 100-digit
    /// integers...), so writers put them back as they were.
    pub numbers: NumberTexts,
}

/// The deepest nesting of arrays and objects a definition may have, in both formats (YAML once its
/// aliases are expanded). Deeper text is rejected with [`Code::NestingTooDeep`] at the value that
/// goes too deep, so nothing after reading (model, validator, writers, interpreter) can exhaust the
/// stack on it. Real definitions stay far below: each Parallel or Map level adds four (`States`,
/// the name, `Branches`, the index), so 100 allows about 20 levels of states within states, and
/// AWS's own limit is the 1 MB size of the text. It is below serde_json's own limit (127), so both
/// formats stop at the same depth with the same located message.
pub const MAX_DEPTH: usize = 100;

/// The most values YAML aliases (`*name`) may expand to in one file, counted over every use
/// (an alias of a mapping of 10 scalars counts 11). A "billion laughs" file of a few hundred bytes
/// would otherwise expand to gigabytes; a definition's 1 MB text holds well under a million
/// values, and aliases in real templates repeat a few small blocks.
pub const MAX_ALIAS_NODES: usize = 100_000;

fn too_deep_message() -> String {
    format!(
        "Arrays and objects nest deeper than {MAX_DEPTH} levels here; Stepcraft reads at most \
         {MAX_DEPTH} (real definitions stay far below): flatten this value, or pass it in the \
         execution input instead."
    )
}

/// Reads `text` in `format`. A text that cannot be read gives one error with its line:column.
pub fn parse(text: &str, format: Format) -> Result<Parsed, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => parse_json(text),
        Format::Yaml => parse_yaml(text),
    }
}

fn parse_json(original: &str) -> Result<Parsed, Diagnostic> {
    // A bare `${Name}` is not JSON; read it as the string "${Name}" by quoting it first, then map
    // every position back to the original text.
    let bare_ranges = crate::placeholder::bare_in_json(original);
    let quoted;
    let text = if bare_ranges.is_empty() {
        original
    } else {
        quoted = quote_ranges(original, &bare_ranges);
        &quoted
    };
    let inserted: Vec<usize> = bare_ranges
        .iter()
        .enumerate()
        .flat_map(|(i, r)| [r.start + 2 * i, r.end + 2 * i + 1])
        .collect();
    let to_original = |offset: usize| offset - inserted.partition_point(|&q| q < offset);
    if let Some(offset) = json_too_deep(text.as_bytes()) {
        let pointer = json_pointer_at(text.as_bytes(), offset);
        let mut d = Diagnostic::new(Code::NestingTooDeep, pointer, too_deep_message());
        d.location = Some(SourceMap::new(original).location_of_offset(to_original(offset)));
        return Err(d);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let map = SourceMap::new(text);
        let line_start = map
            .line_starts
            .get(e.line().max(1) - 1)
            .map_or(0, |&s| s as usize);
        // serde_json counts columns in bytes; step back to a character boundary.
        let mut offset = (line_start + e.column().max(1) - 1).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut d = Diagnostic::new(
            Code::InvalidJson,
            Pointer::root(),
            format!(
                "The text is not valid JSON: {}.",
                strip_position(&e.to_string())
            ),
        );
        d.location = Some(SourceMap::new(original).location_of_offset(to_original(offset)));
        d
    })?;
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        at: 0,
        map: SourceMap::new(text),
        warnings: Vec::new(),
        numbers: NumberTexts::default(),
    };
    let mut pointer = String::new();
    scanner.value(&mut pointer, None);
    let JsonScanner {
        mut map,
        mut warnings,
        numbers,
        ..
    } = scanner;
    let bare = if bare_ranges.is_empty() {
        Bare::default()
    } else {
        // Each bare placeholder's value starts at the quote put before it.
        let starts: BTreeSet<u32> = bare_ranges
            .iter()
            .enumerate()
            .map(|(i, r)| to_u32(r.start + 2 * i))
            .collect();
        let pointers = map
            .spans
            .iter()
            .filter(|(_, span)| starts.contains(&span.value))
            .filter_map(|(p, _)| Pointer::from_escaped(p))
            .collect();
        Bare::new(&value, pointers, false)
    };
    if !inserted.is_empty() {
        let mut shifted = SourceMap::new(original);
        shifted.spans = map
            .spans
            .into_iter()
            .map(|(p, span)| {
                let shift = |o: u32| to_u32(to_original(o as usize));
                let span = Span {
                    key: span.key.map(shift),
                    value: shift(span.value),
                };
                (p, span)
            })
            .collect();
        for w in &mut warnings {
            // A duplicate key's span is the later member, the one the warning is about.
            if let Some(location) = shifted.locate(&w.pointer) {
                w.location = Some(location);
            }
        }
        map = shifted;
    }
    Ok(Parsed {
        value,
        map,
        warnings,
        bare,
        numbers,
    })
}

/// The text with a double quote around each range.
fn quote_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 2 * ranges.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.push('"');
        out.push_str(&text[r.clone()]);
        out.push('"');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// serde_json appends " at line L column C"; the location is carried separately.
fn strip_position(message: &str) -> &str {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
}

/// The offset of the first `[` or `{` that opens a level deeper than [`MAX_DEPTH`], if any.
/// One pass without recursion, strings skipped; the text need not be valid JSON.
fn json_too_deep(bytes: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => at = skip_json_string(bytes, at),
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    None
}

/// The offset of the closing quote of the string that opens at `at` (or the end of the text).
fn skip_json_string(bytes: &[u8], mut at: usize) -> usize {
    at += 1;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The JSON pointer of the value that starts at `offset`, found by walking the text before it
/// without recursion (keys and indexes kept on a stack).
fn json_pointer_at(bytes: &[u8], offset: usize) -> Pointer {
    enum Level {
        Object { key: Option<String>, want_key: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Level> = Vec::new();
    let mut at = 0;
    while at < offset.min(bytes.len()) {
        match bytes[at] {
            b'"' => {
                let end = skip_json_string(bytes, at);
                if let Some(Level::Object { key, want_key }) = stack.last_mut()
                    && *want_key
                {
                    let raw = &bytes[at..(end + 1).min(bytes.len())];
                    *key = Some(serde_json::from_slice(raw).unwrap_or_default());
                    *want_key = false;
                }
                at = end;
            }
            b'{' => stack.push(Level::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Level::Array { index: 0 }),
            b']' | b'}' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Level::Object { want_key, .. }) => *want_key = true,
                Some(Level::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        at += 1;
    }
    stack.iter().fold(Pointer::root(), |p, level| match level {
        Level::Object { key, .. } => p.key(key.as_deref().unwrap_or_default()),
        Level::Array { index } => p.index(*index),
    })
}

/// Walks JSON text that serde_json has already accepted, recording where each value starts.
struct JsonScanner<'t> {
    bytes: &'t [u8],
    at: usize,
    map: SourceMap,
    warnings: Vec<Diagnostic>,
    numbers: NumberTexts,
}

impl JsonScanner<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn value(&mut self, pointer: &mut String, key_at: Option<usize>) {
        self.skip_ws();
        if !self.map.record(pointer, key_at, self.at) {
            let p = Pointer::from_escaped(pointer).unwrap_or_default();
            let mut d = Diagnostic::new(
                Code::DuplicateKey,
                p.clone(),
                format!(
                    "The key \"{}\" appears more than once in this object; only the last one counts.",
                    p.tokens().last().unwrap_or_default()
                ),
            );
            d.location = Some(self.map.location_of_offset(key_at.unwrap_or(self.at)));
            self.warnings.push(d);
        }
        match self.bytes.get(self.at) {
            Some(b'{') => self.object(pointer),
            Some(b'[') => self.array(pointer),
            Some(b'"') => {
                self.string();
            }
            _ => {
                let start = self.at;
                self.scalar();
                self.number_text(pointer, start);
            }
        }
    }

    /// Keeps the text of the number that ends here, if normal writing would change it.
    fn number_text(&mut self, pointer: &str, start: usize) {
        let raw = &self.bytes[start..self.at];
        if !matches!(raw.first(), Some(b'-' | b'0'..=b'9')) {
            return;
        }
        let Ok(text) = std::str::from_utf8(raw) else {
            return;
        };
        if let (Ok(value @ Value::Number(_)), Some(p)) = (
            serde_json::from_str::<Value>(text),
            Pointer::from_escaped(pointer),
        ) {
            self.numbers.record(p, text, &value);
        }
    }

    fn object(&mut self, pointer: &mut String) {
        self.at += 1;
        loop {
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b'}') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let key_at = self.at;
            let key = self.string();
            self.skip_ws();
            self.at += 1; // ':'
            let len = pointer.len();
            pointer.push('/');
            for c in key.chars() {
                match c {
                    '~' => pointer.push_str("~0"),
                    '/' => pointer.push_str("~1"),
                    c => pointer.push(c),
                }
            }
            self.value(pointer, Some(key_at));
            pointer.truncate(len);
        }
    }

    fn array(&mut self, pointer: &mut String) {
        self.at += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b']') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&index.to_string());
            self.value(pointer, None);
            pointer.truncate(len);
            index += 1;
        }
    }

    /// Skips a string and returns its decoded text.
    fn string(&mut self) -> String {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                }
                b'"' => break,
                _ => {}
            }
        }
        let raw = &self.bytes[start..self.at.min(self.bytes.len())];
        if escaped {
            serde_json::from_slice(raw).unwrap_or_default()
        } else {
            String::from_utf8_lossy(&raw[1..raw.len().saturating_sub(1).max(1)]).into_owned()
        }
    }

    fn scalar(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.at += 1;
        }
    }
}

fn parse_yaml(text: &str) -> Result<Parsed, Diagnostic> {
    let mut builder = YamlBuilder {
        map: SourceMap::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
        documents: 0,
        error: None,
        warnings: Vec::new(),
        bare: BTreeSet::new(),
        numbers: NumberTexts::default(),
    };
    // Events are pulled one by one, not through `Parser::load`, which recurses once per level of
    // nesting: the builder keeps its own stack, and reading stops at the first problem.
    let mut parser = Parser::new_from_str(text);
    while builder.error.is_none() {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, mark)) => builder.on_event(event, mark),
            // The scanner counts flow levels (`[`, `{`) in a byte and stops at 256 of them,
            // ahead of the events that would reach `MAX_DEPTH`.
            Err(e) if e.info() == "recursion limit exceeded" => {
                let byte = e.marker().index().min(text.len());
                builder.fail_with(
                    byte,
                    Code::NestingTooDeep,
                    builder.here(),
                    too_deep_message(),
                );
            }
            Err(e) => {
                let byte = e.marker().index().min(text.len());
                builder.fail(byte, format!("The text is not valid YAML: {}.", e.info()));
            }
        }
    }
    if let Some(error) = builder.error.take() {
        let mut d = Diagnostic::new(error.code, error.pointer, error.message);
        d.location = Some(builder.map.location_of_offset(error.offset));
        return Err(d);
    }
    let Some(value) = builder.root.take() else {
        let mut d = Diagnostic::new(
            Code::InvalidYaml,
            Pointer::root(),
            "The file is empty: a definition is a JSON or YAML object.",
        );
        d.location = Some(builder.map.location_of_offset(0));
        return Err(d);
    };
    let YamlBuilder {
        map,
        warnings,
        bare,
        numbers,
        ..
    } = builder;
    let bare = if bare.is_empty() {
        Bare::default()
    } else {
        Bare::new(&value, bare, true)
    };
    Ok(Parsed {
        value,
        map,
        warnings,
        bare,
        numbers,
    })
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        tag: Option<Tag>,
    },
    Map {
        entries: Map<String, Value>,
        anchor: usize,
        tag: Option<Tag>,
        key: Option<String>,
    },
}

/// An anchored YAML value, with what an alias to it costs: its values and its nesting depth.
struct Anchored {
    value: Value,
    nodes: usize,
    depth: usize,
}

/// The first problem met while reading YAML.
struct YamlError {
    offset: usize,
    code: Code,
    pointer: Pointer,
    message: String,
}

/// Builds a JSON value from YAML parser events, recording positions as it goes.
struct YamlBuilder {
    map: SourceMap,
    stack: Vec<(Frame, String)>,
    anchors: HashMap<usize, Anchored>,
    /// The values aliases have expanded to so far (bounded by [`MAX_ALIAS_NODES`]).
    alias_nodes: usize,
    root: Option<Value>,
    documents: usize,
    error: Option<YamlError>,
    warnings: Vec<Diagnostic>,
    /// The pointers of plain (unquoted) scalars that are a whole placeholder.
    bare: BTreeSet<Pointer>,
    numbers: NumberTexts,
}

impl YamlBuilder {
    fn fail(&mut self, offset: usize, message: impl Into<String>) {
        self.fail_with(offset, Code::InvalidYaml, Pointer::root(), message);
    }

    fn fail_with(
        &mut self,
        offset: usize,
        code: Code,
        pointer: Pointer,
        message: impl Into<String>,
    ) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                offset,
                code,
                pointer,
                message: message.into(),
            });
        }
    }

    /// The pointer of the value about to be added, as a `Pointer`.
    fn here(&self) -> Pointer {
        Pointer::from_escaped(&self.child_pointer().0).unwrap_or_default()
    }

    /// The pointer of the value about to be added, and the offset of its key if it has one.
    fn child_pointer(&self) -> (String, Option<Box<str>>) {
        match self.stack.last() {
            None => (String::new(), None),
            Some((Frame::Seq { items, .. }, p)) => (format!("{p}/{}", items.len()), None),
            Some((Frame::Map { key: Some(k), .. }, p)) => {
                let child = Pointer::from_escaped(p).unwrap_or_default().key(k);
                (child.as_str().to_owned(), Some(child.as_str().into()))
            }
            Some((Frame::Map { key: None, .. }, p)) => (p.clone(), None),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some((Frame::Map { key: None, .. }, _)))
    }

    fn add(&mut self, value: Value, anchor: usize) {
        if anchor != 0 {
            let (nodes, depth) = measure(&value);
            let anchored = Anchored {
                value: value.clone(),
                nodes,
                depth,
            };
            self.anchors.insert(anchor, anchored);
        }
        match self.stack.last_mut() {
            None => {
                self.documents += 1;
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some((Frame::Seq { items, .. }, _)) => items.push(value),
            Some((Frame::Map { entries, key, .. }, _)) => {
                if let Some(k) = key.take() {
                    entries.insert(k, value);
                }
            }
        }
    }

    fn start(&mut self, frame: Frame, mark: Marker) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail_with(
                self.byte(mark),
                Code::NestingTooDeep,
                self.here(),
                too_deep_message(),
            );
            return;
        }
        let (pointer, key) = self.child_pointer();
        let key_at = key.and_then(|k| self.map.spans.get(&k).and_then(|s| s.key));
        self.map
            .record(&pointer, key_at.map(|k| k as usize), self.byte(mark));
        self.stack.push((frame, pointer));
    }

    fn byte(&self, mark: Marker) -> usize {
        mark.index().min(self.map.text.len())
    }

    fn scalar(
        &mut self,
        text: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Marker,
    ) {
        let at = self.byte(mark);
        if self.expecting_key() {
            let (parent, _) = self.child_pointer();
            let child = Pointer::from_escaped(&parent)
                .unwrap_or_default()
                .key(&text);
            if let Some((Frame::Map { entries, key, .. }, _)) = self.stack.last_mut() {
                if entries.contains_key(&text) {
                    let mut d = Diagnostic::new(
                        Code::DuplicateKey,
                        child.clone(),
                        format!(
                            "The key \"{text}\" appears more than once in this mapping; only the last one counts."
                        ),
                    );
                    d.location = Some(self.map.location_of_offset(at));
                    self.warnings.push(d);
                }
                *key = Some(text);
            }
            // Remember where the key is; the value's own position is added when it arrives.
            self.map.spans.insert(
                child.as_str().into(),
                Span {
                    key: Some(to_u32(at)),
                    value: to_u32(at),
                },
            );
            return;
        }
        let plain_placeholder = style == TScalarStyle::Plain
            && tag.is_none()
            && crate::placeholder::whole(&text).is_some();
        let value = match resolve_scalar(&text, style, tag) {
            Ok(v) => v,
            Err(message) => {
                self.fail(at, message);
                Value::Null
            }
        };
        let (pointer, key) = self.child_pointer();
        let key_at = key.and_then(|k| self.map.spans.get(&k).and_then(|s| s.key));
        self.map.record(&pointer, key_at.map(|k| k as usize), at);
        if plain_placeholder && let Some(p) = Pointer::from_escaped(&pointer) {
            self.bare.insert(p);
        }
        if style == TScalarStyle::Plain
            && tag.is_none()
            && (value.is_number()
                || (float_shaped(&text) && text.parse::<f64>().is_ok_and(f64::is_infinite)))
            && let Some(p) = Pointer::from_escaped(&pointer)
        {
            self.numbers.record(p, &text, &value);
        }
        let value = wrap_tag(value, tag);
        self.add(value, anchor);
    }
}

impl YamlBuilder {
    /// An alias: the anchored value copied in, within the nesting and expansion limits.
    fn alias(&mut self, id: usize, mark: Marker) {
        let at = self.byte(mark);
        let Some(anchored) = self.anchors.get(&id) else {
            self.fail(at, "This alias refers to an unknown anchor.");
            return;
        };
        let (nodes, depth) = (anchored.nodes, anchored.depth);
        if self.stack.len() + depth > MAX_DEPTH {
            self.fail_with(at, Code::NestingTooDeep, self.here(), too_deep_message());
            return;
        }
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            self.fail_with(
                at,
                Code::TooManyAliases,
                self.here(),
                format!(
                    "YAML aliases expand to more than {MAX_ALIAS_NODES} values by this one \
                     (aliases of aliases multiply); write the repeated values out, or use fewer \
                     aliases."
                ),
            );
            return;
        }
        let value = anchored.value.clone();
        self.add(value, 0);
    }
}

/// The number of values in `value` (itself included) and how deeply arrays and objects nest in it
/// (0 for a scalar). Values read here nest at most [`MAX_DEPTH`] levels, so recursion is bounded.
fn measure(value: &Value) -> (usize, usize) {
    let children: Box<dyn Iterator<Item = &Value>> = match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => return (1, 0),
    };
    children.fold((1, 1), |(nodes, depth), child| {
        let (n, d) = measure(child);
        (nodes.saturating_add(n), depth.max(d + 1))
    })
}

impl MarkedEventReceiver for YamlBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_ref(), mark);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.expecting_key() => {
                self.fail(
                    self.byte(mark),
                    "A mapping key must be a plain string, not a list or a mapping.",
                );
            }
            Event::SequenceStart(anchor, tag) => self.start(
                Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    tag,
                },
                mark,
            ),
            Event::MappingStart(anchor, tag) => self.start(
                Frame::Map {
                    entries: Map::new(),
                    anchor,
                    tag,
                    key: None,
                },
                mark,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((frame, _)) = self.stack.pop() {
                    let (value, anchor) = match frame {
                        Frame::Seq { items, anchor, tag } => {
                            (wrap_tag(Value::Array(items), tag.as_ref()), anchor)
                        }
                        Frame::Map {
                            entries,
                            anchor,
                            tag,
                            ..
                        } => (wrap_tag(Value::Object(entries), tag.as_ref()), anchor),
                    };
                    self.add(value, anchor);
                }
            }
            Event::Alias(id) => {
                if self.expecting_key() {
                    self.fail(self.byte(mark), "An alias cannot be used as a mapping key.");
                    return;
                }
                self.alias(id, mark);
            }
            Event::DocumentStart
            | Event::DocumentEnd
            | Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing => {}
        }
        if self.documents > 1 {
            self.fail(
                self.byte(mark),
                "The file holds more than one YAML document; a definition is one document.",
            );
        }
    }
}

/// Turns a YAML scalar into JSON by the YAML 1.2 core schema: plain scalars may be null, booleans
/// or numbers; quoted ones are always strings.
fn resolve_scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag
        && (tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:")
    {
        return match tag.suffix.as_str() {
            "str" => Ok(Value::String(text.to_owned())),
            "null" => Ok(Value::Null),
            "bool" | "int" | "float" => resolve_plain(text)
                .filter(|v| !v.is_string())
                .ok_or_else(|| format!("\"{text}\" is not a valid !!{}.", tag.suffix)),
            other => Err(format!("The YAML tag !!{other} has no JSON equivalent.")),
        };
    }
    if style != TScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    resolve_plain(text).ok_or_else(|| {
        format!("The number \"{text}\" (infinity or NaN) cannot be represented in JSON.")
    })
}

/// What a plain (unquoted) YAML scalar with this text reads as: null, a boolean, a number, or
/// the string itself.
pub(crate) fn plain_scalar(text: &str) -> Value {
    resolve_plain(text).unwrap_or_else(|| Value::String(text.to_owned()))
}

/// Whether a plain (unquoted) YAML scalar with this text reads as the string itself.
pub(crate) fn resolves_as_plain_string(text: &str) -> bool {
    matches!(resolve_plain(text), Some(Value::String(_)))
}

fn resolve_plain(text: &str) -> Option<Value> {
    Some(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return None,
        _ => parse_yaml_number(text).unwrap_or_else(|| Value::String(text.to_owned())),
    })
}

/// Whether a plain scalar has the shape of a decimal number (maybe too large for a double).
fn float_shaped(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    text.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
}

fn parse_yaml_number(text: &str) -> Option<Value> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    // YAML 1.2's core schema: 0x and 0o numbers take no sign (`-0x1F` is text).
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return i64::from_str_radix(rest, radix)
                .ok()
                .filter(|_| rest.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|n| Value::Number(n.into()));
        }
        if digits.starts_with(prefix) {
            return None;
        }
    }
    let is_int = digits.bytes().all(|b| b.is_ascii_digit());
    if is_int {
        if let Ok(n) = text.parse::<i64>() {
            return Some(Value::Number(n.into()));
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Some(Value::Number(n.into()));
        }
    }
    if float_shaped(text) {
        let f: f64 = text.parse().ok()?;
        return Number::from_f64(f).map(Value::Number);
    }
    None
}

/// CloudFormation's short-form tags become their long form, so `!Ref X` reads as `{"Ref": "X"}`
/// and `!GetAtt A.Arn` as `{"Fn::GetAtt": ["A", "Arn"]}`.
fn wrap_tag(value: Value, tag: Option<&Tag>) -> Value {
    let Some(tag) = tag else { return value };
    if tag.handle != "!" || tag.suffix.is_empty() {
        return value;
    }
    let name = tag.suffix.as_str();
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_owned(), value),
        "GetAtt" => {
            let value = match value {
                Value::String(s) => match s.split_once('.') {
                    Some((a, b)) => Value::Array(vec![a.into(), b.into()]),
                    None => Value::String(s),
                },
                other => other,
            };
            ("Fn::GetAtt".to_owned(), value)
        }
        _ => (format!("Fn::{name}"), value),
    };
    let mut map = Map::new();
    map.insert(key, value);
    Value::Object(map)
}
