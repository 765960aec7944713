//! `switchboard user add|list|passwd` as an operator runs them: the real binary on a data
//! directory, before the server starts and while it runs; then signing in over HTTP.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Engine, TOKEN};
use serde_json::{Value, json};

/// `switchboard <args> --data-dir <dir>` at the cheapest password cost, `input` on stdin.
fn switchboard(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("SWITCHBOARD_ARGON2_MEMORY_KIB", "8")
        .env("SWITCHBOARD_ARGON2_ITERATIONS", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the CLI");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("CLI output");
    assert!(
        output.status.success(),
        "switchboard {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// Signs in; the status and the `sb_session=…` cookie pair.
async fn login(client: &reqwest::Client, base: &str, name: &str, password: &str) -> (u16, String) {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await
        .expect("login");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), cookie)
}

async fn me(client: &reqwest::Client, base: &str, cookie: &str) -> (u16, Value) {
    let response = client
        .get(format!("{base}/api/v1/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("me");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_added_with_the_cli_sign_in_to_the_server() {
    let dir = tempfile::tempdir().expect("dir");
    let added = switchboard(
        dir.path(),
        &[
            "user",
            "add",
            "alice",
            "--role",
            "supervisor",
            "--password-stdin",
        ],
        "first password\n",
    );
    assert!(stdout(&added).contains("user alice (supervisor) created"));
    let listed: Value = serde_json::from_str(&stdout(&switchboard(
        dir.path(),
        &["user", "list", "--json"],
        "",
    )))
    .expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "alice"]);

    // Killed when dropped, so a failing assertion leaves no server behind.
    let engine = Engine::start(dir.path()).await;
    let (client, base) = (&engine.client, engine.base.as_str());

    let (status, cookie) = login(client, base, "alice", "first password").await;
    assert_eq!(status, 200);
    let (status, who) = me(client, base, &cookie).await;
    assert_eq!((status, &who["user"]["role"]), (200, &json!("supervisor")));

    // While the server runs: a generated password, printed once; the old session ends.
    let changed = stdout(&switchboard(dir.path(), &["user", "passwd", "alice"], ""));
    let password = changed
        .lines()
        .find_map(|line| line.strip_prefix("password (shown once): "))
        .expect("a generated password")
        .to_owned();
    assert_eq!(me(client, base, &cookie).await.0, 401);
    assert_eq!(login(client, base, "alice", "first password").await.0, 401);
    assert_eq!(login(client, base, "alice", &password).await.0, 200);

    let response = client
        .get(format!("{base}/api/v1/users"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("users");
    assert_eq!(
        response.status().as_u16(),
        200,
        "the admin token still works"
    );

    engine.kill();
}
