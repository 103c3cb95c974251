//! The headless subcommands.

pub mod aws;
pub mod bench;
pub mod coverage;
pub mod definition;
pub mod deploy;
pub mod executions;
pub mod export;
pub mod fmt;
pub mod render;
pub mod replay;
pub mod run;
pub mod subst;
pub mod template;
pub mod test;
pub mod test_state;
pub mod validate;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Stepcraft: design, run and ship AWS Step Functions workflows.
///
/// With no command, opens the studio (on FILE, or on a bundled example).
#[derive(Debug, Parser)]
#[command(
    name = "stepcraft",
    version,
    about = "Design, run and ship AWS Step Functions workflows: the studio, and headless commands for CI",
    long_about = None
)]
pub struct Args {
    /// A definition to open in the studio.
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A headless command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check definitions against the States Language and AWS's rules.
    ///
    /// Exit status: 0 when every file is valid (warnings allowed), 1 when any has an error,
    /// 2 when a file cannot be read.
    Validate(validate::ValidateArgs),
    /// Format definitions (JSON or YAML), keeping every field and the key order.
    ///
    /// Prints the result, or with --write rewrites the files; --check only reports which files
    /// would change (exit 1 if any).
    Fmt(fmt::FmtArgs),
    /// Draw the workflow graph as an SVG image.
    ///
    /// Exit status: 0 when written, 1 when the file is not a definition, 2 when it cannot be
    /// read or the image cannot be written.
    Render(render::RenderArgs),
    /// Run a definition locally and print its output.
    ///
    /// Exit status: 0 when the execution succeeds (its output on stdout), 1 when it fails (error
    /// and cause on stderr), 2 when the definition cannot be read or is not valid.
    Run(run::RunArgs),
    /// Read a history exported from AWS (GetExecutionHistory's JSON) and print its state runs.
    ///
    /// Exit status: 0 when read, 2 when the file is not a history (the error says where).
    Replay(replay::ReplayArgs),
    /// Time runs of a definition in-process (for comparing with other interpreters).
    Bench(bench::BenchArgs),
    /// Run test files (and AWS-recorded JSON Lines cases) against their definitions.
    ///
    /// Exit status: 0 when every case passes, 1 when any fails, 2 when a file cannot be read.
    Test(test::TestArgs),
    /// Run one state offline, as AWS's TestState API does, and print its response: the data
    /// path step by step (inspectionData), the next state and the status (SUCCEEDED, FAILED,
    /// RETRIABLE, CAUGHT_ERROR).
    ///
    /// The task's answer is given with --result or --error (a Parallel or Map needs one: it
    /// stands for its whole work). Exit status: 0 when the state ran, 2 when it cannot.
    TestState(test_state::TestStateArgs),
    /// Write the definition as JSON, YAML, a CloudFormation or SAM template, or Terraform.
    ///
    /// Placeholders become the template's DefinitionSubstitutions (a parameter each) or
    /// templatefile() variables (a Terraform variable each). Exit status: 0 when written, 1
    /// when the file is not a definition or cannot be exported as asked, 2 when it cannot be
    /// read or the output cannot be written.
    Export(export::ExportArgs),
    /// List the state machines of a SAM or CloudFormation template: logical ID, type, where the
    /// definition is (inline Definition, DefinitionString, DefinitionUri), its states and
    /// placeholders. Every command that reads a definition takes TEMPLATE#LogicalId.
    ///
    /// Exit status: 0 when listed, 2 when the file cannot be read or holds no state machine.
    Template(template::TemplateArgs),
    /// Deploy a definition to AWS Step Functions: placeholders filled in, checked by our
    /// validator and AWS's ValidateStateMachineDefinition, created or updated by name.
    ///
    /// Prints the state machine's ARN (and the version's with --publish). Exit status: 0 when
    /// deployed, 1 when the definition is refused, 2 when it cannot be read or AWS cannot be
    /// reached or refuses the call.
    Deploy(deploy::DeployArgs),
    /// Start, wait for, list, describe, stop and redrive executions on AWS; fetch histories.
    Executions(executions::ExecutionsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For example: `stepcraft completions bash > ~/.local/share/bash-completion/completions/stepcraft`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for example `stepcraft man > stepcraft.1`.
    Man,
}

/// Runs a command and returns its exit status.
pub fn run(command: Command) -> ExitCode {
    let code = match command {
        Command::Validate(args) => validate::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Test(args) => test::run(&args),
        Command::TestState(args) => test_state::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Executions(args) => executions::run(&args),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    };
    ExitCode::from(code)
}

/// Writes the completion script for `shell` to standard output.
fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut command = Args::command();
    clap_complete::generate(shell, &mut command, "stepcraft", &mut std::io::stdout());
    Outcome::Ok as u8
}

/// Writes the manual page to standard output.
fn man() -> u8 {
    use clap::CommandFactory;
    let page = clap_mangen::Man::new(Args::command());
    match page.render(&mut std::io::stdout()) {
        Ok(()) => Outcome::Ok as u8,
        Err(e) => {
            eprint(&format!("error: cannot write the manual page: {e}"));
            Outcome::Unreadable as u8
        }
    }
}

/// Writes a message line to standard error.
pub(crate) fn eprint(message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{message}");
    }
}

/// What happened to one file, for the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok = 0,
    Invalid = 1,
    Unreadable = 2,
}
