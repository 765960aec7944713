//! Plugin host benchmarks (issue 2's figures), each beside its baseline in the same run:
//! - `routing_pass/least-busy 100x500`: one routing pass through the Wasm host (warm instance
//!   acquisition, copying the snapshot in and the assignments out; not applying them) against
//!   the same algorithm compiled natively. Target: median ≤ 50 µs and ≤ 3× native.
//! - `instantiate_and_call/probe`: a fresh instance from the cached `InstancePre` and one call
//!   of a trivial strategy. Target: ≤ 25 µs.
//! - `load/cached artifact`: loading a compiled plugin from the artifact cache, beside
//!   compiling it from the wasm. Target: ≤ 5 ms.
//!
//! Run: `cargo bench -p switchboard-tests --bench plugin_host`

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use switchboard::plugins::registry::sha256_hex;
use switchboard::plugins::{Runtime, RuntimeConfig, strategy};
use switchboard_strategies::RouteInput;
use switchboard_tests::host::{TestHost, guest_wasm, random_input};

fn routing_pass(c: &mut Criterion) {
    let rt = runtime();
    let host = rt.block_on(TestHost::start());
    let plugin = host
        .registry
        .active("least-busy")
        .expect("bundled least-busy");
    let limits = host.registry.limits().strategy;
    let input = skilled_input();
    let native = switchboard_strategies::least_busy::route;
    assert_eq!(
        rt.block_on(strategy::route(&host.runtime, &plugin, limits, "", &input))
            .expect("wasm"),
        native("", &input).expect("native"),
        "wasm and native must agree before they are compared"
    );
    let mut group = c.benchmark_group("routing_pass");
    group.bench_function("least-busy 100x500 wasm", |b| {
        b.to_async(&rt).iter(|| async {
            strategy::route(&host.runtime, &plugin, limits, "", &input)
                .await
                .expect("routes")
        })
    });
    group.bench_function("least-busy 100x500 native", |b| {
        b.iter(|| native("", &input).expect("routes"))
    });
    group.finish();
}

fn instantiate_and_call(c: &mut Criterion) {
    let rt = runtime();
    let host = rt.block_on(TestHost::start());
    let plugin = rt.block_on(host.load("probe-v1")).expect("probe loads");
    let limits = host.registry.limits().strategy;
    let input = RouteInput::default();
    let mut group = c.benchmark_group("instantiate_and_call");
    group.bench_function("probe fresh instance", |b| {
        b.to_async(&rt).iter(|| async {
            strategy::route_fresh(&host.runtime, &plugin, limits, "", &input)
                .await
                .expect("calls")
        })
    });
    group.bench_function("probe warm instance", |b| {
        b.to_async(&rt).iter(|| async {
            strategy::route(&host.runtime, &plugin, limits, "", &input)
                .await
                .expect("calls")
        })
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("temp dir");
    let cached = Arc::new(
        Runtime::new(RuntimeConfig {
            cache_dir: Some(dir.path().to_path_buf()),
            ..RuntimeConfig::default()
        })
        .expect("runtime"),
    );
    let uncached = Arc::new(Runtime::new(RuntimeConfig::default()).expect("runtime"));
    let wasm: Arc<[u8]> = Arc::from(guest_wasm("strategy-least-busy"));
    let sha = sha256_hex(&wasm);
    rt.block_on(cached.compile(wasm.clone(), sha.clone()))
        .expect("first compile fills the cache");
    let mut group = c.benchmark_group("load");
    group.bench_function("least-busy cached artifact", |b| {
        b.to_async(&rt).iter(|| async {
            cached
                .compile(wasm.clone(), sha.clone())
                .await
                .expect("loads")
        })
    });
    group.sample_size(10);
    group.bench_function("least-busy compile (baseline)", |b| {
        b.to_async(&rt).iter(|| async {
            uncached
                .compile(wasm.clone(), sha.clone())
                .await
                .expect("compiles")
        })
    });
    group.finish();
}

/// 100 waiting × 500 agents with random loads and skills; every conversation needs skills.
fn skilled_input() -> RouteInput {
    random_input(2026, 100, 500)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio")
}

criterion_group!(benches, routing_pass, instantiate_and_call, load);
criterion_main!(benches);
