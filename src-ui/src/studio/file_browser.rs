//! The studio's own file browser, for where no native dialog can appear (no desktop portal, no
//! zenity: containers, minimal desktops): a folder's listing (folders first, sorted, hidden files
//! on request), filters by kind of file, the recent folders, a typed path with Tab completion,
//! keyboard navigation, and in save mode the question before a file is replaced.
//!
//! Written here rather than taken from a crate: `egui-file-dialog` 0.15 is built for egui 0.36,
//! and `egui_file` 0.29 (egui 0.37) has neither keyboard navigation of its listing, nor typed
//! path completion, nor a choice of filters or recent folders.
//!
//! Keys, while the dialog is up: typing edits the path (and filters the listing by the name being
//! typed); Tab completes it; ↑/↓ move through the listing; Enter opens the folder or chooses the
//! file highlighted (or the one typed); Backspace on a path that ends at the folder goes up.

use super::files_ui::{DialogAnswer, PathPurpose};
use egui::{Id, Key, Modifiers, RichText, Ui};
use std::path::{MAIN_SEPARATOR, Path, PathBuf};

/// How many recent folders are remembered.
pub const RECENT_FOLDERS: usize = 8;

/// Puts `folder` first in the recent folders.
pub fn add_recent_folder(recent: &mut Vec<PathBuf>, folder: &Path) {
    super::files_ui::push_recent(recent, folder, RECENT_FOLDERS);
}

/// Which files the listing shows (folders are always shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFilter {
    /// State machine definitions: `.asl.json`, `.asl.yaml`, `.json`, `.yaml`, `.yml`.
    Definitions,
    /// SAM and CloudFormation templates: `.template`, or JSON/YAML named `*template*`.
    Templates,
    /// JSON files (histories).
    Json,
    /// SVG images.
    Svg,
    /// PNG images.
    Png,
    /// Everything.
    All,
}

impl FileFilter {
    /// Its name in the filter menu.
    pub fn label(self) -> &'static str {
        match self {
            Self::Definitions => "State machines (.asl.json, .asl.yaml, .json, .yaml, .yml)",
            Self::Templates => "Templates (SAM, CloudFormation)",
            Self::Json => "JSON (.json)",
            Self::Svg => "SVG images (.svg)",
            Self::Png => "PNG images (.png)",
            Self::All => "All files",
        }
    }

    /// Whether a file called `name` passes.
    pub fn matches(self, name: &str) -> bool {
        let name = name.to_lowercase();
        let data = [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e));
        match self {
            // `.asl.json` and `.asl.yaml` end in the plain extensions.
            Self::Definitions => data,
            Self::Templates => name.ends_with(".template") || (data && name.contains("template")),
            Self::Json => name.ends_with(".json"),
            Self::Svg => name.ends_with(".svg"),
            Self::Png => name.ends_with(".png"),
            Self::All => true,
        }
    }

    /// The filters offered for `purpose`, the first one chosen.
    pub fn for_purpose(purpose: PathPurpose) -> &'static [FileFilter] {
        match purpose {
            PathPurpose::Open => &[Self::Definitions, Self::Templates, Self::All],
            PathPurpose::SaveAs | PathPurpose::Export(_) => &[Self::Definitions, Self::All],
            PathPurpose::ExportHistory | PathPurpose::ReplayHistory => &[Self::Json, Self::All],
            PathPurpose::ExportImage => &[Self::Svg, Self::All],
            PathPurpose::ExportPng => &[Self::Png, Self::All],
        }
    }
}

/// One name in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file or folder name.
    pub name: String,
    /// Whether it is a folder (links followed).
    pub is_dir: bool,
}

impl Entry {
    fn hidden(&self) -> bool {
        self.name.starts_with('.')
    }
}

