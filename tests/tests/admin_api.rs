//! The plugin admin API of a real server, over HTTP: the token, the bundled strategies,
//! upload → activate → rollback, refusals, restart, health and metrics.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::cli::client::AdminClient;
use switchboard_tests::host::guest_wasm;
use switchboard_tests::server::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BUNDLED: [&str; 6] = [
    "least-busy",
    "longest-idle",
    "round-robin",
    "skills",
    "sticky",
    "weighted-random",
];

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn list(server: &TestServer) -> Vec<Value> {
    let (status, body) = json_of(
        server
            .admin(Method::GET, "/api/v1/plugins")
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["plugins"]
        .as_array()
        .cloned()
        .expect("a plugins array")
}

async fn plugin(server: &TestServer, name: &str) -> Value {
    let (status, body) = json_of(
        server
            .admin(Method::GET, &format!("/api/v1/plugins/{name}"))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn upload(server: &TestServer, wasm: Vec<u8>, activate: bool) -> (StatusCode, Value) {
    let response = server
        .admin(
            Method::POST,
            &format!("/api/v1/plugins?activate={activate}"),
        )
        .header("content-type", "application/wasm")
        .body(wasm)
        .send()
        .await
        .expect("upload");
    json_of(response).await
}

#[tokio::test]
async fn the_admin_api_refuses_a_missing_or_wrong_token() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, "/api/v1/plugins")
        .send()
        .await
        .expect("request");
    assert_eq!(
        json_of(response).await,
        (StatusCode::UNAUTHORIZED, json_of_unauthorized())
    );
    let response = server
        .request(Method::GET, "/api/v1/plugins")
        .bearer_auth("not-the-admin-token")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = server
        .request(Method::POST, "/api/v1/plugins/round-robin/rollback")
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "writes are guarded too"
    );
    server.stop().await;
}

fn json_of_unauthorized() -> Value {
    json!({
        "code": "unauthorized",
        "message": "sign in, or send a valid token: Authorization: Bearer <token>"
    })
}

#[tokio::test]
async fn the_six_bundled_strategies_are_listed_and_active() {
    let server = TestServer::start().await;
    let plugins = list(&server).await;
    for name in BUNDLED {
        let plugin = plugins
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not listed"));
        assert_eq!(plugin["kind"], "strategy", "{name}");
        assert!(
            plugin["active_version"].is_string(),
            "{name} has no active version: {plugin}"
        );
        let versions = plugin["versions"].as_array().expect("versions");
        assert!(
            versions
                .iter()
                .any(|v| v["active"] == true && v["source"] == "bundled"),
            "{plugin}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn upload_activate_and_rollback_survive_a_restart() {
    let server = TestServer::start().await;

    let (status, body) = upload(&server, guest_wasm("probe-v1"), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (&body["name"], &body["version"], &body["active"]),
        (&json!("probe"), &json!("1.0.0"), &json!(true))
    );
    assert_eq!(plugin(&server, "probe").await["active_version"], "1.0.0");
    assert!(
        list(&server).await.iter().any(|p| p["name"] == "probe"),
        "probe is listed"
    );

    let (status, body) = upload(&server, guest_wasm("probe-v2"), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let probe = plugin(&server, "probe").await;
    assert_eq!(
        (&probe["active_version"], &probe["previous_version"]),
        (&json!("2.0.0"), &json!("1.0.0"))
    );

    let response = server
        .admin(Method::POST, "/api/v1/plugins/probe/rollback")
        .send()
        .await
        .expect("rollback");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, &body["version"]),
        (StatusCode::OK, &json!("1.0.0")),
        "{body}"
    );
    assert_eq!(plugin(&server, "probe").await["active_version"], "1.0.0");

    let response = server
        .admin(Method::POST, "/api/v1/plugins/probe/activate")
        .json(&json!({ "version": "2.0.0" }))
        .send()
        .await
        .expect("activate");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, &body["version"], &body["active"]),
        (StatusCode::OK, &json!("2.0.0"), &json!(true))
    );

    // A bundled strategy that never changed has nothing to roll back to.
    let response = server
        .admin(Method::POST, "/api/v1/plugins/sticky/rollback")
        .send()
        .await
        .expect("rollback");
    assert_eq!(json_of(response).await.1["code"], "conflict");

    let server = server.restart().await;
    let probe = plugin(&server, "probe").await;
    assert_eq!(
        (&probe["active_version"], &probe["previous_version"]),
        (&json!("2.0.0"), &json!("1.0.0"))
    );
    let versions: Vec<&Value> = probe["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| &v["version"])
        .collect();
    assert_eq!(versions, [&json!("1.0.0"), &json!("2.0.0")]);
    assert!(
        list(&server)
            .await
            .iter()
            .filter(|p| p["kind"] == "strategy")
            .count()
            >= 7
    );
    server.stop().await;
}

