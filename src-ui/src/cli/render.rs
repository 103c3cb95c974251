//! `stepcraft render`: the workflow graph as an SVG image, or that drawing as a PNG.

use super::Outcome;
use super::definition::load;
use super::subst::SubstArgs;
use crate::files::write_atomic;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use stepcraft::diag::Diagnostics;
use stepcraft::graph::WorkflowGraph;
use stepcraft::layout::{
    Dagre, EstimateMeasure, LayoutEngine, LayoutOptions, LayoutRequest, layout_with,
};
use stepcraft::model::StateMachine;
use stepcraft::render_svg;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The definition (.json, .yaml, .yml), or TEMPLATE#LogicalId.
    file: PathBuf,
    /// Where to write the image (written atomically); without it, it goes to standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// SVG, or PNG (the same drawing rasterised).
    #[arg(long, value_enum, default_value_t = ImageFormat::Svg)]
    format: ImageFormat,
    /// PNG: pixels per unit of the drawing (2 for high-density screens).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// The layout engine.
    #[arg(long, value_enum, default_value_t = Engine::Layered, hide = true)]
    engine: Engine,
    #[command(flatten)]
    subst: SubstArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ImageFormat {
    /// A standalone SVG.
    Svg,
    /// A PNG.
    Png,
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
    let loaded = match load(&args.file) {
        Ok(l) => l,
        Err(f) => {
            let _ = writeln!(err, "{}", f.message);
            return f.outcome as u8;
        }
    };
    let doc = &loaded.document;
    // Placeholders given values are drawn with them; the rest show as parameters.
    let substitutions = match args.subst.gather_for(&loaded) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Outcome::Unreadable as u8;
        }
    };
    let svg = match args.engine {
        // The drawing the studio's Export image makes too.
        Engine::Layered => render_svg::render_document(doc, &substitutions),
        Engine::Dagre => {
            let applied = substitutions.apply_to(doc);
            let machine = StateMachine::read(&applied.value, &mut Diagnostics::default());
            let graph = WorkflowGraph::from_machine(&machine);
            let request =
                LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());
            render_svg::render(&graph, &layout_with(&Dagre as &dyn LayoutEngine, &request))
        }
    };
    let bytes = match args.format {
        ImageFormat::Svg => svg.into_bytes(),
        ImageFormat::Png => match crate::raster::svg_to_png(&svg, args.scale) {
            Ok(png) => png,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return Outcome::Invalid as u8;
            }
        },
    };
    let written = match &args.output {
        Some(path) => {
            write_atomic(path, &bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))
        }
        None => out
            .write_all(&bytes)
            .map_err(|e| format!("cannot write the image: {e}")),
    };
    match written {
        Ok(()) => Outcome::Ok as u8,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            Outcome::Unreadable as u8
        }
    }
}