/// A folder's entries, folders first, then by name (ignoring case); or what went wrong, in words.
pub fn read_folder(dir: &Path) -> Result<Vec<Entry>, String> {
    let listing = std::fs::read_dir(dir).map_err(|e| folder_error(dir, &e))?;
    let mut entries: Vec<Entry> = listing
        .filter_map(Result::ok)
        .map(|e| Entry {
            name: e.file_name().to_string_lossy().into_owned(),
            // `metadata` follows links: a link to a folder is a folder.
            is_dir: std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()),
        })
        .collect();
    entries.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(entries)
}

fn folder_error(dir: &Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let shown = dir.display();
    match e.kind() {
        ErrorKind::NotFound => format!("There is no folder at {shown}."),
        ErrorKind::PermissionDenied => {
            format!("{shown} cannot be read (permission denied): choose another folder.")
        }
        ErrorKind::NotADirectory => format!("{shown} is a file, not a folder."),
        _ => format!("{shown} cannot be read: {e}."),
    }
}

/// `~/x` as a path in the home folder.
pub fn expand_home(text: &str) -> String {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest).display().to_string(),
        _ if text == "~" => std::env::var("HOME").unwrap_or_else(|_| text.to_owned()),
        _ => text.to_owned(),
    }
}

/// A typed path split where the name being typed starts: (`/a/b/`, `na`) for `/a/b/na`.
fn split_typed(text: &str) -> (&str, &str) {
    match text.rfind(['/', MAIN_SEPARATOR]) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    }
}

/// A folder as the path field shows it: ending with a separator.
fn folder_text(dir: &Path) -> String {
    let mut text = dir.display().to_string();
    if !text.ends_with(['/', MAIN_SEPARATOR]) {
        text.push(MAIN_SEPARATOR);
    }
    text
}

/// The file browser dialog.
#[derive(Debug)]
pub struct FileBrowser {
    /// What the path is for.
    pub purpose: PathPurpose,
    dir: PathBuf,
    listing: Result<Vec<Entry>, String>,
    filter: FileFilter,
    show_hidden: bool,
    /// The path field.
    text: String,
    /// The name typed after the folder, filtering the listing (empty until the user types).
    typed: String,
    /// The highlighted entry, an index into [`Self::visible`].
    selected: Option<usize>,
    /// A file to save over, waiting for the user's yes.
    overwrite: Option<PathBuf>,
    error: Option<String>,
    focus: bool,
    scroll_to_selected: bool,
}

/// The path field's id (its focus is kept across frames).
fn field_id() -> Id {
    Id::unique("stepcraft file browser path")
}

impl FileBrowser {
    /// A browser for `purpose` starting from `suggestion` (a file, or a folder ending in `/`);
    /// with none, in the latest recent folder, else the working folder.
    pub fn new(purpose: PathPurpose, suggestion: &str, recent_folders: &[PathBuf]) -> Self {
        let suggestion = expand_home(suggestion.trim());
        let (dir, text) = if suggestion.is_empty() {
            let dir = recent_folders
                .iter()
                .find(|d| d.is_dir())
                .cloned()
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_else(|| PathBuf::from("/"));
            let text = folder_text(&dir);
            (dir, text)
        } else {
            let (folder, _) = split_typed(&suggestion);
            let dir = if folder.is_empty() {
                std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
            } else {
                PathBuf::from(folder)
            };
            (dir, suggestion)
        };
        let listing = read_folder(&dir);
        Self {
            purpose,
            dir: dir.components().collect(),
            listing,
            filter: FileFilter::for_purpose(purpose)[0],
            show_hidden: false,
            text,
            typed: String::new(),
            selected: None,
            overwrite: None,
            error: None,
            focus: true,
            scroll_to_selected: false,
        }
    }

    /// The folder listed.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path field's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the folder could not be listed, if it could not.
    pub fn listing_error(&self) -> Option<&str> {
        self.listing.as_ref().err().map(String::as_str)
    }

