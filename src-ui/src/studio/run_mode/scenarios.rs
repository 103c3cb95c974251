//! Ways to run a definition: the cases of the test files beside it (or bundled with an example).

use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use stepcraft::run::beside;
use stepcraft::tasks::backends::BackendsConfig;
use stepcraft::testing::{self, Mocks, Objects};
use stepcraft::validate::WorkflowType;
use stepcraft::{Document, Format};

/// A way to run: an input and how Task states are answered.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// What the list shows.
    pub name: String,
    /// The execution input.
    pub input: Value,
    /// Mocked task results, or why they cannot be used.
    pub mocks: Result<Mocks, String>,
    /// The objects a distributed Map reads (the test file's `s3Root` and `files`).
    pub objects: Result<Objects, String>,
    /// Local backends the test case names (run once the user allows them).
    pub backends: Option<Arc<BackendsConfig>>,
    /// The template `lambdas: template` reads.
    pub template: Option<std::path::PathBuf>,
    /// Standard or Express (the test file's `type`): the run's limits, and whether it can be
    /// redriven.
    pub workflow_type: WorkflowType,
}

/// When the test files beside a definition were last changed.
pub(super) fn test_files_stamp(definition: &Path) -> Vec<Option<std::time::SystemTime>> {
    beside(definition)
        .test_files
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

/// The test files beside a definition: `orders.asl.json` → `orders.test.yaml` (or `.yml`,
/// `.json`), each case a scenario.
pub(super) fn scenarios_beside(definition: &Path) -> Vec<Scenario> {
    let mut out = Vec::new();
    for path in beside(definition).test_files {
        if let Ok(file) = testing::load(&path) {
            out.extend(file.cases.into_iter().map(|c| Scenario {
                name: c.name,
                input: c.input,
                mocks: c.mocks,
                objects: c.objects,
                backends: c.backends,
                template: c.template,
                workflow_type: c.workflow_type,
            }));
        }
    }
    out
}

/// The cases of a test file given as text (a bundled example's).
pub(super) fn scenarios_from_text(path: &Path, text: &str) -> Vec<Scenario> {
    let Ok(doc) = Document::parse(text, Format::Yaml) else {
        return Vec::new();
    };
    testing::test_file(path, doc.value(), &testing::LoadOptions::default())
        .map(|file| {
            file.cases
                .into_iter()
                .map(|c| Scenario {
                    name: c.name,
                    input: c.input,
                    mocks: c.mocks,
                    objects: c.objects,
                    backends: c.backends,
                    template: c.template,
                    workflow_type: c.workflow_type,
                })
                .collect()
        })
        .unwrap_or_default()
}
