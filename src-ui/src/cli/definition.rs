//! Reading the definition a command names: a definition file, or `TEMPLATE#LogicalId` (a SAM or
//! CloudFormation template's state machine; `#LogicalId` may be left out when the template has
//! one). A definition inside the template is located at the template's lines; one in a file
//! the template's `DefinitionUri` names is read from that file.

use super::Outcome;
use super::validate::format_diagnostic;
use crate::files::read_text;
use std::path::{Path, PathBuf};
use stepcraft::embedded::{Embedded, Place, Template, is_template};
use stepcraft::{Diagnostic, Document, Format};

/// A definition read for a command.
#[derive(Debug)]
pub struct Loaded {
    /// The definition, every position in `file`.
    pub document: Document,
    /// The file its positions are in (the template for a definition inside one).
    pub file: PathBuf,
    /// The template and logical ID it was named by, if it was.
    pub template: Option<(PathBuf, String)>,
    /// The definition inside the template (not for one in a `DefinitionUri` file).
    pub embedded: Option<Embedded>,
}

impl Loaded {
    /// How messages name it: `template.yaml#Orders`, or the file.
    pub fn name(&self) -> String {
        match (&self.template, &self.embedded) {
            (Some((t, id)), Some(_)) => format!("{}#{id}", t.display()),
            _ => self.file.display().to_string(),
        }
    }

    /// Its sidecar (placeholder values and Config): beside the file, or beside the template
    /// for a definition inside one.
    pub fn sidecar(&self) -> PathBuf {
        match (&self.template, &self.embedded) {
            (Some((t, id)), Some(_)) => stepcraft::sidecar::for_template(t, id),
            _ => stepcraft::run::beside(&self.file).sidecar,
        }
    }
}

/// Why a definition could not be read, and the exit status it gives.
#[derive(Debug)]
pub struct Failure {
    pub outcome: Outcome,
    /// The message, located (`file:line:col: ...`).
    pub message: String,
    /// The file's own parse error, for reports that list diagnostics.
    pub diagnostic: Option<(PathBuf, Diagnostic)>,
}

impl Failure {
    fn unreadable(message: String) -> Self {
        Self {
            outcome: Outcome::Unreadable,
            message,
            diagnostic: None,
        }
    }

    fn unparsable(path: &Path, d: Diagnostic) -> Self {
        Self {
            outcome: Outcome::Invalid,
            message: format_diagnostic(path, &d),
            diagnostic: Some((path.to_path_buf(), d)),
        }
    }
}

/// The file and the logical ID an argument names: `FILE`, or `FILE#Id` when `FILE#Id` itself is
/// not a file.
pub fn split(arg: &Path) -> (PathBuf, Option<String>) {
    if arg.is_file() {
        return (arg.to_path_buf(), None);
    }
    let text = arg.to_string_lossy();
    match text.rsplit_once('#') {
        Some((file, id)) if !id.is_empty() && Path::new(file).is_file() => {
            (PathBuf::from(file), Some(id.to_owned()))
        }
        _ => (arg.to_path_buf(), None),
    }
}

/// Reads the definition `arg` names.
pub fn load(arg: &Path) -> Result<Loaded, Failure> {
    let (path, id) = split(arg);
    let text = read_text(&path).map_err(Failure::unreadable)?;
    let format = Format::from_path(&path).unwrap_or_else(|| Format::sniff(&text));
    if id.is_none() {
        let doc = Document::parse(&text, format).map_err(|d| Failure::unparsable(&path, d))?;
        if !is_template(doc.value()) {
            return Ok(Loaded {
                document: doc,
                file: path,
                template: None,
                embedded: None,
            });
        }
    }
    from_template(&path, &text, format, id.as_deref())
}

fn from_template(
    path: &Path,
    text: &str,
    format: Format,
    id: Option<&str>,
) -> Result<Loaded, Failure> {
    let located = |e: stepcraft::embedded::EmbedError| {
        let at = e.location.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{}{at}: error: {}", path.display(), e.message)
    };
    let template = Template::parse(text, format).map_err(|d| Failure::unparsable(path, d))?;
    let machine = template
        .machine(id)
        .map_err(|e| Failure::unreadable(located(e)))?;
    let named = Some((path.to_path_buf(), machine.id.clone()));
    if let Place::DefinitionUri(uri) = &machine.place {
        let file = path.parent().unwrap_or_else(|| Path::new(".")).join(uri);
        let text = read_text(&file).map_err(Failure::unreadable)?;
        let format = Format::from_path(&file).unwrap_or_else(|| Format::sniff(&text));
        let document = Document::parse(&text, format).map_err(|d| Failure::unparsable(&file, d))?;
        return Ok(Loaded {
            document,
            file,
            template: named,
            embedded: None,
        });
    }
    let embedded = template.embedded(&machine.id).map_err(|e| Failure {
        // A definition that is not JSON is a problem of the file, as a definition file's is.
        outcome: if e.in_definition {
            Outcome::Invalid
        } else {
            Outcome::Unreadable
        },
        message: located(e),
        diagnostic: None,
    })?;
    Ok(Loaded {
        document: embedded.located(),
        file: path.to_path_buf(),
        template: named,
        embedded: Some(embedded),
    })
}
