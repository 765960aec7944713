//! Users end to end: `switchboard user add|list|passwd` on a data directory (with the server
//! stopped, then running), and signing in over HTTP against a real server on that directory.

use std::path::Path;

use clap::Parser;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard::cli::{Cli, Command, user};
use switchboard_tests::server::TestServer;

/// Runs `switchboard user <args> --data-dir <dir>` with `input` on stdin; returns its stdout.
async fn user_cli(dir: &Path, args: &[&str], input: &str) -> String {
    let mut argv = vec!["switchboard", "user"];
    argv.extend_from_slice(args);
    let dir = dir.to_str().expect("utf-8 path");
    argv.extend_from_slice(&["--data-dir", dir]);
    let Command::User(parsed) = Cli::try_parse_from(&argv)
        .expect("valid command line")
        .command
    else {
        panic!("not a user command: {argv:?}");
    };
    // The cheapest hashing, as the server of these tests uses (the server verifies any cost).
    let config = Path::new(dir).join("test-config.toml");
    std::fs::write(
        &config,
        "[auth]\nargon2_memory_kib = 8\nargon2_iterations = 1\n",
    )
    .expect("write config");
    let parsed = user::UserArgs {
        config: Some(config),
        ..parsed
    };
    let mut stdout = Vec::new();
    user::run(parsed, &mut input.as_bytes(), &mut stdout)
        .await
        .unwrap_or_else(|error| panic!("switchboard user {args:?}: {error:#}"));
    String::from_utf8(stdout).expect("utf-8 output")
}

/// The password a command printed once.
fn printed_password(output: &str) -> String {
    output
        .lines()
        .find_map(|line| line.strip_prefix("password (shown once): "))
        .unwrap_or_else(|| panic!("no password in {output:?}"))
        .to_owned()
}

/// Signs in; returns the status, and on success the `Cookie` value and the CSRF token.
async fn login(server: &TestServer, name: &str, password: &str) -> (StatusCode, String, String) {
    let response = server
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await
        .expect("login");
    let status = response.status();
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
    (status, cookie, csrf)
}

async fn me(server: &TestServer, cookie: &str) -> (StatusCode, Value) {
    let response = server
        .request(Method::GET, "/api/v1/auth/me")
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("me");
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn users_made_with_the_cli_sign_in_over_http() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let dir = data_dir.path().to_owned();

    let added = user_cli(
        &dir,
        &[
            "add",
            "alice",
            "--role",
            "supervisor",
            "--display-name",
            "Alice A.",
            "--password-stdin",
        ],
        "first password\n",
    )
    .await;
    assert!(added.contains("user alice (supervisor) created"), "{added}");
    let bob = user_cli(
        &dir,
        &["add", "bob", "--role", "agent", "--max-concurrent", "3"],
        "",
    )
    .await;
    let bob_password = printed_password(&bob);
    let listed: Value =
        serde_json::from_str(&user_cli(&dir, &["list", "--json"], "").await).expect("JSON list");
    let names: Vec<(&str, &str)> = listed
        .as_array()
        .expect("users")
        .iter()
        .map(|u| {
            (
                u["username"].as_str().unwrap_or(""),
                u["role"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("admin", "admin"),
            ("alice", "supervisor"),
            ("bob", "agent")
        ],
        "the first command also makes the admin user"
    );
    assert_eq!(listed[2]["max_concurrent"], 3);
    let table = user_cli(&dir, &["list"], "").await;
    assert!(table.starts_with("ID  USERNAME"), "{table}");

    let server = TestServer::start_in(data_dir, |_| {}).await;
    let (status, alice, _) = login(&server, "alice", "first password").await;
    assert_eq!(status, StatusCode::OK);
    let (status, who) = me(&server, &alice).await;
    assert_eq!(status, StatusCode::OK, "{who}");
    assert_eq!(
        (&who["user"]["display_name"], &who["user"]["role"]),
        (&json!("Alice A."), &json!("supervisor"))
    );
    let (status, _, _) = login(&server, "bob", &bob_password).await;
    assert_eq!(status, StatusCode::OK);

    // With the server running: a new password ends alice's sessions at once.
    let changed = user_cli(
        &dir,
        &["passwd", "alice", "--password-stdin"],
        "second password\n",
    )
    .await;
    assert!(changed.contains("1 session(s) ended"), "{changed}");
    assert_eq!(me(&server, &alice).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(&server, "alice", "first password").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&server, "Alice", "second password").await.0,
        StatusCode::OK
    );

    // The admin gets a password; the admin token keeps working beside it.
    let admin_password = printed_password(&user_cli(&dir, &["passwd", "admin"], "").await);
    let (status, admin, csrf) = login(&server, "admin", &admin_password).await;
    assert_eq!(status, StatusCode::OK);
    let response = server
        .request(Method::PATCH, "/api/v1/users/3")
        .header(COOKIE, &admin)
        .header("x-csrf-token", &csrf)
        .json(&json!({ "disabled": true }))
        .send()
        .await
        .expect("disable bob");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        login(&server, "bob", &bob_password).await.0,
        StatusCode::FORBIDDEN
    );
    let response = server
        .admin(Method::GET, "/api/v1/users")
        .send()
        .await
        .expect("list users");
    assert_eq!(response.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn the_admin_token_acts_as_the_admin_user_across_restarts() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me");
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("json");
    assert_eq!(
        (&me["user"]["username"], &me["user"]["role"]),
        (&json!("admin"), &json!("admin"))
    );
    let server = server.restart().await;
    let tokens: Value = server
        .admin(Method::GET, "/api/v1/tokens")
        .send()
        .await
        .expect("tokens")
        .json()
        .await
        .expect("json");
    let tokens = tokens.as_array().expect("tokens");
    assert_eq!(tokens.len(), 1, "bound once: {tokens:?}");
    assert_eq!(tokens[0]["username"], "admin");
    server.stop().await;
}
