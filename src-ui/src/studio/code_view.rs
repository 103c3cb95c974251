//! The Code mode: the definition as text (JSON or YAML, the document's format) with syntax
//! colouring, problem lines marked in the gutter, and edits parsed as the user pauses typing.
//!
//! A text that parses replaces the document (one undoable edit, merged while typing); one that
//! does not keeps the last good document and shows where the text is broken.

use super::action::{Action, Actions};
use super::theme::{self, CodeColors};
use egui::text::{CCursor, CCursorRange, LayoutJob, TextFormat};
use egui::{Id, RichText, Ui};
use std::collections::HashMap;
use std::sync::Arc;
use stepcraft::{Diagnostic, Document, Format, Location, Severity};

/// How long typing pauses before the text is parsed, in seconds.
const DEBOUNCE: f64 = 0.35;

/// The last coloured text: the text, its marked lines, dark mode, and the job.
type Highlighted = (String, Vec<(u32, Severity)>, bool, Arc<LayoutJob>);

/// Each line's coloured stretches, by the line's text. A keystroke changes one line: the
/// others are coloured from here instead of being read again, so colouring a 10,000-line
/// definition after a keystroke costs a lookup per line.
#[derive(Debug, Default)]
struct LineSpans {
    format: Option<Format>,
    by_text: HashMap<String, Arc<Spans>>,
}

impl LineSpans {
    /// The text laid out with colours, and problem lines with a background.
    fn job(
        &mut self,
        text: &str,
        format: Format,
        colors: &CodeColors,
        marked: &[(u32, Severity)],
    ) -> LayoutJob {
        if self.format != Some(format) {
            self.by_text.clear();
            self.format = Some(format);
        }
        let mut seen: HashMap<String, Arc<Spans>> = HashMap::with_capacity(self.by_text.len());
        let mut job = LayoutJob::default();
        job.text.reserve(text.len());
        let font = theme::code_font();
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let spans = match self.by_text.remove(line) {
                Some(spans) => spans,
                None => match seen.get(line) {
                    Some(spans) => Arc::clone(spans),
                    None => Arc::new(line_spans(line, format)),
                },
            };
            let line_no = n as u32 + 1;
            let background = match marked.binary_search_by_key(&line_no, |(l, _)| *l) {
                Ok(i) if marked[i].1 == Severity::Error => colors.error_line,
                Ok(_) => colors.warning_line,
                Err(_) => theme::TRANSPARENT,
            };
            for (range, token) in spans.iter() {
                if range.is_empty() {
                    continue;
                }
                let piece = &line[range.clone()];
                // Spaces take the colour of what precedes them (on the same background), so
                // they join its section: fewer sections to lay out and to hash every frame.
                let blank =
                    *token == Token::Plain && piece.bytes().all(|b| b.is_ascii_whitespace());
                let color = match job.sections.last() {
                    Some(last) if blank && last.format.background == background => {
                        last.format.color
                    }
                    _ => token_color(colors, *token),
                };
                append(
                    &mut job,
                    piece,
                    TextFormat {
                        font_id: font.clone(),
                        color,
                        background,
                        ..Default::default()
                    },
                );
            }
            if !seen.contains_key(line) {
                seen.insert(line.to_owned(), spans);
            }
        }
        self.by_text = seen;
        job
    }
}

/// The code editor and its buffer.
#[derive(Debug, Default)]
pub struct CodeView {
    buffer: String,
    /// The document generation the buffer was last in step with.
    synced: Option<u64>,
    /// When the user last typed, if the text was not parsed since.
    dirty_since: Option<f64>,
    parse_error: Option<Diagnostic>,
    /// The text of the file as last read or saved, when it does not parse: the buffer holding
    /// just that is no unsaved work.
    file_text: Option<String>,
    jump_to: Option<Location>,
    highlight: Option<Highlighted>,
    lines: LineSpans,
    /// Typed text that did not parse, set aside by an undo (the editor went back to the
    /// document's text), with the document generation it was set aside at: redo brings it back
    /// while the document is still that one.
    set_aside: Option<(String, u64)>,
}

/// The editor's id (tests find it by its label).
pub fn editor_id() -> Id {
    Id::unique("stepcraft code editor")
}

impl CodeView {
    /// An empty view; it fills from the document on its first frame.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text's parse error, while the text does not parse.
    pub fn parse_error(&self) -> Option<&Diagnostic> {
        self.parse_error.as_ref()
    }

    /// The text typed that does not parse, which saving must not lose.
    pub fn unparsed_text(&self) -> Option<&str> {
        self.parse_error.as_ref().map(|_| self.buffer.as_str())
    }

