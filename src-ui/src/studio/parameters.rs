//! The workflow's parameters: its deploy-time `${...}` placeholders and the values the studio
//! uses for them, and the state machine's Config (name, type, role, logging, tracing, version,
//! tags). Both are kept in the definition's one sidecar file (`NAME.subs.json`, the `--subs`
//! shape with the Config under `$config`, see [`stepcraft::sidecar`], so the command line reads
//! it too), never in the ASL; a SAM or CloudFormation template found next to the file gives the
//! rest of the values.

use serde_json::Value;
use std::path::{Path, PathBuf};
use stepcraft::Pointer;
use stepcraft::sidecar::Config;
use stepcraft::subst::{Origin, Substitution, Substitutions, sidecar_path, template};

/// One placeholder of the definition, as the Parameters list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterRow {
    /// The name inside `${...}`.
    pub name: String,
    /// Where it is used.
    pub uses: Vec<Pointer>,
    /// The value the user typed.
    pub user: Option<String>,
    /// The template's value.
    pub template: Option<Substitution>,
}

impl ParameterRow {
    /// The value runs and checks use: the user's, else the template's.
    pub fn effective(&self) -> Option<Substitution> {
        match &self.user {
            Some(v) => Some(Substitution {
                value: Value::String(v.clone()),
                origin: Origin::Flag,
            }),
            None => self.template.clone(),
        }
    }
}

/// Placeholder values for one open definition, by where they come from.
#[derive(Debug, Default)]
pub struct Parameters {
    /// The values the user typed (the sidecar's contents).
    user: Substitutions,
    /// The template found next to the definition and what it gave (or why it could not).
    template: Option<(PathBuf, Result<Substitutions, String>)>,
    /// The state machine's Config (kept in the same file).
    config: Config,
    /// Where the user's values are kept; `None` until the definition has a file.
    sidecar: Option<PathBuf>,
    /// Why the sidecar could not be read, if it could not.
    sidecar_error: Option<String>,
    /// The user's values changed since the sidecar was last written.
    unsaved: bool,
}

impl Parameters {
    /// The values for state machine `id` written inside the template at `template`: the
    /// template's own (its `DefinitionSubstitutions`, `Fn::Sub`'s values), and the user's kept
    /// beside it in `TEMPLATE-STEM.ID.subs.json`.
    pub fn for_template(template: &Path, id: &str) -> Self {
        let sidecar = stepcraft::sidecar::for_template(template, id);
        let (user, config, sidecar_error) = read_sidecar(&sidecar);
        let subs = template::substitutions(template, None, Some(id));
        Self {
            user,
            config,
            template: Some((template.to_path_buf(), subs)),
            sidecar: Some(sidecar),
            sidecar_error,
            unsaved: false,
        }
    }

    /// The values for the definition at `path`: its sidecar, and a template whose
    /// `DefinitionUri` names it. No file: no values yet.
    pub fn load(path: Option<&Path>) -> Self {
        let Some(path) = path else {
            return Self::default();
        };
        let sidecar = sidecar_path(path);
        let (user, config, sidecar_error) = read_sidecar(&sidecar);
        let template = template::find_for(path).map(|t| {
            let subs = template::substitutions(&t, Some(path), None);
            (t, subs)
        });
        Self {
            user,
            config,
            template,
            sidecar: Some(sidecar),
            sidecar_error,
            unsaved: false,
        }
    }

    /// The values to validate and run with: the user's, then the template's.
    pub fn effective(&self) -> Substitutions {
        let mut out = self.user.clone();
        if let Some((_, Ok(t))) = &self.template {
            out.layer(t.clone());
        }
        out
    }

    /// Every placeholder of `definition`, in order of first use, with its values.
    pub fn rows(&self, definition: &Value) -> Vec<ParameterRow> {
        let mut rows: Vec<ParameterRow> = Vec::new();
        // Run after every edit: the cheap walk first, as most definitions have none.
        let uses = if stepcraft::placeholder::names(definition).is_empty() {
            Vec::new()
        } else {
            stepcraft::placeholder::uses(definition)
        };
        for u in uses {
            match rows.iter_mut().find(|r| r.name == u.name) {
                Some(row) => row.uses.push(u.pointer),
                None => rows.push(ParameterRow {
                    user: self.user_value(&u.name),
                    template: self.template_value(&u.name).cloned(),
                    name: u.name,
                    uses: vec![u.pointer],
                }),
            }
        }
        // Values kept for names the definition no longer uses (renamed, removed): listed, so
        // they can be removed.
        for (name, sub) in self.user.iter() {
            if !rows.iter().any(|r| r.name == name) {
                rows.push(ParameterRow {
                    name: name.to_owned(),
                    uses: Vec::new(),
                    user: Some(sub.text()),
                    template: None,
                });
            }
        }
        rows
    }

    /// The value the user typed for `name`.
    pub fn user_value(&self, name: &str) -> Option<String> {
        self.user.get(name).map(Substitution::text)
    }

