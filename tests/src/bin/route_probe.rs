//! Runs N routing passes of least-busy (100 waiting × 500 agents) through the Wasm host or
//! natively, for instruction counts under callgrind, which are repeatable where timings on a
//! shared 2-core machine are not:
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p target/release/route_probe wasm 1
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p target/release/route_probe wasm 101
//! ```
//! (per pass = the difference of the two totals / 100; same for `native`).

use switchboard::plugins::strategy;
use switchboard_tests::host::{TestHost, random_input};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "wasm".into());
    let passes: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let input = random_input(2026, 100, 500);
    let native = switchboard_strategies::least_busy::route;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(async {
        // Two pooling slots: valgrind cannot reserve the default pool's address space.
        let host = TestHost::with_instances(2).await;
        let plugin = host
            .registry
            .active("least-busy")
            .expect("bundled least-busy");
        let limits = host.registry.limits().strategy;
        // Warm up both paths once so the counted passes are steady-state ones.
        let expected = native("", &input).expect("native");
        let got = strategy::route(&host.runtime, &plugin, limits, "", &input)
            .await
            .expect("wasm");
        assert_eq!(got, expected);
        let mut assigned = 0;
        for _ in 0..passes {
            assigned += match mode.as_str() {
                "native" => native("", &input).expect("native").len(),
                _ => strategy::route(&host.runtime, &plugin, limits, "", &input)
                    .await
                    .expect("wasm")
                    .len(),
            };
        }
        println!("{mode}: {passes} passes, {assigned} assignments");
    });
}
