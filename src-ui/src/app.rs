//! The studio window. For now it shows the definition's states and its diagnostics; the full
//! Design, Code and Run modes grow from here.

use std::path::PathBuf;
use stepcraft::validate::{Options, validate};
use stepcraft::{Diagnostic, Document, Format};

/// The example the studio opens when given no file.
pub const BUNDLED_EXAMPLE: (&str, &str) = (
    "order-processing.asl.json",
    include_str!("../../assets/examples/order-processing.asl.json"),
);

/// Opens the studio window on `file`, or on the bundled example.
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    let state = StudioApp::open(file);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("{} — Stepcraft", state.title))
            .with_inner_size([1100.0, 720.0]),
        ..Default::default()
    };
    eframe::run_native("Stepcraft", options, Box::new(|_cc| Ok(Box::new(state))))
}

/// One row of the state list.
#[derive(Debug)]
struct StateRow {
    depth: usize,
    name: String,
    kind: String,
}

/// The studio's state for now: the open definition and what the engine says about it.
#[derive(Debug)]
pub struct StudioApp {
    title: String,
    rows: Vec<StateRow>,
    diagnostics: Vec<Diagnostic>,
    load_error: Option<String>,
}

impl StudioApp {
    fn open(file: Option<PathBuf>) -> Self {
        match file {
            None => Self::from_text(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1, Format::Json),
            Some(path) => {
                let title = path.display().to_string();
                match crate::files::read_text(&path) {
                    Ok(text) => {
                        let format =
                            Format::from_path(&path).unwrap_or_else(|| Format::sniff(&text));
                        Self::from_text(&title, &text, format)
                    }
                    Err(e) => Self {
                        title,
                        rows: Vec::new(),
                        diagnostics: Vec::new(),
                        load_error: Some(e),
                    },
                }
            }
        }
    }

    /// Builds the view of a definition's text.
    pub fn from_text(title: &str, text: &str, format: Format) -> Self {
        match Document::parse(text, format) {
            Err(d) => Self {
                title: title.to_owned(),
                rows: Vec::new(),
                load_error: Some(format!(
                    "{}{}: {}",
                    title,
                    d.location.map(|l| format!(":{l}")).unwrap_or_default(),
                    d.message
                )),
                diagnostics: Vec::new(),
            },
            Ok(doc) => {
                let (machine, _) = doc.model();
                let mut rows = Vec::new();
                collect_rows(&machine.scope, 0, &mut rows);
                Self {
                    title: title.to_owned(),
                    rows,
                    diagnostics: validate(&doc, &Options::default()),
                    load_error: None,
                }
            }
        }
    }
}

fn collect_rows(scope: &stepcraft::model::Scope, depth: usize, rows: &mut Vec<StateRow>) {
    for state in scope.states.values() {
        rows.push(StateRow {
            depth,
            name: state.name.to_string(),
            kind: state.state_type().map_or("?", |t| t.as_str()).to_owned(),
        });
        for nested in state.scopes() {
            collect_rows(nested, depth + 1, rows);
        }
    }
}

impl eframe::App for StudioApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_contents(ui);
    }
}

impl StudioApp {
    /// Draws the whole window's contents into `ui`.
    pub fn ui_contents(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("title").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Stepcraft");
                ui.separator();
                ui.label(&self.title);
            });
        });
        egui::Panel::bottom("diagnostics")
            .resizable(true)
            .show(ui, |ui| {
                self.diagnostics_ui(ui);
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.states_ui(ui);
        });
    }

    fn states_ui(&self, ui: &mut egui::Ui) {
        if let Some(e) = &self.load_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        ui.label(format!("{} states", self.rows.len()));
        egui::ScrollArea::vertical().show(ui, |ui| {
            for row in &self.rows {
                ui.horizontal(|ui| {
                    ui.add_space(row.depth as f32 * 18.0);
                    ui.label(egui::RichText::new(&row.kind).weak().monospace());
                    ui.label(&row.name);
                });
            }
        });
    }

    fn diagnostics_ui(&self, ui: &mut egui::Ui) {
        if self.diagnostics.is_empty() && self.load_error.is_none() {
            ui.label("No problems found.");
            return;
        }
        for d in &self.diagnostics {
            let location = d.location.map(|l| format!("{l} ")).unwrap_or_default();
            ui.label(format!(
                "{location}{} [{}] {}",
                d.severity.as_str(),
                d.code,
                d.message
            ));
        }
    }
}
