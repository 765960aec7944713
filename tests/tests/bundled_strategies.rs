//! The six bundled strategies through the real Wasm host give exactly what the same
//! algorithms give natively, and the registry serves them from a fresh start.

use switchboard::plugins::strategy;
use switchboard::routing::{DecidedBy, route_pass};
use switchboard_tests::host::{TestHost, random_input};

const NAMES: [&str; 6] = [
    "round-robin",
    "longest-idle",
    "least-busy",
    "weighted-random",
    "skills",
    "sticky",
];

#[tokio::test]
async fn every_bundled_strategy_is_active_on_a_fresh_start() {
    let host = TestHost::start().await;
    for name in NAMES {
        let view = host
            .registry
            .get(name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        assert!(view.active_version.is_some(), "{name} is active");
        assert!(!view.versions.is_empty());
    }
}

#[tokio::test]
async fn wasm_and_native_give_the_same_assignments() {
    let host = TestHost::start().await;
    let limits = host.registry.limits().strategy;
    for name in NAMES {
        let plugin = host.registry.active(name).expect("active");
        let native = switchboard_strategies::by_name(name).expect("native twin");
        for seed in 0..25 {
            let input = random_input(
                seed,
                1 + (seed as usize * 7) % 40,
                1 + (seed as usize * 13) % 60,
            );
            let config = plugin.schema.default_config().to_string();
            let wasm = strategy::route(&host.runtime, &plugin, limits, &config, &input)
                .await
                .expect("wasm answers");
            let expected = (native.route)(&config, &input).expect("native answers");
            assert_eq!(wasm, expected, "{name} differs from native for seed {seed}");
            switchboard::routing::validate(&input, &wasm).expect("valid");
        }
    }
}

#[tokio::test]
async fn the_same_input_gives_the_same_answer() {
    let host = TestHost::start().await;
    let input = random_input(99, 30, 40);
    let first = route_pass(&host.registry, "weighted-random", "", &input).await;
    let second = route_pass(&host.registry, "weighted-random", "", &input).await;
    assert!(matches!(first.decided_by, DecidedBy::Plugin { .. }));
    assert_eq!(first.assignments, second.assignments);
    let mut reseeded = input.clone();
    reseeded.seed += 1;
    let third = route_pass(&host.registry, "weighted-random", "", &reseeded).await;
    assert!(matches!(third.decided_by, DecidedBy::Plugin { .. }));
}

#[tokio::test]
async fn a_config_is_checked_against_the_plugins_schema() {
    let host = TestHost::start().await;
    host.registry
        .validate_config("skills", r#"{"relax_after_seconds": 30}"#)
        .expect("valid");
    let error = host
        .registry
        .validate_config("skills", r#"{"relax_after_seconds": "soon"}"#)
        .expect_err("bad type");
    assert_eq!(error.code(), "plugin_bad_config");
    assert!(
        host.registry
            .validate_config("skills", r#"{"unknown": 1}"#)
            .is_err()
    );
}
