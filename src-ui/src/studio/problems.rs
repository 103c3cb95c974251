//! The validator's findings for the studio: an index of problems by state (the canvas's
//! badges) and the problems list at the bottom of the window.

use super::action::{Action, Actions};
use super::theme;
use egui::{RichText, Ui};
use std::collections::HashMap;
use stepcraft::edit::StateRef;
use stepcraft::{Diagnostic, Location, Pointer, Severity};

/// The state a pointer lies in: the deepest `States/<name>` reached through scopes (branches
/// and item processors), so `/States/P/Branches/0/States/A/Retry/0` is `A` of that branch.
pub fn state_of(pointer: &Pointer) -> Option<StateRef> {
    let tokens: Vec<String> = pointer.tokens().collect();
    let mut scope = Pointer::root();
    let mut found = None;
    let mut i = 0;
    while i + 1 < tokens.len() && tokens[i] == "States" {
        let state = StateRef::new(scope.clone(), tokens[i + 1].clone());
        let at = state.pointer();
        found = Some(state);
        i += 2;
        match tokens.get(i).map(String::as_str) {
            Some("Branches") if i + 1 < tokens.len() => {
                scope = at.key("Branches").key(&tokens[i + 1]);
                i += 2;
            }
            Some(key @ ("ItemProcessor" | "Iterator")) => {
                scope = at.key(key);
                i += 1;
            }
            _ => break,
        }
    }
    found
}

/// The problems of each state, for the canvas's badges.
#[derive(Debug, Default)]
pub struct ProblemIndex {
    by_state: HashMap<String, (Severity, Vec<String>)>,
}

impl ProblemIndex {
    /// Indexes diagnostics by the state they are in.
    pub fn new(diagnostics: &[Diagnostic]) -> Self {
        let mut by_state: HashMap<String, (Severity, Vec<String>)> = HashMap::new();
        for d in diagnostics {
            let Some(state) = state_of(&d.pointer) else {
                continue;
            };
            let entry = by_state
                .entry(state.pointer().as_str().to_owned())
                .or_insert((d.severity, Vec::new()));
            entry.0 = entry.0.min(d.severity);
            entry
                .1
                .push(format!("{}: {}", d.severity.as_str(), d.message));
        }
        Self { by_state }
    }

    /// The worst severity and the number of problems of the state at `pointer`.
    pub fn badge(&self, pointer: &Pointer) -> Option<(Severity, usize)> {
        self.by_state
            .get(pointer.as_str())
            .map(|(s, m)| (*s, m.len()))
    }

    /// The messages of the state at `pointer`.
    pub fn messages(&self, pointer: &Pointer) -> Option<&[String]> {
        self.by_state
            .get(pointer.as_str())
            .map(|(_, m)| m.as_slice())
    }
}

/// A problem the user clicked in the list.
#[derive(Clone, Debug, PartialEq)]
pub struct ProblemClick {
    /// Where in the definition.
    pub pointer: Pointer,
    /// Where in the text.
    pub location: Option<Location>,
}

/// The counts shown on the Validate button: errors and warnings.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// "1 error", "2 warnings": a count with its noun, singular or plural.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The problems list; a problem clicked queues [`Action::ProblemClicked`].
pub fn problems_ui(
    ui: &mut Ui,
    diagnostics: &[Diagnostic],
    parse_error: Option<&Diagnostic>,
    actions: &mut Actions,
) {
    let (errors, warnings) = counts(diagnostics);
    let errors = errors + usize::from(parse_error.is_some());
    ui.horizontal(|ui| {
        ui.strong("Problems");
        ui.label(
            RichText::new(format!(
                "{}, {}",
                count(errors, "error"),
                count(warnings, "warning")
            ))
            .color(ui.visuals().weak_text_color()),
        );
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if let Some(d) = parse_error {
                let location = d.location.map(|l| format!("{l} ")).unwrap_or_default();
                let text = format!("{location}the text does not parse: {}", d.message);
                if ui
                    .selectable_label(
                        false,
                        RichText::new(text).color(theme::severity_color(Severity::Error)),
                    )
                    .clicked()
                {
                    actions.push(Action::ProblemClicked(ProblemClick {
                        pointer: Pointer::root(),
                        location: d.location,
                    }));
                }
            }
            if diagnostics.is_empty() && parse_error.is_none() {
                ui.label("No problems found.");
            }
            for d in diagnostics {
                let location = d.location.map(|l| format!("{l} ")).unwrap_or_default();
                let text = format!(
                    "{location}{} [{}] {}",
                    d.severity.as_str(),
                    d.code,
                    d.message
                );
                let r = ui.horizontal(|ui| {
                    ui.label(RichText::new("■").color(theme::severity_color(d.severity)));
                    ui.selectable_label(false, text)
                });
                if r.inner.on_hover_text(d.pointer.as_str()).clicked() {
                    actions.push(Action::ProblemClicked(ProblemClick {
                        pointer: d.pointer.clone(),
                        location: d.location,
                    }));
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_deepest_state() {
        let p = Pointer::from_escaped("/States/P/Branches/1/States/A/Retry/0").unwrap();
        let s = state_of(&p).unwrap();
        assert_eq!(s.name, "A");
        assert_eq!(s.scope.as_str(), "/States/P/Branches/1");
        let p = Pointer::from_escaped("/States/M/ItemProcessor/States/B/Next").unwrap();
        assert_eq!(
            state_of(&p).unwrap().scope.as_str(),
            "/States/M/ItemProcessor"
        );
        let p = Pointer::from_escaped("/States/T/Parameters/States/x").unwrap();
        assert_eq!(state_of(&p).unwrap().name, "T");
        assert!(state_of(&Pointer::from_escaped("/StartAt").unwrap()).is_none());
    }
}
