//! `stepcraft fmt`.

use super::Outcome;
use super::validate::format_diagnostic;
use crate::files::{read_text, write_atomic};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::{Document, Format};

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Definition files (.json, .yaml, .yml).
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

fn fmt_file(args: &FmtArgs, path: &Path, out: &mut impl Write) -> Outcome {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(out, "{e}");
            return Outcome::Unreadable;
        }
    };
    let source_format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    let doc = match Document::parse(&text, source_format) {
        Ok(doc) => doc,
        Err(d) => {
            let _ = writeln!(out, "{}", format_diagnostic(path, &d));
            return Outcome::Invalid;
        }
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

fn with_format_extension(path: &Path, format: Format) -> PathBuf {
    path.with_extension(match format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    })
}