    /// The text that does not parse and differs from the file's: unsaved work.
    pub fn unsaved_text(&self) -> Option<&str> {
        self.unparsed_text()
            .filter(|t| self.file_text.as_deref() != Some(*t))
    }

    /// Shows a text that could not be read (recovered, not the file's): its text, and where it
    /// is broken.
    pub fn show_broken(&mut self, text: &str, error: Diagnostic, generation: u64) {
        self.buffer = text.to_owned();
        self.parse_error = Some(error);
        self.synced = Some(generation);
        self.file_text = None;
    }

    /// Shows a file that could not be read: its text, which is not unsaved work until edited.
    pub fn show_broken_file(&mut self, text: &str, error: Diagnostic, generation: u64) {
        self.show_broken(text, error, generation);
        self.file_text = Some(text.to_owned());
    }

    /// Notes that `text` was saved to the file.
    pub fn mark_saved(&mut self, text: &str) {
        self.file_text = Some(text.to_owned());
    }

    /// Notes that the document at `generation` holds what the buffer says.
    pub fn mark_synced(&mut self, generation: u64) {
        self.synced = Some(generation);
    }

    /// Drops typed text that does not parse (the user chose to): the editor shows the document
    /// again on its next frame.
    pub fn discard_unparsed(&mut self) {
        self.synced = None;
        self.parse_error = None;
        self.dirty_since = None;
        self.set_aside = None;
    }

    /// Undo while the text does not parse: sets the text aside (redo brings it back) and shows
    /// the document's text again. False when the text parses (nothing to set aside).
    pub fn set_aside_unparsed(&mut self, generation: u64) -> bool {
        if self.parse_error.is_none() {
            return false;
        }
        self.set_aside = Some((std::mem::take(&mut self.buffer), generation));
        self.synced = None;
        self.parse_error = None;
        self.dirty_since = None;
        true
    }

    /// Whether [`Self::bring_back`] would bring text back at `generation`.
    pub fn has_set_aside(&self, generation: u64) -> bool {
        self.set_aside
            .as_ref()
            .is_some_and(|(_, at)| *at == generation)
    }

    /// Redo after [`Self::set_aside_unparsed`]: the text comes back while the document is the
    /// one it was set aside at. False when there is nothing to bring back.
    pub fn bring_back(&mut self, generation: u64) -> bool {
        match self.set_aside.take() {
            Some((text, at)) if at == generation => {
                self.buffer = text;
                self.synced = Some(generation);
                // Parsed again on the next frame, which shows where it is broken.
                self.dirty_since = Some(f64::NEG_INFINITY);
                true
            }
            _ => false,
        }
    }

    /// Moves the cursor to `location` on the next frame.
    pub fn jump_to(&mut self, location: Location) {
        self.jump_to = Some(location);
    }

    /// The text in the editor.
    pub fn text(&self) -> &str {
        &self.buffer
    }

    /// Whether typed text waits to be parsed.
    pub fn is_pending(&self) -> bool {
        self.dirty_since.is_some()
    }

    /// Parses the text now if typing left it unparsed; a new document if it parsed.
    pub fn flush(&mut self, format: Format, current: &Document) -> Option<Document> {
        self.dirty_since.take()?;
        match Document::parse(&self.buffer, format) {
            Ok(doc) => {
                self.parse_error = None;
                (doc.value() != current.value() || doc.source_text() != current.source_text())
                    .then_some(doc)
            }
            Err(d) => {
                self.parse_error = Some(d);
                None
            }
        }
    }

