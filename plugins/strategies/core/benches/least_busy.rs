//! Native time of one `least-busy` pass over 100 waiting conversations and 500 agents with
//! random loads and skills: the baseline the wasm plugin is compared with.
//!
//! `cargo bench -p switchboard-strategies` (plain `Instant` timing, no harness dependency).

use std::hint::black_box;
use std::time::{Duration, Instant};

use switchboard_strategies::{Agent, RouteInput, Waiting, least_busy};

/// The benchmark's input, a pure function of `seed`.
fn pass_input(seed: u64) -> RouteInput {
    let mut state = seed | 1;
    let mut next = move || {
        // xorshift64*: test data only.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let agents = (0..500)
        .map(|id| {
            let capacity = 1 + (next() % 8) as u32;
            Agent {
                id,
                load: (next() % u64::from(capacity)) as u32,
                capacity,
                idle_ms: next() % 600_000,
                last_assigned_at_ms: Some(1_700_000_000_000 - next() % 3_600_000),
                penalty: (next() % 101) as u8,
                skills: next() & 0xFF,
            }
        })
        .collect();
    let waiting = (0..100)
        .map(|id| Waiting {
            id: 10_000 + id,
            waited_ms: next() % 300_000,
            priority: (next() % 3) as i32,
            required_skills: 1 << (next() % 8),
            previous: None,
        })
        .collect();
    RouteInput {
        now_ms: 1_700_000_000_000,
        seed,
        campaign: 1,
        waiting,
        agents,
        ..RouteInput::default()
    }
}

fn main() {
    let input = pass_input(42);
    // Fewer runs under valgrind: `LEAST_BUSY_RUNS=20 valgrind --tool=callgrind …`.
    let runs = std::env::var("LEAST_BUSY_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2_000);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = least_busy::route(black_box(""), black_box(&input));
            black_box(out).ok();
            start.elapsed()
        })
        .collect();
    times.sort();
    let assigned = least_busy::route("", &input).map(|a| a.len()).unwrap_or(0);
    println!(
        "least-busy, 100 waiting x 500 agents ({assigned} assigned): median {:?}, p90 {:?}, min {:?}",
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[0]
    );
}
