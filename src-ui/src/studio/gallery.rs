//! File > New: a gallery to start from: a blank state machine, one of the bundled examples, or
//! one of the patterns of the states browser as a whole workflow.

use egui::{Id, RichText, Ui};
use serde_json::Value;
use stepcraft::catalog::Catalog;

/// Something to start a new state machine from.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Which group it is listed in: "Start", "Examples" or a pattern's category.
    pub group: String,
    /// Its name.
    pub name: String,
    /// One line on what it is.
    pub description: String,
    /// The definition it starts with.
    pub definition: Value,
}

/// The bundled examples, as their files' names and text.
const EXAMPLES: [(&str, &str); 6] = [
    (
        "Order processing",
        include_str!("../../../assets/examples/order-processing.asl.json"),
    ),
    (
        "Hello world",
        include_str!("../../../assets/examples/hello-world.asl.json"),
    ),
    (
        "Callback approval",
        include_str!("../../../assets/examples/callback-approval.asl.json"),
    ),
    (
        "Map over items",
        include_str!("../../../assets/examples/map-items.asl.json"),
    ),
    (
        "Distributed Map over a CSV",
        include_str!("../../../assets/examples/distributed-map-csv.asl.json"),
    ),
    (
        "JSONata orders",
        include_str!("../../../assets/examples/jsonata-orders.asl.json"),
    ),
];

/// Everything the gallery offers, blank first, then the examples, then the patterns.
pub fn templates(catalog: &Catalog) -> Vec<Template> {
    let mut out = vec![Template {
        group: "Start".into(),
        name: "Blank".into(),
        description: "One Pass state, to build on".into(),
        definition: super::session::new_definition(),
    }];
    for (name, text) in EXAMPLES {
        let Ok(definition) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let description = definition
            .get("Comment")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        out.push(Template {
            group: "Examples".into(),
            name: name.into(),
            description,
            definition,
        });
    }
    let mut patterns: Vec<Template> = catalog
        .entries()
        .filter_map(|entry| match entry {
            stepcraft::catalog::Entry::Pattern(p) => Some(Template {
                group: format!("Patterns: {}", p.category),
                name: p.name.clone(),
                description: p.description.clone(),
                definition: p.definition.clone(),
            }),
            _ => None,
        })
        .collect();
    // One heading per category (the order within each kept).
    patterns.sort_by(|a, b| a.group.cmp(&b.group));
    out.extend(patterns);
    out
}

/// The gallery as a modal: `Some(Some(template))` when one is chosen, `Some(None)` when
/// cancelled, `None` while it is open.
pub fn gallery_ui(ui: &Ui, templates: &[Template]) -> Option<Option<Template>> {
    let mut answer = None;
    let modal = egui::Modal::new(Id::unique("stepcraft new gallery")).show(ui.ctx(), |ui| {
        ui.set_width(560.0);
        ui.heading("New state machine");
        ui.label("Start from a blank state machine, an example, or a pattern.");
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .max_height(ui.ctx().content_rect().height() * 0.6)
            .show(ui, |ui| {
                let mut group = "";
                for template in templates {
                    if template.group != group {
                        group = &template.group;
                        ui.add_space(4.0);
                        ui.label(RichText::new(group).strong());
                    }
                    let response = ui
                        .button(&template.name)
                        .on_hover_text(&template.description);
                    if response.clicked() {
                        answer = Some(Some(template.clone()));
                    }
                    if !template.description.is_empty() {
                        ui.label(RichText::new(&template.description).small().weak());
                    }
                }
            });
        ui.add_space(8.0);
        if ui.button("Cancel").clicked() {
            answer = Some(None);
        }
    });
    if modal.should_close() && answer.is_none() {
        answer = Some(None);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepcraft::{Document, Format, validate};

    /// Templates leave the names of the user's own resources (a function, a topic) empty for
    /// the user to fill in: those are reported as required parameters, and nothing else is.
    #[test]
    fn every_template_is_a_valid_state_machine_once_its_resources_are_named() {
        let all = templates(&Catalog::bundled());
        assert!(all.iter().any(|t| t.group == "Examples"));
        assert!(all.iter().any(|t| t.group.starts_with("Patterns")));
        for t in &all {
            let doc = Document::from_value(t.definition.clone(), Format::Json);
            let errors: Vec<_> = validate::validate(&doc, &validate::Options::default())
                .into_iter()
                .filter(|d| d.severity == stepcraft::Severity::Error)
                .filter(|d| d.code != stepcraft::Code::RequiredParameter)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", t.name);
        }
    }
}
