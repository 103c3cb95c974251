//! Typing in Code mode: one frame after a keystroke in the code editor on a definition of over
//! 10,000 lines (building the UI, highlighting, laying the text out, tessellating). Target:
//! under 16 ms per keystroke.

#[path = "../../tests/support/big_workflow.rs"]
mod big_workflow;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Context, Event, Pos2, RawInput, Rect, Vec2};
use stepcraft::Format;
use stepcraft_studio::app::StudioApp;
use stepcraft_studio::studio::code_view::editor_id;
use stepcraft_studio::studio::shell::Mode;

const SIZE: Vec2 = Vec2::new(1400.0, 900.0);

fn frame(ctx: &Context, app: &mut StudioApp, time: f64, events: Vec<Event>) -> usize {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
        time: Some(time),
        events,
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.ui_contents(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

/// A definition of at least `lines` lines, pretty-printed JSON.
fn definition(lines: usize) -> String {
    let mut states = 200;
    loop {
        let text = serde_json::to_string_pretty(&big_workflow::big_workflow(states))
            .expect("a JSON value prints");
        if text.lines().count() >= lines {
            return text;
        }
        states += states / 2;
    }
}

fn bench(c: &mut Criterion) {
    let text = definition(10_000);
    let lines = text.lines().count();
    let mut app = StudioApp::from_text("big.asl.json", &text, Format::Json);
    app.set_mode(Mode::Code);
    let ctx = Context::default();
    let mut time = 0.0;
    for _ in 0..3 {
        frame(&ctx, &mut app, time, Vec::new());
        time += 1.0 / 60.0;
    }
    ctx.memory_mut(|m| m.request_focus(editor_id()));
    frame(&ctx, &mut app, time, Vec::new());
    assert!(
        ctx.memory(|m| m.has_focus(editor_id())),
        "the editor has the focus"
    );
    // Typing goes on faster than the parse delay, so no parse happens between keystrokes: the
    // figure is the keystroke itself (the parse once typing pauses is measured apart below).
    c.bench_function(&format!("code keystroke, {lines} lines"), |b| {
        b.iter(|| {
            time += 1.0 / 60.0;
            frame(&ctx, &mut app, time, vec![Event::Text(" ".into())])
        });
    });
    assert!(
        app.code_view().text().len() > text.len(),
        "the keystrokes reached the text"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
