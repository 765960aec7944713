//! Polling: a Dinstar gateway (mocked on 127.0.0.1, answering its real `query_incoming_sms`
//! format) is polled from the saved cursor, its messages land in conversations once each, and
//! the cursor survives a restart.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_tests::api;
use switchboard_tests::mock::{MockProvider, Recorded, Reply};
use switchboard_tests::server::TestServer;

const FIRST: &str = r#"{"error_code":200,"sn":"aaaa-bbbb","sms":[
    {"incoming_sms_id":7,"port":1,"number":"+5491166660001","smsc":"+5491100000000","timestamp":"2026-11-21 10:00:00","text":"Hola"},
    {"incoming_sms_id":8,"port":1,"number":"+5491166660001","smsc":"+5491100000000","timestamp":"2026-11-21 10:00:05","text":"¿Hay turnos?"}
],"read":2,"unread":0}"#;

/// The gateway: Basic auth `admin:pw`, messages 7 and 8 for a poll from before 8, none after.
fn gateway(_n: usize, request: &Recorded) -> Reply {
    if request.header("authorization") != Some("Basic YWRtaW46cHc=") {
        return Reply::new(401, "");
    }
    if !request.uri.ends_with("/api/query_incoming_sms") {
        return Reply::new(404, "");
    }
    let after = request.json()["incoming_sms_id"].as_u64().unwrap_or(0);
    if after < 8 {
        Reply::new(200, FIRST)
    } else {
        Reply::new(
            200,
            r#"{"error_code":200,"sn":"aaaa-bbbb","sms":[],"read":0,"unread":0}"#,
        )
    }
}

#[tokio::test]
async fn a_polled_gateway_delivers_each_message_once_and_the_cursor_survives_a_restart() {
    let mock = MockProvider::start(Arc::new(gateway)).await;
    let server = TestServer::start().await;
    let input = json!({"name": "dinstar", "plugin": "http-gateway", "numbers": ["+5491155550100"],
        "config": {"style": "dinstar", "base_url": mock.url, "username": "admin", "password": "pw",
                   "ports": [1], "sim_numbers": {"1": "+5491155550100"}, "poll_interval_ms": 100}});
    api::create_connector(&server, &input).await;

    let mut history = Vec::new();
    for _ in 0..300 {
        history = api::inbound_messages(&server).await;
        if history.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let texts: Vec<&str> = history
        .iter()
        .filter_map(|m| m["content"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["Hola", "¿Hay turnos?"]);
    // Later polls start after the last id seen.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let last = mock.requests().pop().expect("polled").json();
    assert_eq!(
        (last["flag"].as_str(), last["incoming_sms_id"].as_u64()),
        (Some("all"), Some(8)),
        "{last}"
    );

    // After a restart the saved cursor is used: nothing is fetched or stored twice.
    let server = server.restart().await;
    let before = mock.requests().len();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let polls: Vec<Value> = mock.requests()[before..]
        .iter()
        .map(Recorded::json)
        .collect();
    assert!(!polls.is_empty(), "polling resumed");
    assert!(polls.iter().all(|p| p["incoming_sms_id"] == 8), "{polls:?}");
    assert_eq!(api::inbound_messages(&server).await.len(), 2);
    server.stop().await;
}
