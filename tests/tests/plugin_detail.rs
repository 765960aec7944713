//! What the plugin API tells the admin console beside versions: the active version's config
//! schema (connector and campaign forms are drawn from it), description, exports, imports, and
//! its call and error counts; all following an upload and a rollback.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::plugins::PluginKind;
use switchboard_tests::host::guest_wasm;
use switchboard_tests::server::TestServer;

async fn get(server: &TestServer, path: &str) -> Value {
    let response = server.admin(Method::GET, path).send().await.expect("get");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.expect("json")
}

#[tokio::test]
async fn plugins_carry_their_schema_exports_and_counts() {
    let server = TestServer::start().await;

    // A provider's schema names its secret fields, which the connector form keeps write-only.
    let twilio = get(&server, "/api/v1/plugins/twilio").await;
    assert_eq!(twilio["kind"], "provider");
    assert_eq!(
        twilio["config_schema"]["properties"]["auth_token"]["writeOnly"], true,
        "{twilio}"
    );
    assert!(
        twilio["exports"]
            .as_array()
            .expect("exports")
            .contains(&json!(PluginKind::Provider.export_name())),
        "{twilio}"
    );
    assert!(twilio["imports"].is_array());
    assert!(!twilio["description"].as_str().unwrap_or("").is_empty());
    assert!(twilio["calls"].is_u64() && twilio["errors"].is_u64());

    // The list carries the same, for every plugin.
    let list = get(&server, "/api/v1/plugins").await;
    let plugins = list["plugins"].as_array().expect("plugins");
    assert!(!plugins.is_empty());
    for plugin in plugins {
        assert!(plugin["config_schema"].is_object(), "{plugin}");
        assert!(plugin["calls"].is_u64(), "{plugin}");
    }

    // A new version brings its own description; a rollback brings back the bundled one's.
    let bundled = get(&server, "/api/v1/plugins/least-busy").await;
    let response = server
        .admin(Method::POST, "/api/v1/plugins")
        .header("content-type", "application/wasm")
        .body(guest_wasm("least-busy-override"))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::CREATED);
    let installed = get(&server, "/api/v1/plugins/least-busy").await;
    assert_eq!(installed["active_version"], "9.0.0");
    assert!(
        installed["description"]
            .as_str()
            .unwrap_or("")
            .starts_with("Test plugin"),
        "{installed}"
    );
    assert_ne!(installed["sha256"], bundled["sha256"]);
    let response = server
        .admin(Method::POST, "/api/v1/plugins/least-busy/rollback")
        .send()
        .await
        .expect("rollback");
    assert_eq!(response.status(), StatusCode::OK);
    let back = get(&server, "/api/v1/plugins/least-busy").await;
    assert_eq!(back["active_version"], bundled["active_version"]);
    assert_eq!(back["description"], bundled["description"]);
    assert_eq!(back["config_schema"], bundled["config_schema"]);
    server.stop().await;
}
