//! Layout of a generated 500-state workflow (target: under 100 ms), with graph building and SVG
//! rendering beside it for scale, and the dagre-dgl-rs engine for comparison.

#[path = "../tests/support/big_workflow.rs"]
mod big_workflow;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use stepcraft::graph::WorkflowGraph;
use stepcraft::layout::{
    Dagre, EstimateMeasure, Layered, LayoutOptions, LayoutRequest, layout_with,
};
use stepcraft::{Document, Format, render_svg};

fn bench(c: &mut Criterion) {
    let doc = Document::from_value(big_workflow::big_workflow(500), Format::Json);
    let (machine, _) = doc.model();
    let graph = WorkflowGraph::from_machine(&machine);
    let request = LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());

    c.bench_function("layout 500 states (layered)", |b| {
        b.iter(|| layout_with(&Layered, black_box(&request)));
    });
    c.bench_function("graph + request + layout 500 states", |b| {
        b.iter(|| {
            let graph = WorkflowGraph::from_machine(black_box(&machine));
            let request =
                LayoutRequest::from_graph(&graph, &EstimateMeasure, LayoutOptions::default());
            layout_with(&Layered, &request)
        });
    });
    let laid_out = layout_with(&Layered, &request);
    c.bench_function("render svg 500 states", |b| {
        b.iter(|| render_svg::render(black_box(&graph), black_box(&laid_out)));
    });
    let mut slow = c.benchmark_group("dagre");
    slow.sample_size(10);
    slow.bench_function("layout 500 states (dagre-dgl-rs)", |b| {
        b.iter(|| layout_with(&Dagre, black_box(&request)));
    });
    slow.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
