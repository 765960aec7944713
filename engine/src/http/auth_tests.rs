//! Users, sessions, roles and the audit log, through the router as a service (no socket).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::tests::{Fixture, TOKEN, cheap_auth, ready_app_with};
use crate::config::AuthSettings;
use crate::store::AuditQuery;

const PASSWORD: &str = "a long enough password";

/// A signed-in browser: its cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn fixture() -> Fixture {
    ready_app_with(cheap_auth()).await
}

async fn call(fixture: &Fixture, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = fixture
        .app
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    let (status, headers) = (response.status(), response.headers().clone());
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

fn json(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(CONTENT_TYPE, "application/json")
}

fn with_body(builder: axum::http::request::Builder, body: &Value) -> Request<Body> {
    builder.body(Body::from(body.to_string())).expect("request")
}

/// An admin (bearer) request with a JSON body.
fn as_admin(method: Method, uri: &str, body: &Value) -> Request<Body> {
    with_body(
        json(method, uri).header(AUTHORIZATION, format!("Bearer {TOKEN}")),
        body,
    )
}

fn as_browser(method: Method, uri: &str, browser: &Browser, csrf: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(COOKIE, format!("theme=dark; {}", browser.cookie))
        .header(CONTENT_TYPE, "application/json");
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    request.body(Body::from("{}")).expect("request")
}

async fn add_user(fixture: &Fixture, name: &str, role: &str) -> i64 {
    let body = json!({ "username": name, "role": role, "password": PASSWORD });
    let (status, _, user) = call(fixture, as_admin(Method::POST, "/api/v1/users", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    user["id"].as_i64().expect("id")
}

fn login_request(name: &str, password: &str, from: Option<[u8; 4]>) -> Request<Body> {
    let body = json!({ "username": name, "password": password });
    let mut request = with_body(json(Method::POST, "/api/v1/auth/login"), &body);
    if let Some(ip) = from {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    }
    request
}

async fn login(fixture: &Fixture, name: &str) -> Browser {
    let (status, headers, body) = call(fixture, login_request(name, PASSWORD, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let set_cookie = headers[SET_COOKIE].to_str().expect("ascii");
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    Browser {
        cookie,
        csrf: body["csrf_token"].as_str().expect("csrf_token").to_owned(),
    }
}

#[tokio::test]
async fn login_sets_an_http_only_strict_cookie_and_me_answers_with_it() {
    let fixture = fixture().await;
    let id = add_user(&fixture, "Alice", "agent").await;
    let (status, headers, body) = call(&fixture, login_request("alice", PASSWORD, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = headers[SET_COOKIE].to_str().expect("ascii");
    assert!(cookie.starts_with("sb_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert_eq!(
        body["user"],
        json!({"id": id, "username": "Alice", "display_name": "Alice", "role": "agent",
               "max_concurrent": 5, "campaign_scope": null, "language": "en"})
    );
    let browser = Browser {
        cookie: cookie.split(';').next().expect("pair").to_owned(),
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
    };
    let (status, _, me) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/auth/me", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["username"], "Alice");
    assert_eq!(me["csrf_token"], browser.csrf.as_str());

    let (status, _, me) = call(
        &fixture,
        as_admin(Method::GET, "/api/v1/auth/me", &json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["username"], "admin");
    assert!(
        me.get("csrf_token").is_none(),
        "no CSRF token for a bearer: {me}"
    );
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_invalid_credentials_and_audited() {
    let fixture = fixture().await;
    add_user(&fixture, "bob", "agent").await;
    for (name, password) in [
        ("bob", "not the password"),
        ("nobody", PASSWORD),
        ("admin", PASSWORD),
    ] {
        let (status, headers, body) = call(&fixture, login_request(name, password, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {body}");
        assert_eq!(body["code"], "invalid_credentials", "{name}");
        assert!(headers.get(SET_COOKIE).is_none());
    }
    let failed = fixture
        .store
        .audit_log(AuditQuery {
            before: i64::MAX,
            limit: 10,
            actor_user_id: None,
            action: Some("auth.login_failed".into()),
        })
        .await
        .expect("audit");
    let reasons: Vec<&Value> = failed.iter().map(|e| &e.data["reason"]).collect();
    assert_eq!(
        reasons,
        [
            &json!("no_password"),
            &json!("unknown_user"),
            &json!("wrong_password")
        ]
    );
    assert_eq!(failed[1].actor_name, "nobody");
}

#[tokio::test]
async fn logins_are_limited_per_account() {
    let fixture = fixture().await;
    add_user(&fixture, "carol", "agent").await;
    for _ in 0..5 {
        let (status, _, _) = call(&fixture, login_request("carol", "wrong password", None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, body) = call(&fixture, login_request("CAROL", PASSWORD, None)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_attempts");
    let wait: u64 = headers[RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    add_user(&fixture, "dave", "agent").await;
    let (status, _, _) = call(&fixture, login_request("dave", PASSWORD, None)).await;
    assert_eq!(status, StatusCode::OK, "other accounts are not held");
}

#[tokio::test]
async fn logins_are_limited_per_client_address() {
    let fixture = ready_app_with(AuthSettings {
        login_attempts_per_ip: 3,
        ..cheap_auth()
    })
    .await;
    add_user(&fixture, "erin", "agent").await;
    let office = Some([10, 0, 0, 1]);
    for name in ["x1", "x2", "x3"] {
        let (status, _, _) = call(&fixture, login_request(name, PASSWORD, office)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, body) = call(&fixture, login_request("erin", PASSWORD, office)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key(RETRY_AFTER));
    let (status, _, _) = call(
        &fixture,
        login_request("erin", PASSWORD, Some([10, 0, 0, 2])),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another address has its own allowance"
    );
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_bearer_writes_do_not() {
    let fixture = fixture().await;
    add_user(&fixture, "root", "admin").await;
    let browser = login(&fixture, "root").await;
    let new_user = |name: &str| json!({ "username": name, "role": "agent" });
    for csrf in [None, Some("wrong"), Some("")] {
        let mut request = as_browser(Method::POST, "/api/v1/users", &browser, csrf);
        *request.body_mut() = Body::from(new_user("u1").to_string());
        let (status, _, body) = call(&fixture, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{csrf:?}: {body}");
        assert_eq!(body["code"], "csrf");
    }
    let mut request = as_browser(Method::POST, "/api/v1/users", &browser, Some(&browser.csrf));
    *request.body_mut() = Body::from(new_user("u1").to_string());
    let (status, _, body) = call(&fixture, request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, _) = call(
        &fixture,
        as_admin(Method::POST, "/api/v1/users", &new_user("u2")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "a bearer needs no CSRF token");
}

#[tokio::test]
async fn an_agent_is_refused_admin_and_supervisor_routes() {
    let fixture = fixture().await;
    add_user(&fixture, "frank", "agent").await;
    let browser = login(&fixture, "frank").await;
    for uri in [
        "/api/v1/users",
        "/api/v1/plugins",
        "/api/v1/audit",
        "/api/v1/blacklist",
    ] {
        let (status, _, body) = call(&fixture, as_browser(Method::GET, uri, &browser, None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {body}");
        assert_eq!(body["code"], "forbidden", "{uri}");
        let anonymous = Request::get(uri).body(Body::empty()).expect("request");
        let (status, _, body) = call(&fixture, anonymous).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(body["code"], "unauthorized", "{uri}");
    }
    let (status, _, _) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/auth/me", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_users_session_and_tokens_stop_at_once() {
    let fixture = fixture().await;
    let id = add_user(&fixture, "grace", "supervisor").await;
    let browser = login(&fixture, "grace").await;
    let (status, _, token) = call(
        &fixture,
        as_admin(
            Method::POST,
            "/api/v1/tokens",
            &json!({"name": "grace-tool", "user_id": id}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    assert_eq!(token["username"], "grace");
    let secret = token["secret"].as_str().expect("secret").to_owned();
    let by_token = || {
        Request::get("/api/v1/audit")
            .header(AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::empty())
            .expect("request")
    };
    let (status, _, _) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/audit", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(call(&fixture, by_token()).await.0, StatusCode::OK);

    let disable = json!({ "disabled": true });
    let (status, _, user) = call(
        &fixture,
        as_admin(Method::PATCH, &format!("/api/v1/users/{id}"), &disable),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert!(user["disabled_at"].is_string());
    let (status, _, _) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/audit", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&fixture, by_token()).await.0, StatusCode::UNAUTHORIZED);
    let (status, _, body) = call(&fixture, login_request("grace", PASSWORD, None)).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::FORBIDDEN, &json!("account_disabled"))
    );
}

#[tokio::test]
async fn admin_writes_are_audited_and_reads_are_not() {
    let fixture = fixture().await;
    let id = add_user(&fixture, "heidi", "supervisor").await;
    let patch = json!({ "max_concurrent": 8 });
    let (status, _, _) = call(
        &fixture,
        as_admin(Method::PATCH, &format!("/api/v1/users/{id}"), &patch),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(&fixture, as_admin(Method::GET, "/api/v1/users", &json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    let refused = json!({ "version": "9.9.9" });
    let (status, _, _) = call(
        &fixture,
        as_admin(Method::POST, "/api/v1/plugins/nope/activate", &refused),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, entries) =
        call(&fixture, as_admin(Method::GET, "/api/v1/audit", &json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    let actions: Vec<(&str, &str)> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["target"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let path = format!("/api/v1/users/{id}");
    assert_eq!(
        actions,
        [
            ("PATCH /api/v1/users/{id}", path.as_str()),
            ("POST /api/v1/users", "/api/v1/users"),
        ],
        "writes that succeeded, newest first; no reads, no failures"
    );
    assert_eq!(entries[0]["actor_name"], "admin");
    assert_eq!(
        entries[1]["data"],
        json!({}),
        "bodies (and passwords) are not kept"
    );

    let browser = login(&fixture, "heidi").await;
    let (status, _, own) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/audit", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let own = own.as_array().expect("entries");
    assert!(!own.is_empty());
    assert!(own.iter().all(|e| e["actor_name"] == "heidi"), "{own:?}");
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let fixture = fixture().await;
    add_user(&fixture, "ivan", "agent").await;
    let browser = login(&fixture, "ivan").await;
    let (status, headers, _) = call(
        &fixture,
        as_browser(
            Method::POST,
            "/api/v1/auth/logout",
            &browser,
            Some(&browser.csrf),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        headers[SET_COOKIE]
            .to_str()
            .expect("ascii")
            .starts_with("sb_session=; ")
    );
    let (status, _, _) = call(
        &fixture,
        as_browser(Method::GET, "/api/v1/auth/me", &browser, None),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_user_changes_their_own_password_with_the_old_one() {
    // Password changes count as login attempts; this test makes more than the default 5.
    let fixture = ready_app_with(AuthSettings {
        login_attempts_per_account: 20,
        ..cheap_auth()
    })
    .await;
    add_user(&fixture, "judy", "agent").await;
    let browser = login(&fixture, "judy").await;
    let other = login(&fixture, "judy").await;
    let change = |old: &str, new: &str| {
        let mut request = as_browser(
            Method::POST,
            "/api/v1/auth/password",
            &browser,
            Some(&browser.csrf),
        );
        *request.body_mut() =
            Body::from(json!({ "old_password": old, "new_password": new }).to_string());
        request
    };
    let (status, _, body) = call(&fixture, change("wrong password", "brand new password")).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_credentials"))
    );
    let (status, _, body) = call(&fixture, change(PASSWORD, "short")).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("invalid"))
    );
    let (status, _, _) = call(&fixture, change(PASSWORD, "brand new password")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let me = |b: &Browser| as_browser(Method::GET, "/api/v1/auth/me", b, None);
    assert_eq!(
        call(&fixture, me(&browser)).await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        call(&fixture, me(&other)).await.0,
        StatusCode::UNAUTHORIZED,
        "others end"
    );
    let (status, _, _) = call(&fixture, login_request("judy", PASSWORD, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&fixture, login_request("judy", "brand new password", None)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_user_picks_the_web_clients_language() {
    let fixture = fixture().await;
    add_user(&fixture, "lucia", "agent").await;
    let browser = login(&fixture, "lucia").await;
    let set = |language: &str| {
        let mut request = as_browser(
            Method::PATCH,
            "/api/v1/auth/me",
            &browser,
            Some(&browser.csrf),
        );
        *request.body_mut() = Body::from(json!({ "language": language }).to_string());
        request
    };
    let me = as_browser(Method::GET, "/api/v1/auth/me", &browser, None);
    assert_eq!(call(&fixture, me).await.2["user"]["language"], "en");

    let (status, _, body) = call(&fixture, set("es")).await;
    assert_eq!(
        (status, &body["user"]["language"]),
        (StatusCode::OK, &json!("es"))
    );
    assert_eq!(body["csrf_token"], json!(browser.csrf));

    let (status, _, body) = call(&fixture, set("fr")).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("invalid"))
    );
    let me = as_browser(Method::GET, "/api/v1/auth/me", &browser, None);
    assert_eq!(
        call(&fixture, me).await.2["user"]["language"],
        "es",
        "a refused change leaves it"
    );
}
