//! The Run mode streaming a long Express run at instant speed, headless: a loop of a Pass and a
//! Choice state, 200,000 state transitions (about 400,000 events), through the controller, the
//! views and the studio's whole frame (UI and tessellation) at 1400×900. Shared by the
//! `stream` bench (the cost of a frame while events stream) and the `stream_rss` example (the
//! peak memory of the whole run, measured from outside).

use egui::{Context, Event, Key, Modifiers, Pos2, RawInput, Rect, Vec2};
use std::path::PathBuf;
use stepcraft_studio::app::{Mode, StudioApp};

/// How many times the loop goes round: two state transitions each.
pub const LOOPS: u64 = 100_000;

const SIZE: Vec2 = Vec2::new(1400.0, 900.0);

/// The loop: Count adds one, Again goes back to Count until `LOOPS`.
fn definition() -> String {
    format!(
        r#"{{
  "Comment": "An Express loop of {transitions} state transitions",
  "StartAt": "Count",
  "States": {{
    "Count": {{"Type": "Pass", "Parameters": {{"i.$": "States.MathAdd($.i, 1)"}}, "Next": "Again"}},
    "Again": {{
      "Type": "Choice",
      "Choices": [{{"Variable": "$.i", "NumericLessThan": {LOOPS}, "Next": "Count"}}],
      "Default": "Done"
    }},
    "Done": {{"Type": "Succeed"}}
  }}
}}"#,
        transitions = 2 * LOOPS
    )
}

const TESTS: &str = "definition: loop.asl.json
type: EXPRESS
cases:
  - name: the whole loop
    input: {i: 0}
    expect:
      status: SUCCEEDED
";

/// The studio on the loop, in Run mode, its Express test case chosen, at instant speed.
pub struct Stream {
    /// The studio.
    pub app: StudioApp,
    ctx: Context,
    time: f64,
    dir: PathBuf,
}

impl Stream {
    /// Writes the loop and its test file to a temporary folder and opens it.
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("stepcraft-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        std::fs::write(dir.join("loop.asl.json"), definition()).expect("writes the definition");
        std::fs::write(dir.join("loop.test.yaml"), TESTS).expect("writes the test file");
        let mut app = StudioApp::from_path(&dir.join("loop.asl.json"));
        app.set_mode(Mode::Run);
        let mut stream = Self {
            app,
            ctx: Context::default(),
            time: 0.0,
            dir,
        };
        // The first frames load the fonts, lay the graph out and read the test file.
        for _ in 0..3 {
            stream.frame(Vec::new());
        }
        let run = stream.app.run_mode_mut();
        assert_eq!(run.scenarios().len(), 1, "the test file is read");
        run.choose(Some(0));
        run.set_speed(0.0);
        stream
    }

    /// One frame at 60 Hz with these input events (the pointer resting over the canvas);
    /// tessellated; the number of primitives.
    pub fn frame(&mut self, mut events: Vec<Event>) -> usize {
        self.time += 1.0 / 60.0;
        events.push(Event::PointerMoved(Pos2::new(700.0, 300.0)));
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.ui_contents(ui));
        // No GPU here takes the font textures.
        output.textures_delta.clear();
        self.ctx
            .tessellate(output.shapes, output.pixels_per_point)
            .len()
    }

    /// F5, as the user starts a run (or a new one once the last ended).
    pub fn start(&mut self) -> usize {
        self.frame(vec![Event::Key {
            key: Key::F5,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: Modifiers::NONE,
        }])
    }

    /// Whether the run has ended.
    pub fn ended(&self) -> bool {
        self.app
            .run_mode()
            .status()
            .is_some_and(stepcraft::interp::Status::is_final)
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
