//! `stepcraft validate`.

use super::Outcome;
use super::subst::SubstArgs;
use crate::files::read_text;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::{Diagnostic, Document, Format, Severity};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Definition files (.json, .yaml, .yml).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Also check the limits of this workflow type.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// Leave out warnings and notes.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    subst: SubstArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

fn parse_type(text: &str) -> Result<WorkflowType, String> {
    WorkflowType::parse(text).ok_or_else(|| "use STANDARD or EXPRESS".to_owned())
}

/// The result of validating one file.
struct Report {
    path: PathBuf,
    outcome: Outcome,
    diagnostics: Vec<Diagnostic>,
    read_error: Option<String>,
}

pub fn check_file(path: &Path, options: &Options) -> (Outcome, Vec<Diagnostic>, Option<String>) {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(e) => return (Outcome::Unreadable, Vec::new(), Some(e)),
    };
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    match Document::parse(&text, format) {
        Err(d) => (Outcome::Invalid, vec![d], None),
        Ok(doc) => {
            let diagnostics = validate(&doc, options);
            let outcome = if diagnostics.iter().any(Diagnostic::is_error) {
                Outcome::Invalid
            } else {
                Outcome::Ok
            };
            (outcome, diagnostics, None)
        }
    }
}

pub fn run(args: &ValidateArgs) -> u8 {
    let reports: Vec<Report> = args
        .files
        .iter()
        .map(|path| {
            let substitutions = match args.subst.gather(Some(path)) {
                Ok(s) => s,
                Err(e) => {
                    return Report {
                        path: path.clone(),
                        outcome: Outcome::Unreadable,
                        diagnostics: Vec::new(),
                        read_error: Some(e),
                    };
                }
            };
            let options = Options {
                workflow_type: args.workflow_type,
                substitutions,
            };
            let (outcome, mut diagnostics, read_error) = check_file(path, &options);
            if args.quiet {
                diagnostics.retain(Diagnostic::is_error);
            }
            Report {
                path: path.clone(),
                outcome,
                diagnostics,
                read_error,
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        OutputFormat::Human => write_human(&mut out, &reports),
        OutputFormat::Json => write_json(&mut out, &reports),
    };
    reports
        .iter()
        .map(|r| r.outcome)
        .max()
        .unwrap_or(Outcome::Ok) as u8
}

/// `file:line:col: severity[CODE]: message (at /pointer)`, one line per diagnostic, then a summary.
pub fn format_diagnostic(path: &Path, d: &Diagnostic) -> String {
    let location = d
        .location
        .map(|l| format!(":{}:{}", l.line, l.column))
        .unwrap_or_default();
    format!(
        "{}{location}: {}[{}]: {} (at {})",
        path.display(),
        d.severity.as_str(),
        d.code,
        d.message,
        d.pointer
    )
}

fn write_human(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    let (mut errors, mut warnings, mut valid) = (0, 0, 0);
    for report in reports {
        if let Some(e) = &report.read_error {
            writeln!(out, "{e}")?;
            errors += 1;
            continue;
        }
        for d in &report.diagnostics {
            writeln!(out, "{}", format_diagnostic(&report.path, d))?;
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => {}
            }
        }
        if report.outcome == Outcome::Ok {
            valid += 1;
        }
    }
    let files = reports.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{} of {} valid; {}, {}",
        valid,
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn write_json(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    let files: Vec<_> = reports
        .iter()
        .map(|r| {
            json!({
                "file": r.path.display().to_string(),
                "valid": r.outcome == Outcome::Ok,
                "readError": r.read_error,
                "diagnostics": r.diagnostics.iter().map(|d| json!({
                    "code": d.code.as_str(),
                    "severity": d.severity.as_str(),
                    "pointer": d.pointer.as_str(),
                    "line": d.location.map(|l| l.line),
                    "column": d.location.map(|l| l.column),
                    "message": d.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&json!({ "files": files })).unwrap_or_default();
    writeln!(out, "{text}")
}
