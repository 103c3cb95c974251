//! `stepcraft test`: runs test files (and AWS-recorded JSON Lines cases) and reports each case.

use super::subst::SubstArgs;
use super::{Outcome, eprint};
use crate::files::write_atomic;
use clap::{Args, ValueEnum};
use serde_json::json;
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
    /// Report coverage per definition after the summary: states entered, Choice rules and
    /// Defaults taken, Catch and Retry rules used, edges followed, and what no case covered
    /// (with --format json, under "coverage" in the report).
    #[arg(long)]
    coverage: bool,
    /// Write the coverage report as JSON to this file (see `stepcraft::coverage` for its shape).
    #[arg(long, value_name = "FILE")]
    coverage_json: Option<PathBuf>,
    /// Let test files run the backends they name ("backends": local Lambda functions, commands,
    /// HTTP requests, AWS service calls). Without it, a case that names backends fails, saying what would run.
    #[arg(long)]
    allow_backends: bool,
    /// A backends file (YAML or JSON, "backends:" as in a test file) for every case, under the
    /// test files' own; passing it lets the cases run backends, as --allow-backends does.
    #[arg(long, value_name = "FILE")]
    backends: Option<PathBuf>,
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
    let backends = match &args.backends {
        Some(path) => match stepcraft::tasks::backends::read_file(path, args.allow_outside) {
            Ok(config) => Some(std::sync::Arc::new(config)),
            Err(e) => {
                eprint(&e);
                return Outcome::Unreadable as u8;
            }
        },
        None => None,
    };
    let options = testing::RunOptions {
        s3_root: args.s3_root.clone(),
        allow_backends: args.allow_backends || backends.is_some(),
        backends,
        aws: Some(testing::Connector(std::sync::Arc::new(
            stepcraft_aws::ServiceConnector,
        ))),
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
    let mut unreadable = Vec::new();
    let mut all = Vec::new();
    let progress = Progress::new(files.len());
    let mut coverage =
        (args.coverage || args.coverage_json.is_some()).then(super::coverage::Collector::default);
    for (i, path) in files.into_iter().enumerate() {
        progress.show(i, &path);
        let file = match testing::load_with(&path, &load_options) {
            Ok(f) => f,
            Err(e) => {
                progress.clear();
                eprint(&format!("error: {e}"));
                unreadable.push((path, e.to_string()));
                continue;
            }
        };
        let results = match coverage.as_mut() {
            Some(c) => c.run_file(&file, args.filter.as_deref(), &options),
            None => testing::run_file_with(&file, args.filter.as_deref(), &options),
        };
        progress.clear();
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
            if let Some(c) = coverage.as_ref().filter(|_| args.coverage) {
                let _ = write!(out, "{}", c.text());
            }
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
            let mut report = json!({"cases": cases, "passed": passed, "failed": failed});
            if let (Some(c), Some(m)) = (
                coverage.as_ref().filter(|_| args.coverage),
                report.as_object_mut(),
            ) {
                m.insert("coverage".into(), c.json());
            }
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    if let Some(path) = &args.junit
        && let Err(e) = junit(&all, &unreadable)
            .and_then(|xml| write_atomic(path, &xml).map_err(|e| e.to_string()))
    {
        eprint(&format!("error: {}: cannot write: {e}", path.display()));
        return Outcome::Unreadable as u8;
    }
    if let (Some(path), Some(c)) = (&args.coverage_json, &coverage)
        && let Err(e) = c.write_json(path)
    {
        eprint(&format!("error: {}: cannot write: {e}", path.display()));
        return Outcome::Unreadable as u8;
    }
    if !unreadable.is_empty() {
        Outcome::Unreadable as u8
    } else if failed > 0 {
        Outcome::Invalid as u8
    } else {
        Outcome::Ok as u8
    }
}

/// A progress line on standard error while many files run, when it is a terminal (never in a
/// pipe or a CI log).
struct Progress {
    total: usize,
    on: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        Self {
            total,
            on: total > 1 && std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, index: usize, path: &std::path::Path) {
        if self.on {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{}/{}] {name}", index + 1, self.total);
            let _ = err.flush();
        }
    }

    fn clear(&self) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// The JUnit XML report: a test suite per file, a failure per failed case, and an error for
/// each file that could not be read (so CI counts it).
fn junit(all: &[FileResults], unreadable: &[(PathBuf, String)]) -> Result<String, String> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("stepcraft");
    for f in all {
        let name = f.path.display().to_string();
        let mut suite = TestSuite::new(name.as_str());
        for r in &f.results {
            let status = match &r.failure {
                None => TestCaseStatus::success(),
                Some(fl) => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_message(fl.to_string())
                        .set_type(fl.pointer.as_str())
                        .set_description(fl.to_string());
                    status
                }
            };
            let mut case = TestCase::new(r.name.as_str(), status);
            case.set_classname(name.as_str()).set_time(r.duration);
            suite.add_test_case(case);
        }
        suite.set_time(f.results.iter().map(|r| r.duration).sum());
        report.add_test_suite(suite);
    }
    for (path, message) in unreadable {
        let name = path.display().to_string();
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status
            .set_message(message.as_str())
            .set_type("unreadable")
            .set_description(message.as_str());
        let mut case = TestCase::new("(load)", status);
        case.set_classname(name.as_str());
        let mut suite = TestSuite::new(name.as_str());
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| e.to_string())
}
