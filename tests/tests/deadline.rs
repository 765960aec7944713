//! An infinite loop is stopped within twice its deadline.
//!
//! Alone in its own test binary on purpose: the deadline counts the guest's running time (so a
//! busy machine never times out a healthy plugin), which equals wall time only when the loop
//! has a core to itself. Cargo runs test binaries one after another, so nothing else of the
//! suite competes with it here.

use std::time::{Duration, Instant};

use switchboard::plugins::sandbox::CallLimits;
use switchboard::plugins::{PluginError, strategy};
use switchboard::routing::{DecidedBy, route_pass};
use switchboard_tests::host::{TestHost, random_input};

const LIMITS: CallLimits = CallLimits {
    deadline: Duration::from_millis(200),
    memory_cap: 16 << 20,
};

#[tokio::test]
async fn infinite_loop_is_stopped_within_twice_its_deadline() {
    let host = TestHost::start().await;
    let plugin = host.load("loop-forever").await.expect("loads");
    let input = random_input(2, 3, 3);
    let started = Instant::now();
    let error = strategy::route(&host.runtime, &plugin, LIMITS, "", &input)
        .await
        .expect_err("must not finish");
    let elapsed = started.elapsed();
    assert!(matches!(error, PluginError::Timeout { .. }), "{error:?}");
    assert!(elapsed < LIMITS.deadline * 2, "stopped after {elapsed:?}");

    let outcome = route_pass(&host.registry, "least-busy", "", &random_input(1, 5, 10)).await;
    assert!(
        matches!(outcome.decided_by, DecidedBy::Plugin { .. }),
        "the engine still routes"
    );
}
