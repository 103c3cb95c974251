//! The studio's frame while an Express loop of 200,000 state transitions streams at instant
//! speed (`support/stream.rs`): each measured frame takes the run's next events (the
//! controller's budget, at most 8 ms of interpreting), reads them into the trace and the views,
//! and draws the whole studio (graph, table with its timeline, status line) and tessellates it.
//! A run that ends is started again (F5), so every sample streams. Target: under 16 ms.
//! The slowest streaming frame seen is printed at the end, apart from the slowest restart
//! (which drops the run before, its 400,000 events and their views, and starts the next).

#[path = "support/stream.rs"]
mod stream;

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};

// The slowest frame is the bench's own report, beside criterion's.
#[allow(clippy::print_stderr)]
fn bench(c: &mut Criterion) {
    let mut s = stream::Stream::new();
    s.start();
    let mut slowest = Duration::ZERO;
    let mut slowest_restart = Duration::ZERO;
    let mut frames = 0u64;
    c.bench_function(
        "studio frame, Express loop streaming at instant speed",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let restart = s.ended();
                    if restart {
                        s.start();
                    } else {
                        s.frame(Vec::new());
                    }
                    let took = started.elapsed();
                    if restart {
                        slowest_restart = slowest_restart.max(took);
                    } else {
                        slowest = slowest.max(took);
                    }
                    total += took;
                    frames += 1;
                }
                total
            });
        },
    );
    eprintln!(
        "slowest of {frames} frames while streaming: {:.2} ms; slowest restart: {:.2} ms; runs ended: {}",
        slowest.as_secs_f64() * 1000.0,
        slowest_restart.as_secs_f64() * 1000.0,
        s.app.run_mode().controller().runs_started()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
