//! `stepcraft fmt`.

use super::Outcome;
use super::definition::{load, split};
use super::validate::format_diagnostic;
use crate::files::{read_text, write_atomic};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::{Document, Format};

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Definition files (.json, .yaml, .yml), or TEMPLATE#LogicalId: with --write, the
    /// definition is written back into the template, every other byte kept. (A template named
    /// without #LogicalId is formatted as a whole file.)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Report files that are not formatted, change nothing (exit 1 if any).
    #[arg(long, conflicts_with = "write")]
    check: bool,
    /// Rewrite the files in place (atomically) instead of printing.
    #[arg(long, short)]
    write: bool,
    /// Write YAML (with --write: to a .yaml file beside the original).
    #[arg(long, conflicts_with = "json")]
    yaml: bool,
    /// Write JSON (with --write: to a .json file beside the original).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &FmtArgs) -> u8 {
    let mut worst = Outcome::Ok;
    let mut out = std::io::stdout().lock();
    for path in &args.files {
        let outcome = fmt_file(args, path, &mut out);
        worst = worst.max(outcome);
    }
    worst as u8
}

fn fmt_file(args: &FmtArgs, arg: &Path, out: &mut impl Write) -> Outcome {
    let (path, id) = split(arg);
    let text = match read_text(&path) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(out, "{e}");
            return Outcome::Unreadable;
        }
    };
    let path = path.as_path();
    let source_format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    let doc = if id.is_some() {
        None
    } else {
        match Document::parse(&text, source_format) {
            Ok(doc) => Some(doc),
            Err(d) => {
                let _ = writeln!(out, "{}", format_diagnostic(path, &d));
                return Outcome::Invalid;
            }
        }
    };
    // A template named alone is formatted as a whole file; `TEMPLATE#Id` formats the definition
    // inside it.
    let Some(doc) = doc else {
        return fmt_in_template(args, arg, &text, out);
    };
    let target = if args.yaml {
        Format::Yaml
    } else if args.json {
        Format::Json
    } else {
        source_format
    };
    let formatted = doc.formatted(target);
    if args.check {
        if formatted != text || target != source_format {
            let _ = writeln!(out, "{}: not formatted", path.display());
            return Outcome::Invalid;
        }
        return Outcome::Ok;
    }
    if args.write {
        let dest = if target == source_format {
            path.to_path_buf()
        } else {
            with_format_extension(path, target)
        };
        if dest == path && formatted == text {
            return Outcome::Ok;
        }
        if let Err(e) = write_atomic(&dest, &formatted) {
            let _ = writeln!(out, "{}: cannot write: {e}", dest.display());
            return Outcome::Unreadable;
        }
        if dest != path {
            let _ = writeln!(out, "{} -> {}", path.display(), dest.display());
        }
        return Outcome::Ok;
    }
    let _ = out.write_all(formatted.as_bytes());
    Outcome::Ok
}

/// `fmt` on a definition inside a template: printed on its own, or with `--write` written back
/// in place (every other byte of the template kept); `--check` says whether that would change
/// the template. One in a `DefinitionUri` file is that file's to format.
fn fmt_in_template(args: &FmtArgs, arg: &Path, text: &str, out: &mut impl Write) -> Outcome {
    let loaded = match load(arg) {
        Ok(l) => l,
        Err(f) => {
            let _ = writeln!(out, "{}", f.message);
            return f.outcome;
        }
    };
    let Some(embedded) = &loaded.embedded else {
        // DefinitionUri: the file it names, as any definition file.
        return fmt_file(args, &loaded.file, out);
    };
    if args.yaml || args.json {
        if args.write || args.check {
            let _ = writeln!(
                out,
                "{}: error: --yaml and --json print a definition inside a template; --write and --check keep the form the template gives it",
                loaded.name()
            );
            return Outcome::Unreadable;
        }
        let format = if args.yaml {
            Format::Yaml
        } else {
            Format::Json
        };
        let _ = out.write_all(embedded.document.formatted(format).as_bytes());
        return Outcome::Ok;
    }
    let mut formatted = embedded.document.clone();
    formatted.set_value(formatted.value().clone());
    let written = match embedded.write_back(text, &formatted) {
        Ok(t) => t,
        Err(e) => {
            let at = e.location.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(out, "{}{at}: error: {}", loaded.file.display(), e.message);
            return Outcome::Invalid;
        }
    };
    if args.check {
        if written != text {
            let _ = writeln!(out, "{}: not formatted", loaded.name());
            return Outcome::Invalid;
        }
        return Outcome::Ok;
    }
    if args.write {
        if written == text {
            return Outcome::Ok;
        }
        if let Err(e) = write_atomic(&loaded.file, &written) {
            let _ = writeln!(out, "{}: cannot write: {e}", loaded.file.display());
            return Outcome::Unreadable;
        }
        return Outcome::Ok;
    }
    let format = embedded.document.format();
    let _ = out.write_all(embedded.document.formatted(format).as_bytes());
    Outcome::Ok
}

fn with_format_extension(path: &Path, format: Format) -> PathBuf {
    path.with_extension(match format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    })
}