    /// Draws the editor. When the text parsed to a different document, queues
    /// [`Action::CodeParsed`] with it.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        doc: &Document,
        generation: u64,
        diagnostics: &[Diagnostic],
        actions: &mut Actions,
    ) {
        if self.synced != Some(generation) {
            // The document changed elsewhere (canvas, inspector, undo): show it. The shell
            // never lets that happen while the text does not parse (it asks first).
            self.buffer = doc.to_text();
            self.synced = Some(generation);
            self.parse_error = None;
            self.dirty_since = None;
        }
        let format = doc.format();
        let mut lines: HashMap<u32, Severity> = HashMap::new();
        for d in diagnostics {
            if let Some(l) = d.location {
                let s = lines.entry(l.line).or_insert(d.severity);
                *s = (*s).min(d.severity);
            }
        }
        if let Some(l) = self.parse_error.as_ref().and_then(|d| d.location) {
            lines.insert(l.line, Severity::Error);
        }
        let mut marked: Vec<(u32, Severity)> = lines.into_iter().collect();
        marked.sort_unstable();

        let header = ui.horizontal(|ui| {
            let label = ui.strong(match format {
                Format::Json => "Definition (JSON)",
                Format::Yaml => "Definition (YAML)",
            });
            match &self.parse_error {
                Some(d) => {
                    let at = d.location.map(|l| format!(" at {l}")).unwrap_or_default();
                    ui.label(
                        RichText::new(format!(
                            "The text does not parse{at}: {}. The graph shows the last valid version.",
                            d.message.trim_end_matches('.')
                        ))
                        .color(theme::severity_color(Severity::Error)),
                    );
                }
                None if self.dirty_since.is_some() => {
                    ui.label(RichText::new("…").weak());
                }
                None => {}
            }
            label
        });

        let colors = CodeColors::for_visuals(ui.visuals());
        let dark = ui.visuals().dark_mode;
        let mut cache = match self.highlight.take() {
            Some(c) if c.0 == self.buffer && c.1 == marked && c.2 == dark => c,
            _ => {
                let job = Arc::new(self.lines.job(&self.buffer, format, &colors, &marked));
                (self.buffer.clone(), marked.clone(), dark, job)
            }
        };
        // No wrapping: the gutter numbers one row per line, and long lines scroll sideways.
        // A keystroke changes the text inside the editor: its colouring is kept as the next
        // frame's, so the text is coloured once per change.
        let lines = &mut self.lines;
        let mut layouter = |ui: &Ui, text: &dyn egui::TextBuffer, _wrap_width: f32| {
            if text.as_str() != cache.0 {
                let job = Arc::new(lines.job(text.as_str(), format, &colors, &marked));
                cache = (text.as_str().to_owned(), marked.clone(), dark, job);
            }
            let mut job = (*cache.3).clone();
            job.wrap.max_width = f32::INFINITY;
            ui.ctx().fonts_mut(|f| f.layout_job(job))
        };

        let line_count =
            self.buffer.lines().count().max(1) + usize::from(self.buffer.ends_with('\n'));
        let mut response = None;
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    gutter_ui(ui, line_count, &marked);
                    let r = ui.add(
                        egui::TextEdit::multiline(&mut self.buffer)
                            .id(editor_id())
                            .font(theme::code_font())
                            .code_editor()
                            .desired_width(f32::INFINITY)
                            .desired_rows(30)
                            .lock_focus(true)
                            .layouter(&mut layouter),
                    );
                    response = Some(r.labelled_by(header.inner.id));
                });
            });
        self.highlight = Some(cache);
        let now = ui.input(|i| i.time);
        if let Some(r) = &response {
            if r.changed() {
                self.dirty_since = Some(now);
                self.set_aside = None;
            }
            let settled = self.dirty_since.is_some_and(|t| now - t >= DEBOUNCE);
            if (settled || (r.lost_focus() && self.dirty_since.is_some()))
                && let Some(parsed) = self.flush(format, doc)
            {
                actions.push(Action::CodeParsed(Box::new(parsed)));
            }
        }
        if self.dirty_since.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(DEBOUNCE));
        }
        if let Some(location) = self.jump_to.take() {
            self.move_cursor(ui, location);
        }
    }

    fn move_cursor(&self, ui: &Ui, location: Location) {
        let index = char_index(&self.buffer, location);
        let id = editor_id();
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id) {
            state
                .cursor
                .set_char_range(Some(CCursorRange::one(CCursor::new(index))));
            state.store(ui.ctx(), id);
        } else {
            let mut state = egui::text_edit::TextEditState::default();
            state
                .cursor
                .set_char_range(Some(CCursorRange::one(CCursor::new(index))));
            state.store(ui.ctx(), id);
        }
        ui.memory_mut(|m| m.request_focus(id));
    }
}

/// The character index of a 1-based line:column.
fn char_index(text: &str, location: Location) -> usize {
    let mut index = 0;
    for (n, line) in text.split('\n').enumerate() {
        if n + 1 == location.line as usize {
            let col = (location.column as usize).saturating_sub(1);
            return index + col.min(line.chars().count());
        }
        index += line.chars().count() + 1;
    }
    index
}

