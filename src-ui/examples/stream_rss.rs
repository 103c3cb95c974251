//! Streams the Express loop of 200,000 state transitions (`benches/support/stream.rs`) through
//! the studio's Run mode at instant speed, headless, frame by frame to its end, then prints the
//! counts and the slowest frame. Its peak memory is measured from outside:
//! `/usr/bin/time -v target/release/examples/stream_rss` (Maximum resident set size). Target:
//! under 500 MiB.

#[path = "../benches/support/stream.rs"]
mod stream;

use std::time::{Duration, Instant};

// Printing the counts is what the example is for.
#[allow(clippy::print_stdout)]
fn main() {
    let mut s = stream::Stream::new();
    let started = Instant::now();
    s.start();
    let mut frames = 1u64;
    let mut slowest = Duration::ZERO;
    while !s.ended() {
        let t = Instant::now();
        s.frame(Vec::new());
        slowest = slowest.max(t.elapsed());
        frames += 1;
    }
    // A few more frames with everything read, as the user looks at the finished run.
    for _ in 0..5 {
        s.frame(Vec::new());
    }
    let run = s.app.run_mode();
    println!(
        "{:?} after {} events, {} state runs, {frames} frames in {:.1} s; slowest frame {:.1} ms",
        run.status()
            .map(|st| matches!(st, stepcraft::interp::Status::Succeeded(_))),
        run.events().len(),
        run.trace().runs().len(),
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1000.0
    );
}