    /// The entries shown: hidden ones only when asked, files that pass the filter, names
    /// starting with what is typed.
    pub fn visible(&self) -> Vec<&Entry> {
        let typed = self.typed.to_lowercase();
        self.listing.as_ref().map_or_else(
            |_| Vec::new(),
            |entries| {
                entries
                    .iter()
                    .filter(|e| self.show_hidden || !e.hidden() || typed.starts_with('.'))
                    .filter(|e| e.is_dir || self.filter.matches(&e.name))
                    .filter(|e| e.name.to_lowercase().starts_with(&typed))
                    .collect()
            },
        )
    }

    /// Lists `dir`, the path field showing it (in save mode, with the file name typed kept).
    pub fn navigate(&mut self, dir: &Path) {
        let expanded = expand_home(&self.text);
        let name = split_typed(&expanded).1.to_owned();
        let keep = self.purpose.is_save() && !name.is_empty() && !dir.join(&name).is_dir();
        self.show_folder(dir);
        self.text = folder_text(&self.dir);
        if keep {
            self.text.push_str(&name);
        }
        self.focus = true;
    }

    /// Lists `dir` without touching the path field.
    fn show_folder(&mut self, dir: &Path) {
        // `a/b/` and `a/b` are one folder: kept without the trailing separator.
        self.dir = dir.components().collect();
        self.listing = read_folder(&self.dir);
        self.typed.clear();
        self.selected = None;
        self.overwrite = None;
        self.error = None;
    }

    /// Goes to the parent folder.
    pub fn up(&mut self) {
        let parent = std::fs::canonicalize(&self.dir)
            .unwrap_or_else(|_| self.dir.clone())
            .parent()
            .map(Path::to_path_buf);
        if let Some(parent) = parent {
            self.navigate(&parent);
        }
    }

