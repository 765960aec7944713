//! Switchboard's REST API v1 as provider tests drive it: connectors, sends, a message's
//! progress, and the inbound messages of every conversation.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::TestServer;

/// How long a message may take to reach a state against a mock (retries with the tests' short
/// backoff, and a provider timeout or two, on a loaded 2-core machine).
pub const SETTLE: Duration = Duration::from_secs(15);

/// An admin request to `path` with an optional JSON `body`; fails the test unless the answer
/// has status `expected`; returns the answer's JSON.
async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
    expected: u16,
) -> Value {
    let mut request = server.admin(method.clone(), path);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("call the API");
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
    answer
}

/// The JSON answer of an admin `POST path` with `body`; fails the test unless its status is
/// `expected`.
pub async fn post(server: &TestServer, path: &str, body: &Value, expected: u16) -> Value {
    call(server, Method::POST, path, Some(body), expected).await
}

/// The JSON answer of an admin `GET path`.
pub async fn read(server: &TestServer, path: &str) -> Value {
    call(server, Method::GET, path, None, 200).await
}

/// Creates a connector (`{name, plugin, config, numbers}`); returns its id and webhook URL.
pub async fn create_connector(server: &TestServer, input: &Value) -> (i64, String) {
    let view = call(server, Method::POST, "/api/v1/connectors", Some(input), 201).await;
    let url = view["webhook_url"].as_str().expect("webhook_url");
    (view["id"].as_i64().expect("connector id"), url.to_owned())
}

/// Replaces connector `id`'s settings; returns the connector as the API shows it.
pub async fn update_connector(server: &TestServer, id: i64, input: &Value) -> Value {
    let path = format!("/api/v1/connectors/{id}");
    call(server, Method::PUT, &path, Some(input), 200).await
}

/// Queues a text from business number `from` to `to`; returns the message id.
pub async fn send_text(server: &TestServer, from: &str, to: &str, text: &str) -> i64 {
    let body = json!({"from": from, "to": to, "text": text});
    let queued = call(server, Method::POST, "/api/v1/messages", Some(&body), 202).await;
    queued["message_id"].as_i64().expect("message_id")
}

/// Polls message `id` until `done` holds, for up to `within`; fails the test with the
/// message's last state otherwise.
pub async fn wait_message(
    server: &TestServer,
    id: i64,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let message = read(server, &format!("/api/v1/messages/{id}")).await;
        if done(&message) {
            return message;
        }
        assert!(
            Instant::now() < deadline,
            "message {id} did not reach the expected state within {within:?}: {message}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits until message `id` has status `status`.
pub async fn wait_status(server: &TestServer, id: i64, status: &str) -> Value {
    wait_message(server, id, SETTLE, |m| m["status"] == status).await
}

/// Every inbound message of every conversation, each with the conversation's
/// `contact_number` and `number` (the business number) added.
pub async fn inbound_messages(server: &TestServer) -> Vec<Value> {
    let mut found = Vec::new();
    let conversations = read(server, "/api/v1/conversations?limit=500").await;
    for conversation in conversations.as_array().into_iter().flatten() {
        let id = conversation["id"].as_i64().expect("conversation id");
        let path = format!("/api/v1/conversations/{id}/messages?limit=500");
        for mut message in read(server, &path)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if message["direction"] == "in" {
                message["contact_number"] = conversation["contact_number"].clone();
                message["number"] = conversation["number"].clone();
                found.push(message);
            }
        }
    }
    found
}

/// Waits for an inbound text `text` from `from` (E.164); returns it.
pub async fn wait_inbound(server: &TestServer, from: &str, text: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let messages = inbound_messages(server).await;
        if let Some(message) = messages
            .iter()
            .find(|m| m["contact_number"] == from && m["content"]["text"] == text)
        {
            return message.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no inbound {text:?} from {from} within {within:?}; inbound so far: {messages:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
