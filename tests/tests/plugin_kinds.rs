//! Every plugin world loads through the registry with its kind, and a plugin is only ever
//! called as the kind it is.

use switchboard::plugins::{PluginError, PluginKind, strategy};
use switchboard_tests::host::{TestHost, guest_wasm, random_input};

#[tokio::test]
async fn bot_and_provider_components_install_with_their_kind() {
    let host = TestHost::start().await;
    let bot = host
        .registry
        .install(guest_wasm("hello-bot"), true)
        .await
        .expect("bot installs");
    assert_eq!(
        (bot.name.as_str(), bot.kind),
        ("hello-bot", PluginKind::Bot)
    );
    let provider = host
        .registry
        .install(guest_wasm("echo-provider"), true)
        .await
        .expect("provider installs");
    assert_eq!(
        (provider.name.as_str(), provider.kind),
        ("echo-provider", PluginKind::Provider)
    );
    let listed: Vec<(String, PluginKind)> = host
        .registry
        .list()
        .into_iter()
        .map(|p| (p.name, p.kind))
        .collect();
    assert!(listed.contains(&("hello-bot".into(), PluginKind::Bot)));
    assert!(listed.contains(&("echo-provider".into(), PluginKind::Provider)));

    let bot = host.registry.active("hello-bot").expect("active");
    let limits = host.registry.limits().strategy;
    let error = strategy::route(&host.runtime, &bot, limits, "", &random_input(1, 1, 1))
        .await
        .expect_err("not a strategy");
    assert!(
        matches!(
            error,
            PluginError::WrongKind {
                expected: "strategy",
                actual: "bot",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn inspect_reports_world_and_imports_without_storing() {
    let host = TestHost::start().await;
    let report =
        switchboard::plugins::offline::inspect(&host.runtime, guest_wasm("strategy-sticky"))
            .await
            .expect("inspects");
    assert_eq!(
        (report.name.as_str(), report.kind),
        ("sticky", PluginKind::Strategy)
    );
    assert!(
        report
            .exports
            .iter()
            .any(|e| e == "switchboard:strategy/strategy@0.1.0"),
        "{:?}",
        report.exports
    );
    assert!(
        report
            .imports
            .iter()
            .all(|i| !i.starts_with("wasi:filesystem") && !i.starts_with("wasi:sockets"))
    );
    assert!(
        host.store
            .plugin_versions()
            .await
            .expect("reads")
            .is_empty()
    );
}
