//! Dialers as tests drive them: an outbox mock that records every send with its arrival time,
//! a sandbox connector bound to it, dialers, list uploads and their records.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::mock::{MockProvider, Recorded, Reply};
use crate::server::TestServer;

/// The business number of the dialer's connector.
pub const LINE: &str = "+5491155550100";

/// An outbox answering every send `201 {"id": "p-<n>"}`.
pub async fn outbox() -> MockProvider {
    MockProvider::start(Arc::new(|n, _: &Recorded| {
        Reply::new(201, json!({ "id": format!("p-{n}") }).to_string())
    }))
    .await
}

/// A sandbox connector sending to `outbox` at most `per_second`; returns its id.
pub async fn connector(server: &TestServer, outbox: &MockProvider, per_second: u32) -> i64 {
    let response = server
        .admin(Method::POST, "/api/v1/connectors")
        .json(&json!({
            "name": "bulk",
            "plugin": "sandbox",
            "numbers": [LINE],
            "config": {"outbox_url": format!("{}/send", outbox.url), "channel": "sms",
                       "max_per_second": per_second},
        }))
        .send()
        .await
        .expect("create connector");
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let view: Value = response.json().await.expect("json");
    view["id"].as_i64().expect("id")
}

/// Calls the API as admin, checks the status, returns the JSON answer.
pub async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    body: Option<Value>,
    expected: u16,
) -> Value {
    let mut request = server.admin(method.clone(), path);
    if let Some(body) = &body {
        request = request.json(body);
    }
    let response = request.send().await.expect("call the API");
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
    answer
}

/// Creates a dialer named `name` with `settings`; returns its id.
pub async fn dialer(server: &TestServer, name: &str, settings: Value) -> i64 {
    let view = call(
        server,
        Method::POST,
        "/api/v1/dialers",
        Some(json!({"name": name, "settings": settings})),
        201,
    )
    .await;
    view["id"].as_i64().expect("dialer id")
}

/// Uploads `csv` as a list; returns the report.
pub async fn upload(server: &TestServer, dialer: i64, csv: impl Into<reqwest::Body>) -> Value {
    let response = server
        .admin(Method::POST, &format!("/api/v1/dialers/{dialer}/lists"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    let report: Value = response.json().await.expect("json");
    assert_eq!(status, 201, "{report}");
    report
}

/// Starts, stops or purges; returns the answer.
pub async fn action(server: &TestServer, dialer: i64, what: &str) -> Value {
    call(
        server,
        Method::POST,
        &format!("/api/v1/dialers/{dialer}/{what}"),
        None,
        200,
    )
    .await
}

/// The monitor's figures.
pub async fn status(server: &TestServer, dialer: i64) -> Value {
    call(
        server,
        Method::GET,
        &format!("/api/v1/dialers/{dialer}/status"),
        None,
        200,
    )
    .await
}

/// Waits until no record is pending or sending (and the run is idle), up to `within`.
pub async fn wait_done(server: &TestServer, dialer: i64, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let status = status(server, dialer).await;
        let counts = &status["counts"];
        if counts["pending"] == 0 && counts["sending"] == 0 {
            return status;
        }
        assert!(Instant::now() < deadline, "dialer not done: {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every record, in position order.
pub async fn records(server: &TestServer, dialer: i64) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = call(
            server,
            Method::GET,
            &format!("/api/v1/dialers/{dialer}/records?after={after}&limit=500"),
            None,
            200,
        )
        .await;
        let page = page.as_array().cloned().unwrap_or_default();
        let Some(last) = page.last() else {
            return all;
        };
        after = last["position"].as_i64().expect("position");
        all.extend(page);
    }
}

/// The recipients of the sends `outbox` received, in arrival order, with arrival times.
pub fn sends(outbox: &MockProvider) -> Vec<(String, Instant)> {
    outbox
        .requests()
        .iter()
        .map(|r| {
            let to = r.json()["to"]["number"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (to, r.at)
        })
        .collect()
}

/// The most sends in any one-second window.
pub fn most_in_a_second(times: &[Instant]) -> usize {
    let mut times = times.to_vec();
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

/// A recipient number for row `i`.
pub fn number(i: usize) -> String {
    format!("+54911{:08}", 40_000_000 + i)
}