    /// The template's value for `name`.
    pub fn template_value(&self, name: &str) -> Option<&Substitution> {
        match &self.template {
            Some((_, Ok(t))) => t.get(name),
            _ => None,
        }
    }

    /// The template in use, and why it cannot be read if it cannot.
    pub fn template(&self) -> Option<(&Path, Option<&str>)> {
        self.template
            .as_ref()
            .map(|(p, r)| (p.as_path(), r.as_ref().err().map(String::as_str)))
    }

    /// The sidecar file, once the definition has a file.
    pub fn sidecar(&self) -> Option<&Path> {
        self.sidecar.as_deref()
    }

    /// Why the sidecar could not be read.
    pub fn sidecar_error(&self) -> Option<&str> {
        self.sidecar_error.as_deref()
    }

    /// Sets (or with `None`, forgets) the user's value for `name`. The sidecar is written by
    /// [`Parameters::flush`] (the studio flushes once typing stops).
    pub fn set(&mut self, name: &str, value: Option<String>) {
        let mut next = Substitutions::new();
        for (n, s) in self.user.iter().filter(|(n, _)| *n != name) {
            next.set(n, s.value.clone(), s.origin.clone());
        }
        if let Some(v) = value {
            let origin = self.sidecar.clone().map_or(Origin::Flag, Origin::File);
            next.set(name, Value::String(v), origin);
        }
        self.user = next;
        self.unsaved = true;
    }

    /// The state machine's Config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the Config; written with the values by [`Parameters::flush`].
    pub fn set_config(&mut self, config: Config) {
        if config != self.config {
            self.config = config;
            self.unsaved = true;
        }
    }

    /// Writes the sidecar if the values changed since it was last written. Only a file that
    /// exists is changed when the last value goes (it is then removed), so a definition nobody
    /// gave values to never grows a sidecar.
    pub fn flush(&mut self) -> Result<(), String> {
        if !self.unsaved || self.sidecar.is_none() {
            return Ok(());
        }
        self.write()?;
        self.unsaved = false;
        Ok(())
    }

    /// After Save as: the values move to the new file's sidecar (written there), and the
    /// template is looked for again next to the new file.
    pub fn rebind(&mut self, path: &Path) -> Result<(), String> {
        let moved = self.user.clone();
        let config = self.config.clone();
        let mut fresh = Self::load(Some(path));
        if !moved.is_empty() || !config.is_empty() {
            fresh.user = moved;
            fresh.config = config;
            fresh.sidecar_error = None;
            fresh.unsaved = true;
            fresh.flush()?;
        }
        *self = fresh;
        Ok(())
    }

    fn write(&self) -> Result<(), String> {
        let Some(path) = &self.sidecar else {
            return Ok(());
        };
        let Some(text) = stepcraft::sidecar::to_text(&self.user.to_json_object(), &self.config)
        else {
            if path.is_file() {
                std::fs::remove_file(path)
                    .map_err(|e| format!("Could not remove {}: {e}", path.display()))?;
            }
            return Ok(());
        };
        crate::files::write_atomic(path, &text)
            .map_err(|e| format!("Could not save the parameters to {}: {e}", path.display()))
    }
}

/// The values and the Config a sidecar holds, and why it could not be read if it could not
/// (nothing is then taken from it).
fn read_sidecar(path: &Path) -> (Substitutions, Config, Option<String>) {
    if !path.is_file() {
        return (Substitutions::new(), Config::default(), None);
    }
    let read = Substitutions::from_file(path)
        .and_then(|s| stepcraft::sidecar::read_config_file(path).map(|c| (s, c)));
    match read {
        Ok((s, c)) => (s, c, None),
        Err(e) => (Substitutions::new(), Config::default(), Some(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_in_the_sidecar_and_read_back() {
        let dir = std::env::temp_dir().join(format!("stepcraft-params-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let def = dir.join("flow.asl.json");
        std::fs::write(&def, "{}").expect("write");
        let mut params = Parameters::load(Some(&def));
        assert!(params.effective().is_empty());
        params.set("Fn", Some("arn:x".into()));
        let sidecar = dir.join("flow.asl.subs.json");
        assert!(!sidecar.exists(), "written only when flushed");
        params.flush().expect("flush");
        assert_eq!(
            std::fs::read_to_string(&sidecar).expect("sidecar"),
            "{\n  \"Fn\": \"arn:x\"\n}\n"
        );
        let again = Parameters::load(Some(&def));
        assert_eq!(again.user_value("Fn").as_deref(), Some("arn:x"));
        // Save as elsewhere moves the values along.
        let other = dir.join("copy.asl.json");
        let mut params = again;
        params.rebind(&other).expect("rebind");
        assert!(dir.join("copy.asl.subs.json").is_file());
        // Forgetting the last value removes the file.
        params.set("Fn", None);
        params.flush().expect("flush");
        assert!(!dir.join("copy.asl.subs.json").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
