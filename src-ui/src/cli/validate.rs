//! `stepcraft validate`.

use super::Outcome;
use super::definition::{Failure, load};
use super::subst::SubstArgs;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::{Diagnostic, Severity};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Definition files (.json, .yaml, .yml), or TEMPLATE#LogicalId for a state machine of a
    /// SAM or CloudFormation template (a template alone: its only state machine).
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
    /// The file positions are in.
    path: PathBuf,
    /// How the definition was named (`template.yaml#Orders` for one inside a template).
    name: String,
    outcome: Outcome,
    diagnostics: Vec<Diagnostic>,
    read_error: Option<String>,
}

/// Validates one definition argument (a file or `TEMPLATE#Id`).
fn check(arg: &Path, subst: &SubstArgs, workflow_type: Option<WorkflowType>) -> Report {
    let failed = |path: PathBuf, outcome, read_error| Report {
        name: path.display().to_string(),
        path,
        outcome,
        diagnostics: Vec::new(),
        read_error,
    };
    let loaded = match load(arg) {
        Ok(l) => l,
        Err(Failure {
            diagnostic: Some((path, d)),
            ..
        }) => {
            return Report {
                diagnostics: vec![d],
                ..failed(path, Outcome::Invalid, None)
            };
        }
        Err(f) => return failed(arg.to_path_buf(), f.outcome, Some(f.message)),
    };
    let substitutions = match subst.gather_for(&loaded) {
        Ok(s) => s,
        Err(e) => return failed(arg.to_path_buf(), Outcome::Unreadable, Some(e)),
    };
    let options = Options {
        workflow_type,
        substitutions,
    };
    let diagnostics = validate(&loaded.document, &options);
    let outcome = if diagnostics.iter().any(Diagnostic::is_error) {
        Outcome::Invalid
    } else {
        Outcome::Ok
    };
    Report {
        name: loaded.name(),
        path: loaded.file,
        outcome,
        diagnostics,
        read_error: None,
    }
}

pub fn run(args: &ValidateArgs) -> u8 {
    let reports: Vec<Report> = args
        .files
        .iter()
        .map(|path| {
            let mut report = check(path, &args.subst, args.workflow_type);
            if args.quiet {
                report.diagnostics.retain(Diagnostic::is_error);
            }
            report
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
                "file": r.name,
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