#[tokio::test]
async fn garbage_bytes_are_refused_with_422_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let before = list(&server).await.len();
    let (status, body) = upload(&server, b"\0asm but not really a component".to_vec(), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "plugin_invalid_component");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(list(&server).await.len(), before);
    let server = server.restart().await;
    assert_eq!(list(&server).await.len(), before, "nothing was stored");
    server.stop().await;
}

/// The declared size is enough to refuse: the server answers before a byte of body is sent.
/// Written on a raw socket, because an HTTP client pushing 16 MiB into a server that has
/// already answered may see a reset instead of the answer.
#[tokio::test]
async fn an_oversized_upload_is_refused_with_413_before_it_is_read() {
    let server = TestServer::start().await;
    let limit = server.config.plugins.max_upload_bytes;
    let address = server.url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/plugins HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/wasm\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.token,
        limit + 1
    );
    socket.write_all(head.as_bytes()).await.expect("send head");
    let mut answer = Vec::new();
    socket
        .read_to_end(&mut answer)
        .await
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"plugin_too_large""#), "{answer}");
    assert!(!list(&server).await.iter().any(|p| p["name"] == "probe"));
    server.stop().await;
}

/// Under a small configured limit, a real upload over it is refused by the registry's own
/// check as well as the HTTP layer's.
#[tokio::test]
async fn the_upload_limit_is_configurable() {
    let wasm = guest_wasm("probe-v1");
    let limit = wasm.len() - 1;
    let server = TestServer::start_with(|config| config.plugins.max_upload_bytes = limit).await;
    let (status, body) = upload(&server, wasm, true).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::PAYLOAD_TOO_LARGE, &json!("plugin_too_large")),
        "{body}"
    );
    assert!(!list(&server).await.iter().any(|p| p["name"] == "probe"));
    server.stop().await;
}

#[tokio::test]
async fn health_readiness_and_metrics_are_served() {
    let server = TestServer::start().await;
    for path in ["/healthz", "/readyz"] {
        let response = server
            .request(Method::GET, path)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let response = server
        .request(Method::GET, "/metrics")
        .send()
        .await
        .expect("metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("text");
    assert!(
        text.lines()
            .any(|l| l.starts_with(r#"switchboard_plugin_calls_total{plugin="round-robin","#)),
        "{text}"
    );
    assert!(
        text.contains(r#"switchboard_plugin_active{plugin="least-busy""#),
        "{text}"
    );
    server.stop().await;
}

/// The CLI's client against the real server: what `switchboard plugin …` does.
#[tokio::test]
async fn the_cli_client_drives_the_admin_api() {
    let server = TestServer::start().await;
    let client = AdminClient::new(&server.url, Some(server.token.clone())).expect("client");
    let installed = client
        .install(guest_wasm("probe-v1"), false)
        .await
        .expect("install");
    assert_eq!(
        (&installed["version"], &installed["active"]),
        (&json!("1.0.0"), &json!(false))
    );
    let activated = client.activate("probe", "1.0.0").await.expect("activate");
    assert_eq!(activated["active"], true);
    let listed = client.list().await.expect("list");
    assert!(
        listed["plugins"]
            .as_array()
            .expect("array")
            .iter()
            .any(|p| p["active_version"] == "1.0.0")
    );

    let error = client
        .activate("probe", "9.9.9")
        .await
        .expect_err("no such version");
    assert!(error.to_string().ends_with("(not_found)"), "{error}");
    let wrong = AdminClient::new(&server.url, Some("wrong-token".into())).expect("client");
    let error = wrong.list().await.expect_err("wrong token");
    assert!(error.to_string().ends_with("(unauthorized)"), "{error}");
    server.stop().await;
}
