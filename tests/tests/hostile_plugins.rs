//! Hostile plugins: each is refused at install or fails its call with a typed error, within
//! its limits, while the engine keeps serving and the native fallback answers.

use std::time::{Duration, Instant};

use switchboard::plugins::sandbox::CallLimits;
use switchboard::plugins::{PluginError, RegistryLimits, strategy};
use switchboard::routing::{DecidedBy, route_with};
use switchboard_tests::host::{TestHost, guest_wasm, random_input};

const LIMITS: CallLimits = CallLimits {
    deadline: Duration::from_millis(200),
    memory_cap: 16 << 20,
};

/// After any failure the host still routes with a good plugin.
async fn still_serving(host: &TestHost) {
    let input = random_input(1, 5, 10);
    let outcome = switchboard::routing::route_pass(&host.registry, "least-busy", "", &input).await;
    assert!(
        matches!(outcome.decided_by, DecidedBy::Plugin { .. }),
        "{:?}",
        outcome.decided_by
    );
    assert!(!outcome.assignments.is_empty());
}

#[tokio::test]
async fn infinite_loop_does_not_stall_other_tasks() {
    // Two looping calls on a 2-worker runtime would be a dead server if they blocked workers.
    let host = TestHost::start().await;
    let plugin = std::sync::Arc::new(host.load("loop-forever").await.expect("loads"));
    let input = random_input(3, 3, 3);
    let loops: Vec<_> = (0..4)
        .map(|_| {
            let (runtime, plugin, input) = (host.runtime.clone(), plugin.clone(), input.clone());
            tokio::spawn(
                async move { strategy::route(&runtime, &plugin, LIMITS, "", &input).await },
            )
        })
        .collect();
    let ticker = Instant::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        ticker.elapsed() < Duration::from_millis(150),
        "the executor was starved"
    );
    still_serving(&host).await;
    for handle in loops {
        assert!(matches!(
            handle.await.expect("joins"),
            Err(PluginError::Timeout { .. })
        ));
    }
}

#[tokio::test]
async fn memory_bomb_is_stopped_at_the_cap() {
    let host = TestHost::start().await;
    let plugin = host.load("memory-bomb").await.expect("loads");
    let error = strategy::route(&host.runtime, &plugin, LIMITS, "", &random_input(4, 2, 2))
        .await
        .expect_err("bomb");
    assert!(
        matches!(error, PluginError::OutOfMemory { cap_bytes } if cap_bytes == LIMITS.memory_cap),
        "{error:?}"
    );
    still_serving(&host).await;
}

#[tokio::test]
async fn panic_is_a_typed_trap_with_its_message() {
    let host = TestHost::start().await;
    let plugin = host.load("panic").await.expect("loads");
    let error = strategy::route(&host.runtime, &plugin, LIMITS, "", &random_input(5, 2, 2))
        .await
        .expect_err("panics");
    assert!(matches!(&error, PluginError::Trap(_)), "{error:?}");
    still_serving(&host).await;
}

#[tokio::test]
async fn failing_plugin_falls_back_to_native_and_is_counted() {
    let host = TestHost::start().await;
    let plugin = host.load("panic").await.expect("loads");
    let input = random_input(6, 20, 30);
    let outcome = route_with(&host.runtime, LIMITS, "panic", Some(&plugin), "", &input).await;
    match &outcome.decided_by {
        DecidedBy::Fallback { code, strategy, .. } => {
            assert_eq!(*code, "plugin_trap");
            assert_eq!(*strategy, "least-busy");
        }
        other => panic!("expected the fallback, got {other:?}"),
    }
    assert!(!outcome.assignments.is_empty(), "the fallback routes");
    switchboard::routing::validate(&input, &outcome.assignments).expect("fallback answer is valid");
    assert_eq!(
        (
            plugin.stats.calls(),
            plugin.stats.errors(),
            plugin.stats.fallbacks()
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn invalid_output_is_rejected_not_applied() {
    let host = TestHost::start().await;
    let plugin = host.load("bad-output").await.expect("loads");
    let mut input = random_input(7, 6, 4);
    input.exclusions.push(switchboard_strategies::Exclusion {
        conversation: input.waiting[0].id,
        agent: input.agents[0].id,
    });
    for mode in ["unknown-agent", "over-capacity", "duplicate", "excluded"] {
        let config = format!(r#"{{"mode": "{mode}"}}"#);
        let outcome = route_with(
            &host.runtime,
            LIMITS,
            "bad-output",
            Some(&plugin),
            &config,
            &input,
        )
        .await;
        match &outcome.decided_by {
            DecidedBy::Fallback { code, .. } => {
                assert_eq!(*code, "plugin_invalid_output", "{mode}")
            }
            other => panic!("{mode}: invalid output was accepted: {other:?}"),
        }
        switchboard::routing::validate(&input, &outcome.assignments)
            .expect("what is applied is valid");
    }
}

/// Whether an error is the one a case expects.
type Expected = fn(&PluginError) -> bool;

/// Each of these is refused at install with its own typed error, and nothing is stored.
#[tokio::test]
async fn hostile_uploads_are_refused_at_install() {
    // A deadline long enough that the memory bomb reaches its cap before its time is up.
    let strategy = CallLimits {
        deadline: Duration::from_secs(1),
        memory_cap: 16 << 20,
    };
    let host = TestHost::with_limits(RegistryLimits {
        max_upload_bytes: 4 << 20,
        strategy,
        ..RegistryLimits::default()
    })
    .await;
    let cases: Vec<(&str, Vec<u8>, Expected)> = vec![
        ("loop-forever", guest_wasm("loop-forever"), |e| {
            matches!(e, PluginError::Timeout { .. })
        }),
        ("memory-bomb", guest_wasm("memory-bomb"), |e| {
            matches!(e, PluginError::OutOfMemory { .. })
        }),
        ("panic", guest_wasm("panic"), |e| {
            matches!(e, PluginError::Trap(_))
        }),
        ("wrong-world", guest_wasm("wrong-world"), |e| {
            matches!(e, PluginError::IncompatibleWorld(_))
        }),
        ("needs-filesystem", guest_wasm("needs-filesystem"), |e| {
            matches!(e, PluginError::ForbiddenImport(_))
        }),
        ("lying-describe", guest_wasm("lying-describe"), |e| {
            matches!(e, PluginError::BadDescription(_))
        }),
        (
            "garbage",
            b"\0asm garbage that is not a component".to_vec(),
            |e| matches!(e, PluginError::InvalidComponent(_)),
        ),
        ("oversized", vec![0u8; (4 << 20) + 1], |e| {
            matches!(e, PluginError::TooLarge { .. })
        }),
    ];
    for (label, wasm, expected) in cases {
        let error = host.registry.install(wasm, true).await.expect_err(label);
        assert!(expected(&error), "{label}: unexpected error {error:?}");
    }
    assert!(
        host.store
            .plugin_versions()
            .await
            .expect("reads")
            .is_empty(),
        "nothing was stored"
    );
    still_serving(&host).await;
}

#[tokio::test]
async fn a_network_import_is_refused() {
    let host = TestHost::start().await;
    let error = host
        .registry
        .install(guest_wasm("needs-network"), true)
        .await
        .expect_err("sockets");
    assert!(
        matches!(error, PluginError::ForbiddenImport(ref i) if i.contains("wasi:sockets")),
        "{error:?}"
    );
}
