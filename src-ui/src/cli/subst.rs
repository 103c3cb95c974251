//! The placeholder options every command that reads a definition takes: `--sub`, `--subs`,
//! `--template`, `--template-resource`, `--no-discovery`.

use clap::Args;
use std::path::{Path, PathBuf};
use stepcraft::subst::{Sources, Substitutions};

#[derive(Clone, Debug, Default, Args)]
pub struct SubstArgs {
    /// A value for a ${Name} placeholder (repeatable); wins over every other source.
    #[arg(long = "sub", value_name = "NAME=VALUE")]
    sub: Vec<String>,
    /// A JSON or YAML file of placeholder values ({"Name": "value", ...}). Without it, the
    /// definition's sidecar file (NAME.subs.json, written by the studio) is read if present.
    #[arg(long = "subs", value_name = "FILE")]
    subs: Option<PathBuf>,
    /// A SAM or CloudFormation template whose DefinitionSubstitutions give values (intrinsic
    /// functions become stand-in ARNs and names). Without it, a template.yaml next to the
    /// definition or up to three folders above, whose DefinitionUri names it, is used.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// The state machine's logical ID, when the template has several.
    #[arg(long, value_name = "ID")]
    template_resource: Option<String>,
    /// Read no sidecar file and look for no template: only --sub, --subs and --template count.
    #[arg(long)]
    no_discovery: bool,
}

impl SubstArgs {
    fn sources(&self) -> Sources {
        Sources {
            flags: self.sub.clone(),
            file: self.subs.clone(),
            template: self.template.clone(),
            template_resource: self.template_resource.clone(),
            no_discovery: self.no_discovery,
            skip_sidecar: false,
        }
    }

    /// The template `--template` names, else (without `--no-discovery`) the one found for
    /// `definition`.
    pub fn template_for(&self, definition: &Path) -> Option<PathBuf> {
        self.template.clone().or_else(|| {
            (!self.no_discovery)
                .then(|| stepcraft::subst::template::find_for(definition))
                .flatten()
        })
    }

    /// The file the state machine's Config is read from: `--subs FILE` (the same shape), else
    /// the definition's sidecar, beside the template for one inside a template (unless
    /// `--no-discovery`).
    pub fn config_file(&self, loaded: &super::definition::Loaded) -> Option<PathBuf> {
        self.subs
            .clone()
            .or_else(|| (!self.no_discovery).then(|| loaded.sidecar()))
    }

    /// Whether `--no-discovery` was given.
    pub fn no_discovery(&self) -> bool {
        self.no_discovery
    }

    /// The values for a definition a command read: one named as `TEMPLATE#Id` takes the
    /// template's values for that resource (unless `--template` names another); a definition
    /// inside a template has no sidecar file.
    pub fn gather_for(&self, loaded: &super::definition::Loaded) -> Result<Substitutions, String> {
        let Some((template, id)) = &loaded.template else {
            return self.gather(Some(&loaded.file));
        };
        let mut sources = self.sources();
        if sources.template.is_none() {
            sources.template = Some(template.clone());
            sources.template_resource.get_or_insert_with(|| id.clone());
        }
        let definition = loaded.embedded.is_none().then_some(loaded.file.as_path());
        sources.gather(definition)
    }

    /// The values for the definition at `definition` (a file), or for no file in particular.
    pub fn gather(&self, definition: Option<&Path>) -> Result<Substitutions, String> {
        self.sources().gather(definition)
    }
}
