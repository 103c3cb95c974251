//! One full frame of the studio on a generated 500-state workflow at 1400×900: building the UI
//! (canvas, browser, inspector, problems list) and tessellating its shapes, after the first frame
//! has laid the graph out and cached it. Target: under 16 ms.

#[path = "../../tests/support/big_workflow.rs"]
mod big_workflow;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Context, Event, Pos2, RawInput, Rect, Vec2};
use stepcraft::Format;
use stepcraft_studio::app::StudioApp;

const SIZE: Vec2 = Vec2::new(1400.0, 900.0);

/// The input of one frame at `time`, with the pointer resting over the canvas.
fn input(time: f64) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
        time: Some(time),
        events: vec![Event::PointerMoved(Pos2::new(700.0, 450.0))],
        ..Default::default()
    }
}

/// Runs one frame and tessellates it; the number of primitives.
fn frame(ctx: &Context, app: &mut StudioApp, time: f64) -> usize {
    let output = ctx.run_ui(input(time), |ui| app.ui_contents(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn bench(c: &mut Criterion) {
    let value = big_workflow::big_workflow(500);
    let text = serde_json::to_string_pretty(&value).expect("a JSON value prints");
    let mut app = StudioApp::from_text("big.asl.json", &text, Format::Json);
    let ctx = Context::default();
    let mut time = 0.0;
    // The first frames load the fonts, lay the graph out and fit the view.
    for _ in 0..3 {
        frame(&ctx, &mut app, time);
        time += 1.0 / 60.0;
    }
    assert!(
        app.canvas().node_rects().len() >= 500,
        "the canvas shows the workflow"
    );
    c.bench_function("studio frame, 500 states, 1400x900", |b| {
        b.iter(|| {
            time += 1.0 / 60.0;
            frame(&ctx, &mut app, time)
        });
    });

    // Zoomed out as far as it goes: every node on screen (titles only).
    let mut zoom_out = input(time);
    zoom_out.events.push(Event::Zoom(0.01));
    let _ = ctx.run_ui(zoom_out, |ui| app.ui_contents(ui));
    for _ in 0..2 {
        time += 1.0 / 60.0;
        frame(&ctx, &mut app, time);
    }
    c.bench_function("studio frame, 500 states zoomed out, 1400x900", |b| {
        b.iter(|| {
            time += 1.0 / 60.0;
            frame(&ctx, &mut app, time)
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