/// Line numbers, coloured where a problem is.
fn gutter_ui(ui: &mut Ui, lines: usize, marked: &[(u32, Severity)]) {
    let font = theme::code_font();
    let weak = ui.visuals().weak_text_color();
    let width = lines.to_string().len();
    let mut job = LayoutJob::default();
    for n in 1..=lines {
        let severity = marked
            .binary_search_by_key(&(n as u32), |(l, _)| *l)
            .ok()
            .map(|i| marked[i].1);
        let (text, color) = match severity {
            Some(s) => (format!("{n:>width$} ■\n"), theme::severity_color(s)),
            None => (format!("{n:>width$}  \n"), weak),
        };
        job.append(
            &text,
            0.0,
            TextFormat {
                font_id: font.clone(),
                color,
                ..Default::default()
            },
        );
    }
    // The editor has a margin of 4 points at the top; line the numbers up with its rows.
    ui.vertical(|ui| {
        ui.add_space(2.0);
        ui.add(egui::Label::new(job).selectable(false));
    });
}

/// What a stretch of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Key,
    Str,
    Literal,
    Punct,
    Comment,
    Plain,
    /// A deploy-time `${...}` placeholder, quoted or bare.
    Placeholder,
}

/// The text laid out with colours, and problem lines with a background.
pub fn highlight(
    text: &str,
    format: Format,
    colors: &CodeColors,
    marked: &[(u32, Severity)],
) -> LayoutJob {
    LineSpans::default().job(text, format, colors, marked)
}

/// Appends `text`, joining the last section when it has the same format.
fn append(job: &mut LayoutJob, text: &str, format: TextFormat) {
    match job.sections.last_mut() {
        Some(last)
            if last.format == format
                && last.byte_range.end == egui::text::ByteIndex(job.text.len()) =>
        {
            job.text.push_str(text);
            last.byte_range.end = egui::text::ByteIndex(job.text.len());
        }
        _ => job.append(text, 0.0, format),
    }
}

fn token_color(colors: &CodeColors, token: Token) -> egui::Color32 {
    match token {
        Token::Key => colors.key,
        Token::Str => colors.string,
        Token::Literal => colors.literal,
        Token::Punct => colors.punct,
        Token::Comment => colors.comment,
        Token::Plain => colors.plain,
        Token::Placeholder => colors.placeholder,
    }
}

/// One line's coloured stretches: its tokens, with placeholders cut out of them.
fn line_spans(line: &str, format: Format) -> Spans {
    let tokens = match format {
        Format::Json => json_tokens(line),
        Format::Yaml => yaml_tokens(line),
    };
    if !line.contains("${") {
        return tokens;
    }
    let placeholders: Vec<std::ops::Range<usize>> = stepcraft::placeholder::find(line)
        .into_iter()
        .map(|f| f.range)
        .collect();
    let mut out = Vec::with_capacity(tokens.len() + 2 * placeholders.len());
    for (range, token) in tokens {
        for (part, is_placeholder) in split_at_ranges(range, &placeholders) {
            out.push((
                part,
                if is_placeholder {
                    Token::Placeholder
                } else {
                    token
                },
            ));
        }
    }
    out
}

/// `range` cut where it meets `marks` (sorted, disjoint): each piece, and whether it lies in a
/// mark.
fn split_at_ranges(
    range: std::ops::Range<usize>,
    marks: &[std::ops::Range<usize>],
) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut out = Vec::new();
    let mut at = range.start;
    for m in marks {
        if m.end <= at || m.start >= range.end {
            continue;
        }
        if m.start > at {
            out.push((at..m.start, false));
        }
        let end = m.end.min(range.end);
        out.push((at.max(m.start)..end, true));
        at = end;
    }
    if at < range.end {
        out.push((at..range.end, false));
    }
    out
}

type Spans = Vec<(std::ops::Range<usize>, Token)>;

/// The end (exclusive) of a quoted string starting at `start` (the quote).
fn string_end(line: &str, start: usize, quote: u8) -> usize {
    let bytes = line.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of a run of bytes that are not JSON/YAML punctuation or spaces.
fn word_end(line: &str, start: usize, stops: &[u8]) -> usize {
    let bytes = line.as_bytes();
    let mut i = start;
    while i < bytes.len() && !stops.contains(&bytes[i]) && !bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    // Never cut a UTF-8 character.
    while !line.is_char_boundary(i) {
        i += 1;
    }
    i.max(start + 1).min(line.len())
}

fn is_literal(word: &str) -> bool {
    matches!(
        word,
        "true" | "false" | "null" | "~" | "True" | "False" | "Null"
    ) || word.parse::<f64>().is_ok()
}

fn json_tokens(line: &str) -> Spans {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push((start..i, Token::Plain));
        } else if b == b'"' {
            let end = string_end(line, i, b'"');
            let rest = line[end..].trim_start();
            let token = if rest.starts_with(':') {
                Token::Key
            } else {
                Token::Str
            };
            out.push((i..end, token));
            i = end;
        } else if b"{}[],:".contains(&b) {
            out.push((i..i + 1, Token::Punct));
            i += 1;
        } else {
            let end = word_end(line, i, b"{}[],:\"");
            let token = if is_literal(&line[i..end]) {
                Token::Literal
            } else {
                Token::Plain
            };
            out.push((i..end, token));
            i = end;
        }
    }
    out
}

