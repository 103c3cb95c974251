//! `stepcraft render`: the workflow graph as an SVG image.

use super::Outcome;
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use crate::files::{read_text, write_atomic};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use stepcraft::diag::Diagnostics;
use stepcraft::graph::WorkflowGraph;
use stepcraft::layout::{
    Dagre, EstimateMeasure, Layered, LayoutEngine, LayoutOptions, LayoutRequest, layout_with,
};
use stepcraft::model::StateMachine;
use stepcraft::{Document, Format, render_svg};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The definition (.json, .yaml, .yml).
    file: PathBuf,
    /// Where to write the SVG (written atomically); without it, the SVG goes to standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The layout engine.
    #[arg(long, value_enum, default_value_t = Engine::Layered, hide = true)]
    engine: Engine,
    #[command(flatten)]
    subst: SubstArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Engine {
    /// Stepcraft's own layered layout (fast).
    Layered,
    /// dagre-dgl-rs (slow on large workflows).
    Dagre,
}

/// Renders the file; exit status 0 when written, 1 when the file is not a definition (the
/// located error is printed), 2 when it cannot be read or the SVG cannot be written.
pub fn run(args: &RenderArgs) -> u8 {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Outcome::Unreadable as u8;
        }
    };
    let format = Format::from_path(&args.file).unwrap_or_else(|| Format::sniff(&text));
    let doc = match Document::parse(&text, format) {
        Ok(doc) => doc,
        Err(d) => {
            let _ = writeln!(err, "{}", format_diagnostic(&args.file, &d));
            return Outcome::Invalid as u8;
        }
    };
    // Placeholders given values are drawn with them; the rest show as parameters.
    let substitutions = match args.subst.gather(Some(&args.file)) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Outcome::Unreadable as u8;
        }
    };
    let applied = substitutions.apply_to(&doc);
    let machine = StateMachine::read(&applied.value, &mut Diagnostics::default());
    let graph = WorkflowGraph::from_machine(&machine);
    let request = LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());
    let engine: &dyn LayoutEngine = match args.engine {
        Engine::Layered => &Layered,
        Engine::Dagre => &Dagre,
    };
    let svg = render_svg::render(&graph, &layout_with(engine, &request));
    let written = match &args.output {
        Some(path) => {
            write_atomic(path, &svg).map_err(|e| format!("{}: cannot write: {e}", path.display()))
        }
        None => out
            .write_all(svg.as_bytes())
            .map_err(|e| format!("cannot write the SVG: {e}")),
    };
    match written {
        Ok(()) => Outcome::Ok as u8,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            Outcome::Unreadable as u8
        }
    }
}
