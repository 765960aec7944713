//! Hot swap under load, rollback, and restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use switchboard::plugins::PluginError;
use switchboard::routing::{DecidedBy, route_pass};
use switchboard_strategies::RouteInput;
use switchboard_tests::host::{TestHost, guest_wasm, random_input};

/// probe 1.0.0 gives every conversation to the first agent of the input; 2.0.0 to the last.
fn answer_of(version: &str, input: &RouteInput) -> u64 {
    match version {
        "1.0.0" => input.agents[0].id,
        "2.0.0" => input.agents[input.agents.len() - 1].id,
        other => panic!("unexpected probe version {other}"),
    }
}

fn probe_input() -> RouteInput {
    let mut input = random_input(11, 1, 4);
    for agent in &mut input.agents {
        agent.load = 0;
        agent.capacity = 5;
    }
    input.waiting[0].required_skills = 0;
    input
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapping_a_strategy_1000_times_under_load_fails_no_call() {
    let host = TestHost::start().await;
    host.registry
        .install(guest_wasm("probe-v1"), true)
        .await
        .expect("v1 installs");
    host.registry
        .install(guest_wasm("probe-v2"), false)
        .await
        .expect("v2 installs");
    let input = Arc::new(probe_input());
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));

    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (registry, input, stop, answered) = (
                host.registry.clone(),
                input.clone(),
                stop.clone(),
                answered.clone(),
            );
            tokio::spawn(async move {
                let mut seen = [0u64; 2];
                while !stop.load(Ordering::Relaxed) {
                    let outcome = route_pass(&registry, "probe", "", &input).await;
                    let DecidedBy::Plugin { version, .. } = &outcome.decided_by else {
                        panic!("a call failed during the swap: {:?}", outcome.decided_by);
                    };
                    assert_eq!(outcome.assignments.len(), 1);
                    assert_eq!(
                        outcome.assignments[0].agent,
                        answer_of(version, &input),
                        "answer of {version}"
                    );
                    seen[usize::from(version == "2.0.0")] += 1;
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                seen
            })
        })
        .collect();

    for i in 0..1000 {
        let version = if i % 2 == 0 { "2.0.0" } else { "1.0.0" };
        host.registry
            .activate("probe", version)
            .await
            .expect("activates");
        tokio::task::yield_now().await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut totals = [0u64; 2];
    for caller in callers {
        let seen = caller.await.expect("no caller panicked");
        totals[0] += seen[0];
        totals[1] += seen[1];
    }
    assert!(answered.load(Ordering::Relaxed) > 0);
    assert!(
        totals[0] > 0 && totals[1] > 0,
        "both versions answered: {totals:?}"
    );
    assert_eq!(host.registry.get("probe").expect("listed").errors, 0);
}

#[tokio::test]
async fn rollback_restores_the_previous_version_and_a_restart_restores_the_active_ones() {
    let host = TestHost::start().await;
    host.registry
        .install(guest_wasm("probe-v1"), true)
        .await
        .expect("v1");
    host.registry
        .install(guest_wasm("probe-v2"), true)
        .await
        .expect("v2");
    assert_eq!(active_version(&host, "probe"), "2.0.0");

    let back = host.registry.rollback("probe").await.expect("rolls back");
    assert_eq!((back.version.as_str(), back.active), ("1.0.0", true));
    assert_eq!(active_version(&host, "probe"), "1.0.0");
    let input = probe_input();
    assert_eq!(
        route_pass(&host.registry, "probe", "", &input)
            .await
            .assignments[0]
            .agent,
        input.agents[0].id
    );

    let host = host.restart().await;
    assert_eq!(
        active_version(&host, "probe"),
        "1.0.0",
        "the active version survives a restart"
    );
    assert_eq!(
        host.registry
            .get("probe")
            .expect("listed")
            .previous_version
            .as_deref(),
        Some("2.0.0")
    );
    let forward = host
        .registry
        .rollback("probe")
        .await
        .expect("rolls forward");
    assert_eq!(forward.version, "2.0.0");
}

#[tokio::test]
async fn an_installed_version_overrides_the_bundled_one_and_rollback_returns_to_it() {
    let host = TestHost::start().await;
    let bundled = active_version(&host, "least-busy");
    assert!(
        matches!(
            host.registry.rollback("least-busy").await,
            Err(PluginError::Conflict(_))
        ),
        "nothing to roll back to yet"
    );
    // Test plugin named least-busy 9.0.0 that answers like probe 1.0.0 (first agent).
    host.registry
        .install(guest_wasm("least-busy-override"), true)
        .await
        .expect("installs");
    assert_eq!(active_version(&host, "least-busy"), "9.0.0");
    let input = probe_input();
    assert_eq!(
        route_pass(&host.registry, "least-busy", "", &input)
            .await
            .assignments[0]
            .agent,
        input.agents[0].id
    );

    let back = host
        .registry
        .rollback("least-busy")
        .await
        .expect("back to bundled");
    assert_eq!(back.version, bundled);
    let host = host.restart().await;
    assert_eq!(
        active_version(&host, "least-busy"),
        bundled,
        "the rollback survives a restart"
    );
}

#[tokio::test]
async fn same_version_with_other_bytes_is_a_conflict() {
    let host = TestHost::start().await;
    host.registry
        .install(guest_wasm("probe-v1"), true)
        .await
        .expect("installs");
    let again = host
        .registry
        .install(guest_wasm("probe-v1"), true)
        .await
        .expect("same bytes again is fine");
    assert_eq!(again.version, "1.0.0");
    // Activating an unknown version is not found and changes nothing.
    assert!(matches!(
        host.registry.activate("probe", "9.9.9").await,
        Err(PluginError::NotFound(_))
    ));
    assert_eq!(active_version(&host, "probe"), "1.0.0");
}

fn active_version(host: &TestHost, name: &str) -> String {
    host.registry
        .get(name)
        .and_then(|p| p.active_version)
        .expect("has an active version")
}
