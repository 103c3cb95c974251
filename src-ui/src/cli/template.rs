//! `stepcraft template`: the state machines of a SAM or CloudFormation template, where each
//! definition is, how many states it has and the placeholders it uses.

use super::definition::load;
use super::validate::format_diagnostic;
use super::{Outcome, eprint};
use crate::files::read_text;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::Format;
use stepcraft::embedded::{Machine, Template};

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The template (.yaml, .yml, .json).
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// One state machine as listed: what the template says, and what reading its definition found.
struct Row {
    machine: Machine,
    /// Its states (at every depth) and placeholders, or why its definition cannot be read.
    read: Result<(usize, Vec<String>), String>,
}

/// Exit status: 0 when listed (a definition that cannot be read is listed with why), 2 when
/// the file cannot be read or is not a template.
pub fn run(args: &TemplateArgs) -> u8 {
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprint(&e);
            return Outcome::Unreadable as u8;
        }
    };
    let format = Format::from_path(&args.file).unwrap_or_else(|| Format::sniff(&text));
    let template = match Template::parse(&text, format) {
        Ok(t) => t,
        Err(d) => {
            eprint(&format_diagnostic(&args.file, &d));
            return Outcome::Unreadable as u8;
        }
    };
    let machines = template.machines();
    if machines.is_empty() {
        eprint(&format!(
            "{}: error: no AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine resource in this file",
            args.file.display()
        ));
        return Outcome::Unreadable as u8;
    }
    let rows: Vec<Row> = machines
        .into_iter()
        .map(|machine| Row {
            read: read(&args.file, &machine.id),
            machine,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        ListFormat::Text => write_text(&mut out, &args.file, &rows),
        ListFormat::Json => write_json(&mut out, &args.file, &rows),
    };
    Outcome::Ok as u8
}

fn read(template: &Path, id: &str) -> Result<(usize, Vec<String>), String> {
    let arg = PathBuf::from(format!("{}#{id}", template.display()));
    let loaded = load(&arg).map_err(|f| f.message)?;
    let (machine, _) = loaded.document.model();
    let names = stepcraft::placeholder::names(loaded.document.value());
    Ok((machine.states().len(), names))
}

fn write_text(out: &mut impl Write, file: &Path, rows: &[Row]) -> std::io::Result<()> {
    for row in rows {
        let m = &row.machine;
        let line = m
            .location
            .map(|l| format!(":{}", l.line))
            .unwrap_or_default();
        let read = match &row.read {
            Ok((states, names)) => {
                let names: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
                let placeholders = if names.is_empty() {
                    "no placeholders".to_owned()
                } else {
                    format!("placeholders {}", names.join(" "))
                };
                format!(
                    "{states} state{}, {placeholders}",
                    if *states == 1 { "" } else { "s" }
                )
            }
            Err(e) => format!("cannot read: {e}"),
        };
        writeln!(
            out,
            "{}#{}  {}  {}  ({}{line})  {read}",
            file.display(),
            m.id,
            m.resource_type,
            m.place,
            file.display()
        )?;
    }
    Ok(())
}

fn write_json(out: &mut impl Write, file: &Path, rows: &[Row]) -> std::io::Result<()> {
    let machines: Vec<_> = rows
        .iter()
        .map(|row| {
            let m = &row.machine;
            let (states, placeholders, error) = match &row.read {
                Ok((states, names)) => (Some(*states), Some(names.clone()), None),
                Err(e) => (None, None, Some(e.clone())),
            };
            json!({
                "logicalId": m.id,
                "type": m.resource_type,
                "definition": m.place.to_string(),
                "line": m.location.map(|l| l.line),
                "column": m.location.map(|l| l.column),
                "states": states,
                "placeholders": placeholders,
                "substitutions": m.substitutions,
                "error": error,
            })
        })
        .collect();
    let report = json!({ "template": file.display().to_string(), "stateMachines": machines });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    )
}
