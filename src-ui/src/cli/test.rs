//! `stepcraft test`: runs test files (and AWS-recorded JSON Lines cases) and reports each case.

use super::Outcome;
use super::subst::SubstArgs;
use crate::files::write_atomic;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use stepcraft::testing::{self, CaseResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files (*.test.json, *.test.yaml, *.jsonl), definitions (for the test files beside
    /// them: orders.asl.json → orders.test.yaml) or directories to search for test files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    format: TestFormat,
    /// Also write a JUnit XML report to this file.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Only run the cases whose name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Placeholder values for every case; they win over the test files' own.
    #[command(flatten)]
    subst: SubstArgs,
    /// A directory standing for S3 (s3://Bucket/Key is DIR/Bucket/Key) for test files that give
    /// no `s3Root`. Runs read from it; what they write stays in memory.
    #[arg(long, value_name = "DIR")]
    s3_root: Option<PathBuf>,
    /// Let test files read files outside their project (their folder, or the repository they
    /// are in): their definition, mocks, substitutions, template and s3Root.
    #[arg(long)]
    allow_outside: bool,
}

fn eprint(message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{message}");
    }
}

struct FileResults {
    path: PathBuf,
    results: Vec<CaseResult>,
}

pub fn run(args: &TestArgs) -> u8 {
    if let Some(dir) = args.s3_root.as_ref().filter(|d| !d.is_dir()) {
        eprint(&format!(
            "error: --s3-root: {} is not a directory",
            dir.display()
        ));
        return Outcome::Unreadable as u8;
    }
    let options = testing::RunOptions {
        s3_root: args.s3_root.clone(),
    };
    let files = match testing::discover(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprint(&format!("error: {e}"));
            return Outcome::Unreadable as u8;
        }
    };
    let load_options = match args.subst.gather(None) {
        Ok(substitutions) => testing::LoadOptions {
            substitutions,
            no_discovery: args.subst.no_discovery(),
            allow_outside: args.allow_outside,
        },
        Err(e) => {
            eprint(&format!("error: {e}"));
            return Outcome::Unreadable as u8;
        }
    };
    let mut out = std::io::stdout().lock();
    let mut unreadable = false;
    let mut all = Vec::new();
    for path in files {
        let file = match testing::load_with(&path, &load_options) {
            Ok(f) => f,
            Err(e) => {
                eprint(&format!("error: {e}"));
                unreadable = true;
                continue;
            }
        };
        let results = testing::run_file_with(&file, args.filter.as_deref(), &options);
        if args.format == TestFormat::Text {
            for r in &results {
                let _ = match &r.failure {
                    None => writeln!(out, "ok {}", r.name),
                    Some(f) => writeln!(out, "FAIL {}: {f}", r.name),
                };
            }
        }
        all.push(FileResults { path, results });
    }
    let passed = all
        .iter()
        .flat_map(|f| &f.results)
        .filter(|r| r.passed())
        .count();
    let failed = all.iter().map(|f| f.results.len()).sum::<usize>() - passed;
    match args.format {
        TestFormat::Text => {
            let _ = writeln!(out, "{passed} passed, {failed} failed");
        }
        TestFormat::Json => {
            let cases: Vec<serde_json::Value> = all
                .iter()
                .flat_map(|f| f.results.iter().map(move |r| (f, r)))
                .map(|(f, r)| {
                    let mut v = json!({
                        "file": f.path.display().to_string(),
                        "name": r.name,
                        "status": if r.passed() { "passed" } else { "failed" },
                    });
                    if let (Some(fl), Some(m)) = (&r.failure, v.as_object_mut()) {
                        m.insert("pointer".into(), json!(fl.pointer));
                        m.insert("expected".into(), json!(fl.expected));
                        m.insert("got".into(), json!(fl.got));
                        m.insert("message".into(), json!(fl.to_string()));
                    }
                    v
                })
                .collect();
            let report = json!({"cases": cases, "passed": passed, "failed": failed});
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    if let Some(path) = &args.junit
        && let Err(e) = write_atomic(path, &junit(&all))
    {
        eprint(&format!("error: {}: cannot write: {e}", path.display()));
        return Outcome::Unreadable as u8;
    }
    if unreadable {
        Outcome::Unreadable as u8
    } else if failed > 0 {
        Outcome::Invalid as u8
    } else {
        Outcome::Ok as u8
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn junit(all: &[FileResults]) -> String {
    let total: usize = all.iter().map(|f| f.results.len()).sum();
    let failures: usize = all
        .iter()
        .flat_map(|f| &f.results)
        .filter(|r| !r.passed())
        .count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"stepcraft\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for f in all {
        let name = xml_escape(&f.path.display().to_string());
        let fails = f.results.iter().filter(|r| !r.passed()).count();
        let time: f64 = f.results.iter().map(|r| r.duration.as_secs_f64()).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\" time=\"{time:.6}\">",
            f.results.len()
        );
        for r in &f.results {
            let case = xml_escape(&r.name);
            let time = r.duration.as_secs_f64();
            match &r.failure {
                None => {
                    let _ = writeln!(
                        x,
                        "    <testcase name=\"{case}\" classname=\"{name}\" time=\"{time:.6}\"/>"
                    );
                }
                Some(fl) => {
                    let message = xml_escape(&fl.to_string());
                    let _ = writeln!(
                        x,
                        "    <testcase name=\"{case}\" classname=\"{name}\" time=\"{time:.6}\">\n      <failure message=\"{message}\" type=\"{}\">{message}</failure>\n    </testcase>",
                        xml_escape(&fl.pointer)
                    );
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
