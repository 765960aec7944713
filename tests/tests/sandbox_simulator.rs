//! What the web client's customer simulator reads: the sandbox connectors (for supervisors,
//! who may not list connectors), and one customer's outbox with each message's status, which
//! follows the statuses the simulator reports.

use std::time::Instant;

use serde_json::{Value, json};
use switchboard::demo;
use switchboard_tests::api::{self, SETTLE};
use switchboard_tests::server::TestServer;

/// Polls `path` until `done` holds for its answer; fails the test with the last answer.
async fn wait_for(server: &TestServer, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let answer = api::read(server, path).await;
        if done(&answer) {
            return answer;
        }
        assert!(
            start.elapsed() < SETTLE,
            "GET {path} never got there: {answer}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_simulator_sees_one_customers_replies_and_their_statuses() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sandboxes = api::read(&server, "/api/v1/sandbox").await;
    assert_eq!(
        sandboxes,
        json!([{"id": sandboxes[0]["id"], "name": demo::CONNECTOR, "numbers": [demo::NUMBER],
            "channel": "whatsapp", "enabled": true}])
    );
    let id = sandboxes[0]["id"].as_i64().expect("id");

    // Two customers write; the demo's menu bot greets each.
    for from in ["+5491166660101", "+5491166660102"] {
        let body = json!({"from": from, "text": "hola"});
        api::post(
            &server,
            &format!("/api/v1/sandbox/{id}/inbound"),
            &body,
            200,
        )
        .await;
    }
    let mine = format!("/api/v1/sandbox/{id}/outbox?to=%2B5491166660101");
    let outbox = wait_for(&server, &mine, |list| {
        list.as_array()
            .is_some_and(|l| l.len() == 1 && l[0]["status"] == "delivered")
    })
    .await;
    let greeting = &outbox[0];
    assert_eq!(
        greeting["to"]["number"], "+5491166660101",
        "only this customer's"
    );
    assert!(
        greeting["content"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("1. Sales")),
        "{greeting}"
    );
    assert_eq!(greeting["error_code"], Value::Null);

    // The customer reads it: the status the simulator reports is the message's now.
    let read = json!({"id": greeting["id"], "state": "read"});
    api::post(&server, &format!("/api/v1/sandbox/{id}/status"), &read, 200).await;
    wait_for(&server, &mine, |list| list[0]["status"] == "read").await;

    // Without a filter, both customers' greetings; a later cursor, none.
    let all = wait_for(&server, &format!("/api/v1/sandbox/{id}/outbox"), |list| {
        list.as_array().is_some_and(|l| l.len() == 2)
    })
    .await;
    let last = all[1]["seq"].as_u64().expect("seq");
    let after = api::read(
        &server,
        &format!("/api/v1/sandbox/{id}/outbox?after={last}"),
    )
    .await;
    assert_eq!(after, json!([]));

    // Both are documented.
    let doc = api::read(&server, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/sandbox"]["get"].is_object());
    let outbox = &doc["paths"]["/api/v1/sandbox/{id}/outbox"]["get"]["parameters"];
    assert!(
        outbox
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "to")),
        "{outbox}"
    );
    server.stop().await;
}
