//! The router driven as a service (no socket), over a real registry with no bundled plugins,
//! so these run without any wasm build. Installing real plugins is covered end to end in
//! `tests/tests/admin_api.rs`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use crate::config::AuthSettings;
use crate::plugins::{Registry, RegistryLimits, Runtime, RuntimeConfig};

pub(super) const TOKEN: &str = "http-tests-admin-token";
const UPLOAD_LIMIT: usize = 4096;

pub(super) struct Fixture {
    pub(super) app: Router,
    pub(super) store: Arc<dyn crate::store::Store>,
    // Kept so the store's files outlive the test.
    _dir: tempfile::TempDir,
}

/// The cheapest password hashing argon2 allows: these tests check behaviour, not strength.
pub(super) fn cheap_auth() -> AuthSettings {
    AuthSettings {
        argon2_memory_kib: 8,
        argon2_iterations: 1,
        ..AuthSettings::default()
    }
}

async fn ready_app() -> Fixture {
    ready_app_with(cheap_auth()).await
}

/// A ready app whose admin token is [`TOKEN`], with these auth settings.
pub(super) async fn ready_app_with(settings: AuthSettings) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::store::open(dir.path()).await.expect("store opens");
    let token = crate::server::ensure_admin_token(store.as_ref(), Some(TOKEN))
        .await
        .expect("admin token");
    store
        .ensure_admin_user(Some(&token.hash_hex()), 1)
        .await
        .expect("admin user");
    let auth = auth::Auth::new(store.clone(), &settings, false).expect("auth");
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 8,
        max_memory: 16 << 20,
        cache_dir: None,
    })
    .expect("runtime");
    let limits = RegistryLimits {
        max_upload_bytes: UPLOAD_LIMIT,
        ..RegistryLimits::default()
    };
    let registry = Registry::open(Arc::new(runtime), store.clone(), &[], limits)
        .await
        .expect("registry opens");
    let state = AppState::ready(UPLOAD_LIMIT, registry, Arc::new(auth));
    Fixture {
        app: app(state),
        store,
        _dir: dir,
    }
}

pub(super) async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

pub(super) fn admin(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
}

#[tokio::test]
async fn healthz_answers_before_anything_is_loaded_and_readyz_waits() {
    let app = app(AppState::new(UPLOAD_LIMIT));
    let (status, body) = send(
        &app,
        Request::get("/healthz").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "status": "ok" })));
    let (status, body) = send(
        &app,
        Request::get("/readyz").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "not_ready");

    let fixture = ready_app().await;
    let (status, _) = send(
        &fixture.app,
        Request::get("/readyz").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_admin_api_needs_the_token() {
    let fixture = ready_app().await;
    let (status, body) = send(
        &fixture.app,
        Request::get("/api/v1/plugins")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    let (status, body) = send(
        &fixture.app,
        admin(Method::GET, "/api/v1/plugins")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "plugins": [] })));
}

#[tokio::test]
async fn garbage_is_refused_and_nothing_is_listed() {
    let fixture = ready_app().await;
    let request = admin(Method::POST, "/api/v1/plugins")
        .header(CONTENT_TYPE, "application/wasm")
        .body(Body::from("definitely not wasm"))
        .expect("req");
    let (status, body) = send(&fixture.app, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "plugin_invalid_component");
    let (_, body) = send(
        &fixture.app,
        admin(Method::GET, "/api/v1/plugins")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(body, json!({ "plugins": [] }));
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413() {
    let fixture = ready_app().await;
    let request = admin(Method::POST, "/api/v1/plugins?activate=false")
        .header(CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(vec![0u8; UPLOAD_LIMIT + 1]))
        .expect("req");
    let response = fixture
        .app
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(
        response.headers()["connection"],
        "close",
        "the unread body makes the connection unusable"
    );
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["code"], "plugin_too_large");
}

#[tokio::test]
async fn an_upload_that_is_not_declared_as_wasm_is_refused() {
    let fixture = ready_app().await;
    let request = admin(Method::POST, "/api/v1/plugins")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("a=b"))
        .expect("req");
    let (status, body) = send(&fixture.app, request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["code"], "unsupported_media_type");
}

#[tokio::test]
async fn a_bad_query_or_bad_json_is_a_bad_request() {
    let fixture = ready_app().await;
    let request = admin(Method::POST, "/api/v1/plugins?activate=perhaps")
        .body(Body::from("x"))
        .expect("req");
    let (status, body) = send(&fixture.app, request).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::BAD_REQUEST, &json!("bad_request"))
    );

    for bad in ["{not json", r#"{"version": 3}"#, r#"{"verison": "1.0.0"}"#] {
        let request = admin(Method::POST, "/api/v1/plugins/round-robin/activate")
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(bad))
            .expect("req");
        let (status, body) = send(&fixture.app, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["code"], "bad_request", "{bad}");
    }
}

#[tokio::test]
async fn unknown_plugins_are_not_found() {
    let fixture = ready_app().await;
    let (status, body) = send(
        &fixture.app,
        admin(Method::GET, "/api/v1/plugins/nope")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::NOT_FOUND, &json!("not_found"))
    );
    let request = admin(Method::POST, "/api/v1/plugins/nope/activate")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"version": "1.0.0"}"#))
        .expect("req");
    let (status, _) = send(&fixture.app, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        &fixture.app,
        admin(Method::POST, "/api/v1/plugins/nope/rollback")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_json() {
    let fixture = ready_app().await;
    let (status, body) = send(
        &fixture.app,
        Request::get("/nowhere").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::NOT_FOUND, &json!("not_found"))
    );
    let (status, body) = send(
        &fixture.app,
        Request::delete("/healthz")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::METHOD_NOT_ALLOWED, &json!("method_not_allowed"))
    );
}

#[tokio::test]
async fn a_large_json_body_is_refused() {
    let fixture = ready_app().await;
    let big = format!(r#"{{"version": "{}"}}"#, "9".repeat(SMALL_BODY_LIMIT));
    let request = admin(Method::POST, "/api/v1/plugins/x/activate")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .expect("req");
    let (status, body) = send(&fixture.app, request).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::PAYLOAD_TOO_LARGE, &json!("payload_too_large"))
    );
}

#[tokio::test]
async fn metrics_are_openmetrics_text() {
    let fixture = ready_app().await;
    let response = fixture
        .app
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).expect("req"))
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let text = String::from_utf8(body.to_vec()).expect("utf-8");
    assert!(text.contains("switchboard_ready 1"), "{text}");
    assert!(text.contains("process_start_time_seconds"), "{text}");
}