fn yaml_tokens(line: &str) -> Spans {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Indentation and list dashes.
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'-') {
        let start = i;
        let token = if bytes[i] == b'-' {
            Token::Punct
        } else {
            Token::Plain
        };
        i += 1;
        out.push((start..i, token));
    }
    if bytes.get(i) == Some(&b'#') {
        out.push((i..line.len(), Token::Comment));
        return out;
    }
    // A key: text up to ": " or ":" at the end of the line, outside quotes.
    let rest = &line[i..];
    let key_end = if rest.starts_with('"') || rest.starts_with('\'') {
        let end = string_end(line, i, bytes[i]);
        line[end..].starts_with(':').then_some(end)
    } else {
        rest.find(": ")
            .or_else(|| rest.trim_end().strip_suffix(':').map(str::len))
            .map(|e| i + e)
            .filter(|&e| !line[i..e].contains(['"', '\'', '{', '[', '#']))
    };
    if let Some(end) = key_end {
        out.push((i..end, Token::Key));
        out.push((end..end + 1, Token::Punct));
        i = end + 1;
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push((start..i, Token::Plain));
        } else if b == b'#' && i > 0 && bytes[i - 1] == b' ' {
            out.push((i..line.len(), Token::Comment));
            break;
        } else if b == b'"' || b == b'\'' {
            let end = string_end(line, i, b);
            out.push((i..end, Token::Str));
            i = end;
        } else if b"{}[],|>".contains(&b) {
            out.push((i..i + 1, Token::Punct));
            i += 1;
        } else {
            let end = word_end(line, i, b"{}[],");
            let word = &line[i..end];
            let token = if is_literal(word) {
                Token::Literal
            } else {
                Token::Str
            };
            out.push((i..end, token));
            i = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(spans: &Spans, line: &str) -> Vec<(String, bool)> {
        spans
            .iter()
            .filter(|(_, t)| *t == Token::Key)
            .map(|(r, _)| (line[r.clone()].to_owned(), true))
            .collect()
    }

    #[test]
    fn placeholders_are_cut_out_of_their_tokens() {
        assert_eq!(
            split_at_ranges(0..20, &[5..9, 12..25]),
            [(0..5, false), (5..9, true), (9..12, false), (12..20, true)]
        );
        assert_eq!(split_at_ranges(3..6, &[0..2, 7..9]), [(3..6, false)]);
        // A bare placeholder, split by the tokenizer into several tokens, is coloured whole.
        let line = "  \"Max\": ${Limit},\n";
        let marks: Vec<_> = stepcraft::placeholder::find(line)
            .into_iter()
            .map(|f| f.range)
            .collect();
        let coloured: String = json_tokens(line)
            .into_iter()
            .flat_map(|(r, _)| split_at_ranges(r, &marks))
            .filter(|(_, mark)| *mark)
            .map(|(r, _)| &line[r])
            .collect();
        assert_eq!(coloured, "${Limit}");
    }

    #[test]
    fn json_keys_and_strings() {
        let line = r#"  "Next": "Done", "n": 12,"#;
        let spans = json_tokens(line);
        let covered: usize = spans.iter().map(|(r, _)| r.len()).sum();
        assert_eq!(covered, line.len());
        assert_eq!(kinds(&spans, line).len(), 2);
        assert!(
            spans
                .iter()
                .any(|(r, t)| *t == Token::Literal && &line[r.clone()] == "12")
        );
    }

    #[test]
    fn yaml_keys_comments_and_unicode() {
        for line in [
            "  - Next: Done # end\n",
            "é: ü\n",
            "Comment: \"a: b\"\n",
            "- x\n",
            "",
        ] {
            let spans = yaml_tokens(line);
            let covered: usize = spans.iter().map(|(r, _)| r.len()).sum();
            assert_eq!(covered, line.len(), "{line:?}");
        }
        assert_eq!(
            kinds(&yaml_tokens("  Next: Done\n"), "  Next: Done\n")[0].0,
            "Next"
        );
    }

    #[test]
    fn cursor_index_of_a_location() {
        let text = "ab\ncdé\nf";
        assert_eq!(char_index(text, Location { line: 2, column: 3 }), 5);
        assert_eq!(char_index(text, Location { line: 3, column: 9 }), 8);
    }
}
