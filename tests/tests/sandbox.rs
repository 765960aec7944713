//! The demo's sandbox connector: a customer message injected through the API reaches a
//! conversation, a reply goes out to the sandbox outbox and comes back delivered; SMS texts
//! keep their encoding and segment count.

use serde_json::{Value, json};
use switchboard::demo;
use switchboard_tests::api::{self, SETTLE};
use switchboard_tests::server::TestServer;

/// A customer message injected into sandbox connector `id`.
async fn inject(server: &TestServer, id: i64, message: Value) -> Value {
    api::post(
        server,
        &format!("/api/v1/sandbox/{id}/inbound"),
        &message,
        200,
    )
    .await
}

#[tokio::test]
async fn messages_flow_through_the_demo_sandbox() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let connectors = api::read(&server, "/api/v1/connectors").await;
    let connector = &connectors[0];
    assert_eq!(connector["name"], demo::CONNECTOR);
    assert_eq!(connector["numbers"][0], demo::NUMBER);
    let id = connector["id"].as_i64().expect("id");

    let injected = inject(
        &server,
        id,
        json!({"from": "+5491166660002", "name": "Beto", "text": "Hola, ¿tienen turnos?"}),
    )
    .await;
    let conversation = injected["conversation_id"]
        .as_i64()
        .expect("a conversation");
    let reply = json!({"conversation_id": conversation, "text": "¡Sí! Mañana a las 10 😀"});
    let queued = api::post(&server, "/api/v1/messages", &reply, 202).await;
    let message_id = queued["message_id"].as_i64().expect("queued");
    api::wait_message(&server, message_id, SETTLE, |m| m["status"] == "delivered").await;
    let outbox = api::read(&server, &format!("/api/v1/sandbox/{id}/outbox")).await;
    // The demo campaign's menu bot writes too: find the reply by its id.
    let sent = outbox
        .as_array()
        .expect("outbox")
        .iter()
        .find(|m| m["message_id"] == message_id)
        .expect("the reply reached the sandbox");
    assert_eq!(sent["content"]["text"], "¡Sí! Mañana a las 10 😀");
    assert_eq!(sent["to"]["number"], "+5491166660002");

    // The same provider id injected again is the same message.
    let repeated = json!({"from": "+5491166660002", "text": "x", "id": "fixed-1"});
    let first = inject(&server, id, repeated.clone()).await;
    let again = inject(&server, id, repeated).await;
    assert_eq!(again["message_id"], first["message_id"]);
    assert_eq!(
        (first["duplicate"].as_bool(), again["duplicate"].as_bool()),
        (Some(false), Some(true))
    );

    // A restart keeps the connector and the history.
    let server = server.restart().await;
    let history = api::read(
        &server,
        &format!("/api/v1/conversations/{conversation}/messages"),
    )
    .await;
    // The customer's two messages and the reply, besides the demo menu bot's.
    let history = history.as_array().expect("list");
    let not_bot: Vec<_> = history.iter().filter(|m| m["origin"] != "bot").collect();
    assert_eq!(not_bot.len(), 3, "{history:?}");
    assert!(
        history.iter().any(|m| m["origin"] == "bot"),
        "the demo's menu bot greets"
    );
    server.stop().await;
}

#[tokio::test]
async fn sms_texts_are_stored_with_their_encoding_and_segments() {
    let server = TestServer::start().await;
    let input = json!({"name": "sms", "plugin": "sandbox", "numbers": ["+5491155550199"],
        "config": {"outbox_url": format!("{}/sandbox/outbox", server.url), "channel": "sms"}});
    let (id, _) = api::create_connector(&server, &input).await;
    let injected = inject(
        &server,
        id,
        json!({"from": "+5491166660003", "text": "¿Llegó mi pedido? 🙂"}),
    )
    .await;
    let inbound = api::read(
        &server,
        &format!("/api/v1/messages/{}", injected["message_id"]),
    )
    .await;
    assert_eq!(
        (
            inbound["sms_encoding"].as_str(),
            inbound["sms_segments"].as_i64()
        ),
        (Some("ucs2"), Some(1)),
        "{inbound}"
    );
    // SMS has no window: free text to any valid number; 200 GSM characters take two segments.
    let outbound_id = api::send_text(
        &server,
        "+5491155550199",
        "+5491166660004",
        &"a".repeat(200),
    )
    .await;
    let outbound = api::read(&server, &format!("/api/v1/messages/{outbound_id}")).await;
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