    /// The path field was edited: lists the folder it names, filters by the name typed.
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.text_changed();
    }

    fn text_changed(&mut self) {
        let expanded = expand_home(&self.text);
        let (folder, name) = split_typed(&expanded);
        let folder = PathBuf::from(folder);
        if !folder.as_os_str().is_empty() && folder != self.dir && folder.is_dir() {
            self.show_folder(&folder);
        }
        self.typed = name.to_owned();
        self.selected = None;
        self.overwrite = None;
        self.error = None;
    }

    /// Tab: completes the name typed as far as the names it could be agree; a single folder is
    /// entered. Whether anything changed.
    pub fn complete(&mut self) -> bool {
        let expanded = expand_home(&self.text);
        let (folder, name) = split_typed(&expanded);
        let folder_path = if folder.is_empty() {
            self.dir.clone()
        } else {
            PathBuf::from(folder)
        };
        let Ok(entries) = read_folder(&folder_path) else {
            return false;
        };
        let candidates: Vec<&Entry> = entries
            .iter()
            .filter(|e| self.show_hidden || !e.hidden() || name.starts_with('.'))
            .filter(|e| e.is_dir || self.filter.matches(&e.name))
            .filter(|e| e.name.starts_with(name))
            .collect();
        let Some(first) = candidates.first() else {
            return false;
        };
        let common = candidates.iter().fold(first.name.clone(), |common, e| {
            common
                .chars()
                .zip(e.name.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        let prefix = if folder.is_empty() {
            folder_text(&folder_path)
        } else {
            folder.to_owned()
        };
        if let [only] = candidates.as_slice()
            && only.is_dir
        {
            self.navigate(&folder_path.join(&only.name));
            return true;
        }
        let completed = format!("{prefix}{common}");
        if completed == expanded {
            return false;
        }
        self.set_text(completed);
        true
    }

    /// Moves the highlight by `delta` rows (↑/↓).
    pub fn move_selection(&mut self, delta: isize) {
        let count = self.visible().len();
        if count == 0 {
            return;
        }
        let next = match self.selected {
            None if delta > 0 => 0,
            None => count - 1,
            Some(i) => i.saturating_add_signed(delta).min(count - 1),
        };
        self.selected = Some(next);
        self.scroll_to_selected = true;
        // The field shows the highlighted file (what Enter would choose); the filter stays.
        if let Some(entry) = self.visible().get(next).copied()
            && !entry.is_dir
        {
            let name = entry.name.clone();
            self.text = self.dir.join(name).display().to_string();
        }
    }

    /// Enter: the highlighted entry, else the typed path. Opens a folder; chooses a file (in save
    /// mode, an existing file only after the overwrite question).
    pub fn activate(&mut self) -> Option<PathBuf> {
        if let Some(entry) = self.selected.and_then(|i| self.visible().get(i).copied()) {
            let path = self.dir.join(&entry.name);
            if entry.is_dir {
                self.navigate(&path);
                return None;
            }
            return self.choose(path);
        }
        let expanded = expand_home(self.text.trim());
        if expanded.is_empty() {
            self.error = Some("Type a path.".to_owned());
            return None;
        }
        let path = PathBuf::from(&expanded);
        // A folder, or a path ending in `/` (the listing says what is wrong with it).
        if path.is_dir() || expanded.ends_with(['/', MAIN_SEPARATOR]) {
            self.navigate(&path);
            return None;
        }
        self.choose(path)
    }

    fn choose(&mut self, path: PathBuf) -> Option<PathBuf> {
        let saving = self.purpose.is_save();
        if !saving {
            if !path.is_file() {
                self.error = Some(format!("There is no file at {}.", path.display()));
                return None;
            }
            return Some(path);
        }
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder
            && !folder.is_dir()
        {
            self.error = Some(format!(
                "There is no folder at {}: choose an existing folder.",
                folder.display()
            ));
            return None;
        }
        if path.exists() {
            self.overwrite = Some(path);
            return None;
        }
        Some(path)
    }

    /// Shows the dialog; `recent_files` are offered when opening.
    pub fn ui(
        &mut self,
        ui: &Ui,
        recent_files: &[PathBuf],
        recent_folders: &[PathBuf],
    ) -> DialogAnswer<PathBuf> {
        let mut answer = DialogAnswer::Open;
        let modal = egui::Modal::new(Id::unique("stepcraft file browser")).show(ui.ctx(), |ui| {
            ui.set_width(760.0);
            ui.heading(self.purpose.title());
            ui.add_space(4.0);
            if let Some(path) = self.keys(ui) {
                answer = DialogAnswer::Done(path);
            }
            self.path_row(ui);
            self.complete_on_tab(ui);
            ui.horizontal_top(|ui| {
                self.places_ui(ui, recent_files, recent_folders);
                // Space, not a separator: a vertical separator takes the row's whole height, and
                // the modal grew by it every frame.
                ui.add_space(12.0);
                if let Some(path) = self.listing_ui(ui) {
                    answer = DialogAnswer::Done(path);
                }
            });
            self.options_ui(ui);
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.add_space(8.0);
            match self.buttons_ui(ui) {
                DialogAnswer::Open => {}
                other => answer = other,
            }
        });
        if modal.should_close() && answer == DialogAnswer::Open {
            answer = DialogAnswer::Cancelled;
        }
        answer
    }

    /// The dialog's keys, taken before the path field sees them.
    fn keys(&mut self, ui: &Ui) -> Option<PathBuf> {
        let field_focused = ui.memory(|m| m.has_focus(field_id()));
        let nothing_focused = ui.memory(|m| m.focused().is_none());
        if !(field_focused || nothing_focused) || self.overwrite.is_some() {
            return None;
        }
        let take = |key| ui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        if take(Key::ArrowDown) {
            self.move_selection(1);
        }
        if take(Key::ArrowUp) {
            self.move_selection(-1);
        }
        if take(Key::Enter) {
            return self.activate();
        }
        // The path ends at the folder listed: Backspace goes up instead of eating the `/`.
        let at_folder = Path::new(&expand_home(&self.text)) == self.dir
            && self.text.ends_with(['/', MAIN_SEPARATOR]);
        if (at_folder || !field_focused) && take(Key::Backspace) {
            self.up();
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::ALT, Key::ArrowUp)) {
            self.up();
        }
        None
    }

    /// Tab in the path field: completion, once the field has taken this frame's typing (a name
    /// typed quickly arrives in the same frame as the Tab after it, and completing the text as
    /// it was before would put the last letters after the completion).
    fn complete_on_tab(&mut self, ui: &Ui) {
        let field_focused = ui.memory(|m| m.has_focus(field_id()));
        if field_focused && ui.input(|i| i.key_pressed(Key::Tab) && i.modifiers.is_none()) {
            if self.complete() {
                self.focus = true;
            } else {
                ui.memory_mut(|m| m.move_focus(egui::FocusDirection::Next));
            }
        }
    }

    fn path_row(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if ui
                .button("⬆")
                .on_hover_text("Go to the parent folder (Backspace)")
                .accessible_name("Parent folder")
                .clicked()
            {
                self.up();
            }
            ui.label(RichText::new(format!("In {}", self.dir.display())).weak());
        });
        let label = ui.label(self.purpose.field_label());
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut self.text)
                    .id(field_id())
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if field.changed() {
            self.text_changed();
        }
        if field.has_focus() {
            // Tab completes and ↑/↓ move the highlight: the field keeps the focus.
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    field_id(),
                    egui::EventFilter {
                        tab: true,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: false,
                    },
                );
            });
        }
        if self.focus {
            field.request_focus();
            // The cursor at the end, after the path.
            let mut state = egui::TextEdit::load_state(ui.ctx(), field_id()).unwrap_or_default();
            let end = egui::text::CCursor::new(self.text.chars().count());
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(end)));
            state.store(ui.ctx(), field_id());
            self.focus = false;
        }
    }

    fn places_ui(&mut self, ui: &mut Ui, recent_files: &[PathBuf], recent_folders: &[PathBuf]) {
        ui.vertical(|ui| {
            ui.set_width(200.0);
            ui.label(RichText::new("Places").strong());
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let mut go = None;
            if let Some(home) = home.filter(|h| h.is_dir())
                && ui.button("Home folder").clicked()
            {
                go = Some(home);
            }
            if let Ok(cwd) = std::env::current_dir()
                && ui.button("Working folder").clicked()
            {
                go = Some(cwd);
            }
            if !recent_folders.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("Recent folders").strong());
                for folder in recent_folders.iter().take(RECENT_FOLDERS) {
                    let name = folder.file_name().map_or_else(
                        || folder.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    if ui
                        .button(name)
                        .on_hover_text(folder.display().to_string())
                        .clicked()
                    {
                        go = Some(folder.clone());
                    }
                }
            }
            if self.purpose == PathPurpose::Open && !recent_files.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("Recent files").strong());
                for path in recent_files {
                    // The folder beside the name: a recent file is told from the listing's.
                    let name = match (path.file_name(), path.parent().and_then(Path::file_name)) {
                        (Some(n), Some(p)) => {
                            format!("{} ({})", n.to_string_lossy(), p.to_string_lossy())
                        }
                        _ => path.display().to_string(),
                    };
                    if ui
                        .selectable_label(false, name)
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        self.text = path.display().to_string();
                        self.focus = true;
                    }
                }
            }
            if let Some(dir) = go {
                self.navigate(&dir);
            }
        });
    }

    /// The folder's entries: a folder opens with one click, a file is highlighted (its path in
    /// the field) with one and chosen with two.
    fn listing_ui(&mut self, ui: &mut Ui) -> Option<PathBuf> {
        let mut chosen = None;
        ui.vertical(|ui| {
            ui.set_min_width(500.0);
            if let Some(e) = self.listing_error() {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return;
            }
            let visible: Vec<Entry> = self.visible().into_iter().cloned().collect();
            let scroll = std::mem::take(&mut self.scroll_to_selected);
            let mut clicked = None;
            egui::ScrollArea::vertical()
                .id_salt("file browser listing")
                .max_height(300.0)
                .min_scrolled_height(300.0)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if visible.is_empty() {
                        ui.label(RichText::new("Nothing here matches.").weak());
                    }
                    for (i, entry) in visible.iter().enumerate() {
                        let text = if entry.is_dir {
                            RichText::new(format!("{}/", entry.name)).strong()
                        } else {
                            RichText::new(&entry.name)
                        };
                        let selected = self.selected == Some(i);
                        let row = ui.add(
                            egui::Button::selectable(selected, text)
                                .min_size(egui::vec2(ui.available_width(), 0.0)),
                        );
                        if selected && scroll {
                            row.scroll_to_me(None);
                        }
                        if row.double_clicked() {
                            clicked = Some((i, true));
                        } else if row.clicked() {
                            clicked = Some((i, entry.is_dir));
                        }
                    }
                });
            if let Some((i, activate)) = clicked {
                self.selected = Some(i);
                if activate {
                    chosen = self.activate();
                } else {
                    self.text = self.dir.join(&visible[i].name).display().to_string();
                }
                self.focus = true;
            }
        });
        chosen
    }

    fn options_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Show");
            let before = self.filter;
            egui::ComboBox::from_id_salt("file browser filter")
                .selected_text(self.filter.label())
                .width(360.0)
                .show_ui(ui, |ui| {
                    for filter in FileFilter::for_purpose(self.purpose) {
                        ui.selectable_value(&mut self.filter, *filter, filter.label());
                    }
                })
                .response
                .labelled_by(label.id);
            if ui.checkbox(&mut self.show_hidden, "Hidden files").changed() || before != self.filter
            {
                self.selected = None;
            }
        });
    }

    fn buttons_ui(&mut self, ui: &mut Ui) -> DialogAnswer<PathBuf> {
        let mut answer = DialogAnswer::Open;
        if let Some(path) = self.overwrite.clone() {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            ui.label(format!("{name} already exists. Replace it?"));
            ui.horizontal(|ui| {
                if ui.button("Replace").clicked() {
                    answer = DialogAnswer::Done(path.clone());
                }
                if ui.button("Don't replace").clicked() {
                    self.overwrite = None;
                    self.focus = true;
                }
            });
            return answer;
        }
        ui.horizontal(|ui| {
            if ui.button(self.purpose.button()).clicked()
                && let Some(path) = self.activate()
            {
                answer = DialogAnswer::Done(path);
            }
            if ui.button("Cancel").clicked() {
                answer = DialogAnswer::Cancelled;
            }
        });
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_by_name() {
        assert!(FileFilter::Definitions.matches("orders.asl.json"));
        assert!(FileFilter::Definitions.matches("ORDERS.ASL.YAML"));
        assert!(FileFilter::Definitions.matches("a.yml"));
        assert!(!FileFilter::Definitions.matches("notes.txt"));
        assert!(FileFilter::Templates.matches("template.yaml"));
        assert!(FileFilter::Templates.matches("stack.template"));
        assert!(!FileFilter::Templates.matches("orders.asl.json"));
        assert!(FileFilter::Svg.matches("graph.svg"));
        assert!(FileFilter::All.matches("anything"));
    }

    #[test]
    fn typed_paths_split_at_the_last_separator() {
        assert_eq!(split_typed("/a/b/na"), ("/a/b/", "na"));
        assert_eq!(split_typed("/a/b/"), ("/a/b/", ""));
        assert_eq!(split_typed("name"), ("", "name"));
    }

    #[test]
    fn recent_folders_are_unique_and_bounded() {
        let mut recent = Vec::new();
        for i in 0..12 {
            add_recent_folder(&mut recent, Path::new(&format!("/nowhere/{i}")));
        }
        add_recent_folder(&mut recent, Path::new("/nowhere/5"));
        assert_eq!(recent.len(), RECENT_FOLDERS);
        assert_eq!(recent[0], PathBuf::from("/nowhere/5"));
        assert_eq!(recent.iter().filter(|p| p.ends_with("5")).count(), 1);
    }
}
