//! The demo's sandbox connector: a customer message injected through the API reaches a
//! conversation, a reply goes out to the sandbox outbox and comes back delivered.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use switchboard::demo;
use switchboard_tests::server::TestServer;

#[tokio::test]
async fn messages_flow_through_the_demo_sandbox() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let connectors: Value = server
        .admin(Method::GET, "/api/v1/connectors")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let connector = &connectors[0];
    assert_eq!(connector["name"], demo::CONNECTOR);
    assert_eq!(connector["numbers"][0], demo::NUMBER);
    let id = connector["id"].as_i64().expect("id");

    let injected: Value = server
        .admin(Method::POST, &format!("/api/v1/sandbox/{id}/inbound"))
        .json(&json!({"from": "+5491166660002", "name": "Beto", "text": "Hola, ¿tienen turnos?"}))
        .send()
        .await
        .expect("inject")
        .json()
        .await
        .expect("json");
    let conversation = injected["conversation_id"]
        .as_i64()
        .expect("a conversation");

    let queued: Value = server
        .admin(Method::POST, "/api/v1/messages")
        .json(&json!({"conversation_id": conversation, "text": "¡Sí! Mañana a las 10 😀"}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let message_id = queued["message_id"].as_i64().expect("queued");

    let mut outbox = Value::Null;
    let mut status = Value::Null;
    for _ in 0..300 {
        outbox = server
            .admin(Method::GET, &format!("/api/v1/sandbox/{id}/outbox"))
            .send()
            .await
            .expect("outbox")
            .json()
            .await
            .expect("json");
        let message: Value = server
            .admin(Method::GET, &format!("/api/v1/messages/{message_id}"))
            .send()
            .await
            .expect("message")
            .json()
            .await
            .expect("json");
        status = message["status"].clone();
        if status == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "delivered");
    assert_eq!(outbox[0]["content"]["text"], "¡Sí! Mañana a las 10 😀");
    assert_eq!(outbox[0]["to"]["number"], "+5491166660002");
    assert_eq!(outbox[0]["message_id"], message_id);

    // The same provider id injected again is the same message.
    let again: Value = server
        .admin(Method::POST, &format!("/api/v1/sandbox/{id}/inbound"))
        .json(&json!({"from": "+5491166660002", "text": "x", "id": "fixed-1"}))
        .send()
        .await
        .expect("inject")
        .json()
        .await
        .expect("json");
    let repeat: Value = server
        .admin(Method::POST, &format!("/api/v1/sandbox/{id}/inbound"))
        .json(&json!({"from": "+5491166660002", "text": "x", "id": "fixed-1"}))
        .send()
        .await
        .expect("inject")
        .json()
        .await
        .expect("json");
    assert_eq!(repeat["message_id"], again["message_id"]);
    assert_eq!(repeat["duplicate"], true);

    // A restart keeps the connector and the history.
    let server = server.restart().await;
    let history: Value = server
        .admin(
            Method::GET,
            &format!("/api/v1/conversations/{conversation}/messages"),
        )
        .send()
        .await
        .expect("history")
        .json()
        .await
        .expect("json");
    assert_eq!(history.as_array().expect("list").len(), 3, "{history}");
    server.stop().await;
}

#[tokio::test]
async fn sms_texts_are_stored_with_their_encoding_and_segments() {
    let server = TestServer::start().await;
    let created: Value = server
        .admin(Method::POST, "/api/v1/connectors")
        .json(
            &json!({"name": "sms", "plugin": "sandbox", "numbers": ["+5491155550199"],
            "config": {"outbox_url": format!("{}/sandbox/outbox", server.url), "channel": "sms"}}),
        )
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_i64().expect("id");
    let injected: Value = server
        .admin(Method::POST, &format!("/api/v1/sandbox/{id}/inbound"))
        .json(&json!({"from": "+5491166660003", "text": "¿Llegó mi pedido? 🙂"}))
        .send()
        .await
        .expect("inject")
        .json()
        .await
        .expect("json");
    let inbound: Value = server
        .admin(
            Method::GET,
            &format!("/api/v1/messages/{}", injected["message_id"]),
        )
        .send()
        .await
        .expect("message")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            inbound["sms_encoding"].as_str(),
            inbound["sms_segments"].as_i64()
        ),
        (Some("ucs2"), Some(1)),
        "{inbound}"
    );
    // SMS has no window: free text to any valid number; 200 GSM characters take two segments.
    let queued: Value = server
        .admin(Method::POST, "/api/v1/messages")
        .json(&json!({"from": "+5491155550199", "to": "+5491166660004", "text": "a".repeat(200)}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let outbound: Value = server
        .admin(
            Method::GET,
            &format!("/api/v1/messages/{}", queued["message_id"]),
        )
        .send()
        .await
        .expect("message")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            outbound["sms_encoding"].as_str(),
            outbound["sms_segments"].as_i64()
        ),
        (Some("gsm7"), Some(2)),
        "{outbound}"
    );
    server.stop().await;
}
